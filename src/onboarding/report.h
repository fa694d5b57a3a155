#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "onboarding/verify.h"

// How a verification Report is shown: text for people and logs, JSON for machines.
namespace bucketflow::onboarding {

// "PASS", "WARN" or "FAIL".
std::string_view OutcomeLabel(Check::Outcome outcome);

// Per check "PASS  name: reason", plus "      fix: ..." on the next line unless it passed.
std::vector<std::string> RenderTextLines(const Report& report);
// The lines joined, each ending in '\n', then a summary line ("3 passed, 1 warning, 0 failed").
std::string RenderText(const Report& report);
// {"ok":bool,"passed":N,"warnings":N,"failed":N,"checks":[{"name","outcome","reason","fix"}]}
// with outcome "pass", "warn" or "fail" and fix "" for a pass. Compact, one line.
std::string RenderJson(const Report& report);

}  // namespace bucketflow::onboarding

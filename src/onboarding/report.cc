#include "onboarding/report.h"

#include <array>
#include <boost/json.hpp>

namespace bucketflow::onboarding {
namespace {

namespace json = boost::json;

// The fix line is indented to start under the check's name.
constexpr std::string_view kFixIndent = "      fix: ";

std::string_view OutcomeJsonName(Check::Outcome outcome) {
  switch (outcome) {
    case Check::Outcome::kPass:
      return "pass";
    case Check::Outcome::kWarn:
      return "warn";
    case Check::Outcome::kFail:
      return "fail";
  }
  return "fail";
}

// passed, warnings, failed.
std::array<int64_t, 3> Counts(const Report& report) {
  std::array<int64_t, 3> counts{};
  for (const Check& check : report.checks) {
    ++counts[static_cast<size_t>(check.outcome)];
  }
  return counts;
}

}  // namespace

std::string_view OutcomeLabel(Check::Outcome outcome) {
  switch (outcome) {
    case Check::Outcome::kPass:
      return "PASS";
    case Check::Outcome::kWarn:
      return "WARN";
    case Check::Outcome::kFail:
      return "FAIL";
  }
  return "FAIL";
}

std::vector<std::string> RenderTextLines(const Report& report) {
  std::vector<std::string> lines;
  for (const Check& check : report.checks) {
    lines.push_back(std::string(OutcomeLabel(check.outcome)) + "  " + check.name + ": " +
                    check.reason);
    if (check.outcome != Check::Outcome::kPass && !check.fix.empty()) {
      lines.push_back(std::string(kFixIndent) + check.fix);
    }
  }
  return lines;
}

std::string RenderText(const Report& report) {
  std::string text;
  for (const std::string& line : RenderTextLines(report)) {
    text += line + "\n";
  }
  const std::array<int64_t, 3> counts = Counts(report);
  text += std::to_string(counts[0]) + " passed, " + std::to_string(counts[1]) +
          (counts[1] == 1 ? " warning, " : " warnings, ") + std::to_string(counts[2]) + " failed\n";
  return text;
}

std::string RenderJson(const Report& report) {
  json::array checks;
  for (const Check& check : report.checks) {
    checks.push_back(
        json::object{{"name", check.name},
                     {"outcome", OutcomeJsonName(check.outcome)},
                     {"reason", check.reason},
                     {"fix", check.outcome == Check::Outcome::kPass ? "" : check.fix}});
  }
  const std::array<int64_t, 3> counts = Counts(report);
  const json::object document{{"ok", report.ok()},
                              {"passed", counts[0]},
                              {"warnings", counts[1]},
                              {"failed", counts[2]},
                              {"checks", std::move(checks)}};
  return json::serialize(document);
}

}  // namespace bucketflow::onboarding

#pragma once

#include <optional>
#include <string_view>

#include "model/entities.h"

namespace bucketflow::model {

// "RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED".
std::string_view RunStatusName(RunStatus status);
// The inverse of RunStatusName; nullopt for an unknown name.
std::optional<RunStatus> ParseRunStatus(std::string_view name);

}  // namespace bucketflow::model

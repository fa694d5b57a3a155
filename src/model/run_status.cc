#include "model/run_status.h"

#include <array>
#include <utility>

namespace bucketflow::model {
namespace {

constexpr std::array<std::pair<RunStatus, std::string_view>, 5> kNames = {{
    {RunStatus::kRunning, "RUNNING"},
    {RunStatus::kScheduled, "SCHEDULED"},
    {RunStatus::kFinished, "FINISHED"},
    {RunStatus::kFailed, "FAILED"},
    {RunStatus::kKilled, "KILLED"},
}};

}  // namespace

std::string_view RunStatusName(RunStatus status) {
  for (const auto& [value, name] : kNames) {
    if (value == status) return name;
  }
  return "RUNNING";
}

std::optional<RunStatus> ParseRunStatus(std::string_view name) {
  for (const auto& [value, known] : kNames) {
    if (known == name) return value;
  }
  return std::nullopt;
}

}  // namespace bucketflow::model

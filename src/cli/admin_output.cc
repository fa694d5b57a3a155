#include "cli/admin_output.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "onboarding/report.h"
#include "onboarding/verify.h"

namespace bucketflow::cli {
namespace {

namespace json = boost::json;

onboarding::Check::Outcome ParseOutcome(const std::string& label) {
  if (label == "PASS") {
    return onboarding::Check::Outcome::kPass;
  }
  return label == "WARN" ? onboarding::Check::Outcome::kWarn : onboarding::Check::Outcome::kFail;
}

json::object BucketJson(const store::WorkspaceBucket& bucket) {
  return json::object{{"bucket", bucket.bucket},
                      {"prefix", bucket.prefix},
                      {"region", bucket.region},
                      {"s3_endpoint", bucket.s3_endpoint},
                      {"sts_endpoint", bucket.sts_endpoint},
                      {"addressing", bucket.addressing},
                      {"role_arn", bucket.role_arn},
                      {"external_id", bucket.external_id}};
}

}  // namespace

std::string FormatTime(std::optional<int64_t> millis) {
  if (!millis.has_value()) {
    return "-";
  }
  const std::time_t seconds = static_cast<std::time_t>(*millis / 1000);
  std::tm utc{};
  if (gmtime_r(&seconds, &utc) == nullptr) {
    return std::to_string(*millis);
  }
  char text[32];
  const size_t size = std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return std::string(text, size);
}

void PrintTable(const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths(header.size());
  for (size_t col = 0; col < header.size(); ++col) {
    widths[col] = header[col].size();
    for (const std::vector<std::string>& row : rows) {
      widths[col] = std::max(widths[col], row[col].size());
    }
  }
  auto print_row = [&widths](const std::vector<std::string>& cells) {
    std::string line;
    for (size_t col = 0; col < cells.size(); ++col) {
      line += cells[col];
      if (col + 1 < cells.size()) {
        line.append(widths[col] - cells[col].size() + 2, ' ');
      }
    }
    std::printf("%s\n", line.c_str());
  };
  print_row(header);
  for (const std::vector<std::string>& row : rows) {
    print_row(row);
  }
  if (rows.empty()) {
    std::printf("(none)\n");
  }
}

void PrintJson(const json::value& value) { std::printf("%s\n", json::serialize(value).c_str()); }

json::object WorkspaceJson(const store::Workspace& workspace) {
  json::object out{{"name", workspace.name},
                   {"id", std::to_string(workspace.id)},
                   {"creation_time", workspace.creation_time},
                   {"external_id", workspace.external_id},
                   {"default_experiment_id", workspace.default_experiment_id}};
  if (workspace.bucket.has_value()) {
    out["bucket"] = BucketJson(*workspace.bucket);
  }
  return out;
}

json::object TokenJson(const store::Token& token) {
  json::object out{{"id", std::to_string(token.id)},
                   {"name", token.name},
                   {"user", token.user_name},
                   {"creation_time", token.creation_time}};
  if (token.workspace_id.has_value()) {
    out["workspace"] = token.workspace_name;
  }
  if (token.expiry_time.has_value()) {
    out["expiry_time"] = *token.expiry_time;
  }
  if (token.revocation_time.has_value()) {
    out["revocation_time"] = *token.revocation_time;
  }
  return out;
}

json::object UserJson(const store::User& user) {
  return json::object{
      {"name", user.name}, {"is_admin", user.is_admin}, {"creation_time", user.creation_time}};
}

json::object AuditEntryJson(const store::AuditEntry& entry) {
  return json::object{{"id", std::to_string(entry.id)}, {"time", entry.time},
                      {"actor", entry.actor},           {"workspace", entry.workspace},
                      {"action", entry.action},         {"target", entry.target},
                      {"detail", entry.detail}};
}

std::string BucketLabel(const std::optional<store::WorkspaceBucket>& bucket) {
  if (!bucket.has_value()) {
    return "(local)";
  }
  return "s3://" + bucket->bucket + (bucket->prefix.empty() ? "" : "/" + bucket->prefix);
}

std::string RenderChecks(const std::vector<api::BucketCheck>& checks) {
  onboarding::Report report;
  for (const api::BucketCheck& check : checks) {
    report.checks.push_back({.name = check.name,
                             .outcome = ParseOutcome(check.outcome),
                             .reason = check.reason,
                             .fix = check.fix});
  }
  return onboarding::RenderText(report);
}

}  // namespace bucketflow::cli

#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "api/services.h"
#include "store/access_store.h"

// How the admin commands print: aligned tables for people, and with --json the same objects
// the admin REST API answers with (ws_common.md's W, T, user and audit entry shapes).
namespace bucketflow::cli {

// Milliseconds since the epoch as "2024-11-26T23:41:00Z"; "-" for unset.
std::string FormatTime(std::optional<int64_t> millis);

// Columns padded to their widest cell, two spaces apart; "(none)" under the header when empty.
void PrintTable(const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows);

// Serialises `value` on one line of stdout.
void PrintJson(const boost::json::value& value);

boost::json::object WorkspaceJson(const store::Workspace& workspace);
boost::json::object TokenJson(const store::Token& token);
boost::json::object UserJson(const store::User& user);
boost::json::object AuditEntryJson(const store::AuditEntry& entry);

// "s3://bucket/prefix"; "(local)" without a bucket.
std::string BucketLabel(const std::optional<store::WorkspaceBucket>& bucket);

// `bucketflow bucket verify`'s text report (onboarding::RenderText) for the checks.
std::string RenderChecks(const std::vector<api::BucketCheck>& checks);

}  // namespace bucketflow::cli

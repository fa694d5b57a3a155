#pragma once

#include <span>
#include <string>
#include <string_view>

#include "api/json_writer.h"
#include "api/services.h"
#include "store/access_store.h"

// JSON for the admin REST API's records (ws_common.md "Admin REST API": W, T, C and the rest),
// written the way json_writer.h writes MLflow's: ids as strings, unset fields omitted.
// Internal to api/.
namespace bucketflow::api {

// W: {"name","id","creation_time","external_id","default_experiment_id","bucket"?}.
void WriteWorkspace(JsonWriter& writer, const store::Workspace& workspace);
// {"name","is_admin","creation_time"}: never the password hash.
void WriteUser(JsonWriter& writer, const store::User& user);
// T: {"id","name","user","workspace"?,"creation_time","expiry_time"?,"revocation_time"?}:
// never the hash.
void WriteToken(JsonWriter& writer, const store::Token& token);
// {"id","time","actor","workspace","action","target","detail"}.
void WriteAuditEntry(JsonWriter& writer, const store::AuditEntry& entry);
// "checks": [C...] with C = {"name","outcome","reason","fix"}.
void WriteBucketChecks(JsonWriter& writer, std::span<const BucketCheck> checks);

// `"checks":[C...]` as a bare JSON member, for ErrorResponse's extra_fields (the 400 that
// workspaces/bucket/set answers when verification fails).
std::string BucketChecksField(std::span<const BucketCheck> checks);

}  // namespace bucketflow::api

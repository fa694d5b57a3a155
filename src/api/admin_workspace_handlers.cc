// Workspaces and their bucket: create, list, get, delete, bucket/set (ws_common.md).
#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/admin_common.h"
#include "api/admin_handlers.h"
#include "api/admin_json.h"
#include "api/errors.h"
#include "api/json_writer.h"

namespace bucketflow::api {
namespace {

std::string WorkspaceResponse(const store::Workspace& workspace) {
  JsonWriter writer;
  writer.BeginObject();
  writer.Key("workspace");
  WriteWorkspace(writer, workspace);
  writer.EndObject();
  return writer.Take();
}

// The workspaces a caller may see: all of them for server admins, otherwise the caller's
// memberships (a token limited to a workspace: that one, while its user is still a member or
// is a server admin).
Result<std::vector<store::Workspace>> VisibleWorkspaces(Services& services) {
  ASSIGN_OR_RETURN(store::AccessStore * access_store, AccessStoreOf(services));
  const auth::Caller& caller = CallerOf(services);
  if (IsServerAdmin(caller)) return access_store->ListWorkspaces();
  std::vector<store::Workspace> out;
  if (caller.is_admin && caller.token_workspace.has_value()) {
    ASSIGN_OR_RETURN(store::Workspace bound,
                     access_store->GetWorkspaceById(*caller.token_workspace));
    out.push_back(std::move(bound));
    return out;
  }
  ASSIGN_OR_RETURN(std::vector<store::Membership> memberships,
                   access_store->ListUserMemberships(caller.user_id));
  for (const store::Membership& membership : memberships) {
    // A bound token of a user removed from its workspace sees nothing.
    if (caller.token_workspace.has_value() && membership.workspace_id != *caller.token_workspace) {
      continue;
    }
    Result<store::Workspace> workspace = access_store->GetWorkspaceById(membership.workspace_id);
    // Deleted between the two reads: simply not visible any more.
    if (workspace.status().code() == Code::kNotFound) continue;
    if (!workspace.ok()) return workspace.status();
    out.push_back(std::move(workspace).value());
  }
  std::sort(out.begin(), out.end(),
            [](const store::Workspace& a, const store::Workspace& b) { return a.name < b.name; });
  return out;
}

// The bucket as an admin gave it; NormalizeWorkspaceBucket (behind CheckBucket) checks values.
Result<store::WorkspaceBucket> ReadBucket(const RequestParams& params) {
  store::WorkspaceBucket bucket;
  ASSIGN_OR_RETURN(bucket.bucket, params.RequiredString("bucket"));
  ASSIGN_OR_RETURN(bucket.role_arn, params.RequiredString("role_arn"));
  ASSIGN_OR_RETURN(bucket.prefix, params.StringOr("prefix", ""));
  ASSIGN_OR_RETURN(bucket.region, params.StringOr("region", ""));
  ASSIGN_OR_RETURN(bucket.s3_endpoint, params.StringOr("s3_endpoint", ""));
  ASSIGN_OR_RETURN(bucket.sts_endpoint, params.StringOr("sts_endpoint", ""));
  ASSIGN_OR_RETURN(bucket.addressing, params.StringOr("addressing", ""));
  ASSIGN_OR_RETURN(bucket.external_id, params.StringOr("external_id", ""));
  return bucket;
}

// Endpoints and the External ID decide whom the server's credentials talk to and as whom: a
// workspace admin could aim STS at their own listener or replay another tenant's External ID
// (the confused deputy). Only a server admin sets them; everyone else gets the workspace's own
// External ID and AWS's endpoints. The default workspace's bucket is the server's: same rule.
Status CheckBucketFields(Services& services, const store::Workspace& workspace,
                         const store::WorkspaceBucket* bucket) {
  if (IsServerAdmin(CallerOf(services))) return Status::Ok();
  if (workspace.id == store::kDefaultWorkspaceId) {
    return Status::PermissionDenied("only a server admin may change the bucket of the ",
                                    store::kDefaultWorkspaceName, " workspace");
  }
  if (bucket == nullptr) return Status::Ok();
  const std::pair<const char*, const std::string*> fields[] = {
      {"external_id", &bucket->external_id},
      {"s3_endpoint", &bucket->s3_endpoint},
      {"sts_endpoint", &bucket->sts_endpoint}};
  for (const auto& [field, value] : fields) {
    if (!value->empty()) return Status::PermissionDenied("only a server admin may set ", field);
  }
  return Status::Ok();
}

// "<check>: <reason> (see checks)" for the first failed check.
std::string FailureMessage(const std::vector<BucketCheck>& checks) {
  for (const BucketCheck& check : checks) {
    if (check.outcome == "FAIL") {
      return "bucket verification failed: " + check.name + ": " + check.reason + " (see checks)";
    }
  }
  return "bucket verification failed (see checks)";
}

Result<std::string> ClearBucket(Services& services, const store::Workspace& workspace) {
  RETURN_IF_ERROR(services.access_store->SetWorkspaceBucket(workspace.id, std::nullopt));
  RecordChange(services, &workspace, "bucket.clear", workspace.name);
  ASSIGN_OR_RETURN(store::Workspace updated, services.access_store->GetWorkspace(workspace.name));
  return WorkspaceResponse(updated);
}

// workspaces/bucket/set as a Result; when verification fails, kInvalidArgument naming the
// first FAIL, with the whole report in `report`.
Result<std::string> SetBucket(const RequestParams& params, Services& services,
                              std::vector<BucketCheck>& report) {
  ASSIGN_OR_RETURN(std::string name, params.RequiredString("workspace"));
  ASSIGN_OR_RETURN(std::optional<bool> clear, OptionalBool(params, "clear"));
  ASSIGN_OR_RETURN(store::Workspace workspace,
                   WorkspaceWithRole(services, name, store::Role::kAdmin));
  if (clear.value_or(false)) {
    RETURN_IF_ERROR(CheckBucketFields(services, workspace, nullptr));
    return ClearBucket(services, workspace);
  }
  ASSIGN_OR_RETURN(store::WorkspaceBucket requested, ReadBucket(params));
  RETURN_IF_ERROR(CheckBucketFields(services, workspace, &requested));
  if (services.workspace_artifacts == nullptr) {
    return Status::Unimplemented("this server cannot verify workspace buckets");
  }
  ASSIGN_OR_RETURN(CheckedBucket checked,
                   services.workspace_artifacts->CheckBucket(workspace, std::move(requested)));
  if (!checked.ok) {
    report = std::move(checked.checks);
    return Status::InvalidArgument(FailureMessage(report));
  }
  RETURN_IF_ERROR(services.access_store->SetWorkspaceBucket(workspace.id, checked.bucket));
  RecordChange(services, &workspace, "bucket.set", workspace.name,
               DetailJson({{"bucket", checked.bucket.bucket},
                           {"prefix", checked.bucket.prefix},
                           {"role_arn", checked.bucket.role_arn}}));
  ASSIGN_OR_RETURN(store::Workspace updated, services.access_store->GetWorkspace(workspace.name));
  JsonWriter writer;
  writer.BeginObject();
  writer.Key("workspace");
  WriteWorkspace(writer, updated);
  WriteBucketChecks(writer, checked.checks);
  writer.EndObject();
  return writer.Take();
}

}  // namespace

Result<std::string> CreateWorkspace(const RequestParams& params, Services& services) {
  ASSIGN_OR_RETURN(std::string name, params.RequiredString("name"));
  ASSIGN_OR_RETURN(std::string external_id, params.StringOr("external_id", ""));
  // The store checks the External ID (AWS's rule), so that the CLI says the same.
  RETURN_IF_ERROR(store::ValidateWorkspaceName(name));
  ASSIGN_OR_RETURN(store::AccessStore * access_store, AccessStoreOf(services));
  RETURN_IF_ERROR(RequireServerAdmin(services));
  ASSIGN_OR_RETURN(store::Workspace workspace, access_store->CreateWorkspace(name, external_id));
  RecordChange(services, &workspace, "workspace.create", workspace.name,
               DetailJson({{"external_id", workspace.external_id}}));
  return WorkspaceResponse(workspace);
}

Result<std::string> ListWorkspaces(const RequestParams& /*params*/, Services& services) {
  ASSIGN_OR_RETURN(std::vector<store::Workspace> workspaces, VisibleWorkspaces(services));
  JsonWriter writer;
  writer.BeginObject();
  writer.Key("workspaces");
  writer.BeginArray();
  for (const store::Workspace& workspace : workspaces) WriteWorkspace(writer, workspace);
  writer.EndArray();
  writer.EndObject();
  return writer.Take();
}

Result<std::string> GetWorkspace(const RequestParams& params, Services& services) {
  ASSIGN_OR_RETURN(std::string name, params.RequiredString("name"));
  ASSIGN_OR_RETURN(store::Workspace workspace,
                   WorkspaceWithRole(services, name, store::Role::kReader));
  return WorkspaceResponse(workspace);
}

Result<std::string> DeleteWorkspace(const RequestParams& params, Services& services) {
  ASSIGN_OR_RETURN(std::string name, params.RequiredString("name"));
  ASSIGN_OR_RETURN(store::AccessStore * access_store, AccessStoreOf(services));
  RETURN_IF_ERROR(RequireServerAdmin(services));
  if (name == store::kDefaultWorkspaceName) {
    return Status::InvalidArgument("the default workspace cannot be deleted");
  }
  ASSIGN_OR_RETURN(store::Workspace workspace, access_store->GetWorkspace(name));
  RETURN_IF_ERROR(access_store->DeleteWorkspace(workspace.id));
  RecordChange(services, &workspace, "workspace.delete", workspace.name);
  return EmptyJson();
}

http::Response SetWorkspaceBucket(const RequestParams& params, Services& services) {
  std::vector<BucketCheck> report;
  Result<std::string> body = SetBucket(params, services, report);
  if (!body.ok()) {
    return ErrorResponse(body.status(), report.empty() ? "" : BucketChecksField(report));
  }
  http::Response response;
  response.body = std::move(body).value();
  return response;
}

}  // namespace bucketflow::api

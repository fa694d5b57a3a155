// The audit log: audit/list (ws_common.md). Workspace admins read their workspace's entries;
// server admins read everything.
#include <optional>
#include <string>

#include "api/admin_common.h"
#include "api/admin_handlers.h"
#include "api/admin_json.h"
#include "api/json_writer.h"

namespace bucketflow::api {
namespace {

constexpr int64_t kMaxAuditResults = 1000;

Result<store::AuditQuery> ReadAuditQuery(const RequestParams& params) {
  store::AuditQuery query;
  ASSIGN_OR_RETURN(query.action, params.StringOr("action", ""));
  ASSIGN_OR_RETURN(query.page_token, params.StringOr("page_token", ""));
  ASSIGN_OR_RETURN(std::optional<int64_t> max_results, params.OptionalInt64("max_results"));
  if (max_results.has_value()) {
    if (*max_results < 1 || *max_results > kMaxAuditResults) {
      return Status::InvalidArgument("Invalid value ", *max_results,
                                     " for parameter 'max_results': must be between 1 and ",
                                     kMaxAuditResults);
    }
    query.max_results = *max_results;
  }
  return query;
}

}  // namespace

Result<std::string> ListAudit(const RequestParams& params, Services& services) {
  ASSIGN_OR_RETURN(std::string workspace_name, params.StringOr("workspace", ""));
  ASSIGN_OR_RETURN(store::AuditQuery query, ReadAuditQuery(params));
  ASSIGN_OR_RETURN(store::AccessStore * access_store, AccessStoreOf(services));
  if (workspace_name.empty()) {
    if (!IsServerAdmin(CallerOf(services))) {
      // Workspace admins must say which workspace: the log spans every workspace otherwise.
      RETURN_IF_ERROR(MissingParam("workspace"));
    }
  } else {
    ASSIGN_OR_RETURN(store::Workspace workspace,
                     WorkspaceWithRole(services, workspace_name, store::Role::kAdmin));
    query.workspace_id = workspace.id;
  }
  ASSIGN_OR_RETURN(store::AuditPage page, access_store->ListAudit(query));
  JsonWriter writer;
  writer.BeginObject();
  writer.Key("entries");
  writer.BeginArray();
  for (const store::AuditEntry& entry : page.entries) WriteAuditEntry(writer, entry);
  writer.EndArray();
  if (!page.next_page_token.empty()) writer.StringField("next_page_token", page.next_page_token);
  writer.EndObject();
  return writer.Take();
}

}  // namespace bucketflow::api

// Role checks and audit entries for handlers that act on a workspace named in their request
// (the admin API) rather than the one the gate admitted them to.
#include <spdlog/spdlog.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/route_wrappers.h"

namespace bucketflow::api {
namespace {

// The caller outside any gate: auth is off, so it is the anonymous server admin.
auth::Caller AnonymousAdmin() {
  auth::Caller caller;
  caller.is_admin = true;
  return caller;
}

}  // namespace

Result<auth::Grant> RequireRole(Services& services, const std::string& workspace,
                                store::Role minimum) {
  if (workspace.empty()) {
    return Status::InvalidArgument("a workspace name is required");
  }
  const RequestScope* scope = services.scope;
  if (services.access != nullptr) {
    if (scope == nullptr && services.access->enabled()) {
      return Status::Unauthenticated("no credentials");  // only the gate builds scopes
    }
    // The gate checked the credentials once; from here on, the same rules as Check.
    return services.access->Authorize(scope != nullptr ? scope->grant.caller : AnonymousAdmin(),
                                      workspace, auth::PermissionFor(minimum));
  }
  // Unit tests of single handlers: no auth::Access, so, as with auth off, every caller is the
  // anonymous server admin.
  if (services.access_store == nullptr) {
    return Status::Internal("the server has no access store");
  }
  ASSIGN_OR_RETURN(store::Workspace found, services.access_store->GetWorkspace(workspace));
  return auth::Grant{
      .caller = AnonymousAdmin(), .workspace = std::move(found), .role = store::Role::kAdmin};
}

void Audit(Services& services, std::string action, std::string target, std::string detail) {
  std::string workspace = services.scope != nullptr ? services.scope->grant.workspace.name : "";
  AuditIn(services, std::move(workspace), std::move(action), std::move(target), std::move(detail));
}

void AuditIn(Services& services, std::string workspace, std::string action, std::string target,
             std::string detail) {
  if (services.access_store == nullptr) {
    return;
  }
  store::AuditEntry entry{.id = 0,
                          .time = services.clock.NowMillis(),
                          .actor = services.scope != nullptr ? services.scope->grant.caller.name
                                                             : auth::kAnonymousCaller,
                          .workspace = std::move(workspace),
                          .workspace_id = std::nullopt,
                          .action = std::move(action),
                          .target = std::move(target),
                          .detail = std::move(detail)};
  // The log is read by workspace id (a re-created name must not see the old entries): the
  // request's own workspace needs no lookup; one gone already (workspace.delete) stays unset.
  if (services.scope != nullptr && !entry.workspace.empty() &&
      services.scope->grant.workspace.name == entry.workspace) {
    entry.workspace_id = services.scope->grant.workspace.id;
  } else if (!entry.workspace.empty()) {
    Result<store::Workspace> named = services.access_store->GetWorkspace(entry.workspace);
    if (named.ok()) entry.workspace_id = named->id;
  }
  if (Status appended = services.access_store->AppendAudit(entry); !appended.ok()) {
    spdlog::error("audit log: could not record {} on '{}' in workspace '{}': {}", entry.action,
                  entry.target, entry.workspace, appended.message());
  }
}

}  // namespace bucketflow::api

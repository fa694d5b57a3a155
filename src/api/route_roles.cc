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

auth::Permission PermissionFor(store::Role minimum) {
  switch (minimum) {
    case store::Role::kReader:
      return auth::Permission::kRead;
    case store::Role::kEditor:
      return auth::Permission::kWrite;
    case store::Role::kAdmin:
      break;
  }
  return auth::Permission::kManage;
}

Status NotMember(const auth::Caller& caller, std::string_view workspace) {
  return Status::PermissionDenied("user ", caller.name, " is not a member of workspace '",
                                  workspace, "'");
}

// The caller's role from the membership records, for Services without an auth::Access.
Result<std::optional<store::Role>> RoleFromRecords(store::AccessStore& access_store,
                                                   const auth::Caller& caller,
                                                   int64_t workspace_id) {
  if (caller.is_admin) {
    return std::optional<store::Role>(store::Role::kAdmin);
  }
  ASSIGN_OR_RETURN(std::vector<store::Membership> memberships,
                   access_store.ListUserMemberships(caller.user_id));
  for (const store::Membership& membership : memberships) {
    if (membership.workspace_id == workspace_id) {
      return std::optional<store::Role>(membership.role);
    }
  }
  return std::optional<store::Role>();
}

// Access::Check's rules applied to an already authenticated caller: used when the request's
// credentials are not at hand (a scope built by hand, or no auth::Access at all). Unknown
// names answer like foreign ones, except to server admins.
Result<auth::Grant> GrantForCaller(Services& services, const auth::Caller& caller,
                                   const std::string& name, store::Role minimum) {
  if (services.access_store == nullptr) {
    return Status::Internal("the server has no access store");
  }
  Result<store::Workspace> workspace = services.access_store->GetWorkspace(name);
  if (!workspace.ok()) {
    if (workspace.status().code() != Code::kNotFound || caller.is_admin) {
      return workspace.status();
    }
    return NotMember(caller, name);
  }
  if (caller.token_workspace.has_value() && *caller.token_workspace != workspace->id) {
    return Status::PermissionDenied("this token is limited to another workspace than '", name, "'");
  }
  std::optional<store::Role> role;
  if (services.access != nullptr) {
    ASSIGN_OR_RETURN(role, services.access->RoleIn(caller, workspace->id));
  } else {
    ASSIGN_OR_RETURN(role, RoleFromRecords(*services.access_store, caller, workspace->id));
  }
  if (!role.has_value()) {
    return NotMember(caller, name);
  }
  if (*role < minimum) {
    return Status::PermissionDenied("user ", caller.name, " has role ", store::RoleName(*role),
                                    " in workspace '", name, "'; this needs ",
                                    store::RoleName(minimum));
  }
  return auth::Grant{.caller = caller, .workspace = std::move(workspace).value(), .role = *role};
}

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
  if (services.access != nullptr && scope != nullptr && scope->authorization.has_value()) {
    // One source of truth for the answer: the same check the gate made, for this workspace.
    return services.access->Check({.authorization = std::string_view(*scope->authorization),
                                   .remote_address = scope->remote_address,
                                   .workspace = workspace,
                                   .permission = PermissionFor(minimum)});
  }
  const bool auth_off = services.access == nullptr || !services.access->enabled();
  if (scope == nullptr && !auth_off) {
    return Status::Unauthenticated("no credentials");
  }
  return GrantForCaller(services, scope != nullptr ? scope->grant.caller : AnonymousAdmin(),
                        workspace, minimum);
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
                          .action = std::move(action),
                          .target = std::move(target),
                          .detail = std::move(detail)};
  if (Status appended = services.access_store->AppendAudit(entry); !appended.ok()) {
    spdlog::error("audit log: could not record {} on '{}' in workspace '{}': {}", entry.action,
                  entry.target, entry.workspace, appended.message());
  }
}

}  // namespace bucketflow::api

// Users and "who am I": me, users/create, list, delete, set-password (ws_common.md).
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "api/admin_common.h"
#include "api/admin_handlers.h"
#include "api/admin_json.h"
#include "api/json_writer.h"
#include "auth/password.h"

namespace bucketflow::api {
namespace {

struct WorkspaceRole {
  std::string name;
  std::string_view role;
};

// Server admins (and everyone without --auth) administer every workspace; a token limited to
// one workspace sees only that one (as admin for an admin's token, as auth::Access grants).
Result<std::vector<WorkspaceRole>> CallerWorkspaces(Services& services) {
  std::vector<WorkspaceRole> out;
  if (services.access_store == nullptr) return out;
  const auth::Caller& caller = CallerOf(services);
  const std::string_view admin = store::RoleName(store::Role::kAdmin);
  if (IsServerAdmin(caller)) {
    ASSIGN_OR_RETURN(std::vector<store::Workspace> all, services.access_store->ListWorkspaces());
    for (store::Workspace& workspace : all) out.push_back({std::move(workspace.name), admin});
    return out;
  }
  ASSIGN_OR_RETURN(std::vector<store::Membership> memberships,
                   services.access_store->ListUserMemberships(caller.user_id));
  for (const store::Membership& membership : memberships) {
    if (caller.token_workspace.has_value() && *caller.token_workspace != membership.workspace_id) {
      continue;
    }
    out.push_back(
        {membership.workspace_name, caller.is_admin ? admin : store::RoleName(membership.role)});
  }
  if (caller.is_admin && out.empty()) {
    ASSIGN_OR_RETURN(store::Workspace bound,
                     services.access_store->GetWorkspaceById(*caller.token_workspace));
    out.push_back({std::move(bound.name), admin});
  }
  std::sort(out.begin(), out.end(),
            [](const WorkspaceRole& a, const WorkspaceRole& b) { return a.name < b.name; });
  return out;
}

// The user a request names in `param`, or the caller when it names none.
Result<std::string> UserNameOrCaller(const RequestParams& params, const Services& services,
                                     std::string_view param) {
  ASSIGN_OR_RETURN(std::optional<std::string> name, params.OptionalString(param));
  if (name.has_value() && !name->empty()) return std::move(*name);
  const auth::Caller& caller = CallerOf(services);
  // The anonymous caller (no --auth) is nobody's account.
  if (caller.user_id == 0) return MissingParam(param);
  return caller.name;
}

}  // namespace

Result<std::string> GetMe(const RequestParams& /*params*/, Services& services) {
  const auth::Caller& caller = CallerOf(services);
  ASSIGN_OR_RETURN(std::vector<WorkspaceRole> workspaces, CallerWorkspaces(services));
  JsonWriter writer;
  writer.BeginObject();
  writer.Key("user");
  writer.BeginObject();
  writer.StringField("name", caller.name);
  writer.Key("is_admin");
  writer.Bool(caller.is_admin);
  writer.EndObject();
  writer.Key("auth_enabled");
  writer.Bool(services.access != nullptr && services.access->enabled());
  writer.Key("workspaces");
  writer.BeginArray();
  for (const WorkspaceRole& workspace : workspaces) {
    writer.BeginObject();
    writer.StringField("name", workspace.name);
    writer.StringField("role", workspace.role);
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
  return writer.Take();
}

Result<std::string> CreateUser(const RequestParams& params, Services& services) {
  store::User user;
  ASSIGN_OR_RETURN(user.name, params.RequiredString("name"));
  ASSIGN_OR_RETURN(std::optional<std::string> password, params.OptionalString("password"));
  ASSIGN_OR_RETURN(std::optional<bool> is_admin, OptionalBool(params, "is_admin"));
  RETURN_IF_ERROR(store::ValidateUserName(user.name));
  if (password.has_value()) RETURN_IF_ERROR(ValidatePassword(*password));
  ASSIGN_OR_RETURN(store::AccessStore * access_store, AccessStoreOf(services));
  RETURN_IF_ERROR(RequireServerAdmin(services));
  user.is_admin = is_admin.value_or(false);
  if (password.has_value()) {
    ASSIGN_OR_RETURN(user.password_hash, auth::HashPassword(*password));
  }
  ASSIGN_OR_RETURN(store::User created, access_store->CreateUser(user));
  RecordChange(
      services, nullptr, "user.create", created.name,
      DetailJson({{"is_admin", created.is_admin}, {"password", !created.password_hash.empty()}}));
  JsonWriter writer;
  writer.BeginObject();
  writer.Key("user");
  WriteUser(writer, created);
  writer.EndObject();
  return writer.Take();
}

Result<std::string> ListUsers(const RequestParams& /*params*/, Services& services) {
  ASSIGN_OR_RETURN(store::AccessStore * access_store, AccessStoreOf(services));
  RETURN_IF_ERROR(RequireServerAdmin(services));
  ASSIGN_OR_RETURN(std::vector<store::User> users, access_store->ListUsers());
  JsonWriter writer;
  writer.BeginObject();
  writer.Key("users");
  writer.BeginArray();
  for (const store::User& user : users) WriteUser(writer, user);
  writer.EndArray();
  writer.EndObject();
  return writer.Take();
}

Result<std::string> DeleteUser(const RequestParams& params, Services& services) {
  ASSIGN_OR_RETURN(std::string name, params.RequiredString("name"));
  ASSIGN_OR_RETURN(store::AccessStore * access_store, AccessStoreOf(services));
  RETURN_IF_ERROR(RequireServerAdmin(services));
  ASSIGN_OR_RETURN(store::User user, access_store->GetUser(name));
  // Deleting oneself through the API could leave a server with no admin able to sign in.
  if (user.id == CallerOf(services).user_id) {
    return Status::InvalidArgument("you cannot delete your own user");
  }
  RETURN_IF_ERROR(access_store->DeleteUser(user.id));
  RecordChange(services, nullptr, "user.delete", user.name);
  return EmptyJson();
}

Result<std::string> SetUserPassword(const RequestParams& params, Services& services) {
  ASSIGN_OR_RETURN(std::string name, UserNameOrCaller(params, services, "name"));
  ASSIGN_OR_RETURN(std::string password, params.RequiredString("password"));
  RETURN_IF_ERROR(ValidatePassword(password));
  ASSIGN_OR_RETURN(store::AccessStore * access_store, AccessStoreOf(services));
  const auth::Caller& caller = CallerOf(services);
  // A password signs in everywhere, so a token limited to a workspace may not set one.
  if (caller.token_workspace.has_value()) {
    return Status::PermissionDenied("a token limited to one workspace cannot change passwords");
  }
  const bool self = caller.user_id != 0 && name == caller.name;
  // A stolen token must not become a password (lasting access that survives revoking the
  // token): changing one's own password takes a password sign-in (basic auth), which already
  // proved the current one.
  if (self && caller.token_id.has_value()) {
    return Status::PermissionDenied("sign in with your password to change it");
  }
  if (!self) RETURN_IF_ERROR(RequireServerAdmin(services));
  ASSIGN_OR_RETURN(store::User user, access_store->GetUser(name));
  ASSIGN_OR_RETURN(std::string hash, auth::HashPassword(password));
  RETURN_IF_ERROR(access_store->SetUserPassword(user.id, hash));
  RecordChange(services, nullptr, "user.password", user.name);
  return EmptyJson();
}

}  // namespace bucketflow::api

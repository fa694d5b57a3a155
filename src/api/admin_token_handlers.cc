// API tokens: create (the secret is shown once), list, revoke (ws_common.md).
#include <optional>
#include <string>
#include <vector>

#include "api/admin_common.h"
#include "api/admin_handlers.h"
#include "api/admin_json.h"
#include "api/json_writer.h"
#include "auth/tokens.h"

namespace bucketflow::api {
namespace {

constexpr int64_t kMinExpirySeconds = 60;
constexpr int64_t kMaxExpirySeconds = 5LL * 365 * 24 * 3600;
constexpr size_t kMaxTokenNameSize = 256;

// Whether the caller administers `workspace_id`, without turning a "no" into an error.
Result<bool> AdministersWorkspace(Services& services, int64_t workspace_id) {
  if (IsServerAdmin(CallerOf(services))) return true;
  ASSIGN_OR_RETURN(store::Workspace workspace,
                   services.access_store->GetWorkspaceById(workspace_id));
  Result<store::Workspace> granted =
      WorkspaceWithRole(services, workspace.name, store::Role::kAdmin);
  if (granted.ok()) return true;
  if (granted.status().code() == Code::kPermissionDenied) return false;
  return granted.status();
}

// Who may create a token for `target` in `workspace` (ws_common.md): anyone for themselves
// (in a workspace they belong to), a workspace admin for that workspace's members, a server
// admin for anyone; a bound token only within its own workspace.
Status CheckTokenCreation(Services& services, const store::User& target,
                          const std::optional<store::Workspace>& workspace) {
  const auth::Caller& caller = CallerOf(services);
  if (caller.token_workspace.has_value() &&
      (!workspace.has_value() || workspace->id != *caller.token_workspace)) {
    return Status::PermissionDenied(
        "a token limited to one workspace can only create tokens limited to that workspace");
  }
  if (workspace.has_value() && !target.is_admin) {
    ASSIGN_OR_RETURN(std::vector<store::Membership> memberships,
                     services.access_store->ListUserMemberships(target.id));
    bool member = false;
    for (const store::Membership& membership : memberships) {
      member = member || membership.workspace_id == workspace->id;
    }
    if (!member) {
      return Status::InvalidArgument("user ", target.name, " is not a member of workspace '",
                                     workspace->name, "'");
    }
  }
  if (IsServerAdmin(caller)) return Status::Ok();
  if (target.id == caller.user_id) {
    if (!workspace.has_value()) return Status::Ok();
    return WorkspaceWithRole(services, workspace->name, store::Role::kReader).status();
  }
  if (!workspace.has_value()) {
    return Status::PermissionDenied("only a server admin may create tokens for other users ",
                                    "that are not limited to a workspace");
  }
  return WorkspaceWithRole(services, workspace->name, store::Role::kAdmin).status();
}

// The user a token is for. Only server admins learn whether a name exists: anyone else gets
// the answer they would get for an existing user outside their reach.
Result<store::User> TargetUser(Services& services, const std::string& name,
                               const std::optional<store::Workspace>& workspace) {
  const auth::Caller& caller = CallerOf(services);
  Result<store::User> user = services.access_store->GetUser(name);
  if (user.ok() || IsServerAdmin(caller) || user.status().code() != Code::kNotFound) return user;
  if (workspace.has_value()) {
    return Status::InvalidArgument("user ", name, " is not a member of workspace '",
                                   workspace->name, "'");
  }
  return Status::PermissionDenied("only a server admin may create tokens for other users ",
                                  "that are not limited to a workspace");
}

Result<std::optional<int64_t>> ReadExpiry(const RequestParams& params, const Clock& clock) {
  ASSIGN_OR_RETURN(std::optional<int64_t> seconds, params.OptionalInt64("expires_in_seconds"));
  if (!seconds.has_value()) return std::optional<int64_t>();
  if (*seconds < kMinExpirySeconds || *seconds > kMaxExpirySeconds) {
    return Status::InvalidArgument("Invalid value ", *seconds,
                                   " for parameter 'expires_in_seconds': must be between ",
                                   kMinExpirySeconds, " and ", kMaxExpirySeconds, " (5 years)");
  }
  return std::optional<int64_t>(clock.NowMillis() + *seconds * 1000);
}

// A token id: a JSON integer or a string holding one.
Result<int64_t> ReadTokenId(const RequestParams& params) {
  ASSIGN_OR_RETURN(std::optional<int64_t> id, params.OptionalInt64("token_id"));
  if (!id.has_value()) return MissingParam("token_id");
  return *id;
}

// The filter for tokens/list: a server admin sees what they ask for; a workspace admin, the
// tokens bound to their workspace; everyone else, their own tokens.
Result<store::TokenFilter> ListFilter(const RequestParams& params, Services& services) {
  ASSIGN_OR_RETURN(std::string user_name, params.StringOr("user", ""));
  ASSIGN_OR_RETURN(std::string workspace_name, params.StringOr("workspace", ""));
  const auth::Caller& caller = CallerOf(services);
  store::TokenFilter filter;
  filter.include_revoked = true;
  if (!user_name.empty()) {
    ASSIGN_OR_RETURN(store::User user, services.access_store->GetUser(user_name));
    filter.user_id = user.id;
  }
  bool sees_all = IsServerAdmin(caller);
  if (!workspace_name.empty()) {
    ASSIGN_OR_RETURN(store::Workspace workspace,
                     WorkspaceWithRole(services, workspace_name, store::Role::kReader));
    filter.workspace_id = workspace.id;
    ASSIGN_OR_RETURN(bool administers, AdministersWorkspace(services, workspace.id));
    sees_all = sees_all || administers;
  }
  if (sees_all) return filter;
  if (filter.user_id.has_value() && *filter.user_id != caller.user_id) {
    return Status::PermissionDenied("user ", caller.name,
                                    " may only list their own tokens here; a workspace admin "
                                    "lists its tokens with ?workspace=");
  }
  filter.user_id = caller.user_id;
  if (caller.token_workspace.has_value()) filter.workspace_id = *caller.token_workspace;
  return filter;
}

}  // namespace

Result<std::string> CreateToken(const RequestParams& params, Services& services) {
  ASSIGN_OR_RETURN(std::string name, params.StringOr("name", ""));
  ASSIGN_OR_RETURN(std::string user_name, params.StringOr("user", ""));
  ASSIGN_OR_RETURN(std::string workspace_name, params.StringOr("workspace", ""));
  ASSIGN_OR_RETURN(std::optional<int64_t> expiry_time, ReadExpiry(params, services.clock));
  if (name.size() > kMaxTokenNameSize) {
    return Status::InvalidArgument("Invalid value for parameter 'name': at most ",
                                   kMaxTokenNameSize, " characters");
  }
  ASSIGN_OR_RETURN(store::AccessStore * access_store, AccessStoreOf(services));
  const auth::Caller& caller = CallerOf(services);
  if (user_name.empty()) {
    if (caller.user_id == 0) return MissingParam("user");
    user_name = caller.name;
  }
  std::optional<store::Workspace> workspace;
  if (!workspace_name.empty()) {
    ASSIGN_OR_RETURN(workspace, WorkspaceWithRole(services, workspace_name, store::Role::kReader));
  } else if (caller.token_workspace.has_value()) {
    ASSIGN_OR_RETURN(workspace, access_store->GetWorkspaceById(*caller.token_workspace));
  }
  ASSIGN_OR_RETURN(store::User target, TargetUser(services, user_name, workspace));
  RETURN_IF_ERROR(CheckTokenCreation(services, target, workspace));

  std::string secret = auth::GenerateTokenSecret();
  store::Token token;
  token.user_id = target.id;
  token.name = name;
  token.hash = auth::HashTokenSecret(secret);
  token.expiry_time = expiry_time;
  if (workspace.has_value()) token.workspace_id = workspace->id;
  ASSIGN_OR_RETURN(store::Token stored, access_store->CreateToken(token));
  stored.user_name = target.name;
  if (workspace.has_value()) stored.workspace_name = workspace->name;
  RecordChange(services, workspace.has_value() ? &*workspace : nullptr, "token.create",
               std::to_string(stored.id), DetailJson({{"user", target.name}, {"name", name}}));
  JsonWriter writer;
  writer.BeginObject();
  writer.StringField("token", secret);
  writer.Key("token_info");
  WriteToken(writer, stored);
  writer.EndObject();
  return writer.Take();
}

Result<std::string> ListTokens(const RequestParams& params, Services& services) {
  ASSIGN_OR_RETURN(store::AccessStore * access_store, AccessStoreOf(services));
  ASSIGN_OR_RETURN(store::TokenFilter filter, ListFilter(params, services));
  ASSIGN_OR_RETURN(std::vector<store::Token> tokens, access_store->ListTokens(filter));
  JsonWriter writer;
  writer.BeginObject();
  writer.Key("tokens");
  writer.BeginArray();
  for (const store::Token& token : tokens) WriteToken(writer, token);
  writer.EndArray();
  writer.EndObject();
  return writer.Take();
}

Result<std::string> RevokeToken(const RequestParams& params, Services& services) {
  ASSIGN_OR_RETURN(int64_t token_id, ReadTokenId(params));
  ASSIGN_OR_RETURN(store::AccessStore * access_store, AccessStoreOf(services));
  ASSIGN_OR_RETURN(store::Token token, access_store->GetToken(token_id));
  const auth::Caller& caller = CallerOf(services);
  bool allowed = token.user_id == caller.user_id && caller.user_id != 0;
  if (!allowed && token.workspace_id.has_value()) {
    ASSIGN_OR_RETURN(allowed, AdministersWorkspace(services, *token.workspace_id));
  }
  if (!allowed && !IsServerAdmin(caller)) {
    return Status::PermissionDenied("user ", caller.name, " may not revoke token ", token_id);
  }
  RETURN_IF_ERROR(access_store->RevokeToken(token.id, services.clock.NowMillis()));
  std::optional<store::Workspace> workspace;
  if (token.workspace_id.has_value()) {
    Result<store::Workspace> bound = access_store->GetWorkspaceById(*token.workspace_id);
    if (bound.ok()) workspace = std::move(bound).value();
  }
  RecordChange(services, workspace.has_value() ? &*workspace : nullptr, "token.revoke",
               std::to_string(token.id), DetailJson({{"user", token.user_name}}));
  return EmptyJson();
}

}  // namespace bucketflow::api

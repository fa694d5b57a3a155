// API tokens: create (the secret is shown once), list, revoke (ws_common.md).
#include <algorithm>
#include <optional>
#include <string>
#include <utility>
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

// The refusal for a user a workspace admin may not mint tokens for: unknown, not a member, or
// a server admin. One message for all three, so the answer reveals neither who exists nor who
// is a server admin.
Status OutOfReach(std::string_view user_name, const store::Workspace& workspace) {
  return Status::InvalidArgument("user ", user_name, " is not a member of workspace '",
                                 workspace.name, "'");
}

// Whether `user_id` holds a membership (any role) in `workspace_id`.
Result<bool> IsMember(Services& services, int64_t user_id, int64_t workspace_id) {
  ASSIGN_OR_RETURN(std::vector<store::Membership> memberships,
                   services.access_store->ListUserMemberships(user_id));
  return std::any_of(memberships.begin(), memberships.end(),
                     [&](const store::Membership& m) { return m.workspace_id == workspace_id; });
}

// A caller who is neither the target nor a server admin: a workspace admin, for a real member
// of that workspace who is not a server admin (else a workspace admin could act as anyone).
// `target` is null when no user has that name.
Status CheckTokenForOther(Services& services, std::string_view target_name,
                          const store::User* target,
                          const std::optional<store::Workspace>& workspace) {
  if (!workspace.has_value()) {
    return Status::PermissionDenied("only a server admin may create tokens for other users ",
                                    "that are not limited to a workspace");
  }
  RETURN_IF_ERROR(WorkspaceWithRole(services, workspace->name, store::Role::kAdmin).status());
  if (target == nullptr || target->is_admin) return OutOfReach(target_name, *workspace);
  ASSIGN_OR_RETURN(bool member, IsMember(services, target->id, workspace->id));
  return member ? Status::Ok() : OutOfReach(target_name, *workspace);
}

// Who may create a token for `target` in `workspace` (ws_common.md): anyone for themselves
// (in a workspace they belong to), a workspace admin for that workspace's members, a server
// admin for anyone; a bound token only within its own workspace. `target` is null when no
// user has that name (never for server admins, who are told so).
Status CheckTokenCreation(Services& services, std::string_view target_name,
                          const store::User* target,
                          const std::optional<store::Workspace>& workspace) {
  const auth::Caller& caller = CallerOf(services);
  if (caller.token_workspace.has_value() &&
      (!workspace.has_value() || workspace->id != *caller.token_workspace)) {
    return Status::PermissionDenied(
        "a token limited to one workspace can only create tokens limited to that workspace");
  }
  if (IsServerAdmin(caller)) {
    if (!workspace.has_value() || target->is_admin) return Status::Ok();
    ASSIGN_OR_RETURN(bool member, IsMember(services, target->id, workspace->id));
    return member ? Status::Ok() : OutOfReach(target->name, *workspace);
  }
  if (target != nullptr && target->id == caller.user_id) {
    if (!workspace.has_value()) return Status::Ok();
    return WorkspaceWithRole(services, workspace->name, store::Role::kReader).status();
  }
  return CheckTokenForOther(services, target_name, target, workspace);
}

// A token minted by an expiring token expires no later than it, so that a stolen token cannot
// be turned into lasting access.
Result<std::optional<int64_t>> CappedExpiry(Services& services,
                                            std::optional<int64_t> expiry_time) {
  const auth::Caller& caller = CallerOf(services);
  if (!caller.token_id.has_value()) return expiry_time;
  ASSIGN_OR_RETURN(store::Token minting, services.access_store->GetToken(*caller.token_id));
  if (!minting.expiry_time.has_value()) return expiry_time;
  if (!expiry_time.has_value() || *expiry_time > *minting.expiry_time) {
    return minting.expiry_time;
  }
  return expiry_time;
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
// tokens bound to their workspace; everyone else, their own tokens. Permission is decided
// before any user is looked up, so that ?user= tells nobody else who exists. nullopt: an
// unknown user, who has no tokens.
Result<std::optional<store::TokenFilter>> ListFilter(const RequestParams& params,
                                                     Services& services) {
  ASSIGN_OR_RETURN(std::string user_name, params.StringOr("user", ""));
  ASSIGN_OR_RETURN(std::string workspace_name, params.StringOr("workspace", ""));
  const auth::Caller& caller = CallerOf(services);
  store::TokenFilter filter;
  filter.include_revoked = true;
  bool sees_all = IsServerAdmin(caller);
  if (!workspace_name.empty()) {
    ASSIGN_OR_RETURN(store::Workspace workspace,
                     WorkspaceWithRole(services, workspace_name, store::Role::kReader));
    filter.workspace_id = workspace.id;
    ASSIGN_OR_RETURN(bool administers, AdministersWorkspace(services, workspace.id));
    sees_all = sees_all || administers;
  }
  if (!sees_all) {
    if (!user_name.empty() && user_name != caller.name) {
      return Status::PermissionDenied("user ", caller.name,
                                      " may only list their own tokens here; a workspace admin "
                                      "lists its tokens with ?workspace=");
    }
    filter.user_id = caller.user_id;
    if (caller.token_workspace.has_value()) filter.workspace_id = *caller.token_workspace;
    return std::optional<store::TokenFilter>(filter);
  }
  if (!user_name.empty()) {
    Result<store::User> user = services.access_store->GetUser(user_name);
    if (!user.ok() && user.status().code() == Code::kNotFound && !IsServerAdmin(caller)) {
      return std::optional<store::TokenFilter>();
    }
    if (!user.ok()) return user.status();
    filter.user_id = user->id;
  }
  return std::optional<store::TokenFilter>(filter);
}

// The workspace a new token is bound to: the one named (the caller must belong to it), else
// the calling token's own, else none.
Result<std::optional<store::Workspace>> TokenWorkspace(Services& services,
                                                       const std::string& workspace_name) {
  const auth::Caller& caller = CallerOf(services);
  if (!workspace_name.empty()) {
    ASSIGN_OR_RETURN(store::Workspace workspace,
                     WorkspaceWithRole(services, workspace_name, store::Role::kReader));
    return std::optional<store::Workspace>(std::move(workspace));
  }
  if (!caller.token_workspace.has_value()) return std::optional<store::Workspace>();
  ASSIGN_OR_RETURN(store::Workspace bound,
                   services.access_store->GetWorkspaceById(*caller.token_workspace));
  return std::optional<store::Workspace>(std::move(bound));
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
  ASSIGN_OR_RETURN(std::optional<store::Workspace> workspace,
                   TokenWorkspace(services, workspace_name));
  // Only server admins learn whether a name exists (CheckTokenCreation).
  Result<store::User> found = access_store->GetUser(user_name);
  if (!found.ok() && (found.status().code() != Code::kNotFound || IsServerAdmin(caller))) {
    return found.status();
  }
  RETURN_IF_ERROR(
      CheckTokenCreation(services, user_name, found.ok() ? &*found : nullptr, workspace));
  const store::User& target = *found;
  ASSIGN_OR_RETURN(expiry_time, CappedExpiry(services, expiry_time));

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
  ASSIGN_OR_RETURN(std::optional<store::TokenFilter> filter, ListFilter(params, services));
  std::vector<store::Token> tokens;
  if (filter.has_value()) {
    ASSIGN_OR_RETURN(tokens, access_store->ListTokens(*filter));
  }
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
  // A token limited to a workspace revokes its owner's tokens of that workspace only.
  bool allowed =
      token.user_id == caller.user_id && caller.user_id != 0 &&
      (!caller.token_workspace.has_value() || token.workspace_id == caller.token_workspace);
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

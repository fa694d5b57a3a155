#include "auth/access.h"

#include <algorithm>
#include <utility>

#include "auth/credentials.h"
#include "auth/password.h"
#include "auth/tokens.h"
#include "core/crypto.h"
#include "core/random.h"
#include "core/strings.h"

namespace bucketflow::auth {

// Cache keys: "t" + token hash, "p" + HMAC of basic credentials (identities: caller and
// memberships, token_expiry_ms for tokens); "m" + user id (memberships only); "w" + name and
// "i" + id (workspace only).
struct Access::Cached {
  int64_t valid_until_ms = 0;
  // A token's own expiry, checked on every hit: a cached token must not outlive it.
  std::optional<int64_t> token_expiry_ms;
  Caller caller;
  std::vector<store::Membership> memberships;
  store::Workspace workspace;
};

namespace {

// Enough for every active user and token of a large deployment; when full, expired entries go
// first, then everything (a refill costs one store round trip per credential).
constexpr size_t kMaxCacheEntries = 100000;

constexpr char kCredentialsRequired[] =
    "authentication required: send 'Authorization: Bearer <token>' (MLFLOW_TRACKING_TOKEN) or "
    "basic credentials (MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD)";
constexpr char kInvalidToken[] = "invalid or expired token";
constexpr char kInvalidPassword[] = "invalid user name or password";

store::Role NeededRole(Permission permission) {
  switch (permission) {
    case Permission::kRead:
      return store::Role::kReader;
    case Permission::kWrite:
      return store::Role::kEditor;
    case Permission::kManage:
      return store::Role::kAdmin;
  }
  return store::Role::kAdmin;
}

Status NotMember(const Caller& caller, std::string_view workspace) {
  return Status::PermissionDenied("user ", caller.name, " is not a member of workspace '",
                                  workspace, "'");
}

// A store answer of kNotFound while authenticating means the credential is not (or no longer)
// valid; anything else is the store failing and is passed on as it is.
Status AsUnauthenticated(const Status& status, const char* message) {
  return status.code() == Code::kNotFound ? Status::Unauthenticated(message) : status;
}

}  // namespace

Access::Access(store::AccessStore& store, const Clock& clock, AccessConfig config)
    : store_(store),
      clock_(clock),
      config_(config),
      cache_key_(RandomHex(32)),
      failures_(clock, config.failures) {
  auto anonymous = std::make_shared<Cached>();
  anonymous->caller.is_admin = true;
  anonymous_ = std::move(anonymous);
}

Result<Grant> Access::Check(const AccessRequest& request) {
  const int64_t now_ms = clock_.NowMillis();
  ASSIGN_OR_RETURN(CachedPtr identity,
                   Identify(request.authorization, request.remote_address, now_ms));
  ASSIGN_OR_RETURN(CachedPtr workspace, ResolveWorkspace(*identity, request.workspace, now_ms));
  ASSIGN_OR_RETURN(store::Role role,
                   CheckRole(*identity, workspace->workspace, request.permission));
  return Grant{.caller = identity->caller, .workspace = workspace->workspace, .role = role};
}

Result<Caller> Access::Authenticate(std::optional<std::string_view> authorization,
                                    std::string_view remote_address) {
  ASSIGN_OR_RETURN(CachedPtr identity, Identify(authorization, remote_address, clock_.NowMillis()));
  return identity->caller;
}

Result<std::optional<store::Role>> Access::RoleIn(const Caller& caller, int64_t workspace_id) {
  // A token bound to one workspace carries no role anywhere else, even a server admin's.
  if (caller.token_workspace && *caller.token_workspace != workspace_id) {
    return std::optional<store::Role>();
  }
  if (!config_.enabled || caller.is_admin) {
    return std::optional<store::Role>(store::Role::kAdmin);
  }
  ASSIGN_OR_RETURN(CachedPtr memberships, MembershipsOf(caller.user_id, clock_.NowMillis()));
  for (const store::Membership& membership : memberships->memberships) {
    if (membership.workspace_id == workspace_id) {
      return std::optional<store::Role>(membership.role);
    }
  }
  return std::optional<store::Role>();
}

int64_t Access::RetryAfterSeconds(std::string_view remote_address) {
  const FailureRateLimiter::Decision decision = failures_.Allow(remote_address);
  return decision.allowed ? 0 : decision.retry_after_seconds;
}

void Access::Invalidate() {
  std::lock_guard<std::mutex> lock(mu_);
  cache_.clear();
}

Result<Access::CachedPtr> Access::Identify(std::optional<std::string_view> authorization,
                                           std::string_view remote_address, int64_t now_ms) {
  if (!config_.enabled) {
    return anonymous_;  // a header is ignored: without --auth there is nothing to check it against
  }
  if (!authorization || TrimWhitespace(*authorization).empty()) {
    return Status::Unauthenticated(kCredentialsRequired);
  }
  ASSIGN_OR_RETURN(Credentials credentials, ParseAuthorization(*authorization));
  // Asked before the cache too: otherwise a refused address could keep guessing and learn which
  // guesses are cached (valid) credentials.
  const FailureRateLimiter::Decision decision = failures_.Allow(remote_address);
  if (!decision.allowed) {
    return Status::ResourceExhausted(
        "too many failed sign-in attempts from this address; retry in ",
        decision.retry_after_seconds, " s");
  }
  Result<CachedPtr> identity = credentials.kind == Credentials::Kind::kBearer
                                   ? IdentifyBearer(credentials.secret, now_ms)
                                   : IdentifyBasic(credentials.user, credentials.password, now_ms);
  if (!identity.ok() && identity.status().code() == Code::kUnauthenticated) {
    failures_.RecordFailure(remote_address);
  }
  return identity;
}

Result<Access::CachedPtr> Access::IdentifyBearer(std::string_view secret, int64_t now_ms) {
  if (!LooksLikeTokenSecret(secret)) {
    return Status::Unauthenticated(kInvalidToken);
  }
  // Keyed by the raw digest: hex (HashTokenSecret) is only needed to ask the store.
  const Sha256Digest digest = Sha256(secret);
  std::string key = "t" + std::string(AsBytes(digest));
  CachedPtr entry = Lookup(key, now_ms);
  if (entry == nullptr) {
    Result<store::Token> token = store_.FindToken(HexEncode(AsBytes(digest)));
    if (!token.ok()) {
      return AsUnauthenticated(token.status(), kInvalidToken);
    }
    if (token->revocation_time || (token->expiry_time && *token->expiry_time <= now_ms)) {
      return Status::Unauthenticated(kInvalidToken);
    }
    Result<store::User> user = store_.GetUserById(token->user_id);
    if (!user.ok()) {
      return AsUnauthenticated(user.status(), kInvalidToken);
    }
    ASSIGN_OR_RETURN(entry, LoadIdentity(*user, &*token, now_ms));
    Insert(std::move(key), entry);
  }
  if (entry->token_expiry_ms && *entry->token_expiry_ms <= now_ms) {
    return Status::Unauthenticated(kInvalidToken);
  }
  return entry;
}

Result<Access::CachedPtr> Access::IdentifyBasic(std::string_view user, std::string_view password,
                                                int64_t now_ms) {
  std::string material;
  material.reserve(user.size() + 1 + password.size());
  material.append(user).push_back('\0');
  material.append(password);
  std::string key = "p" + std::string(AsBytes(HmacSha256(cache_key_, material)));
  if (CachedPtr entry = Lookup(key, now_ms)) {
    return entry;
  }
  Result<store::User> found = store_.GetUser(user);
  if (!found.ok() && found.status().code() != Code::kNotFound) {
    return found.status();
  }
  // Unknown users and users without a password pay for one argon2 verification too, so the
  // time taken does not tell which user names exist.
  const bool has_hash = found.ok() && !found->password_hash.empty();
  const bool verified = VerifyPassword(password, has_hash ? found->password_hash : DummyHash());
  if (!has_hash || !verified) {
    return Status::Unauthenticated(kInvalidPassword);
  }
  ASSIGN_OR_RETURN(CachedPtr entry, LoadIdentity(*found, nullptr, now_ms));
  Insert(std::move(key), entry);
  return entry;
}

Result<Access::CachedPtr> Access::LoadIdentity(const store::User& user, const store::Token* token,
                                               int64_t now_ms) {
  auto entry = std::make_shared<Cached>();
  entry->valid_until_ms = now_ms + int64_t{config_.cache_seconds} * 1000;
  entry->caller.user_id = user.id;
  entry->caller.name = user.name;
  entry->caller.is_admin = user.is_admin;
  if (token != nullptr) {
    entry->caller.token_id = token->id;
    entry->caller.token_workspace = token->workspace_id;
    entry->token_expiry_ms = token->expiry_time;
  }
  Result<std::vector<store::Membership>> memberships = store_.ListUserMemberships(user.id);
  if (!memberships.ok()) {
    // The user was deleted between the two reads.
    return AsUnauthenticated(memberships.status(),
                             token != nullptr ? kInvalidToken : kInvalidPassword);
  }
  entry->memberships = std::move(memberships).value();
  return CachedPtr(std::move(entry));
}

Result<Access::CachedPtr> Access::ResolveWorkspace(const Cached& identity, std::string_view named,
                                                   int64_t now_ms) {
  const Caller& caller = identity.caller;
  if (caller.token_workspace) {
    Result<CachedPtr> bound = WorkspaceById(*caller.token_workspace, now_ms);
    if (!bound.ok()) {
      // Deleting a workspace deletes its tokens; a cached one may still point at it.
      return AsUnauthenticated(bound.status(), kInvalidToken);
    }
    if (!named.empty() && named != (*bound)->workspace.name) {
      return Status::PermissionDenied("this token is limited to workspace '",
                                      (*bound)->workspace.name, "'");
    }
    return bound;
  }
  if (!named.empty()) {
    return NamedWorkspace(caller, named, now_ms);
  }
  if (identity.memberships.size() == 1) {
    return WorkspaceById(identity.memberships.front().workspace_id, now_ms);
  }
  return WorkspaceByName(store::kDefaultWorkspaceName, now_ms);
}

Result<Access::CachedPtr> Access::NamedWorkspace(const Caller& caller, std::string_view named,
                                                 int64_t now_ms) {
  Result<CachedPtr> found = WorkspaceByName(named, now_ms);
  if (found.ok() || found.status().code() != Code::kNotFound) {
    return found;
  }
  // Only those who may see every workspace learn that a name does not exist; to anyone else an
  // unknown workspace and someone else's look the same.
  if (caller.is_admin) {
    return Status::NotFound("workspace '", named, "' does not exist");
  }
  return NotMember(caller, named);
}

Result<store::Role> Access::CheckRole(const Cached& identity, const store::Workspace& workspace,
                                      Permission permission) {
  const Caller& caller = identity.caller;
  store::Role role = store::Role::kAdmin;
  if (config_.enabled && !caller.is_admin) {
    auto it =
        std::find_if(identity.memberships.begin(), identity.memberships.end(),
                     [&](const store::Membership& m) { return m.workspace_id == workspace.id; });
    if (it == identity.memberships.end()) {
      return NotMember(caller, workspace.name);
    }
    role = it->role;
  }
  const store::Role needed = NeededRole(permission);
  if (role < needed) {
    return Status::PermissionDenied("user ", caller.name, " has role ", store::RoleName(role),
                                    " in workspace '", workspace.name, "'; this needs ",
                                    store::RoleName(needed));
  }
  return role;
}

Result<Access::CachedPtr> Access::WorkspaceByName(std::string_view name, int64_t now_ms) {
  std::string key = "w" + std::string(name);
  if (CachedPtr entry = Lookup(key, now_ms)) {
    return entry;
  }
  ASSIGN_OR_RETURN(store::Workspace workspace, store_.GetWorkspace(name));
  auto entry = std::make_shared<Cached>();
  entry->valid_until_ms = now_ms + int64_t{config_.cache_seconds} * 1000;
  entry->workspace = std::move(workspace);
  Insert("i" + std::to_string(entry->workspace.id), entry);
  Insert(std::move(key), entry);
  return CachedPtr(std::move(entry));
}

Result<Access::CachedPtr> Access::WorkspaceById(int64_t workspace_id, int64_t now_ms) {
  std::string key = "i" + std::to_string(workspace_id);
  if (CachedPtr entry = Lookup(key, now_ms)) {
    return entry;
  }
  ASSIGN_OR_RETURN(store::Workspace workspace, store_.GetWorkspaceById(workspace_id));
  auto entry = std::make_shared<Cached>();
  entry->valid_until_ms = now_ms + int64_t{config_.cache_seconds} * 1000;
  entry->workspace = std::move(workspace);
  Insert("w" + entry->workspace.name, entry);
  Insert(std::move(key), entry);
  return CachedPtr(std::move(entry));
}

Result<Access::CachedPtr> Access::MembershipsOf(int64_t user_id, int64_t now_ms) {
  std::string key = "m" + std::to_string(user_id);
  if (CachedPtr entry = Lookup(key, now_ms)) {
    return entry;
  }
  auto entry = std::make_shared<Cached>();
  entry->valid_until_ms = now_ms + int64_t{config_.cache_seconds} * 1000;
  Result<std::vector<store::Membership>> memberships = store_.ListUserMemberships(user_id);
  if (!memberships.ok() && memberships.status().code() != Code::kNotFound) {
    return memberships.status();
  }
  if (memberships.ok()) {
    entry->memberships = std::move(memberships).value();  // a deleted user has none
  }
  Insert(std::move(key), entry);
  return CachedPtr(std::move(entry));
}

const std::string& Access::DummyHash() {
  std::call_once(dummy_hash_once_, [this] {
    // Same parameters as real hashes, so that verifying it costs the same. Should hashing fail
    // (argon2 out of memory), the empty hash verifies as false at once: only timing is lost.
    Result<std::string> hashed = HashPassword(RandomHex(16));
    if (hashed.ok()) {
      dummy_hash_ = std::move(hashed).value();
    }
  });
  return dummy_hash_;
}

Access::CachedPtr Access::Lookup(const std::string& key, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = cache_.find(key);
  if (it == cache_.end() || it->second->valid_until_ms <= now_ms) {
    return nullptr;
  }
  return it->second;
}

void Access::Insert(std::string key, CachedPtr entry) {
  if (config_.cache_seconds <= 0) {
    return;
  }
  const int64_t now_ms = clock_.NowMillis();
  std::lock_guard<std::mutex> lock(mu_);
  if (cache_.size() >= kMaxCacheEntries && !cache_.contains(key)) {
    std::erase_if(cache_, [&](const auto& item) { return item.second->valid_until_ms <= now_ms; });
    if (cache_.size() >= kMaxCacheEntries) {
      cache_.clear();
    }
  }
  cache_.insert_or_assign(std::move(key), std::move(entry));
}

}  // namespace bucketflow::auth

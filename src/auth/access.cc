#include "auth/access.h"

#include <algorithm>
#include <utility>

#include "auth/access_internal.h"
#include "auth/credentials.h"
#include "auth/password.h"
#include "auth/tokens.h"
#include "core/crypto.h"
#include "core/random.h"
#include "core/strings.h"

namespace bucketflow::auth {

namespace {

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

// The limiter key of basic credentials. Addresses hold no '\0', so no key of one user equals
// another's or a bare address (the key of tokens).
std::string BasicLimiterKey(std::string_view address, std::string_view user) {
  std::string key;
  key.reserve(address.size() + 1 + user.size());
  key.append(address).push_back('\0');
  key.append(user);
  return key;
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

Permission PermissionFor(store::Role minimum) {
  switch (minimum) {
    case store::Role::kReader:
      return Permission::kRead;
    case store::Role::kEditor:
      return Permission::kWrite;
    case store::Role::kAdmin:
      break;
  }
  return Permission::kManage;
}

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
  // Authorize, with the memberships the identity already carries.
  return AuthorizeWith(identity->caller, identity->memberships, request.workspace,
                       request.permission, now_ms);
}

Result<Grant> Access::Authorize(const Caller& caller, std::string_view workspace,
                                Permission permission) {
  const int64_t now_ms = clock_.NowMillis();
  if (!config_.enabled) {
    return AuthorizeWith(caller, anonymous_->memberships, workspace, permission, now_ms);
  }
  ASSIGN_OR_RETURN(CachedPtr memberships, MembershipsOf(caller.user_id, now_ms));
  return AuthorizeWith(caller, memberships->memberships, workspace, permission, now_ms);
}

Result<Grant> Access::AuthorizeWith(const Caller& caller,
                                    const std::vector<store::Membership>& memberships,
                                    std::string_view workspace, Permission permission,
                                    int64_t now_ms) {
  ASSIGN_OR_RETURN(CachedPtr resolved, ResolveWorkspace(caller, memberships, workspace, now_ms));
  ASSIGN_OR_RETURN(store::Role role,
                   CheckRole(caller, memberships, resolved->workspace, permission));
  return Grant{.caller = caller, .workspace = resolved->workspace, .role = role};
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

int64_t Access::RetryAfterSeconds(std::optional<std::string_view> authorization,
                                  std::string_view remote_address) {
  if (authorization) {
    Result<Credentials> credentials = ParseAuthorization(*authorization);
    if (credentials.ok() && credentials->kind == Credentials::Kind::kBasic) {
      return RetryAfterSeconds(BasicLimiterKey(remote_address, credentials->user));
    }
  }
  return RetryAfterSeconds(remote_address);
}

int64_t Access::RetryAfterSeconds(std::string_view limiter_key) {
  const FailureRateLimiter::Decision decision = failures_.Allow(limiter_key);
  return decision.allowed ? 0 : decision.retry_after_seconds;
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
  const bool bearer = credentials.kind == Credentials::Kind::kBearer;
  const std::string limiter_key =
      bearer ? std::string(remote_address) : BasicLimiterKey(remote_address, credentials.user);
  Result<CachedPtr> identity =
      bearer ? IdentifyBearer(credentials.secret, limiter_key, now_ms)
             : IdentifyBasic(credentials.user, credentials.password, limiter_key, now_ms);
  if (!identity.ok() && identity.status().code() == Code::kUnauthenticated) {
    failures_.RecordFailure(limiter_key);
  }
  return identity;
}

Status Access::CheckLimit(std::string_view limiter_key) {
  const FailureRateLimiter::Decision decision = failures_.Allow(limiter_key);
  if (!decision.allowed) {
    return Status::ResourceExhausted(
        "too many failed sign-in attempts from this address; retry in ",
        decision.retry_after_seconds, " s");
  }
  return Status::Ok();
}

// The cache first: a token verified within cache_seconds is no guess (see access.h).
Result<Access::CachedPtr> Access::IdentifyBearer(std::string_view secret,
                                                 std::string_view limiter_key, int64_t now_ms) {
  if (!LooksLikeTokenSecret(secret)) {
    RETURN_IF_ERROR(CheckLimit(limiter_key));
    return Status::Unauthenticated(kInvalidToken);
  }
  // Keyed by the raw digest: hex (HashTokenSecret) is only needed to ask the store.
  const Sha256Digest digest = Sha256(secret);
  std::string key = "t" + std::string(AsBytes(digest));
  uint64_t generation = 0;
  CachedPtr entry = Lookup(key, now_ms, &generation);
  if (entry == nullptr) {
    RETURN_IF_ERROR(CheckLimit(limiter_key));
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
    Insert(std::move(key), entry, generation);
  }
  if (entry->token_expiry_ms && *entry->token_expiry_ms <= now_ms) {
    return Status::Unauthenticated(kInvalidToken);
  }
  return entry;
}

// The limiter first, even for cached credentials (see access.h).
Result<Access::CachedPtr> Access::IdentifyBasic(std::string_view user, std::string_view password,
                                                std::string_view limiter_key, int64_t now_ms) {
  RETURN_IF_ERROR(CheckLimit(limiter_key));
  std::string material;
  material.reserve(user.size() + 1 + password.size());
  material.append(user).push_back('\0');
  material.append(password);
  std::string key = "p" + std::string(AsBytes(HmacSha256(cache_key_, material)));
  uint64_t generation = 0;
  if (CachedPtr entry = Lookup(key, now_ms, &generation)) {
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
  Insert(std::move(key), entry, generation);
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

Result<Access::CachedPtr> Access::ResolveWorkspace(
    const Caller& caller, const std::vector<store::Membership>& memberships, std::string_view named,
    int64_t now_ms) {
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
  if (memberships.size() == 1) {
    return WorkspaceById(memberships.front().workspace_id, now_ms);
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
  if (caller.is_admin || !config_.enabled) {
    return Status::NotFound("workspace '", named, "' does not exist");
  }
  return NotMember(caller, named);
}

Result<store::Role> Access::CheckRole(const Caller& caller,
                                      const std::vector<store::Membership>& memberships,
                                      const store::Workspace& workspace, Permission permission) {
  store::Role role = store::Role::kAdmin;
  if (config_.enabled && !caller.is_admin) {
    auto it = std::find_if(memberships.begin(), memberships.end(), [&](const store::Membership& m) {
      return m.workspace_id == workspace.id;
    });
    if (it == memberships.end()) {
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

}  // namespace bucketflow::auth

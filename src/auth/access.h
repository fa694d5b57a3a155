#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "auth/rate_limiter.h"
#include "core/clock.h"
#include "core/status.h"
#include "store/access_store.h"

// Who is calling, in which workspace, and may they: the one check every API request passes.
namespace bucketflow::auth {

// What a route needs, by the role that first has it.
enum class Permission {
  kRead,    // reader: read everything in the workspace
  kWrite,   // editor: also create and change experiments, runs and artifacts
  kManage,  // admin: also members, tokens, the bucket and the audit log
};

struct AccessConfig {
  // --auth. Off: every request is the anonymous caller, an admin of every workspace.
  bool enabled = false;
  // How long a verified token or password, a user's memberships and a workspace record are
  // trusted before the store is asked again: the longest a change made by the CLI (revoking a
  // token, removing a member) takes to reach a running server. Changes made through the REST
  // API reach it at once (Invalidate; a lookup already in flight then does not put its stale
  // answer back).
  int cache_seconds = 5;
  FailureRateLimiter::Config failures = {};
};

inline constexpr char kAnonymousCaller[] = "anonymous";

struct Caller {
  int64_t user_id = 0;                     // 0: anonymous (auth off)
  std::string name = kAnonymousCaller;     // for the audit log and error messages
  bool is_admin = false;                   // server admin (always true when auth is off)
  std::optional<int64_t> token_id;         // set when a bearer token authenticated
  std::optional<int64_t> token_workspace;  // set when that token is bound to one workspace
};

// The permission a role first has (reader: kRead, editor: kWrite, admin: kManage).
Permission PermissionFor(store::Role minimum);

// The outcome of a successful Check.
struct Grant {
  Caller caller;
  store::Workspace workspace;
  store::Role role = store::Role::kReader;  // the caller's role there (admin for server admins)
};

struct AccessRequest {
  std::optional<std::string_view> authorization;  // the Authorization header, if any
  std::string_view remote_address;                // for the failure rate limit (below)
  // The workspace the request names (X-Bucketflow-Workspace header or /w/<name>/ prefix);
  // empty: the token's workspace, else the caller's only workspace, else "default".
  std::string_view workspace;
  Permission permission = Permission::kRead;
};

// Errors (the API maps them to MLflow's error JSON):
//   kUnauthenticated    — no credentials with --auth, a malformed Authorization header, an
//                         unknown, revoked or expired token, a wrong user name or password
//   kResourceExhausted  — too many failed attempts (429, Retry-After): basic credentials are
//                         limited per (address, user name), tokens per address
//   kPermissionDenied   — the caller may not do this in this workspace, is not a member, or
//                         names a workspace that does not exist (the same answer, so that
//                         non-members cannot probe names; server admins get kNotFound)
// Failure rate limit: every credential that fails verification counts against its limiter key,
// (remote address, user name) for basic credentials and the remote address for tokens, so that
// one user's mistakes behind a shared proxy do not lock out the others. A token found in the
// cache (verified within cache_seconds) passes even while its address is limited: tokens are
// not guessable, and a valid one is not a guess. Basic credentials are refused while their key
// is limited, cached or not: a password can be guessed, and if cached guesses passed, a
// limited guesser would learn from 200 against 429 which guess is right, at no cost.
// Safe for concurrent use.
class Access {
 public:
  // `store` and `clock` must outlive this object.
  Access(store::AccessStore& store, const Clock& clock, AccessConfig config);

  bool enabled() const { return config_.enabled; }

  // Authenticates, resolves the workspace and checks the permission: Authenticate + Authorize.
  Result<Grant> Check(const AccessRequest& request);
  // Authenticates only: for routes that name no workspace (who am I, the admin API, which
  // checks roles per workspace itself).
  Result<Caller> Authenticate(std::optional<std::string_view> authorization,
                              std::string_view remote_address);
  // The second half of Check, for a caller already authenticated (the admin API naming a
  // workspace in its body): resolves `workspace` (empty: as Check does) and checks the
  // permission there, with Check's answers. Touches neither the credentials nor the limiter.
  Result<Grant> Authorize(const Caller& caller, std::string_view workspace, Permission permission);
  // The caller's role in a workspace: admin for server admins, nullopt for non-members.
  Result<std::optional<store::Role>> RoleIn(const Caller& caller, int64_t workspace_id);
  // Seconds until the request may try again after kResourceExhausted (for Retry-After): the
  // limiter key of these credentials (see the class comment).
  int64_t RetryAfterSeconds(std::optional<std::string_view> authorization,
                            std::string_view remote_address);
  // Same for a limiter key itself: an address (tokens), as tests use it.
  int64_t RetryAfterSeconds(std::string_view limiter_key);

  // Drops every cached answer. Called after any change to users, memberships, tokens or
  // workspaces made through this server.
  void Invalidate();

 private:
  // One cache entry: who a credential is (Caller + memberships), a user's memberships, or a
  // workspace record. Immutable once published, shared so a hit copies a pointer under the lock.
  struct Cached;
  using CachedPtr = std::shared_ptr<const Cached>;

  Result<CachedPtr> Identify(std::optional<std::string_view> authorization,
                             std::string_view remote_address, int64_t now_ms);
  // `limiter_key`: see the class comment; the caller records the failures.
  Result<CachedPtr> IdentifyBearer(std::string_view secret, std::string_view limiter_key,
                                   int64_t now_ms);
  Result<CachedPtr> IdentifyBasic(std::string_view user, std::string_view password,
                                  std::string_view limiter_key, int64_t now_ms);
  Status CheckLimit(std::string_view limiter_key);
  // The cache entry for an authenticated user (and token), loading their memberships.
  Result<CachedPtr> LoadIdentity(const store::User& user, const store::Token* token,
                                 int64_t now_ms);
  // Authorize with the caller's memberships at hand.
  Result<Grant> AuthorizeWith(const Caller& caller,
                              const std::vector<store::Membership>& memberships,
                              std::string_view workspace, Permission permission, int64_t now_ms);
  Result<CachedPtr> ResolveWorkspace(const Caller& caller,
                                     const std::vector<store::Membership>& memberships,
                                     std::string_view named, int64_t now_ms);
  Result<CachedPtr> NamedWorkspace(const Caller& caller, std::string_view named, int64_t now_ms);
  Result<CachedPtr> WorkspaceByName(std::string_view name, int64_t now_ms);
  Result<CachedPtr> WorkspaceById(int64_t workspace_id, int64_t now_ms);
  Result<CachedPtr> MembershipsOf(int64_t user_id, int64_t now_ms);
  Result<store::Role> CheckRole(const Caller& caller,
                                const std::vector<store::Membership>& memberships,
                                const store::Workspace& workspace, Permission permission);
  // A hash of a real password's cost, verified when the user is unknown or has none, so that
  // the answer takes as long as for a wrong password.
  const std::string& DummyHash();

  // On a miss, `*generation` is the cache generation to hand to Insert once the store has
  // answered: Insert drops the answer if Invalidate ran in between (it may predate the change).
  CachedPtr Lookup(const std::string& key, int64_t now_ms, uint64_t* generation);
  void Insert(std::string key, CachedPtr entry, uint64_t generation);

  // Immutable after construction
  store::AccessStore& store_;
  const Clock& clock_;
  AccessConfig config_;
  // A random key for the password cache, so cached entries reveal nothing about passwords.
  std::string cache_key_;
  CachedPtr anonymous_;

  FailureRateLimiter failures_;
  std::once_flag dummy_hash_once_;
  std::string dummy_hash_;  // written once under dummy_hash_once_

  std::mutex mu_;
  // Keys start with a kind letter (see access.cc). Expired entries stay until overwritten or
  // the map is full.
  std::unordered_map<std::string, CachedPtr> cache_;  // GUARDED_BY(mu_)
  uint64_t generation_ = 0;                           // GUARDED_BY(mu_); Invalidate counts
};

}  // namespace bucketflow::auth

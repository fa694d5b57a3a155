#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

// Tenancy and access records: workspaces with their artifact store, users, memberships, API
// tokens and the audit log (DESIGN.md section 6). Plain data; the rules that use it live in
// auth/ and api/.
namespace bucketflow::store {

// The workspace every pre-workspace database maps onto, and the one a server without --auth
// serves by default. Its Default experiment is "0".
inline constexpr int64_t kDefaultWorkspaceId = 1;
inline constexpr char kDefaultWorkspaceName[] = "default";

// Where a workspace's artifacts live when it has its own bucket. Empty strings mean "not set"
// (region falls back to us-east-1, endpoints to AWS's).
struct WorkspaceBucket {
  std::string bucket;
  std::string prefix;  // no leading or trailing '/'
  std::string region;
  std::string s3_endpoint;
  std::string sts_endpoint;
  std::string addressing;  // "auto", "path" or "virtual"
  std::string role_arn;
  std::string external_id;  // the one sent with AssumeRole: the workspace's unless overridden
};

struct Workspace {
  int64_t id = 0;
  std::string name;
  int64_t creation_time = 0;
  // Experiment id the client's "0" (its Default experiment) means in this workspace.
  std::string default_experiment_id;
  // Generated when the workspace is created (or supplied by its owner), so that the bucket
  // owner can put it in the role's trust policy before the bucket is registered.
  std::string external_id;
  // Unset: artifacts go to the server's local directory for this workspace.
  std::optional<WorkspaceBucket> bucket;
};

// Name rules, shared by the store, the REST API and the CLI so that all three say the same:
// a workspace name is 1-63 of [a-z0-9-], not starting with '-'; a user name is 1-128 of
// [A-Za-z0-9._@-], starting with a letter or digit. kInvalidArgument names the rule.
Status ValidateWorkspaceName(std::string_view name);
Status ValidateUserName(std::string_view name);

// Ordered: each role may do everything the ones before it may.
enum class Role { kReader = 1, kEditor = 2, kAdmin = 3 };
std::string_view RoleName(Role role);                  // "reader", "editor", "admin"
std::optional<Role> ParseRole(std::string_view name);  // nullopt for anything else

struct User {
  int64_t id = 0;
  std::string name;
  // argon2id encoded hash ("$argon2id$v=19$..."); empty: password sign-in disabled.
  std::string password_hash;
  // May do anything in every workspace, and create and delete workspaces and users.
  bool is_admin = false;
  int64_t creation_time = 0;
};

struct Membership {
  int64_t workspace_id = 0;
  std::string workspace_name;
  int64_t user_id = 0;
  std::string user_name;
  Role role = Role::kReader;
};

struct Token {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string user_name;
  // Set: the token acts only in this workspace.
  std::optional<int64_t> workspace_id;
  std::string workspace_name;  // empty when workspace_id is unset
  std::string name;            // the owner's label ("ci", "laptop")
  std::string hash;            // hex SHA-256 of the secret; the secret itself is never stored
  int64_t creation_time = 0;
  std::optional<int64_t> expiry_time;      // milliseconds since the epoch
  std::optional<int64_t> revocation_time;  // set once revoked
};

struct TokenFilter {
  std::optional<int64_t> user_id;
  std::optional<int64_t> workspace_id;
  bool include_revoked = false;
};

struct AuditEntry {
  int64_t id = 0;         // assigned by AppendAudit
  int64_t time = 0;       // milliseconds since the epoch
  std::string actor;      // user name, or "anonymous" without --auth, or "cli:<os user>"
  std::string workspace;  // workspace name for display; empty for server-wide actions
  // The workspace the entry belongs to; unset for server-wide actions. Queries select by id, not
  // name, so that a workspace deleted and re-created under the same name starts with an empty log.
  std::optional<int64_t> workspace_id;
  std::string action;  // e.g. "workspace.create", "bucket.set", "token.revoke", "presign.get"
  std::string target;  // what it was done to: a name, a token id, an object key
  std::string detail;  // free text (JSON for structured details), never a secret
};

// AuditQuery::workspace_id selecting the server-wide entries (those without a workspace);
// no workspace has this id.
inline constexpr int64_t kServerWideAudit = 0;

struct AuditQuery {
  // Unset: every entry; kServerWideAudit: entries without a workspace; else that workspace's.
  std::optional<int64_t> workspace_id;
  std::string action;         // empty: every action
  int64_t max_results = 100;  // 1..1000
  std::string page_token;     // from the previous page; empty: newest first
};

struct AuditPage {
  std::vector<AuditEntry> entries;  // newest first
  std::string next_page_token;      // empty: no more
};

// Errors: kNotFound for unknown names or ids, kAlreadyExists for a taken workspace or user
// name, kInvalidArgument for a bad page token or an attempt to delete the default workspace,
// kInternal when the database fails. Safe for concurrent use.
class AccessStore {
 public:
  virtual ~AccessStore() = default;

  // Workspaces. CreateWorkspace also creates the workspace's "Default" experiment.
  virtual Result<Workspace> CreateWorkspace(std::string_view name,
                                            std::string_view external_id) = 0;
  virtual Result<Workspace> GetWorkspace(std::string_view name) = 0;
  virtual Result<Workspace> GetWorkspaceById(int64_t workspace_id) = 0;
  virtual Result<std::vector<Workspace>> ListWorkspaces() = 0;  // by name
  // Removes the workspace with its experiments, runs, everything logged to them, memberships
  // and tokens, in one transaction. Artifacts stay where they are (the customer's bucket).
  virtual Status DeleteWorkspace(int64_t workspace_id) = 0;
  // nullopt clears the bucket (back to the server's local directory).
  virtual Status SetWorkspaceBucket(int64_t workspace_id,
                                    const std::optional<WorkspaceBucket>& bucket) = 0;

  // Users. Deleting a user removes their memberships and tokens.
  virtual Result<User> CreateUser(const User& user) = 0;  // id and creation_time assigned
  virtual Result<User> GetUser(std::string_view name) = 0;
  virtual Result<User> GetUserById(int64_t user_id) = 0;
  virtual Result<std::vector<User>> ListUsers() = 0;  // by name
  virtual Status DeleteUser(int64_t user_id) = 0;
  virtual Status SetUserPassword(int64_t user_id, std::string_view password_hash) = 0;

  // Memberships: at most one role per (workspace, user); setting again replaces it.
  virtual Status SetMembership(int64_t workspace_id, int64_t user_id, Role role) = 0;
  virtual Status RemoveMembership(int64_t workspace_id, int64_t user_id) = 0;
  virtual Result<std::vector<Membership>> ListWorkspaceMembers(int64_t workspace_id) = 0;
  virtual Result<std::vector<Membership>> ListUserMemberships(int64_t user_id) = 0;

  // Tokens. CreateToken assigns id and creation_time and returns the stored record.
  virtual Result<Token> CreateToken(const Token& token) = 0;
  // By hash, with user_name and workspace_name filled; kNotFound when no token has it
  // (revoked and expired tokens are returned: the caller decides).
  virtual Result<Token> FindToken(std::string_view hash) = 0;
  virtual Result<Token> GetToken(int64_t token_id) = 0;
  virtual Result<std::vector<Token>> ListTokens(const TokenFilter& filter) = 0;  // newest first
  // Sets revocation_time once; revoking a revoked token is not an error.
  virtual Status RevokeToken(int64_t token_id, int64_t revocation_time) = 0;

  // The audit log: append-only.
  virtual Status AppendAudit(const AuditEntry& entry) = 0;
  virtual Result<AuditPage> ListAudit(const AuditQuery& query) = 0;
};

}  // namespace bucketflow::store

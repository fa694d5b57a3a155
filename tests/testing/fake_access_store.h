#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "store/access_store.h"
#include "store/store.h"

namespace bucketflow::testing {

// An in-memory store::AccessStore following access_store.h's contract (errors, ordering,
// cascades), for auth and API tests. Workspace 1 "default" exists from the start with Default
// experiment "0". Counts calls and can fail on demand, so tests can see cache hits and store
// errors. Safe for concurrent use.
class FakeAccessStore final : public store::AccessStore {
 public:
  struct Options {
    // Creation and revocation times; the system clock when unset. Must outlive the fake.
    const Clock* clock = nullptr;
    // When set, CreateWorkspace creates the workspace's "Default" experiment there (as the
    // SQLite store does); otherwise default_experiment_id is a made-up "ws-<id>-default".
    store::Store* experiments = nullptr;
  };
  FakeAccessStore() : FakeAccessStore(Options{}) {}
  explicit FakeAccessStore(Options options);

  // How many AccessStore methods were called since construction or ResetCalls().
  int64_t calls() const { return calls_.load(); }
  void ResetCalls() { calls_.store(0); }
  // Every following call fails with `status` (not ok), until cleared with nullopt.
  void SetFailure(std::optional<Status> status);

  Result<store::Workspace> CreateWorkspace(std::string_view name,
                                           std::string_view external_id) override;
  Result<store::Workspace> GetWorkspace(std::string_view name) override;
  Result<store::Workspace> GetWorkspaceById(int64_t workspace_id) override;
  Result<std::vector<store::Workspace>> ListWorkspaces() override;
  Status DeleteWorkspace(int64_t workspace_id) override;
  Status SetWorkspaceBucket(int64_t workspace_id,
                            const std::optional<store::WorkspaceBucket>& bucket) override;

  Result<store::User> CreateUser(const store::User& user) override;
  Result<store::User> GetUser(std::string_view name) override;
  Result<store::User> GetUserById(int64_t user_id) override;
  Result<std::vector<store::User>> ListUsers() override;
  Status DeleteUser(int64_t user_id) override;
  Status SetUserPassword(int64_t user_id, std::string_view password_hash) override;

  Status SetMembership(int64_t workspace_id, int64_t user_id, store::Role role) override;
  Status RemoveMembership(int64_t workspace_id, int64_t user_id) override;
  Result<std::vector<store::Membership>> ListWorkspaceMembers(int64_t workspace_id) override;
  Result<std::vector<store::Membership>> ListUserMemberships(int64_t user_id) override;

  Result<store::Token> CreateToken(const store::Token& token) override;
  Result<store::Token> FindToken(std::string_view hash) override;
  Result<store::Token> GetToken(int64_t token_id) override;
  Result<std::vector<store::Token>> ListTokens(const store::TokenFilter& filter) override;
  Status RevokeToken(int64_t token_id, int64_t revocation_time) override;

  Status AppendAudit(const store::AuditEntry& entry) override;
  Result<store::AuditPage> ListAudit(const store::AuditQuery& query) override;

 private:
  // REQUIRES: mu_ held. Counts the call; the injected failure, if any.
  Status Enter();
  int64_t Now() const;
  // REQUIRES: mu_ held.
  Result<store::Workspace*> FindWorkspace(int64_t workspace_id);
  Result<store::User*> FindUser(int64_t user_id);
  Result<store::Token> Filled(const store::Token& token);
  store::Membership MakeMembership(int64_t workspace_id, int64_t user_id, store::Role role) const;

  Options options_;
  std::atomic<int64_t> calls_{0};

  std::mutex mu_;
  std::optional<Status> failure_;
  std::map<int64_t, store::Workspace> workspaces_;  // by id
  std::map<int64_t, store::User> users_;            // by id
  // (workspace id, user id) -> role
  std::map<std::pair<int64_t, int64_t>, store::Role> memberships_;
  std::map<int64_t, store::Token> tokens_;  // by id
  std::vector<store::AuditEntry> audit_;    // oldest first; id = index + 1
  int64_t next_workspace_id_ = 2;
  int64_t next_user_id_ = 1;
  int64_t next_token_id_ = 1;
};

}  // namespace bucketflow::testing

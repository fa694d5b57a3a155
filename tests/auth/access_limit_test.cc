// auth::Access: the failure rate limit (keys, order against the cache) and Invalidate racing a
// lookup in flight.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "access_fixture.h"

namespace bucketflow::auth {
namespace {

using store::Role;

constexpr char kLimited[] = "too many failed sign-in attempts from this address; retry in 2 s";

class AccessLimitTest : public AccessTestBase {
 protected:
  AccessLimitTest()
      : team_(AddWorkspace("team-a")), bob_(AddUser("bob", "pw")), carol_(AddUser("carol", "pw")) {
    AddMember(team_, bob_, Role::kEditor);
    AddMember(team_, carol_, Role::kEditor);
  }

  // Spends the test config's burst of 3 on `header`.
  void Fail(const std::string& header) {
    for (int i = 0; i < 3; ++i) {
      ASSERT_EQ(Check(header).status().code(), Code::kUnauthenticated) << i;
    }
  }
  void ExpectLimited(const std::string& header) {
    Result<Grant> refused = Check(header);
    EXPECT_EQ(refused.status().code(), Code::kResourceExhausted) << header;
    EXPECT_EQ(refused.status().message(), kLimited) << header;
  }

  store::Workspace team_;
  store::User bob_;
  store::User carol_;
};

TEST_F(AccessLimitTest, PasswordFailuresLimitThatUserFromThatAddressOnly) {
  const std::string token = AddToken(bob_);
  ASSERT_TRUE(Check(Basic("bob", "pw")).ok());  // cached from here on
  Fail(Basic("bob", "guess"));
  // Refused even when right and cached: were cached guesses let through, a limited guesser
  // would still tell the right one (200) from the wrong ones (429), unslowed.
  ExpectLimited(Basic("bob", "guess"));
  ExpectLimited(Basic("bob", "pw"));
  EXPECT_EQ(access_->RetryAfterSeconds(Basic("bob", "anything"), kAddress), 2);
  // Behind the same proxy, everyone else carries on: other users, and bob's token.
  EXPECT_TRUE(Check(Basic("carol", "pw")).ok());
  EXPECT_TRUE(Check(Bearer(token)).ok());
  EXPECT_EQ(access_->RetryAfterSeconds(Basic("carol", "pw"), kAddress), 0);
  EXPECT_EQ(access_->RetryAfterSeconds(Bearer(token), kAddress), 0);
  // And bob from elsewhere.
  EXPECT_TRUE(Check(Basic("bob", "pw"), "", Permission::kRead, "198.51.100.1").ok());

  clock_.Advance(2000);
  EXPECT_EQ(access_->RetryAfterSeconds(Basic("bob", "pw"), kAddress), 0);
  EXPECT_TRUE(Check(Basic("bob", "pw")).ok());
}

TEST_F(AccessLimitTest, CachedTokensPassWhileTheirAddressIsLimited) {
  const std::string cached = AddToken(bob_);
  const std::string uncached = AddToken(carol_);
  ASSERT_TRUE(Check(Bearer(cached)).ok());
  Fail(Bearer("bft_" + std::string(64, 'a')));
  ExpectLimited(Bearer("bft_" + std::string(64, 'b')));
  ExpectLimited(Bearer("not-a-token"));
  // A token verified within cache_seconds is no guess; one not cached is refused unchecked.
  store_.ResetCalls();
  EXPECT_TRUE(Check(Bearer(cached)).ok());
  EXPECT_EQ(store_.calls(), 0);
  ExpectLimited(Bearer(uncached));
  EXPECT_EQ(store_.calls(), 0);
  EXPECT_EQ(access_->RetryAfterSeconds(kAddress), 2);
  EXPECT_EQ(access_->RetryAfterSeconds(Bearer(uncached), kAddress), 2);
  // Passwords are limited per user, not by the address's token failures.
  EXPECT_TRUE(Check(Basic("carol", "pw")).ok());
  EXPECT_TRUE(Check(Bearer(uncached), "", Permission::kRead, "198.51.100.1").ok());

  clock_.Advance(2000);
  EXPECT_TRUE(Check(Bearer(uncached)).ok());
}

TEST_F(AccessLimitTest, AnExpiredCachedTokenCountsAsAFailure) {
  const std::string secret = AddToken(bob_, std::nullopt, clock_.NowMillis() + 1000);
  ASSERT_TRUE(Check(Bearer(secret)).ok());
  clock_.Advance(1000);
  Fail(Bearer(secret));
  ExpectLimited(Bearer("bft_" + std::string(64, 'c')));
}

// An AccessStore that runs a hook right after FindToken or ListUserMemberships has read the
// base store: where a REST change and its Invalidate can fall between a lookup's store read and
// its cache insert.
class HookedStore final : public store::AccessStore {
 public:
  explicit HookedStore(store::AccessStore& base) : base_(base) {}
  std::function<void()> after_find_token;
  std::function<void()> after_memberships;

  Result<store::Token> FindToken(std::string_view hash) override {
    Result<store::Token> token = base_.FindToken(hash);
    Once(after_find_token);
    return token;
  }
  Result<std::vector<store::Membership>> ListUserMemberships(int64_t user_id) override {
    Result<std::vector<store::Membership>> memberships = base_.ListUserMemberships(user_id);
    Once(after_memberships);
    return memberships;
  }
  Result<store::User> GetUser(std::string_view name) override { return base_.GetUser(name); }
  Result<store::Workspace> CreateWorkspace(std::string_view n, std::string_view e) override {
    return base_.CreateWorkspace(n, e);
  }
  Result<store::Workspace> GetWorkspace(std::string_view n) override {
    return base_.GetWorkspace(n);
  }
  Result<store::Workspace> GetWorkspaceById(int64_t id) override {
    return base_.GetWorkspaceById(id);
  }
  Result<std::vector<store::Workspace>> ListWorkspaces() override { return base_.ListWorkspaces(); }
  Status DeleteWorkspace(int64_t id) override { return base_.DeleteWorkspace(id); }
  Status SetWorkspaceBucket(int64_t id, const std::optional<store::WorkspaceBucket>& b) override {
    return base_.SetWorkspaceBucket(id, b);
  }
  Result<store::User> CreateUser(const store::User& u) override { return base_.CreateUser(u); }
  Result<store::User> GetUserById(int64_t id) override { return base_.GetUserById(id); }
  Result<std::vector<store::User>> ListUsers() override { return base_.ListUsers(); }
  Status DeleteUser(int64_t id) override { return base_.DeleteUser(id); }
  Status SetUserPassword(int64_t id, std::string_view h) override {
    return base_.SetUserPassword(id, h);
  }
  Status SetMembership(int64_t w, int64_t u, Role r) override {
    return base_.SetMembership(w, u, r);
  }
  Status RemoveMembership(int64_t w, int64_t u) override { return base_.RemoveMembership(w, u); }
  Result<std::vector<store::Membership>> ListWorkspaceMembers(int64_t w) override {
    return base_.ListWorkspaceMembers(w);
  }
  Result<store::Token> CreateToken(const store::Token& t) override { return base_.CreateToken(t); }
  Result<store::Token> GetToken(int64_t id) override { return base_.GetToken(id); }
  Result<std::vector<store::Token>> ListTokens(const store::TokenFilter& f) override {
    return base_.ListTokens(f);
  }
  Status RevokeToken(int64_t id, int64_t t) override { return base_.RevokeToken(id, t); }
  Status AppendAudit(const store::AuditEntry& e) override { return base_.AppendAudit(e); }
  Result<store::AuditPage> ListAudit(const store::AuditQuery& q) override {
    return base_.ListAudit(q);
  }

 private:
  static void Once(std::function<void()>& hook) {
    if (hook) {
      std::function<void()> run = std::move(hook);
      hook = nullptr;
      run();
    }
  }
  store::AccessStore& base_;
};

// A request that read the store before a REST change (and its Invalidate) may still answer
// with what it read, but must not cache it: the change would wait for cache_seconds.
TEST_F(AccessLimitTest, TokenRevokedDuringALookupIsNotCachedAsValid) {
  HookedStore hooked(store_);
  Access access(hooked, clock_, TestConfig());
  int64_t token_id = 0;
  const std::string header = Bearer(AddToken(bob_, std::nullopt, std::nullopt, &token_id));
  auto check = [&] {
    return access.Check({.authorization = header,
                         .remote_address = kAddress,
                         .workspace = "",
                         .permission = Permission::kRead});
  };
  hooked.after_find_token = [&] {
    ASSERT_TRUE(store_.RevokeToken(token_id, clock_.NowMillis()).ok());
    access.Invalidate();
  };
  EXPECT_TRUE(check().ok());  // read before the revocation
  Result<Grant> again = check();
  EXPECT_EQ(again.status().code(), Code::kUnauthenticated) << "a stale entry was cached";
}

TEST_F(AccessLimitTest, MemberRemovedDuringALookupIsNotCachedAsMember) {
  HookedStore hooked(store_);
  Access access(hooked, clock_, TestConfig());
  Caller bob;
  bob.user_id = bob_.id;
  bob.name = "bob";
  hooked.after_memberships = [&] {
    ASSERT_TRUE(store_.RemoveMembership(team_.id, bob_.id).ok());
    access.Invalidate();
  };
  EXPECT_TRUE(access.Authorize(bob, "team-a", Permission::kWrite).ok());  // read before
  EXPECT_EQ(access.Authorize(bob, "team-a", Permission::kRead).status().code(),
            Code::kPermissionDenied);
  // Without a race, answers are cached as before.
  ASSERT_TRUE(store_.SetMembership(team_.id, bob_.id, Role::kReader).ok());
  access.Invalidate();
  ASSERT_TRUE(access.Authorize(bob, "team-a", Permission::kRead).ok());
  store_.ResetCalls();
  EXPECT_TRUE(access.Authorize(bob, "team-a", Permission::kRead).ok());
  EXPECT_EQ(store_.calls(), 0);
}

}  // namespace
}  // namespace bucketflow::auth

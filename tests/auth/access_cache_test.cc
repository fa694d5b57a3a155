// auth::Access: the cache, the failure rate limit, concurrency and the cost of a cache hit.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "access_fixture.h"

namespace bucketflow::auth {
namespace {

using store::Role;

class AccessCacheTest : public AccessTestBase {
 protected:
  AccessCacheTest() : team_(AddWorkspace("team-a")), bob_(AddUser("bob", "pw")) {
    AddMember(team_, bob_, Role::kEditor);
  }

  store::Workspace team_;
  store::User bob_;
};

TEST_F(AccessCacheTest, HitsMakeNoStoreCall) {
  const std::string secret = AddToken(bob_);
  for (const std::string& header : {Bearer(secret), Basic("bob", "pw")}) {
    for (std::string_view workspace : {"", "team-a"}) {
      ASSERT_TRUE(Check(header, workspace).ok());  // fills the cache
      store_.ResetCalls();
      for (int i = 0; i < 10; ++i) {
        ASSERT_TRUE(Check(header, workspace, Permission::kWrite).ok());
      }
      EXPECT_EQ(store_.calls(), 0) << header << " in '" << workspace << "'";
    }
  }
  Result<Caller> caller = access_->Authenticate(Bearer(secret), kAddress);
  ASSERT_TRUE(caller.ok());
  ASSERT_TRUE(access_->RoleIn(*caller, team_.id).ok());
  store_.ResetCalls();
  EXPECT_EQ(*access_->RoleIn(*caller, team_.id), Role::kEditor);
  EXPECT_EQ(store_.calls(), 0);
}

TEST_F(AccessCacheTest, EntriesExpireAfterCacheSeconds) {
  const std::string secret = AddToken(bob_);
  ASSERT_TRUE(Check(Bearer(secret)).ok());
  clock_.Advance(4999);
  store_.ResetCalls();
  ASSERT_TRUE(Check(Bearer(secret)).ok());
  EXPECT_EQ(store_.calls(), 0);
  clock_.Advance(1);
  ASSERT_TRUE(Check(Bearer(secret)).ok());
  EXPECT_GT(store_.calls(), 0);
}

TEST_F(AccessCacheTest, ZeroCacheSecondsAsksTheStoreEveryTime) {
  AccessConfig config = TestConfig();
  config.cache_seconds = 0;
  Reset(config);
  const std::string secret = AddToken(bob_);
  ASSERT_TRUE(Check(Bearer(secret)).ok());
  store_.ResetCalls();
  ASSERT_TRUE(Check(Bearer(secret)).ok());
  EXPECT_GT(store_.calls(), 0);
}

TEST_F(AccessCacheTest, RevocationTakesEffectOnInvalidate) {
  int64_t token_id = 0;
  const std::string secret = AddToken(bob_, std::nullopt, std::nullopt, &token_id);
  ASSERT_TRUE(Check(Bearer(secret)).ok());
  ASSERT_TRUE(store_.RevokeToken(token_id, clock_.NowMillis()).ok());
  EXPECT_TRUE(Check(Bearer(secret)).ok());  // still cached: a CLI change waits for expiry
  access_->Invalidate();
  EXPECT_EQ(Check(Bearer(secret)).status().code(), Code::kUnauthenticated);
}

TEST_F(AccessCacheTest, MembershipAndPasswordChangesTakeEffectOnInvalidate) {
  ASSERT_TRUE(Check(Basic("bob", "pw"), "team-a", Permission::kWrite).ok());
  ASSERT_TRUE(store_.SetMembership(team_.id, bob_.id, Role::kReader).ok());
  ASSERT_TRUE(
      store_
          .SetUserPassword(
              bob_.id,
              HashPassword("new", {.time_cost = 1, .memory_kib = 64, .parallelism = 1}).value())
          .ok());
  access_->Invalidate();
  EXPECT_EQ(Check(Basic("bob", "pw")).status().code(), Code::kUnauthenticated);
  Result<Grant> grant = Check(Basic("bob", "new"), "team-a", Permission::kWrite);
  EXPECT_EQ(grant.status().code(), Code::kPermissionDenied);
}

TEST_F(AccessCacheTest, ExpiryIsCheckedOnEveryHit) {
  const std::string secret = AddToken(bob_, std::nullopt, clock_.NowMillis() + 2000);
  ASSERT_TRUE(Check(Bearer(secret)).ok());
  clock_.Advance(1999);
  EXPECT_TRUE(Check(Bearer(secret)).ok());
  clock_.Advance(1);  // the cache entry has 3 s left, the token none
  store_.ResetCalls();
  Result<Grant> grant = Check(Bearer(secret));
  EXPECT_EQ(grant.status().code(), Code::kUnauthenticated);
  EXPECT_EQ(grant.status().message(), "invalid or expired token");
  EXPECT_EQ(store_.calls(), 0);
}

TEST_F(AccessCacheTest, SuccessesAndMissingCredentialsSpendNothing) {
  const std::string secret = AddToken(bob_);
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(Check(Bearer(secret)).ok());
    ASSERT_EQ(Check(std::nullopt).status().code(), Code::kUnauthenticated);
  }
  EXPECT_EQ(access_->RetryAfterSeconds(kAddress), 0);
}

TEST_F(AccessCacheTest, ConcurrentChecksAndInvalidations) {
  std::vector<std::string> secrets;
  for (int i = 0; i < 4; ++i) {
    secrets.push_back(AddToken(bob_, i % 2 == 0 ? std::optional<int64_t>(team_.id) : std::nullopt));
  }
  std::atomic<int> failures{0};
  std::atomic<bool> stop{false};
  std::thread invalidator([&] {
    while (!stop.load()) {
      access_->Invalidate();
      std::this_thread::yield();
    }
  });
  std::vector<std::thread> workers;
  for (int t = 0; t < 4; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        const std::string header =
            i % 10 == 0 ? Basic("bob", "pw") : Bearer(secrets[static_cast<size_t>((t + i) % 4)]);
        if (!Check(header, "team-a", Permission::kWrite).ok()) {
          ++failures;
        }
        if (i % 100 == 0) {
          clock_.Advance(1000);
        }
      }
    });
  }
  for (std::thread& worker : workers) {
    worker.join();
  }
  stop = true;
  invalidator.join();
  EXPECT_EQ(failures.load(), 0);
}

// Not asserted: prints the cost of a cache hit (SHA-256 of the token dominates in release).
TEST_F(AccessCacheTest, MeasureCacheHit) {
  const std::string header = Bearer(AddToken(bob_));
  ASSERT_TRUE(Check(header, "team-a", Permission::kWrite).ok());
#ifdef NDEBUG
  constexpr int kIterations = 1'000'000;
#else
  constexpr int kIterations = 100'000;  // sanitizer builds are ~10x slower
#endif
  const auto start = std::chrono::steady_clock::now();
  int ok = 0;
  for (int i = 0; i < kIterations; ++i) {
    ok += Check(header, "team-a", Permission::kWrite).ok() ? 1 : 0;
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(ok, kIterations);
  std::printf(
      "Access::Check cache hit: %.0f ns/op over %d calls\n",
      static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count()) /
          kIterations,
      kIterations);
}

}  // namespace
}  // namespace bucketflow::auth

#include "s3/failure_caching_provider.h"

#include <gtest/gtest.h>

#include <memory>
#include <utility>

#include "credentials_fakes.h"

namespace bucketflow::s3 {
namespace {

using credtest::ManualClock;

// Answers with whatever the test set last, counting the calls.
class ScriptedProvider final : public CredentialsProvider {
 public:
  Result<Credentials> Get() override {
    ++calls;
    return answer;
  }
  int calls = 0;
  Result<Credentials> answer = Status::Unavailable("STS: connection timed out");
};

Credentials Keys() {
  Credentials credentials;
  credentials.access_key_id = "AKID";
  credentials.secret_access_key = "secret";
  return credentials;
}

struct Fixture {
  ManualClock clock{1'000'000};
  ScriptedProvider* inner = nullptr;
  std::unique_ptr<FailureCachingCredentialsProvider> provider;

  Fixture() {
    auto scripted = std::make_unique<ScriptedProvider>();
    inner = scripted.get();
    provider = std::make_unique<FailureCachingCredentialsProvider>(std::move(scripted), clock);
  }
};

TEST(FailureCachingCredentialsProviderTest, RepeatsAFailureForTenSecondsWithoutCallingAgain) {
  Fixture f;
  Result<Credentials> first = f.provider->Get();
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(f.inner->calls, 1);

  f.inner->answer = Keys();  // STS recovers, but the window is not over
  f.clock.Advance(9'999);
  Result<Credentials> second = f.provider->Get();
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Code::kUnavailable);
  EXPECT_EQ(second.status().message(), "STS: connection timed out");
  EXPECT_EQ(f.inner->calls, 1);

  EXPECT_TRUE(f.provider->HoldingFailure());
  f.clock.Advance(1);
  EXPECT_FALSE(f.provider->HoldingFailure());
  Result<Credentials> third = f.provider->Get();
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->access_key_id, "AKID");
  EXPECT_EQ(f.inner->calls, 2);
}

TEST(FailureCachingCredentialsProviderTest, SuccessesAlwaysAskTheInnerProvider) {
  Fixture f;
  f.inner->answer = Keys();
  ASSERT_TRUE(f.provider->Get().ok());
  ASSERT_TRUE(f.provider->Get().ok());
  EXPECT_EQ(f.inner->calls, 2);
  EXPECT_FALSE(f.provider->HoldingFailure());

  // A later failure starts a new window from the moment it happened.
  f.inner->answer = Status::PermissionDenied("AccessDenied: not authorized");
  f.clock.Advance(60'000);
  EXPECT_EQ(f.provider->Get().status().code(), Code::kPermissionDenied);
  f.clock.Advance(5'000);
  EXPECT_EQ(f.provider->Get().status().code(), Code::kPermissionDenied);
  EXPECT_EQ(f.inner->calls, 3);
  f.clock.Advance(5'000);
  f.inner->answer = Keys();
  EXPECT_TRUE(f.provider->Get().ok());
  EXPECT_EQ(f.inner->calls, 4);
}

TEST(FailureCachingCredentialsProviderTest, HoldIsConfigurable) {
  ManualClock clock(0);
  auto scripted = std::make_unique<ScriptedProvider>();
  ScriptedProvider* inner = scripted.get();
  FailureCachingCredentialsProvider provider(std::move(scripted), clock, 0);
  EXPECT_FALSE(provider.Get().ok());
  EXPECT_FALSE(provider.Get().ok());
  EXPECT_EQ(inner->calls, 2);  // no window: every call goes through
}

}  // namespace
}  // namespace bucketflow::s3

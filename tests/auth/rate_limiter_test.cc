#include "auth/rate_limiter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>

namespace bucketflow::auth {
namespace {

class TestClock final : public Clock {
 public:
  int64_t NowMillis() const override { return now_ms_.load(); }
  void Advance(int64_t ms) { now_ms_ += ms; }

 private:
  std::atomic<int64_t> now_ms_{1'700'000'000'000};
};

TEST(FailureRateLimiterTest, UnknownAddressesAreAllowed) {
  TestClock clock;
  FailureRateLimiter limiter(clock, {});
  const FailureRateLimiter::Decision decision = limiter.Allow("10.0.0.1");
  EXPECT_TRUE(decision.allowed);
  EXPECT_EQ(decision.retry_after_seconds, 0);
}

TEST(FailureRateLimiterTest, RefusesOnceTheBurstIsSpentThenRecovers) {
  TestClock clock;
  FailureRateLimiter limiter(clock, {.burst = 3, .refill_per_second = 0.2, .max_addresses = 10});
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(limiter.Allow("a").allowed) << i;
    limiter.RecordFailure("a");
  }
  FailureRateLimiter::Decision refused = limiter.Allow("a");
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_seconds, 5);  // one attempt per 5 s

  clock.Advance(2000);
  refused = limiter.Allow("a");
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_seconds, 3);

  clock.Advance(3000);
  EXPECT_TRUE(limiter.Allow("a").allowed);
  limiter.RecordFailure("a");  // spends the one refilled attempt
  EXPECT_FALSE(limiter.Allow("a").allowed);

  clock.Advance(60'000);  // refills to the burst, not beyond
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(limiter.Allow("a").allowed) << i;
    limiter.RecordFailure("a");
  }
  EXPECT_FALSE(limiter.Allow("a").allowed);
}

TEST(FailureRateLimiterTest, AddressesAreIndependent) {
  TestClock clock;
  FailureRateLimiter limiter(clock, {.burst = 1, .refill_per_second = 1, .max_addresses = 10});
  limiter.RecordFailure("a");
  EXPECT_FALSE(limiter.Allow("a").allowed);
  EXPECT_TRUE(limiter.Allow("b").allowed);
}

TEST(FailureRateLimiterTest, AllowingDoesNotSpend) {
  TestClock clock;
  FailureRateLimiter limiter(clock, {.burst = 1, .refill_per_second = 1, .max_addresses = 10});
  for (int i = 0; i < 100; ++i) {
    EXPECT_TRUE(limiter.Allow("a").allowed);
  }
}

TEST(FailureRateLimiterTest, ClockGoingBackwardsDoesNotRefillOrCrash) {
  TestClock clock;
  FailureRateLimiter limiter(clock, {.burst = 1, .refill_per_second = 1, .max_addresses = 10});
  limiter.RecordFailure("a");
  clock.Advance(-10'000);
  EXPECT_FALSE(limiter.Allow("a").allowed);
  clock.Advance(11'000);
  EXPECT_TRUE(limiter.Allow("a").allowed);
}

TEST(FailureRateLimiterTest, StaysBoundedAndKeepsRecentFailures) {
  TestClock clock;
  FailureRateLimiter limiter(clock, {.burst = 1, .refill_per_second = 0.001, .max_addresses = 100});
  // A wide attack from many addresses, none of whose buckets refill in time.
  for (int i = 0; i < 1000; ++i) {
    limiter.RecordFailure("10.0." + std::to_string(i));
    clock.Advance(1);
  }
  // The most recent addresses are still refused; older ones were forgotten to bound memory.
  EXPECT_FALSE(limiter.Allow("10.0.999").allowed);
  EXPECT_TRUE(limiter.Allow("10.0.0").allowed);
}

TEST(FailureRateLimiterTest, FullBucketsAreDroppedFirst) {
  TestClock clock;
  FailureRateLimiter limiter(clock, {.burst = 1, .refill_per_second = 1, .max_addresses = 2});
  limiter.RecordFailure("old");
  clock.Advance(5000);  // "old" is full again
  limiter.RecordFailure("b");
  limiter.RecordFailure("c");  // over the limit: "old" goes, "b" stays
  EXPECT_FALSE(limiter.Allow("b").allowed);
  EXPECT_FALSE(limiter.Allow("c").allowed);
  EXPECT_TRUE(limiter.Allow("old").allowed);
}

}  // namespace
}  // namespace bucketflow::auth

#include "s3/retry.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

namespace bucketflow::s3 {
namespace {

// Beyond this shift the cap is max_delay_ms anyway; stopping early keeps the shift defined.
constexpr int kMaxShift = 30;

uint64_t DefaultRandom() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return engine();
}

}  // namespace

Status ValidateRetryPolicy(const RetryPolicy& policy) {
  if (policy.max_attempts < 1) {
    return Status::InvalidArgument("retry max_attempts must be at least 1, got ",
                                   policy.max_attempts);
  }
  if (policy.base_delay_ms < 0 || policy.max_delay_ms < policy.base_delay_ms) {
    return Status::InvalidArgument("retry delays must satisfy 0 <= base_delay_ms (",
                                   policy.base_delay_ms, ") <= max_delay_ms (", policy.max_delay_ms,
                                   ")");
  }
  return Status::Ok();
}

int64_t BackoffDelayMs(const RetryPolicy& policy, int retry_index) {
  const int shift = std::clamp(retry_index, 0, kMaxShift);
  // base * 2^shift, compared as base > max / 2^shift so the shift never overflows.
  const int64_t cap = policy.base_delay_ms > (policy.max_delay_ms >> shift)
                          ? policy.max_delay_ms
                          : policy.base_delay_ms << shift;
  if (cap <= 0) {
    return 0;
  }
  const uint64_t draw = policy.random ? policy.random() : DefaultRandom();
  return static_cast<int64_t>(draw % (static_cast<uint64_t>(cap) + 1));
}

void SleepBeforeRetry(const RetryPolicy& policy, int retry_index) {
  const int64_t delay_ms = BackoffDelayMs(policy, retry_index);
  if (policy.sleep_ms) {
    policy.sleep_ms(delay_ms);
    return;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
}

}  // namespace bucketflow::s3

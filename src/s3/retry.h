#pragma once

#include <cstdint>
#include <functional>

#include "core/status.h"

namespace bucketflow::s3 {

// When and how long to wait before retrying a failed S3 call.
struct RetryPolicy {
  // Total tries per call, the first included; 1 disables retries.
  int max_attempts = 4;
  // Full-jitter exponential backoff: before retry n (0-based) wait a uniformly random time in
  // [0, min(max_delay_ms, base_delay_ms * 2^n)].
  int64_t base_delay_ms = 100;
  int64_t max_delay_ms = 5000;
  // Injected so tests are instant and deterministic. Null means the real thing:
  // std::this_thread::sleep_for and a thread-local std::mt19937_64 seeded from random_device.
  std::function<void(int64_t delay_ms)> sleep_ms = {};
  std::function<uint64_t()> random = {};
};

// Fails for a policy that cannot work (no attempts, negative or inverted delays).
Status ValidateRetryPolicy(const RetryPolicy& policy);

// The jittered delay before retry `retry_index` (0 for the first retry).
int64_t BackoffDelayMs(const RetryPolicy& policy, int retry_index);

// Sleeps for BackoffDelayMs() through the policy's (or the real) sleep function.
void SleepBeforeRetry(const RetryPolicy& policy, int retry_index);

// Whether an error is worth another try: kUnavailable covers connection failures, throttling,
// 5xx and RequestTimeout, as the S3 client maps them.
inline bool IsRetryable(const Status& status) { return status.code() == Code::kUnavailable; }

}  // namespace bucketflow::s3

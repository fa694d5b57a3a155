#include "auth/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace bucketflow::auth {
namespace {

// Pruning goes down to this share of max_addresses, so that the O(n) sweep runs once per
// many new addresses instead of on every one.
constexpr double kPruneTarget = 0.9;

}  // namespace

FailureRateLimiter::FailureRateLimiter(const Clock& clock, Config config)
    : clock_(clock), config_(config) {}

FailureRateLimiter::Decision FailureRateLimiter::Allow(std::string_view address) {
  const int64_t now_ms = clock_.NowMillis();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = buckets_.find(std::string(address));
  if (it == buckets_.end()) {
    return {};  // never failed, or long enough ago that its full bucket was dropped
  }
  Bucket& bucket = Refill(address, now_ms);
  if (bucket.tokens >= 1) {
    return {};
  }
  if (config_.refill_per_second <= 0) {
    return {.allowed = false, .retry_after_seconds = INT64_MAX};
  }
  const double wait = (1 - bucket.tokens) / config_.refill_per_second;
  return {.allowed = false,
          .retry_after_seconds = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(wait)))};
}

void FailureRateLimiter::RecordFailure(std::string_view address) {
  const int64_t now_ms = clock_.NowMillis();
  std::lock_guard<std::mutex> lock(mu_);
  if (buckets_.size() >= config_.max_addresses && !buckets_.contains(std::string(address))) {
    Prune(now_ms);
  }
  Bucket& bucket = Refill(address, now_ms);
  bucket.tokens = std::max(0.0, bucket.tokens - 1);
}

FailureRateLimiter::Bucket& FailureRateLimiter::Refill(std::string_view address, int64_t now_ms) {
  auto [it, inserted] = buckets_.try_emplace(std::string(address));
  Bucket& bucket = it->second;
  if (inserted) {
    bucket = {.tokens = config_.burst, .updated_ms = now_ms};
    return bucket;
  }
  // A clock that steps back refills nothing rather than draining the bucket.
  const double elapsed_s =
      static_cast<double>(std::max<int64_t>(0, now_ms - bucket.updated_ms)) / 1000.0;
  bucket.tokens = std::min(config_.burst, bucket.tokens + elapsed_s * config_.refill_per_second);
  bucket.updated_ms = now_ms;
  return bucket;
}

void FailureRateLimiter::Prune(int64_t now_ms) {
  // Full buckets carry no information: dropping them is exactly "never failed".
  std::erase_if(buckets_, [&](const auto& entry) {
    const double elapsed_s =
        static_cast<double>(std::max<int64_t>(0, now_ms - entry.second.updated_ms)) / 1000.0;
    return entry.second.tokens + elapsed_s * config_.refill_per_second >= config_.burst;
  });
  const auto target =
      static_cast<size_t>(static_cast<double>(config_.max_addresses) * kPruneTarget);
  if (buckets_.size() <= target) {
    return;
  }
  // Still too many addresses are failing at once (a wide attack): forget the ones that failed
  // longest ago, so memory stays bounded. They get a fresh burst if they come back.
  std::vector<int64_t> times;
  times.reserve(buckets_.size());
  for (const auto& entry : buckets_) {
    times.push_back(entry.second.updated_ms);
  }
  const size_t drop = buckets_.size() - target;
  std::nth_element(times.begin(), times.begin() + static_cast<std::ptrdiff_t>(drop - 1),
                   times.end());
  const int64_t cutoff = times[drop - 1];
  size_t dropped = 0;
  std::erase_if(buckets_, [&](const auto& entry) {
    if (dropped < drop && entry.second.updated_ms <= cutoff) {
      ++dropped;
      return true;
    }
    return false;
  });
}

}  // namespace bucketflow::auth

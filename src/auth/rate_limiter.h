#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.h"

namespace bucketflow::auth {

// Slows down guessing: every key has a bucket of `burst` failed attempts that refills at
// `refill_per_second`. Only failures take from it; while it is empty, attempts under that key
// are refused before their credentials are checked. auth::Access chooses the keys and what
// is checked first (access.h): basic credentials are keyed by (address, user name) and refused
// while limited even when valid; tokens are keyed by address, and a valid token still in
// Access's cache passes without asking the limiter. Bounded: when more than `max_addresses`
// keys are tracked, full buckets are dropped. Safe for concurrent use.
class FailureRateLimiter {
 public:
  struct Config {
    double burst = 10;
    double refill_per_second = 0.2;  // one more attempt every 5 s once the burst is spent
    size_t max_addresses = 100000;
  };
  FailureRateLimiter(const Clock& clock, Config config);

  struct Decision {
    bool allowed = true;
    int64_t retry_after_seconds = 0;  // when refused: how long until one attempt is allowed
  };
  // `key`: a client address, or anything else the caller limits by.
  Decision Allow(std::string_view key);
  void RecordFailure(std::string_view key);

 private:
  struct Bucket {
    double tokens = 0;
    int64_t updated_ms = 0;
  };
  // REQUIRES: mu_ held. Refilled to now.
  Bucket& Refill(std::string_view address, int64_t now_ms);
  // REQUIRES: mu_ held. Makes room for a new address (see the class comment).
  void Prune(int64_t now_ms);

  // Immutable after construction
  const Clock& clock_;
  Config config_;

  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;  // GUARDED_BY(mu_)
};

}  // namespace bucketflow::auth

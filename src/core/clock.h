#pragma once

#include <chrono>
#include <cstdint>

namespace bucketflow {

// Wall-clock time, injected so that tests can control it. Safe for concurrent use.
class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch.
  virtual int64_t NowMillis() const = 0;
};

// The real clock.
class SystemClock final : public Clock {
 public:
  int64_t NowMillis() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

}  // namespace bucketflow

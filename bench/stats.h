#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

// Latency samples and the report line every scenario prints.
namespace bucketflow::bench {

struct LatencySummary {
  uint64_t count = 0;
  double p50_ms = 0;
  double p90_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
  double mean_ms = 0;
};

// Collects per-request latencies. Not thread-safe: one per thread, then Merge().
class LatencyRecorder {
 public:
  void Add(double millis) { samples_.push_back(millis); }
  void Merge(const LatencyRecorder& other);
  LatencySummary Summarize() const;
  uint64_t count() const { return samples_.size(); }

 private:
  std::vector<double> samples_;
};

struct ScenarioReport {
  std::string_view name;
  double seconds = 0;     // wall time of the measured phase
  double units = 0;       // what the throughput counts (requests, metric points, ...)
  std::string_view unit;  // "req", "points"
  uint64_t errors = 0;
  LatencySummary latency;  // per request
};

// One block of human-readable lines on stdout.
void PrintReport(const ScenarioReport& report);

}  // namespace bucketflow::bench

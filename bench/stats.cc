#include "stats.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <string>

namespace bucketflow::bench {
namespace {

// Nearest-rank percentile over sorted samples.
double Percentile(const std::vector<double>& sorted, double fraction) {
  if (sorted.empty()) {
    return 0;
  }
  const double rank = std::ceil(fraction * static_cast<double>(sorted.size()));
  const size_t index = rank < 1 ? 0 : static_cast<size_t>(rank) - 1;
  return sorted[std::min(index, sorted.size() - 1)];
}

}  // namespace

void LatencyRecorder::Merge(const LatencyRecorder& other) {
  samples_.insert(samples_.end(), other.samples_.begin(), other.samples_.end());
}

LatencySummary LatencyRecorder::Summarize() const {
  std::vector<double> sorted = samples_;
  std::sort(sorted.begin(), sorted.end());
  LatencySummary summary;
  summary.count = sorted.size();
  if (sorted.empty()) {
    return summary;
  }
  summary.p50_ms = Percentile(sorted, 0.50);
  summary.p90_ms = Percentile(sorted, 0.90);
  summary.p99_ms = Percentile(sorted, 0.99);
  summary.max_ms = sorted.back();
  summary.mean_ms =
      std::accumulate(sorted.begin(), sorted.end(), 0.0) / static_cast<double>(sorted.size());
  return summary;
}

void PrintReport(const ScenarioReport& report) {
  const std::string name(report.name);
  const std::string unit(report.unit);
  const double rate = report.seconds > 0 ? report.units / report.seconds : 0;
  const LatencySummary& l = report.latency;
  std::printf("== %s\n", name.c_str());
  std::printf("   throughput: %.1f %s/s (%.0f %s in %.2f s, %llu requests, %llu errors)\n", rate,
              unit.c_str(), report.units, unit.c_str(), report.seconds,
              static_cast<unsigned long long>(l.count),
              static_cast<unsigned long long>(report.errors));
  std::printf("   latency ms: p50 %.3f  p90 %.3f  p99 %.3f  max %.3f  mean %.3f\n", l.p50_ms,
              l.p90_ms, l.p99_ms, l.max_ms, l.mean_ms);
  std::fflush(stdout);
}

}  // namespace bucketflow::bench

// Google Benchmark micro-benchmarks for the JSON hot paths: serialising a 100k-point metric
// history (get-history) and parsing a 1000-metric log-batch body. Run:
//   build/release/bench/bucketflow-microbench --benchmark_format=json
#include <benchmark/benchmark.h>

#include <boost/json/parse.hpp>
#include <string>
#include <vector>

#include "api/json_writer.h"
#include "mlflow_calls.h"
#include "model/entities.h"

namespace bucketflow::bench {
namespace {

std::vector<model::Metric> History(int64_t points) {
  std::vector<model::Metric> metrics;
  metrics.reserve(static_cast<size_t>(points));
  for (int64_t step = 0; step < points; ++step) {
    metrics.push_back({.key = "loss",
                       .value = 1.0 / static_cast<double>(step + 1),
                       .timestamp = kT0 + step,
                       .step = step});
  }
  return metrics;
}

void BM_SerializeHistory(benchmark::State& state) {
  const std::vector<model::Metric> metrics = History(state.range(0));
  size_t bytes = 0;
  for (auto _ : state) {
    std::string out;
    api::AppendMetricArray(out, "loss", metrics);
    bytes = out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(bytes));
}
BENCHMARK(BM_SerializeHistory)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_ParseLogBatch(benchmark::State& state) {
  const std::string body = MetricBatchBody({.run_id = "0123456789abcdef0123456789abcdef",
                                            .key = "loss",
                                            .count = static_cast<int>(state.range(0))});
  for (auto _ : state) {
    boost::system::error_code ec;
    boost::json::value value = boost::json::parse(body, ec);
    benchmark::DoNotOptimize(value);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
}
BENCHMARK(BM_ParseLogBatch)->Arg(1000)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace bucketflow::bench

BENCHMARK_MAIN();

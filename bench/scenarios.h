#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"
#include "http_client.h"

// The benchmark scenarios. Each sets up its own experiment and runs, measures, and prints one
// report (throughput and latency p50/p90/p99/max).
namespace bucketflow::bench {

struct ScenarioOptions {
  Endpoint endpoint;
  double seconds = 10;           // length of the timed phase of log-metric and log-batch
  int clients = 8;               // concurrent keep-alive connections for log-metric
  int batch_clients = 2;         // concurrent connections for log-batch and for data loading
  int metrics_per_batch = 1000;  // log-batch size (MLflow's maximum)
  int keys_per_batch = 1;  // distinct metric keys in one log-batch call (steps advance per key)
  int history_points = 100000;  // points of the one metric get-history reads
  int search_runs = 10000;      // runs the search scenario creates
  int repeats = 20;             // timed get-history / search-runs requests
};

// (a) log-metric requests/s, `clients` concurrent connections, one request in flight each.
Status RunLogMetric(const ScenarioOptions& options);
// (b) log-batch metric points/s, `metrics_per_batch` metrics per call.
Status RunLogBatch(const ScenarioOptions& options);
// (c) get-history latency for one metric with `history_points` points.
Status RunGetHistory(const ScenarioOptions& options);
// (d) search-runs latency over `search_runs` runs: params lr in {'0.01','0.1'}, metric acc
// random; filter "metrics.acc > 0.5 and params.lr = '0.01'", order_by metrics.acc DESC,
// max_results 100.
Status RunSearch(const ScenarioOptions& options);

}  // namespace bucketflow::bench

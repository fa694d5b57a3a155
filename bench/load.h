#pragma once

#include <cstdint>
#include <functional>

#include "core/status.h"
#include "http_client.h"
#include "stats.h"

// Drives a server with N threads, each owning one keep-alive connection.
namespace bucketflow::bench {

// One unit of work on `client`: returns how many units it accounted for (e.g. metric points),
// or an error. `client_idx` in [0, clients), `seq` counts this client's calls from 0. Only the
// call to the server should be inside; build request bodies in `prepare`.
struct LoadStep {
  std::function<std::string(int client_idx, uint64_t seq)> prepare;
  std::function<Result<double>(KeepAliveClient& client, std::string body)> call;
};

struct LoadResult {
  double seconds = 0;
  double units = 0;
  uint64_t errors = 0;
  LatencyRecorder latency;
};

// Runs `step` on `clients` threads until `seconds` have passed (if seconds > 0) or each client
// has done `calls_per_client` calls (if > 0), whichever comes first. The first error of each
// client is printed to stderr; errors are counted, not retried.
LoadResult RunLoad(const Endpoint& endpoint, int clients, double seconds, uint64_t calls_per_client,
                   const LoadStep& step);

}  // namespace bucketflow::bench

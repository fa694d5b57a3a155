#include "load.h"

#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

namespace bucketflow::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct ClientTotals {
  double units = 0;
  uint64_t errors = 0;
  LatencyRecorder latency;
};

void ClientLoop(const Endpoint& endpoint, int client_idx, Clock::time_point deadline, bool timed,
                uint64_t calls, const LoadStep& step, ClientTotals& totals) {
  KeepAliveClient client(endpoint);
  bool reported = false;
  for (uint64_t seq = 0; calls == 0 || seq < calls; ++seq) {
    if (timed && Clock::now() >= deadline) {
      break;
    }
    std::string body = step.prepare(client_idx, seq);
    const auto began = Clock::now();
    Result<double> units = step.call(client, std::move(body));
    const auto ended = Clock::now();
    totals.latency.Add(std::chrono::duration<double, std::milli>(ended - began).count());
    if (units.ok()) {
      totals.units += *units;
      continue;
    }
    ++totals.errors;
    if (!reported) {
      std::fprintf(stderr, "client %d: %s\n", client_idx, units.status().ToString().c_str());
      reported = true;
    }
  }
}

}  // namespace

LoadResult RunLoad(const Endpoint& endpoint, int clients, double seconds, uint64_t calls_per_client,
                   const LoadStep& step) {
  const bool timed = seconds > 0;
  std::vector<ClientTotals> totals(static_cast<size_t>(clients));
  const auto began = Clock::now();
  const auto deadline =
      began + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  {
    std::vector<std::jthread> threads;
    for (int idx = 0; idx < clients; ++idx) {
      threads.emplace_back([&, idx] {
        ClientLoop(endpoint, idx, deadline, timed, calls_per_client, step,
                   totals[static_cast<size_t>(idx)]);
      });
    }
  }
  LoadResult result;
  result.seconds = std::chrono::duration<double>(Clock::now() - began).count();
  for (const ClientTotals& t : totals) {
    result.units += t.units;
    result.errors += t.errors;
    result.latency.Merge(t.latency);
  }
  return result;
}

}  // namespace bucketflow::bench

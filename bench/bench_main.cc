// bucketflow-bench: a load generator for an MLflow-compatible tracking server.
//
//   bucketflow-bench --url http://127.0.0.1:5000 [--scenarios log-metric,search]
//   bucketflow-bench --server build/release/src/cli/bucketflow
//
// With --server it starts the server itself on a temporary directory and a free port, reports
// its idle and peak resident memory, and the startup time to the first /health OK on the
// (then populated) existing database.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "http_client.h"
#include "scenarios.h"
#include "server_process.h"

namespace bucketflow::bench {
namespace {

struct Flags {
  std::string url;
  std::string authorization;
  std::string server_binary;
  std::string scenarios = "log-metric,log-batch,get-history,search";
  bool keep_dir = false;
  ScenarioOptions options;
};

const std::map<std::string, std::function<Status(const ScenarioOptions&)>>& ScenarioTable() {
  static const std::map<std::string, std::function<Status(const ScenarioOptions&)>> kTable{
      {"log-metric", RunLogMetric},
      {"log-batch", RunLogBatch},
      {"get-history", RunGetHistory},
      {"search", RunSearch},
  };
  return kTable;
}

Result<std::vector<std::string>> ParseScenarios(const std::string& list) {
  std::vector<std::string> names;
  std::stringstream stream(list);
  std::string name;
  while (std::getline(stream, name, ',')) {
    if (name.empty()) {
      continue;
    }
    if (ScenarioTable().count(name) == 0) {
      return Status::InvalidArgument("unknown scenario '", name,
                                     "' (log-metric, log-batch, get-history, search)");
    }
    names.push_back(name);
  }
  return names;
}

// Runs every scenario even if one fails; returns the first failure.
Status RunScenarios(const std::vector<std::string>& names, const ScenarioOptions& options) {
  Status first_error;
  for (const std::string& name : names) {
    Status status = ScenarioTable().at(name)(options);
    if (!status.ok()) {
      std::fprintf(stderr, "scenario %s failed: %s\n", name.c_str(), status.ToString().c_str());
      if (first_error.ok()) {
        first_error = status;
      }
    }
  }
  return first_error;
}

void PrintMemory(const char* label, const ServerProcess& server) {
  Result<MemoryUse> memory = server.Memory();
  if (memory.ok()) {
    std::printf("== server memory %s: VmRSS %.1f MB, VmHWM (peak) %.1f MB\n", label,
                static_cast<double>(memory->rss_kb) / 1024.0,
                static_cast<double>(memory->hwm_kb) / 1024.0);
  } else {
    std::fprintf(stderr, "memory: %s\n", memory.status().ToString().c_str());
  }
}

Status WithOwnServer(const Flags& flags, const std::vector<std::string>& names,
                     const std::string& dir) {
  ServerProcess server(flags.server_binary, dir);
  ASSIGN_OR_RETURN(auto startup, server.Start());
  std::printf("== server started (empty database) in %.3f s at %s, data in %s\n", startup.count(),
              server.url().c_str(), dir.c_str());
  PrintMemory("idle", server);
  ScenarioOptions options = flags.options;
  ASSIGN_OR_RETURN(options.endpoint, ParseUrl(server.url()));
  Status scenarios = RunScenarios(names, options);
  PrintMemory("after scenarios", server);
  RETURN_IF_ERROR(server.Stop());

  ServerProcess again(flags.server_binary, dir);
  ASSIGN_OR_RETURN(auto restart, again.Start());
  std::error_code size_error;
  const auto db_bytes = std::filesystem::file_size(dir + "/db.sqlite", size_error);
  std::printf("== startup on the existing database (%.1f MB): %.3f s to first /health OK\n",
              size_error ? 0.0 : static_cast<double>(db_bytes) / 1e6, restart.count());
  PrintMemory("idle after restart", again);
  RETURN_IF_ERROR(again.Stop());
  return scenarios;
}

Status Main(const Flags& flags) {
  ASSIGN_OR_RETURN(std::vector<std::string> names, ParseScenarios(flags.scenarios));
  if (flags.url.empty() == flags.server_binary.empty()) {
    return Status::InvalidArgument("give exactly one of --url and --server");
  }
  if (!flags.url.empty()) {
    ScenarioOptions options = flags.options;
    ASSIGN_OR_RETURN(options.endpoint, ParseUrl(flags.url));
    options.endpoint.authorization = flags.authorization;
    return RunScenarios(names, options);
  }
  ASSIGN_OR_RETURN(std::string dir, MakeTempDir());
  Status status = WithOwnServer(flags, names, dir);
  if (!flags.keep_dir) {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
  return status;
}

}  // namespace
}  // namespace bucketflow::bench

int main(int argc, char** argv) {
  bucketflow::bench::Flags flags;
  auto& o = flags.options;
  CLI::App app{"bucketflow-bench: throughput and latency of an MLflow-compatible tracking server"};
  app.add_option("--url", flags.url, "benchmark a running server, e.g. http://127.0.0.1:5000");
  app.add_option("--authorization", flags.authorization,
                 "with --url: Authorization header for every request (a server with --auth)")
      ->envname("BF_BENCH_AUTHORIZATION");
  app.add_option("--server", flags.server_binary,
                 "start this bucketflow binary on a temp dir and free port");
  app.add_option("--scenarios", flags.scenarios,
                 "comma-separated: log-metric,log-batch,get-history,search")
      ->capture_default_str();
  app.add_option("--seconds", o.seconds, "length of the log-metric and log-batch runs")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--clients", o.clients, "concurrent connections for log-metric and setup")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  app.add_option("--batch-clients", o.batch_clients, "concurrent connections for log-batch")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  app.add_option("--metrics-per-batch", o.metrics_per_batch, "metrics per log-batch call")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  app.add_option("--keys-per-batch", o.keys_per_batch,
                 "distinct metric keys per log-batch call (1 = one key, many steps)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  app.add_option("--history-points", o.history_points, "points of the metric get-history reads")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000000));
  app.add_option("--search-runs", o.search_runs, "runs the search scenario creates")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000000));
  app.add_option("--repeats", o.repeats, "timed get-history / search requests")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  app.add_flag("--keep-dir", flags.keep_dir, "with --server: keep the temporary data directory");
  CLI11_PARSE(app, argc, argv);
  const bucketflow::Status status = bucketflow::bench::Main(flags);
  if (!status.ok()) {
    std::fprintf(stderr, "bucketflow-bench: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}

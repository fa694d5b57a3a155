#include "scenarios.h"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <random>
#include <vector>

#include "load.h"
#include "mlflow_calls.h"
#include "stats.h"

namespace bucketflow::bench {
namespace {

const std::string kLogMetric = std::string(kApi) + "/runs/log-metric";
const std::string kLogBatch = std::string(kApi) + "/runs/log-batch";
constexpr char kSearchFilter[] = "metrics.acc > 0.5 and params.lr = '0.01'";

Result<double> PostExpectingOk(KeepAliveClient& client, const std::string& target, std::string body,
                               double units) {
  RETURN_IF_ERROR(ExpectOk(client.PostJson(target, std::move(body)), target));
  return units;
}

// One run per client, so concurrent writers do not share a run (as separate jobs would not).
Result<std::vector<std::string>> RunsPerClient(const Endpoint& endpoint, std::string_view name,
                                               int clients) {
  KeepAliveClient client(endpoint);
  ASSIGN_OR_RETURN(std::string experiment_id, CreateExperiment(client, name));
  std::vector<std::string> run_ids;
  for (int idx = 0; idx < clients; ++idx) {
    ASSIGN_OR_RETURN(std::string run_id, CreateRun(client, experiment_id));
    run_ids.push_back(std::move(run_id));
  }
  return run_ids;
}

Status ReportLoad(std::string_view name, std::string_view unit, LoadResult& load) {
  PrintReport({.name = name,
               .seconds = load.seconds,
               .units = load.units,
               .unit = unit,
               .errors = load.errors,
               .latency = load.latency.Summarize()});
  if (load.errors > 0) {
    return Status::Internal(name, ": ", load.errors, " requests failed");
  }
  return Status::Ok();
}

// Loads `points` points of metric `key` into `run_id`, `batch_clients` batches in flight.
Status LoadHistory(const ScenarioOptions& options, const std::string& run_id,
                   const std::string& key, int points) {
  const int per_batch = options.metrics_per_batch;
  const int batches = (points + per_batch - 1) / per_batch;
  const int clients = options.batch_clients;
  const uint64_t calls = static_cast<uint64_t>((batches + clients - 1) / clients);
  LoadStep step{.prepare = [&](int idx, uint64_t seq) -> std::string {
                  const int64_t batch = static_cast<int64_t>(seq) * clients + idx;
                  if (batch >= batches) {
                    return {};
                  }
                  const int64_t first = batch * per_batch;
                  return MetricBatchBody(
                      {.run_id = run_id,
                       .key = key,
                       .first_step = first,
                       .count = static_cast<int>(std::min<int64_t>(per_batch, points - first))});
                },
                .call = [&](KeepAliveClient& client, std::string body) -> Result<double> {
                  return body.empty() ? Result<double>(0.0)
                                      : PostExpectingOk(client, kLogBatch, std::move(body), 1);
                }};
  LoadResult load = RunLoad(options.endpoint, clients, 0, calls, step);
  if (load.errors > 0) {
    return Status::Internal("loading ", points, " points failed (", load.errors, " batches)");
  }
  return Status::Ok();
}

}  // namespace

Status RunLogMetric(const ScenarioOptions& options) {
  ASSIGN_OR_RETURN(std::vector<std::string> runs,
                   RunsPerClient(options.endpoint, "bench-log-metric", options.clients));
  LoadStep step{.prepare =
                    [&](int idx, uint64_t seq) {
                      return LogMetricBody(runs[static_cast<size_t>(idx)], "loss",
                                           static_cast<int64_t>(seq),
                                           1.0 / static_cast<double>(seq + 1));
                    },
                .call =
                    [](KeepAliveClient& client, std::string body) {
                      return PostExpectingOk(client, kLogMetric, std::move(body), 1);
                    }};
  LoadResult load = RunLoad(options.endpoint, options.clients, options.seconds, 0, step);
  return ReportLoad("log-metric (" + std::to_string(options.clients) + " keep-alive clients)",
                    "req", load);
}

Status RunLogBatch(const ScenarioOptions& options) {
  const int clients = options.batch_clients;
  const int per_batch = options.metrics_per_batch;
  ASSIGN_OR_RETURN(std::vector<std::string> runs,
                   RunsPerClient(options.endpoint, "bench-log-batch", clients));
  LoadStep step{
      .prepare =
          [&](int idx, uint64_t seq) {
            const int keys = options.keys_per_batch;
            return MetricBatchBody({.run_id = runs[static_cast<size_t>(idx)],
                                    .key = "points",
                                    .first_step = static_cast<int64_t>(seq) * per_batch / keys,
                                    .count = per_batch,
                                    .keys = keys});
          },
      .call =
          [&](KeepAliveClient& client, std::string body) {
            return PostExpectingOk(client, kLogBatch, std::move(body), per_batch);
          }};
  LoadResult load = RunLoad(options.endpoint, clients, options.seconds, 0, step);
  return ReportLoad("log-batch (" + std::to_string(per_batch) + " metrics/call over " +
                        std::to_string(options.keys_per_batch) + " keys, " +
                        std::to_string(clients) + " clients): metric points",
                    "points", load);
}

namespace {

// Times `repeats` sequential calls of `call` on one connection; `check` validates the first reply.
Status TimeSequential(std::string_view name, int repeats,
                      const std::function<Result<HttpReply>()>& call,
                      const std::function<Status(const HttpReply&)>& check) {
  using Clock = std::chrono::steady_clock;
  LatencyRecorder latency;
  uint64_t errors = 0;
  const auto began = Clock::now();
  for (int rep = 0; rep < repeats; ++rep) {
    const auto t0 = Clock::now();
    Result<HttpReply> reply = call();
    latency.Add(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    Status status = reply.ok()
                        ? (reply->status == 200 ? Status::Ok()
                                                : Status::Internal("HTTP ", reply->status, " ",
                                                                   reply->body.substr(0, 300)))
                        : reply.status();
    if (status.ok() && rep == 0) {
      status = check(*reply);
    }
    if (!status.ok()) {
      ++errors;
      std::fprintf(stderr, "%s: %s\n", std::string(name).c_str(), status.ToString().c_str());
    }
  }
  LoadResult load{.seconds = std::chrono::duration<double>(Clock::now() - began).count(),
                  .units = static_cast<double>(repeats),
                  .errors = errors,
                  .latency = std::move(latency)};
  return ReportLoad(name, "req", load);
}

Status CheckHistory(const HttpReply& reply, int points) {
  ASSIGN_OR_RETURN(boost::json::value json, ExpectJson(Result<HttpReply>(reply), "get-history"));
  const boost::json::value* metrics = json.as_object().if_contains("metrics");
  const size_t got = metrics != nullptr && metrics->is_array() ? metrics->as_array().size() : 0;
  if (got != static_cast<size_t>(points)) {
    return Status::Internal("get-history returned ", got, " points, expected ", points);
  }
  return Status::Ok();
}

}  // namespace

Status RunGetHistory(const ScenarioOptions& options) {
  ASSIGN_OR_RETURN(std::vector<std::string> runs,
                   RunsPerClient(options.endpoint, "bench-history", 1));
  const std::string& run_id = runs.front();
  std::fprintf(stderr, "get-history: logging %d points...\n", options.history_points);
  RETURN_IF_ERROR(LoadHistory(options, run_id, "loss", options.history_points));
  KeepAliveClient client(options.endpoint);
  const std::string target =
      std::string(kApi) + "/metrics/get-history?run_id=" + run_id + "&metric_key=loss";
  return TimeSequential(
      "get-history (" + std::to_string(options.history_points) + " points, one metric)",
      options.repeats, [&] { return client.Get(target); },
      [&](const HttpReply& reply) { return CheckHistory(reply, options.history_points); });
}

namespace {

struct SearchRun {
  double acc = 0;
  bool lr_is_small = false;  // lr = '0.01'
};

// Deterministic per index, so the expected search result is known without asking the server.
SearchRun SearchRunData(uint64_t idx) {
  std::mt19937_64 rng(idx * 7919 + 1);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  return {.acc = uniform(rng), .lr_is_small = idx % 2 == 0};
}

Status CreateSearchRuns(const ScenarioOptions& options, const std::string& experiment_id) {
  const int clients = options.clients;
  const uint64_t total = static_cast<uint64_t>(options.search_runs);
  const uint64_t calls =
      (total + static_cast<uint64_t>(clients) - 1) / static_cast<uint64_t>(clients);
  LoadStep step{
      .prepare =
          [&](int idx, uint64_t seq) {
            return std::to_string(seq * static_cast<uint64_t>(clients) +
                                  static_cast<uint64_t>(idx));
          },
      .call = [&](KeepAliveClient& client, std::string index) -> Result<double> {
        const uint64_t run_idx = std::stoull(index);
        if (run_idx >= total) {
          return 0.0;
        }
        ASSIGN_OR_RETURN(std::string run_id, CreateRun(client, experiment_id));
        const SearchRun data = SearchRunData(run_idx);
        boost::json::object body{
            {"run_id", run_id},
            {"metrics", boost::json::array{boost::json::object{
                            {"key", "acc"}, {"value", data.acc}, {"timestamp", kT0}, {"step", 0}}}},
            {"params", boost::json::array{boost::json::object{
                           {"key", "lr"}, {"value", data.lr_is_small ? "0.01" : "0.1"}}}}};
        return PostExpectingOk(client, kLogBatch, boost::json::serialize(body), 1);
      }};
  LoadResult load = RunLoad(options.endpoint, clients, 0, calls, step);
  if (load.errors > 0) {
    return Status::Internal("creating search runs failed (", load.errors, " errors)");
  }
  return Status::Ok();
}

Result<double> RunAcc(const boost::json::value& run) {
  const auto* data = run.is_object() ? run.as_object().if_contains("data") : nullptr;
  const auto* metrics =
      data != nullptr && data->is_object() ? data->as_object().if_contains("metrics") : nullptr;
  if (metrics == nullptr || !metrics->is_array()) {
    return Status::Internal("search result without data.metrics");
  }
  for (const boost::json::value& m : metrics->as_array()) {
    const auto* key = m.is_object() ? m.as_object().if_contains("key") : nullptr;
    const auto* value = m.is_object() ? m.as_object().if_contains("value") : nullptr;
    if (key != nullptr && key->is_string() && key->as_string() == "acc" && value != nullptr &&
        value->is_number()) {
      return value->to_number<double>();
    }
  }
  return Status::Internal("search result without metric acc");
}

// The first page must hold the expected number of runs, in descending acc, starting at the max.
Status CheckSearch(const HttpReply& reply, int search_runs) {
  size_t matching = 0;
  double best = 0;
  for (uint64_t idx = 0; idx < static_cast<uint64_t>(search_runs); ++idx) {
    const SearchRun data = SearchRunData(idx);
    if (data.lr_is_small && data.acc > 0.5) {
      ++matching;
      best = std::max(best, data.acc);
    }
  }
  ASSIGN_OR_RETURN(boost::json::value json, ExpectJson(Result<HttpReply>(reply), "runs/search"));
  const auto* runs = json.as_object().if_contains("runs");
  const size_t got = runs != nullptr && runs->is_array() ? runs->as_array().size() : 0;
  if (got != std::min<size_t>(matching, 100)) {
    return Status::Internal("runs/search returned ", got, " runs, expected ",
                            std::min<size_t>(matching, 100));
  }
  double previous = 2.0;
  for (const boost::json::value& run : runs->as_array()) {
    ASSIGN_OR_RETURN(double acc, RunAcc(run));
    if (acc > previous || acc <= 0.5) {
      return Status::Internal("runs/search result not ordered by metrics.acc DESC or not filtered");
    }
    previous = acc;
  }
  // Boost.JSON 1.81 may parse a double 1 ulp off, so compare with a tolerance.
  if (got > 0 && std::abs(RunAcc(runs->as_array().front()).value() - best) > 1e-12) {
    return Status::Internal("runs/search first run is not the best acc");
  }
  return Status::Ok();
}

}  // namespace

Status RunSearch(const ScenarioOptions& options) {
  KeepAliveClient client(options.endpoint);
  ASSIGN_OR_RETURN(std::string experiment_id, CreateExperiment(client, "bench-search"));
  std::fprintf(stderr, "search: creating %d runs...\n", options.search_runs);
  RETURN_IF_ERROR(CreateSearchRuns(options, experiment_id));
  boost::json::object query{
      {"experiment_ids", boost::json::array{boost::json::string(experiment_id)}},
      {"filter", kSearchFilter},
      {"order_by", boost::json::array{"metrics.acc DESC"}},
      {"max_results", 100}};
  const std::string body = boost::json::serialize(query);
  const std::string target = std::string(kApi) + "/runs/search";
  return TimeSequential(
      "search-runs (" + std::to_string(options.search_runs) +
          " runs, filter + order_by, first 100)",
      options.repeats, [&] { return client.PostJson(target, body); },
      [&](const HttpReply& reply) { return CheckSearch(reply, options.search_runs); });
}

}  // namespace bucketflow::bench

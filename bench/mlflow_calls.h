#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"
#include "http_client.h"

// The few MLflow REST calls the scenarios need for setup, and fast request-body builders.
namespace bucketflow::bench {

constexpr std::string_view kApi = "/api/2.0/mlflow";
constexpr int64_t kT0 = 1'700'000'000'000;

// Parses a 200 reply as a JSON object; anything else is an error naming `what`.
Result<boost::json::value> ExpectJson(const Result<HttpReply>& reply, std::string_view what);
// Succeeds on a 200 reply.
Status ExpectOk(const Result<HttpReply>& reply, std::string_view what);

Result<std::string> CreateExperiment(KeepAliveClient& client, std::string_view name_prefix);
Result<std::string> CreateRun(KeepAliveClient& client, std::string_view experiment_id);

// {"run_id": ..., "metrics": [{"key": key, "value": ..., "timestamp": ..., "step": first_step +
// i}]} with `count` points; values follow a deterministic pattern. `count` metrics; with keys > 1
// they cycle over "<key>_0" .. "<key>_<keys-1>" and the step advances once per cycle.
struct MetricBatch {
  std::string_view run_id;
  std::string_view key;
  int64_t first_step = 0;
  int count = 0;
  int keys = 1;
};
std::string MetricBatchBody(const MetricBatch& batch);
std::string LogMetricBody(std::string_view run_id, std::string_view key, int64_t step,
                          double value);

}  // namespace bucketflow::bench

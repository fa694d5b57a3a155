#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "api/request_params.h"
#include "api/services.h"
#include "core/status.h"

// runs/log-metric, runs/log-batch and the metric history endpoints. Each returns the JSON
// response body or the error to report.
namespace bucketflow::api {

Result<std::string> LogMetric(const RequestParams& params, Services& services);
Result<std::string> LogBatch(const RequestParams& params, Services& services);
// Whole history, ignoring max_results/page_token as MLflow does.
Result<std::string> GetMetricHistory(const RequestParams& params, Services& services);
// In metric_history_handlers.cc:
Result<std::string> GetMetricHistoryBulkInterval(const RequestParams& params, Services& services);
// The UI-only /ajax-api/2.0/mlflow/metrics/get-history-bulk.
Result<std::string> GetMetricHistoryBulk(const RequestParams& params, Services& services);

// MLflow's step sampling for get-history-bulk-interval: of the union of all runs' steps in
// [start_step, end_step], at most `max_results` evenly spaced ones, plus each run's min and
// max step inside the window. Sorted ascending.
std::vector<int64_t> SampleSteps(std::span<const std::vector<int64_t>> steps_per_run,
                                 int64_t start_step, int64_t end_step, size_t max_results);

}  // namespace bucketflow::api

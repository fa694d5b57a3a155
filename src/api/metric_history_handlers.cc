// metrics/get-history-bulk-interval and the UI's get-history-bulk (declared in
// api/metric_handlers.h).
#include <algorithm>
#include <cmath>
#include <vector>

#include "api/handler_common.h"
#include "api/json_writer.h"
#include "api/metric_handlers.h"

namespace bucketflow::api {
namespace {

constexpr size_t kMaxRunsPerBulkRequest = 100;
constexpr int64_t kMaxResultsPerRun = 2500;
constexpr int64_t kMaxBulkHistoryResults = 25000;
constexpr std::string_view kApiDocsHint =
    " See the API docs for more information about request parameters.";

struct StepWindow {
  int64_t start = 0;
  std::optional<int64_t> end;  // nullopt: up to the last logged step
};

Result<StepWindow> ReadStepWindow(const RequestParams& params) {
  ASSIGN_OR_RETURN(std::optional<int64_t> start, params.OptionalInt64("start_step"));
  ASSIGN_OR_RETURN(std::optional<int64_t> end, params.OptionalInt64("end_step"));
  if (start.has_value() != end.has_value()) {
    return Status::InvalidArgument(
        "If either start step or end step are specified, both must be specified.");
  }
  if (start.has_value() && *start > *end) {
    return Status::InvalidArgument("end_step must be greater than start_step. Found start_step=",
                                   *start, " and end_step=", *end, ".");
  }
  return StepWindow{start.value_or(0), end};
}

// (timestamp, step, value) with NaN after every number, so the order stays strict-weak.
bool MetricOrder(const model::Metric& a, const model::Metric& b) {
  if (a.timestamp != b.timestamp) return a.timestamp < b.timestamp;
  if (a.step != b.step) return a.step < b.step;
  if (std::isnan(a.value) || std::isnan(b.value))
    return !std::isnan(a.value) && std::isnan(b.value);
  return a.value < b.value;
}

struct BulkIntervalRequest {
  std::vector<std::string> run_ids;
  std::string metric_key;
  size_t max_results = kMaxResultsPerRun;
  StepWindow window;
};

Result<BulkIntervalRequest> ReadBulkIntervalRequest(const RequestParams& params) {
  BulkIntervalRequest out;
  ASSIGN_OR_RETURN(out.run_ids, params.StringList("run_ids", false));
  if (out.run_ids.empty()) return MissingParam("run_ids");
  if (out.run_ids.size() > kMaxRunsPerBulkRequest) {
    return Status::InvalidArgument("GetMetricHistoryBulkInterval request must specify at most ",
                                   kMaxRunsPerBulkRequest, " run_ids. Received ",
                                   out.run_ids.size(), " run_ids.", kApiDocsHint);
  }
  ASSIGN_OR_RETURN(out.metric_key, params.RequiredString("metric_key"));
  ASSIGN_OR_RETURN(std::optional<int64_t> max_results, params.OptionalInt64("max_results"));
  if (max_results.has_value() && (*max_results < 1 || *max_results > kMaxResultsPerRun)) {
    return Status::InvalidArgument("max_results must be between 1 and ", kMaxResultsPerRun, ".",
                                   kApiDocsHint);
  }
  if (max_results.has_value()) out.max_results = static_cast<size_t>(*max_results);
  ASSIGN_OR_RETURN(out.window, ReadStepWindow(params));
  return out;
}

// Every point whose step was sampled, run by run; {} when there are none.
std::string WriteSampledHistories(const std::vector<std::string>& run_ids,
                                  const std::vector<std::vector<model::Metric>>& histories,
                                  const std::vector<int64_t>& steps) {
  JsonWriter writer;
  writer.BeginObject();
  bool any = false;
  for (size_t run_idx = 0; run_idx < run_ids.size(); ++run_idx) {
    for (const model::Metric& metric : histories[run_idx]) {
      if (!std::binary_search(steps.begin(), steps.end(), metric.step)) continue;
      if (!any) {
        writer.Key("metrics");
        writer.BeginArray();
        any = true;
      }
      WriteMetric(writer, metric, run_ids[run_idx]);
    }
  }
  if (any) writer.EndArray();
  writer.EndObject();
  return writer.Take();
}

struct BulkRequest {
  std::vector<std::string> run_ids;  // sorted, as MLflow answers them
  std::string metric_key;
  int64_t max_results = kMaxBulkHistoryResults;
};

Result<BulkRequest> ReadBulkRequest(const RequestParams& params) {
  BulkRequest out;
  ASSIGN_OR_RETURN(out.run_ids, params.StringList("run_id", false));
  if (out.run_ids.empty()) {
    return Status::InvalidArgument(
        "GetMetricHistoryBulk request must specify at least one run_id.");
  }
  if (out.run_ids.size() > kMaxRunsPerBulkRequest) {
    return Status::InvalidArgument("GetMetricHistoryBulk request cannot specify more than ",
                                   kMaxRunsPerBulkRequest, " run_ids. Received ",
                                   out.run_ids.size(), " run_ids.");
  }
  ASSIGN_OR_RETURN(std::optional<std::string> metric_key, params.OptionalString("metric_key"));
  if (!metric_key.has_value()) {
    return Status::InvalidArgument("GetMetricHistoryBulk request must specify a metric_key.");
  }
  out.metric_key = std::move(*metric_key);
  ASSIGN_OR_RETURN(std::optional<int64_t> max_results, params.OptionalInt64("max_results"));
  out.max_results = std::min(max_results.value_or(kMaxBulkHistoryResults), kMaxBulkHistoryResults);
  std::sort(out.run_ids.begin(), out.run_ids.end());
  return out;
}

// Flask's jsonify sorts keys. NaN is the string "NaN": MLflow writes a bare NaN here, which is
// not JSON.
void WriteBulkPoint(JsonWriter& writer, const model::Metric& metric, std::string_view run_id) {
  writer.BeginObject();
  writer.StringField("key", metric.key);
  writer.StringField("run_id", run_id);
  writer.IntField("step", metric.step);
  writer.IntField("timestamp", metric.timestamp);
  writer.Key("value");
  writer.MetricValue(metric.value);
  writer.EndObject();
}

}  // namespace

namespace {

void SortUnique(std::vector<int64_t>& steps) {
  std::sort(steps.begin(), steps.end());
  steps.erase(std::unique(steps.begin(), steps.end()), steps.end());
}

}  // namespace

// Sorted vectors rather than a tree set: a history can hold millions of points, and a node per
// step costs an allocation each and most of the request's time.
std::vector<int64_t> SampleSteps(std::span<const std::vector<int64_t>> steps_per_run,
                                 int64_t start_step, int64_t end_step, size_t max_results) {
  std::vector<int64_t> in_window;
  std::vector<int64_t> out;
  for (const std::vector<int64_t>& steps : steps_per_run) {
    if (steps.empty()) continue;
    auto [min_it, max_it] = std::minmax_element(steps.begin(), steps.end());
    for (int64_t step : {*min_it, *max_it}) {
      if (step >= start_step && step <= end_step) out.push_back(step);
    }
    for (int64_t step : steps) {
      if (step >= start_step && step <= end_step) in_window.push_back(step);
    }
  }
  SortUnique(in_window);
  if (in_window.size() <= max_results) {
    out.insert(out.end(), in_window.begin(), in_window.end());
  } else {
    // steps[int(i * len/max)] for i in [0, max), as MLflow's _get_sampled_steps_from_steps.
    double interval = static_cast<double>(in_window.size()) / static_cast<double>(max_results);
    for (size_t i = 0; i < max_results; ++i) {
      out.push_back(in_window[static_cast<size_t>(static_cast<double>(i) * interval)]);
    }
  }
  SortUnique(out);
  return out;
}

Result<std::string> GetMetricHistoryBulkInterval(const RequestParams& params, Services& services) {
  ASSIGN_OR_RETURN(BulkIntervalRequest request, ReadBulkIntervalRequest(params));
  std::vector<std::vector<model::Metric>> histories;
  std::vector<std::vector<int64_t>> steps_per_run;
  int64_t last_step = 0;
  for (const std::string& run_id : request.run_ids) {
    ASSIGN_OR_RETURN(std::vector<model::Metric> history,
                     services.store.GetMetricHistory(run_id, request.metric_key));
    std::vector<int64_t> steps;
    steps.reserve(history.size());
    for (const model::Metric& metric : history) {
      steps.push_back(metric.step);
      last_step = std::max(last_step, metric.step);
    }
    histories.push_back(std::move(history));
    steps_per_run.push_back(std::move(steps));
  }
  std::vector<int64_t> steps =
      SampleSteps(steps_per_run, request.window.start, request.window.end.value_or(last_step),
                  request.max_results);
  return WriteSampledHistories(request.run_ids, histories, steps);
}

Result<std::string> GetMetricHistoryBulk(const RequestParams& params, Services& services) {
  ASSIGN_OR_RETURN(BulkRequest request, ReadBulkRequest(params));
  JsonWriter writer;
  writer.BeginObject();
  writer.Key("metrics");
  writer.BeginArray();
  int64_t written = 0;
  for (const std::string& run_id : request.run_ids) {
    ASSIGN_OR_RETURN(std::vector<model::Metric> history,
                     services.store.GetMetricHistory(run_id, request.metric_key));
    std::stable_sort(history.begin(), history.end(), MetricOrder);
    for (const model::Metric& metric : history) {
      if (written >= request.max_results) break;
      WriteBulkPoint(writer, metric, run_id);
      ++written;
    }
  }
  writer.EndArray();
  writer.EndObject();
  return writer.Take();
}

}  // namespace bucketflow::api

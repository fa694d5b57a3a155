#include "api/metric_handlers.h"

#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include "api/handler_test_fixture.h"

namespace bucketflow::api {
namespace {

namespace json = boost::json;

std::string MetricJson(std::string_view key, double value, int64_t timestamp, int64_t step) {
  return R"({"key": ")" + std::string(key) + R"(", "value": )" + std::to_string(value) +
         R"(, "timestamp": )" + std::to_string(timestamp) + R"(, "step": )" + std::to_string(step) +
         "}";
}

std::string Batch(const std::string& run, size_t metrics, size_t params) {
  std::string body = R"({"run_id": ")" + run + R"(", "metrics": [)";
  for (size_t i = 0; i < metrics; ++i) {
    body += (i ? "," : "") + MetricJson("m" + std::to_string(i), 0.5, 1, 0);
  }
  body += R"(], "params": [)";
  for (size_t i = 0; i < params; ++i) {
    body += std::string(i ? "," : "") + R"({"key": "p)" + std::to_string(i) + R"(", "value": "v"})";
  }
  return body + "]}";
}

TEST_P(HandlersTest, LogMetricConversionsAndHistory) {
  std::string run = CreateRun(CreateExperiment("metrics"));
  std::string prefix = R"({"run_id": ")" + run + R"(", )";
  EXPECT_EQ(Post("runs/log-metric", prefix + R"("key": "m", "value": "NaN", "timestamp": 1,
                                              "step": 1})")
                .status,
            200);
  EXPECT_EQ(Post("runs/log-metric", prefix + R"("key": "m", "value": "Infinity", "timestamp": 2,
                                              "step": 2})")
                .status,
            200);
  EXPECT_EQ(Post("runs/log-metric", prefix + R"("key": "m", "value": "-Infinity",
                                              "timestamp": 3, "step": 3})")
                .status,
            200);
  EXPECT_EQ(Post("runs/log-metric", prefix + R"("key": "m", "value": true, "timestamp": "4",
                                              "step": 4})")
                .status,
            200);
  EXPECT_EQ(
      Post("runs/log-metric", prefix + R"("key": "m", "value": "1.25", "timestamp": 5})").status,
      200);
  Reply history = Get("metrics/get-history?run_id=" + run + "&metric_key=m&max_results=1");
  ASSERT_EQ(history.status, 200) << history.text;
  const json::array& points = history.body.at("metrics").as_array();
  ASSERT_EQ(points.size(), 5u);
  EXPECT_EQ(points[0].at("value").as_double(), 1.25);  // no step: step 0 sorts first
  EXPECT_EQ(points[1].at("value"), json::value("NaN")) << history.text;
  EXPECT_EQ(points[2].at("value").as_double(), 1.7976931348623157e308);
  EXPECT_EQ(points[3].at("value").as_double(), -1.7976931348623157e308);
  EXPECT_EQ(points[4].at("value").to_number<double>(), 1.0);
  EXPECT_EQ(points[4].at("timestamp").as_int64(), 4);

  EXPECT_EQ(Get("metrics/get-history?run_id=" + run + "&metric_key=nope").text, "{}");
  EXPECT_EQ(Get("metrics/get-history?run_id=deadbeef&metric_key=m").text, "{}");
  ExpectError(Get("metrics/get-history?run_id=" + run), 400, "INVALID_PARAMETER_VALUE",
              std::string("Missing value for required parameter 'metric_key'.") + kHint);
}

TEST_P(HandlersTest, LogMetricBadInput) {
  std::string run = CreateRun(CreateExperiment("bad-metrics"));
  std::string prefix = R"({"run_id": ")" + run + R"(", )";
  ExpectError(Post("runs/log-metric", "{}"), 400, "INVALID_PARAMETER_VALUE",
              std::string("Missing value for required parameter 'run_id'.") + kHint);
  ExpectError(Post("runs/log-metric", prefix + R"("key": "m", "value": 1.0})"), 400,
              "INVALID_PARAMETER_VALUE",
              std::string("Missing value for required parameter 'timestamp'.") + kHint);
  ExpectError(Post("runs/log-metric", prefix + R"("key": "m", "value": "abc", "timestamp": 1})"),
              400, "INVALID_PARAMETER_VALUE",
              std::string("Invalid value \"abc\" for parameter 'value' supplied:  Hint: Value "
                          "was of type 'str'.") +
                  kHint);
  // MLflow answers 500 (object value) or stores garbage (NaN literal, float timestamp).
  ExpectError(Post("runs/log-metric", prefix + R"("key": "m", "value": {"v": 1}, "timestamp": 1})"),
              400, "INVALID_PARAMETER_VALUE");
  ExpectError(Post("runs/log-metric", prefix + R"("key": "m", "value": NaN, "timestamp": 1})"), 400,
              "INVALID_PARAMETER_VALUE");
  ExpectError(Post("runs/log-metric", prefix + R"("key": "m", "value": 4.0,
                                               "timestamp": 1700000000000.5})"),
              400, "INVALID_PARAMETER_VALUE");
  ExpectError(Post("runs/log-metric", prefix + R"("key": "m", "value": 1, "timestamp": 1,
                                               "step": "first"})"),
              400, "INVALID_PARAMETER_VALUE");
  ExpectError(Post("runs/log-metric", prefix + R"("key": "bad key!", "value": 1, "timestamp": 1})"),
              400, "INVALID_PARAMETER_VALUE",
              "Invalid value \"bad key!\" for parameter 'name' supplied: Names may only contain "
              "alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and "
              "slashes (/).");
  ExpectError(Post("runs/log-metric", R"({"run_id": "deadbeef", "key": "m", "value": 1,
                                          "timestamp": 1})"),
              404, "RESOURCE_DOES_NOT_EXIST");
  EXPECT_EQ(Get("metrics/get-history?run_id=" + run + "&metric_key=m").text, "{}");
}

TEST_P(HandlersTest, LogBatchLimitsAndValidation) {
  std::string run = CreateRun(CreateExperiment("batch"));
  EXPECT_EQ(Post("runs/log-batch", Batch(run, 1000, 0)).status, 200);
  ExpectError(Post("runs/log-batch", Batch(run, 1001, 0)), 400, "INVALID_PARAMETER_VALUE",
              "A batch logging request can contain at most 1000 metrics. Got 1001 metrics. "
              "Please split up metrics across multiple requests and try again.");
  ExpectError(Post("runs/log-batch", Batch(run, 0, 101)), 400, "INVALID_PARAMETER_VALUE",
              "A batch logging request can contain at most 100 params. Got 101 params. Please "
              "split up params across multiple requests and try again.");
  ExpectError(Post("runs/log-batch", Batch(run, 1000, 1)), 400, "INVALID_PARAMETER_VALUE",
              "A batch logging request can contain at most 1000 metrics, params, and tags. Got "
              "1001 metrics, params, and tags. Please split up metrics, params, and tags across "
              "multiple requests and try again.");
  std::string prefix = R"({"run_id": ")" + run + R"(", )";
  ExpectError(Post("runs/log-batch", prefix + R"("params": [{"key": "d", "value": "a"},
                                                 {"key": "d", "value": "a"}]})"),
              400, "INVALID_PARAMETER_VALUE",
              "Duplicate parameter keys have been submitted: ['d']. Please ensure the request "
              "contains only one param value per param key.");
  ExpectError(Post("runs/log-batch", prefix + R"("metrics": [{"key": "m", "value": 1.0}]})"), 400,
              "INVALID_PARAMETER_VALUE",
              std::string("Missing value for required parameter 'metrics[0].timestamp'.") + kHint);
  ExpectError(Post("runs/log-batch", prefix + R"("params": [{"value": "v"}]})"), 400,
              "INVALID_PARAMETER_VALUE",
              std::string("Missing value for required parameter 'params[0].key'.") + kHint);
  ExpectError(Post("runs/log-batch", prefix + R"("metrics": {"key": "m"}})"), 400,
              "INVALID_PARAMETER_VALUE");
  ExpectError(Post("runs/log-batch", prefix + R"("metrics": [{"key": ")" + std::string(251, 'm') +
                                         R"(", "value": 1, "timestamp": 1}]})"),
              400, "INVALID_PARAMETER_VALUE",
              "Metric name '" + std::string(250, 'm') +
                  "' had length 251, which exceeded length limit of 250");
  EXPECT_EQ(Post("runs/log-batch", prefix + R"("params": [{"key": "pv"}]})").status, 200);
  ExpectError(Post("runs/log-batch", R"({"run_id": "deadbeef", "params": []})"), 404,
              "RESOURCE_DOES_NOT_EXIST");
  ExpectError(Post("runs/log-batch", R"({"run_id": )"), 400, "INVALID_PARAMETER_VALUE");
}

TEST_P(HandlersTest, LogBatchDoubleEncodedSizeLimit) {
  std::string run = CreateRun(CreateExperiment("batch-size"));
  std::string inner = R"({"run_id": ")" + run + R"(", "params": [)";
  for (int i = 0; i < 100; ++i) {
    inner += std::string(i ? "," : "") + R"({"key": "p)" + std::to_string(i) + R"(", "value": ")" +
             std::string(6000, 'x') + R"("})";
  }
  inner += R"(], "tags": [)";
  for (int i = 0; i < 100; ++i) {
    inner += std::string(i ? "," : "") + R"({"key": "t)" + std::to_string(i) + R"(", "value": ")" +
             std::string(8000, 'y') + R"("})";
  }
  inner += "]}";
  json::string encoded(inner);
  ExpectError(Post("runs/log-batch", json::serialize(encoded)), 400, "INVALID_PARAMETER_VALUE",
              "Batched logging API requests must be at most 1000000 bytes, got a request of size " +
                  std::to_string(inner.size()) + ".");
  EXPECT_EQ(Post("runs/log-batch", inner).status, 200);  // a plain 1.4 MB body is accepted
}

std::vector<int64_t> StepsOf(const Reply& reply, std::string_view run) {
  std::vector<int64_t> steps;
  for (const json::value& metric : reply.body.at("metrics").as_array()) {
    if (metric.at("run_id").as_string() == run) steps.push_back(metric.at("step").as_int64());
  }
  return steps;
}

TEST_P(HandlersTest, BulkIntervalSamplesLikeMlflow) {
  std::string exp = CreateExperiment("bulk");
  std::string run1 = CreateRun(exp);
  std::string run2 = CreateRun(exp);
  auto log_steps = [&](const std::string& run, int count) {
    std::string body = R"({"run_id": ")" + run + R"(", "metrics": [)";
    for (int step = 0; step < count; ++step) {
      body += (step ? "," : "") + MetricJson("loss", step, 1700000000000 + step, step);
    }
    ASSERT_EQ(Post("runs/log-batch", body + "]}").status, 200);
  };
  log_steps(run1, 10);
  log_steps(run2, 20);
  std::string base =
      "metrics/get-history-bulk-interval?run_ids=" + run1 + "&run_ids=" + run2 + "&metric_key=loss";
  Reply all = Get(base);
  ASSERT_EQ(all.status, 200) << all.text;
  EXPECT_EQ(StepsOf(all, run1).size(), 10u);
  EXPECT_EQ(StepsOf(all, run2).size(), 20u);
  Reply sampled = Get(base + "&max_results=5");
  EXPECT_EQ(StepsOf(sampled, run1), (std::vector<int64_t>{0, 4, 8, 9}));
  EXPECT_EQ(StepsOf(sampled, run2), (std::vector<int64_t>{0, 4, 8, 9, 12, 16, 19}));
  Reply window = Get(base + "&start_step=5&end_step=8");
  EXPECT_EQ(StepsOf(window, run1), (std::vector<int64_t>{5, 6, 7, 8}));
  ExpectError(Get(base + "&start_step=5"), 400, "INVALID_PARAMETER_VALUE",
              "If either start step or end step are specified, both must be specified.");
  ExpectError(Get(base + "&start_step=8&end_step=5"), 400, "INVALID_PARAMETER_VALUE",
              "end_step must be greater than start_step. Found start_step=8 and end_step=5.");
  ExpectError(Get(base + "&max_results=0"), 400, "INVALID_PARAMETER_VALUE",
              std::string("max_results must be between 1 and 2500.") + kHint);
  ExpectError(Get("metrics/get-history-bulk-interval?metric_key=loss"), 400,
              "INVALID_PARAMETER_VALUE",
              std::string("Missing value for required parameter 'run_ids'.") + kHint);
  std::string many = "metrics/get-history-bulk-interval?metric_key=loss";
  for (int i = 0; i < 101; ++i) many += "&run_ids=r" + std::to_string(i);
  ExpectError(Get(many), 400, "INVALID_PARAMETER_VALUE",
              std::string("GetMetricHistoryBulkInterval request must specify at most 100 "
                          "run_ids. Received 101 run_ids.") +
                  kHint);
  EXPECT_EQ(Get("metrics/get-history-bulk-interval?run_ids=deadbeef&metric_key=loss").text, "{}");

  Reply bulk = Call("GET",
                    "/ajax-api/2.0/mlflow/metrics/get-history-bulk?run_id=" + run2 +
                        "&metric_key=loss&max_results=4",
                    "", "");
  ASSERT_EQ(bulk.status, 200) << bulk.text;
  EXPECT_EQ(StepsOf(bulk, run2), (std::vector<int64_t>{0, 1, 2, 3}));
  ExpectError(Call("GET", "/ajax-api/2.0/mlflow/metrics/get-history-bulk?metric_key=loss", "", ""),
              400, "INVALID_PARAMETER_VALUE",
              "GetMetricHistoryBulk request must specify at least one run_id.");
}

TEST(SampleStepsTest, EmptyAndWindowed) {
  std::vector<std::vector<int64_t>> none;
  EXPECT_TRUE(SampleSteps(none, 0, 0, 10).empty());
  std::vector<std::vector<int64_t>> runs = {{-1, 0, 1, 2, 3}};
  EXPECT_EQ(SampleSteps(runs, 0, 3, 2), (std::vector<int64_t>{0, 2, 3}));
}

TEST_P(HandlersTest, LargeHistorySerialisesFast) {
  std::string run = CreateRun(CreateExperiment("big-history"));
  for (int chunk = 0; chunk < 100; ++chunk) {
    std::string body = R"({"run_id": ")" + run + R"(", "metrics": [)";
    for (int i = 0; i < 1000; ++i) {
      int64_t step = chunk * 1000 + i;
      body += (i ? "," : "") +
              MetricJson("loss", 0.001 * static_cast<double>(step), 1700000000000 + step, step);
    }
    ASSERT_EQ(Post("runs/log-batch", body + "]}").status, 200);
  }
  RequestParams params(json::object{{"run_id", run}, {"metric_key", "loss"}});
  auto store_start = std::chrono::steady_clock::now();
  ASSERT_TRUE(store_->GetMetricHistory(run, "loss").ok());
  auto store_millis = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - store_start)
                          .count();
  auto start = std::chrono::steady_clock::now();
  Result<std::string> body = GetMetricHistory(params, *services_);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - start)
                    .count();
  ASSERT_TRUE(body.ok());
  json::value parsed = json::parse(*body);
  EXPECT_EQ(parsed.at("metrics").as_array().size(), 100000u);
  EXPECT_EQ(parsed.at("metrics").at(99999).at("step").as_int64(), 99999);
  // Store read + serialisation; the budget is 150 ms in release builds, looser under ASan.
  EXPECT_LT(millis, 1500);
  std::printf("100k-point get-history handler: %lld ms (store alone %lld ms), %zu bytes\n",
              static_cast<long long>(millis), static_cast<long long>(store_millis), body->size());
}

}  // namespace
}  // namespace bucketflow::api

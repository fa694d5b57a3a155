// Logging to runs in the SQLite store: params, metrics (history and latest), batches, inputs.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "store/sqlite_store_test_util.h"

namespace bucketflow::store {
namespace {

const model::Metric* FindMetric(const std::vector<model::Metric>& metrics, std::string_view key) {
  for (const model::Metric& metric : metrics) {
    if (metric.key == key) {
      return &metric;
    }
  }
  return nullptr;
}

TEST_F(SqliteStoreTest, ParamsAreImmutable) {
  std::string run_id = MakeRun("0");
  const model::Param first[] = {{"lr", "0.001"}, {"bs", "32"}};
  ASSERT_TRUE(store_->LogBatch(run_id, {}, first, {}).ok());
  const model::Param same[] = {{"lr", "0.001"}};
  EXPECT_TRUE(store_->LogBatch(run_id, {}, same, {}).ok());
  const model::Param changed[] = {{"lr", "0.5"}};
  Status status = store_->LogBatch(run_id, {}, changed, {});
  EXPECT_EQ(status.code(), Code::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "Changing param values is not allowed. Params were already logged='[{'key': 'lr', "
            "'old_value': '0.001', 'new_value': '0.5'}]' for run ID='" +
                run_id + "'.");
  auto run = store_->GetRun(run_id);
  ASSERT_EQ(run->params.size(), 2u);
  EXPECT_EQ(run->params[0].key, "bs");
  EXPECT_EQ(run->params[1].value, "0.001");
}

TEST_F(SqliteStoreTest, DuplicateParamKeysInOneBatchAreRefused) {
  std::string run_id = MakeRun("0");
  const model::Param params[] = {{"dup", "1"}, {"x", "1"}, {"dup", "1"}};
  Status status = store_->LogBatch(run_id, {}, params, {});
  EXPECT_EQ(status.code(), Code::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "Duplicate parameter keys have been submitted: ['dup']. Please ensure the request "
            "contains only one param value per param key.");
  EXPECT_TRUE(store_->GetRun(run_id)->params.empty());
}

TEST_F(SqliteStoreTest, FailingBatchLeavesNothing) {
  std::string run_id = MakeRun("0");
  const model::Param lr[] = {{"lr", "1"}};
  ASSERT_TRUE(store_->LogBatch(run_id, {}, lr, {}).ok());
  const model::Metric metrics[] = {{.key = "loss", .value = 1, .timestamp = 1, .step = 0},
                                   {.key = "new_key", .value = 2, .timestamp = 1, .step = 0}};
  const model::Param params[] = {{"ok", "1"}, {"lr", "2"}};
  const model::Tag tags[] = {{"t", "v"}, {"mlflow.runName", "renamed"}};
  EXPECT_EQ(store_->LogBatch(run_id, metrics, params, tags).code(), Code::kInvalidArgument);

  auto run = store_->GetRun(run_id);
  EXPECT_EQ(run->params.size(), 1u);
  EXPECT_TRUE(run->metrics.empty());
  EXPECT_EQ(run->info.run_name, "run");
  EXPECT_TRUE(store_->GetMetricHistory(run_id, "loss")->empty());
  // The rolled-back batch interned "new_key"; a later batch must still be able to use it.
  const model::Metric again[] = {{.key = "new_key", .value = 3, .timestamp = 2, .step = 1}};
  ASSERT_TRUE(store_->LogBatch(run_id, again, {}, {}).ok());
  EXPECT_EQ(store_->GetMetricHistory(run_id, "new_key")->size(), 1u);
}

struct LatestCase {
  const char* name;
  std::vector<model::Metric> logged;  // in logging order, possibly across calls
  bool one_call_each;
  double value;
  int64_t timestamp;
  int64_t step;
};

TEST_F(SqliteStoreTest, LatestMetricIsMaxByStepTimestampValue) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<LatestCase> cases = {
      {"higher step wins", {{"m", 5, 10, 2}, {"m", 1, 1, 3}}, true, 1, 1, 3},
      {"lower step loses", {{"m", 5, 10, 3}, {"m", 1, 99, 2}}, true, 5, 10, 3},
      {"same step, later ts", {{"m", 5, 10, 3}, {"m", 1, 11, 3}}, false, 1, 11, 3},
      {"same step+ts, bigger value",
       {{"m", 1, 10, 3}, {"m", 4, 10, 3}, {"m", 2, 10, 3}},
       false,
       4,
       10,
       3},
      {"same step+ts, smaller value", {{"m", 4, 10, 3}, {"m", 1, 10, 3}}, true, 4, 10, 3},
      {"nan competes as zero", {{"m", -1, 10, 3}, {"m", nan, 10, 3}}, true, nan, 10, 3},
      {"positive beats nan", {{"m", nan, 10, 3}, {"m", 0.5, 10, 3}}, true, 0.5, 10, 3},
      {"infinity is clamped",
       {{"m", std::numeric_limits<double>::infinity(), 10, 3}},
       true,
       std::numeric_limits<double>::max(),
       10,
       3},
  };
  for (const LatestCase& test : cases) {
    SCOPED_TRACE(test.name);
    std::string run_id = MakeRun("0");
    if (test.one_call_each) {
      for (const model::Metric& metric : test.logged) {
        ASSERT_TRUE(store_->LogBatch(run_id, std::span(&metric, 1), {}, {}).ok());
      }
    } else {
      ASSERT_TRUE(store_->LogBatch(run_id, test.logged, {}, {}).ok());
    }
    auto run = store_->GetRun(run_id);
    ASSERT_EQ(run->metrics.size(), 1u);
    const model::Metric& latest = run->metrics[0];
    if (std::isnan(test.value)) {
      EXPECT_TRUE(std::isnan(latest.value));
    } else {
      EXPECT_EQ(latest.value, test.value);
    }
    EXPECT_EQ(latest.timestamp, test.timestamp);
    EXPECT_EQ(latest.step, test.step);
  }
}

TEST_F(SqliteStoreTest, MetricHistoryIsOrderedAndComplete) {
  std::string run_id = MakeRun("0");
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const model::Metric metrics[] = {
      {"loss", 3, 30, 2}, {"loss", 1, 10, 0},  {"loss", nan, 25, 1},
      {"loss", 2, 20, 1}, {"acc", 0.5, 10, 0},
  };
  ASSERT_TRUE(store_->LogBatch(run_id, metrics, {}, {}).ok());
  auto history = store_->GetMetricHistory(run_id, "loss");
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 4u);
  EXPECT_EQ((*history)[0].value, 1);
  EXPECT_EQ((*history)[1].timestamp, 20);
  EXPECT_TRUE(std::isnan((*history)[2].value));
  EXPECT_EQ((*history)[3].step, 2);
  EXPECT_EQ((*history)[3].key, "loss");

  EXPECT_TRUE(store_->GetMetricHistory(run_id, "unknown-key")->empty());
  auto unknown_run = store_->GetMetricHistory("deadbeefdeadbeefdeadbeefdeadbeef", "loss");
  ASSERT_TRUE(unknown_run.ok());
  EXPECT_TRUE(unknown_run->empty());

  auto run = store_->GetRun(run_id);
  ASSERT_EQ(run->metrics.size(), 2u);
  EXPECT_EQ(FindMetric(run->metrics, "loss")->value, 3);
  EXPECT_EQ(FindMetric(run->metrics, "acc")->value, 0.5);
}

TEST_F(SqliteStoreTest, LargeHistoryLoads) {
  std::string run_id = MakeRun("0");
  std::vector<model::Metric> batch(1000);
  for (int64_t call = 0; call < 20; ++call) {
    for (int64_t point = 0; point < 1000; ++point) {
      batch[static_cast<size_t>(point)] = {"m", static_cast<double>(point), point,
                                           call * 1000 + point};
    }
    ASSERT_TRUE(store_->LogBatch(run_id, batch, {}, {}).ok());
  }
  auto history = store_->GetMetricHistory(run_id, "m");
  ASSERT_EQ(history->size(), 20000u);
  for (size_t point = 1; point < history->size(); ++point) {
    ASSERT_LT((*history)[point - 1].step, (*history)[point].step);
  }
  EXPECT_EQ(store_->GetRun(run_id)->metrics[0].step, 19999);
}

TEST_F(SqliteStoreTest, LogInputsAndSearchDatasets) {
  std::string experiment = MakeExperiment("e");
  std::string run_a = MakeRun(experiment);
  std::string run_b = MakeRun(experiment);
  const model::DatasetInput training[] = {
      {.tags = {{"mlflow.data.context", "training"}},
       .dataset = {.name = "ds",
                   .digest = "d1",
                   .source_type = "local",
                   .source = "{}",
                   .schema = "{\"s\":1}"}},
      {.dataset = {.name = "bare", .digest = "d2", .source_type = "http", .source = "u"}},
  };
  ASSERT_TRUE(store_->LogInputs(run_a, training).ok());
  ASSERT_TRUE(store_->LogInputs(run_a, training).ok());  // again: no duplicates
  const model::DatasetInput eval[] = {
      {.tags = {{"mlflow.data.context", "eval"}}, .dataset = {.name = "ds", .digest = "d1"}}};
  ASSERT_TRUE(store_->LogInputs(run_b, eval).ok());

  auto run = store_->GetRun(run_a);
  ASSERT_EQ(run->inputs.size(), 2u);
  EXPECT_EQ(run->inputs[0].dataset.name, "ds");
  EXPECT_EQ(run->inputs[0].dataset.schema, "{\"s\":1}");
  ASSERT_EQ(run->inputs[0].tags.size(), 1u);
  EXPECT_EQ(run->inputs[0].tags[0].value, "training");
  EXPECT_TRUE(run->inputs[1].tags.empty());
  EXPECT_EQ(run->inputs[1].dataset.profile, "");
  // The dataset is shared: run_b sees the description run_a logged first.
  EXPECT_EQ(store_->GetRun(run_b)->inputs[0].dataset.source_type, "local");

  const std::string ids[] = {experiment, "0", "nonsense"};
  auto summaries = store_->SearchDatasets(ids);
  ASSERT_TRUE(summaries.ok()) << summaries.status().ToString();
  ASSERT_EQ(summaries->size(), 3u);
  EXPECT_EQ((*summaries)[0].name, "bare");
  EXPECT_EQ((*summaries)[0].context, "");
  EXPECT_EQ((*summaries)[1].context, "eval");
  EXPECT_EQ((*summaries)[2].context, "training");
  EXPECT_EQ((*summaries)[2].experiment_id, experiment);

  std::vector<std::string> too_many(21, "1");
  auto refused = store_->SearchDatasets(too_many);
  EXPECT_EQ(refused.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(refused.status().message(),
            "SearchDatasets request cannot specify more than 20 experiment_ids. Received 21 "
            "experiment_ids.");
}

}  // namespace
}  // namespace bucketflow::store

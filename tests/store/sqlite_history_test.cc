// Metric history across its two tables: points staged in metrics_pending (batches over many
// keys) and points in metrics (moved there in bulk, or written directly).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "store/sqlite/database.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite_store_test_util.h"

namespace bucketflow::store {
namespace {

using SqliteHistoryTest = SqliteStoreTest;

int64_t CountRows(const std::string& path, const std::string& table) {
  auto db = Database::Open(path, false);
  EXPECT_TRUE(db.ok());
  auto stmt = (*db)->Prepare("SELECT count(*) FROM " + table);
  EXPECT_TRUE(stmt.ok());
  EXPECT_TRUE(*stmt->Step());
  return stmt->ColumnInt(0);
}

// One point per key per call, the mlflow.log_metrics() shape: staged, then moved once more than
// the move threshold (32768 points) has gathered.
std::vector<model::Metric> OneStepOfKeys(int keys, int64_t step) {
  std::vector<model::Metric> batch;
  for (int key_idx = 0; key_idx < keys; ++key_idx) {
    batch.push_back({"k" + std::to_string(key_idx), static_cast<double>(step * 10 + key_idx),
                     1000 + step, step});
  }
  return batch;
}

TEST_F(SqliteHistoryTest, ManyKeyBatchesReadBackBeforeAndAfterTheMove) {
  std::string run_id = MakeRun("0");
  std::string other = MakeRun("0", "other");
  constexpr int kCalls = 34;
  for (int64_t call = 0; call < kCalls; ++call) {
    ASSERT_TRUE(store_->LogBatch(run_id, OneStepOfKeys(1000, call), {}, {}).ok());
  }
  ASSERT_TRUE(store_->LogBatch(other, OneStepOfKeys(3, 99), {}, {}).ok());
  // The 33rd call crossed 32768 staged points and moved them; the rest are still staged.
  EXPECT_EQ(CountRows(sqlite_.path, "metrics"), 33003);
  // (The 3-key batch of `other` is too narrow to stage: it went straight into metrics.)
  EXPECT_EQ(CountRows(sqlite_.path, "metrics_pending"), 1000);
  auto history = store_->GetMetricHistory(run_id, "k7");
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), static_cast<size_t>(kCalls));
  for (int64_t step = 0; step < kCalls; ++step) {
    const model::Metric& point = (*history)[static_cast<size_t>(step)];
    EXPECT_EQ(point.step, step);
    EXPECT_EQ(point.value, static_cast<double>(step * 10 + 7));
    EXPECT_EQ(point.key, "k7");
  }
  EXPECT_EQ(store_->GetMetricHistory(other, "k2")->size(), 1u);
  EXPECT_TRUE(store_->GetMetricHistory(other, "k7")->empty());
  auto run = store_->GetRun(run_id);
  ASSERT_EQ(run->metrics.size(), 1000u);
  EXPECT_EQ(run->metrics[0].step, kCalls - 1);
}

// Past 32768 staged points the move happens inside the write that crosses the mark.
TEST_F(SqliteHistoryTest, HugeBatchMovesItsPointsInline) {
  std::string run_id = MakeRun("0");
  ASSERT_TRUE(store_->LogBatch(run_id, OneStepOfKeys(33000, 4), {}, {}).ok());
  EXPECT_EQ(CountRows(sqlite_.path, "metrics"), 33000);
  EXPECT_EQ(CountRows(sqlite_.path, "metrics_pending"), 0);
  auto history = store_->GetMetricHistory(run_id, "k32999");
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].value, 4 * 10 + 32999);
}

TEST_F(SqliteHistoryTest, StagedAndDirectPointsMergeInOrder) {
  std::string run_id = MakeRun("0");
  std::vector<model::Metric> dense;  // enough points of one key to go straight to metrics
  for (int64_t step = 0; step < 20; ++step) {
    dense.push_back({"m", static_cast<double>(step), 100, step});
  }
  dense[3].value = std::numeric_limits<double>::quiet_NaN();
  ASSERT_TRUE(store_->LogBatch(run_id, dense, {}, {}).ok());
  EXPECT_EQ(CountRows(sqlite_.path, "metrics_pending"), 0);
  // Staged: an earlier timestamp at step 5, then two exact ties that must keep arrival order.
  std::vector<model::Metric> sparse = OneStepOfKeys(16, 0);  // wide enough to be staged
  sparse.insert(sparse.end(), {{"m", -5, 50, 5}, {"m", -1, 100, 19}, {"m", -2, 100, 19}});
  ASSERT_TRUE(store_->LogBatch(run_id, sparse, {}, {}).ok());
  EXPECT_EQ(CountRows(sqlite_.path, "metrics_pending"), 19);
  auto history = store_->GetMetricHistory(run_id, "m");
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 23u);
  EXPECT_TRUE(std::isnan((*history)[3].value));
  EXPECT_EQ((*history)[5].value, -5);
  EXPECT_EQ((*history)[6].value, 5);
  EXPECT_EQ((*history)[20].value, 19);  // moved/direct points first on an exact tie
  EXPECT_EQ((*history)[21].value, -1);
  EXPECT_EQ((*history)[22].value, -2);
}

TEST_F(SqliteHistoryTest, RolledBackBatchLeavesNoStagedPoints) {
  std::string run_id = MakeRun("0");
  const model::Param fixed{"p", "a"};
  ASSERT_TRUE(store_->LogBatch(run_id, OneStepOfKeys(20, 0), std::span(&fixed, 1), {}).ok());
  const model::Param changed{"p", "b"};
  EXPECT_FALSE(store_->LogBatch(run_id, OneStepOfKeys(20, 1), std::span(&changed, 1), {}).ok());
  ASSERT_TRUE(store_->LogBatch(run_id, OneStepOfKeys(20, 2), {}, {}).ok());
  EXPECT_EQ(CountRows(sqlite_.path, "metrics_pending"), 40);
  auto history = store_->GetMetricHistory(run_id, "k1");
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[1].step, 2);
}

// A database written by schema version 1 (no metrics_pending) upgrades in place and keeps its
// history.
TEST_F(SqliteHistoryTest, VersionOneDatabaseUpgrades) {
  store_.reset();
  std::filesystem::remove(sqlite_.path);
  WriteDatabaseAtVersion(sqlite_.path, 1);
  const std::string run_id = "0123456789abcdef0123456789abcdef";
  {
    auto db = Database::Open(sqlite_.path, false);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)
                    ->Exec("INSERT INTO runs (run_id, run_uuid, experiment_id, name, user_id, "
                           "status, start_time, artifact_uri) VALUES (1, '" +
                           run_id +
                           "', 0, 'r', 'alice', 'RUNNING', 5, 'x');"
                           "INSERT INTO metric_keys (key_id, key) VALUES (1, 'm');"
                           "WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s "
                           "WHERE n < 19) INSERT INTO metrics (run_id, key_id, step, timestamp, "
                           "value) SELECT 1, 1, n, 100, n FROM s;"
                           "INSERT INTO latest_metrics (run_id, key_id, step, timestamp, value) "
                           "VALUES (1, 1, 19, 100, 19)")
                    .ok());
  }
  Reopen();
  auto version = UpgradeSqliteDatabase(sqlite_, config_, clock_);
  ASSERT_TRUE(version.ok()) << version.status().ToString();
  EXPECT_EQ(*version, LatestSchemaVersion());
  const model::Metric later{"m", 20, 100, 20};
  ASSERT_TRUE(store_->LogBatch(run_id, std::span(&later, 1), {}, {}).ok());
  EXPECT_EQ(CountRows(sqlite_.path, "metrics_pending"), 0);  // one key: written directly
  auto history = store_->GetMetricHistory(run_id, "m");
  ASSERT_EQ(history->size(), 21u);
  EXPECT_EQ(history->back().value, 20);
}

}  // namespace
}  // namespace bucketflow::store

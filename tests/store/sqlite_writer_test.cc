// The group-committing writer, directly and through the store under concurrency.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "store/sqlite/database.h"
#include "store/sqlite/writer.h"
#include "store/sqlite_store_test_util.h"

namespace bucketflow::store {
namespace {

class WriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Database::Open(dir_.path() + "/w.db", true);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ASSERT_TRUE((*db)->Exec("CREATE TABLE t (v INTEGER PRIMARY KEY)").ok());
    writer_ = std::make_unique<Writer>(std::move(db).value(), 256, [this] { ++rollbacks_; });
  }

  Status Insert(int64_t value) {
    return writer_->Submit([value](Database& db) -> Status {
      ASSIGN_OR_RETURN(auto stmt, db.Cached("INSERT INTO t (v) VALUES (?)"));
      return stmt->Bind(1, value).Run();
    });
  }

  int64_t Count() {
    int64_t count = -1;
    Status status = writer_->Submit([&count](Database& db) -> Status {
      ASSIGN_OR_RETURN(auto stmt, db.Cached("SELECT count(*) FROM t"));
      ASSIGN_OR_RETURN(bool row, stmt->Step());
      count = row ? stmt->ColumnInt(0) : -1;
      return Status::Ok();
    });
    EXPECT_TRUE(status.ok());
    return count;
  }

  TempDir dir_;
  std::atomic<int> rollbacks_{0};
  std::unique_ptr<Writer> writer_;
};

TEST_F(WriterTest, SingleWriteFailureRollsBackOnlyItself) {
  EXPECT_TRUE(Insert(1).ok());
  EXPECT_EQ(Insert(1).code(), Code::kAlreadyExists);  // primary key violation
  EXPECT_EQ(rollbacks_.load(), 1);
  EXPECT_EQ(Count(), 1);
}

// Holds the writer busy until `waiting` writes are queued behind it, so they form one group.
TEST_F(WriterTest, QueuedWritesCommitAsOneGroupAndFailuresStayIsolated) {
  constexpr int kWrites = 16;
  std::atomic<bool> blocker_running{false};
  std::thread blocker([&] {
    Status status = writer_->Submit([&](Database&) -> Status {
      blocker_running = true;
      while (writer_->QueuedForTest() < kWrites) {
        std::this_thread::yield();
      }
      return Status::Ok();
    });
    EXPECT_TRUE(status.ok());
  });
  while (!blocker_running) {
    std::this_thread::yield();
  }
  const uint64_t commits_before = writer_->CommitsForTest();
  std::vector<std::thread> threads;
  std::vector<Status> results(kWrites);
  for (int write_idx = 0; write_idx < kWrites; ++write_idx) {
    threads.emplace_back([&, write_idx] {
      // Every fourth write repeats value 100 + 0, so three of them fail inside the group.
      int64_t value = write_idx % 4 == 0 ? 100 : 200 + write_idx;
      results[static_cast<size_t>(write_idx)] = Insert(value);
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  blocker.join();
  // The blocker's own transaction, then one transaction for all sixteen writes.
  EXPECT_EQ(writer_->CommitsForTest() - commits_before, 2u);
  int failures = 0;
  for (const Status& status : results) {
    failures += status.ok() ? 0 : 1;
  }
  EXPECT_EQ(failures, 3);
  EXPECT_EQ(Count(), kWrites - 3);
  EXPECT_EQ(rollbacks_.load(), 3);
}

TEST_F(SqliteStoreTest, ConcurrentWritersAreAllAcknowledgedAndVisible) {
  constexpr int kThreads = 8;
  constexpr int kCallsPerThread = 200;
  std::vector<std::string> runs;
  for (int thread_idx = 0; thread_idx < kThreads; ++thread_idx) {
    runs.push_back(MakeRun("0", "r" + std::to_string(thread_idx)));
  }
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int thread_idx = 0; thread_idx < kThreads; ++thread_idx) {
    threads.emplace_back([&, thread_idx] {
      const std::string& run_id = runs[static_cast<size_t>(thread_idx)];
      for (int call = 0; call < kCallsPerThread; ++call) {
        const model::Metric metric{"m", static_cast<double>(call), call, call};
        // Every 10th call also tries to change a param: that call must fail as a whole.
        const model::Param param{"p", call % 10 == 9 ? "changed" : "fixed"};
        Status status = store_->LogBatch(run_id, std::span(&metric, 1), std::span(&param, 1), {});
        if (status.ok() == (call % 10 == 9)) {
          ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(failures.load(), 0);
  for (const std::string& run_id : runs) {
    auto history = store_->GetMetricHistory(run_id, "m");
    ASSERT_TRUE(history.ok());
    EXPECT_EQ(history->size(), static_cast<size_t>(kCallsPerThread - kCallsPerThread / 10));
    for (const model::Metric& metric : *history) {
      EXPECT_NE(metric.step % 10, 9);
    }
    auto run = store_->GetRun(run_id);
    EXPECT_EQ(run->metrics[0].step, kCallsPerThread - 2);  // the last accepted point
    EXPECT_EQ(run->params[0].value, "fixed");
  }
}

}  // namespace
}  // namespace bucketflow::store

// Hand-run micro-measures of the store's hot paths; they print numbers and assert only
// correctness. Disabled by default; run them on a release build:
//   store_test --gtest_also_run_disabled_tests --gtest_filter='SqliteStorePerf*'
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <thread>
#include <vector>

#include "store/sqlite_store_test_util.h"

namespace bucketflow::store {
namespace {

using SqliteStorePerfTest = SqliteStoreTest;

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void MeasureLogBatch(Store& store, const std::string& run_id, size_t distinct_keys,
                     const char* label) {
  constexpr int kCalls = 300;
  constexpr size_t kPerCall = 1000;
  std::vector<std::string> keys;
  for (size_t key_idx = 0; key_idx < distinct_keys; ++key_idx) {
    keys.push_back("metric_" + std::to_string(key_idx));
  }
  std::vector<model::Metric> batch(kPerCall);
  auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();
  for (int call = 0; call < kCalls; ++call) {
    for (size_t point = 0; point < kPerCall; ++point) {
      int64_t step = call * static_cast<int64_t>(kPerCall / distinct_keys) +
                     static_cast<int64_t>(point / distinct_keys);
      batch[point] = {keys[point % distinct_keys], 0.5 * static_cast<double>(point), step, step};
    }
    ASSERT_TRUE(store.LogBatch(run_id, batch, {}, {}).ok());
  }
  double seconds = SecondsSince(start);
  // CPU time too: on a shared machine the wall clock mostly measures the neighbours.
  double cpu_seconds = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  std::printf("log-batch (%s): %.0f points/s wall, %.0f points/s of process CPU\n", label,
              kCalls * kPerCall / seconds, kCalls * kPerCall / cpu_seconds);
}

TEST_F(SqliteStorePerfTest, DISABLED_LogBatchThroughput) {
  MeasureLogBatch(*store_, MakeRun("0", "a"), 1000, "1000 keys x 1 step");
  MeasureLogBatch(*store_, MakeRun("0", "b"), 10, "10 keys x 100 steps");
  MeasureLogBatch(*store_, MakeRun("0", "c"), 1, "1 key x 1000 steps");
}

TEST_F(SqliteStorePerfTest, DISABLED_ConcurrentSingleMetricCalls) {
  constexpr int kThreads = 8;
  constexpr int kCalls = 3000;
  std::vector<std::string> runs;
  for (int thread_idx = 0; thread_idx < kThreads; ++thread_idx) {
    runs.push_back(MakeRun("0"));
  }
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int thread_idx = 0; thread_idx < kThreads; ++thread_idx) {
    threads.emplace_back([&, thread_idx] {
      for (int call = 0; call < kCalls; ++call) {
        const model::Metric metric{"loss", 1.0 / (call + 1), call, call};
        EXPECT_TRUE(
            store_->LogBatch(runs[static_cast<size_t>(thread_idx)], std::span(&metric, 1), {}, {})
                .ok());
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  double seconds = SecondsSince(start);
  std::printf("single log-metric, %d threads: %.0f calls/s\n", kThreads,
              kThreads * kCalls / seconds);
}

TEST_F(SqliteStorePerfTest, DISABLED_HistoryOf100kPoints) {
  std::string run_id = MakeRun("0");
  std::vector<model::Metric> batch(1000);
  for (int64_t call = 0; call < 100; ++call) {
    for (int64_t point = 0; point < 1000; ++point) {
      int64_t step = call * 1000 + point;
      batch[static_cast<size_t>(point)] = {"loss", static_cast<double>(step), step, step};
    }
    ASSERT_TRUE(store_->LogBatch(run_id, batch, {}, {}).ok());
  }
  auto start = std::chrono::steady_clock::now();
  auto history = store_->GetMetricHistory(run_id, "loss");
  double seconds = SecondsSince(start);
  ASSERT_EQ(history->size(), 100000u);
  std::printf("get-history, 100k points: %.1f ms\n", seconds * 1000);
}

}  // namespace
}  // namespace bucketflow::store

#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "core/clock.h"
#include "store/sqlite/sqlite_store.h"

namespace bucketflow::store {

// A settable clock: tests never read the wall clock.
class FakeClock final : public Clock {
 public:
  int64_t NowMillis() const override { return now_.load(); }
  void Set(int64_t now) { now_.store(now); }

 private:
  std::atomic<int64_t> now_{1700000000000};
};

// A fresh directory per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "bf_store_XXXXXX").string();
    path_ = mkdtemp(pattern.data()) != nullptr ? pattern : "";
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A store in its own temp dir, with a fake clock.
class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    sqlite_.path = dir_.path() + "/sub/dir/bucketflow.db";
    Reopen();
  }

  void Reopen() {
    store_.reset();
    auto opened = OpenSqliteStore(sqlite_, config_, clock_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
  }

  std::string MakeExperiment(const std::string& name) {
    auto id = store_->CreateExperiment({.name = name});
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : "";
  }

  std::string MakeRun(const std::string& experiment_id, const std::string& name = "run") {
    auto run = store_->CreateRun(
        {.experiment_id = experiment_id, .user_id = "alice", .run_name = name, .start_time = 5});
    EXPECT_TRUE(run.ok()) << run.status().ToString();
    return run.ok() ? run->info.run_id : "";
  }

  TempDir dir_;
  FakeClock clock_;
  SqliteConfig sqlite_;
  Config config_{.default_artifact_root = "mlflow-artifacts:"};
  std::unique_ptr<Store> store_;
};

}  // namespace bucketflow::store

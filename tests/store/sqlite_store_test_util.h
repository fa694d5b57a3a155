#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "core/clock.h"
#include "store/sqlite/database.h"
#include "store/sqlite/migrations_sql.h"
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

// Writes a database at the older schema `version` with the migrations of that time and the
// Default experiment they created, for upgrade tests. REQUIRES: the file does not exist yet.
inline void WriteDatabaseAtVersion(const std::string& path, int version) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  auto db = Database::Open(path, /*create=*/true);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  ASSERT_TRUE((*db)->Exec("CREATE TABLE schema_version (version INTEGER NOT NULL)").ok());
  for (int step = 0; step < version; ++step) {
    Status status = (*db)->Exec(kMigrations[static_cast<size_t>(step)]);
    ASSERT_TRUE(status.ok()) << status.ToString();
  }
  Status status = (*db)->Exec(
      "INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, "
      "creation_time, last_update_time) VALUES (0, 'Default', 'mlflow-artifacts:/0', 'active', "
      "1, 1); INSERT INTO schema_version (version) VALUES (" +
      std::to_string(version) + ")");
  ASSERT_TRUE(status.ok()) << status.ToString();
}

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

// The same over both interfaces of the SQLite backend.
class SqliteBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    sqlite_.path = dir_.path() + "/bucketflow.db";
    Reopen();
  }

  void Reopen() {
    backend_.reset();
    auto opened = OpenSqliteBackend(sqlite_, config_, clock_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    backend_ = std::move(opened).value();
  }

  Workspace MakeWorkspace(const std::string& name) {
    auto workspace = backend_->CreateWorkspace(name, "");
    EXPECT_TRUE(workspace.ok()) << workspace.status().ToString();
    return workspace.ok() ? *workspace : Workspace{};
  }

  std::string MakeExperiment(int64_t workspace_id, const std::string& name) {
    auto id = backend_->CreateExperiment({.workspace_id = workspace_id, .name = name});
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : "";
  }

  std::string MakeRun(const std::string& experiment_id) {
    auto run = backend_->CreateRun(
        {.experiment_id = experiment_id, .user_id = "alice", .run_name = "r", .start_time = 5});
    EXPECT_TRUE(run.ok()) << run.status().ToString();
    return run.ok() ? run->info.run_id : "";
  }

  TempDir dir_;
  FakeClock clock_;
  SqliteConfig sqlite_;
  Config config_{.default_artifact_root = "mlflow-artifacts:"};
  std::unique_ptr<SqliteBackend> backend_;
};

}  // namespace bucketflow::store

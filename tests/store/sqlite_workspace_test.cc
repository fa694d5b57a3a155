// Experiments in workspaces on the SQLite store: per-workspace names, search, ownership lookups,
// workspace deletion, and the upgrade of a schema-2 database.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/access_store.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite_store_test_util.h"

namespace bucketflow::store {
namespace {

using SqliteWorkspaceTest = SqliteBackendTest;

int64_t QueryInt(const std::string& path, const std::string& sql) {
  auto db = Database::Open(path, false);
  EXPECT_TRUE(db.ok());
  auto stmt = (*db)->Prepare(sql);
  EXPECT_TRUE(stmt.ok()) << sql;
  EXPECT_TRUE(*stmt->Step()) << sql;
  return stmt->ColumnInt(0);
}

TEST_F(SqliteWorkspaceTest, NamesAreUniquePerWorkspace) {
  Workspace team = MakeWorkspace("team-a");
  const std::string in_default = MakeExperiment(kDefaultWorkspaceId, "exp");
  const std::string in_team = MakeExperiment(team.id, "exp");
  EXPECT_NE(in_default, in_team);
  auto duplicate = backend_->CreateExperiment({.workspace_id = team.id, .name = "exp"});
  EXPECT_EQ(duplicate.status().code(), Code::kAlreadyExists);
  EXPECT_EQ(duplicate.status().message(), "Experiment(name=exp) already exists.");
  // The team's "Default" does not clash with the default workspace's.
  EXPECT_EQ(backend_->GetExperimentByNameIn(team.id, "Default")->experiment_id,
            team.default_experiment_id);

  EXPECT_EQ(backend_->GetExperimentByName("exp")->experiment_id, in_default);
  EXPECT_EQ(backend_->GetExperimentByNameIn(kDefaultWorkspaceId, "exp")->experiment_id, in_default);
  EXPECT_EQ(backend_->GetExperimentByNameIn(team.id, "exp")->experiment_id, in_team);
  auto missing = backend_->GetExperimentByNameIn(team.id, "other");
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  EXPECT_EQ(missing.status().message(), "Could not find experiment with name 'other'");

  MakeExperiment(team.id, "second");
  Status taken = backend_->RenameExperiment(in_team, "second");
  EXPECT_EQ(taken.code(), Code::kAlreadyExists);
  EXPECT_EQ(taken.message(), "Experiment(name=second) already exists.");
  EXPECT_TRUE(backend_->RenameExperiment(in_default, "second").ok());  // other workspace
}

TEST_F(SqliteWorkspaceTest, SearchExperimentsStaysInItsWorkspace) {
  Workspace team = MakeWorkspace("team-a");
  for (int i = 0; i < 5; ++i) {
    clock_.Set(1700000000001 + i);  // after the workspace's Default
    MakeExperiment(team.id, "t" + std::to_string(i));
    MakeExperiment(kDefaultWorkspaceId, "d" + std::to_string(i));
  }
  std::vector<std::string> names;
  std::string token;
  int pages = 0;
  do {
    auto page = backend_->SearchExperiments(
        {.workspace_id = team.id, .max_results = 2, .page_token = token});
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    for (const model::Experiment& experiment : page->experiments) {
      names.push_back(experiment.name);
    }
    token = page->next_page_token;
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(names, (std::vector<std::string>{"t4", "t3", "t2", "t1", "t0", "Default"}));
  auto in_default = backend_->SearchExperiments({.filter = "name LIKE 't%'"});
  ASSERT_TRUE(in_default.ok());
  EXPECT_TRUE(in_default->experiments.empty());
  EXPECT_EQ(backend_->SearchExperiments({})->experiments.size(), 6u);  // d0..d4 and Default
  EXPECT_TRUE(backend_->SearchExperiments({.workspace_id = 999})->experiments.empty());
}

TEST_F(SqliteWorkspaceTest, OwnershipLookups) {
  Workspace team = MakeWorkspace("team-a");
  const std::string experiment = MakeExperiment(team.id, "exp");
  const std::string run = MakeRun(experiment);
  const std::string default_run = MakeRun("0");
  EXPECT_EQ(*backend_->ExperimentWorkspace(experiment), team.id);
  EXPECT_EQ(*backend_->RunWorkspace(run), team.id);
  EXPECT_EQ(*backend_->RunWorkspace(default_run), kDefaultWorkspaceId);
  ASSERT_TRUE(backend_->DeleteExperiment(experiment).ok());
  EXPECT_EQ(*backend_->ExperimentWorkspace(experiment), team.id);  // deleted ones still answer
  EXPECT_EQ(*backend_->RunWorkspace(run), team.id);
  auto unknown = backend_->ExperimentWorkspace("12345");
  EXPECT_EQ(unknown.status().code(), Code::kNotFound);
  EXPECT_EQ(unknown.status().message(), "No Experiment with id=12345 exists");
  EXPECT_EQ(backend_->ExperimentWorkspace("abc").status().message(),
            "No Experiment with id=abc exists");
  auto unknown_run = backend_->RunWorkspace("feed");
  EXPECT_EQ(unknown_run.status().code(), Code::kNotFound);
  EXPECT_EQ(unknown_run.status().message(), "Run with id=feed not found");
}

TEST_F(SqliteWorkspaceTest, DeleteWorkspaceRemovesEverythingInIt) {
  Workspace team = MakeWorkspace("team-a");
  Workspace other = MakeWorkspace("team-b");
  auto bob = backend_->CreateUser({.name = "bob"});
  ASSERT_TRUE(bob.ok());
  ASSERT_TRUE(backend_->SetMembership(team.id, bob->id, Role::kEditor).ok());
  ASSERT_TRUE(backend_->SetMembership(other.id, bob->id, Role::kEditor).ok());
  ASSERT_TRUE(
      backend_->CreateToken({.user_id = bob->id, .workspace_id = team.id, .hash = "a"}).ok());
  ASSERT_TRUE(backend_->CreateToken({.user_id = bob->id, .hash = "b"}).ok());
  // The same content in the doomed workspace and in the default one, which must survive.
  std::vector<std::string> doomed_runs;
  for (const std::string& experiment :
       {MakeExperiment(team.id, "exp"), team.default_experiment_id, std::string("0")}) {
    ASSERT_TRUE(backend_->SetExperimentTag(experiment, {"k", "v"}).ok());
    const std::string run = MakeRun(experiment);
    if (experiment != "0") {
      doomed_runs.push_back(run);
    }
    std::vector<model::Metric> metrics;
    for (int key = 0; key < 50; ++key) {  // many keys: staged in metrics_pending
      metrics.push_back({"m" + std::to_string(key), 1.0, 10, 0});
    }
    const model::Metric single{"solo", 2.0, 10, 0};
    const model::Param param{"p", "1"};
    const model::Tag tag{"t", "x"};
    ASSERT_TRUE(backend_->LogBatch(run, metrics, std::span(&param, 1), std::span(&tag, 1)).ok());
    ASSERT_TRUE(backend_->LogBatch(run, std::span(&single, 1), {}, {}).ok());
    const model::DatasetInput input{
        .tags = {{"mlflow.data.context", "train"}},
        .dataset = {.name = "d", .digest = "1", .source_type = "local", .source = "s"}};
    ASSERT_TRUE(backend_->LogInputs(run, std::span(&input, 1)).ok());
  }
  const char* tables[] = {"experiments", "experiment_tags", "runs",     "params",     "tags",
                          "metrics",     "latest_metrics",  "datasets", "run_inputs", "input_tags"};
  std::vector<int64_t> before;
  for (const char* table : tables) {
    before.push_back(QueryInt(sqlite_.path, std::string("SELECT count(*) FROM ") + table));
  }
  ASSERT_GT(QueryInt(sqlite_.path, "SELECT count(*) FROM metrics_pending"), 0);

  ASSERT_TRUE(backend_->DeleteWorkspace(team.id).ok());
  EXPECT_EQ(backend_->GetWorkspace("team-a").status().code(), Code::kNotFound);
  // Per table: the default workspace's share (a third of the runs' rows, and team-b's Default
  // experiment besides) is all that is left.
  for (size_t table_idx = 0; table_idx < std::size(tables); ++table_idx) {
    const std::string table = tables[table_idx];
    const int64_t after = QueryInt(sqlite_.path, "SELECT count(*) FROM " + table);
    const int64_t expected = table == "experiments" ? 2 : before[table_idx] / 3;
    EXPECT_EQ(after, expected) << table;
  }
  EXPECT_EQ(QueryInt(sqlite_.path,
                     "SELECT count(*) FROM metrics_pending WHERE run_id NOT IN "
                     "(SELECT run_id FROM runs)"),
            0);
  EXPECT_EQ(backend_->ListUserMemberships(bob->id)->size(), 1u);
  EXPECT_EQ(backend_->ListTokens({})->size(), 1u);
  for (const std::string& run : doomed_runs) {
    EXPECT_EQ(backend_->GetRun(run).status().code(), Code::kNotFound);
    EXPECT_EQ(backend_->RunWorkspace(run).status().code(), Code::kNotFound);
  }
  EXPECT_EQ(backend_->GetExperiment(team.default_experiment_id).status().code(), Code::kNotFound);
  EXPECT_EQ(backend_->GetExperiment("0")->tags.size(), 1u);
  // The store keeps working after the pending rows it counted went away.
  const std::string run = MakeRun("0");
  std::vector<model::Metric> metrics;
  for (int key = 0; key < 50; ++key) {
    metrics.push_back({"m" + std::to_string(key), 3.0, 10, 1});
  }
  ASSERT_TRUE(backend_->LogBatch(run, metrics, {}, {}).ok());
  EXPECT_EQ(backend_->GetMetricHistory(run, "m7")->size(), 1u);
  EXPECT_TRUE(MakeWorkspace("team-a").id > other.id);  // the name is free again
}

// Ids are never handed out twice, even after a workspace took its experiments with it.
TEST_F(SqliteWorkspaceTest, ExperimentIdsAreNeverReused) {
  Workspace team = MakeWorkspace("team-a");
  const std::string last = MakeExperiment(team.id, "exp");
  ASSERT_TRUE(backend_->DeleteWorkspace(team.id).ok());
  Reopen();
  const std::string next = MakeExperiment(kDefaultWorkspaceId, "exp");
  EXPECT_GT(std::stoll(next), std::stoll(last));
  EXPECT_GT(MakeWorkspace("team-b").id, team.id);
}

// A database written before workspaces (schema 2) upgrades with every experiment, run and name
// intact, all in the default workspace, and new ids continue after the largest old one.
TEST_F(SqliteWorkspaceTest, SchemaTwoDatabaseUpgrades) {
  backend_.reset();
  std::filesystem::remove(sqlite_.path);
  WriteDatabaseAtVersion(sqlite_.path, 2);
  {
    auto db = Database::Open(sqlite_.path, false);
    ASSERT_TRUE(db.ok());
    Status status = (*db)->Exec(
        "INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, "
        "creation_time, last_update_time) VALUES (1, 'first', 'file:///a/1', 'active', 5, 6), "
        "(7, 'gone', 'mlflow-artifacts:/7', 'deleted', 7, 8);"
        "INSERT INTO experiment_tags VALUES (1, 'team', 'x');"
        "INSERT INTO runs (run_id, run_uuid, experiment_id, name, user_id, status, start_time, "
        "artifact_uri) VALUES (1, 'aaaa', 1, 'run-a', 'alice', 'FINISHED', 9, 'file:///a/1/aaaa'),"
        " (2, 'bbbb', 0, 'run-b', 'bob', 'RUNNING', 10, 'mlflow-artifacts:/0/bbbb');"
        "INSERT INTO params VALUES (1, 'lr', '0.1');"
        "INSERT INTO tags VALUES (1, 'mlflow.runName', 'run-a')");
    ASSERT_TRUE(status.ok()) << status.ToString();
  }
  Reopen();
  EXPECT_EQ(QueryInt(sqlite_.path, "SELECT max(version) FROM schema_version"),
            LatestSchemaVersion());
  EXPECT_EQ(QueryInt(sqlite_.path, "SELECT count(*) FROM experiments WHERE workspace_id != 1"), 0);
  auto first = backend_->GetExperimentByName("first");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->experiment_id, "1");
  EXPECT_EQ(first->artifact_location, "file:///a/1");
  EXPECT_EQ(first->creation_time, 5);
  ASSERT_EQ(first->tags.size(), 1u);
  EXPECT_EQ(backend_->GetExperiment("7")->lifecycle_stage, "deleted");
  EXPECT_EQ(backend_->GetExperiment("0")->name, "Default");
  auto run = backend_->GetRun("aaaa");
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->info.run_name, "run-a");
  EXPECT_EQ(run->info.experiment_id, "1");
  ASSERT_EQ(run->params.size(), 1u);
  EXPECT_EQ(run->params[0].value, "0.1");
  EXPECT_EQ(*backend_->RunWorkspace("bbbb"), kDefaultWorkspaceId);
  EXPECT_EQ(*backend_->ExperimentWorkspace("7"), kDefaultWorkspaceId);
  auto page = backend_->SearchRuns({.experiment_ids = {"0", "1"}});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->runs.size(), 2u);

  EXPECT_EQ(MakeExperiment(kDefaultWorkspaceId, "new"), "8");
  EXPECT_EQ(backend_->CreateExperiment({.name = "first"}).status().code(), Code::kAlreadyExists);
  auto workspace = backend_->GetWorkspace("default");
  ASSERT_TRUE(workspace.ok());
  EXPECT_EQ(workspace->default_experiment_id, "0");
  EXPECT_EQ(QueryInt(sqlite_.path, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
}

// The upgrade checks foreign keys only where the experiments rebuild could have broken them: a
// pre-existing orphan elsewhere (a param of a vanished run) does not block it, and the check
// does not scan the metrics tables.
TEST_F(SqliteWorkspaceTest, UpgradeChecksOnlyTheTablesOfTheRebuild) {
  backend_.reset();
  std::filesystem::remove(sqlite_.path);
  WriteDatabaseAtVersion(sqlite_.path, 2);
  {
    auto db = Database::Open(sqlite_.path, false);
    ASSERT_TRUE(db.ok());
    Status status =
        (*db)->Exec("PRAGMA foreign_keys=OFF; INSERT INTO params VALUES (99, 'orphan', '1')");
    ASSERT_TRUE(status.ok()) << status.ToString();
  }
  Reopen();
  EXPECT_EQ(QueryInt(sqlite_.path, "SELECT max(version) FROM schema_version"),
            LatestSchemaVersion());
}

TEST_F(SqliteWorkspaceTest, UpgradeRefusesARunOfAMissingExperiment) {
  backend_.reset();
  std::filesystem::remove(sqlite_.path);
  WriteDatabaseAtVersion(sqlite_.path, 2);
  {
    auto db = Database::Open(sqlite_.path, false);
    ASSERT_TRUE(db.ok());
    Status status = (*db)->Exec(
        "PRAGMA foreign_keys=OFF; INSERT INTO runs (run_id, run_uuid, experiment_id, name, "
        "user_id, status, start_time, artifact_uri) VALUES (1, 'aaaa', 42, 'r', 'u', 'RUNNING', "
        "1, 'x')");
    ASSERT_TRUE(status.ok()) << status.ToString();
  }
  auto opened = OpenSqliteBackend(sqlite_, config_, clock_);
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.status().message().find("foreign key violation in table runs"),
            std::string::npos)
      << opened.status().ToString();
  // Rolled back: still at version 2.
  EXPECT_EQ(QueryInt(sqlite_.path, "SELECT max(version) FROM schema_version"), 2);
}

}  // namespace
}  // namespace bucketflow::store

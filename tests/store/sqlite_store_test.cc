// Experiments, runs, lifecycle and migrations of the SQLite store.
#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>

#include "store/sqlite/database.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite_store_test_util.h"

namespace bucketflow::store {
namespace {

const model::Tag* FindTag(const std::vector<model::Tag>& tags, std::string_view key) {
  for (const model::Tag& tag : tags) {
    if (tag.key == key) {
      return &tag;
    }
  }
  return nullptr;
}

TEST_F(SqliteStoreTest, DefaultExperimentExistsFromTheStart) {
  auto experiment = store_->GetExperiment("0");
  ASSERT_TRUE(experiment.ok()) << experiment.status().ToString();
  EXPECT_EQ(experiment->name, "Default");
  EXPECT_EQ(experiment->artifact_location, "mlflow-artifacts:/0");
  EXPECT_EQ(experiment->lifecycle_stage, "active");
  EXPECT_EQ(experiment->creation_time, 1700000000000);
}

TEST_F(SqliteStoreTest, CreateExperimentAssignsSequentialIdsAndDefaultLocation) {
  EXPECT_EQ(MakeExperiment("a"), "1");
  auto id = store_->CreateExperiment(
      {.name = "b", .artifact_location = "s3://bucket/x", .tags = {{"team", "core"}, {"k", "v"}}});
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, "2");
  auto a = store_->GetExperiment("1");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->artifact_location, "mlflow-artifacts:/1");
  auto b = store_->GetExperimentByName("b");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->experiment_id, "2");
  EXPECT_EQ(b->artifact_location, "s3://bucket/x");
  ASSERT_EQ(b->tags.size(), 2u);
  EXPECT_EQ(b->tags[0].key, "k");  // sorted by key
  EXPECT_EQ(b->tags[1].value, "core");
}

TEST_F(SqliteStoreTest, ExperimentErrorsUseMlflowWording) {
  MakeExperiment("dup");
  auto duplicate = store_->CreateExperiment({.name = "dup"});
  EXPECT_EQ(duplicate.status().code(), Code::kAlreadyExists);
  EXPECT_EQ(duplicate.status().message(), "Experiment(name=dup) already exists.");

  for (const char* id : {"987654321", "abc", "", "-1", "1x"}) {
    auto missing = store_->GetExperiment(id);
    EXPECT_EQ(missing.status().code(), Code::kNotFound) << id;
    EXPECT_EQ(missing.status().message(), std::string("No Experiment with id=") + id + " exists");
  }
  auto by_name = store_->GetExperimentByName("nope");
  EXPECT_EQ(by_name.status().code(), Code::kNotFound);
  EXPECT_EQ(by_name.status().message(), "Could not find experiment with name 'nope'");
}

TEST_F(SqliteStoreTest, RenameExperiment) {
  std::string id = MakeExperiment("old");
  MakeExperiment("taken");
  clock_.Set(1700000009999);
  ASSERT_TRUE(store_->RenameExperiment(id, "new").ok());
  auto renamed = store_->GetExperiment(id);
  ASSERT_TRUE(renamed.ok());
  EXPECT_EQ(renamed->name, "new");
  EXPECT_EQ(renamed->last_update_time, 1700000009999);
  EXPECT_EQ(renamed->creation_time, 1700000000000);

  EXPECT_EQ(store_->RenameExperiment(id, "taken").code(), Code::kAlreadyExists);
  EXPECT_EQ(store_->RenameExperiment("42", "x").code(), Code::kNotFound);
  ASSERT_TRUE(store_->DeleteExperiment(id).ok());
  EXPECT_EQ(store_->RenameExperiment(id, "other").code(), Code::kInvalidArgument);
}

TEST_F(SqliteStoreTest, DeleteAndRestoreExperimentCascadeToRuns) {
  std::string id = MakeExperiment("e");
  std::string run_a = MakeRun(id);
  std::string run_b = MakeRun(id);
  clock_.Set(1700000000100);
  ASSERT_TRUE(store_->DeleteExperiment(id).ok());
  EXPECT_EQ(store_->GetExperiment(id)->lifecycle_stage, "deleted");
  EXPECT_EQ(store_->GetExperiment(id)->last_update_time, 1700000000100);
  EXPECT_EQ(store_->GetRun(run_a)->info.lifecycle_stage, "deleted");
  EXPECT_EQ(store_->GetRun(run_b)->info.lifecycle_stage, "deleted");
  // get-by-name also finds deleted experiments.
  EXPECT_EQ(store_->GetExperimentByName("e")->lifecycle_stage, "deleted");

  Status again = store_->DeleteExperiment(id);
  EXPECT_EQ(again.code(), Code::kNotFound);
  EXPECT_EQ(again.message(), "No Experiment with id=" + id + " exists");

  ASSERT_TRUE(store_->RestoreExperiment(id).ok());
  EXPECT_EQ(store_->GetExperiment(id)->lifecycle_stage, "active");
  EXPECT_EQ(store_->GetRun(run_a)->info.lifecycle_stage, "active");
  EXPECT_EQ(store_->RestoreExperiment(id).code(), Code::kNotFound);
  EXPECT_EQ(store_->DeleteExperiment("987").code(), Code::kNotFound);
  // The Default experiment can be deleted and restored too.
  EXPECT_TRUE(store_->DeleteExperiment("0").ok());
  EXPECT_TRUE(store_->RestoreExperiment("0").ok());
}

TEST_F(SqliteStoreTest, SetExperimentTag) {
  std::string id = MakeExperiment("e");
  clock_.Set(1700000000200);
  ASSERT_TRUE(store_->SetExperimentTag(id, {"k", "v1"}).ok());
  ASSERT_TRUE(store_->SetExperimentTag(id, {"k", "v2"}).ok());
  auto experiment = store_->GetExperiment(id);
  ASSERT_EQ(experiment->tags.size(), 1u);
  EXPECT_EQ(experiment->tags[0].value, "v2");
  EXPECT_EQ(experiment->last_update_time, 1700000000200);

  EXPECT_EQ(store_->SetExperimentTag("999", {"k", "v"}).code(), Code::kNotFound);
  ASSERT_TRUE(store_->DeleteExperiment(id).ok());
  Status deleted = store_->SetExperimentTag(id, {"k", "v"});
  EXPECT_EQ(deleted.code(), Code::kInvalidArgument);
  EXPECT_EQ(deleted.message(),
            "The experiment " + id + " must be in the 'active' state. Current state is deleted.");
}

TEST_F(SqliteStoreTest, CreateRunFillsInfoAndMirrorsRunName) {
  std::string experiment = MakeExperiment("e");
  auto run = store_->CreateRun({.experiment_id = experiment,
                                .user_id = "bob",
                                .run_name = "my-run",
                                .start_time = 1700000004000,
                                .tags = {{"source", "test"}}});
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  const model::RunInfo& info = run->info;
  ASSERT_EQ(info.run_id.size(), 32u);
  EXPECT_EQ(info.run_id.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(info.experiment_id, experiment);
  EXPECT_EQ(info.artifact_uri, "mlflow-artifacts:/1/" + info.run_id + "/artifacts");
  EXPECT_EQ(info.status, model::RunStatus::kRunning);
  EXPECT_EQ(info.start_time, 1700000004000);
  EXPECT_FALSE(info.end_time.has_value());
  EXPECT_EQ(info.user_id, "bob");
  ASSERT_NE(FindTag(run->tags, "mlflow.runName"), nullptr);
  EXPECT_EQ(FindTag(run->tags, "mlflow.runName")->value, "my-run");
  EXPECT_EQ(FindTag(run->tags, "source")->value, "test");

  auto fetched = store_->GetRun(info.run_id);
  ASSERT_TRUE(fetched.ok());
  EXPECT_EQ(fetched->info.run_name, "my-run");
  EXPECT_EQ(fetched->tags.size(), 2u);
}

TEST_F(SqliteStoreTest, CreateRunNameFromTagAndDisagreement) {
  std::string experiment = MakeExperiment("e");
  auto from_tag =
      store_->CreateRun({.experiment_id = experiment, .tags = {{"mlflow.runName", "tagged"}}});
  ASSERT_TRUE(from_tag.ok());
  EXPECT_EQ(from_tag->info.run_name, "tagged");

  auto disagree = store_->CreateRun(
      {.experiment_id = experiment, .run_name = "x", .tags = {{"mlflow.runName", "y"}}});
  EXPECT_EQ(disagree.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(disagree.status().message(),
            "Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different "
            "values (run_name='x', mlflow.runName='y').");
}

TEST_F(SqliteStoreTest, CreateRunInMissingOrDeletedExperiment) {
  auto missing = store_->CreateRun({.experiment_id = "987654321"});
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  EXPECT_EQ(missing.status().message(), "No Experiment with id=987654321 exists");
  std::string experiment = MakeExperiment("e");
  ASSERT_TRUE(store_->DeleteExperiment(experiment).ok());
  auto deleted = store_->CreateRun({.experiment_id = experiment});
  EXPECT_EQ(deleted.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(deleted.status().message(),
            "The experiment 1 must be in the 'active' state. Current state is deleted.");
}

TEST_F(SqliteStoreTest, UnknownRunIsNotFound) {
  const std::string id = "deadbeefdeadbeefdeadbeefdeadbeef";
  auto run = store_->GetRun(id);
  EXPECT_EQ(run.status().code(), Code::kNotFound);
  EXPECT_EQ(run.status().message(), "Run with id=" + id + " not found");
  EXPECT_EQ(store_->UpdateRun({.run_id = id}).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->DeleteRun(id).code(), Code::kNotFound);
  EXPECT_EQ(store_->RestoreRun(id).code(), Code::kNotFound);
  EXPECT_EQ(store_->DeleteTag(id, "k").code(), Code::kNotFound);
  EXPECT_EQ(store_->LogBatch(id, {}, {}, {}).code(), Code::kNotFound);
  EXPECT_EQ(store_->LogInputs(id, {}).code(), Code::kNotFound);
}

TEST_F(SqliteStoreTest, UpdateRunAppliesOnlyGivenFields) {
  std::string run_id = MakeRun("0", "first");
  auto updated =
      store_->UpdateRun({.run_id = run_id, .status = model::RunStatus::kFinished, .end_time = 99});
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(updated->status, model::RunStatus::kFinished);
  EXPECT_EQ(updated->end_time, 99);
  EXPECT_EQ(updated->run_name, "first");

  auto renamed = store_->UpdateRun({.run_id = run_id, .run_name = "second"});
  ASSERT_TRUE(renamed.ok());
  EXPECT_EQ(renamed->run_name, "second");
  EXPECT_EQ(renamed->status, model::RunStatus::kFinished);
  EXPECT_EQ(renamed->end_time, 99);
  EXPECT_EQ(FindTag(store_->GetRun(run_id)->tags, "mlflow.runName")->value, "second");
}

TEST_F(SqliteStoreTest, RunNameTagRenamesRun) {
  std::string run_id = MakeRun("0", "before");
  const model::Tag tags[] = {{"mlflow.runName", "after"}};
  ASSERT_TRUE(store_->LogBatch(run_id, {}, {}, tags).ok());
  EXPECT_EQ(store_->GetRun(run_id)->info.run_name, "after");
}

TEST_F(SqliteStoreTest, DeleteAndRestoreRunAreIdempotent) {
  std::string run_id = MakeRun("0");
  EXPECT_TRUE(store_->RestoreRun(run_id).ok());  // active already: 200 in MLflow
  EXPECT_TRUE(store_->DeleteRun(run_id).ok());
  EXPECT_TRUE(store_->DeleteRun(run_id).ok());
  EXPECT_EQ(store_->GetRun(run_id)->info.lifecycle_stage, "deleted");
  EXPECT_TRUE(store_->RestoreRun(run_id).ok());
  EXPECT_EQ(store_->GetRun(run_id)->info.lifecycle_stage, "active");
}

TEST_F(SqliteStoreTest, WritesToDeletedRunAreRefused) {
  std::string run_id = MakeRun("0");
  ASSERT_TRUE(store_->DeleteRun(run_id).ok());
  const std::string message =
      "The run " + run_id + " must be in the 'active' state. Current state is deleted.";
  const model::Metric metrics[] = {{.key = "m", .value = 1, .timestamp = 1, .step = 0}};
  const model::DatasetInput inputs[] = {{.dataset = {.name = "d", .digest = "x"}}};
  std::vector<Status> results = {
      store_->LogBatch(run_id, metrics, {}, {}),
      store_->DeleteTag(run_id, "mlflow.runName"),
      store_->LogInputs(run_id, inputs),
      store_->UpdateRun({.run_id = run_id, .end_time = 3}).status(),
  };
  for (const Status& status : results) {
    EXPECT_EQ(status.code(), Code::kInvalidArgument);
    EXPECT_EQ(status.message(), message);
  }
  EXPECT_TRUE(store_->GetMetricHistory(run_id, "m")->empty());
}

TEST_F(SqliteStoreTest, DeleteTag) {
  std::string run_id = MakeRun("0");
  const model::Tag tags[] = {{"a", "1"}, {"b", "2"}};
  ASSERT_TRUE(store_->LogBatch(run_id, {}, {}, tags).ok());
  ASSERT_TRUE(store_->DeleteTag(run_id, "a").ok());
  auto run = store_->GetRun(run_id);
  EXPECT_EQ(FindTag(run->tags, "a"), nullptr);
  EXPECT_NE(FindTag(run->tags, "b"), nullptr);
  Status missing = store_->DeleteTag(run_id, "never-set");
  EXPECT_EQ(missing.code(), Code::kNotFound);
  EXPECT_EQ(missing.message(), "No tag with name: never-set in run with id " + run_id);
}

TEST_F(SqliteStoreTest, ReopenKeepsDataAndDoesNotRecreateDefault) {
  std::string experiment = MakeExperiment("kept");
  std::string run_id = MakeRun(experiment);
  Reopen();
  Reopen();
  EXPECT_EQ(store_->GetExperiment(experiment)->name, "kept");
  EXPECT_TRUE(store_->GetRun(run_id).ok());
  EXPECT_EQ(MakeExperiment("next"), "2");
  auto version = UpgradeSqliteDatabase(sqlite_, config_, clock_);
  ASSERT_TRUE(version.ok()) << version.status().ToString();
  EXPECT_EQ(*version, LatestSchemaVersion());
}

TEST_F(SqliteStoreTest, NewerSchemaIsRefusedWithClearError) {
  store_.reset();
  {
    auto db = Database::Open(sqlite_.path, false);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("UPDATE schema_version SET version = 99").ok());
  }
  auto opened = OpenSqliteStore(sqlite_, config_, clock_);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(opened.status().message().find("schema version 99 is newer"), std::string::npos)
      << opened.status().message();
}

TEST_F(SqliteStoreTest, UnopenablePathIsAnError) {
  SqliteConfig bad{.path = ":memory:"};
  EXPECT_EQ(OpenSqliteStore(bad, config_, clock_).status().code(), Code::kInvalidArgument);
  SqliteConfig under_file{.path = sqlite_.path + "/nested.db"};  // parent is a file
  EXPECT_FALSE(OpenSqliteStore(under_file, config_, clock_).ok());
}

}  // namespace
}  // namespace bucketflow::store

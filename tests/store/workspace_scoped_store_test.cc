// WorkspaceScopedStore and OwnershipCache over the real SQLite store, with two workspaces.
#include "store/workspace_scoped_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <vector>

#include "store/sqlite_store_test_util.h"

namespace bucketflow::store {
namespace {

// Forwards to the backend, counting the ownership queries that reach it.
class CountingStore final : public Store {
 public:
  explicit CountingStore(Store& base) : base_(base) {}
  int lookups() const { return lookups_.load(); }

  Result<std::string> CreateExperiment(const NewExperiment& e) override {
    return base_.CreateExperiment(e);
  }
  Result<model::Experiment> GetExperiment(std::string_view id) override {
    return base_.GetExperiment(id);
  }
  Result<model::Experiment> GetExperimentByName(std::string_view n) override {
    return base_.GetExperimentByName(n);
  }
  Result<model::Experiment> GetExperimentByNameIn(int64_t ws, std::string_view n) override {
    return base_.GetExperimentByNameIn(ws, n);
  }
  Result<ExperimentPage> SearchExperiments(const ExperimentSearch& s) override {
    return base_.SearchExperiments(s);
  }
  Status RenameExperiment(std::string_view id, std::string_view n) override {
    return base_.RenameExperiment(id, n);
  }
  Status DeleteExperiment(std::string_view id) override { return base_.DeleteExperiment(id); }
  Status RestoreExperiment(std::string_view id) override { return base_.RestoreExperiment(id); }
  Status SetExperimentTag(std::string_view id, const model::Tag& t) override {
    return base_.SetExperimentTag(id, t);
  }
  Result<model::Run> CreateRun(const NewRun& r) override { return base_.CreateRun(r); }
  Result<model::Run> GetRun(std::string_view id) override { return base_.GetRun(id); }
  Result<model::RunInfo> UpdateRun(const RunUpdate& u) override { return base_.UpdateRun(u); }
  Status DeleteRun(std::string_view id) override { return base_.DeleteRun(id); }
  Status RestoreRun(std::string_view id) override { return base_.RestoreRun(id); }
  Status LogBatch(std::string_view id, std::span<const model::Metric> m,
                  std::span<const model::Param> p, std::span<const model::Tag> t) override {
    return base_.LogBatch(id, m, p, t);
  }
  Status DeleteTag(std::string_view id, std::string_view k) override {
    return base_.DeleteTag(id, k);
  }
  Status LogInputs(std::string_view id, std::span<const model::DatasetInput> i) override {
    return base_.LogInputs(id, i);
  }
  Result<std::vector<model::Metric>> GetMetricHistory(std::string_view id,
                                                      std::string_view k) override {
    return base_.GetMetricHistory(id, k);
  }
  Result<RunPage> SearchRuns(const RunSearch& s) override { return base_.SearchRuns(s); }
  Result<std::vector<model::DatasetSummary>> SearchDatasets(
      std::span<const std::string> ids) override {
    return base_.SearchDatasets(ids);
  }
  Result<int64_t> ExperimentWorkspace(std::string_view id) override {
    ++lookups_;
    return base_.ExperimentWorkspace(id);
  }
  Result<int64_t> RunWorkspace(std::string_view id) override {
    ++lookups_;
    return base_.RunWorkspace(id);
  }

 private:
  Store& base_;
  std::atomic<int> lookups_{0};
};

class WorkspaceScopedStoreTest : public SqliteBackendTest {
 protected:
  void SetUp() override {
    SqliteBackendTest::SetUp();
    team_ = MakeWorkspace("team-a");
    auto main = backend_->GetWorkspaceById(kDefaultWorkspaceId);
    ASSERT_TRUE(main.ok());
    main_ = *main;
    main_experiment_ = MakeExperiment(kDefaultWorkspaceId, "exp");
    main_run_ = MakeRun(main_experiment_);
    const model::Metric metric{"m", 1.0, 10, 0};
    const model::Tag tag{"t", "v"};
    ASSERT_TRUE(backend_->LogBatch(main_run_, std::span(&metric, 1), {}, std::span(&tag, 1)).ok());
    const model::DatasetInput input{.dataset = {.name = "d", .digest = "1", .source = "s"}};
    ASSERT_TRUE(backend_->LogInputs(main_run_, std::span(&input, 1)).ok());
  }

  WorkspaceScopedStore Scoped(const Workspace& workspace) {
    return WorkspaceScopedStore(*backend_, ownership_, workspace);
  }

  OwnershipCache ownership_;
  Workspace main_;
  Workspace team_;
  std::string main_experiment_;
  std::string main_run_;
};

TEST_F(WorkspaceScopedStoreTest, ZeroMeansTheWorkspaceDefault) {
  WorkspaceScopedStore team = Scoped(team_);
  WorkspaceScopedStore main = Scoped(main_);
  EXPECT_EQ(team.GetExperiment("0")->experiment_id, team_.default_experiment_id);
  EXPECT_EQ(main.GetExperiment("0")->experiment_id, "0");
  EXPECT_TRUE(team.OwnsExperiment("0"));
  EXPECT_TRUE(main.OwnsExperiment("0"));
  EXPECT_FALSE(team.OwnsExperiment(main_experiment_));
  auto run = team.CreateRun({.experiment_id = "0", .user_id = "u", .run_name = "r"});
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->info.experiment_id, team_.default_experiment_id);
  ASSERT_TRUE(team.SetExperimentTag("0", {"k", "v"}).ok());
  EXPECT_EQ(backend_->GetExperiment(team_.default_experiment_id)->tags.size(), 1u);
  EXPECT_TRUE(backend_->GetExperiment("0")->tags.empty());
  auto page = team.SearchRuns({.experiment_ids = {"0"}});
  ASSERT_EQ(page->runs.size(), 1u);
  EXPECT_EQ(page->runs[0].info.run_id, run->info.run_id);
  EXPECT_EQ(*team.ExperimentWorkspace("0"), team_.id);
  EXPECT_EQ(*main.ExperimentWorkspace("0"), kDefaultWorkspaceId);
}

TEST_F(WorkspaceScopedStoreTest, NamesAndSearchStayInTheWorkspace) {
  WorkspaceScopedStore team = Scoped(team_);
  auto created = team.CreateExperiment({.name = "exp"});  // "exp" exists in the default one
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(*backend_->ExperimentWorkspace(*created), team_.id);
  EXPECT_EQ(team.GetExperimentByName("exp")->experiment_id, *created);
  EXPECT_EQ(team.GetExperimentByNameIn(kDefaultWorkspaceId, "exp")->experiment_id, *created);
  EXPECT_EQ(Scoped(main_).GetExperimentByName("exp")->experiment_id, main_experiment_);
  auto page = team.SearchExperiments({.workspace_id = kDefaultWorkspaceId});
  ASSERT_TRUE(page.ok());
  std::vector<std::string> ids;
  for (const model::Experiment& experiment : page->experiments) {
    ids.push_back(experiment.experiment_id);
  }
  std::sort(ids.begin(), ids.end());
  std::vector<std::string> expected = {*created, team_.default_experiment_id};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(ids, expected);
}

// Every method, given the other workspace's experiment or run, answers as for an unknown id;
// and nothing in the other workspace changes.
TEST_F(WorkspaceScopedStoreTest, OtherWorkspaceIdsLookUnknown) {
  WorkspaceScopedStore team = Scoped(team_);
  const std::string no_experiment = "No Experiment with id=" + main_experiment_ + " exists";
  const std::string no_run = "Run with id=" + main_run_ + " not found";
  auto expect_no_experiment = [&](const Status& status) {
    EXPECT_EQ(status.code(), Code::kNotFound);
    EXPECT_EQ(status.message(), no_experiment);
  };
  auto expect_no_run = [&](const Status& status) {
    EXPECT_EQ(status.code(), Code::kNotFound);
    EXPECT_EQ(status.message(), no_run);
  };
  expect_no_experiment(team.GetExperiment(main_experiment_).status());
  expect_no_experiment(team.RenameExperiment(main_experiment_, "stolen"));
  expect_no_experiment(team.DeleteExperiment(main_experiment_));
  expect_no_experiment(team.RestoreExperiment(main_experiment_));
  expect_no_experiment(team.SetExperimentTag(main_experiment_, {"k", "v"}));
  expect_no_experiment(team.CreateRun({.experiment_id = main_experiment_}).status());
  expect_no_experiment(team.ExperimentWorkspace(main_experiment_).status());
  EXPECT_EQ(team.GetExperimentByName("exp").status().code(), Code::kNotFound);

  expect_no_run(team.GetRun(main_run_).status());
  expect_no_run(team.UpdateRun({.run_id = main_run_, .end_time = 99}).status());
  expect_no_run(team.DeleteRun(main_run_));
  expect_no_run(team.RestoreRun(main_run_));
  const model::Metric metric{"m", 5.0, 10, 1};
  expect_no_run(team.LogBatch(main_run_, std::span(&metric, 1), {}, {}));
  expect_no_run(team.DeleteTag(main_run_, "t"));
  const model::DatasetInput input{.dataset = {.name = "e", .digest = "2", .source = "s"}};
  expect_no_run(team.LogInputs(main_run_, std::span(&input, 1)));
  expect_no_run(team.RunWorkspace(main_run_).status());
  auto history = team.GetMetricHistory(main_run_, "m");
  ASSERT_TRUE(history.ok());
  EXPECT_TRUE(history->empty());
  auto runs = team.SearchRuns({.experiment_ids = {main_experiment_}});
  ASSERT_TRUE(runs.ok());
  EXPECT_TRUE(runs->runs.empty());
  EXPECT_EQ(runs->next_page_token, "");
  const std::vector<std::string> dataset_ids = {main_experiment_};
  auto datasets = team.SearchDatasets(dataset_ids);
  ASSERT_TRUE(datasets.ok());
  EXPECT_TRUE(datasets->empty());

  // Untouched, as seen from its own workspace.
  WorkspaceScopedStore main = Scoped(main_);
  auto experiment = main.GetExperiment(main_experiment_);
  EXPECT_EQ(experiment->name, "exp");
  EXPECT_EQ(experiment->lifecycle_stage, "active");
  EXPECT_TRUE(experiment->tags.empty());
  auto run = main.GetRun(main_run_);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->info.lifecycle_stage, "active");
  EXPECT_FALSE(run->info.end_time.has_value());
  EXPECT_EQ(run->tags.size(), 2u);  // t and mlflow.runName
  EXPECT_EQ(run->inputs.size(), 1u);
  EXPECT_EQ(main.GetMetricHistory(main_run_, "m")->size(), 1u);
  EXPECT_EQ(main.SearchDatasets(dataset_ids)->size(), 1u);
}

TEST_F(WorkspaceScopedStoreTest, MixedSearchKeepsOnlyOwnedIds) {
  WorkspaceScopedStore team = Scoped(team_);
  const std::string mine = *team.CreateExperiment({.name = "mine"});
  auto run = team.CreateRun({.experiment_id = mine, .user_id = "u", .run_name = "r"});
  ASSERT_TRUE(run.ok());
  auto page = team.SearchRuns({.experiment_ids = {main_experiment_, mine, "424242", "x"}});
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->runs.size(), 1u);
  EXPECT_EQ(page->runs[0].info.run_id, run->info.run_id);
  // Own ids behave as on the base store, errors included.
  EXPECT_EQ(team.SearchRuns({.experiment_ids = {mine}, .filter = "bogus ~ 1"}).status().code(),
            Code::kInvalidArgument);
  const std::vector<std::string> too_many(21, mine);
  EXPECT_EQ(team.SearchDatasets(too_many).status().code(), Code::kInvalidArgument);
  // Writes through the scoped store work on owned ids.
  const model::Metric metric{"m", 5.0, 10, 1};
  ASSERT_TRUE(team.LogBatch(run->info.run_id, std::span(&metric, 1), {}, {}).ok());
  EXPECT_EQ(team.GetMetricHistory(run->info.run_id, "m")->size(), 1u);
  ASSERT_TRUE(team.DeleteRun(run->info.run_id).ok());
  ASSERT_TRUE(team.RestoreRun(run->info.run_id).ok());
  ASSERT_TRUE(team.RenameExperiment(mine, "renamed").ok());
  EXPECT_EQ(team.GetExperiment(mine)->name, "renamed");
  // Unknown ids give the base store's answers.
  EXPECT_EQ(team.GetRun("nope").status().message(), "Run with id=nope not found");
  EXPECT_EQ(team.GetExperiment("424242").status().message(), "No Experiment with id=424242 exists");
}

TEST_F(WorkspaceScopedStoreTest, OwnershipIsCachedOnlyWhenFound) {
  CountingStore counting(*backend_);
  OwnershipCache cache;
  EXPECT_EQ(*cache.RunWorkspace(counting, main_run_), kDefaultWorkspaceId);
  EXPECT_EQ(*cache.RunWorkspace(counting, main_run_), kDefaultWorkspaceId);
  EXPECT_EQ(counting.lookups(), 1);
  // An id unknown now may exist later: misses are asked again.
  const std::string next = std::to_string(std::stoll(main_experiment_) + 1);
  EXPECT_EQ(cache.ExperimentWorkspace(counting, next).status().code(), Code::kNotFound);
  const std::string created = MakeExperiment(team_.id, "later");
  ASSERT_EQ(created, next);
  EXPECT_EQ(*cache.ExperimentWorkspace(counting, next), team_.id);
  EXPECT_EQ(*cache.ExperimentWorkspace(counting, next), team_.id);
  EXPECT_EQ(counting.lookups(), 3);

  OwnershipCache tiny(/*max_entries=*/1);
  EXPECT_TRUE(tiny.ExperimentWorkspace(counting, "0").ok());
  EXPECT_TRUE(tiny.ExperimentWorkspace(counting, next).ok());  // clears, then keeps this one
  EXPECT_TRUE(tiny.ExperimentWorkspace(counting, next).ok());
  EXPECT_EQ(counting.lookups(), 5);

  // The scoped store's checks go through the cache.
  WorkspaceScopedStore main(counting, cache, main_);
  const model::Metric metric{"m", 5.0, 10, 1};
  ASSERT_TRUE(main.LogBatch(main_run_, std::span(&metric, 1), {}, {}).ok());
  ASSERT_TRUE(main.LogBatch(main_run_, std::span(&metric, 1), {}, {}).ok());
  EXPECT_EQ(counting.lookups(), 5);
}

}  // namespace
}  // namespace bucketflow::store

// SearchRuns / SearchExperiments through the SQLite store: the compiled id query, paging and the
// set-based page load. The filter grammar itself is tested in search_*_test.cc.
#include <gtest/gtest.h>

#include <set>

#include "store/sqlite_store_test_util.h"

namespace bucketflow::store {
namespace {

class SqliteSearchTest : public SqliteStoreTest {
 protected:
  // Runs r0..r4 in experiment 1 with metric acc = 0.1 * i, param lr and a tag each.
  void SetUp() override {
    SqliteStoreTest::SetUp();
    experiment_ = MakeExperiment("search");
    for (int run_idx = 0; run_idx < 5; ++run_idx) {
      std::string run_id = MakeRun(experiment_, "r" + std::to_string(run_idx));
      const model::Metric metric{"acc", 0.1 * run_idx, 1, 0};
      const model::Param param{"lr", run_idx % 2 == 0 ? "0.01" : "0.1"};
      const model::Tag tag{"team", "t" + std::to_string(run_idx)};
      ASSERT_TRUE(
          store_->LogBatch(run_id, std::span(&metric, 1), std::span(&param, 1), std::span(&tag, 1))
              .ok());
      run_ids_.push_back(run_id);
    }
  }

  std::string experiment_;
  std::vector<std::string> run_ids_;
};

TEST_F(SqliteSearchTest, FilterAndOrderReturnFullRuns) {
  auto page = store_->SearchRuns({.experiment_ids = {experiment_},
                                  .filter = "metrics.acc > 0.15 and params.lr = '0.01'",
                                  .order_by = {"metrics.acc DESC"}});
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->runs.size(), 2u);
  EXPECT_EQ(page->runs[0].info.run_name, "r4");
  EXPECT_EQ(page->runs[1].info.run_name, "r2");
  EXPECT_EQ(page->next_page_token, "");
  const model::Run& run = page->runs[0];
  ASSERT_EQ(run.metrics.size(), 1u);
  EXPECT_DOUBLE_EQ(run.metrics[0].value, 0.4);
  ASSERT_EQ(run.params.size(), 1u);
  EXPECT_EQ(run.tags.size(), 2u);  // team + mlflow.runName
}

TEST_F(SqliteSearchTest, PagesCoverEveryRunOnce) {
  std::set<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    auto page = store_->SearchRuns({.experiment_ids = {experiment_},
                                    .order_by = {"attributes.run_name ASC"},
                                    .max_results = 2,
                                    .page_token = token});
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    for (const model::Run& run : page->runs) {
      EXPECT_TRUE(seen.insert(run.info.run_id).second);
    }
    token = page->next_page_token;
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen.size(), 5u);
}

TEST_F(SqliteSearchTest, DeletedRunsFollowViewType) {
  ASSERT_TRUE(store_->DeleteRun(run_ids_[0]).ok());
  auto active = store_->SearchRuns({.experiment_ids = {experiment_}});
  ASSERT_TRUE(active.ok());
  EXPECT_EQ(active->runs.size(), 4u);
  auto deleted = store_->SearchRuns(
      {.experiment_ids = {experiment_}, .view_type = model::ViewType::kDeletedOnly});
  ASSERT_TRUE(deleted.ok());
  ASSERT_EQ(deleted->runs.size(), 1u);
  EXPECT_EQ(deleted->runs[0].info.run_id, run_ids_[0]);
}

TEST_F(SqliteSearchTest, BadFilterIsInvalidArgument) {
  auto page = store_->SearchRuns({.experiment_ids = {experiment_}, .filter = "metrics.acc >"});
  EXPECT_EQ(page.status().code(), Code::kInvalidArgument);
  auto token = store_->SearchRuns({.experiment_ids = {experiment_}, .page_token = "garbage"});
  EXPECT_EQ(token.status().code(), Code::kInvalidArgument);
}

TEST_F(SqliteSearchTest, SearchExperimentsByNameAndLifecycle) {
  MakeExperiment("other");
  ASSERT_TRUE(store_->SetExperimentTag(experiment_, {"k", "v"}).ok());
  auto page = store_->SearchExperiments({.filter = "name LIKE 'sea%'"});
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->experiments.size(), 1u);
  EXPECT_EQ(page->experiments[0].experiment_id, experiment_);
  ASSERT_EQ(page->experiments[0].tags.size(), 1u);

  auto all = store_->SearchExperiments({.max_results = 2});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->experiments.size(), 2u);  // Default, search, other: a second page exists
  EXPECT_FALSE(all->next_page_token.empty());

  ASSERT_TRUE(store_->DeleteExperiment(experiment_).ok());
  auto deleted = store_->SearchExperiments({.view_type = model::ViewType::kDeletedOnly});
  ASSERT_TRUE(deleted.ok());
  ASSERT_EQ(deleted->experiments.size(), 1u);
  EXPECT_EQ(deleted->experiments[0].lifecycle_stage, "deleted");
}

}  // namespace
}  // namespace bucketflow::store

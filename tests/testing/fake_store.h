#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "store/store.h"

namespace bucketflow::testing {

// An in-memory Store with MLflow's semantics and messages, for API tests that must not depend
// on a database. Search ignores filters (a non-empty filter is kInvalidArgument) and pages by
// offset. Holds one workspace (store::kDefaultWorkspaceId): every experiment and run is in it,
// and other workspace ids name nothing. Safe for concurrent use.
class FakeStore final : public store::Store {
 public:
  FakeStore();

  Result<std::string> CreateExperiment(const store::NewExperiment& experiment) override;
  Result<model::Experiment> GetExperiment(std::string_view experiment_id) override;
  Result<model::Experiment> GetExperimentByName(std::string_view name) override;
  Result<model::Experiment> GetExperimentByNameIn(int64_t workspace_id,
                                                  std::string_view name) override;
  Result<store::ExperimentPage> SearchExperiments(const store::ExperimentSearch& search) override;
  Status RenameExperiment(std::string_view experiment_id, std::string_view new_name) override;
  Status DeleteExperiment(std::string_view experiment_id) override;
  Status RestoreExperiment(std::string_view experiment_id) override;
  Status SetExperimentTag(std::string_view experiment_id, const model::Tag& tag) override;
  Result<model::Run> CreateRun(const store::NewRun& run) override;
  Result<model::Run> GetRun(std::string_view run_id) override;
  Result<model::RunInfo> UpdateRun(const store::RunUpdate& update) override;
  Status DeleteRun(std::string_view run_id) override;
  Status RestoreRun(std::string_view run_id) override;
  Status LogBatch(std::string_view run_id, std::span<const model::Metric> metrics,
                  std::span<const model::Param> params, std::span<const model::Tag> tags) override;
  Status DeleteTag(std::string_view run_id, std::string_view key) override;
  Status LogInputs(std::string_view run_id, std::span<const model::DatasetInput> inputs) override;
  Result<std::vector<model::Metric>> GetMetricHistory(std::string_view run_id,
                                                      std::string_view key) override;
  Result<store::RunPage> SearchRuns(const store::RunSearch& search) override;
  Result<std::vector<model::DatasetSummary>> SearchDatasets(
      std::span<const std::string> experiment_ids) override;
  Result<int64_t> ExperimentWorkspace(std::string_view experiment_id) override;
  Result<int64_t> RunWorkspace(std::string_view run_id) override;

 private:
  struct StoredRun {
    model::Run run;
    std::map<std::string, std::vector<model::Metric>> history;
  };
  Result<model::Experiment*> FindExperiment(std::string_view id);
  Result<StoredRun*> FindRun(std::string_view id);
  Result<StoredRun*> FindActiveRun(std::string_view id);
  static void SetTag(std::vector<model::Tag>& tags, const model::Tag& tag);

  std::mutex mu_;
  std::map<std::string, model::Experiment, std::less<>> experiments_;
  std::map<std::string, StoredRun, std::less<>> runs_;
  int next_experiment_id_ = 1;
  int next_run_ = 1;
};

}  // namespace bucketflow::testing

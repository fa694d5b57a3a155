#pragma once

#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/access_store.h"
#include "store/store.h"

namespace bucketflow::store {

// Remembers which workspace each experiment and run belongs to, so that the ownership check on
// every request costs a hash lookup rather than a query. Only positive answers are kept (an id
// unknown now may be created later); the answers never go stale because ownership never
// changes and ids are never reused. Bounded: cleared when it grows past `max_entries`.
// Safe for concurrent use.
class OwnershipCache {
 public:
  explicit OwnershipCache(size_t max_entries = 1 << 20) : max_entries_(max_entries) {}

  Result<int64_t> ExperimentWorkspace(Store& store, std::string_view experiment_id);
  Result<int64_t> RunWorkspace(Store& store, std::string_view run_id);

 private:
  // Immutable after construction
  size_t max_entries_;

  std::mutex mu_;
  std::unordered_map<std::string, int64_t> experiments_;  // GUARDED_BY(mu_)
  std::unordered_map<std::string, int64_t> runs_;         // GUARDED_BY(mu_)
};

// The Store one request sees: `base` confined to one workspace. Ids of another workspace's
// experiments and runs answer exactly what an unknown id answers (kNotFound with the base
// store's message, an empty metric history, no search results); names are looked up and
// created in this workspace; the experiment id "0" (the client's Default experiment) means this
// workspace's Default experiment. Cheap to construct: one per request. Safe for concurrent use
// as far as `base` is.
class WorkspaceScopedStore final : public Store {
 public:
  // `base` and `ownership` must outlive this object.
  WorkspaceScopedStore(Store& base, OwnershipCache& ownership, const Workspace& workspace);

  Result<std::string> CreateExperiment(const NewExperiment& experiment) override;
  Result<model::Experiment> GetExperiment(std::string_view experiment_id) override;
  Result<model::Experiment> GetExperimentByName(std::string_view name) override;
  Result<model::Experiment> GetExperimentByNameIn(int64_t workspace_id,
                                                  std::string_view name) override;
  Result<ExperimentPage> SearchExperiments(const ExperimentSearch& search) override;
  Status RenameExperiment(std::string_view experiment_id, std::string_view new_name) override;
  Status DeleteExperiment(std::string_view experiment_id) override;
  Status RestoreExperiment(std::string_view experiment_id) override;
  Status SetExperimentTag(std::string_view experiment_id, const model::Tag& tag) override;

  Result<model::Run> CreateRun(const NewRun& run) override;
  Result<model::Run> GetRun(std::string_view run_id) override;
  Result<model::RunInfo> UpdateRun(const RunUpdate& update) override;
  Status DeleteRun(std::string_view run_id) override;
  Status RestoreRun(std::string_view run_id) override;
  Status LogBatch(std::string_view run_id, std::span<const model::Metric> metrics,
                  std::span<const model::Param> params, std::span<const model::Tag> tags) override;
  Status DeleteTag(std::string_view run_id, std::string_view key) override;
  Status LogInputs(std::string_view run_id, std::span<const model::DatasetInput> inputs) override;
  Result<std::vector<model::Metric>> GetMetricHistory(std::string_view run_id,
                                                      std::string_view key) override;
  Result<RunPage> SearchRuns(const RunSearch& search) override;
  Result<std::vector<model::DatasetSummary>> SearchDatasets(
      std::span<const std::string> experiment_ids) override;
  Result<int64_t> ExperimentWorkspace(std::string_view experiment_id) override;
  Result<int64_t> RunWorkspace(std::string_view run_id) override;

  // Whether the experiment (after the "0" alias) belongs to this workspace. Used by the
  // artifact routes, whose paths start with an experiment id.
  bool OwnsExperiment(std::string_view experiment_id);

 private:
  // The id the base store knows: "0" becomes this workspace's Default experiment.
  std::string_view ResolveExperimentId(std::string_view experiment_id) const;
  Status CheckExperiment(std::string_view experiment_id);  // kNotFound unless owned
  Status CheckRun(std::string_view run_id);                // kNotFound unless owned
  // The owned ids among `experiment_ids` (aliases resolved), in order.
  std::vector<std::string> OwnedExperiments(std::span<const std::string> experiment_ids);

  Store& base_;
  OwnershipCache& ownership_;
  int64_t workspace_id_;
  std::string default_experiment_id_;
};

}  // namespace bucketflow::store

#include "store/workspace_scoped_store.h"

#include <functional>
#include <mutex>
#include <string>
#include <utility>

namespace bucketflow::store {
namespace {

// MLflow's SearchDatasets cap: the request is refused by its size, before any id is looked at,
// exactly as the base store refuses it.
constexpr size_t kMaxDatasetExperiments = 20;

// The base store's (and MLflow's) answers for unknown ids: another workspace's ids must be
// indistinguishable from them.
Status ExperimentNotFound(std::string_view id) {
  return Status::NotFound("No Experiment with id=", id, " exists");
}

Status RunNotFound(std::string_view run_id) {
  return Status::NotFound("Run with id=", run_id, " not found");
}

Result<int64_t> Lookup(std::mutex& mu, std::unordered_map<std::string, int64_t>& cache,
                       size_t max_entries, std::string_view id,
                       const std::function<Result<int64_t>()>& query) {
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache.find(std::string(id));
    if (it != cache.end()) {
      return it->second;
    }
  }
  // The query runs unlocked: a slow database must not serialise every request's check.
  ASSIGN_OR_RETURN(int64_t workspace_id, query());
  std::lock_guard<std::mutex> lock(mu);
  if (cache.size() >= max_entries) {
    cache.clear();
  }
  cache.emplace(std::string(id), workspace_id);
  return workspace_id;
}

}  // namespace

Result<int64_t> OwnershipCache::ExperimentWorkspace(Store& store, std::string_view experiment_id) {
  return Lookup(mu_, experiments_, max_entries_, experiment_id,
                [&] { return store.ExperimentWorkspace(experiment_id); });
}

Result<int64_t> OwnershipCache::RunWorkspace(Store& store, std::string_view run_id) {
  return Lookup(mu_, runs_, max_entries_, run_id, [&] { return store.RunWorkspace(run_id); });
}

WorkspaceScopedStore::WorkspaceScopedStore(Store& base, OwnershipCache& ownership,
                                           const Workspace& workspace)
    : base_(base),
      ownership_(ownership),
      workspace_id_(workspace.id),
      default_experiment_id_(workspace.default_experiment_id) {}

std::string_view WorkspaceScopedStore::ResolveExperimentId(std::string_view experiment_id) const {
  // In the default workspace "0" is the Default experiment itself.
  if (experiment_id == "0" && workspace_id_ != kDefaultWorkspaceId &&
      !default_experiment_id_.empty()) {
    return default_experiment_id_;
  }
  return experiment_id;
}

Status WorkspaceScopedStore::CheckExperiment(std::string_view experiment_id) {
  Result<int64_t> owner = ownership_.ExperimentWorkspace(base_, ResolveExperimentId(experiment_id));
  if (!owner.ok()) {
    return owner.status().code() == Code::kNotFound ? ExperimentNotFound(experiment_id)
                                                    : owner.status();
  }
  return *owner == workspace_id_ ? Status::Ok() : ExperimentNotFound(experiment_id);
}

Status WorkspaceScopedStore::CheckRun(std::string_view run_id) {
  Result<int64_t> owner = ownership_.RunWorkspace(base_, run_id);
  if (!owner.ok()) {
    return owner.status().code() == Code::kNotFound ? RunNotFound(run_id) : owner.status();
  }
  return *owner == workspace_id_ ? Status::Ok() : RunNotFound(run_id);
}

std::vector<std::string> WorkspaceScopedStore::OwnedExperiments(
    std::span<const std::string> experiment_ids) {
  std::vector<std::string> owned;
  owned.reserve(experiment_ids.size());
  for (const std::string& id : experiment_ids) {
    if (CheckExperiment(id).ok()) {
      owned.emplace_back(ResolveExperimentId(id));
    }
  }
  return owned;
}

bool WorkspaceScopedStore::OwnsExperiment(std::string_view experiment_id) {
  return CheckExperiment(experiment_id).ok();
}

Result<std::string> WorkspaceScopedStore::CreateExperiment(const NewExperiment& experiment) {
  NewExperiment scoped = experiment;
  scoped.workspace_id = workspace_id_;
  return base_.CreateExperiment(scoped);
}

Result<model::Experiment> WorkspaceScopedStore::GetExperiment(std::string_view experiment_id) {
  RETURN_IF_ERROR(CheckExperiment(experiment_id));
  return base_.GetExperiment(ResolveExperimentId(experiment_id));
}

Result<model::Experiment> WorkspaceScopedStore::GetExperimentByName(std::string_view name) {
  return base_.GetExperimentByNameIn(workspace_id_, name);
}

// Confined: whatever workspace is asked for, names are looked up in this one.
Result<model::Experiment> WorkspaceScopedStore::GetExperimentByNameIn(int64_t /*workspace_id*/,
                                                                      std::string_view name) {
  return base_.GetExperimentByNameIn(workspace_id_, name);
}

Result<ExperimentPage> WorkspaceScopedStore::SearchExperiments(const ExperimentSearch& search) {
  ExperimentSearch scoped = search;
  scoped.workspace_id = workspace_id_;
  return base_.SearchExperiments(scoped);
}

Status WorkspaceScopedStore::RenameExperiment(std::string_view experiment_id,
                                              std::string_view new_name) {
  RETURN_IF_ERROR(CheckExperiment(experiment_id));
  return base_.RenameExperiment(ResolveExperimentId(experiment_id), new_name);
}

Status WorkspaceScopedStore::DeleteExperiment(std::string_view experiment_id) {
  RETURN_IF_ERROR(CheckExperiment(experiment_id));
  return base_.DeleteExperiment(ResolveExperimentId(experiment_id));
}

Status WorkspaceScopedStore::RestoreExperiment(std::string_view experiment_id) {
  RETURN_IF_ERROR(CheckExperiment(experiment_id));
  return base_.RestoreExperiment(ResolveExperimentId(experiment_id));
}

Status WorkspaceScopedStore::SetExperimentTag(std::string_view experiment_id,
                                              const model::Tag& tag) {
  RETURN_IF_ERROR(CheckExperiment(experiment_id));
  return base_.SetExperimentTag(ResolveExperimentId(experiment_id), tag);
}

Result<model::Run> WorkspaceScopedStore::CreateRun(const NewRun& run) {
  RETURN_IF_ERROR(CheckExperiment(run.experiment_id));
  NewRun scoped = run;
  scoped.experiment_id = std::string(ResolveExperimentId(run.experiment_id));
  return base_.CreateRun(scoped);
}

Result<model::Run> WorkspaceScopedStore::GetRun(std::string_view run_id) {
  RETURN_IF_ERROR(CheckRun(run_id));
  return base_.GetRun(run_id);
}

Result<model::RunInfo> WorkspaceScopedStore::UpdateRun(const RunUpdate& update) {
  RETURN_IF_ERROR(CheckRun(update.run_id));
  return base_.UpdateRun(update);
}

Status WorkspaceScopedStore::DeleteRun(std::string_view run_id) {
  RETURN_IF_ERROR(CheckRun(run_id));
  return base_.DeleteRun(run_id);
}

Status WorkspaceScopedStore::RestoreRun(std::string_view run_id) {
  RETURN_IF_ERROR(CheckRun(run_id));
  return base_.RestoreRun(run_id);
}

Status WorkspaceScopedStore::LogBatch(std::string_view run_id,
                                      std::span<const model::Metric> metrics,
                                      std::span<const model::Param> params,
                                      std::span<const model::Tag> tags) {
  RETURN_IF_ERROR(CheckRun(run_id));
  return base_.LogBatch(run_id, metrics, params, tags);
}

Status WorkspaceScopedStore::DeleteTag(std::string_view run_id, std::string_view key) {
  RETURN_IF_ERROR(CheckRun(run_id));
  return base_.DeleteTag(run_id, key);
}

Status WorkspaceScopedStore::LogInputs(std::string_view run_id,
                                       std::span<const model::DatasetInput> inputs) {
  RETURN_IF_ERROR(CheckRun(run_id));
  return base_.LogInputs(run_id, inputs);
}

// An unknown run has an empty history, so another workspace's run has one too.
Result<std::vector<model::Metric>> WorkspaceScopedStore::GetMetricHistory(std::string_view run_id,
                                                                          std::string_view key) {
  Status owned = CheckRun(run_id);
  if (owned.code() == Code::kNotFound) {
    return std::vector<model::Metric>{};
  }
  RETURN_IF_ERROR(owned);
  return base_.GetMetricHistory(run_id, key);
}

// Unknown experiment ids match no runs; so do other workspaces' ids, which are dropped here.
Result<RunPage> WorkspaceScopedStore::SearchRuns(const RunSearch& search) {
  RunSearch scoped = search;
  scoped.experiment_ids = OwnedExperiments(search.experiment_ids);
  if (scoped.experiment_ids.empty()) {
    return RunPage{};
  }
  return base_.SearchRuns(scoped);
}

Result<std::vector<model::DatasetSummary>> WorkspaceScopedStore::SearchDatasets(
    std::span<const std::string> experiment_ids) {
  if (experiment_ids.size() > kMaxDatasetExperiments) {
    return Status::InvalidArgument("SearchDatasets request cannot specify more than ",
                                   kMaxDatasetExperiments, " experiment_ids. Received ",
                                   experiment_ids.size(), " experiment_ids.");
  }
  std::vector<std::string> owned = OwnedExperiments(experiment_ids);
  if (owned.empty()) {
    return std::vector<model::DatasetSummary>{};
  }
  return base_.SearchDatasets(owned);
}

Result<int64_t> WorkspaceScopedStore::ExperimentWorkspace(std::string_view experiment_id) {
  RETURN_IF_ERROR(CheckExperiment(experiment_id));
  return workspace_id_;
}

Result<int64_t> WorkspaceScopedStore::RunWorkspace(std::string_view run_id) {
  RETURN_IF_ERROR(CheckRun(run_id));
  return workspace_id_;
}

}  // namespace bucketflow::store

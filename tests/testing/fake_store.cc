#include "testing/fake_store.h"

#include <algorithm>
#include <cstdio>
#include <tuple>

#include "store/access_store.h"

namespace bucketflow::testing {
namespace {

bool Matches(model::ViewType view, std::string_view lifecycle) {
  if (view == model::ViewType::kAll) return true;
  return (view == model::ViewType::kActiveOnly) == (lifecycle == model::kLifecycleActive);
}

}  // namespace

FakeStore::FakeStore() {
  model::Experiment default_experiment;
  default_experiment.experiment_id = "0";
  default_experiment.name = "Default";
  default_experiment.artifact_location = "mlflow-artifacts:/0";
  experiments_["0"] = default_experiment;
}

Result<model::Experiment*> FakeStore::FindExperiment(std::string_view id) {
  auto it = experiments_.find(id);
  if (it == experiments_.end()) return Status::NotFound("No Experiment with id=", id, " exists");
  return &it->second;
}

Result<FakeStore::StoredRun*> FakeStore::FindRun(std::string_view id) {
  auto it = runs_.find(id);
  if (it == runs_.end()) return Status::NotFound("Run with id=", id, " not found");
  return &it->second;
}

Result<FakeStore::StoredRun*> FakeStore::FindActiveRun(std::string_view id) {
  ASSIGN_OR_RETURN(StoredRun * run, FindRun(id));
  if (run->run.info.lifecycle_stage != model::kLifecycleActive) {
    return Status::InvalidArgument("The run ", id,
                                   " must be in the 'active' state. Current state is deleted.");
  }
  return run;
}

void FakeStore::SetTag(std::vector<model::Tag>& tags, const model::Tag& tag) {
  for (model::Tag& existing : tags) {
    if (existing.key == tag.key) {
      existing.value = tag.value;
      return;
    }
  }
  tags.push_back(tag);
}

Result<std::string> FakeStore::CreateExperiment(const store::NewExperiment& experiment) {
  std::lock_guard lock(mu_);
  if (experiment.workspace_id != store::kDefaultWorkspaceId) {
    return Status::NotFound("workspace with id ", experiment.workspace_id, " does not exist");
  }
  for (const auto& [id, existing] : experiments_) {
    if (existing.name == experiment.name) {
      return Status::AlreadyExists("Experiment(name=", experiment.name, ") already exists.");
    }
  }
  std::string id = std::to_string(next_experiment_id_++);
  model::Experiment& created = experiments_[id];
  created.experiment_id = id;
  created.name = experiment.name;
  created.artifact_location = experiment.artifact_location.empty() ? "mlflow-artifacts:/" + id
                                                                   : experiment.artifact_location;
  created.tags = experiment.tags;
  return id;
}

Result<model::Experiment> FakeStore::GetExperiment(std::string_view experiment_id) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(model::Experiment * experiment, FindExperiment(experiment_id));
  return *experiment;
}

Result<model::Experiment> FakeStore::GetExperimentByName(std::string_view name) {
  std::lock_guard lock(mu_);
  for (const auto& [id, experiment] : experiments_) {
    if (experiment.name == name) return experiment;
  }
  return Status::NotFound("Could not find experiment with name '", name, "'");
}

Result<model::Experiment> FakeStore::GetExperimentByNameIn(int64_t workspace_id,
                                                           std::string_view name) {
  if (workspace_id != store::kDefaultWorkspaceId) {
    return Status::NotFound("Could not find experiment with name '", name, "'");
  }
  return GetExperimentByName(name);
}

Result<int64_t> FakeStore::ExperimentWorkspace(std::string_view experiment_id) {
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(FindExperiment(experiment_id).status());
  return store::kDefaultWorkspaceId;
}

Result<int64_t> FakeStore::RunWorkspace(std::string_view run_id) {
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(FindRun(run_id).status());
  return store::kDefaultWorkspaceId;
}

Result<store::ExperimentPage> FakeStore::SearchExperiments(const store::ExperimentSearch& search) {
  std::lock_guard lock(mu_);
  if (!search.filter.empty()) return Status::InvalidArgument("FakeStore: filters unsupported");
  size_t offset = search.page_token.empty() ? 0 : std::stoul(search.page_token);
  store::ExperimentPage page;
  if (search.workspace_id != store::kDefaultWorkspaceId) return page;
  std::vector<model::Experiment> matching;
  for (const auto& [id, experiment] : experiments_) {
    if (Matches(search.view_type, experiment.lifecycle_stage)) matching.push_back(experiment);
  }
  for (size_t i = offset; i < matching.size(); ++i) {
    if (page.experiments.size() == static_cast<size_t>(search.max_results)) {
      page.next_page_token = std::to_string(i);
      break;
    }
    page.experiments.push_back(matching[i]);
  }
  return page;
}

Status FakeStore::RenameExperiment(std::string_view experiment_id, std::string_view new_name) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(model::Experiment * experiment, FindExperiment(experiment_id));
  for (const auto& [id, existing] : experiments_) {
    if (existing.name == new_name) {
      return Status::AlreadyExists("Experiment(name=", new_name, ") already exists.");
    }
  }
  experiment->name = std::string(new_name);
  return Status::Ok();
}

Status FakeStore::DeleteExperiment(std::string_view experiment_id) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(model::Experiment * experiment, FindExperiment(experiment_id));
  if (experiment->lifecycle_stage != model::kLifecycleActive) {
    return Status::NotFound("No Experiment with id=", experiment_id, " exists");
  }
  experiment->lifecycle_stage = model::kLifecycleDeleted;
  return Status::Ok();
}

Status FakeStore::RestoreExperiment(std::string_view experiment_id) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(model::Experiment * experiment, FindExperiment(experiment_id));
  if (experiment->lifecycle_stage == model::kLifecycleActive) {
    return Status::NotFound("No Experiment with id=", experiment_id, " exists");
  }
  experiment->lifecycle_stage = model::kLifecycleActive;
  return Status::Ok();
}

Status FakeStore::SetExperimentTag(std::string_view experiment_id, const model::Tag& tag) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(model::Experiment * experiment, FindExperiment(experiment_id));
  if (experiment->lifecycle_stage != model::kLifecycleActive) {
    return Status::InvalidArgument("The experiment ", experiment_id,
                                   " must be in the 'active' state. Current state is deleted.");
  }
  SetTag(experiment->tags, tag);
  return Status::Ok();
}

Result<model::Run> FakeStore::CreateRun(const store::NewRun& new_run) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(model::Experiment * experiment, FindExperiment(new_run.experiment_id));
  if (experiment->lifecycle_stage != model::kLifecycleActive) {
    return Status::InvalidArgument("The experiment ", new_run.experiment_id,
                                   " must be in the 'active' state. Current state is deleted.");
  }
  char id[33];
  std::snprintf(id, sizeof(id), "%032x", next_run_++);
  StoredRun& stored = runs_[id];
  model::RunInfo& info = stored.run.info;
  info.run_id = id;
  info.experiment_id = new_run.experiment_id;
  info.run_name = new_run.run_name;
  info.user_id = new_run.user_id;
  info.start_time = new_run.start_time;
  info.artifact_uri = experiment->artifact_location + "/" + id + "/artifacts";
  stored.run.tags = new_run.tags;
  SetTag(stored.run.tags, {"mlflow.runName", new_run.run_name});
  return stored.run;
}

Result<model::Run> FakeStore::GetRun(std::string_view run_id) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(StoredRun * run, FindRun(run_id));
  return run->run;
}

Result<model::RunInfo> FakeStore::UpdateRun(const store::RunUpdate& update) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(StoredRun * run, FindActiveRun(update.run_id));
  if (update.status.has_value()) run->run.info.status = *update.status;
  if (update.end_time.has_value()) run->run.info.end_time = update.end_time;
  if (update.run_name.has_value()) {
    run->run.info.run_name = *update.run_name;
    SetTag(run->run.tags, {"mlflow.runName", *update.run_name});
  }
  return run->run.info;
}

Status FakeStore::DeleteRun(std::string_view run_id) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(StoredRun * run, FindRun(run_id));
  run->run.info.lifecycle_stage = model::kLifecycleDeleted;
  return Status::Ok();
}

Status FakeStore::RestoreRun(std::string_view run_id) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(StoredRun * run, FindRun(run_id));
  run->run.info.lifecycle_stage = model::kLifecycleActive;
  return Status::Ok();
}

Status FakeStore::LogBatch(std::string_view run_id, std::span<const model::Metric> metrics,
                           std::span<const model::Param> params, std::span<const model::Tag> tags) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(StoredRun * run, FindActiveRun(run_id));
  for (const model::Param& param : params) {
    for (const model::Param& existing : run->run.params) {
      if (existing.key == param.key && existing.value != param.value) {
        return Status::InvalidArgument("Changing param values is not allowed. Param with key='",
                                       param.key, "' was already logged.");
      }
    }
  }
  for (const model::Param& param : params) {
    auto same = [&](const model::Param& p) { return p.key == param.key; };
    if (std::none_of(run->run.params.begin(), run->run.params.end(), same)) {
      run->run.params.push_back(param);
    }
  }
  for (const model::Metric& metric : metrics) run->history[metric.key].push_back(metric);
  for (const model::Tag& tag : tags) {
    SetTag(run->run.tags, tag);
    if (tag.key == "mlflow.runName") run->run.info.run_name = tag.value;
  }
  return Status::Ok();
}

Status FakeStore::DeleteTag(std::string_view run_id, std::string_view key) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(StoredRun * run, FindActiveRun(run_id));
  auto removed = std::erase_if(run->run.tags, [&](const model::Tag& t) { return t.key == key; });
  if (removed == 0) {
    return Status::NotFound("No tag with name: ", key, " in run with id ", run_id);
  }
  return Status::Ok();
}

Status FakeStore::LogInputs(std::string_view run_id, std::span<const model::DatasetInput> inputs) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(StoredRun * run, FindActiveRun(run_id));
  run->run.inputs.insert(run->run.inputs.end(), inputs.begin(), inputs.end());
  return Status::Ok();
}

Result<std::vector<model::Metric>> FakeStore::GetMetricHistory(std::string_view run_id,
                                                               std::string_view key) {
  std::lock_guard lock(mu_);
  auto it = runs_.find(run_id);
  if (it == runs_.end()) return std::vector<model::Metric>();
  auto history = it->second.history.find(std::string(key));
  if (history == it->second.history.end()) return std::vector<model::Metric>();
  std::vector<model::Metric> out = history->second;
  std::stable_sort(out.begin(), out.end(), [](const model::Metric& a, const model::Metric& b) {
    return std::tie(a.step, a.timestamp) < std::tie(b.step, b.timestamp);
  });
  return out;
}

Result<store::RunPage> FakeStore::SearchRuns(const store::RunSearch& search) {
  std::lock_guard lock(mu_);
  if (!search.filter.empty()) return Status::InvalidArgument("FakeStore: filters unsupported");
  store::RunPage page;
  for (const auto& [id, stored] : runs_) {
    const auto& ids = search.experiment_ids;
    if (std::find(ids.begin(), ids.end(), stored.run.info.experiment_id) == ids.end()) continue;
    if (!Matches(search.view_type, stored.run.info.lifecycle_stage)) continue;
    page.runs.push_back(stored.run);
  }
  return page;
}

Result<std::vector<model::DatasetSummary>> FakeStore::SearchDatasets(
    std::span<const std::string> experiment_ids) {
  std::lock_guard lock(mu_);
  std::vector<model::DatasetSummary> out;
  for (const auto& [id, stored] : runs_) {
    const std::string& experiment_id = stored.run.info.experiment_id;
    if (std::find(experiment_ids.begin(), experiment_ids.end(), experiment_id) ==
        experiment_ids.end()) {
      continue;
    }
    for (const model::DatasetInput& input : stored.run.inputs) {
      model::DatasetSummary summary{experiment_id, input.dataset.name, input.dataset.digest, ""};
      for (const model::Tag& tag : input.tags) {
        if (tag.key == "mlflow.data.context") summary.context = tag.value;
      }
      out.push_back(std::move(summary));
    }
  }
  return out;
}

}  // namespace bucketflow::testing

#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "model/entities.h"

namespace bucketflow::store {

// What the store needs to know when it creates experiments and runs.
struct Config {
  // Root for new experiments' artifact_location ("<root>/<experiment_id>"), e.g.
  // "mlflow-artifacts:" or "file:///srv/artifacts". No trailing slash.
  std::string default_artifact_root = "mlflow-artifacts:";
};

struct NewExperiment {
  int64_t workspace_id = 1;  // kDefaultWorkspaceId (access_store.h)
  std::string name;
  std::string artifact_location;  // empty: "<default_artifact_root>/<id>"
  std::vector<model::Tag> tags;
};

struct ExperimentSearch {
  int64_t workspace_id = 1;           // only this workspace's experiments
  std::string filter;                 // MLflow filter grammar, may be empty
  std::vector<std::string> order_by;  // e.g. "name DESC", "creation_time"
  model::ViewType view_type = model::ViewType::kActiveOnly;
  int64_t max_results = 1000;
  std::string page_token;  // opaque, from a previous page; empty = first page
};

struct ExperimentPage {
  std::vector<model::Experiment> experiments;
  std::string next_page_token;  // empty = no more pages
};

struct NewRun {
  std::string experiment_id;
  std::string user_id;
  std::string run_name;  // already resolved (generated if the client gave none)
  int64_t start_time = 0;
  std::vector<model::Tag> tags;
};

struct RunUpdate {
  std::string run_id;
  std::optional<model::RunStatus> status;
  std::optional<int64_t> end_time;
  std::optional<std::string> run_name;
};

struct RunSearch {
  std::vector<std::string> experiment_ids;
  std::string filter;
  std::vector<std::string> order_by;
  model::ViewType view_type = model::ViewType::kActiveOnly;
  int64_t max_results = 1000;
  std::string page_token;
};

struct RunPage {
  std::vector<model::Run> runs;
  std::string next_page_token;
};

// The metadata store: experiments, runs and everything logged to them.
// Implementations are safe for concurrent use. Errors use these codes:
//   kNotFound        — unknown experiment/run id or name (MLflow RESOURCE_DOES_NOT_EXIST)
//   kAlreadyExists   — duplicate experiment name
//   kInvalidArgument — bad filter/order_by/page token, changed param value, a write to a
//                      deleted run/experiment, or another request the client must fix
//   kInternal        — the database failed
class Store {
 public:
  virtual ~Store() = default;

  // Experiments. Experiment "0" ("Default") exists from the start.
  virtual Result<std::string> CreateExperiment(const NewExperiment& experiment) = 0;
  virtual Result<model::Experiment> GetExperiment(std::string_view experiment_id) = 0;
  // Also finds deleted experiments, as MLflow does. Names are unique per workspace: this one
  // looks in the default workspace, GetExperimentByNameIn in the given one.
  virtual Result<model::Experiment> GetExperimentByName(std::string_view name) = 0;
  virtual Result<model::Experiment> GetExperimentByNameIn(int64_t workspace_id,
                                                          std::string_view name) = 0;
  virtual Result<ExperimentPage> SearchExperiments(const ExperimentSearch& search) = 0;
  virtual Status RenameExperiment(std::string_view experiment_id, std::string_view new_name) = 0;
  // Deleting an experiment marks its runs deleted; restoring revives them.
  virtual Status DeleteExperiment(std::string_view experiment_id) = 0;
  virtual Status RestoreExperiment(std::string_view experiment_id) = 0;
  virtual Status SetExperimentTag(std::string_view experiment_id, const model::Tag& tag) = 0;

  // Runs. CreateRun returns the run with its tags (mlflow.runName mirrored from run_name).
  virtual Result<model::Run> CreateRun(const NewRun& run) = 0;
  virtual Result<model::Run> GetRun(std::string_view run_id) = 0;
  virtual Result<model::RunInfo> UpdateRun(const RunUpdate& update) = 0;
  virtual Status DeleteRun(std::string_view run_id) = 0;
  virtual Status RestoreRun(std::string_view run_id) = 0;

  // Logs metrics, params and tags to an active run, all or nothing. Params are immutable:
  // re-logging the same value is fine, a different value is kInvalidArgument. A tag with key
  // "mlflow.runName" also renames the run.
  virtual Status LogBatch(std::string_view run_id, std::span<const model::Metric> metrics,
                          std::span<const model::Param> params,
                          std::span<const model::Tag> tags) = 0;
  // kNotFound when the run has no such tag.
  virtual Status DeleteTag(std::string_view run_id, std::string_view key) = 0;
  virtual Status LogInputs(std::string_view run_id,
                           std::span<const model::DatasetInput> inputs) = 0;

  // The full history of one metric, ordered by (step, timestamp). An unknown run yields an
  // empty history (MLflow answers 200 {} there).
  virtual Result<std::vector<model::Metric>> GetMetricHistory(std::string_view run_id,
                                                              std::string_view key) = 0;

  virtual Result<RunPage> SearchRuns(const RunSearch& search) = 0;
  virtual Result<std::vector<model::DatasetSummary>> SearchDatasets(
      std::span<const std::string> experiment_ids) = 0;

  // Which workspace an experiment or run belongs to; kNotFound for unknown ids (deleted ones
  // still answer until their workspace is deleted). An experiment or run never changes workspace
  // and ids are never reused, so callers may cache the answer.
  virtual Result<int64_t> ExperimentWorkspace(std::string_view experiment_id) = 0;
  virtual Result<int64_t> RunWorkspace(std::string_view run_id) = 0;
};

}  // namespace bucketflow::store

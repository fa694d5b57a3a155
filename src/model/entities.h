#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

// Plain MLflow entities, shared by the store and the API. No behaviour beyond construction.
namespace bucketflow::model {

struct Tag {
  std::string key;
  std::string value;
};

inline constexpr char kLifecycleActive[] = "active";
inline constexpr char kLifecycleDeleted[] = "deleted";

struct Experiment {
  std::string experiment_id;
  std::string name;
  std::string artifact_location;
  std::string lifecycle_stage = kLifecycleActive;
  int64_t creation_time = 0;
  int64_t last_update_time = 0;
  std::vector<Tag> tags;
};

// MLflow's RunStatus enum names.
enum class RunStatus { kRunning, kScheduled, kFinished, kFailed, kKilled };

struct RunInfo {
  std::string run_id;
  std::string experiment_id;
  std::string run_name;
  std::string user_id;
  RunStatus status = RunStatus::kRunning;
  int64_t start_time = 0;
  std::optional<int64_t> end_time;
  std::string artifact_uri;
  std::string lifecycle_stage = kLifecycleActive;
};

struct Metric {
  std::string key;
  double value = 0;  // NaN and +/-inf are legal values.
  int64_t timestamp = 0;
  int64_t step = 0;
};

struct MetricWithRunId {
  Metric metric;
  std::string run_id;
};

struct Param {
  std::string key;
  std::string value;
};

struct Dataset {
  std::string name;
  std::string digest;
  std::string source_type;
  std::string source;
  std::string schema;   // optional in MLflow; empty = unset
  std::string profile;  // optional in MLflow; empty = unset
};

struct DatasetInput {
  std::vector<Tag> tags;
  Dataset dataset;
};

struct Run {
  RunInfo info;
  std::vector<Metric> metrics;  // latest value per key
  std::vector<Param> params;
  std::vector<Tag> tags;
  std::vector<DatasetInput> inputs;
};

struct DatasetSummary {
  std::string experiment_id;
  std::string name;
  std::string digest;
  std::string context;  // value of the "mlflow.data.context" input tag, empty when absent
};

enum class ViewType { kActiveOnly, kDeletedOnly, kAll };

}  // namespace bucketflow::model

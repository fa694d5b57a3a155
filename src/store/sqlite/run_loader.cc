// Set-based loading of runs and experiments: one query per table for the whole page, with the
// ids bound as a JSON array and expanded by json_each, so the statements stay cached.
#include <cmath>
#include <limits>
#include <unordered_map>

#include "model/run_status.h"
#include "store/sqlite/sqlite_store_internal.h"

namespace bucketflow::store {
namespace {

using IndexById = std::unordered_map<int64_t, size_t>;

constexpr char kRunInfoSql[] =
    "SELECT run_id, run_uuid, experiment_id, name, user_id, status, start_time, end_time, "
    "artifact_uri, lifecycle_stage FROM runs WHERE run_id IN (SELECT value FROM json_each(?))";
constexpr char kLatestMetricsSql[] =
    "SELECT m.run_id, k.key, m.value, m.is_nan, m.timestamp, m.step FROM latest_metrics m "
    "JOIN metric_keys k ON k.key_id = m.key_id "
    "WHERE m.run_id IN (SELECT value FROM json_each(?)) ORDER BY m.run_id, k.key";
constexpr char kParamsSql[] =
    "SELECT run_id, key, value FROM params WHERE run_id IN (SELECT value FROM json_each(?)) "
    "ORDER BY run_id, key";
constexpr char kTagsSql[] =
    "SELECT run_id, key, value FROM tags WHERE run_id IN (SELECT value FROM json_each(?)) "
    "ORDER BY run_id, key";
constexpr char kInputsSql[] =
    "SELECT i.run_id, d.dataset_id, d.name, d.digest, d.source_type, d.source, "
    "coalesce(d.schema, ''), coalesce(d.profile, '') FROM run_inputs i "
    "JOIN datasets d ON d.dataset_id = i.dataset_id "
    "WHERE i.run_id IN (SELECT value FROM json_each(?)) ORDER BY i.run_id, d.dataset_id";
constexpr char kInputTagsSql[] =
    "SELECT run_id, dataset_id, key, value FROM input_tags "
    "WHERE run_id IN (SELECT value FROM json_each(?)) ORDER BY run_id, dataset_id, key";

constexpr char kExperimentsSql[] =
    "SELECT experiment_id, name, artifact_location, lifecycle_stage, creation_time, "
    "last_update_time FROM experiments WHERE experiment_id IN (SELECT value FROM json_each(?))";
constexpr char kExperimentTagsSql[] =
    "SELECT experiment_id, key, value FROM experiment_tags "
    "WHERE experiment_id IN (SELECT value FROM json_each(?)) ORDER BY experiment_id, key";

model::RunStatus StatusOrRunning(std::string_view name) {
  return model::ParseRunStatus(name).value_or(model::RunStatus::kRunning);
}

Status LoadRunInfos(Database& db, const std::string& ids, std::vector<model::Run>& runs,
                    std::vector<int64_t>& internal_ids) {
  ASSIGN_OR_RETURN(auto stmt, db.Cached(kRunInfoSql));
  stmt->BindStatic(1, ids);
  for (;;) {
    ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) {
      return Status::Ok();
    }
    internal_ids.push_back(stmt->ColumnInt(0));
    model::RunInfo& info = runs.emplace_back().info;
    info.run_id = stmt->ColumnText(1);
    info.experiment_id = std::to_string(stmt->ColumnInt(2));
    info.run_name = stmt->ColumnText(3);
    info.user_id = stmt->ColumnText(4);
    info.status = StatusOrRunning(stmt->ColumnView(5));
    info.start_time = stmt->ColumnInt(6);
    info.end_time = stmt->ColumnOptionalInt(7);
    info.artifact_uri = stmt->ColumnText(8);
    info.lifecycle_stage = stmt->ColumnText(9);
  }
}

// Runs `sql` over the ids and hands each row with its run to `fill`.
template <typename Fill>
Status ForEachRow(Database& db, const char* sql, const std::string& ids, const IndexById& index,
                  std::vector<model::Run>& runs, Fill fill) {
  ASSIGN_OR_RETURN(auto stmt, db.Cached(sql));
  stmt->BindStatic(1, ids);
  for (;;) {
    ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) {
      return Status::Ok();
    }
    auto it = index.find(stmt->ColumnInt(0));
    if (it != index.end()) {
      fill(*stmt, runs[it->second]);
    }
  }
}

Status LoadRunData(Database& db, const std::string& ids, const IndexById& index,
                   std::vector<model::Run>& runs) {
  RETURN_IF_ERROR(ForEachRow(db, kLatestMetricsSql, ids, index, runs, [](Statement& s, auto& run) {
    double value =
        s.ColumnInt(3) != 0 ? std::numeric_limits<double>::quiet_NaN() : s.ColumnDouble(2);
    run.metrics.push_back({.key = s.ColumnText(1),
                           .value = value,
                           .timestamp = s.ColumnInt(4),
                           .step = s.ColumnInt(5)});
  }));
  RETURN_IF_ERROR(ForEachRow(db, kParamsSql, ids, index, runs, [](Statement& s, auto& run) {
    run.params.push_back({.key = s.ColumnText(1), .value = s.ColumnText(2)});
  }));
  return ForEachRow(db, kTagsSql, ids, index, runs, [](Statement& s, auto& run) {
    run.tags.push_back({.key = s.ColumnText(1), .value = s.ColumnText(2)});
  });
}

Status LoadRunInputs(Database& db, const std::string& ids, const IndexById& index,
                     std::vector<model::Run>& runs) {
  // (run_id, dataset_id) -> position in that run's inputs, for attaching the input tags.
  std::unordered_map<int64_t, std::unordered_map<int64_t, size_t>> positions;
  RETURN_IF_ERROR(ForEachRow(db, kInputsSql, ids, index, runs, [&](Statement& s, auto& run) {
    positions[s.ColumnInt(0)][s.ColumnInt(1)] = run.inputs.size();
    model::DatasetInput& input = run.inputs.emplace_back();
    input.dataset = {.name = s.ColumnText(2),
                     .digest = s.ColumnText(3),
                     .source_type = s.ColumnText(4),
                     .source = s.ColumnText(5),
                     .schema = s.ColumnText(6),
                     .profile = s.ColumnText(7)};
  }));
  if (positions.empty()) {
    return Status::Ok();
  }
  return ForEachRow(db, kInputTagsSql, ids, index, runs, [&](Statement& s, auto& run) {
    auto& by_dataset = positions[s.ColumnInt(0)];
    auto it = by_dataset.find(s.ColumnInt(1));
    if (it != by_dataset.end()) {
      run.inputs[it->second].tags.push_back({.key = s.ColumnText(2), .value = s.ColumnText(3)});
    }
  });
}

}  // namespace

Result<std::vector<model::Run>> LoadRuns(Database& db, std::span<const int64_t> ids) {
  if (ids.empty()) {
    return std::vector<model::Run>{};
  }
  const std::string ids_json = IdsAsJson(ids);
  std::vector<model::Run> loaded;
  std::vector<int64_t> loaded_ids;
  RETURN_IF_ERROR(LoadRunInfos(db, ids_json, loaded, loaded_ids));
  IndexById index;
  for (size_t run_idx = 0; run_idx < loaded_ids.size(); ++run_idx) {
    index.emplace(loaded_ids[run_idx], run_idx);
  }
  RETURN_IF_ERROR(LoadRunData(db, ids_json, index, loaded));
  RETURN_IF_ERROR(LoadRunInputs(db, ids_json, index, loaded));
  // Back into the caller's order (the search's ORDER BY).
  std::vector<model::Run> ordered;
  ordered.reserve(loaded.size());
  for (int64_t id : ids) {
    auto it = index.find(id);
    if (it != index.end()) {
      ordered.push_back(std::move(loaded[it->second]));
      index.erase(it);  // a repeated id must not hand out a moved-from run
    }
  }
  return ordered;
}

Result<std::vector<model::Experiment>> LoadExperiments(Database& db, std::span<const int64_t> ids) {
  std::vector<model::Experiment> ordered;
  if (ids.empty()) {
    return ordered;
  }
  const std::string ids_json = IdsAsJson(ids);
  std::unordered_map<int64_t, model::Experiment> by_id;
  ASSIGN_OR_RETURN(auto stmt, db.Cached(kExperimentsSql));
  stmt->BindStatic(1, ids_json);
  for (;;) {
    ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) {
      break;
    }
    model::Experiment& experiment = by_id[stmt->ColumnInt(0)];
    experiment.experiment_id = std::to_string(stmt->ColumnInt(0));
    experiment.name = stmt->ColumnText(1);
    experiment.artifact_location = stmt->ColumnText(2);
    experiment.lifecycle_stage = stmt->ColumnText(3);
    experiment.creation_time = stmt->ColumnInt(4);
    experiment.last_update_time = stmt->ColumnInt(5);
  }
  ASSIGN_OR_RETURN(auto tags, db.Cached(kExperimentTagsSql));
  tags->BindStatic(1, ids_json);
  for (;;) {
    ASSIGN_OR_RETURN(bool row, tags->Step());
    if (!row) {
      break;
    }
    auto it = by_id.find(tags->ColumnInt(0));
    if (it != by_id.end()) {
      it->second.tags.push_back({.key = tags->ColumnText(1), .value = tags->ColumnText(2)});
    }
  }
  for (int64_t id : ids) {
    auto it = by_id.find(id);
    if (it != by_id.end()) {
      ordered.push_back(std::move(it->second));
      by_id.erase(it);
    }
  }
  return ordered;
}

}  // namespace bucketflow::store

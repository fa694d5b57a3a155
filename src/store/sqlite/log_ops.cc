// Logging to runs (params, metrics, tags, dataset inputs) and reading metric history.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <tuple>

#include "store/sqlite/sqlite_store_internal.h"

namespace bucketflow::store {
namespace {

constexpr char kInsertMetricSql[] =
    "INSERT INTO metrics (run_id, key_id, step, timestamp, value, is_nan) "
    "VALUES (?, ?, ?, ?, ?, ?)";
// Keeps the maximum by (step, timestamp, value), as MLflow's latest_metrics. MLflow stores a NaN
// as value 0 with is_nan set, so a NaN competes as 0 here too; ties keep the older row.
constexpr char kUpsertLatestSql[] =
    "INSERT INTO latest_metrics (run_id, key_id, step, timestamp, value, is_nan) "
    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, key_id) DO UPDATE SET "
    "step = excluded.step, timestamp = excluded.timestamp, value = excluded.value, "
    "is_nan = excluded.is_nan WHERE "
    "(excluded.step, excluded.timestamp, coalesce(excluded.value, 0)) > "
    "(latest_metrics.step, latest_metrics.timestamp, coalesce(latest_metrics.value, 0))";

// MLflow clamps infinities to the largest finite double before storing; so do we, so that a
// run's metrics read back the same from both servers.
double ClampInfinity(double value) {
  if (std::isinf(value)) {
    return value > 0 ? std::numeric_limits<double>::max() : std::numeric_limits<double>::lowest();
  }
  return value;
}

auto SortKey(const model::Metric& metric) {
  const double value = std::isnan(metric.value) ? 0.0 : ClampInfinity(metric.value);
  return std::make_tuple(metric.step, metric.timestamp, value);
}

// Binds parameters 1..6 of a metrics/latest_metrics insert.
void BindMetric(Statement& stmt, int64_t run, int64_t key_id, const model::Metric& metric) {
  stmt.Bind(1, run).Bind(2, key_id).Bind(3, metric.step).Bind(4, metric.timestamp);
  if (std::isnan(metric.value)) {
    stmt.BindNull(5).Bind(6, int64_t{1});
  } else {
    stmt.Bind(5, ClampInfinity(metric.value)).Bind(6, int64_t{0});
  }
}

// Python's repr of a str, as MLflow's messages print them: single quotes unless the text holds
// one and no double quote.
std::string PyRepr(std::string_view text) {
  const char quote =
      text.find('\'') != std::string_view::npos && text.find('"') == std::string_view::npos ? '"'
                                                                                            : '\'';
  std::string out(1, quote);
  for (char c : text) {
    if (c == '\\' || c == quote) {
      out += '\\';
    }
    out += c;
  }
  out += quote;
  return out;
}

Status CheckDuplicateParamKeys(std::span<const model::Param> params) {
  std::vector<std::string_view> keys;
  keys.reserve(params.size());
  for (const model::Param& param : params) {
    keys.push_back(param.key);
  }
  std::sort(keys.begin(), keys.end());
  std::string duplicates;
  for (size_t key_idx = 1; key_idx < keys.size(); ++key_idx) {
    if (keys[key_idx] == keys[key_idx - 1] && (key_idx < 2 || keys[key_idx] != keys[key_idx - 2])) {
      duplicates += (duplicates.empty() ? "" : ", ") + PyRepr(keys[key_idx]);
    }
  }
  if (duplicates.empty()) {
    return Status::Ok();
  }
  return Status::InvalidArgument("Duplicate parameter keys have been submitted: [", duplicates,
                                 "]. Please ensure the request contains only one param value "
                                 "per param key.");
}

Result<std::optional<int64_t>> KeyIdForRead(Database& db, std::string_view key) {
  ASSIGN_OR_RETURN(auto stmt, db.Cached("SELECT key_id FROM metric_keys WHERE key = ?"));
  ASSIGN_OR_RETURN(bool row, stmt->BindStatic(1, key).Step());
  if (!row) {
    return std::optional<int64_t>();
  }
  return std::optional<int64_t>(stmt->ColumnInt(0));
}

}  // namespace

Status SqliteStore::LogParams(Database& db, std::string_view run_id, int64_t run,
                              std::span<const model::Param> params) {
  RETURN_IF_ERROR(CheckDuplicateParamKeys(params));
  std::string changed;  // MLflow lists every refused change in one message
  for (const model::Param& param : params) {
    ASSIGN_OR_RETURN(auto insert, db.Cached("INSERT INTO params (run_id, key, value) VALUES "
                                            "(?, ?, ?) ON CONFLICT (run_id, key) DO NOTHING"));
    RETURN_IF_ERROR(insert->Bind(1, run).BindStatic(2, param.key).BindStatic(3, param.value).Run());
    if (db.Changes() > 0) {
      continue;
    }
    ASSIGN_OR_RETURN(auto existing,
                     db.Cached("SELECT value FROM params WHERE run_id = ? AND key = ?"));
    ASSIGN_OR_RETURN(bool row, existing->Bind(1, run).BindStatic(2, param.key).Step());
    if (row && existing->ColumnView(0) != param.value) {
      changed += (changed.empty() ? "" : ", ") + std::string("{'key': ") + PyRepr(param.key) +
                 ", 'old_value': " + PyRepr(existing->ColumnView(0)) +
                 ", 'new_value': " + PyRepr(param.value) + "}";
    }
  }
  if (!changed.empty()) {
    return Status::InvalidArgument(
        "Changing param values is not allowed. Params were already "
        "logged='[",
        changed, "]' for run ID='", run_id, "'.");
  }
  return Status::Ok();
}

// The hot path: one cached statement per table, bound and stepped per metric, with no per-row
// allocation. latest_metrics gets one upsert per distinct key of the batch, not one per point.
Status SqliteStore::LogMetrics(Database& db, int64_t run, std::span<const model::Metric> metrics) {
  latest_scratch_.clear();
  ASSIGN_OR_RETURN(auto insert, db.Cached(kInsertMetricSql));
  for (size_t metric_idx = 0; metric_idx < metrics.size(); ++metric_idx) {
    const model::Metric& metric = metrics[metric_idx];
    ASSIGN_OR_RETURN(int64_t key_id, metric_keys_.Intern(db, metric.key));
    BindMetric(*insert, run, key_id, metric);
    RETURN_IF_ERROR(insert->Run());
    insert->Reset();
    latest_scratch_.emplace_back(key_id, metric_idx);
  }
  std::sort(latest_scratch_.begin(), latest_scratch_.end());
  ASSIGN_OR_RETURN(auto upsert, db.Cached(kUpsertLatestSql));
  for (size_t group = 0; group < latest_scratch_.size();) {
    const int64_t key_id = latest_scratch_[group].first;
    const model::Metric* best = &metrics[latest_scratch_[group].second];
    size_t next = group + 1;
    for (; next < latest_scratch_.size() && latest_scratch_[next].first == key_id; ++next) {
      const model::Metric& candidate = metrics[latest_scratch_[next].second];
      if (SortKey(candidate) > SortKey(*best)) {
        best = &candidate;
      }
    }
    BindMetric(*upsert, run, key_id, *best);
    RETURN_IF_ERROR(upsert->Run());
    upsert->Reset();
    group = next;
  }
  return Status::Ok();
}

Status SqliteStore::LogBatch(std::string_view run_id, std::span<const model::Metric> metrics,
                             std::span<const model::Param> params,
                             std::span<const model::Tag> tags) {
  // One closure = one savepoint: any failure below undoes the whole batch.
  return writer_.Submit([&](Database& db) -> Status {
    ASSIGN_OR_RETURN(RunRow run, FindActiveRun(db, run_id));
    RETURN_IF_ERROR(LogParams(db, run_id, run.internal_id, params));
    RETURN_IF_ERROR(LogMetrics(db, run.internal_id, metrics));
    return InsertRunTags(db, run.internal_id, tags);
  });
}

Status SqliteStore::LogInput(Database& db, const RunRow& run, const model::DatasetInput& input) {
  const model::Dataset& dataset = input.dataset;
  // A dataset is identified by (experiment, name, digest); the first description logged wins.
  ASSIGN_OR_RETURN(
      auto insert,
      db.Cached("INSERT INTO datasets (experiment_id, name, digest, source_type, "
                "source, schema, profile) VALUES (?, ?, ?, ?, ?, nullif(?, ''), "
                "nullif(?, '')) ON CONFLICT (experiment_id, name, digest) DO NOTHING"));
  RETURN_IF_ERROR(insert->Bind(1, run.experiment_id)
                      .BindStatic(2, dataset.name)
                      .BindStatic(3, dataset.digest)
                      .BindStatic(4, dataset.source_type)
                      .BindStatic(5, dataset.source)
                      .BindStatic(6, dataset.schema)
                      .BindStatic(7, dataset.profile)
                      .Run());
  ASSIGN_OR_RETURN(auto select, db.Cached("SELECT dataset_id FROM datasets WHERE experiment_id = ? "
                                          "AND name = ? AND digest = ?"));
  ASSIGN_OR_RETURN(bool row, select->Bind(1, run.experiment_id)
                                 .BindStatic(2, dataset.name)
                                 .BindStatic(3, dataset.digest)
                                 .Step());
  if (!row) {
    return Status::Internal("dataset '", dataset.name, "' vanished after insert");
  }
  const int64_t dataset_id = select->ColumnInt(0);
  ASSIGN_OR_RETURN(auto link, db.Cached("INSERT INTO run_inputs (run_id, dataset_id) VALUES (?, ?) "
                                        "ON CONFLICT (run_id, dataset_id) DO NOTHING"));
  RETURN_IF_ERROR(link->Bind(1, run.internal_id).Bind(2, dataset_id).Run());
  if (db.Changes() == 0) {
    return Status::Ok();  // MLflow skips an input the run already has, tags included
  }
  for (const model::Tag& tag : input.tags) {
    ASSIGN_OR_RETURN(auto tag_stmt,
                     db.Cached("INSERT INTO input_tags (run_id, dataset_id, key, value) VALUES "
                               "(?, ?, ?, ?) ON CONFLICT (run_id, dataset_id, key) DO UPDATE SET "
                               "value = excluded.value"));
    RETURN_IF_ERROR(tag_stmt->Bind(1, run.internal_id)
                        .Bind(2, dataset_id)
                        .BindStatic(3, tag.key)
                        .BindStatic(4, tag.value)
                        .Run());
  }
  return Status::Ok();
}

Status SqliteStore::LogInputs(std::string_view run_id,
                              std::span<const model::DatasetInput> inputs) {
  return writer_.Submit([&](Database& db) -> Status {
    ASSIGN_OR_RETURN(RunRow run, FindActiveRun(db, run_id));
    for (const model::DatasetInput& input : inputs) {
      RETURN_IF_ERROR(LogInput(db, run, input));
    }
    return Status::Ok();
  });
}

Result<std::vector<model::Metric>> SqliteStore::GetMetricHistory(std::string_view run_id,
                                                                 std::string_view key) {
  std::vector<model::Metric> history;
  ReaderPool::Lease reader = readers_->Acquire();
  Database& db = reader.db();
  Result<RunRow> run = FindRun(db, run_id);
  if (!run.ok()) {
    if (run.status().code() == Code::kNotFound) {
      return history;
    }
    return run.status();
  }
  ASSIGN_OR_RETURN(std::optional<int64_t> key_id, KeyIdForRead(db, key));
  if (!key_id) {
    return history;
  }
  ASSIGN_OR_RETURN(auto stmt,
                   db.Cached("SELECT step, timestamp, value, is_nan FROM metrics "
                             "WHERE run_id = ? AND key_id = ? ORDER BY step, timestamp"));
  stmt->Bind(1, run->internal_id).Bind(2, *key_id);
  for (;;) {
    ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) {
      break;
    }
    const double value =
        stmt->ColumnInt(3) != 0 ? std::numeric_limits<double>::quiet_NaN() : stmt->ColumnDouble(2);
    history.push_back({.key = std::string(key),
                       .value = value,
                       .timestamp = stmt->ColumnInt(1),
                       .step = stmt->ColumnInt(0)});
  }
  return history;
}

}  // namespace bucketflow::store

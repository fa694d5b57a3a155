// Logging to runs: params, tags, dataset inputs, and log-batch (metrics are in metric_ops.cc).
#include <algorithm>
#include <string>
#include <vector>

#include "store/sqlite/sqlite_store_internal.h"

namespace bucketflow::store {
namespace {

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

}  // namespace bucketflow::store

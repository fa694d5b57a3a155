// Runs: create, read, update, delete/restore, run tags.
#include <string>

#include "core/random.h"
#include "model/run_status.h"
#include "store/sqlite/sqlite_store_internal.h"

namespace bucketflow::store {
namespace {

constexpr std::string_view kRunNameTag = "mlflow.runName";

// The run name wins; the mlflow.runName tag may supply it; both given must agree (MLflow).
Result<std::string> ResolveRunName(const NewRun& run) {
  for (const model::Tag& tag : run.tags) {
    if (tag.key != kRunNameTag) {
      continue;
    }
    if (!run.run_name.empty() && run.run_name != tag.value) {
      return Status::InvalidArgument(
          "Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different "
          "values (run_name='",
          run.run_name, "', mlflow.runName='", tag.value, "').");
    }
    return tag.value;
  }
  return run.run_name;
}

Status RenameRun(Database& db, int64_t run, std::string_view name) {
  ASSIGN_OR_RETURN(auto stmt, db.Cached("UPDATE runs SET name = ? WHERE run_id = ?"));
  return stmt->BindStatic(1, name).Bind(2, run).Run();
}

Result<model::Run> LoadOneRun(Database& db, int64_t internal_id, std::string_view run_id) {
  const int64_t ids[] = {internal_id};
  ASSIGN_OR_RETURN(std::vector<model::Run> runs, LoadRuns(db, ids));
  if (runs.empty()) {
    return RunNotFound(run_id);
  }
  return std::move(runs.front());
}

Status ApplyRunUpdate(Database& db, int64_t run, const RunUpdate& update) {
  ASSIGN_OR_RETURN(auto stmt, db.Cached("UPDATE runs SET status = coalesce(?, status), "
                                        "end_time = coalesce(?, end_time) WHERE run_id = ?"));
  if (update.status.has_value()) {
    stmt->BindStatic(1, model::RunStatusName(*update.status));
  }
  return stmt->Bind(2, update.end_time).Bind(3, run).Run();
}

}  // namespace

// Tags are upserted; the mlflow.runName tag also renames the run, so name and tag never differ.
Status SqliteStore::InsertRunTags(Database& db, int64_t run, std::span<const model::Tag> tags) {
  for (const model::Tag& tag : tags) {
    ASSIGN_OR_RETURN(auto stmt, db.Cached("INSERT INTO tags (run_id, key, value) VALUES (?, ?, ?) "
                                          "ON CONFLICT (run_id, key) DO UPDATE SET value = "
                                          "excluded.value"));
    RETURN_IF_ERROR(stmt->Bind(1, run).BindStatic(2, tag.key).BindStatic(3, tag.value).Run());
    if (tag.key == kRunNameTag) {
      RETURN_IF_ERROR(RenameRun(db, run, tag.value));
    }
  }
  return Status::Ok();
}

Result<model::Run> SqliteStore::CreateRun(const NewRun& run) {
  ASSIGN_OR_RETURN(std::string name, ResolveRunName(run));
  std::optional<model::Run> created;
  Status status = writer_.Submit([&](Database& db) -> Status {
    ASSIGN_OR_RETURN(ExperimentRow experiment, FindExperiment(db, run.experiment_id));
    if (!experiment.active) {
      return ExperimentNotActive(run.experiment_id);
    }
    const std::string run_id = RandomHex(16);
    ASSIGN_OR_RETURN(auto insert,
                     db.Cached("INSERT INTO runs (run_uuid, experiment_id, name, user_id, status, "
                               "start_time, end_time, lifecycle_stage, artifact_uri) VALUES "
                               "(?, ?, ?, ?, 'RUNNING', ?, NULL, 'active', ?)"));
    RETURN_IF_ERROR(insert->BindStatic(1, run_id)
                        .Bind(2, experiment.experiment_id)
                        .BindStatic(3, name)
                        .BindStatic(4, run.user_id)
                        .Bind(5, run.start_time)
                        .Bind(6, experiment.artifact_location + "/" + run_id + "/artifacts")
                        .Run());
    const int64_t internal_id = db.LastInsertRowid();
    RETURN_IF_ERROR(InsertRunTags(db, internal_id, run.tags));
    if (!name.empty()) {
      const model::Tag name_tag[] = {{.key = std::string(kRunNameTag), .value = name}};
      RETURN_IF_ERROR(InsertRunTags(db, internal_id, name_tag));
    }
    ASSIGN_OR_RETURN(created, LoadOneRun(db, internal_id, run_id));
    return Status::Ok();
  });
  RETURN_IF_ERROR(status);
  return std::move(*created);
}

Result<model::Run> SqliteStore::GetRun(std::string_view run_id) {
  ReaderPool::Lease reader = readers_->Acquire();
  ASSIGN_OR_RETURN(RunRow run, FindRun(reader.db(), run_id));
  return LoadOneRun(reader.db(), run.internal_id, run_id);
}

Result<model::RunInfo> SqliteStore::UpdateRun(const RunUpdate& update) {
  std::optional<model::RunInfo> info;
  Status status = writer_.Submit([&](Database& db) -> Status {
    ASSIGN_OR_RETURN(RunRow run, FindActiveRun(db, update.run_id));
    RETURN_IF_ERROR(ApplyRunUpdate(db, run.internal_id, update));
    if (update.run_name.has_value()) {
      const model::Tag name_tag[] = {{.key = std::string(kRunNameTag), .value = *update.run_name}};
      RETURN_IF_ERROR(InsertRunTags(db, run.internal_id, name_tag));
    }
    ASSIGN_OR_RETURN(model::Run loaded, LoadOneRun(db, run.internal_id, update.run_id));
    info = std::move(loaded.info);
    return Status::Ok();
  });
  RETURN_IF_ERROR(status);
  return std::move(*info);
}

// Deleting a deleted run or restoring an active one succeeds, as in MLflow.
Status SqliteStore::SetRunLifecycle(std::string_view run_id, bool active) {
  return writer_.Submit([&](Database& db) -> Status {
    ASSIGN_OR_RETURN(RunRow run, FindRun(db, run_id));
    if (run.active == active) {
      return Status::Ok();
    }
    ASSIGN_OR_RETURN(auto stmt, db.Cached("UPDATE runs SET lifecycle_stage = ?, deleted_time = ? "
                                          "WHERE run_id = ?"));
    stmt->BindStatic(1, active ? model::kLifecycleActive : model::kLifecycleDeleted);
    if (!active) {
      stmt->Bind(2, clock_.NowMillis());
    }
    return stmt->Bind(3, run.internal_id).Run();
  });
}

Status SqliteStore::DeleteRun(std::string_view run_id) { return SetRunLifecycle(run_id, false); }

Status SqliteStore::RestoreRun(std::string_view run_id) { return SetRunLifecycle(run_id, true); }

Status SqliteStore::DeleteTag(std::string_view run_id, std::string_view key) {
  return writer_.Submit([&](Database& db) -> Status {
    ASSIGN_OR_RETURN(RunRow run, FindActiveRun(db, run_id));
    ASSIGN_OR_RETURN(auto stmt, db.Cached("DELETE FROM tags WHERE run_id = ? AND key = ?"));
    RETURN_IF_ERROR(stmt->Bind(1, run.internal_id).BindStatic(2, key).Run());
    if (db.Changes() == 0) {
      return Status::NotFound("No tag with name: ", key, " in run with id ", run_id);
    }
    return Status::Ok();
  });
}

Result<int64_t> SqliteStore::RunWorkspace(std::string_view run_id) {
  ReaderPool::Lease reader = readers_->Acquire();
  ASSIGN_OR_RETURN(auto stmt,
                   reader.db().Cached("SELECT e.workspace_id FROM runs r JOIN experiments e "
                                      "ON e.experiment_id = r.experiment_id WHERE r.run_uuid = ?"));
  ASSIGN_OR_RETURN(bool row, stmt->BindStatic(1, run_id).Step());
  if (!row) {
    return RunNotFound(run_id);
  }
  return stmt->ColumnInt(0);
}

}  // namespace bucketflow::store

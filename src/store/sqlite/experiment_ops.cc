// Experiments: create, read, rename, delete/restore (cascading to runs), tags.
#include <string>

#include "store/sqlite/sqlite_store_internal.h"

namespace bucketflow::store {
namespace {

Status ExperimentNameTaken(std::string_view name) {
  return Status::AlreadyExists("Experiment(name=", name, ") already exists.");
}

Status UpsertExperimentTag(Database& db, int64_t experiment_id, const model::Tag& tag) {
  ASSIGN_OR_RETURN(auto stmt, db.Cached("INSERT INTO experiment_tags (experiment_id, key, value) "
                                        "VALUES (?, ?, ?) ON CONFLICT (experiment_id, key) "
                                        "DO UPDATE SET value = excluded.value"));
  return stmt->Bind(1, experiment_id).BindStatic(2, tag.key).BindStatic(3, tag.value).Run();
}

Result<int64_t> ExperimentIdByName(Database& db, int64_t workspace_id, std::string_view name) {
  ASSIGN_OR_RETURN(auto stmt, db.Cached("SELECT experiment_id FROM experiments "
                                        "WHERE workspace_id = ? AND name = ?"));
  ASSIGN_OR_RETURN(bool row, stmt->Bind(1, workspace_id).BindStatic(2, name).Step());
  if (!row) {
    return Status::NotFound("Could not find experiment with name '", name, "'");
  }
  return stmt->ColumnInt(0);
}

Result<model::Experiment> LoadOneExperiment(Database& db, int64_t id, std::string_view shown_id) {
  const int64_t ids[] = {id};
  ASSIGN_OR_RETURN(std::vector<model::Experiment> experiments, LoadExperiments(db, ids));
  if (experiments.empty()) {
    return ExperimentNotFound(shown_id);
  }
  return std::move(experiments.front());
}

Status TouchExperiment(Database& db, int64_t id, int64_t now) {
  ASSIGN_OR_RETURN(
      auto stmt, db.Cached("UPDATE experiments SET last_update_time = ? WHERE experiment_id = ?"));
  return stmt->Bind(1, now).Bind(2, id).Run();
}

}  // namespace

Result<int64_t> SqliteStore::InsertExperiment(Database& db, const NewExperiment& experiment) {
  RETURN_IF_ERROR(CheckWorkspaceExists(db, experiment.workspace_id));
  const int64_t now = clock_.NowMillis();
  // The row goes in first to learn its id; the default location needs that id.
  ASSIGN_OR_RETURN(auto insert, db.Cached("INSERT INTO experiments (workspace_id, name, "
                                          "artifact_location, lifecycle_stage, creation_time, "
                                          "last_update_time) VALUES (?, ?, ?, 'active', ?, ?)"));
  Status inserted = insert->Bind(1, experiment.workspace_id)
                        .BindStatic(2, experiment.name)
                        .BindStatic(3, experiment.artifact_location)
                        .Bind(4, now)
                        .Bind(5, now)
                        .Run();
  if (inserted.code() == Code::kAlreadyExists) {
    return ExperimentNameTaken(experiment.name);
  }
  RETURN_IF_ERROR(inserted);
  const int64_t id = db.LastInsertRowid();
  if (experiment.artifact_location.empty()) {
    ASSIGN_OR_RETURN(auto update, db.Cached("UPDATE experiments SET artifact_location = ? "
                                            "WHERE experiment_id = ?"));
    RETURN_IF_ERROR(update->Bind(1, config_.default_artifact_root + "/" + std::to_string(id))
                        .Bind(2, id)
                        .Run());
  }
  for (const model::Tag& tag : experiment.tags) {
    RETURN_IF_ERROR(UpsertExperimentTag(db, id, tag));
  }
  return id;
}

Result<std::string> SqliteStore::CreateExperiment(const NewExperiment& experiment) {
  int64_t id = 0;
  Status status = writer_.Submit([&](Database& db) -> Status {
    ASSIGN_OR_RETURN(id, InsertExperiment(db, experiment));
    return Status::Ok();
  });
  RETURN_IF_ERROR(status);
  return std::to_string(id);
}

Result<model::Experiment> SqliteStore::GetExperiment(std::string_view experiment_id) {
  std::optional<int64_t> id = ParseExperimentId(experiment_id);
  if (!id) {
    return ExperimentNotFound(experiment_id);
  }
  ReaderPool::Lease reader = readers_->Acquire();
  return LoadOneExperiment(reader.db(), *id, experiment_id);
}

Result<model::Experiment> SqliteStore::GetExperimentByName(std::string_view name) {
  return GetExperimentByNameIn(kDefaultWorkspaceId, name);
}

Result<model::Experiment> SqliteStore::GetExperimentByNameIn(int64_t workspace_id,
                                                             std::string_view name) {
  ReaderPool::Lease reader = readers_->Acquire();
  ASSIGN_OR_RETURN(int64_t id, ExperimentIdByName(reader.db(), workspace_id, name));
  return LoadOneExperiment(reader.db(), id, std::to_string(id));
}

Result<int64_t> SqliteStore::ExperimentWorkspace(std::string_view experiment_id) {
  std::optional<int64_t> id = ParseExperimentId(experiment_id);
  if (!id) {
    return ExperimentNotFound(experiment_id);
  }
  ReaderPool::Lease reader = readers_->Acquire();
  ASSIGN_OR_RETURN(auto stmt, reader.db().Cached("SELECT workspace_id FROM experiments "
                                                 "WHERE experiment_id = ?"));
  ASSIGN_OR_RETURN(bool row, stmt->Bind(1, *id).Step());
  if (!row) {
    return ExperimentNotFound(experiment_id);
  }
  return stmt->ColumnInt(0);
}

Status SqliteStore::RenameExperiment(std::string_view experiment_id, std::string_view new_name) {
  return writer_.Submit([&](Database& db) -> Status {
    ASSIGN_OR_RETURN(ExperimentRow experiment, FindExperiment(db, experiment_id));
    if (!experiment.active) {
      return Status::InvalidArgument("Cannot rename a non-active experiment.");
    }
    ASSIGN_OR_RETURN(auto stmt, db.Cached("UPDATE experiments SET name = ?, last_update_time = ? "
                                          "WHERE experiment_id = ?"));
    Status updated = stmt->BindStatic(1, new_name)
                         .Bind(2, clock_.NowMillis())
                         .Bind(3, experiment.experiment_id)
                         .Run();
    if (updated.code() == Code::kAlreadyExists) {
      return ExperimentNameTaken(new_name);
    }
    return updated;
  });
}

// MLflow answers "does not exist" both for an unknown id and for a lifecycle change that is
// already in effect (delete of a deleted experiment, restore of an active one).
Status SqliteStore::SetExperimentLifecycle(Database& db, std::string_view experiment_id,
                                           bool active) {
  ASSIGN_OR_RETURN(ExperimentRow experiment, FindExperiment(db, experiment_id));
  if (experiment.active == active) {
    return ExperimentNotFound(experiment_id);
  }
  const int64_t now = clock_.NowMillis();
  const char* stage = active ? model::kLifecycleActive : model::kLifecycleDeleted;
  ASSIGN_OR_RETURN(auto update, db.Cached("UPDATE experiments SET lifecycle_stage = ?, "
                                          "last_update_time = ? WHERE experiment_id = ?"));
  RETURN_IF_ERROR(
      update->BindStatic(1, stage).Bind(2, now).Bind(3, experiment.experiment_id).Run());
  // Deleting cascades to every run; restoring revives every run of the experiment, as MLflow.
  ASSIGN_OR_RETURN(auto runs, db.Cached("UPDATE runs SET lifecycle_stage = ?1, deleted_time = "
                                        "CASE WHEN ?1 = 'deleted' THEN coalesce(deleted_time, ?2) "
                                        "END WHERE experiment_id = ?3"));
  return runs->BindStatic(1, stage).Bind(2, now).Bind(3, experiment.experiment_id).Run();
}

Status SqliteStore::DeleteExperiment(std::string_view experiment_id) {
  return writer_.Submit(
      [&](Database& db) { return SetExperimentLifecycle(db, experiment_id, /*active=*/false); });
}

Status SqliteStore::RestoreExperiment(std::string_view experiment_id) {
  return writer_.Submit(
      [&](Database& db) { return SetExperimentLifecycle(db, experiment_id, /*active=*/true); });
}

Status SqliteStore::SetExperimentTag(std::string_view experiment_id, const model::Tag& tag) {
  return writer_.Submit([&](Database& db) -> Status {
    ASSIGN_OR_RETURN(ExperimentRow experiment, FindExperiment(db, experiment_id));
    if (!experiment.active) {
      return ExperimentNotActive(experiment_id);
    }
    RETURN_IF_ERROR(UpsertExperimentTag(db, experiment.experiment_id, tag));
    return TouchExperiment(db, experiment.experiment_id, clock_.NowMillis());
  });
}

}  // namespace bucketflow::store

// Workspaces: create (with their Default experiment), read, bucket config, delete (cascading to
// everything logged in them).
#include <string>
#include <vector>

#include "core/random.h"
#include "store/sqlite/sqlite_store_internal.h"

namespace bucketflow::store {
namespace {

constexpr char kSelectWorkspace[] =
    "SELECT workspace_id, name, external_id, default_experiment_id, creation_time, bucket, "
    "prefix, region, s3_endpoint, sts_endpoint, addressing, role_arn, bucket_external_id "
    "FROM workspaces ";

// Everything that hangs off the workspace's experiments, children before parents. ?1 is the
// workspace id. metric_keys stay: they are shared by every workspace.
constexpr const char* kDeleteWorkspaceRows[] = {
    "DELETE FROM input_tags WHERE run_id IN (SELECT r.run_id FROM runs r JOIN experiments e "
    "ON e.experiment_id = r.experiment_id WHERE e.workspace_id = ?1)",
    "DELETE FROM run_inputs WHERE run_id IN (SELECT r.run_id FROM runs r JOIN experiments e "
    "ON e.experiment_id = r.experiment_id WHERE e.workspace_id = ?1)",
    "DELETE FROM params WHERE run_id IN (SELECT r.run_id FROM runs r JOIN experiments e "
    "ON e.experiment_id = r.experiment_id WHERE e.workspace_id = ?1)",
    "DELETE FROM tags WHERE run_id IN (SELECT r.run_id FROM runs r JOIN experiments e "
    "ON e.experiment_id = r.experiment_id WHERE e.workspace_id = ?1)",
    "DELETE FROM metrics WHERE run_id IN (SELECT r.run_id FROM runs r JOIN experiments e "
    "ON e.experiment_id = r.experiment_id WHERE e.workspace_id = ?1)",
    "DELETE FROM metrics_pending WHERE run_id IN (SELECT r.run_id FROM runs r JOIN experiments "
    "e ON e.experiment_id = r.experiment_id WHERE e.workspace_id = ?1)",
    "DELETE FROM latest_metrics WHERE run_id IN (SELECT r.run_id FROM runs r JOIN experiments "
    "e ON e.experiment_id = r.experiment_id WHERE e.workspace_id = ?1)",
    "DELETE FROM runs WHERE experiment_id IN "
    "(SELECT experiment_id FROM experiments WHERE workspace_id = ?1)",
    "DELETE FROM datasets WHERE experiment_id IN "
    "(SELECT experiment_id FROM experiments WHERE workspace_id = ?1)",
    "DELETE FROM experiment_tags WHERE experiment_id IN "
    "(SELECT experiment_id FROM experiments WHERE workspace_id = ?1)",
    "DELETE FROM experiments WHERE workspace_id = ?1",
    "DELETE FROM memberships WHERE workspace_id = ?1",
    "DELETE FROM tokens WHERE workspace_id = ?1",
    "DELETE FROM workspaces WHERE workspace_id = ?1",
};

std::string OptionalText(Statement& stmt, int column) {
  return stmt.ColumnIsNull(column) ? std::string() : stmt.ColumnText(column);
}

Workspace WorkspaceFromRow(Statement& stmt) {
  Workspace workspace{.id = stmt.ColumnInt(0),
                      .name = stmt.ColumnText(1),
                      .creation_time = stmt.ColumnInt(4),
                      .default_experiment_id = std::to_string(stmt.ColumnInt(3)),
                      .external_id = stmt.ColumnText(2),
                      .bucket = std::nullopt};
  if (!stmt.ColumnIsNull(5)) {
    workspace.bucket = WorkspaceBucket{.bucket = stmt.ColumnText(5),
                                       .prefix = OptionalText(stmt, 6),
                                       .region = OptionalText(stmt, 7),
                                       .s3_endpoint = OptionalText(stmt, 8),
                                       .sts_endpoint = OptionalText(stmt, 9),
                                       .addressing = OptionalText(stmt, 10),
                                       .role_arn = OptionalText(stmt, 11),
                                       .external_id = OptionalText(stmt, 12)};
  }
  return workspace;
}

// AWS's rule for sts:ExternalId: 2 to 1224 of [A-Za-z0-9+=,.@:/_-].
Status ValidateExternalId(std::string_view external_id) {
  bool valid = external_id.size() >= 2 && external_id.size() <= 1224;
  for (char c : external_id) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    valid = valid && (alnum || std::string_view("+=,.@:/_-").find(c) != std::string_view::npos);
  }
  if (!valid) {
    return Status::InvalidArgument(
        "invalid external id: use 2 to 1224 characters from A-Z a-z 0-9 + = , . @ : / _ -");
  }
  return Status::Ok();
}

Status BindBucket(Statement& stmt, const std::optional<WorkspaceBucket>& bucket) {
  if (!bucket.has_value()) {
    for (int column = 1; column <= 8; ++column) {
      stmt.BindNull(column);
    }
    return Status::Ok();
  }
  if (bucket->bucket.empty()) {
    return Status::InvalidArgument("a workspace bucket needs a bucket name");
  }
  stmt.BindStatic(1, bucket->bucket)
      .BindStatic(2, bucket->prefix)
      .BindStatic(3, bucket->region)
      .BindStatic(4, bucket->s3_endpoint)
      .BindStatic(5, bucket->sts_endpoint)
      .BindStatic(6, bucket->addressing)
      .BindStatic(7, bucket->role_arn)
      .BindStatic(8, bucket->external_id);
  return Status::Ok();
}

}  // namespace

Status WorkspaceNotFound(std::string_view name) {
  return Status::NotFound("workspace '", name, "' does not exist");
}

Status WorkspaceIdNotFound(int64_t workspace_id) {
  return Status::NotFound("workspace with id ", workspace_id, " does not exist");
}

Status CheckWorkspaceExists(Database& db, int64_t workspace_id) {
  ASSIGN_OR_RETURN(auto stmt, db.Cached("SELECT 1 FROM workspaces WHERE workspace_id = ?"));
  ASSIGN_OR_RETURN(bool row, stmt->Bind(1, workspace_id).Step());
  return row ? Status::Ok() : WorkspaceIdNotFound(workspace_id);
}

Result<Workspace> SqliteStore::CreateWorkspace(std::string_view name,
                                               std::string_view external_id) {
  RETURN_IF_ERROR(ValidateWorkspaceName(name));
  const std::string external = external_id.empty() ? RandomHex(16) : std::string(external_id);
  RETURN_IF_ERROR(ValidateExternalId(external));
  int64_t workspace_id = 0;
  Status status = writer_.Submit([&](Database& db) -> Status {
    ASSIGN_OR_RETURN(auto insert, db.Cached("INSERT INTO workspaces (name, external_id, "
                                            "default_experiment_id, creation_time) "
                                            "VALUES (?, ?, 0, ?)"));
    Status inserted =
        insert->BindStatic(1, name).BindStatic(2, external).Bind(3, clock_.NowMillis()).Run();
    if (inserted.code() == Code::kAlreadyExists) {
      return Status::AlreadyExists("workspace '", name, "' already exists");
    }
    RETURN_IF_ERROR(inserted);
    workspace_id = db.LastInsertRowid();
    ASSIGN_OR_RETURN(int64_t experiment_id, InsertExperiment(db, {.workspace_id = workspace_id,
                                                                  .name = "Default",
                                                                  .artifact_location = "",
                                                                  .tags = {}}));
    ASSIGN_OR_RETURN(auto update, db.Cached("UPDATE workspaces SET default_experiment_id = ? "
                                            "WHERE workspace_id = ?"));
    return update->Bind(1, experiment_id).Bind(2, workspace_id).Run();
  });
  RETURN_IF_ERROR(status);
  return GetWorkspaceById(workspace_id);
}

Result<Workspace> SqliteStore::GetWorkspace(std::string_view name) {
  ReaderPool::Lease reader = readers_->Acquire();
  ASSIGN_OR_RETURN(auto stmt, reader.db().Cached(std::string(kSelectWorkspace) + "WHERE name = ?"));
  ASSIGN_OR_RETURN(bool row, stmt->BindStatic(1, name).Step());
  if (!row) {
    return WorkspaceNotFound(name);
  }
  return WorkspaceFromRow(*stmt);
}

Result<Workspace> SqliteStore::GetWorkspaceById(int64_t workspace_id) {
  ReaderPool::Lease reader = readers_->Acquire();
  ASSIGN_OR_RETURN(auto stmt,
                   reader.db().Cached(std::string(kSelectWorkspace) + "WHERE workspace_id = ?"));
  ASSIGN_OR_RETURN(bool row, stmt->Bind(1, workspace_id).Step());
  if (!row) {
    return WorkspaceIdNotFound(workspace_id);
  }
  return WorkspaceFromRow(*stmt);
}

Result<std::vector<Workspace>> SqliteStore::ListWorkspaces() {
  ReaderPool::Lease reader = readers_->Acquire();
  ASSIGN_OR_RETURN(auto stmt, reader.db().Cached(std::string(kSelectWorkspace) + "ORDER BY name"));
  std::vector<Workspace> workspaces;
  for (;;) {
    ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) {
      return workspaces;
    }
    workspaces.push_back(WorkspaceFromRow(*stmt));
  }
}

Status SqliteStore::DeleteWorkspaceRows(Database& db, int64_t workspace_id) {
  for (const char* sql : kDeleteWorkspaceRows) {
    ASSIGN_OR_RETURN(auto stmt, db.Cached(sql));
    RETURN_IF_ERROR(stmt->Bind(1, workspace_id).Run());
  }
  // Staged metric rows may have gone with the runs: recount on next use.
  pending_metrics_.reset();
  return Status::Ok();
}

Status SqliteStore::DeleteWorkspace(int64_t workspace_id) {
  if (workspace_id == kDefaultWorkspaceId) {
    return Status::InvalidArgument("the default workspace cannot be deleted");
  }
  return writer_.Submit([&](Database& db) -> Status {
    RETURN_IF_ERROR(CheckWorkspaceExists(db, workspace_id));
    return DeleteWorkspaceRows(db, workspace_id);
  });
}

Status SqliteStore::SetWorkspaceBucket(int64_t workspace_id,
                                       const std::optional<WorkspaceBucket>& bucket) {
  return writer_.Submit([&](Database& db) -> Status {
    RETURN_IF_ERROR(CheckWorkspaceExists(db, workspace_id));
    ASSIGN_OR_RETURN(auto stmt, db.Cached("UPDATE workspaces SET bucket = ?1, prefix = ?2, "
                                          "region = ?3, s3_endpoint = ?4, sts_endpoint = ?5, "
                                          "addressing = ?6, role_arn = ?7, "
                                          "bucket_external_id = ?8 WHERE workspace_id = ?9"));
    RETURN_IF_ERROR(BindBucket(*stmt, bucket));
    return stmt->Bind(9, workspace_id).Run();
  });
}

}  // namespace bucketflow::store

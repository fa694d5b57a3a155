#include "store/sqlite/migrations.h"

#include <iterator>

#include "store/sqlite/migrations_sql.h"

namespace bucketflow::store {
namespace {

constexpr char kCreateVersionTable[] =
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)";

Result<int> ReadVersion(Database& db) {
  ASSIGN_OR_RETURN(auto stmt, db.Cached("SELECT max(version) FROM schema_version"));
  ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row || stmt->ColumnIsNull(0)) {
    return 0;
  }
  return static_cast<int>(stmt->ColumnInt(0));
}

Status WriteVersion(Database& db, int version) {
  RETURN_IF_ERROR(db.Exec("DELETE FROM schema_version"));
  ASSIGN_OR_RETURN(auto stmt, db.Cached("INSERT INTO schema_version (version) VALUES (?)"));
  return stmt->Bind(1, static_cast<int64_t>(version)).Run();
}

Status CreateDefaultExperiment(Database& db, const Config& config, const Clock& clock) {
  ASSIGN_OR_RETURN(auto stmt,
                   db.Cached("INSERT INTO experiments (experiment_id, name, artifact_location, "
                             "lifecycle_stage, creation_time, last_update_time) "
                             "VALUES (0, 'Default', ?, 'active', ?, ?)"));
  int64_t now = clock.NowMillis();
  return stmt->Bind(1, config.default_artifact_root + "/0").Bind(2, now).Bind(3, now).Run();
}

// Migration 003 creates workspace 1 with SQL's clock; the store's clock is the one tests control.
Status StampDefaultWorkspace(Database& db, const Clock& clock) {
  ASSIGN_OR_RETURN(auto stmt,
                   db.Cached("UPDATE workspaces SET creation_time = ? WHERE workspace_id = 1"));
  return stmt->Bind(1, clock.NowMillis()).Run();
}

// A table rebuild (migration 003) runs with foreign keys off; this is the check SQLite's
// procedure asks for before the commit. Only the rebuilt table and the tables that refer to it
// can have been broken by it; checking the whole database would scan metrics (the biggest
// table by far) on every upgrade.
constexpr const char* kRebuiltTableChecks[] = {
    "PRAGMA foreign_key_check(experiments)",
    "PRAGMA foreign_key_check(experiment_tags)",
    "PRAGMA foreign_key_check(runs)",
    "PRAGMA foreign_key_check(datasets)",
};

Status CheckForeignKeys(Database& db) {
  for (const char* check : kRebuiltTableChecks) {
    ASSIGN_OR_RETURN(Statement stmt, db.Prepare(check));
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (row) {
      return Status::Internal("foreign key violation in table ", stmt.ColumnText(0),
                              " after migration");
    }
  }
  return Status::Ok();
}

// Everything inside the caller's transaction.
Result<int> MigrateLocked(Database& db, const Config& config, const Clock& clock) {
  RETURN_IF_ERROR(db.Exec(kCreateVersionTable));
  ASSIGN_OR_RETURN(int version, ReadVersion(db));
  const int latest = LatestSchemaVersion();
  if (version > latest) {
    return Status::FailedPrecondition("database schema version ", version,
                                      " is newer than this binary supports (", latest,
                                      "); upgrade bucketflow");
  }
  if (version == latest) {
    return version;
  }
  for (int step = version; step < latest; ++step) {
    Status status = db.Exec(kMigrations[step]);
    if (!status.ok()) {
      return Status::Internal("migration to schema version ", step + 1,
                              " failed: ", status.message());
    }
  }
  if (version == 0) {
    RETURN_IF_ERROR(CreateDefaultExperiment(db, config, clock));
  }
  if (version < 3) {
    RETURN_IF_ERROR(StampDefaultWorkspace(db, clock));
  }
  RETURN_IF_ERROR(CheckForeignKeys(db));
  RETURN_IF_ERROR(WriteVersion(db, latest));
  return latest;
}

}  // namespace

int LatestSchemaVersion() { return static_cast<int>(std::size(kMigrations)); }

Result<int> MigrateDatabase(Database& db, const Config& config, const Clock& clock) {
  // IMMEDIATE takes the write lock up front, so two processes opening a new file at once
  // serialise here instead of both creating the schema.
  // Foreign keys are off for the migration (a rebuilt table is dropped while others still refer
  // to it) and checked before COMMIT; the pragma is a no-op inside a transaction, hence here.
  RETURN_IF_ERROR(db.Exec("PRAGMA foreign_keys=OFF"));
  Status begin = db.Exec("BEGIN IMMEDIATE");
  if (!begin.ok()) {
    (void)db.Exec("PRAGMA foreign_keys=ON");
    return begin;
  }
  Result<int> version = MigrateLocked(db, config, clock);
  Status end = version.ok() ? db.Exec("COMMIT") : db.Exec("ROLLBACK");
  RETURN_IF_ERROR(db.Exec("PRAGMA foreign_keys=ON"));
  if (!version.ok()) {
    return version.status();
  }
  RETURN_IF_ERROR(end);
  return version;
}

}  // namespace bucketflow::store

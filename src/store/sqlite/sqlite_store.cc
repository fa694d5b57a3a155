#include "store/sqlite/sqlite_store.h"

#include <charconv>
#include <filesystem>
#include <system_error>
#include <utility>

#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_store_internal.h"

namespace bucketflow::store {
namespace {

Result<std::unique_ptr<Database>> OpenAndMigrate(const SqliteConfig& sqlite, const Config& config,
                                                 const Clock& clock) {
  if (sqlite.path.empty() || sqlite.path == ":memory:" || sqlite.path.starts_with("file:")) {
    return Status::InvalidArgument("unsupported SQLite database path '", sqlite.path,
                                   "': give a file path");
  }
  std::filesystem::path parent = std::filesystem::path(sqlite.path).parent_path();
  if (!parent.empty()) {
    std::error_code error;
    std::filesystem::create_directories(parent, error);
    if (error) {
      return Status::Internal("cannot create directory ", parent.string(), ": ", error.message());
    }
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Database::Open(sqlite.path, /*create=*/true));
  Result<int> version = MigrateDatabase(*db, config, clock);
  if (!version.ok()) {
    return Status(version.status().code(),
                  sqlite.path + ": " + std::string(version.status().message()));
  }
  return db;
}

}  // namespace

Result<std::unique_ptr<SqliteBackend>> OpenSqliteBackend(const SqliteConfig& sqlite,
                                                         const Config& config, const Clock& clock) {
  ASSIGN_OR_RETURN(std::unique_ptr<Database> writer_db, OpenAndMigrate(sqlite, config, clock));
  ASSIGN_OR_RETURN(std::unique_ptr<ReaderPool> readers,
                   ReaderPool::Open(sqlite.path, sqlite.reader_connections));
  return std::unique_ptr<SqliteBackend>(std::make_unique<SqliteStore>(
      config, clock, std::move(readers), std::move(writer_db), sqlite.group_commit_max_batch));
}

Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteConfig& sqlite, const Config& config,
                                               const Clock& clock) {
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteBackend> backend,
                   OpenSqliteBackend(sqlite, config, clock));
  return std::unique_ptr<Store>(std::move(backend));
}

Result<int> UpgradeSqliteDatabase(const SqliteConfig& sqlite, const Config& config,
                                  const Clock& clock) {
  ASSIGN_OR_RETURN(std::unique_ptr<Database> db, OpenAndMigrate(sqlite, config, clock));
  return LatestSchemaVersion();
}

SqliteStore::SqliteStore(const Config& config, const Clock& clock,
                         std::unique_ptr<ReaderPool> readers, std::unique_ptr<Database> writer_db,
                         int group_commit_max_batch)
    : config_(config),
      clock_(clock),
      readers_(std::move(readers)),
      writer_(std::move(writer_db), group_commit_max_batch, [this] {
        metric_keys_.Clear();
        pending_metrics_.reset();
      }) {}

std::optional<int64_t> ParseExperimentId(std::string_view id) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(id.data(), id.data() + id.size(), value);
  if (id.empty() || error != std::errc() || end != id.data() + id.size() || value < 0) {
    return std::nullopt;
  }
  return value;
}

Status ExperimentNotFound(std::string_view id) {
  return Status::NotFound("No Experiment with id=", id, " exists");
}

Status RunNotFound(std::string_view run_id) {
  return Status::NotFound("Run with id=", run_id, " not found");
}

Status RunNotActive(std::string_view run_id) {
  return Status::InvalidArgument("The run ", run_id,
                                 " must be in the 'active' state. Current state is deleted.");
}

Status ExperimentNotActive(std::string_view id) {
  return Status::InvalidArgument("The experiment ", id,
                                 " must be in the 'active' state. Current state is deleted.");
}

Result<ExperimentRow> FindExperiment(Database& db, std::string_view experiment_id) {
  std::optional<int64_t> id = ParseExperimentId(experiment_id);
  if (!id) {
    return ExperimentNotFound(experiment_id);
  }
  ASSIGN_OR_RETURN(auto stmt, db.Cached("SELECT artifact_location, lifecycle_stage = 'active' "
                                        "FROM experiments WHERE experiment_id = ?"));
  ASSIGN_OR_RETURN(bool row, stmt->Bind(1, *id).Step());
  if (!row) {
    return ExperimentNotFound(experiment_id);
  }
  return ExperimentRow{.experiment_id = *id,
                       .artifact_location = stmt->ColumnText(0),
                       .active = stmt->ColumnInt(1) != 0};
}

Result<RunRow> FindRun(Database& db, std::string_view run_id) {
  ASSIGN_OR_RETURN(auto stmt, db.Cached("SELECT run_id, experiment_id, lifecycle_stage = 'active' "
                                        "FROM runs WHERE run_uuid = ?"));
  ASSIGN_OR_RETURN(bool row, stmt->BindStatic(1, run_id).Step());
  if (!row) {
    return RunNotFound(run_id);
  }
  return RunRow{.internal_id = stmt->ColumnInt(0),
                .experiment_id = stmt->ColumnInt(1),
                .active = stmt->ColumnInt(2) != 0};
}

Result<RunRow> FindActiveRun(Database& db, std::string_view run_id) {
  ASSIGN_OR_RETURN(RunRow run, FindRun(db, run_id));
  if (!run.active) {
    return RunNotActive(run_id);
  }
  return run;
}

std::string IdsAsJson(std::span<const int64_t> ids) {
  std::string json = "[";
  for (size_t id_idx = 0; id_idx < ids.size(); ++id_idx) {
    if (id_idx > 0) {
      json += ',';
    }
    json += std::to_string(ids[id_idx]);
  }
  json += ']';
  return json;
}

Result<int64_t> MetricKeyCache::Intern(Database& db, std::string_view key) {
  auto it = ids_.find(key);
  if (it != ids_.end()) {
    return it->second;
  }
  ASSIGN_OR_RETURN(
      auto insert,
      db.Cached("INSERT INTO metric_keys (key) VALUES (?) ON CONFLICT (key) DO NOTHING"));
  RETURN_IF_ERROR(insert->BindStatic(1, key).Run());
  ASSIGN_OR_RETURN(auto select, db.Cached("SELECT key_id FROM metric_keys WHERE key = ?"));
  ASSIGN_OR_RETURN(bool row, select->BindStatic(1, key).Step());
  if (!row) {
    return Status::Internal("metric key '", key, "' vanished after insert");
  }
  int64_t key_id = select->ColumnInt(0);
  ids_.emplace(std::string(key), key_id);
  return key_id;
}

}  // namespace bucketflow::store

#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "store/sqlite/database.h"
#include "store/sqlite/reader_pool.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/writer.h"
#include "store/store.h"

// The SQLite store's pieces, shared by its .cc files (experiments, runs, logging, loading,
// search). Not part of any other module's contract.
namespace bucketflow::store {

// What a write needs to know about a run before touching it.
struct RunRow {
  int64_t internal_id = 0;
  int64_t experiment_id = 0;
  bool active = true;
};

struct ExperimentRow {
  int64_t experiment_id = 0;
  std::string artifact_location;
  bool active = true;
};

// Experiment ids are INTEGER keys shown as strings; anything else names no experiment.
std::optional<int64_t> ParseExperimentId(std::string_view id);

Status ExperimentNotFound(std::string_view id);
Status RunNotFound(std::string_view run_id);
Status RunNotActive(std::string_view run_id);
Status ExperimentNotActive(std::string_view id);

// kNotFound with MLflow's wording when missing.
Result<ExperimentRow> FindExperiment(Database& db, std::string_view experiment_id);
Result<RunRow> FindRun(Database& db, std::string_view run_id);
// FindRun, then kInvalidArgument when the run is deleted.
Result<RunRow> FindActiveRun(Database& db, std::string_view run_id);

// Set-based loaders: a fixed number of queries for any number of ids. Results follow the order
// of `ids`; ids that do not exist are skipped.
Result<std::vector<model::Run>> LoadRuns(Database& db, std::span<const int64_t> ids);
Result<std::vector<model::Experiment>> LoadExperiments(Database& db, std::span<const int64_t> ids);

// "[1,2,3]": bound to `json_each(?)` so one cached statement serves any number of ids.
std::string IdsAsJson(std::span<const int64_t> ids);

// Metric keys interned to integer ids; owned by the writer thread. Entries are dropped whenever
// a transaction (or savepoint) rolls back, since the ids they hold may have been undone.
class MetricKeyCache {
 public:
  Result<int64_t> Intern(Database& db, std::string_view key);
  void Clear() { ids_.clear(); }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
  };
  std::unordered_map<std::string, int64_t, Hash, std::equal_to<>> ids_;
};

Status WorkspaceNotFound(std::string_view name);
Status WorkspaceIdNotFound(int64_t workspace_id);
Status UserIdNotFound(int64_t user_id);
// kNotFound unless the row exists (checked before writes so that a missing parent is a clear
// kNotFound rather than a foreign-key failure).
Status CheckWorkspaceExists(Database& db, int64_t workspace_id);
Status CheckUserExists(Database& db, int64_t user_id);
// The role stored as its number (1..3); nullopt for anything else.
std::optional<Role> ParseRoleNumber(int64_t number);

class SqliteStore final : public SqliteBackend {
 public:
  SqliteStore(const Config& config, const Clock& clock, std::unique_ptr<ReaderPool> readers,
              std::unique_ptr<Database> writer_db, int group_commit_max_batch);

  Result<std::string> CreateExperiment(const NewExperiment& experiment) override;
  Result<model::Experiment> GetExperiment(std::string_view experiment_id) override;
  Result<model::Experiment> GetExperimentByName(std::string_view name) override;
  Result<model::Experiment> GetExperimentByNameIn(int64_t workspace_id,
                                                  std::string_view name) override;
  Result<ExperimentPage> SearchExperiments(const ExperimentSearch& search) override;
  Status RenameExperiment(std::string_view experiment_id, std::string_view new_name) override;
  Status DeleteExperiment(std::string_view experiment_id) override;
  Status RestoreExperiment(std::string_view experiment_id) override;
  Status SetExperimentTag(std::string_view experiment_id, const model::Tag& tag) override;

  Result<model::Run> CreateRun(const NewRun& run) override;
  Result<model::Run> GetRun(std::string_view run_id) override;
  Result<model::RunInfo> UpdateRun(const RunUpdate& update) override;
  Status DeleteRun(std::string_view run_id) override;
  Status RestoreRun(std::string_view run_id) override;

  Status LogBatch(std::string_view run_id, std::span<const model::Metric> metrics,
                  std::span<const model::Param> params, std::span<const model::Tag> tags) override;
  Status DeleteTag(std::string_view run_id, std::string_view key) override;
  Status LogInputs(std::string_view run_id, std::span<const model::DatasetInput> inputs) override;

  Result<std::vector<model::Metric>> GetMetricHistory(std::string_view run_id,
                                                      std::string_view key) override;
  Result<RunPage> SearchRuns(const RunSearch& search) override;
  Result<std::vector<model::DatasetSummary>> SearchDatasets(
      std::span<const std::string> experiment_ids) override;
  Result<int64_t> ExperimentWorkspace(std::string_view experiment_id) override;
  Result<int64_t> RunWorkspace(std::string_view run_id) override;

  // AccessStore (workspace_ops.cc, user_ops.cc, token_ops.cc, audit_ops.cc).
  Result<Workspace> CreateWorkspace(std::string_view name, std::string_view external_id) override;
  Result<Workspace> GetWorkspace(std::string_view name) override;
  Result<Workspace> GetWorkspaceById(int64_t workspace_id) override;
  Result<std::vector<Workspace>> ListWorkspaces() override;
  Status DeleteWorkspace(int64_t workspace_id) override;
  Status SetWorkspaceBucket(int64_t workspace_id,
                            const std::optional<WorkspaceBucket>& bucket) override;

  Result<User> CreateUser(const User& user) override;
  Result<User> GetUser(std::string_view name) override;
  Result<User> GetUserById(int64_t user_id) override;
  Result<std::vector<User>> ListUsers() override;
  Status DeleteUser(int64_t user_id) override;
  Status SetUserPassword(int64_t user_id, std::string_view password_hash) override;

  Status SetMembership(int64_t workspace_id, int64_t user_id, Role role) override;
  Status RemoveMembership(int64_t workspace_id, int64_t user_id) override;
  Result<std::vector<Membership>> ListWorkspaceMembers(int64_t workspace_id) override;
  Result<std::vector<Membership>> ListUserMemberships(int64_t user_id) override;

  Result<Token> CreateToken(const Token& token) override;
  Result<Token> FindToken(std::string_view hash) override;
  Result<Token> GetToken(int64_t token_id) override;
  Result<std::vector<Token>> ListTokens(const TokenFilter& filter) override;
  Status RevokeToken(int64_t token_id, int64_t revocation_time) override;

  Status AppendAudit(const AuditEntry& entry) override;
  Result<AuditPage> ListAudit(const AuditQuery& query) override;

 private:
  // Inserts an experiment (default location from its id) and its tags; returns the id.
  Result<int64_t> InsertExperiment(Database& db, const NewExperiment& experiment);
  // Removes every row that belongs to the workspace's experiments (writer thread).
  Status DeleteWorkspaceRows(Database& db, int64_t workspace_id);
  // Writer-thread helpers (run inside Writer::Submit closures).
  Status SetExperimentLifecycle(Database& db, std::string_view experiment_id, bool active);
  Status InsertRunTags(Database& db, int64_t run, std::span<const model::Tag> tags);
  Status LogParams(Database& db, std::string_view run_id, int64_t run,
                   std::span<const model::Param> params);
  Status LogMetrics(Database& db, int64_t run, std::span<const model::Metric> metrics);
  // Counts `added` rows staged in metrics_pending and moves them into metrics past a threshold.
  Status NotePendingMetrics(Database& db, int64_t added);
  // Moves metrics_pending into metrics (inside the caller's transaction).
  Status MovePendingMetrics(Database& db);
  Status LogInput(Database& db, const RunRow& run, const model::DatasetInput& input);
  Status SetRunLifecycle(std::string_view run_id, bool active);

  // Immutable after construction.
  const Config config_;
  const Clock& clock_;
  std::unique_ptr<ReaderPool> readers_;

  // Writer-thread state; see MetricKeyCache.
  MetricKeyCache metric_keys_;
  // Per-batch scratch for the latest-metric reduction, reused so the hot path does not allocate.
  std::vector<std::pair<int64_t, size_t>> latest_scratch_;
  // Rows in metrics_pending; unknown (recounted on next use) after any rollback.
  std::optional<int64_t> pending_metrics_;

  Writer writer_;  // last: its thread may touch the members above, so it stops first
};

}  // namespace bucketflow::store

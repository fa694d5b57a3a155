// Searches: the search engineer's compiler (search_sql.h) turns a RunSearch / ExperimentSearch
// into one SELECT of internal ids for the page; the page is then loaded set-based.
#include <string>
#include <vector>

#include "store/sqlite/search_sql.h"
#include "store/sqlite/sqlite_store_internal.h"

namespace bucketflow::store {
namespace {

// MLflow's cap on experiment ids per SearchDatasets request and on the summaries it returns.
constexpr size_t kMaxDatasetExperiments = 20;
constexpr int64_t kMaxDatasetSummaries = 1000;

// Runs the compiled id query; returns at most query.limit ids plus the next page token.
Result<std::pair<std::vector<int64_t>, std::string>> PageIdQuery(Database& db,
                                                                 const CompiledQuery& query) {
  ASSIGN_OR_RETURN(Statement stmt, db.Prepare(query.sql));
  RETURN_IF_ERROR(BindSqlValues(stmt.raw(), query.binds));
  std::vector<int64_t> ids;
  for (;;) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) {
      break;
    }
    ids.push_back(stmt.ColumnInt(0));
  }
  std::string token = NextPageToken(query, ids.size());
  if (query.limit >= 0 && ids.size() > static_cast<size_t>(query.limit)) {
    ids.resize(static_cast<size_t>(query.limit));
  }
  return std::make_pair(std::move(ids), std::move(token));
}

}  // namespace

Result<RunPage> SqliteStore::SearchRuns(const RunSearch& search) {
  ASSIGN_OR_RETURN(CompiledQuery query, CompileRunSearch(search));
  ReaderPool::Lease reader = readers_->Acquire();
  ASSIGN_OR_RETURN(auto ids_and_token, PageIdQuery(reader.db(), query));
  RunPage page;
  ASSIGN_OR_RETURN(page.runs, LoadRuns(reader.db(), ids_and_token.first));
  page.next_page_token = std::move(ids_and_token.second);
  return page;
}

Result<ExperimentPage> SqliteStore::SearchExperiments(const ExperimentSearch& search) {
  ASSIGN_OR_RETURN(CompiledQuery query, CompileExperimentSearch(search));
  ReaderPool::Lease reader = readers_->Acquire();
  ASSIGN_OR_RETURN(auto ids_and_token, PageIdQuery(reader.db(), query));
  ExperimentPage page;
  ASSIGN_OR_RETURN(page.experiments, LoadExperiments(reader.db(), ids_and_token.first));
  page.next_page_token = std::move(ids_and_token.second);
  return page;
}

Result<std::vector<model::DatasetSummary>> SqliteStore::SearchDatasets(
    std::span<const std::string> experiment_ids) {
  if (experiment_ids.size() > kMaxDatasetExperiments) {
    return Status::InvalidArgument("SearchDatasets request cannot specify more than ",
                                   kMaxDatasetExperiments, " experiment_ids. Received ",
                                   experiment_ids.size(), " experiment_ids.");
  }
  std::vector<int64_t> ids;
  for (const std::string& id : experiment_ids) {
    if (std::optional<int64_t> parsed = ParseExperimentId(id)) {
      ids.push_back(*parsed);  // an id that is not a number names no experiment: no datasets
    }
  }
  std::vector<model::DatasetSummary> summaries;
  if (ids.empty()) {
    return summaries;
  }
  const std::string ids_json = IdsAsJson(ids);
  ReaderPool::Lease reader = readers_->Acquire();
  ASSIGN_OR_RETURN(
      auto stmt,
      reader.db().Cached(
          "SELECT DISTINCT d.experiment_id, d.name, d.digest, coalesce(t.value, '') "
          "FROM datasets d JOIN run_inputs i ON i.dataset_id = d.dataset_id "
          "LEFT JOIN input_tags t ON t.run_id = i.run_id AND t.dataset_id = i.dataset_id "
          "AND t.key = 'mlflow.data.context' "
          "WHERE d.experiment_id IN (SELECT value FROM json_each(?)) "
          "ORDER BY d.experiment_id, d.name, d.digest, 4 LIMIT ?"));
  stmt->BindStatic(1, ids_json).Bind(2, kMaxDatasetSummaries);
  for (;;) {
    ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) {
      break;
    }
    summaries.push_back({.experiment_id = std::to_string(stmt->ColumnInt(0)),
                         .name = stmt->ColumnText(1),
                         .digest = stmt->ColumnText(2),
                         .context = stmt->ColumnText(3)});
  }
  return summaries;
}

}  // namespace bucketflow::store

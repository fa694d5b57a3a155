#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/status.h"
#include "store/search/page_token.h"  // EncodePageToken, DecodePageToken
#include "store/store.h"

struct sqlite3_stmt;

// Compiles MLflow run/experiment searches (filter grammar, order_by, page token, max_results)
// into one SQLite SELECT with bound parameters only: no user text ever becomes SQL.
// Stateless free functions; safe for concurrent use.
namespace bucketflow::store {

using SqlValue = std::variant<int64_t, double, std::string>;

struct CompiledQuery {
  // Selects one column (runs.run_id, the internal integer id, or experiments.experiment_id) in
  // result order, ending in "LIMIT limit+1 OFFSET offset" (both bound): a (limit+1)-th row
  // means another page exists, whose token is NextPageToken() / EncodePageToken(offset + limit).
  std::string sql;
  std::vector<SqlValue> binds;  // bind in order to ?1, ?2, ... (see BindSqlValues)
  int64_t offset = 0;
  int64_t limit = 0;
};

// Errors are kInvalidArgument with MLflow's wording (bad filter, order_by, page token,
// max_results, experiment id).
Result<CompiledQuery> CompileRunSearch(const RunSearch& search);
Result<CompiledQuery> CompileExperimentSearch(const ExperimentSearch& search);

// Binds `binds` to parameters 1..n of `stmt`. kInternal if SQLite refuses.
Status BindSqlValues(sqlite3_stmt* stmt, const std::vector<SqlValue>& binds);

// The token for the page after `query`, given how many rows its SQL returned; empty when
// there is no next page.
std::string NextPageToken(const CompiledQuery& query, size_t rows_returned);

}  // namespace bucketflow::store

#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "store/search/filter.h"
#include "store/sqlite/search_sql.h"

// Internal to search_sql*.cc: the pieces every compiled search shares. The only text that ever
// enters the SQL is written here; user values go through Bind().
namespace bucketflow::store {

class SqlBuilder {
 public:
  // Appends a bound parameter and returns its placeholder ("?3").
  std::string Bind(SqlValue value);

  // "<column> <op> ?" for a string clause (=, !=, LIKE, ILIKE, IN, NOT IN). LIKE is
  // case-sensitive (MLflow semantics) and ILIKE case-insensitive for ASCII, independent of
  // the connection's case_sensitive_like setting.
  std::string StringCondition(std::string_view column, const FilterClause& clause);
  // "<column> <op> ?" for a numeric clause (=, !=, <, <=, >, >=).
  std::string NumericCondition(std::string_view column, const FilterClause& clause);

  std::vector<SqlValue> TakeBinds() { return std::move(binds_); }

 private:
  std::vector<SqlValue> binds_;
};

// Translates a SQL LIKE pattern (% and _) into an equivalent GLOB pattern.
std::string LikeToGlob(std::string_view like);

// Checks max_results (1..50000) and decodes the page token into offset/limit.
Status ResolvePage(int64_t max_results, std::string_view page_token, CompiledQuery& query);

// Appends "LIMIT ? OFFSET ?" (limit + 1 rows, so the caller can see whether a next page exists).
void AppendLimit(SqlBuilder& builder, CompiledQuery& query);

std::string_view LifecycleFor(model::ViewType view_type);  // "" = any

}  // namespace bucketflow::store

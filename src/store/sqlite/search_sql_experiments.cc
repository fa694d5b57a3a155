#include "store/search/filter.h"
#include "store/search/order_by.h"
#include "store/sqlite/search_sql.h"
#include "store/sqlite/search_sql_internal.h"

namespace bucketflow::store {
namespace {

std::string ExperimentColumn(std::string_view attribute) {
  return "e." + std::string(attribute);  // only names ParseExperiment* accepted reach here
}

std::string TagCondition(SqlBuilder& sql, const FilterClause& clause) {
  const std::string exists =
      "EXISTS (SELECT 1 FROM experiment_tags t WHERE t.experiment_id = e.experiment_id AND "
      "t.key = " +
      sql.Bind(clause.key);
  if (clause.comparator == Comparator::kIsNull) {
    return "NOT " + exists + ")";
  }
  if (clause.comparator == Comparator::kIsNotNull) {
    return exists + ")";
  }
  return exists + " AND " + sql.StringCondition("t.value", clause) + ")";
}

std::string FilterCondition(SqlBuilder& sql, const FilterClause& clause) {
  if (clause.entity == Entity::kTag) {
    return TagCondition(sql, clause);
  }
  const std::string column = ExperimentColumn(clause.key);
  return IsNumericAttribute(clause.key) ? sql.NumericCondition(column, clause)
                                        : sql.StringCondition(column, clause);
}

// MLflow's order: the given keys, then experiment_id DESC as tie-breaker; with no order_by,
// creation_time DESC, experiment_id ASC.
std::string OrderClause(const std::vector<OrderKey>& orders) {
  if (orders.empty()) {
    return "e.creation_time DESC, e.experiment_id ASC";
  }
  std::string out;
  bool has_id = false;
  for (const OrderKey& order : orders) {
    out += (out.empty() ? "" : ", ") + ExperimentColumn(order.key) +
           (order.ascending ? " ASC" : " DESC");
    has_id |= order.key == "experiment_id";
  }
  return has_id ? out : out + ", e.experiment_id DESC";
}

}  // namespace

Result<CompiledQuery> CompileExperimentSearch(const ExperimentSearch& search) {
  CompiledQuery query;
  RETURN_IF_ERROR(ResolvePage(search.max_results, search.page_token, query));
  ASSIGN_OR_RETURN(std::vector<FilterClause> clauses, ParseExperimentFilter(search.filter));
  ASSIGN_OR_RETURN(std::vector<OrderKey> orders, ParseExperimentOrderBy(search.order_by));
  SqlBuilder sql;
  std::string where = "e.workspace_id = " + sql.Bind(search.workspace_id);
  const std::string_view lifecycle = LifecycleFor(search.view_type);
  if (!lifecycle.empty()) {
    where += " AND e.lifecycle_stage = " + sql.Bind(std::string(lifecycle));
  }
  for (const FilterClause& clause : clauses) {
    where += (where.empty() ? "" : " AND ") + FilterCondition(sql, clause);
  }
  query.sql = "SELECT e.experiment_id FROM experiments e WHERE " + where;
  query.sql += " ORDER BY " + OrderClause(orders);
  AppendLimit(sql, query);
  query.binds = sql.TakeBinds();
  return query;
}

}  // namespace bucketflow::store

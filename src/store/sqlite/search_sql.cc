#include "store/sqlite/search_sql.h"

#include <charconv>
#include <tuple>

#include "store/search/filter.h"
#include "store/search/order_by.h"
#include "store/sqlite/search_sql_internal.h"

namespace bucketflow::store {
namespace {

constexpr std::string_view kDatasetContextTag = "mlflow.data.context";

std::string_view RunColumn(std::string_view attribute) {
  if (attribute == "run_id") {
    return "r.run_uuid";
  }
  if (attribute == "run_name") {
    return "r.name";
  }
  if (attribute == "user_id") {
    return "r.user_id";
  }
  if (attribute == "status") {
    return "r.status";
  }
  if (attribute == "start_time") {
    return "r.start_time";
  }
  if (attribute == "end_time") {
    return "r.end_time";
  }
  if (attribute == "artifact_uri") {
    return "r.artifact_uri";
  }
  return "r.lifecycle_stage";
}

// Builds one runs query. Filters on metrics/params/tags become inner joins that SQLite can
// drive from the (key, value, run_id) indexes; order keys that no filter already joined become
// LEFT JOINs, so runs without the key still appear (last).
class RunQuery {
 public:
  Result<CompiledQuery> Build(const RunSearch& search);

 private:
  std::string NextAlias(char prefix) { return prefix + std::to_string(alias_count_++); }
  std::string MetricKeyId(const std::string& key) {
    return "(SELECT key_id FROM metric_keys WHERE key = " + sql_.Bind(key) + ")";
  }
  void AddScope(const RunSearch& search);
  void AddFilter(const FilterClause& clause);
  void AddMetricFilter(const FilterClause& clause);
  void AddKeyValueFilter(std::string_view table, const FilterClause& clause);
  void AddDatasetFilter(const FilterClause& clause);
  void AddOrder(const OrderKey& order);
  std::string JoinOrderKey(const OrderKey& order);  // LEFT JOIN; returns its alias
  const std::string* JoinedAlias(Entity entity, const std::string& key) const;

  SqlBuilder sql_;
  std::string joins_;
  std::string where_;
  std::string order_;
  int alias_count_ = 0;
  // (entity, key, alias) of inner joins whose row is guaranteed to exist.
  std::vector<std::tuple<Entity, std::string, std::string>> joined_;
};

void RunQuery::AddScope(const RunSearch& search) {
  std::string ids;
  for (const std::string& id : search.experiment_ids) {
    int64_t value = 0;
    const auto [end, error] = std::from_chars(id.data(), id.data() + id.size(), value);
    // A non-numeric id names no experiment: it matches nothing, as in MLflow.
    if (error == std::errc() && end == id.data() + id.size()) {
      ids += (ids.empty() ? "" : ", ") + sql_.Bind(value);
    }
  }
  where_ = "r.experiment_id IN (" + ids + ")";
  const std::string_view lifecycle = LifecycleFor(search.view_type);
  if (!lifecycle.empty()) {
    where_ += " AND r.lifecycle_stage = " + sql_.Bind(std::string(lifecycle));
  }
}

void RunQuery::AddMetricFilter(const FilterClause& clause) {
  if (clause.comparator == Comparator::kIsNull) {
    where_ +=
        " AND NOT EXISTS (SELECT 1 FROM latest_metrics x WHERE x.run_id = r.run_id AND "
        "x.key_id = " +
        MetricKeyId(clause.key) + ")";
    return;
  }
  const std::string alias = NextAlias('m');
  joins_ += " JOIN latest_metrics " + alias + " ON " + alias + ".run_id = r.run_id AND " + alias +
            ".key_id = " + MetricKeyId(clause.key);
  if (clause.comparator == Comparator::kNe) {
    // NaN (stored as NULL) differs from every number.
    joins_ += " AND (" + sql_.NumericCondition(alias + ".value", clause) + " OR " + alias +
              ".is_nan = 1)";
  } else if (clause.comparator != Comparator::kIsNotNull) {
    joins_ += " AND " + sql_.NumericCondition(alias + ".value", clause);
  }
  joined_.emplace_back(Entity::kMetric, clause.key, alias);
}

void RunQuery::AddKeyValueFilter(std::string_view table, const FilterClause& clause) {
  const std::string tbl(table);
  if (clause.comparator == Comparator::kIsNull) {
    where_ += " AND NOT EXISTS (SELECT 1 FROM " + tbl +
              " x WHERE x.run_id = r.run_id AND x.key = " + sql_.Bind(clause.key) + ")";
    return;
  }
  const std::string alias = NextAlias(table == "params" ? 'p' : 't');
  joins_ += " JOIN " + tbl + " " + alias + " ON " + alias + ".run_id = r.run_id AND " + alias +
            ".key = " + sql_.Bind(clause.key);
  if (clause.comparator != Comparator::kIsNotNull) {
    joins_ += " AND " + sql_.StringCondition(alias + ".value", clause);
  }
  joined_.emplace_back(clause.entity, clause.key, alias);
}

void RunQuery::AddDatasetFilter(const FilterClause& clause) {
  if (clause.key == "context") {
    where_ += " AND EXISTS (SELECT 1 FROM input_tags it WHERE it.run_id = r.run_id AND it.key = " +
              sql_.Bind(std::string(kDatasetContextTag)) + " AND " +
              sql_.StringCondition("it.value", clause) + ")";
    return;
  }
  where_ +=
      " AND EXISTS (SELECT 1 FROM run_inputs ri JOIN datasets d ON d.dataset_id = "
      "ri.dataset_id WHERE ri.run_id = r.run_id AND " +
      sql_.StringCondition(clause.key == "name" ? "d.name" : "d.digest", clause) + ")";
}

void RunQuery::AddFilter(const FilterClause& clause) {
  switch (clause.entity) {
    case Entity::kMetric:
      return AddMetricFilter(clause);
    case Entity::kParam:
      return AddKeyValueFilter("params", clause);
    case Entity::kTag:
      return AddKeyValueFilter("tags", clause);
    case Entity::kDataset:
      return AddDatasetFilter(clause);
    case Entity::kAttribute:
      break;
  }
  const std::string column(RunColumn(clause.key));
  if (clause.comparator == Comparator::kIsNull || clause.comparator == Comparator::kIsNotNull) {
    where_ +=
        " AND " + column + (clause.comparator == Comparator::kIsNull ? " IS NULL" : " IS NOT NULL");
  } else if (IsNumericAttribute(clause.key)) {
    where_ += " AND " + sql_.NumericCondition(column, clause);
  } else {
    where_ += " AND " + sql_.StringCondition(column, clause);
  }
}

const std::string* RunQuery::JoinedAlias(Entity entity, const std::string& key) const {
  for (const auto& [joined_entity, joined_key, alias] : joined_) {
    if (joined_entity == entity && joined_key == key) {
      return &alias;
    }
  }
  return nullptr;
}

std::string RunQuery::JoinOrderKey(const OrderKey& order) {
  const std::string alias = NextAlias('o');
  if (order.entity == Entity::kMetric) {
    joins_ += " LEFT JOIN latest_metrics " + alias + " ON " + alias + ".run_id = r.run_id AND " +
              alias + ".key_id = " + MetricKeyId(order.key);
  } else {
    joins_ += std::string(" LEFT JOIN ") + (order.entity == Entity::kParam ? "params " : "tags ") +
              alias + " ON " + alias + ".run_id = r.run_id AND " + alias +
              ".key = " + sql_.Bind(order.key);
  }
  return alias;
}

void RunQuery::AddOrder(const OrderKey& order) {
  std::string direction = order.ascending ? " ASC" : " DESC";
  std::string value;
  std::string missing_rank;  // MLflow's order: values, then NaN metrics, then runs without the key
  if (order.entity == Entity::kAttribute) {
    value = RunColumn(order.key);
    if (order.key == "end_time") {
      missing_rank = value + " IS NULL";
    }
  } else if (const std::string* joined = JoinedAlias(order.entity, order.key)) {
    // The filter's inner join guarantees the row, so only NaN (stored as NULL) needs placing
    // last; plain NULLS LAST lets SQLite walk latest_metrics_by_key in order and stop at LIMIT.
    value = *joined + ".value";
    direction += " NULLS LAST";
  } else {
    const std::string alias = JoinOrderKey(order);
    value = alias + ".value";
    missing_rank = order.entity == Entity::kMetric
                       ? "CASE WHEN " + alias + ".run_id IS NULL THEN 2 WHEN " + alias +
                             ".is_nan = 1 THEN 1 ELSE 0 END"
                       : alias + ".run_id IS NULL";
  }
  if (!missing_rank.empty()) {
    order_ += missing_rank + ", ";
  }
  order_ += value + direction + ", ";
}

Result<CompiledQuery> RunQuery::Build(const RunSearch& search) {
  CompiledQuery query;
  RETURN_IF_ERROR(ResolvePage(search.max_results, search.page_token, query));
  ASSIGN_OR_RETURN(std::vector<FilterClause> clauses, ParseRunFilter(search.filter));
  ASSIGN_OR_RETURN(std::vector<OrderKey> orders, ParseRunOrderBy(search.order_by));
  AddScope(search);
  for (const FilterClause& clause : clauses) {
    AddFilter(clause);
  }
  bool ordered_by_start_time = false;
  for (const OrderKey& order : orders) {
    AddOrder(order);
    ordered_by_start_time |= order.entity == Entity::kAttribute && order.key == "start_time";
  }
  if (!ordered_by_start_time) {
    order_ += "r.start_time DESC, ";
  }
  order_ += "r.run_uuid ASC";
  query.sql = "SELECT r.run_id FROM runs r" + joins_ + " WHERE " + where_ + " ORDER BY " + order_;
  AppendLimit(sql_, query);
  query.binds = sql_.TakeBinds();
  return query;
}

}  // namespace

Result<CompiledQuery> CompileRunSearch(const RunSearch& search) {
  RunQuery builder;
  return builder.Build(search);
}

}  // namespace bucketflow::store

#include <sqlite3.h>

#include "core/strings.h"
#include "store/sqlite/search_sql.h"
#include "store/sqlite/search_sql_internal.h"

namespace bucketflow::store {
namespace {

// MLflow's SEARCH_MAX_RESULTS_THRESHOLD.
constexpr int64_t kMaxResults = 50000;

std::string_view NumericOperator(Comparator comparator) {
  switch (comparator) {
    case Comparator::kEq:
      return "=";
    case Comparator::kNe:
      return "!=";
    case Comparator::kLt:
      return "<";
    case Comparator::kLe:
      return "<=";
    case Comparator::kGt:
      return ">";
    case Comparator::kGe:
      return ">=";
    default:
      return "";
  }
}

SqlValue NumberValue(const FilterNumber& number) {
  if (number.integer) {
    return *number.integer;
  }
  return number.value;
}

}  // namespace

std::string SqlBuilder::Bind(SqlValue value) {
  binds_.push_back(std::move(value));
  return "?" + std::to_string(binds_.size());
}

std::string SqlBuilder::StringCondition(std::string_view column, const FilterClause& clause) {
  const std::string col(column);
  switch (clause.comparator) {
    case Comparator::kLike:
      return col + " GLOB " + Bind(LikeToGlob(clause.text));
    case Comparator::kILike:
      return "lower(" + col + ") GLOB " + Bind(LikeToGlob(ToLower(clause.text)));
    case Comparator::kIn:
    case Comparator::kNotIn: {
      std::string list;
      for (const std::string& item : clause.list) {
        list += (list.empty() ? "" : ", ") + Bind(item);
      }
      return col + (clause.comparator == Comparator::kIn ? " IN (" : " NOT IN (") + list + ")";
    }
    case Comparator::kNe:
      return col + " != " + Bind(clause.text);
    default:
      return col + " = " + Bind(clause.text);
  }
}

std::string SqlBuilder::NumericCondition(std::string_view column, const FilterClause& clause) {
  return std::string(column) + " " + std::string(NumericOperator(clause.comparator)) + " " +
         Bind(NumberValue(clause.number));
}

std::string LikeToGlob(std::string_view like) {
  std::string glob;
  for (char c : like) {
    switch (c) {
      case '%':
        glob += '*';
        break;
      case '_':
        glob += '?';
        break;
      case '*':
        glob += "[*]";
        break;
      case '?':
        glob += "[?]";
        break;
      case '[':
        glob += "[[]";
        break;
      default:
        glob += c;
    }
  }
  return glob;
}

Status ResolvePage(int64_t max_results, std::string_view page_token, CompiledQuery& query) {
  if (max_results <= 0) {
    return Status::InvalidArgument("Invalid value ", max_results,
                                   " for parameter 'max_results' supplied. It must be a positive "
                                   "integer");
  }
  if (max_results > kMaxResults) {
    return Status::InvalidArgument("Invalid value ", max_results,
                                   " for parameter 'max_results' supplied. It must be at most ",
                                   kMaxResults);
  }
  ASSIGN_OR_RETURN(query.offset, DecodePageToken(page_token));
  query.limit = max_results;
  return Status::Ok();
}

void AppendLimit(SqlBuilder& builder, CompiledQuery& query) {
  query.sql += " LIMIT " + builder.Bind(query.limit + 1);
  query.sql += " OFFSET " + builder.Bind(query.offset);
}

std::string_view LifecycleFor(model::ViewType view_type) {
  switch (view_type) {
    case model::ViewType::kActiveOnly:
      return model::kLifecycleActive;
    case model::ViewType::kDeletedOnly:
      return model::kLifecycleDeleted;
    case model::ViewType::kAll:
      return "";
  }
  return "";
}

Status BindSqlValues(sqlite3_stmt* stmt, const std::vector<SqlValue>& binds) {
  for (size_t idx = 0; idx < binds.size(); ++idx) {
    const int pos = static_cast<int>(idx + 1);
    int rc = SQLITE_OK;
    if (const auto* integer = std::get_if<int64_t>(&binds[idx])) {
      rc = sqlite3_bind_int64(stmt, pos, *integer);
    } else if (const auto* real = std::get_if<double>(&binds[idx])) {
      rc = sqlite3_bind_double(stmt, pos, *real);
    } else {
      const std::string& text = std::get<std::string>(binds[idx]);
      rc = sqlite3_bind_text(stmt, pos, text.data(), static_cast<int>(text.size()),
                             SQLITE_TRANSIENT);
    }
    if (rc != SQLITE_OK) {
      return Status::Internal("binding search parameter ", pos, ": ", sqlite3_errstr(rc));
    }
  }
  return Status::Ok();
}

std::string NextPageToken(const CompiledQuery& query, size_t rows_returned) {
  if (static_cast<int64_t>(rows_returned) <= query.limit) {
    return "";
  }
  return EncodePageToken(query.offset + query.limit);
}

}  // namespace bucketflow::store

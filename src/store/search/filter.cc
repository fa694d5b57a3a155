#include "store/search/filter.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <initializer_list>

#include "store/search/filter_grammar.h"
#include "store/search/filter_lexer.h"
#include "store/search/search_keys.h"

namespace bucketflow::store {
namespace {

constexpr std::array<std::pair<std::string_view, Comparator>, 12> kComparators = {{
    {"=", Comparator::kEq},
    {"!=", Comparator::kNe},
    {"<", Comparator::kLt},
    {"<=", Comparator::kLe},
    {">", Comparator::kGt},
    {">=", Comparator::kGe},
    {"LIKE", Comparator::kLike},
    {"ILIKE", Comparator::kILike},
    {"IN", Comparator::kIn},
    {"NOT IN", Comparator::kNotIn},
    {"IS NULL", Comparator::kIsNull},
    {"IS NOT NULL", Comparator::kIsNotNull},
}};

// MLflow's comparator sets, printed the way its messages print a Python set (sorted here so
// the text is stable).
constexpr std::string_view kNumericComparators = "{'!=', '<', '<=', '=', '>', '>='}";
constexpr std::string_view kParamComparators = "{'!=', '=', 'ILIKE', 'LIKE'}";
constexpr std::string_view kStringAttributeComparators =
    "{'!=', '=', 'ILIKE', 'IN', 'LIKE', 'NOT IN'}";

bool OneOf(Comparator comparator, std::initializer_list<Comparator> allowed) {
  return std::find(allowed.begin(), allowed.end(), comparator) != allowed.end();
}

bool IsNumericComparator(Comparator c) {
  return OneOf(c, {Comparator::kEq, Comparator::kNe, Comparator::kLt, Comparator::kLe,
                   Comparator::kGt, Comparator::kGe});
}

bool IsNullCheck(Comparator c) { return c == Comparator::kIsNull || c == Comparator::kIsNotNull; }

bool IsStringComparator(Comparator c) {
  return OneOf(c, {Comparator::kEq, Comparator::kNe, Comparator::kLike, Comparator::kILike});
}

bool IsListComparator(Comparator c) { return c == Comparator::kIn || c == Comparator::kNotIn; }

Result<FilterNumber> ParseNumber(const std::string& text) {
  errno = 0;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (errno == ERANGE || !std::isfinite(value)) {
    return Status::InvalidArgument("Numeric value out of range in filter: ", text);
  }
  FilterNumber number{.value = value, .integer = std::nullopt};
  if (text.find_first_of(".eE") == std::string::npos) {
    errno = 0;
    const long long integer = std::strtoll(text.c_str(), &end, 10);
    if (errno != ERANGE) {
      number.integer = static_cast<int64_t>(integer);
    }
  }
  return number;
}

// A bare word that sqlparse would group as an Identifier: MLflow then says the value is not
// quoted rather than that it is of the wrong type.
bool LooksLikeIdentifier(const FilterToken& token) {
  if (token.kind != TokenKind::kWord || token.text.empty() ||
      std::isdigit(static_cast<unsigned char>(token.text[0])) != 0) {
    return false;
  }
  return std::all_of(token.text.begin(), token.text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.' || c == '`' ||
           c == '"' || c == '$';
  });
}

std::string RhsText(const RawComparison& raw) { return raw.is_list ? raw.list_text : raw.rhs.text; }

Status NotQuoted(const RawComparison& raw) {
  return Status::InvalidArgument(
      "Parameter value is either not quoted or unidentified quote types used for string value ",
      RhsText(raw), ". Use either single or double quotes.");
}

Status ReadList(const RawComparison& raw, FilterClause& clause) {
  if (raw.items.empty()) {
    return Status::InvalidArgument(
        "While parsing a list in the query, expected a non-empty list of string values, but got "
        "empty list");
  }
  if (!raw.list_well_formed) {
    return Status::InvalidArgument(
        "While parsing a list in the query, expected string value, punctuation, or whitespace, "
        "but got different type in list: ",
        raw.list_text);
  }
  for (const FilterToken& item : raw.items) {
    clause.list.push_back(item.value);
  }
  return Status::Ok();
}

bool IsStringValue(const RawComparison& raw) {
  return raw.has_rhs && !raw.is_list &&
         (raw.rhs.kind == TokenKind::kString || raw.rhs.kind == TokenKind::kQuoted);
}

// The value side of a string comparison (params, tags, string attributes, datasets).
Status ReadStringValue(const RawComparison& raw, std::string_view what, bool list_allowed,
                       FilterClause& clause) {
  if (IsStringValue(raw)) {
    clause.text = raw.rhs.value;
    return Status::Ok();
  }
  if (raw.has_rhs && !raw.is_list && LooksLikeIdentifier(raw.rhs)) {
    return NotQuoted(raw);
  }
  if (raw.is_list && list_allowed) {
    return ReadList(raw, clause);
  }
  if (raw.is_list && clause.entity == Entity::kAttribute) {
    return Status::InvalidArgument(
        "Only the 'run_id' attribute supports comparison with a list of quoted string values.");
  }
  return Status::InvalidArgument("Expected a quoted string value for ", what, ". Got value ",
                                 RhsText(raw));
}

Status ReadNumericValue(const RawComparison& raw, std::string_view original_key,
                        FilterClause& clause) {
  if (raw.has_rhs && !raw.is_list && raw.rhs.kind == TokenKind::kNumber) {
    ASSIGN_OR_RETURN(clause.number, ParseNumber(raw.rhs.text));
    return Status::Ok();
  }
  if (clause.entity == Entity::kMetric) {
    return Status::InvalidArgument("Expected numeric value type for metric. Found ", RhsText(raw));
  }
  return Status::InvalidArgument("Expected numeric value type for numeric attribute: ",
                                 original_key, ". Found ", RhsText(raw));
}

// Step 2 of a clause: read and type-check the value (MLflow checks it before the comparator).
Status ReadValue(const RawComparison& raw, std::string_view original_key, FilterClause& clause) {
  if (!raw.has_rhs) {
    return Status::Ok();  // IS [NOT] NULL
  }
  switch (clause.entity) {
    case Entity::kMetric:
      return ReadNumericValue(raw, original_key, clause);
    case Entity::kParam:
      return ReadStringValue(raw, "parameter (e.g. 'my-value')", false, clause);
    case Entity::kTag:
      return ReadStringValue(raw, "tag (e.g. 'my-value')", false, clause);
    case Entity::kDataset:
      return ReadStringValue(raw, "dataset attributes", true, clause);
    case Entity::kAttribute:
      if (IsNumericAttribute(clause.key)) {
        return ReadNumericValue(raw, original_key, clause);
      }
      return ReadStringValue(raw, "attributes", clause.key == "run_id", clause);
  }
  return Status::Internal("unknown entity");
}

Status InvalidComparator(std::string_view op, std::string_view allowed) {
  return Status::InvalidArgument("Invalid comparator '", op, "' not one of '", allowed, "'");
}

// Step 3 for runs: the comparator must suit the entity (MLflow's is_metric/is_param/...).
Status CheckRunComparator(const FilterClause& clause, std::string_view op) {
  const Comparator c = clause.comparator;
  switch (clause.entity) {
    case Entity::kMetric:
      return IsNumericComparator(c) || IsNullCheck(c) ? Status::Ok()
                                                      : InvalidComparator(op, kNumericComparators);
    case Entity::kParam:
    case Entity::kTag:
      return IsStringComparator(c) || IsNullCheck(c) ? Status::Ok()
                                                     : InvalidComparator(op, kParamComparators);
    case Entity::kDataset:
      return IsStringComparator(c) || IsListComparator(c)
                 ? Status::Ok()
                 : InvalidComparator(op, kStringAttributeComparators);
    case Entity::kAttribute:
      if (IsNumericAttribute(clause.key)) {
        const bool nullable = clause.key == "end_time";
        return IsNumericComparator(c) || (nullable && IsNullCheck(c))
                   ? Status::Ok()
                   : InvalidComparator(op, kNumericComparators);
      }
      return IsStringComparator(c) || IsListComparator(c)
                 ? Status::Ok()
                 : InvalidComparator(op, kStringAttributeComparators);
  }
  return Status::Internal("unknown entity");
}

// Step 3 for experiments (MLflow's _get_search_experiments_filter_clauses).
Status CheckExperimentComparator(const FilterClause& clause, std::string_view op) {
  const Comparator c = clause.comparator;
  if (clause.entity == Entity::kTag) {
    return IsStringComparator(c) || IsNullCheck(c)
               ? Status::Ok()
               : Status::InvalidArgument("Invalid comparator for tag: ", op);
  }
  if (IsNumericAttribute(clause.key)) {
    return IsNumericComparator(c) ? Status::Ok() : InvalidComparator(op, kNumericComparators);
  }
  if (!IsStringComparator(c) && !IsListComparator(c)) {
    return InvalidComparator(op, kStringAttributeComparators);
  }
  return IsStringComparator(c)
             ? Status::Ok()
             : Status::InvalidArgument("Invalid comparator for string attribute: ", op);
}

Result<Comparator> LookUpComparator(const RawComparison& raw) {
  for (const auto& [name, comparator] : kComparators) {
    if (name == raw.op) {
      if (raw.is_list && !IsListComparator(comparator)) {
        return Status::InvalidArgument("Invalid comparator '", raw.op,
                                       "' for a list of values: use IN or NOT IN");
      }
      return comparator;
    }
  }
  return Status::InvalidArgument("Invalid comparator '", raw.op, "' in filter: expected one of ",
                                 kStringAttributeComparators,
                                 ", '<', '<=', '>', '>=', 'IS NULL' "
                                 "or 'IS NOT NULL'");
}

Result<FilterClause> ToClause(const RawComparison& raw, SearchTarget target) {
  if (raw.lhs.kind != TokenKind::kWord && raw.lhs.kind != TokenKind::kQuoted) {
    return Status::InvalidArgument("Invalid comparison clause. Expected 'Identifier' found '",
                                   raw.lhs.text, "'");
  }
  ASSIGN_OR_RETURN(SearchKey key, ResolveFilterKey(raw.lhs.text, target));
  FilterClause clause;
  clause.entity = key.entity;
  clause.key = key.key;
  ASSIGN_OR_RETURN(clause.comparator, LookUpComparator(raw));
  RETURN_IF_ERROR(ReadValue(raw, key.original_key, clause));
  if (target == SearchTarget::kRuns) {
    RETURN_IF_ERROR(CheckRunComparator(clause, raw.op));
  } else {
    RETURN_IF_ERROR(CheckExperimentComparator(clause, raw.op));
  }
  return clause;
}

Result<std::vector<FilterClause>> ParseFilter(std::string_view filter, SearchTarget target) {
  std::vector<FilterClause> clauses;
  if (filter.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return clauses;
  }
  ASSIGN_OR_RETURN(std::vector<RawComparison> raws,
                   GroupComparisons(TokenizeFilter(filter), target == SearchTarget::kRuns));
  for (const RawComparison& raw : raws) {
    ASSIGN_OR_RETURN(FilterClause clause, ToClause(raw, target));
    clauses.push_back(std::move(clause));
  }
  return clauses;
}

}  // namespace

Result<std::vector<FilterClause>> ParseRunFilter(std::string_view filter) {
  return ParseFilter(filter, SearchTarget::kRuns);
}

Result<std::vector<FilterClause>> ParseExperimentFilter(std::string_view filter) {
  return ParseFilter(filter, SearchTarget::kExperiments);
}

bool IsNumericAttribute(std::string_view key) {
  return key == "start_time" || key == "end_time" || key == "creation_time" ||
         key == "last_update_time";
}

std::string_view ComparatorName(Comparator comparator) {
  for (const auto& [name, value] : kComparators) {
    if (value == comparator) {
      return name;
    }
  }
  return "?";
}

}  // namespace bucketflow::store

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

// MLflow's search filter grammar ("metrics.acc > 0.9 and params.lr = '0.01'"), parsed into
// validated clauses with MLflow's error messages. Pure functions; safe for concurrent use.
namespace bucketflow::store {

enum class Entity { kMetric, kParam, kTag, kAttribute, kDataset };

enum class Comparator {
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kLike,
  kILike,
  kIn,
  kNotIn,
  kIsNull,
  kIsNotNull
};

// A numeric literal; `integer` is set when the text is a whole number that fits int64.
struct FilterNumber {
  double value = 0;
  std::optional<int64_t> integer;
};

struct FilterClause {
  Entity entity = Entity::kAttribute;
  // Metric/param/tag key as logged, or a canonical attribute name (aliases resolved:
  // "created" -> "start_time", "run name" -> "run_name"), or a dataset field
  // ("name", "digest", "context").
  std::string key;
  Comparator comparator = Comparator::kEq;
  FilterNumber number;            // metrics and numeric attributes
  std::string text;               // string comparisons (LIKE patterns as written)
  std::vector<std::string> list;  // IN / NOT IN
};

// Runs: entities metric(s), param(s)/parameter(s), tag(s), attribute(s)/attr/run, dataset(s).
// Errors are kInvalidArgument.
Result<std::vector<FilterClause>> ParseRunFilter(std::string_view filter);

// Experiments: attributes name, creation_time, last_update_time, and tag(s).
Result<std::vector<FilterClause>> ParseExperimentFilter(std::string_view filter);

// True for the run attributes that compare as numbers (start_time, end_time) and the
// experiment ones (creation_time, last_update_time).
bool IsNumericAttribute(std::string_view key);

std::string_view ComparatorName(Comparator comparator);

}  // namespace bucketflow::store

#pragma once

#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/search/filter.h"

// MLflow order_by clauses ("metrics.acc DESC", "params.lr", "name ASC"), validated with
// MLflow's messages. Pure functions; safe for concurrent use.
namespace bucketflow::store {

struct OrderKey {
  Entity entity = Entity::kAttribute;
  std::string key;  // canonical attribute name, or the metric/param/tag key
  bool ascending = true;
};

// Runs: metrics/params/tags/attributes (RunInfo's orderable attributes). A field listed twice is
// an error. Errors are kInvalidArgument.
Result<std::vector<OrderKey>> ParseRunOrderBy(std::span<const std::string> order_by);

// Experiments: name, experiment_id, creation_time, last_update_time only.
Result<std::vector<OrderKey>> ParseExperimentOrderBy(std::span<const std::string> order_by);

}  // namespace bucketflow::store

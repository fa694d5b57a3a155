#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "store/search/filter.h"

// Internal to store/search: resolves "metrics.`my key`", "params.lr", "status", "created" ...
// into an entity and a canonical key, with MLflow's validation and messages.
namespace bucketflow::store {

enum class SearchTarget { kRuns, kExperiments };

struct SearchKey {
  Entity entity = Entity::kAttribute;
  std::string key;           // canonical (aliases resolved, quotes removed)
  std::string original_key;  // as written, quotes removed (for messages)
};

Result<SearchKey> ResolveFilterKey(std::string_view identifier, SearchTarget target);
Result<SearchKey> ResolveOrderKey(std::string_view identifier, SearchTarget target);

}  // namespace bucketflow::store

#include "store/search/search_keys.h"

#include <algorithm>
#include <array>
#include <optional>
#include <span>
#include <utility>

#include "store/search/filter_lexer.h"

namespace bucketflow::store {
namespace {

using KeyList = std::span<const std::string_view>;

// MLflow's RunInfo searchable attributes plus its aliases, and lifecycle_stage (a Bucketflow
// extension: MLflow expresses it only through run_view_type). Sorted as Python sorts them.
constexpr std::string_view kRunFilterKeys[] = {
    "Created",  "Run Name", "Run name", "artifact_uri", "created", "end_time", "lifecycle_stage",
    "run name", "run_id",   "run_name", "start_time",   "status",  "user_id"};
constexpr std::string_view kRunOrderKeys[] = {
    "Created", "artifact_uri", "created",    "end_time", "lifecycle_stage",
    "run_id",  "run_name",     "start_time", "status",   "user_id"};
constexpr std::string_view kDatasetKeys[] = {"context", "digest", "name"};
constexpr std::string_view kExperimentFilterKeys[] = {"creation_time", "last_update_time", "name"};
constexpr std::string_view kExperimentOrderKeys[] = {"creation_time", "experiment_id",
                                                     "last_update_time", "name"};

bool Contains(KeyList keys, std::string_view key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

// "{'a', 'b'}", the way MLflow prints a Python set.
std::string SetText(KeyList keys) {
  std::string out = "{";
  for (std::string_view key : keys) {
    out += (out.size() > 1 ? ", '" : "'") + std::string(key) + "'";
  }
  return out + "}";
}

bool IsBackquoted(std::string_view text) {
  return text.size() >= 2 && text.front() == '`' && text.back() == '`';
}

std::string TrimBackticks(std::string_view text) {
  return IsBackquoted(text) ? Unquote(text) : std::string(text);
}

// MLflow's _strip_quotes then _trim_backticks.
std::string CleanKey(std::string_view text) {
  std::string key(text);
  if (key.size() >= 2 && (key.front() == '\'' || key.front() == '"') && key.front() == key.back()) {
    key = Unquote(key);
  }
  return TrimBackticks(key);
}

// Position of the first '.' that is not inside quotes, if any.
std::optional<size_t> FindEntityDot(std::string_view text) {
  char open_quote = 0;
  for (size_t pos = 0; pos < text.size(); ++pos) {
    const char c = text[pos];
    if (open_quote != 0) {
      open_quote = c == open_quote ? 0 : open_quote;
    } else if (c == '`' || c == '"' || c == '\'') {
      open_quote = c;
    } else if (c == '.') {
      return pos;
    }
  }
  return std::nullopt;
}

Result<Entity> RunEntity(std::string_view text) {
  const std::string name = TrimBackticks(text);
  static constexpr std::pair<std::string_view, Entity> kNames[] = {
      {"metric", Entity::kMetric},
      {"metrics", Entity::kMetric},
      {"parameter", Entity::kParam},
      {"parameters", Entity::kParam},
      {"param", Entity::kParam},
      {"params", Entity::kParam},
      {"tag", Entity::kTag},
      {"tags", Entity::kTag},
      {"attribute", Entity::kAttribute},
      {"attributes", Entity::kAttribute},
      {"attr", Entity::kAttribute},
      {"run", Entity::kAttribute},
      {"dataset", Entity::kDataset},
      {"datasets", Entity::kDataset},
  };
  for (const auto& [alias, entity] : kNames) {
    if (alias == name) {
      return entity;
    }
  }
  return Status::InvalidArgument("Invalid entity type '", name,
                                 "'. Valid values are ['metric', 'parameter', 'tag', 'attribute', "
                                 "'dataset']");
}

Result<Entity> ExperimentEntity(std::string_view text) {
  if (text == "attribute") {
    return Entity::kAttribute;
  }
  if (text == "tag" || text == "tags") {
    return Entity::kTag;
  }
  return Status::InvalidArgument("Invalid entity type '", text,
                                 "'. Valid entity types are ('attribute', 'tag', 'tags')");
}

std::string TranslateAlias(const std::string& key) {
  if (key == "created" || key == "Created") {
    return "start_time";
  }
  if (key == "run name" || key == "Run name" || key == "Run Name") {
    return "run_name";
  }
  return key;
}

Result<SearchKey> Resolve(std::string_view identifier, SearchTarget target, KeyList attributes) {
  SearchKey out;
  const std::optional<size_t> dot = FindEntityDot(identifier);
  std::string_view key_text = identifier;
  if (dot) {
    const std::string_view entity_text = identifier.substr(0, *dot);
    key_text = identifier.substr(*dot + 1);
    ASSIGN_OR_RETURN(out.entity, target == SearchTarget::kRuns ? RunEntity(entity_text)
                                                               : ExperimentEntity(entity_text));
  }
  out.original_key = CleanKey(key_text);
  out.key = out.original_key;
  if (out.entity == Entity::kAttribute) {
    if (!Contains(attributes, out.key)) {
      return Status::InvalidArgument("Invalid attribute key '", out.key,
                                     "' specified. Valid keys are '", SetText(attributes), "'");
    }
    out.key = TranslateAlias(out.key);
  } else if (out.entity == Entity::kDataset && !Contains(kDatasetKeys, out.key)) {
    return Status::InvalidArgument("Invalid dataset key '", out.key,
                                   "' specified. Valid keys are '", SetText(kDatasetKeys), "'");
  }
  return out;
}

}  // namespace

Result<SearchKey> ResolveFilterKey(std::string_view identifier, SearchTarget target) {
  return Resolve(
      identifier, target,
      target == SearchTarget::kRuns ? KeyList(kRunFilterKeys) : KeyList(kExperimentFilterKeys));
}

Result<SearchKey> ResolveOrderKey(std::string_view identifier, SearchTarget target) {
  return Resolve(
      identifier, target,
      target == SearchTarget::kRuns ? KeyList(kRunOrderKeys) : KeyList(kExperimentOrderKeys));
}

}  // namespace bucketflow::store

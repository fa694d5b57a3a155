#include "store/search/order_by.h"

#include "core/strings.h"
#include "store/search/filter_lexer.h"
#include "store/search/search_keys.h"

namespace bucketflow::store {
namespace {

// MLflow accepts "<identifier>" or "<identifier> <ASC|DESC>" (case-insensitive).
Result<OrderKey> ParseOne(const std::string& clause, SearchTarget target) {
  const std::vector<FilterToken> tokens = TokenizeFilter(clause);
  const bool identifier_first = !tokens.empty() && (tokens[0].kind == TokenKind::kWord ||
                                                    tokens[0].kind == TokenKind::kQuoted);
  const bool direction_ok = tokens.size() < 2 || tokens[1].kind == TokenKind::kWord ||
                            tokens[1].kind == TokenKind::kKeyword;
  if (!identifier_first || tokens.size() > 2 || !direction_ok) {
    return Status::InvalidArgument("Invalid order_by clause '", clause, "'. Could not be parsed.");
  }
  OrderKey order;
  if (tokens.size() == 2) {
    const std::string direction = ToLower(tokens[1].text);
    if (direction != "asc" && direction != "desc") {
      return Status::InvalidArgument("Invalid ordering key in order_by clause '", clause, "'.");
    }
    order.ascending = direction == "asc";
  }
  ASSIGN_OR_RETURN(SearchKey key, ResolveOrderKey(tokens[0].text, target));
  order.entity = key.entity;
  order.key = std::move(key.key);
  return order;
}

std::string ListText(std::span<const std::string> items) {
  std::string out = "[";
  for (const std::string& item : items) {
    out += (out.size() > 1 ? ", '" : "'") + item + "'";
  }
  return out + "]";
}

std::string_view EntityName(Entity entity) {
  switch (entity) {
    case Entity::kMetric:
      return "metric";
    case Entity::kParam:
      return "parameter";
    case Entity::kTag:
      return "tag";
    case Entity::kAttribute:
      return "attribute";
    case Entity::kDataset:
      return "dataset";
  }
  return "?";
}

}  // namespace

Result<std::vector<OrderKey>> ParseRunOrderBy(std::span<const std::string> order_by) {
  std::vector<OrderKey> keys;
  for (const std::string& clause : order_by) {
    ASSIGN_OR_RETURN(OrderKey key, ParseOne(clause, SearchTarget::kRuns));
    if (key.entity == Entity::kDataset) {
      return Status::InvalidArgument("Invalid order_by entity: ", EntityName(key.entity));
    }
    for (const OrderKey& seen : keys) {
      if (seen.entity == key.entity && seen.key == key.key) {
        return Status::InvalidArgument("`order_by` contains duplicate fields: ",
                                       ListText(order_by));
      }
    }
    keys.push_back(std::move(key));
  }
  return keys;
}

Result<std::vector<OrderKey>> ParseExperimentOrderBy(std::span<const std::string> order_by) {
  std::vector<OrderKey> keys;
  for (const std::string& clause : order_by) {
    ASSIGN_OR_RETURN(OrderKey key, ParseOne(clause, SearchTarget::kExperiments));
    if (key.entity != Entity::kAttribute) {
      return Status::InvalidArgument("Invalid order_by entity: ", EntityName(key.entity));
    }
    keys.push_back(std::move(key));
  }
  return keys;
}

}  // namespace bucketflow::store

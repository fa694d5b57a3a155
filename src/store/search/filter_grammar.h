#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "store/search/filter_lexer.h"

// Internal to store/search: groups filter tokens into "<lhs> <op> <rhs>" comparisons joined by
// AND, before any MLflow entity rules apply.
namespace bucketflow::store {

struct RawComparison {
  FilterToken lhs;
  std::string op;  // "=", "<=", ..., "LIKE", "ILIKE", "IN", "NOT IN", "IS NULL", "IS NOT NULL"
  bool has_rhs = false;
  FilterToken rhs;                 // when has_rhs and !is_list
  bool is_list = false;            // rhs was a parenthesised list
  std::vector<FilterToken> items;  // its tokens between the parentheses (commas excluded)
  bool list_well_formed = true;    // items are strings separated by single commas
  std::string list_text;           // "('a', 'b')" for messages
};

// `quote_invalid_tokens` selects the runs wording ("'OR'") over the experiments one ("OR").
Result<std::vector<RawComparison>> GroupComparisons(const std::vector<FilterToken>& tokens,
                                                    bool quote_invalid_tokens);

}  // namespace bucketflow::store

#include "store/search/filter_grammar.h"

#include <optional>

namespace bucketflow::store {
namespace {

bool IsKeyword(const std::vector<FilterToken>& tokens, size_t pos, std::string_view keyword) {
  return pos < tokens.size() && tokens[pos].kind == TokenKind::kKeyword &&
         tokens[pos].value == keyword;
}

bool IsOperand(const FilterToken& token) {
  return token.kind == TokenKind::kWord || token.kind == TokenKind::kQuoted ||
         token.kind == TokenKind::kNumber || token.kind == TokenKind::kString;
}

// Reads "( item, item, ... )" starting at `pos` (which must be '('); returns the position
// after ')' or nullopt when the parenthesis is never closed.
std::optional<size_t> ReadList(const std::vector<FilterToken>& tokens, size_t pos,
                               RawComparison& out) {
  out.is_list = true;
  out.has_rhs = true;
  out.list_text = "(";
  bool expect_item = true;
  for (size_t idx = pos + 1; idx < tokens.size(); ++idx) {
    const FilterToken& token = tokens[idx];
    if (token.kind == TokenKind::kRParen) {
      if (expect_item && !out.items.empty()) {
        out.list_well_formed = false;  // trailing comma
      }
      out.list_text += ")";
      return idx + 1;
    }
    if (token.kind == TokenKind::kComma) {
      out.list_well_formed = out.list_well_formed && !expect_item;
      out.list_text += ", ";
      expect_item = true;
      continue;
    }
    out.list_well_formed = out.list_well_formed && expect_item && token.kind == TokenKind::kString;
    if (!expect_item) {
      out.list_text += " ";
    }
    out.list_text += token.text;
    out.items.push_back(token);
    expect_item = false;
  }
  return std::nullopt;
}

// Tries to read one comparison starting at `pos`. Returns the position after it, or nullopt
// when the tokens there do not form one.
std::optional<size_t> ReadComparison(const std::vector<FilterToken>& tokens, size_t pos,
                                     RawComparison& out) {
  if (pos + 1 >= tokens.size() || !IsOperand(tokens[pos])) {
    return std::nullopt;
  }
  out.lhs = tokens[pos];
  size_t next = pos + 1;
  if (IsKeyword(tokens, next, "IS")) {
    const bool negated = IsKeyword(tokens, next + 1, "NOT");
    const size_t null_at = next + (negated ? 2 : 1);
    if (!IsKeyword(tokens, null_at, "NULL")) {
      return std::nullopt;
    }
    out.op = negated ? "IS NOT NULL" : "IS NULL";
    return null_at + 1;
  }
  if (IsKeyword(tokens, next, "NOT") && IsKeyword(tokens, next + 1, "IN")) {
    out.op = "NOT IN";
    next += 2;
  } else if (IsKeyword(tokens, next, "IN") || IsKeyword(tokens, next, "LIKE") ||
             IsKeyword(tokens, next, "ILIKE")) {
    out.op = tokens[next].value;
    next += 1;
  } else if (tokens[next].kind == TokenKind::kComparison) {
    out.op = tokens[next].value;
    next += 1;
  } else {
    return std::nullopt;
  }
  if (next >= tokens.size()) {
    return std::nullopt;
  }
  if (tokens[next].kind == TokenKind::kLParen) {
    return ReadList(tokens, next, out);
  }
  if (out.op == "IN" || out.op == "NOT IN" || !IsOperand(tokens[next])) {
    return std::nullopt;
  }
  out.has_rhs = true;
  out.rhs = tokens[next];
  return next + 1;
}

}  // namespace

Result<std::vector<RawComparison>> GroupComparisons(const std::vector<FilterToken>& tokens,
                                                    bool quote_invalid_tokens) {
  std::vector<RawComparison> comparisons;
  std::string invalid;
  size_t pos = 0;
  while (pos < tokens.size()) {
    if (IsKeyword(tokens, pos, "AND")) {
      ++pos;
      continue;
    }
    RawComparison comparison;
    if (std::optional<size_t> end = ReadComparison(tokens, pos, comparison)) {
      comparisons.push_back(std::move(comparison));
      pos = *end;
      continue;
    }
    // Like MLflow, report every token that is not part of a well-formed comparison.
    invalid += invalid.empty() ? "" : ", ";
    // Appended piecewise: g++ 12 -O3 reports a false -Wrestrict for "'" + text + "'".
    const char* quote = quote_invalid_tokens ? "'" : "";
    invalid.append(quote).append(tokens[pos].text).append(quote);
    ++pos;
  }
  if (!invalid.empty()) {
    return Status::InvalidArgument("Invalid clause(s) in filter string: ", invalid);
  }
  return comparisons;
}

}  // namespace bucketflow::store

#pragma once

#include <string>
#include <string_view>
#include <vector>

// Splits an MLflow filter string into tokens, the way MLflow's sqlparse-based parser sees
// them closely enough to reproduce its error messages. Stateless; safe for concurrent use.
namespace bucketflow::store {

enum class TokenKind {
  kWord,        // identifier or any other bare text: metrics.`my key`, golden-main
  kNumber,      // -1, 0.5, 1e-3
  kString,      // 'single quoted' (value holds the unescaped text)
  kQuoted,      // "double quoted" as a whole word (value holds the unescaped text)
  kComparison,  // a run of <>=! characters
  kKeyword,     // AND OR NOT IN LIKE ILIKE IS NULL (value holds the upper-case form)
  kLParen,
  kRParen,
  kComma,
  kError,  // an unterminated quote character
};

struct FilterToken {
  TokenKind kind = TokenKind::kWord;
  std::string text;   // exactly as written
  std::string value;  // unquoted/unescaped (strings), upper-case (keywords), else == text
};

std::vector<FilterToken> TokenizeFilter(std::string_view filter);

// Strips one level of matching '...', "..." or `...` quotes (undoing doubled-quote escapes);
// returns the input unchanged when it is not quoted that way.
std::string Unquote(std::string_view text);

}  // namespace bucketflow::store

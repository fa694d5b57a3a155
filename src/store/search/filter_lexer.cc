#include "store/search/filter_lexer.h"

#include <array>
#include <cctype>
#include <optional>

#include "core/strings.h"

namespace bucketflow::store {
namespace {

constexpr std::array<std::string_view, 8> kKeywords = {"AND",  "OR",    "NOT", "IN",
                                                       "LIKE", "ILIKE", "IS",  "NULL"};

bool IsComparisonChar(char c) { return c == '<' || c == '>' || c == '=' || c == '!'; }

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

bool EndsWord(char c) {
  return IsSpace(c) || IsComparisonChar(c) || c == '(' || c == ')' || c == ',' || c == '\'';
}

// Returns the index one past the closing quote of the quoted section starting at `start`, or
// nullopt when it is never closed. Like sqlparse, a doubled quote or a backslash-escaped quote
// (not for backticks) stays inside the section.
std::optional<size_t> SkipQuoted(std::string_view in, size_t start) {
  const char quote = in[start];
  size_t pos = start + 1;
  while (pos < in.size()) {
    if (in[pos] == '\\' && quote != '`' && pos + 1 < in.size() && in[pos + 1] == quote) {
      pos += 2;
    } else if (in[pos] == quote) {
      if (pos + 1 < in.size() && in[pos + 1] == quote) {
        pos += 2;
      } else {
        return pos + 1;
      }
    } else {
      ++pos;
    }
  }
  return std::nullopt;
}

bool IsNumber(std::string_view word) {
  size_t pos = 0;
  if (pos < word.size() && word[pos] == '-') {
    ++pos;
  }
  size_t digits = 0;
  while (pos < word.size() && std::isdigit(static_cast<unsigned char>(word[pos])) != 0) {
    ++pos;
    ++digits;
  }
  if (pos < word.size() && word[pos] == '.') {
    ++pos;
    while (pos < word.size() && std::isdigit(static_cast<unsigned char>(word[pos])) != 0) {
      ++pos;
      ++digits;
    }
  }
  if (digits == 0) {
    return false;
  }
  if (pos < word.size() && (word[pos] == 'e' || word[pos] == 'E')) {
    ++pos;
    if (pos < word.size() && (word[pos] == '-' || word[pos] == '+')) {
      ++pos;
    }
    const size_t exp_start = pos;
    while (pos < word.size() && std::isdigit(static_cast<unsigned char>(word[pos])) != 0) {
      ++pos;
    }
    if (pos == exp_start) {
      return false;
    }
  }
  return pos == word.size();
}

FilterToken ClassifyWord(std::string_view word) {
  FilterToken token{
      .kind = TokenKind::kWord, .text = std::string(word), .value = std::string(word)};
  if (word.size() >= 2 && word.front() == '"' && SkipQuoted(word, 0) == word.size()) {
    token.kind = TokenKind::kQuoted;
    token.value = Unquote(word);
  } else if (IsNumber(word)) {
    token.kind = TokenKind::kNumber;
  } else {
    for (std::string_view keyword : kKeywords) {
      if (EqualsIgnoreCase(word, keyword)) {
        token.kind = TokenKind::kKeyword;
        token.value = std::string(keyword);
      }
    }
  }
  return token;
}

// Lexes one bare word starting at `start` (backquoted and double-quoted sections included).
// Sets `error_at` to the position of an unterminated quote inside the word, if any.
size_t ScanWord(std::string_view in, size_t start, std::optional<size_t>& error_at) {
  size_t pos = start;
  while (pos < in.size() && !EndsWord(in[pos])) {
    if (in[pos] == '`' || in[pos] == '"') {
      std::optional<size_t> end = SkipQuoted(in, pos);
      if (!end) {
        error_at = pos;
        return pos;
      }
      pos = *end;
    } else {
      ++pos;
    }
  }
  return pos;
}

FilterToken Single(TokenKind kind, char c) {
  return {.kind = kind, .text = std::string(1, c), .value = std::string(1, c)};
}

// Appends the token (or, after an unterminated quote, tokens) starting at `pos`; returns the
// position after them.
size_t LexToken(std::string_view in, size_t pos, std::vector<FilterToken>& tokens) {
  const char c = in[pos];
  if (c == '(' || c == ')' || c == ',') {
    tokens.push_back(Single(
        c == '(' ? TokenKind::kLParen : (c == ')' ? TokenKind::kRParen : TokenKind::kComma), c));
    return pos + 1;
  }
  if (IsComparisonChar(c)) {
    size_t end = pos;
    while (end < in.size() && IsComparisonChar(in[end])) {
      ++end;
    }
    std::string op(in.substr(pos, end - pos));
    tokens.push_back({.kind = TokenKind::kComparison, .text = op, .value = op});
    return end;
  }
  if (c == '\'') {
    std::optional<size_t> end = SkipQuoted(in, pos);
    if (!end) {
      tokens.push_back(Single(TokenKind::kError, c));
      return pos + 1;
    }
    std::string_view raw = in.substr(pos, *end - pos);
    tokens.push_back({.kind = TokenKind::kString, .text = std::string(raw), .value = Unquote(raw)});
    return *end;
  }
  std::optional<size_t> error_at;
  const size_t end = ScanWord(in, pos, error_at);
  if (end > pos) {
    tokens.push_back(ClassifyWord(in.substr(pos, end - pos)));
  }
  if (error_at) {
    tokens.push_back(Single(TokenKind::kError, in[*error_at]));
    return *error_at + 1;
  }
  return end;
}

}  // namespace

std::string Unquote(std::string_view text) {
  if (text.size() < 2 || text.front() != text.back() ||
      (text.front() != '\'' && text.front() != '"' && text.front() != '`')) {
    return std::string(text);
  }
  const char quote = text.front();
  std::string out;
  for (size_t pos = 1; pos + 1 < text.size(); ++pos) {
    const bool escaped_quote = pos + 2 < text.size() && text[pos + 1] == quote &&
                               (text[pos] == quote || (text[pos] == '\\' && quote != '`'));
    if (escaped_quote) {
      ++pos;
    }
    out.push_back(text[pos]);
  }
  return out;
}

std::vector<FilterToken> TokenizeFilter(std::string_view in) {
  std::vector<FilterToken> tokens;
  size_t pos = 0;
  while (pos < in.size()) {
    pos = IsSpace(in[pos]) ? pos + 1 : LexToken(in, pos, tokens);
  }
  return tokens;
}

}  // namespace bucketflow::store

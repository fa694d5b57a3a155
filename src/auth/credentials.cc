#include "auth/credentials.h"

#include <algorithm>
#include <optional>

namespace bucketflow::auth {
namespace {

constexpr char kExpected[] =
    "malformed Authorization header: expected 'Bearer <token>' or 'Basic <base64 of "
    "user:password>'";

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Standard base64 (RFC 4648 section 4); the '=' padding may be left off, as some clients do.
std::optional<std::string> Base64Decode(std::string_view in) {
  while (!in.empty() && in.back() == '=' && in.size() % 4 != 1) {
    in.remove_suffix(1);
  }
  if (in.size() % 4 == 1) {
    return std::nullopt;
  }
  std::string out;
  out.reserve(in.size() * 3 / 4);
  uint32_t bits = 0;
  int bit_count = 0;
  for (char c : in) {
    const int value = Base64Value(c);
    if (value < 0) {
      return std::nullopt;
    }
    bits = (bits << 6) | static_cast<uint32_t>(value);
    bit_count += 6;
    if (bit_count >= 8) {
      bit_count -= 8;
      out.push_back(static_cast<char>((bits >> bit_count) & 0xFF));
    }
  }
  return out;
}

Result<Credentials> ParseBasic(std::string_view encoded) {
  std::optional<std::string> decoded = Base64Decode(encoded);
  if (!decoded) {
    return Status::Unauthenticated("malformed basic credentials: not base64");
  }
  const size_t colon = decoded->find(':');
  if (colon == std::string::npos || colon == 0) {
    return Status::Unauthenticated(
        "malformed basic credentials: expected base64 of 'user:password'");
  }
  return Credentials{.kind = Credentials::Kind::kBasic,
                     .secret = {},
                     .user = decoded->substr(0, colon),
                     .password = decoded->substr(colon + 1)};
}

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

std::string_view TrimBlanks(std::string_view in) {
  while (!in.empty() && IsBlank(in.front())) in.remove_prefix(1);
  while (!in.empty() && IsBlank(in.back())) in.remove_suffix(1);
  return in;
}

// ASCII only: scheme names are tokens (RFC 9110 section 11.1), and this runs on every request.
bool SchemeIs(std::string_view scheme, std::string_view lower_name) {
  if (scheme.size() != lower_name.size()) {
    return false;
  }
  for (size_t i = 0; i < scheme.size(); ++i) {
    const char c = scheme[i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != lower_name[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

Result<Credentials> ParseAuthorization(std::string_view header) {
  header = TrimBlanks(header);
  size_t space = 0;
  while (space < header.size() && !IsBlank(header[space])) ++space;
  const std::string_view scheme = header.substr(0, space);
  const std::string_view value = TrimBlanks(header.substr(space));
  if (scheme.empty() || value.empty() ||
      std::any_of(value.begin(), value.end(), [](char c) { return IsBlank(c); })) {
    return Status::Unauthenticated(kExpected);
  }
  if (SchemeIs(scheme, "bearer")) {
    return Credentials{.kind = Credentials::Kind::kBearer,
                       .secret = std::string(value),
                       .user = {},
                       .password = {}};
  }
  if (SchemeIs(scheme, "basic")) {
    return ParseBasic(value);
  }
  return Status::Unauthenticated(kExpected);
}

}  // namespace bucketflow::auth

#include "store/search/page_token.h"

#include <array>
#include <cctype>
#include <optional>

namespace bucketflow::store {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string Base64Encode(std::string_view in) {
  std::string out;
  size_t pos = 0;
  for (; pos + 2 < in.size(); pos += 3) {
    const uint32_t chunk = (uint32_t{static_cast<unsigned char>(in[pos])} << 16) |
                           (uint32_t{static_cast<unsigned char>(in[pos + 1])} << 8) |
                           uint32_t{static_cast<unsigned char>(in[pos + 2])};
    for (int shift = 18; shift >= 0; shift -= 6) {
      out.push_back(kAlphabet[(chunk >> shift) & 0x3f]);
    }
  }
  const size_t rest = in.size() - pos;
  if (rest > 0) {
    uint32_t chunk = uint32_t{static_cast<unsigned char>(in[pos])} << 16;
    if (rest == 2) {
      chunk |= uint32_t{static_cast<unsigned char>(in[pos + 1])} << 8;
    }
    out.push_back(kAlphabet[(chunk >> 18) & 0x3f]);
    out.push_back(kAlphabet[(chunk >> 12) & 0x3f]);
    out.push_back(rest == 2 ? kAlphabet[(chunk >> 6) & 0x3f] : '=');
    out.push_back('=');
  }
  return out;
}

// Strict standard base64 with padding; nullopt for anything else.
std::optional<std::string> Base64Decode(std::string_view in) {
  if (in.size() % 4 != 0) {
    return std::nullopt;
  }
  std::string out;
  uint32_t chunk = 0;
  int bits = 0;
  for (size_t pos = 0; pos < in.size(); ++pos) {
    if (in[pos] == '=') {
      // Padding only in the last two places, and nothing but padding after it.
      if (pos + 2 < in.size() || in.find_first_not_of('=', pos) != std::string_view::npos) {
        return std::nullopt;
      }
      break;
    }
    const size_t digit = kAlphabet.find(in[pos]);
    if (digit == std::string_view::npos) {
      return std::nullopt;
    }
    chunk = (chunk << 6) | static_cast<uint32_t>(digit);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((chunk >> bits) & 0xff));
    }
  }
  return out;
}

void SkipSpaces(std::string_view in, size_t& pos) {
  while (pos < in.size() && std::isspace(static_cast<unsigned char>(in[pos])) != 0) {
    ++pos;
  }
}

bool Consume(std::string_view in, size_t& pos, std::string_view expected) {
  SkipSpaces(in, pos);
  if (in.substr(pos, expected.size()) != expected) {
    return false;
  }
  pos += expected.size();
  return true;
}

// Parses {"offset": N} (N may also be a quoted integer, as MLflow's int() allows).
std::optional<int64_t> ParseOffsetJson(std::string_view json) {
  size_t pos = 0;
  if (!Consume(json, pos, "{") || !Consume(json, pos, "\"offset\"") || !Consume(json, pos, ":")) {
    return std::nullopt;
  }
  const bool quoted = Consume(json, pos, "\"");
  SkipSpaces(json, pos);
  const size_t digits_start = pos;
  int64_t offset = 0;
  while (pos < json.size() && std::isdigit(static_cast<unsigned char>(json[pos])) != 0) {
    offset = offset * 10 + (json[pos] - '0');
    if (offset > kMaxPageOffset) {
      return std::nullopt;
    }
    ++pos;
  }
  if (pos == digits_start || (quoted && !Consume(json, pos, "\"")) || !Consume(json, pos, "}")) {
    return std::nullopt;
  }
  SkipSpaces(json, pos);
  return pos == json.size() ? std::optional<int64_t>(offset) : std::nullopt;
}

// Python-style bytes text, so the message is printable whatever the token held.
std::string Printable(std::string_view bytes) {
  constexpr std::string_view kHex = "0123456789abcdef";
  std::string out = "b'";
  for (char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f && c != '\\' && c != '\'') {
      out.push_back(c);
    } else {
      out += "\\x";
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xf]);
    }
  }
  return out + "'";
}

}  // namespace

std::string EncodePageToken(int64_t offset) {
  return Base64Encode("{\"offset\": " + std::to_string(offset) + "}");
}

Result<int64_t> DecodePageToken(std::string_view token) {
  if (token.empty()) {
    return int64_t{0};
  }
  std::optional<std::string> decoded = Base64Decode(token);
  if (!decoded) {
    return Status::InvalidArgument("Invalid page token, could not base64-decode");
  }
  std::optional<int64_t> offset = ParseOffsetJson(*decoded);
  if (!offset) {
    return Status::InvalidArgument("Invalid page token, decoded value=", Printable(*decoded));
  }
  return *offset;
}

}  // namespace bucketflow::store

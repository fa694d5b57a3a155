#include "artifacts/artifact_path.h"

#include <vector>

#include "core/strings.h"

namespace bucketflow::artifacts {
namespace {

// MLflow stops decoding after 10 rounds; a path still changing then is refused.
constexpr int kMaxDecodeRounds = 10;

Status InvalidPath() { return Status::InvalidArgument("Invalid path"); }

bool HasControlCharacter(std::string_view path) {
  for (char c : path) {
    auto byte = static_cast<unsigned char>(c);
    // Control characters would also let a file name inject headers into Content-Disposition.
    if (byte < 0x20 || byte == 0x7f) {
      return true;
    }
  }
  return false;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes valid escapes and keeps malformed ones literally, as Python's unquote and
// Werkzeug do, so "a%zz/%2E%2E" still reveals its "..".
std::string DecodeLenient(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size()) {
      int hi = HexDigit(in[i + 1]);
      int lo = HexDigit(in[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(in[i]);
  }
  return out;
}

bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool IsAbsolute(std::string_view path) {
  if (!path.empty() && path.front() == '/') {
    return true;
  }
  // Windows forms: "C:/x", "C:\x" and UNC "\\server\share" are absolute there, and the same
  // artifact tree may be read by a Windows client.
  if (path.size() >= 3 && IsAsciiLetter(path[0]) && path[1] == ':' &&
      (path[2] == '/' || path[2] == '\\')) {
    return true;
  }
  return path.starts_with("\\\\");
}

bool HasDotDotSegment(std::string_view path) {
  for (std::string_view segment : Split(path, '/')) {
    if (segment == "..") {
      return true;
    }
  }
  return false;
}

// One decoding level of a candidate path is unsafe.
bool IsUnsafe(std::string_view path) {
  return path.find('#') != std::string_view::npos || HasControlCharacter(path) ||
         IsAbsolute(path) || HasDotDotSegment(path) || EqualsIgnoreCase(path.substr(0, 5), "file:");
}

}  // namespace

Result<std::string> NormalizePath(std::string_view decoded) {
  // Every further decoding of the path must be safe too: some client or proxy on the way may
  // decode again, so "%252E%252E" is as hostile as "..".
  std::string level(decoded);
  for (int round = 0;; ++round) {
    if (IsUnsafe(level)) {
      return InvalidPath();
    }
    std::string next = DecodeLenient(level);
    if (next == level) {
      break;
    }
    if (round + 1 >= kMaxDecodeRounds) {
      return InvalidPath();
    }
    level = std::move(next);
  }
  std::string out;
  out.reserve(decoded.size());
  for (std::string_view segment : Split(decoded, '/')) {
    if (segment.empty() || segment == ".") {
      continue;
    }
    if (!out.empty()) {
      out.push_back('/');
    }
    out.append(segment);
  }
  return out;
}

Result<std::string> NormalizeUrlPath(std::string_view percent_encoded) {
  return NormalizePath(DecodeLenient(percent_encoded));
}

std::string_view BaseName(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string JoinPath(std::string_view dir, std::string_view name) {
  if (dir.empty()) {
    return std::string(name);
  }
  if (name.empty()) {
    return std::string(dir);
  }
  std::string out(dir);
  out.push_back('/');
  out.append(name);
  return out;
}

}  // namespace bucketflow::artifacts

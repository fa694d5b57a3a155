#include "model/validation.h"

#include <vector>

namespace bucketflow::model {
namespace {

constexpr std::string_view kBadCharactersMessage =
    "Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), "
    "colon(:) and slashes (/).";

// Python's json.dumps for a str, close enough for messages.
std::string Quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

// MLflow's regex is ^[/\w.\- :]*$ with Unicode \w; non-ASCII bytes are accepted as letters.
bool HasOnlyNameCharacters(std::string_view name) {
  for (char c : name) {
    auto byte = static_cast<unsigned char>(c);
    bool ok = (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') ||
              (byte >= '0' && byte <= '9') || byte == '_' || byte == '-' || byte == '.' ||
              byte == ' ' || byte == ':' || byte == '/' || byte >= 0x80;
    if (!ok) return false;
  }
  return true;
}

bool PathNotUnique(std::string_view name) {
  std::string norm = NormalizePosixPath(name);
  return norm != name || norm == "." || norm.starts_with("..") || norm.starts_with("/");
}

// The first `count` code points of `text`.
std::string_view PrefixCodePoints(std::string_view text, size_t count) {
  size_t seen = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && seen++ == count) {
      return text.substr(0, i);
    }
  }
  return text;
}

// MLflow echoes at most the first 250 characters of the offending value.
Status ValidateLength(std::string_view entity, std::string_view value, size_t limit) {
  constexpr size_t kEchoedCharacters = 250;
  size_t length = CodePointLength(value);
  if (length <= limit) return Status::Ok();
  return Status::InvalidArgument(entity, " '", PrefixCodePoints(value, kEchoedCharacters),
                                 "' had length ", length, ", which exceeded length limit of ",
                                 limit);
}

Status ValidateKeyName(std::string_view entity, std::string_view name, std::string_view path) {
  if (!HasOnlyNameCharacters(name)) {
    return Status::InvalidArgument("Invalid value ", Quoted(name), " for parameter '", path,
                                   "' supplied: ", kBadCharactersMessage);
  }
  if (PathNotUnique(name)) {
    return Status::InvalidArgument(
        "Invalid value ", Quoted(name), " for parameter '", path,
        "' supplied: Names may be treated as files in certain cases, and must not resolve to "
        "other names when treated as such. This name would resolve to '",
        NormalizePosixPath(name), "'");
  }
  return ValidateLength(entity, name, kMaxEntityKeyLength);
}

}  // namespace

size_t CodePointLength(std::string_view text) {
  size_t count = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

std::string NormalizePosixPath(std::string_view path) {
  if (path.empty()) return ".";
  size_t leading = 0;
  while (leading < path.size() && path[leading] == '/') ++leading;
  // POSIX keeps exactly two leading slashes; one or three-plus collapse to one.
  std::string prefix = leading == 2 ? "//" : (leading > 0 ? "/" : "");
  std::vector<std::string_view> parts;
  size_t start = leading;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(start, end - start);
    start = end + 1;
    if (part.empty() || part == ".") continue;
    if (part != "..") {
      parts.push_back(part);
    } else if (!parts.empty() && parts.back() != "..") {
      parts.pop_back();
    } else if (prefix.empty()) {
      parts.push_back(part);
    }
  }
  std::string out = prefix;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += '/';
    out += parts[i];
  }
  return out.empty() ? "." : out;
}

Status ValidateMetricName(std::string_view name, std::string_view path) {
  return ValidateKeyName("Metric name", name, path);
}

Status ValidateParamName(std::string_view name, std::string_view path) {
  return ValidateKeyName("Param key", name, path);
}

Status ValidateTagName(std::string_view name, std::string_view path) {
  return ValidateKeyName("Tag key", name, path);
}

Status ValidateParamValue(std::string_view value) {
  return ValidateLength("Param value", value, kMaxParamValueLength);
}

Status ValidateRunTagValue(std::string_view value) {
  return ValidateLength("Tag value", value, kMaxRunTagValueLength);
}

Status ValidateExperimentTagValue(std::string_view value) {
  return ValidateLength("Tag value", value, kMaxExperimentTagValueLength);
}

Status ValidateExperimentName(std::string_view name, std::string_view field) {
  if (CodePointLength(name) <= kMaxExperimentNameLength) return Status::Ok();
  return Status::InvalidArgument("'", field, "' exceeds the maximum length of ",
                                 kMaxExperimentNameLength, " characters");
}

Status ValidateBatchLimits(size_t metrics, size_t params, size_t tags) {
  auto too_many = [](std::string_view what, size_t limit, size_t got) {
    return Status::InvalidArgument("A batch logging request can contain at most ", limit, " ", what,
                                   ". Got ", got, " ", what, ". Please split up ", what,
                                   " across multiple requests and try again.");
  };
  if (metrics > kMaxMetricsPerBatch) return too_many("metrics", kMaxMetricsPerBatch, metrics);
  if (params > kMaxParamsTagsPerBatch) return too_many("params", kMaxParamsTagsPerBatch, params);
  if (tags > kMaxParamsTagsPerBatch) return too_many("tags", kMaxParamsTagsPerBatch, tags);
  size_t total = metrics + params + tags;
  if (total > kMaxEntitiesPerBatch) {
    return too_many("metrics, params, and tags", kMaxEntitiesPerBatch, total);
  }
  return Status::Ok();
}

}  // namespace bucketflow::model

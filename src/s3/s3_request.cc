#include "s3/s3_request.h"

#include <array>
#include <charconv>
#include <chrono>

#include "core/strings.h"
#include "s3/xml.h"

namespace bucketflow::s3 {
namespace {

constexpr size_t kMaxKeyBytes = 1024;

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsAlnum(char c) { return IsLowerAlnum(c) || (c >= 'A' && c <= 'Z'); }

Result<int> ParseInt(std::string_view text, std::string_view what) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    return Status::InvalidArgument("bad ", what, " '", text, "'");
  }
  return value;
}

std::string RequestIdSuffix(const http::ClientResponse& response) {
  std::optional<std::string_view> id = FindHeader(response.headers, "x-amz-request-id");
  return id ? " (request id " + std::string(*id) + ")" : std::string();
}

// HEAD answers carry no body: the status is all there is.
Status ErrorFromStatusOnly(const http::ClientResponse& response) {
  std::string text = "S3 answered HTTP " + std::to_string(response.status);
  // A redirect or 400 to a HEAD usually means the bucket lives in another region.
  const bool wrong_region_hint =
      response.status == 301 || response.status == 307 || response.status == 400;
  std::optional<std::string_view> region = FindHeader(response.headers, "x-amz-bucket-region");
  if (wrong_region_hint && region) {
    text += " (bucket region is " + std::string(*region) + ")";
  }
  text += RequestIdSuffix(response);
  switch (response.status) {
    case 404:
      return Status(Code::kNotFound, std::move(text));
    case 401:
    case 403:
      return Status(Code::kPermissionDenied, std::move(text));
    case 301:
    case 307:
    case 409:
    case 412:
      return Status(Code::kFailedPrecondition, std::move(text));
    default:
      break;
  }
  if (response.status == 429 || response.status >= 500) {
    return Status(Code::kUnavailable, std::move(text));
  }
  return Status(Code::kInvalidArgument, std::move(text));
}

}  // namespace

Result<Endpoint> ParseEndpoint(std::string_view url) {
  Endpoint endpoint;
  std::string_view rest;
  if (url.starts_with("https://")) {
    endpoint.scheme = "https";
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    endpoint.scheme = "http";
    rest = url.substr(7);
  } else {
    return Status::InvalidArgument("S3 endpoint '", url, "' must start with http:// or https://");
  }
  if (rest.ends_with('/')) {
    rest.remove_suffix(1);
  }
  if (rest.empty() || rest.find_first_of("/?#@ ") != std::string_view::npos) {
    return Status::InvalidArgument("S3 endpoint '", url,
                                   "' must be scheme://host[:port] with no path or query");
  }
  std::string_view host = rest;
  const size_t colon = rest.rfind(':');
  const bool bracketed_v6 = rest.front() == '[';
  if (colon != std::string_view::npos && (!bracketed_v6 || colon > rest.find(']'))) {
    host = rest.substr(0, colon);
    ASSIGN_OR_RETURN(const int port, ParseInt(rest.substr(colon + 1), "endpoint port"));
    if (port < 1 || port > 65535 || host.empty()) {
      return Status::InvalidArgument("S3 endpoint '", url, "' has a bad host or port");
    }
    const bool default_port =
        (endpoint.scheme == "https" && port == 443) || (endpoint.scheme == "http" && port == 80);
    rest = default_port ? host : rest;
  }
  endpoint.host = ToLower(host);
  endpoint.authority = ToLower(rest);
  return endpoint;
}

bool IsAwsEndpoint(const Endpoint& endpoint) {
  const std::string_view host = endpoint.host;
  return (host.starts_with("s3.") || host.starts_with("s3-")) &&
         (host.ends_with(".amazonaws.com") || host.ends_with(".amazonaws.com.cn"));
}

Status ValidateBucketName(std::string_view bucket) {
  if (bucket.size() < 3 || bucket.size() > 255) {
    return Status::InvalidArgument("S3 bucket name '", bucket, "' must be 3..255 characters");
  }
  for (const char c : bucket) {
    if (!IsAlnum(c) && c != '.' && c != '-' && c != '_') {
      return Status::InvalidArgument("S3 bucket name '", bucket,
                                     "' may only hold letters, digits, '.', '-' and '_'");
    }
  }
  if (!IsAlnum(bucket.front()) || !IsAlnum(bucket.back())) {
    return Status::InvalidArgument("S3 bucket name '", bucket,
                                   "' must start and end with a letter or digit");
  }
  return Status::Ok();
}

Status ValidateKey(std::string_view key) {
  if (key.empty() || key.size() > kMaxKeyBytes) {
    return Status::InvalidArgument("S3 key must be 1..1024 bytes, got ", key.size());
  }
  if (!IsValidUtf8(key)) {
    return Status::InvalidArgument("S3 key is not valid UTF-8");
  }
  return Status::Ok();
}

bool IsVirtualHostCompatible(std::string_view bucket) {
  if (bucket.size() < 3 || bucket.size() > 63) {
    return false;
  }
  for (const char c : bucket) {
    if (!IsLowerAlnum(c) && c != '-') {
      return false;
    }
  }
  return IsLowerAlnum(bucket.front()) && IsLowerAlnum(bucket.back());
}

std::string EncodeKey(std::string_view key) { return UriEncode(key, /*keep_slash=*/true); }

Target ResolveTarget(const Endpoint& endpoint, bool virtual_hosted, std::string_view bucket,
                     std::string_view key) {
  if (virtual_hosted) {
    return {.host = std::string(bucket) + "." + endpoint.authority, .path = "/" + EncodeKey(key)};
  }
  std::string path = "/" + UriEncode(bucket, /*keep_slash=*/false);
  if (!key.empty()) {
    path += "/" + EncodeKey(key);
  }
  return {.host = endpoint.authority, .path = std::move(path)};
}

std::string EncodeQuery(const QueryParams& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) {
      out += '&';
    }
    out += UriEncode(name, /*keep_slash=*/false);
    if (!value.empty()) {
      out += '=' + UriEncode(value, /*keep_slash=*/false);
    }
  }
  return out;
}

std::string BuildUrl(const Endpoint& endpoint, const Target& target, const QueryParams& query) {
  std::string url = endpoint.scheme + "://" + target.host + target.path;
  if (!query.empty()) {
    url += "?" + EncodeQuery(query);
  }
  return url;
}

std::optional<std::string_view> FindHeader(const http::Headers& headers, std::string_view name) {
  for (const auto& [header_name, value] : headers) {
    if (EqualsIgnoreCase(header_name, name)) {
      return std::string_view(value);
    }
  }
  return std::nullopt;
}

Status ErrorFromResponse(const http::ClientResponse& response) {
  if (response.body.empty()) {
    return ErrorFromStatusOnly(response);
  }
  Result<ServiceError> parsed = ParseServiceError(response.body);
  if (!parsed.ok()) {
    // A proxy or load balancer in the way answers HTML; the status still says what happened.
    return ErrorFromStatusOnly(response);
  }
  if (parsed->request_id.empty()) {
    if (std::optional<std::string_view> id = FindHeader(response.headers, "x-amz-request-id")) {
      parsed->request_id = std::string(*id);
    }
  }
  Status status = ServiceErrorToStatus(*parsed);
  if (response.status == 429 || response.status >= 500) {
    return Status(Code::kUnavailable, status.message());
  }
  return status;
}

Result<int64_t> ParseHttpDate(std::string_view text) {
  // "Www, DD Mon YYYY HH:MM:SS GMT" is fixed width: 29 characters.
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (text.size() != 29 || text.substr(3, 2) != ", " || text.substr(25) != " GMT" ||
      text[7] != ' ' || text[11] != ' ' || text[16] != ' ' || text[19] != ':' || text[22] != ':') {
    return Status::InvalidArgument("bad HTTP date '", text, "'");
  }
  unsigned month_index = 0;
  while (month_index < kMonths.size() && kMonths[month_index] != text.substr(8, 3)) {
    ++month_index;
  }
  ASSIGN_OR_RETURN(const int day_value, ParseInt(text.substr(5, 2), "HTTP date day"));
  ASSIGN_OR_RETURN(const int year_value, ParseInt(text.substr(12, 4), "HTTP date year"));
  ASSIGN_OR_RETURN(const int hour, ParseInt(text.substr(17, 2), "HTTP date hour"));
  ASSIGN_OR_RETURN(const int minute, ParseInt(text.substr(20, 2), "HTTP date minute"));
  ASSIGN_OR_RETURN(const int second, ParseInt(text.substr(23, 2), "HTTP date second"));
  const std::chrono::year_month_day date{std::chrono::year(year_value),
                                         std::chrono::month(month_index + 1),
                                         std::chrono::day(static_cast<unsigned>(day_value))};
  if (month_index >= kMonths.size() || !date.ok() || hour > 23 || minute > 59 || second > 60) {
    return Status::InvalidArgument("bad HTTP date '", text, "'");
  }
  const int64_t days = std::chrono::sys_days(date).time_since_epoch().count();
  return ((days * 24 + hour) * 60 + minute) * 60'000 + int64_t{second} * 1000;
}

}  // namespace bucketflow::s3

#include "s3/sigv4.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "core/strings.h"

// Follows https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html and,
// where the prose is vague, what botocore and aws-c-auth do (their test suite is our oracle).
namespace bucketflow::s3 {
namespace {

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// Trimall from the spec: strip both ends, fold every inner whitespace run (including the line
// breaks of obsolete folded headers) into one space. Appends word by word: session tokens
// make this the hottest loop of signing.
void AppendTrimmedValue(std::string_view value, std::string& out) {
  bool first = true;
  size_t pos = 0;
  while (pos < value.size()) {
    while (pos < value.size() && IsSpace(value[pos])) {
      ++pos;
    }
    size_t end = pos;
    while (end < value.size() && !IsSpace(value[end])) {
      ++end;
    }
    if (end > pos) {
      if (!first) {
        out.push_back(' ');
      }
      out.append(value.substr(pos, end - pos));
      first = false;
    }
    pos = end;
  }
}

// RFC 3986 5.2.4 dot-segment removal, plus AWS's removal of empty segments ("//").
std::string NormalizePath(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) {
      end = path.size();
    }
    const std::string_view segment = path.substr(start, end - start);
    if (segment == "..") {
      if (!segments.empty()) {
        segments.pop_back();
      }
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = end + 1;
  }
  std::string out = "/";
  for (size_t seg_idx = 0; seg_idx < segments.size(); ++seg_idx) {
    out += segments[seg_idx];
    if (seg_idx + 1 < segments.size()) {
      out.push_back('/');
    }
  }
  if (!segments.empty() && path.back() == '/') {
    out.push_back('/');
  }
  return out;
}

bool IsUnsignedHeader(std::string_view lowercase_name) {
  return lowercase_name == "user-agent" || lowercase_name == "expect" ||
         lowercase_name == "x-amzn-trace-id" || lowercase_name == "authorization";
}

}  // namespace

Result<SigningTime> FormatSigningTime(int64_t unix_seconds) {
  using std::chrono::days;
  using std::chrono::seconds;
  using std::chrono::sys_seconds;
  constexpr int64_t kYear10000 = 253402300800;  // 10000-01-01T00:00:00Z
  if (unix_seconds < 0 || unix_seconds >= kYear10000) {
    return Status::InvalidArgument("signing time ", unix_seconds, " is outside years 1970..9999");
  }
  const sys_seconds time{seconds{unix_seconds}};
  const auto day = std::chrono::floor<days>(time);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{time - day};
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04d%02u%02uT%02d%02d%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  SigningTime out{.amz_date = buf, .date = std::string(buf, 8)};
  return out;
}

std::string UriEncode(std::string_view in, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(in.size() * 3);
  for (char ch : in) {
    const auto c = static_cast<unsigned char>(ch);
    if (IsUnreserved(c) || (keep_slash && c == '/')) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0f]);
    }
  }
  return out;
}

std::string CanonicalUri(std::string_view path, UriRules rules) {
  if (path.empty()) {
    return "/";
  }
  std::string out = rules.normalize ? NormalizePath(path) : std::string(path);
  return rules.encode ? UriEncode(out, /*keep_slash=*/true) : out;
}

std::string CanonicalQueryString(const QueryParams& params) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(params.size());
  for (const auto& [key, value] : params) {
    encoded.emplace_back(UriEncode(key, false), UriEncode(value, false));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [key, value] : encoded) {
    if (!out.empty()) {
      out.push_back('&');
    }
    out += key;
    out.push_back('=');
    out += value;
  }
  return out;
}

CanonicalHeaders CanonicalizeHeaders(const HeaderList& headers) {
  // Stable sort keeps repeated names in request order, which the joined value must preserve.
  std::vector<std::pair<std::string, std::string_view>> lowered;
  lowered.reserve(headers.size());
  for (const auto& [name, value] : headers) {
    std::string lower = ToLower(TrimWhitespace(name));
    if (!IsUnsignedHeader(lower)) {
      lowered.emplace_back(std::move(lower), value);
    }
  }
  std::stable_sort(lowered.begin(), lowered.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  CanonicalHeaders out;
  size_t total = 0;
  for (const auto& [name, value] : lowered) {
    total += name.size() + value.size() + 2;
  }
  out.canonical.reserve(total);
  for (size_t idx = 0; idx < lowered.size(); ++idx) {
    const bool continues = idx > 0 && lowered[idx - 1].first == lowered[idx].first;
    if (continues) {
      out.canonical.back() = ',';
    } else {
      if (!out.signed_headers.empty()) {
        out.signed_headers.push_back(';');
      }
      out.signed_headers += lowered[idx].first;
      out.canonical += lowered[idx].first;
      out.canonical.push_back(':');
    }
    AppendTrimmedValue(lowered[idx].second, out.canonical);
    out.canonical.push_back('\n');
  }
  return out;
}

std::string CanonicalRequest(const CanonicalRequestParts& parts) {
  std::string out;
  out.reserve(parts.canonical_uri.size() + parts.canonical_query.size() +
              parts.headers.canonical.size() + parts.headers.signed_headers.size() + 96);
  out.append(parts.method).push_back('\n');
  out.append(parts.canonical_uri).push_back('\n');
  out.append(parts.canonical_query).push_back('\n');
  out.append(parts.headers.canonical).push_back('\n');
  out.append(parts.headers.signed_headers).push_back('\n');
  out.append(parts.payload_hash);
  return out;
}

std::string CredentialScope(std::string_view date, std::string_view region,
                            std::string_view service) {
  std::string out;
  out.append(date).push_back('/');
  out.append(region).push_back('/');
  out.append(service).append("/aws4_request");
  return out;
}

std::string StringToSign(std::string_view amz_date, std::string_view credential_scope,
                         std::string_view canonical_request) {
  std::string out;
  out.append(kSigV4Algorithm).push_back('\n');
  out.append(amz_date).push_back('\n');
  out.append(credential_scope).push_back('\n');
  out.append(Sha256Hex(canonical_request));
  return out;
}

Sha256Digest DeriveSigningKey(const SigningKeyParts& parts) {
  std::string secret = "AWS4";
  secret.append(parts.secret_access_key);
  const Sha256Digest date_key = HmacSha256(secret, parts.date);
  const Sha256Digest region_key = HmacSha256(AsBytes(date_key), parts.region);
  const Sha256Digest service_key = HmacSha256(AsBytes(region_key), parts.service);
  return HmacSha256(AsBytes(service_key), "aws4_request");
}

std::string Signature(const Sha256Digest& signing_key, std::string_view string_to_sign) {
  return HexEncode(AsBytes(HmacSha256(AsBytes(signing_key), string_to_sign)));
}

std::string AuthorizationHeader(std::string_view access_key_id, std::string_view credential_scope,
                                std::string_view signed_headers, std::string_view signature) {
  std::string out;
  out.append(kSigV4Algorithm).append(" Credential=").append(access_key_id).push_back('/');
  out.append(credential_scope).append(", SignedHeaders=").append(signed_headers);
  out.append(", Signature=").append(signature);
  return out;
}

}  // namespace bucketflow::s3

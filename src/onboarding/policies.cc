#include "onboarding/policies.h"

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <charconv>
#include <string>
#include <vector>

#include "core/random.h"
#include "core/strings.h"

// Naming rules: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html.
// Policy grammar: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html.
// boost::json::object keeps insertion order, so the documents come out in the order built here.

namespace bucketflow::onboarding {
namespace {

namespace json = boost::json;

constexpr size_t kMinBucket = 3;
constexpr size_t kMaxBucket = 63;
constexpr size_t kMinExternalId = 2;
constexpr size_t kMaxExternalId = 1224;
constexpr size_t kExternalIdBytes = 16;
constexpr std::array<std::string_view, 3> kReservedPrefixes = {"xn--", "sthree-", "amzn-s3-demo-"};
constexpr std::array<std::string_view, 5> kReservedSuffixes = {"-s3alias", "--ol-s3", ".mrap",
                                                               "--x-s3", "--table-s3"};

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHostChar(char c) {
  return IsLowerAlnum(c) || (c >= 'A' && c <= 'Z') || c == '.' || c == '-';
}

// Four dot-separated decimal numbers 0..255: the form S3 forbids.
bool LooksLikeIpv4(std::string_view name) {
  const std::vector<std::string_view> parts = Split(name, '.');
  if (parts.size() != 4) {
    return false;
  }
  for (const std::string_view part : parts) {
    int value = 0;
    const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (part.empty() || part.size() > 3 || ec != std::errc() || end != part.data() + part.size() ||
        value > 255) {
      return false;
    }
  }
  return true;
}

Status BadName(std::string_view name, std::string_view rule) {
  return Status::InvalidArgument("invalid bucket name '", name, "': ", rule);
}

Status CheckReservedAffixes(std::string_view name) {
  for (const std::string_view prefix : kReservedPrefixes) {
    if (name.starts_with(prefix)) {
      return BadName(name, "must not start with the reserved prefix '" + std::string(prefix) + "'");
    }
  }
  for (const std::string_view suffix : kReservedSuffixes) {
    if (name.ends_with(suffix)) {
      return BadName(name, "must not end with the reserved suffix '" + std::string(suffix) + "'");
    }
  }
  return Status::Ok();
}

json::array Strings(std::initializer_list<std::string_view> items) {
  json::array out;
  for (const std::string_view item : items) {
    out.emplace_back(json::string(item));
  }
  return out;
}

json::object AllowStatement(std::string_view sid, std::initializer_list<std::string_view> actions,
                            std::string_view resource) {
  json::object statement;
  statement["Sid"] = sid;
  statement["Effect"] = "Allow";
  statement["Action"] = Strings(actions);
  statement["Resource"] = Strings({resource});
  return statement;
}

json::object AssumeStatement(std::string_view principal_arn) {
  json::object statement;
  statement["Effect"] = "Allow";
  statement["Principal"] = json::object{{"AWS", principal_arn}};
  statement["Action"] = "sts:AssumeRole";
  return statement;
}

std::string Document(json::array statements) {
  json::object doc;
  doc["Version"] = kPolicyVersion;
  doc["Statement"] = std::move(statements);
  return json::serialize(doc);
}

std::string_view OriginOrAny(std::string_view ui_origin) {
  return ui_origin.empty() ? std::string_view("*") : ui_origin;
}

}  // namespace

Status ValidateBucketName(std::string_view name) {
  if (name.size() < kMinBucket || name.size() > kMaxBucket) {
    return BadName(name, "must be 3 to 63 characters long");
  }
  for (const char c : name) {
    if (!IsLowerAlnum(c) && c != '.' && c != '-') {
      return BadName(name, "may hold only lowercase letters, digits, '.' and '-'");
    }
  }
  if (!IsLowerAlnum(name.front()) || !IsLowerAlnum(name.back())) {
    return BadName(name, "must start and end with a lowercase letter or digit");
  }
  if (name.find("..") != std::string_view::npos) {
    return BadName(name, "must not contain two adjacent periods ('..')");
  }
  if (name.find(".-") != std::string_view::npos || name.find("-.") != std::string_view::npos) {
    return BadName(name, "must not contain '.-' or '-.'");
  }
  if (LooksLikeIpv4(name)) {
    return BadName(name, "must not be formatted as an IP address");
  }
  return CheckReservedAffixes(name);
}

Status ValidateUiOrigin(std::string_view ui_origin) {
  if (ui_origin.empty()) {
    return Status::Ok();
  }
  const auto bad = [&](std::string_view why) {
    return Status::InvalidArgument(
        "invalid UI origin '", ui_origin, "': ", why,
        " (expected scheme://host[:port], e.g. https://mlflow.example.com)");
  };
  const size_t scheme_end = ui_origin.find("://");
  if (scheme_end == std::string_view::npos ||
      (ui_origin.substr(0, scheme_end) != "http" && ui_origin.substr(0, scheme_end) != "https")) {
    return bad("the scheme must be http or https");
  }
  const std::string_view authority = ui_origin.substr(scheme_end + 3);
  if (authority.find_first_of("/?#") != std::string_view::npos) {
    return bad("an origin has no path, query or trailing '/'");
  }
  const size_t colon = authority.rfind(':');
  const std::string_view host = authority.substr(0, colon);
  // Letters, digits, '.' and '-' only: DNS names and IPv4 addresses, and nothing that would
  // need escaping in the JSON or XML documents.
  if (host.empty() || !std::all_of(host.begin(), host.end(), IsHostChar)) {
    return bad("the host is missing or invalid");
  }
  if (colon != std::string_view::npos) {
    const std::string_view port = authority.substr(colon + 1);
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value == 0 ||
        value > 65535) {
      return bad("the port must be a number from 1 to 65535");
    }
  }
  return Status::Ok();
}

std::string PermissionPolicyJson(std::string_view bucket, bool allow_abort_multipart) {
  const std::string bucket_arn = "arn:aws:s3:::" + std::string(bucket);
  const std::string objects_arn = bucket_arn + "/*";
  json::array statements;
  statements.emplace_back(AllowStatement("BucketflowList", {"s3:ListBucket"}, bucket_arn));
  statements.emplace_back(AllowStatement(
      "BucketflowObjects", {"s3:PutObject", "s3:GetObject", "s3:DeleteObject"}, objects_arn));
  if (allow_abort_multipart) {
    statements.emplace_back(
        AllowStatement("BucketflowAbortMultipart", {"s3:AbortMultipartUpload"}, objects_arn));
  }
  return Document(std::move(statements));
}

std::string TrustPolicyJson(std::string_view principal_arn, std::string_view external_id) {
  json::object statement = AssumeStatement(principal_arn);
  statement["Condition"] =
      json::object{{"StringEquals", json::object{{"sts:ExternalId", external_id}}}};
  json::array statements;
  statements.emplace_back(std::move(statement));
  return Document(std::move(statements));
}

std::string TrustPolicyJsonWithoutExternalId(std::string_view principal_arn) {
  json::array statements;
  statements.emplace_back(AssumeStatement(principal_arn));
  return Document(std::move(statements));
}

std::string CorsRulesJson(std::string_view ui_origin) {
  json::object rule;
  rule["AllowedHeaders"] = Strings({"*"});
  rule["AllowedMethods"] = Strings({"GET"});
  rule["AllowedOrigins"] = Strings({OriginOrAny(ui_origin)});
  rule["ExposeHeaders"] = json::array();
  rule["MaxAgeSeconds"] = kCorsMaxAgeSeconds;
  return json::serialize(json::array{std::move(rule)});
}

std::string CorsConfigurationXml(std::string_view ui_origin) {
  return "<CORSConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><CORSRule>"
         "<AllowedHeader>*</AllowedHeader><AllowedMethod>GET</AllowedMethod><AllowedOrigin>" +
         std::string(OriginOrAny(ui_origin)) + "</AllowedOrigin><MaxAgeSeconds>" +
         std::to_string(kCorsMaxAgeSeconds) + "</MaxAgeSeconds></CORSRule></CORSConfiguration>";
}

Result<std::string> PrincipalArnFor(std::string_view account_id_or_arn) {
  const std::string_view text = account_id_or_arn;
  if (text.size() == 12 && std::all_of(text.begin(), text.end(), IsDigit)) {
    return "arn:aws:iam::" + std::string(text) + ":root";
  }
  // arn:PARTITION:iam::ACCOUNT:RESOURCE
  const std::vector<std::string_view> parts = Split(text, ':');
  const bool arn =
      parts.size() == 6 && parts[0] == "arn" && !parts[1].empty() && parts[2] == "iam" &&
      parts[3].empty() && std::all_of(parts[4].begin(), parts[4].end(), IsDigit) &&
      (parts[5] == "root" || parts[5].starts_with("user/") || parts[5].starts_with("role/")) &&
      text.find_first_of(" \"\\") == std::string_view::npos;
  if (!arn) {
    return Status::InvalidArgument(
        "service account '", text,
        "' is neither a 12-digit AWS account id nor an IAM principal ARN "
        "(arn:aws:iam::ACCOUNT:root, :user/NAME or :role/NAME)");
  }
  return std::string(text);
}

std::string GenerateExternalId() { return RandomHex(kExternalIdBytes); }

Status ValidateExternalId(std::string_view external_id) {
  if (external_id.size() < kMinExternalId || external_id.size() > kMaxExternalId) {
    return Status::InvalidArgument("external id must be 2 to 1224 characters long");
  }
  for (const char c : external_id) {
    const bool allowed = IsLowerAlnum(c) || (c >= 'A' && c <= 'Z') ||
                         std::string_view("+=,.@:/_-").find(c) != std::string_view::npos;
    if (!allowed) {
      return Status::InvalidArgument(
          "external id may hold only letters, digits and + = , . @ : / _ -");
    }
  }
  return Status::Ok();
}

}  // namespace bucketflow::onboarding

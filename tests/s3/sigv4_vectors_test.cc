// Runs the AWS SigV4 signing test suite (testdata/sigv4, from awslabs/aws-c-auth; see
// SOURCE.md there) through every phase: canonical request, string to sign, signature, and the
// final signed request, for both header and presigned-query signing.
//
// All 38 vectors apply and none is skipped. The suite signs for service "service", so the
// default URI rules (normalise + encode) apply; "normalize": false selects encode-only. The
// request lines carry raw (unencoded) paths, which the single encoding pass then escapes.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/crypto.h"
#include "core/strings.h"
#include "s3/signer.h"
#include "s3/sigv4.h"

namespace bucketflow::s3 {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

const fs::path kVectorDir = fs::path(BF_S3_TEST_SOURCE_DIR) / "testdata" / "sigv4";

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

// A vector's request.txt plus context.json.
struct Vector {
  std::string name;
  std::string method;
  std::string path;
  QueryParams query;
  HeaderList headers;
  std::string body;
  Credentials credentials;
  std::string region;
  std::string service;
  int64_t unix_seconds = 0;
  int64_t expires = 0;
  bool normalize = true;
  bool sign_body = false;
  bool omit_session_token = false;
};

QueryParams ParseRawQuery(std::string_view raw) {
  QueryParams out;
  for (std::string_view pair : Split(raw, '&')) {
    const size_t eq = pair.find('=');
    const std::string_view key = pair.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? "" : pair.substr(eq + 1);
    out.emplace_back(UrlDecode(key, false).value_or("?"), UrlDecode(value, false).value_or("?"));
  }
  return out;
}

// request.txt: "METHOD path[?query] HTTP/1.1", headers (continuation lines start with
// whitespace), a blank line, then the body.
void ParseRequest(const std::string& text, Vector& v) {
  const size_t head_end = text.find("\n\n");
  v.body = head_end == std::string::npos ? "" : text.substr(head_end + 2);
  std::vector<std::string_view> lines = Split(std::string_view(text).substr(0, head_end), '\n');
  const std::string_view line = lines.at(0);
  v.method = std::string(line.substr(0, line.find(' ')));
  std::string_view target = line.substr(v.method.size() + 1);
  target = target.substr(0, target.rfind(" HTTP/"));
  const size_t qmark = target.find('?');
  v.path = std::string(target.substr(0, qmark));
  if (qmark != std::string_view::npos) {
    v.query = ParseRawQuery(target.substr(qmark + 1));
  }
  for (size_t idx = 1; idx < lines.size(); ++idx) {
    if (lines[idx].empty()) {
      continue;
    }
    if (lines[idx].front() == ' ' || lines[idx].front() == '\t') {
      v.headers.back().second += "\n" + std::string(lines[idx]);
      continue;
    }
    const size_t colon = lines[idx].find(':');
    v.headers.emplace_back(lines[idx].substr(0, colon), lines[idx].substr(colon + 1));
  }
}

int64_t ParseTimestamp(std::string_view iso) {  // "2015-08-30T12:36:00Z"
  const auto num = [&](size_t pos, size_t len) {
    return std::stoi(std::string(iso.substr(pos, len)));
  };
  const std::chrono::year_month_day ymd{std::chrono::year{num(0, 4)},
                                        std::chrono::month{static_cast<unsigned>(num(5, 2))},
                                        std::chrono::day{static_cast<unsigned>(num(8, 2))}};
  const auto days = std::chrono::sys_days{ymd}.time_since_epoch();
  return std::chrono::duration_cast<std::chrono::seconds>(days).count() + num(11, 2) * 3600 +
         num(14, 2) * 60 + num(17, 2);
}

Vector LoadVector(const std::string& name) {
  Vector v;
  v.name = name;
  ParseRequest(ReadFile(kVectorDir / name / "request.txt"), v);
  const json::object ctx = json::parse(ReadFile(kVectorDir / name / "context.json")).as_object();
  const json::object& creds = ctx.at("credentials").as_object();
  v.credentials.access_key_id = json::value_to<std::string>(creds.at("access_key_id"));
  v.credentials.secret_access_key = json::value_to<std::string>(creds.at("secret_access_key"));
  if (creds.contains("token")) {
    v.credentials.session_token = json::value_to<std::string>(creds.at("token"));
  }
  v.region = json::value_to<std::string>(ctx.at("region"));
  v.service = json::value_to<std::string>(ctx.at("service"));
  v.unix_seconds = ParseTimestamp(ctx.at("timestamp").as_string());
  v.expires = ctx.at("expiration_in_seconds").as_int64();
  v.normalize = ctx.at("normalize").as_bool();
  v.sign_body = ctx.at("sign_body").as_bool();
  v.omit_session_token =
      ctx.contains("omit_session_token") && ctx.at("omit_session_token").as_bool();
  return v;
}

std::vector<std::string> VectorNames() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(kVectorDir)) {
    if (entry.is_directory()) {
      names.push_back(entry.path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

SignerConfig ConfigFor(const Vector& v) {
  return SignerConfig{.region = v.region,
                      .service = v.service,
                      .uri_rules = {.normalize = v.normalize, .encode = true},
                      .add_content_sha256_header = v.sign_body,
                      .sign_session_token = !v.omit_session_token};
}

bool SignsToken(const Vector& v) {
  return !v.credentials.session_token.empty() && !v.omit_session_token;
}

class SigV4VectorTest : public testing::TestWithParam<std::string> {};

// The phases, composed by hand exactly as the suite describes header signing.
TEST_P(SigV4VectorTest, HeaderPhases) {
  const Vector v = LoadVector(GetParam());
  const std::string want_dir = (kVectorDir / v.name).string() + "/header-";
  const SigningTime time = FormatSigningTime(v.unix_seconds).value();
  HeaderList headers = v.headers;
  headers.emplace_back("X-Amz-Date", time.amz_date);
  const std::string payload_hash = Sha256Hex(v.body);
  if (v.sign_body) {
    headers.emplace_back("x-amz-content-sha256", payload_hash);
  }
  if (SignsToken(v)) {
    headers.emplace_back("X-Amz-Security-Token", v.credentials.session_token);
  }
  const CanonicalHeaders canonical_headers = CanonicalizeHeaders(headers);
  const std::string creq = CanonicalRequest(
      {.method = v.method,
       .canonical_uri = CanonicalUri(v.path, {.normalize = v.normalize, .encode = true}),
       .canonical_query = CanonicalQueryString(v.query),
       .headers = canonical_headers,
       .payload_hash = payload_hash});
  EXPECT_EQ(creq, ReadFile(want_dir + "canonical-request.txt"));
  const std::string scope = CredentialScope(time.date, v.region, v.service);
  const std::string sts = StringToSign(time.amz_date, scope, creq);
  EXPECT_EQ(sts, ReadFile(want_dir + "string-to-sign.txt"));
  const Sha256Digest key = DeriveSigningKey({.secret_access_key = v.credentials.secret_access_key,
                                             .date = time.date,
                                             .region = v.region,
                                             .service = v.service});
  EXPECT_EQ(Signature(key, sts), TrimWhitespace(ReadFile(want_dir + "signature.txt")));
}

std::string SignedRequestLine(const std::string& signed_request, std::string_view prefix) {
  for (std::string_view line : Split(signed_request, '\n')) {
    if (line.starts_with(prefix)) {
      return std::string(line.substr(prefix.size()));
    }
  }
  return "<missing " + std::string(prefix) + ">";
}

// The Signer end to end: its added headers must be the suite's signed request.
TEST_P(SigV4VectorTest, HeaderSignedRequest) {
  const Vector v = LoadVector(GetParam());
  const std::string want = ReadFile(kVectorDir / v.name / "header-signed-request.txt");
  const Signer signer(ConfigFor(v));
  const std::string payload_hash = Sha256Hex(v.body);
  auto added = signer.SignHeaders({.method = v.method,
                                   .path = v.path,
                                   .query = v.query,
                                   .headers = v.headers,
                                   .payload_hash = payload_hash},
                                  v.credentials, v.unix_seconds);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  for (const auto& [name, value] : *added) {
    EXPECT_EQ(value, SignedRequestLine(want, ToLower(name) == "x-amz-content-sha256"
                                                 ? "x-amz-content-sha256:"
                                                 : name + ":"))
        << name;
  }
  const bool has_token = !v.credentials.session_token.empty();
  EXPECT_EQ(added->size(), 2u + (v.sign_body ? 1u : 0u) + (has_token ? 1u : 0u));
}

QueryParams AuthParams(const Vector& v, const SigningTime& time, std::string_view signed_headers) {
  QueryParams params{
      {"X-Amz-Algorithm", "AWS4-HMAC-SHA256"},
      {"X-Amz-Credential",
       v.credentials.access_key_id + "/" + CredentialScope(time.date, v.region, v.service)},
      {"X-Amz-Date", time.amz_date},
      {"X-Amz-Expires", std::to_string(v.expires)},
      {"X-Amz-SignedHeaders", std::string(signed_headers)},
  };
  if (SignsToken(v)) {
    params.emplace_back("X-Amz-Security-Token", v.credentials.session_token);
  }
  return params;
}

TEST_P(SigV4VectorTest, QueryPhases) {
  const Vector v = LoadVector(GetParam());
  const std::string want_dir = (kVectorDir / v.name).string() + "/query-";
  const SigningTime time = FormatSigningTime(v.unix_seconds).value();
  const CanonicalHeaders canonical_headers = CanonicalizeHeaders(v.headers);
  QueryParams query = v.query;
  for (auto& param : AuthParams(v, time, canonical_headers.signed_headers)) {
    query.push_back(std::move(param));
  }
  const std::string creq = CanonicalRequest(
      {.method = v.method,
       .canonical_uri = CanonicalUri(v.path, {.normalize = v.normalize, .encode = true}),
       .canonical_query = CanonicalQueryString(query),
       .headers = canonical_headers,
       .payload_hash = Sha256Hex(v.body)});
  EXPECT_EQ(creq, ReadFile(want_dir + "canonical-request.txt"));
  const std::string sts =
      StringToSign(time.amz_date, CredentialScope(time.date, v.region, v.service), creq);
  EXPECT_EQ(sts, ReadFile(want_dir + "string-to-sign.txt"));
  const Sha256Digest key = DeriveSigningKey({.secret_access_key = v.credentials.secret_access_key,
                                             .date = time.date,
                                             .region = v.region,
                                             .service = v.service});
  EXPECT_EQ(Signature(key, sts), TrimWhitespace(ReadFile(want_dir + "signature.txt")));
}

// The Signer's presigned parameters must be exactly the X-Amz-* ones of the suite's signed URL.
TEST_P(SigV4VectorTest, QuerySignedRequest) {
  const Vector v = LoadVector(GetParam());
  const std::string want = ReadFile(kVectorDir / v.name / "query-signed-request.txt");
  const std::string_view request_line = Split(want, '\n').at(0);
  const size_t qmark = request_line.find('?');
  const size_t query_end = request_line.rfind(" HTTP/");
  QueryParams want_params;
  for (auto& param : ParseRawQuery(request_line.substr(qmark + 1, query_end - qmark - 1))) {
    if (param.first.starts_with("X-Amz-")) {
      want_params.push_back(std::move(param));
    }
  }
  const Signer signer(ConfigFor(v));
  const std::string payload_hash = Sha256Hex(v.body);
  auto added = signer.Presign({.method = v.method,
                               .path = v.path,
                               .query = v.query,
                               .headers = v.headers,
                               .payload_hash = payload_hash},
                              v.credentials, v.unix_seconds, v.expires);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  QueryParams got = *added;
  std::sort(got.begin(), got.end());
  std::sort(want_params.begin(), want_params.end());
  EXPECT_EQ(got, want_params);
}

INSTANTIATE_TEST_SUITE_P(AwsSuite, SigV4VectorTest, testing::ValuesIn(VectorNames()),
                         [](const testing::TestParamInfo<std::string>& param_info) {
                           std::string name = param_info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(SigV4VectorSuiteTest, AllVectorsPresent) {
  // Guards against a broken copy silently running zero cases.
  EXPECT_EQ(VectorNames().size(), 38u);
}

}  // namespace
}  // namespace bucketflow::s3

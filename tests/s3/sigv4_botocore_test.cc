// Agreement with botocore: signs randomized requests (fixed seed) with our Signer and with
// botocore's SigV4Auth / S3SigV4Auth / SigV4QueryAuth / S3SigV4QueryAuth via
// botocore_sign.py, and requires identical signatures and added headers/parameters.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/crypto.h"
#include "s3/signer.h"
#include "s3/sigv4.h"

namespace bucketflow::s3 {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr std::string_view kPython = "/usr/bin/python3";
constexpr int kRequestCount = 200;

struct Case {
  bool presign = false;
  std::string service;
  std::string region;
  std::string method;
  std::string path;
  QueryParams query;
  HeaderList headers;
  std::string body;
  bool unsigned_payload = false;
  Credentials credentials;
  int64_t unix_seconds = 0;
  int64_t expires = 0;
};

class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  Case Next() {
    Case c;
    c.presign = Coin(3);
    c.service = Pick<std::string>({"s3", "s3", "sts", "execute-api"});
    c.region = Pick<std::string>({"us-east-1", "eu-west-3", "ap-southeast-2", "default"});
    c.method = c.presign ? Pick<std::string>({"GET", "PUT", "HEAD", "DELETE"})
                         : Pick<std::string>({"GET", "PUT", "POST", "HEAD", "DELETE"});
    c.path = Path(c.service == "s3");
    c.query = Query(/*unique_keys=*/c.presign);
    c.headers = Headers();
    c.body = c.presign || c.method == "GET" ? "" : Text(0, 40);
    c.unsigned_payload = c.service == "s3" && Coin(3);
    c.credentials = {.access_key_id = "AKID" + Text(8, 8),
                     .secret_access_key = "sk/" + Text(10, 40),
                     .session_token = Coin(2) ? "tok+/=" + Text(20, 80) : ""};
    c.unix_seconds = Int(946684800, 2145916800);  // 2000..2038
    c.expires = Int(1, kMaxPresignExpiresSeconds);
    return c;
  }

 private:
  bool Coin(int one_in) { return Int(1, one_in) == 1; }
  int64_t Int(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  }
  template <typename T>
  T Pick(std::initializer_list<T> options) {
    return *(options.begin() + Int(0, static_cast<int64_t>(options.size()) - 1));
  }

  // Printable ASCII plus a space, unicode, and every reserved character.
  std::string Text(int64_t min_len, int64_t max_len) {
    static const std::vector<std::string> kAtoms = {
        "a", "Z",  "0", "9", "-", "_", ".", "~", " ", "!",    "$", "&", "'", "(",   ")",
        "*", "+",  ",", ";", "=", ":", "@", "/", "?", "#",    "[", "]", "%", "\"",  "<",
        ">", "\\", "^", "`", "{", "|", "}", "é", "ሴ", "日本", "😀", "x", "y", "key", "v"};
    std::string out;
    const int64_t len = Int(min_len, max_len);
    for (int64_t idx = 0; idx < len; ++idx) {
      out += kAtoms[static_cast<size_t>(Int(0, static_cast<int64_t>(kAtoms.size()) - 1))];
    }
    return out;
  }

  // The path as sent: each segment percent-encoded (sub-delims left raw, as many clients do),
  // plus, outside S3, dot segments and empty segments that normalisation must remove.
  std::string Path(bool s3) {
    std::string path;
    const int64_t segments = Int(0, 5);
    for (int64_t idx = 0; idx < segments; ++idx) {
      path += "/";
      if (!s3 && Coin(4)) {
        path += Pick<std::string>({".", "..", ""});
        continue;
      }
      for (char ch : Text(0, 8)) {
        const std::string_view raw_ok = "!$'()*+,;=:@";
        path += raw_ok.find(ch) != std::string_view::npos ? std::string(1, ch)
                                                          : UriEncode(std::string(1, ch), false);
      }
    }
    return path.empty() || Coin(4) ? path + "/" : path;
  }

  QueryParams Query(bool unique_keys) {
    QueryParams query;
    const int64_t count = Int(0, 4);
    for (int64_t idx = 0; idx < count; ++idx) {
      std::string key = unique_keys ? "k" + std::to_string(idx) + Text(0, 4) : Text(1, 4);
      std::string value = Coin(4) ? "" : Text(0, 10);
      query.emplace_back(key, value);
      if (!unique_keys && Coin(3)) {
        query.emplace_back(key, Coin(2) ? value : Text(0, 5));  // Repeated key.
      }
    }
    return query;
  }

  HeaderList Headers() {
    HeaderList headers{{Pick<std::string>({"Host", "host", "HOST"}),
                        Pick<std::string>({"example.amazonaws.com", "localhost:9000",
                                           "bucket.s3.eu-west-3.amazonaws.com"})}};
    const int64_t count = Int(0, 4);
    for (int64_t idx = 0; idx < count; ++idx) {
      std::string name = Pick<std::string>({"X-Custom", "x-custom", "X-Meta-Data", "Range",
                                            "Content-Type", "User-Agent", "x-amz-meta-Tag"});
      std::string value = Pick<std::string>({"", " ", "\t"}) + "a" +
                          Pick<std::string>({" ", "   ", "\t ", ""}) + Text(0, 6) +
                          Pick<std::string>({"", "  ", "\t"});
      headers.emplace_back(std::move(name), std::move(value));
    }
    return headers;
  }

  std::mt19937 rng_;
};

json::array PairsToJson(const std::vector<std::pair<std::string, std::string>>& pairs) {
  json::array out;
  for (const auto& [first, second] : pairs) {
    out.push_back(json::array{json::string(first), json::string(second)});
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> PairsFromJson(const json::value& value) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const json::value& pair : value.as_array()) {
    out.emplace_back(json::value_to<std::string>(pair.at(0)),
                     json::value_to<std::string>(pair.at(1)));
  }
  return out;
}

json::object CaseToJson(const Case& c) {
  return json::object{{"mode", c.presign ? "query" : "header"},
                      {"service", c.service},
                      {"region", c.region},
                      {"method", c.method},
                      {"path", c.path},
                      {"query", PairsToJson(c.query)},
                      {"headers", PairsToJson(c.headers)},
                      {"body", c.body},
                      {"unsigned_payload", c.unsigned_payload},
                      {"access_key", c.credentials.access_key_id},
                      {"secret_key", c.credentials.secret_access_key},
                      {"token", c.credentials.session_token},
                      {"unix_seconds", c.unix_seconds},
                      {"expires", c.expires}};
}

// What our Signer adds, in the shape botocore_sign.py reports.
Result<std::vector<std::pair<std::string, std::string>>> SignOurs(const Case& c) {
  SignerConfig config = c.service == "s3" ? S3SignerConfig(c.region)
                                          : SignerConfig{.region = c.region, .service = c.service};
  const Signer signer(std::move(config));
  std::string payload_hash = Sha256Hex(c.body);
  if (c.service == "s3" && (c.presign || c.unsigned_payload)) {
    payload_hash = kUnsignedPayload;
  }
  const RequestToSign request{.method = c.method,
                              .path = c.path,
                              .query = c.query,
                              .headers = c.headers,
                              .payload_hash = payload_hash};
  if (c.presign) {
    return signer.Presign(request, c.credentials, c.unix_seconds, c.expires);
  }
  return signer.SignHeaders(request, c.credentials, c.unix_seconds);
}

std::string ShellQuote(const std::string& arg) { return "'" + arg + "'"; }

bool BotocoreAvailable() {
  const std::string cmd = std::string(kPython) + " -c 'import botocore' >/dev/null 2>&1";
  return fs::exists(kPython) && std::system(cmd.c_str()) == 0;
}

TEST(SigV4BotocoreTest, RandomRequestsMatchBotocore) {
  if (!BotocoreAvailable()) {
    GTEST_SKIP() << kPython << " with botocore (Debian python3-botocore) is not installed; "
                 << "run scripts/install-deps.sh --test";
  }
  const fs::path dir =
      fs::path(testing::TempDir()) / ("sigv4_botocore_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  Generator generator(20150830);
  std::vector<Case> cases;
  json::array items;
  for (int idx = 0; idx < kRequestCount; ++idx) {
    cases.push_back(generator.Next());
    items.push_back(CaseToJson(cases.back()));
  }
  std::ofstream(dir / "in.json") << json::serialize(items);
  const std::string script = std::string(BF_S3_TEST_SOURCE_DIR) + "/botocore_sign.py";
  const std::string cmd = std::string(kPython) + " " + ShellQuote(script) + " " +
                          ShellQuote((dir / "in.json").string()) + " " +
                          ShellQuote((dir / "out.json").string());
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::stringstream out_text;
  out_text << std::ifstream(dir / "out.json").rdbuf();
  const json::array results = json::parse(out_text.str()).as_array();
  ASSERT_EQ(results.size(), cases.size());

  int presigned = 0;
  for (size_t idx = 0; idx < cases.size(); ++idx) {
    const json::object& want = results[idx].as_object();
    auto ours = SignOurs(cases[idx]);
    ASSERT_TRUE(ours.ok()) << ours.status().ToString();
    auto got = *ours;
    auto expected = PairsFromJson(want.at(cases[idx].presign ? "query" : "headers"));
    std::sort(got.begin(), got.end());
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(got, expected) << "case " << idx << " " << json::serialize(items[idx])
                             << "\nbotocore canonical request:\n"
                             << json::value_to<std::string>(want.at("canonical_request"));
    presigned += cases[idx].presign ? 1 : 0;
  }
  // The generator must exercise both signing modes.
  EXPECT_GT(presigned, kRequestCount / 10);
  EXPECT_LT(presigned, kRequestCount * 9 / 10);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace bucketflow::s3

// Replays recorded MLflow 2.17.2 exchanges (tests/api/testdata/golden_tracking_cases.json, a
// filtered copy of reference/mlflow-golden/normalised) against the router over a FakeStore, in
// order, and checks status, error_code, handler-made messages and the top-level response keys.
// Ids are bound as the sequence creates them (<EXP_ID_n>, <RUN_ID_n>). Deliberate divergences
// from MLflow are listed in kDivergences, each with the answer Bucketflow gives instead.
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "api/handler_test_fixture.h"

namespace bucketflow::api {
namespace {

namespace json = boost::json;

struct Divergence {
  int status;
  const char* error_code;  // "" for a success
  const char* why;
};

// MLflow's answer is a 500/HTML page, a silently stored wrong value, or (for error codes
// without a Code of their own) less precise than ours.
const std::map<std::string, Divergence>& Divergences() {
  static const std::map<std::string, Divergence> kDivergences = {
      {"update: rename to existing name", {400, "RESOURCE_ALREADY_EXISTS", "raw sqlite text"}},
      {"update: rename deleted experiment",
       {400, "INVALID_PARAMETER_VALUE", "MLflow: 500 INVALID_STATE"}},
      {"create: no experiment_id", {400, "INVALID_PARAMETER_VALUE", "raw FK failure text"}},
      {"create: tags is an object", {400, "INVALID_PARAMETER_VALUE", "tags silently dropped"}},
      {"update: invalid status name", {400, "INVALID_PARAMETER_VALUE", "silent no-op"}},
      {"log-metric: value is an object", {400, "INVALID_PARAMETER_VALUE", "MLflow: 500 HTML"}},
      {"log-metric: bare NaN literal in JSON", {400, "INVALID_PARAMETER_VALUE", "stores 0"}},
      {"log-metric: bare Infinity literal in JSON", {400, "INVALID_PARAMETER_VALUE", "stores 0"}},
      {"log-metric: timestamp is a float (partial parse)",
       {400, "INVALID_PARAMETER_VALUE", "stores timestamp 0"}},
      {"get-history: nan_lit", {200, "", "nothing was stored"}},
      {"get-history: ts_float", {200, "", "nothing was stored"}},
      {"malformed JSON: log-batch", {400, "INVALID_PARAMETER_VALUE", "MLflow: 500 HTML"}},
      {"JSON body is an array", {400, "INVALID_PARAMETER_VALUE", "MLflow: 500 HTML"}},
      {"JSON body is a string that is not JSON", {400, "INVALID_PARAMETER_VALUE", "500 HTML"}},
      {"wrong type: max_results is a float", {400, "INVALID_PARAMETER_VALUE", "type message"}},
      {"wrong type: experiment_ids list of objects",
       {400, "INVALID_PARAMETER_VALUE", "silently searched nothing"}},
      {"wrong type: tags list of strings", {400, "INVALID_PARAMETER_VALUE", "stores tag ''"}},
  };
  return kDivergences;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string Base64Decode(std::string_view in) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : in) {
    size_t index = kAlphabet.find(c);
    if (index == std::string_view::npos) continue;
    buffer = (buffer << 6) | static_cast<uint32_t>(index);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

class GoldenReplayTest : public HandlersBase, public ::testing::TestWithParam<StoreKind> {
 protected:
  GoldenReplayTest() : HandlersBase(GetParam()) {}

  // Replaces bound placeholders; false when one is still unknown.
  bool Substitute(std::string& text) const {
    for (const auto& [placeholder, id] : bound_) {
      for (size_t pos = text.find(placeholder); pos != std::string::npos;
           pos = text.find(placeholder, pos + id.size())) {
        text.replace(pos, placeholder.size(), id);
      }
    }
    return text.find("<EXP_ID_") == std::string::npos && text.find("<RUN_ID_") == std::string::npos;
  }

  void Bind(const json::value& golden, const json::value& ours) {
    if (!golden.is_object() || !ours.is_object()) return;
    if (const json::value* id = golden.as_object().if_contains("experiment_id")) {
      if (ours.as_object().contains("experiment_id")) {
        bound_[std::string(id->as_string())] = std::string(ours.at("experiment_id").as_string());
      }
    }
    if (const json::value* run = golden.as_object().if_contains("run")) {
      if (ours.as_object().contains("run")) {
        bound_[std::string(run->at("info").at("run_id").as_string())] =
            std::string(ours.at("run").at("info").at("run_id").as_string());
      }
    }
  }

  std::map<std::string, std::string> bound_;
};

std::set<std::string> Keys(const json::value& body) {
  std::set<std::string> out;
  if (body.is_object()) {
    for (const auto& entry : body.as_object()) out.emplace(entry.key());
  }
  return out;
}

TEST_P(GoldenReplayTest, TrackingSequenceMatchesMlflow) {
  std::string text = ReadFile(std::string(BF_API_TESTDATA_DIR) + "/golden_tracking_cases.json");
  ASSERT_FALSE(text.empty());
  json::array cases = json::parse(text).as_array();
  int replayed = 0;
  for (const json::value& item : cases) {
    const json::object& test = item.as_object();
    std::string name(test.at("name").as_string());
    SCOPED_TRACE(std::string(test.at("group").as_string()) + ": " + name);
    const json::object& request = test.at("request").as_object();
    std::string target(request.at("path").as_string());
    std::string body;
    if (const json::value* json_body = request.if_contains("body")) {
      body = json::serialize(*json_body);
    } else if (const json::value* raw = request.if_contains("body_text")) {
      body = std::string(raw->as_string());
    } else if (const json::value* binary = request.if_contains("body_base64")) {
      body = Base64Decode(binary->as_string());
    }
    ASSERT_TRUE(Substitute(target) && Substitute(body)) << "unbound id in " << target << body;
    const json::object& headers = request.at("headers").as_object();
    std::string content_type =
        headers.contains("Content-Type") ? std::string(headers.at("Content-Type").as_string()) : "";
    Reply reply = Call(std::string(request.at("method").as_string()), target, body, content_type);
    ++replayed;

    const json::object& expected = test.at("response").as_object();
    auto divergence = Divergences().find(name);
    if (divergence != Divergences().end()) {
      EXPECT_EQ(reply.status, divergence->second.status) << reply.text;
      EXPECT_EQ(reply.ErrorCode(), divergence->second.error_code) << reply.text;
      continue;
    }
    EXPECT_EQ(reply.status, expected.at("status").to_number<int>()) << reply.text;
    const json::value* golden_body = expected.if_contains("body");
    if (golden_body == nullptr || !golden_body->is_object()) continue;
    if (const json::value* code = golden_body->as_object().if_contains("error_code")) {
      EXPECT_EQ(reply.ErrorCode(), code->as_string());
      std::string message(golden_body->at("message").as_string());
      // Messages with ids we could not bind, timestamps or raw SQL text come from the store.
      if (Substitute(message) && message.find('<') == std::string::npos &&
          message.find("sqlite") == std::string::npos &&
          message.find("already logged") == std::string::npos) {
        EXPECT_EQ(reply.Message(), message);
      }
      continue;
    }
    EXPECT_EQ(Keys(reply.body), Keys(*golden_body)) << reply.text;
    Bind(*golden_body, reply.body);
  }
  EXPECT_GT(replayed, 150);
}

INSTANTIATE_TEST_SUITE_P(Stores, GoldenReplayTest,
                         ::testing::Values(StoreKind::kFake, StoreKind::kSqlite), StoreKindName);

}  // namespace
}  // namespace bucketflow::api

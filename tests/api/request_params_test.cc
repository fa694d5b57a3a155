#include "api/request_params.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace bucketflow::api {
namespace {

constexpr char kHint[] = " See the API docs for more information about request parameters.";

http::Request Post(std::string body, std::string content_type = "application/json") {
  http::Request request;
  request.method = "POST";
  request.path = "/api/2.0/mlflow/experiments/create";
  if (!content_type.empty()) request.headers.emplace_back("Content-Type", content_type);
  request.body = std::move(body);
  return request;
}

http::Request Get(std::string query, std::string body = "") {
  http::Request request;
  request.method = "GET";
  request.path = "/api/2.0/mlflow/experiments/get";
  request.query = std::move(query);
  request.has_query = !request.query.empty();
  request.body = std::move(body);
  return request;
}

struct BodyCase {
  const char* name;
  http::Request request;
  // Expected: error message ("" = ok) and, when ok, the value of "name" ("" = absent).
  std::string error;
  std::string name_value;
};

TEST(ParseRequestTest, TableOfBodies) {
  const std::vector<BodyCase> cases = {
      {"object", Post(R"({"name": "a"})"), "", "a"},
      {"charset parameter", Post(R"({"name": "a"})", "application/json; charset=utf-8"), "", "a"},
      {"truncated JSON is {}", Post(R"({"name": "a")"), "", ""},
      {"empty body is {}", Post(""), "", ""},
      {"null is {}", Post("null"), "", ""},
      {"not UTF-8 is {}", Post("{\"name\": \"\xff\xfe\"}"), "", ""},
      {"double-encoded", Post(R"("{\"name\": \"b\"}")"), "", "b"},
      {"array refused", Post(R"([{"name": "a"}])"),
       "Invalid request body: expected a JSON object, got an array.", ""},
      {"string refused", Post(R"("hello")"),
       "Invalid request body: expected a JSON object, got a string that is not JSON.", ""},
      {"number refused", Post("5"), "Invalid request body: expected a JSON object, got a number.",
       ""},
      {"text/plain refused", Post(R"({"name": "a"})", "text/plain"),
       "Bad Request. Content-Type must be one of ['application/json'].", ""},
      {"upper-case type refused", Post(R"({"name": "a"})", "APPLICATION/JSON"),
       "Bad Request. Content-Type must be one of ['application/json'].", ""},
      {"missing type refused", Post(R"({"name": "a"})", ""),
       "Bad Request. Content-Type header is missing.", ""},
      {"GET query wins over body", Get("name=q&name=r", R"({"name": "b"})"), "", "q"},
      {"GET without query reads body", Get("", R"({"name": "b"})"), "", "b"},
  };
  for (const BodyCase& test : cases) {
    SCOPED_TRACE(test.name);
    Result<RequestParams> params = ParseRequest(test.request, {});
    if (!test.error.empty()) {
      ASSERT_FALSE(params.ok());
      EXPECT_EQ(params.status().code(), Code::kInvalidArgument);
      EXPECT_EQ(params.status().message(), test.error);
      continue;
    }
    ASSERT_TRUE(params.ok()) << params.status().ToString();
    Result<std::optional<std::string>> name = params->OptionalString("name");
    ASSERT_TRUE(name.ok());
    EXPECT_EQ(name->value_or(""), test.name_value);
  }
}

TEST(ParseRequestTest, PostIgnoresQueryString) {
  http::Request request = Post("{}");
  request.query = "name=x";
  request.has_query = true;
  Result<RequestParams> params = ParseRequest(request, {});
  ASSERT_TRUE(params.ok());
  EXPECT_FALSE(params->Has("name"));
}

TEST(ParseRequestTest, BareNanLiteralIsRefused) {
  Result<RequestParams> params = ParseRequest(Post(R"({"run_id": "r", "value": NaN})"), {});
  ASSERT_FALSE(params.ok());
  EXPECT_NE(params.status().message().find("NaN"), std::string::npos);
  // ...but "NaN" inside a string of a broken body is not a literal.
  EXPECT_TRUE(ParseRequest(Post(R"({"key": "NaN")"), {}).ok());
}

TEST(ParseRequestTest, RepeatedListParamsBecomeLists) {
  Result<RequestParams> params =
      ParseRequest(Get("order_by=a&order_by=b%20DESC&max_results=1&max_results=3"),
                   {.list_params = {"order_by"}});
  ASSERT_TRUE(params.ok());
  Result<std::vector<std::string>> order_by = params->StringList("order_by", false);
  ASSERT_TRUE(order_by.ok());
  EXPECT_EQ(*order_by, (std::vector<std::string>{"a", "b DESC"}));
  Result<std::optional<int64_t>> max_results = params->OptionalInt64("max_results");
  ASSERT_TRUE(max_results.ok());
  EXPECT_EQ(max_results->value_or(0), 1);
}

TEST(ParseRequestTest, DoubleEncodedSizeIsReported) {
  Result<RequestParams> params = ParseRequest(Post(R"("{\"a\": 1}")"), {});
  ASSERT_TRUE(params.ok());
  EXPECT_EQ(params->double_encoded_size().value_or(0), 8u);
  Result<RequestParams> plain = ParseRequest(Post(R"({"a": 1})"), {});
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->double_encoded_size().has_value());
}

RequestParams FromJson(std::string_view json) {
  Result<RequestParams> params = ParseRequest(Post(std::string(json)), {});
  EXPECT_TRUE(params.ok());
  return params.ok() ? *params : RequestParams();
}

TEST(RequestParamsTest, RequiredStringMessages) {
  EXPECT_EQ(FromJson("{}").RequiredString("name").status().message(),
            std::string("Missing value for required parameter 'name'.") + kHint);
  EXPECT_EQ(FromJson(R"({"name": ""})").RequiredString("name").status().message(),
            std::string("Missing value for required parameter 'name'.") + kHint);
  EXPECT_EQ(FromJson(R"({"name": null})").RequiredString("name").status().message(),
            std::string("Missing value for required parameter 'name'.") + kHint);
}

struct TypeErrorCase {
  const char* json;
  std::string repr;
  std::string type;
};

TEST(RequestParamsTest, TypeErrorMessagesNameThePythonType) {
  const std::vector<TypeErrorCase> cases = {
      {R"({"x": 123})", "123", "int"},   {R"({"x": {"a": "b"}})", R"({"a":"b"})", "dict"},
      {R"({"x": [1]})", "[1]", "list"},  {R"({"x": true})", "true", "bool"},
      {R"({"x": 2.5})", "2.5", "float"}, {R"({"x": 2.0})", "2.0", "float"},
  };
  for (const TypeErrorCase& test : cases) {
    SCOPED_TRACE(test.json);
    Status status = FromJson(test.json).RequiredString("x").status();
    EXPECT_EQ(status.message(), "Invalid value " + test.repr +
                                    " for parameter 'x' supplied:  Hint: Value was of type '" +
                                    test.type + "'." + kHint);
  }
  EXPECT_EQ(FromJson(R"({"x": "abc"})").OptionalInt64("x").status().message(),
            std::string("Invalid value \"abc\" for parameter 'x' supplied:  Hint: Value was of "
                        "type 'str'.") +
                kHint);
}

TEST(RequestParamsTest, LenientNumbers) {
  RequestParams params = FromJson(
      R"({"a": "1.25", "b": true, "c": "NaN", "d": "Infinity", "e": 7, "f": "1700000004000",
          "g": 5.0, "h": 1700000000000.5, "i": "abc", "j": {"v": 1}})");
  EXPECT_EQ(params.OptionalDouble("a")->value_or(0), 1.25);
  EXPECT_EQ(params.OptionalDouble("b")->value_or(0), 1.0);
  EXPECT_TRUE(std::isnan(params.OptionalDouble("c")->value_or(0)));
  EXPECT_TRUE(std::isinf(params.OptionalDouble("d")->value_or(0)));
  EXPECT_EQ(params.OptionalDouble("e")->value_or(0), 7.0);
  EXPECT_EQ(params.OptionalInt64("f")->value_or(0), 1700000004000);
  EXPECT_EQ(params.OptionalInt64("g")->value_or(0), 5);
  EXPECT_FALSE(params.OptionalInt64("h").ok());
  EXPECT_FALSE(params.OptionalDouble("i").ok());
  EXPECT_FALSE(params.OptionalDouble("j").ok());
  EXPECT_FALSE(params.OptionalDouble("missing")->has_value());
}

TEST(RequestParamsTest, ExperimentIdsAcceptNumbers) {
  RequestParams params = FromJson(R"({"experiment_id": 12, "experiment_ids": ["1", 2],
                                      "bad": [{"id": "1"}], "str": "12"})");
  EXPECT_EQ(*params.RequiredExperimentId("experiment_id"), "12");
  EXPECT_EQ(*params.StringList("experiment_ids", true), (std::vector<std::string>{"1", "2"}));
  EXPECT_FALSE(params.StringList("bad", true).ok());
  EXPECT_FALSE(params.StringList("str", true).ok());
  EXPECT_FALSE(params.RequiredExperimentId("bad").ok());
}

TEST(RequestParamsTest, RunIdFallsBackToRunUuid) {
  EXPECT_EQ(*FromJson(R"({"run_uuid": "u"})").RunId(), "u");
  EXPECT_EQ(*FromJson(R"({"run_id": "r", "run_uuid": "u"})").RunId(), "r");
  EXPECT_EQ(FromJson("{}").RunId().status().message(),
            std::string("Missing value for required parameter 'run_id'.") + kHint);
}

TEST(RequestParamsTest, NestedFieldsAreQualifiedInMessages) {
  boost::json::object metric{{"key", "m"}};
  RequestParams nested = NestedParams(metric, "metrics[0]");
  EXPECT_EQ(nested.OptionalInt64("timestamp")->has_value(), false);
  EXPECT_EQ(nested.RequiredString("timestamp").status().message(),
            std::string("Missing value for required parameter 'metrics[0].timestamp'.") + kHint);
}

}  // namespace
}  // namespace bucketflow::api

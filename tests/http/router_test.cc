#include "http/router.h"

#include <gtest/gtest.h>

#include <string>

namespace bucketflow::http {
namespace {

Handler Named(std::string name) {
  return [name](Request&) {
    Response response;
    response.body = name;
    return response;
  };
}

StreamingHandler NamedStreaming(std::string name) {
  return [name](Request&) -> StreamStart {
    Response response;
    response.body = name;
    return response;
  };
}

std::string CallMatched(const Router::Match& match, Request& request) {
  if (match.handler != nullptr) {
    return (*match.handler)(request).body;
  }
  if (match.streaming != nullptr) {
    return std::get<Response>((*match.streaming)(request)).body;
  }
  return "";
}

Router TestRouter() {
  Router router;
  router.Add("GET", "/api/2.0/mlflow/experiments/get", Named("get"));
  router.Add("POST", "/api/2.0/mlflow/experiments/create", Named("create"));
  router.Add("GET", "/artifacts", Named("list"));
  router.AddPrefix("GET", "/artifacts/", Named("download"));
  router.AddStreaming("PUT", "/artifacts/", NamedStreaming("upload"));
  router.AddPrefix("DELETE", "/artifacts/", Named("delete"));
  router.AddStreamingExact("POST", "/upload-artifact", NamedStreaming("ui-upload"));
  router.AddPrefix("GET", "/static/", Named("static-first"));
  router.Add("GET", "/static/app.js", Named("static-shadowed"));
  return router;
}

struct Case {
  std::string method;
  std::string path;
  int status;
  std::string handler;  // body the matched handler returns; "" = none
  std::string allow;
  std::string suffix;
};

TEST(RouterTest, MatchesTable) {
  const Case cases[] = {
      {"GET", "/api/2.0/mlflow/experiments/get", 200, "get", "", ""},
      {"HEAD", "/api/2.0/mlflow/experiments/get", 200, "get", "", ""},
      {"POST", "/api/2.0/mlflow/experiments/get", 405, "", "GET, HEAD, OPTIONS", ""},
      {"OPTIONS", "/api/2.0/mlflow/experiments/get", 200, "", "GET, HEAD, OPTIONS", ""},
      {"GET", "/api/2.0/mlflow/experiments/create", 405, "", "OPTIONS, POST", ""},
      {"HEAD", "/api/2.0/mlflow/experiments/create", 405, "", "OPTIONS, POST", ""},
      {"POST", "/api/2.0/mlflow/experiments/create", 200, "create", "", ""},
      {"GET", "/api/2.0/mlflow/experiments/get/", 404, "", "", ""},
      {"GET", "/api/2.0/mlflow/experiments", 404, "", "", ""},
      {"OPTIONS", "/nope", 404, "", "", ""},
      {"get", "/api/2.0/mlflow/experiments/get", 405, "", "GET, HEAD, OPTIONS", ""},
      {"GET", "/artifacts", 200, "list", "", ""},
      {"GET", "/artifacts/a/b%2Fc.txt", 200, "download", "", "a/b%2Fc.txt"},
      {"PUT", "/artifacts/x/y.bin", 200, "upload", "", "x/y.bin"},
      {"DELETE", "/artifacts/x", 200, "delete", "", "x"},
      {"POST", "/artifacts/x", 405, "", "DELETE, GET, HEAD, OPTIONS, PUT", ""},
      {"PUT", "/artifacts", 405, "", "GET, HEAD, OPTIONS", ""},
      {"POST", "/upload-artifact", 200, "ui-upload", "", ""},
      {"POST", "/upload-artifactX", 404, "", "", ""},
      {"GET", "/static/app.js", 200, "static-first", "", "app.js"},
  };
  const Router router = TestRouter();
  for (const Case& test_case : cases) {
    SCOPED_TRACE(test_case.method + " " + test_case.path);
    Request request;
    request.method = test_case.method;
    request.path = test_case.path;
    request.path_suffix = "stale";
    const Router::Match match = router.Find(request);
    EXPECT_EQ(match.status, test_case.status);
    EXPECT_EQ(CallMatched(match, request), test_case.handler);
    EXPECT_EQ(match.allow, test_case.allow);
    if (!test_case.handler.empty()) {
      EXPECT_EQ(request.path_suffix, test_case.suffix);
    }
  }
}

TEST(RouterTest, RepeatedSlashesRedirectToTheMergedPath) {
  const Router router = TestRouter();
  Request request;
  request.method = "GET";
  request.path = "/api//2.0/mlflow//experiments/get";
  request.query = "experiment_id=0";
  request.has_query = true;
  Router::Match match = router.Find(request);
  EXPECT_EQ(match.status, 308);
  EXPECT_EQ(match.location, "/api/2.0/mlflow/experiments/get?experiment_id=0");
  EXPECT_EQ(match.handler, nullptr);

  request.path = "//nowhere//else";
  match = router.Find(request);
  EXPECT_EQ(match.status, 404);
  EXPECT_EQ(match.location, "");
}

TEST(RouterTest, EmptyRouterFindsNothing) {
  const Router router;
  Request request;
  request.method = "GET";
  request.path = "/";
  const Router::Match match = router.Find(request);
  EXPECT_EQ(match.status, 404);
  EXPECT_EQ(match.handler, nullptr);
  EXPECT_EQ(match.streaming, nullptr);
}

TEST(RequestTest, HeaderLookupIsCaseInsensitiveAndFirstWins) {
  Request request;
  request.headers = {{"Content-Type", "application/json"}, {"X-Dup", "1"}, {"x-dup", "2"}};
  EXPECT_EQ(request.Header("content-type"), "application/json");
  EXPECT_EQ(request.Header("CONTENT-TYPE"), "application/json");
  EXPECT_EQ(request.Header("X-DUP"), "1");
  EXPECT_FALSE(request.Header("Authorization").has_value());
  EXPECT_FALSE(request.Header("Content-Typ").has_value());
}

}  // namespace
}  // namespace bucketflow::http

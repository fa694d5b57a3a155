#pragma once

// A router over a FakeStore plus helpers to call it like an HTTP client, shared by the API
// handler tests.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <filesystem>
#include <memory>
#include <string>

#include "api/routes.h"
#include "store/sqlite/sqlite_store.h"
#include "testing/fake_store.h"

namespace bucketflow::api {

namespace json = boost::json;

struct Reply {
  int status = 0;
  std::string content_type;
  std::string text;
  json::value body;  // parsed when JSON
  std::string ErrorCode() const {
    return body.is_object() && body.as_object().contains("error_code")
               ? std::string(body.at("error_code").as_string())
               : "";
  }
  std::string Message() const {
    return body.is_object() && body.as_object().contains("message")
               ? std::string(body.at("message").as_string())
               : "";
  }
};

class FixedClock final : public Clock {
 public:
  int64_t NowMillis() const override { return 1700000000000; }
};

// Which Store backs the router: the in-memory fake, or a real SQLite file in a temp dir.
enum class StoreKind { kFake, kSqlite };

// A fresh temp directory per test, removed at the end.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("bf-api-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

class HandlersBase {
 protected:
  explicit HandlersBase(StoreKind kind) : store_(MakeStore(kind)) {
    services_ = std::make_unique<Services>(
        Services{.store = *store_, .artifacts = nullptr, .clock = clock_, .config = {}});
    router_ = BuildRouter(*services_);
  }

  std::unique_ptr<store::Store> MakeStore(StoreKind kind) {
    if (kind == StoreKind::kFake) return std::make_unique<testing::FakeStore>();
    store::SqliteConfig sqlite;
    sqlite.path = (temp_dir_.path() / "bucketflow.db").string();
    Result<std::unique_ptr<store::Store>> opened = store::OpenSqliteStore(sqlite, {}, clock_);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    if (!opened.ok()) return std::make_unique<testing::FakeStore>();
    return std::move(opened).value();
  }

  Reply Call(std::string method, std::string target, std::string body = "",
             std::string content_type = "application/json") {
    http::Request request;
    request.method = std::move(method);
    request.target = target;
    size_t question = target.find('?');
    request.path = target.substr(0, question);
    if (question != std::string::npos) {
      request.query = target.substr(question + 1);
      request.has_query = true;
    }
    if (!content_type.empty()) request.headers.emplace_back("Content-Type", content_type);
    request.body = std::move(body);
    http::Router::Match match = router_.Find(request);
    Reply reply;
    if (match.handler == nullptr) {
      reply.status = match.status;
      return reply;
    }
    http::Response response = (*match.handler)(request);
    reply.status = response.status;
    reply.content_type = response.content_type;
    reply.text = response.body;
    if (response.content_type == "application/json") {
      json::error_code ec;
      reply.body = json::parse(response.body, ec);
      EXPECT_FALSE(ec) << "not JSON: " << response.body;
    }
    return reply;
  }
  Reply Post(std::string path, std::string body) {
    return Call("POST", "/api/2.0/mlflow/" + path, std::move(body));
  }
  Reply Get(std::string path_and_query) {
    return Call("GET", "/api/2.0/mlflow/" + path_and_query, "", "");
  }

  std::string CreateExperiment(std::string name) {
    Reply reply = Post("experiments/create", R"({"name": ")" + name + R"("})");
    EXPECT_EQ(reply.status, 200) << reply.text;
    return std::string(reply.body.at("experiment_id").as_string());
  }
  std::string CreateRun(const std::string& experiment_id) {
    Reply reply = Post("runs/create", R"({"experiment_id": ")" + experiment_id +
                                          R"(", "start_time": 1700000001000})");
    EXPECT_EQ(reply.status, 200) << reply.text;
    return std::string(reply.body.at("run").at("info").at("run_id").as_string());
  }
  void ExpectError(const Reply& reply, int status, std::string_view code,
                   std::string_view message = "") {
    EXPECT_EQ(reply.status, status) << reply.text;
    EXPECT_EQ(reply.ErrorCode(), code) << reply.text;
    if (!message.empty()) {
      EXPECT_EQ(reply.Message(), message);
    }
  }

  TempDir temp_dir_;
  FixedClock clock_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Services> services_;
  http::Router router_;
};

// Handler tests run against both stores (TEST_P), so they also check the SQLite store honours
// the contract the handlers rely on.
class HandlersTest : public HandlersBase, public ::testing::TestWithParam<StoreKind> {
 protected:
  HandlersTest() : HandlersBase(GetParam()) {}
};

inline std::string StoreKindName(const ::testing::TestParamInfo<StoreKind>& param_info) {
  return param_info.param == StoreKind::kFake ? "Fake" : "Sqlite";
}

inline constexpr char kHint[] = " See the API docs for more information about request parameters.";

}  // namespace bucketflow::api

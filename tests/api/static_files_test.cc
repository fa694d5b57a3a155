#include "api/static_files.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "api/routes.h"
#include "core/clock.h"
#include "testing/fake_store.h"

namespace bucketflow::api {
namespace {

namespace fs = std::filesystem;

// A temp directory laid out like an install: <root>/bin, <root>/share/bucketflow/web (a built
// UI), and <root>/outside (a file the server must never serve).
class StaticFilesTest : public ::testing::Test {
 protected:
  StaticFilesTest() {
    static std::atomic<int> counter{0};
    root_ = fs::temp_directory_path() /
            ("bf-static-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    web_ = root_ / "share" / "bucketflow" / "web";
    fs::create_directories(web_ / "assets");
    fs::create_directories(root_ / "bin");
    fs::create_directories(root_ / "outside");
    Write(web_ / "index.html", "<!doctype html><div id=root></div>");
    Write(web_ / "assets" / "index-AbC123.js", "console.log(1)");
    Write(web_ / "assets" / "index-AbC123.css", "body{}");
    Write(web_ / "favicon.ico", "icon");
    Write(root_ / "outside" / "secret.txt", "secret");
  }
  ~StaticFilesTest() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  static void Write(const fs::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
  }

  struct Reply {
    int status = 0;
    std::string content_type;
    std::string cache_control;
    std::string body;
  };

  static Reply ToReply(http::Response response) {
    Reply reply;
    reply.status = response.status;
    reply.content_type = response.content_type;
    for (const auto& [name, value] : response.headers) {
      if (name == "Cache-Control") reply.cache_control = value;
    }
    reply.body = response.body;
    if (response.stream) {
      char buffer[4096];
      for (;;) {
        Result<size_t> n = response.stream->Read(buffer);
        EXPECT_TRUE(n.ok());
        if (!n.ok() || *n == 0) break;
        reply.body.append(buffer, *n);
      }
      EXPECT_EQ(response.stream_size, reply.body.size());
    }
    return reply;
  }

  static http::Request MakeRequest(std::string method, std::string path) {
    http::Request request;
    request.method = std::move(method);
    request.target = path;
    size_t question = path.find('?');
    request.path = path.substr(0, question);
    if (question != std::string::npos) {
      request.query = path.substr(question + 1);
      request.has_query = true;
    }
    return request;
  }

  Reply Get(std::string path) {
    StaticFiles files(web_.string());
    http::Request request = MakeRequest("GET", std::move(path));
    return ToReply(files.Serve(request));
  }

  fs::path root_;
  fs::path web_;
};

TEST_F(StaticFilesTest, RootAndIndexServeIndexHtmlWithoutCaching) {
  for (const char* path : {"/", "/index.html"}) {
    Reply reply = Get(path);
    EXPECT_EQ(reply.status, 200) << path;
    EXPECT_EQ(reply.content_type, "text/html; charset=utf-8");
    EXPECT_EQ(reply.cache_control, "no-cache");
    EXPECT_EQ(reply.body, "<!doctype html><div id=root></div>");
  }
}

TEST_F(StaticFilesTest, HashedAssetsAreCachedForAYear) {
  Reply js = Get("/assets/index-AbC123.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(js.cache_control, "public, max-age=31536000, immutable");
  EXPECT_EQ(js.body, "console.log(1)");
  Reply css = Get("/assets/index-AbC123.css");
  EXPECT_EQ(css.content_type, "text/css; charset=utf-8");
  Reply icon = Get("/favicon.ico");
  EXPECT_EQ(icon.content_type, "image/x-icon");
  EXPECT_EQ(icon.cache_control, "no-cache");
}

TEST_F(StaticFilesTest, ClientSideRoutesFallBackToIndexHtml) {
  for (const char* path : {"/experiments", "/experiments/1,2", "/runs/abc%20def", "/compare",
                           "/assets", "/no/such/page.html"}) {
    Reply reply = Get(path);
    EXPECT_EQ(reply.status, 200) << path;
    EXPECT_EQ(reply.body, "<!doctype html><div id=root></div>") << path;
    EXPECT_EQ(reply.cache_control, "no-cache") << path;
  }
}

TEST_F(StaticFilesTest, MissingAssetsAndApiPathsAre404) {
  for (const char* path : {"/assets/index-Old999.js", "/api/2.0/mlflow/nope",
                           "/ajax-api/2.0/mlflow/x", "/get-artifact", "/api"}) {
    Reply reply = Get(path);
    EXPECT_EQ(reply.status, 404) << path;
    EXPECT_EQ(reply.body.find("id=root"), std::string::npos) << path;
  }
}

TEST_F(StaticFilesTest, PathsNeverEscapeTheDirectory) {
  fs::create_symlink(root_ / "outside", web_ / "linked");
  fs::create_symlink(root_ / "outside" / "secret.txt", web_ / "assets" / "secret.js");
  for (const char* path :
       {"/../../../outside/secret.txt", "/%2e%2e/%2e%2e/%2e%2e/outside/secret.txt",
        "/%252e%252e/%252e%252e/%252e%252e/outside/secret.txt", "//etc/passwd",
        "/linked/secret.txt", "/assets/secret.js", "/a%00b"}) {
    Reply reply = Get(path);
    EXPECT_EQ(reply.body.find("secret"), std::string::npos) << path;
    EXPECT_NE(reply.status, 500) << path;
  }
  EXPECT_EQ(Get("/assets/secret.js").status, 404);
}

TEST_F(StaticFilesTest, ContentTypes) {
  EXPECT_EQ(WebContentType("a.HTML"), "text/html; charset=utf-8");
  EXPECT_EQ(WebContentType("a.mjs"), "text/javascript; charset=utf-8");
  EXPECT_EQ(WebContentType("a.svg"), "image/svg+xml");
  EXPECT_EQ(WebContentType("a.woff2"), "font/woff2");
  EXPECT_EQ(WebContentType("a.json"), "application/json");
  EXPECT_EQ(WebContentType("noextension"), "application/octet-stream");
}

TEST_F(StaticFilesTest, FindsTheInstalledUiThenTheSourceTree) {
  const std::string exe = (root_ / "bin" / "bucketflow").string();
  EXPECT_EQ(fs::path(FindWebDir(exe, "")), web_);
  // Without an installed UI the development build's source tree is used...
  const fs::path source = root_ / "src-web-dist";
  fs::create_directories(source);
  Write(source / "index.html", "dev");
  EXPECT_EQ(FindWebDir((root_ / "a" / "b" / "bucketflow").string(), source.string()),
            source.string());
  // ...the installed one wins when both exist, and neither gives "".
  EXPECT_EQ(fs::path(FindWebDir(exe, source.string())), web_);
  EXPECT_EQ(FindWebDir((root_ / "a" / "b" / "bucketflow").string(), ""), "");
  EXPECT_FALSE(IsWebDir((root_ / "outside").string()));
  EXPECT_TRUE(IsWebDir(web_.string()));
}

// Through the real route table: the UI takes "/" and unknown GETs, the API keeps its answers.
class WebRoutesTest : public StaticFilesTest {
 protected:
  http::Router MakeRouter(std::string web_dir) {
    ApiConfig config;
    config.web_dir = std::move(web_dir);
    services_ = std::make_unique<Services>(
        Services{.store = store_, .artifacts = nullptr, .clock = clock_, .config = config});
    return BuildRouter(*services_);
  }

  Reply Call(const http::Router& router, std::string method, std::string path) {
    http::Request request = MakeRequest(std::move(method), std::move(path));
    http::Router::Match match = router.Find(request);
    if (match.handler == nullptr) {
      Reply reply;
      reply.status = match.status;
      return reply;
    }
    return ToReply((*match.handler)(request));
  }

  testing::FakeStore store_;
  SystemClock clock_;
  std::unique_ptr<Services> services_;
};

TEST_F(WebRoutesTest, UiRoutesWithoutChangingApiAnswers) {
  http::Router router = MakeRouter(web_.string());
  EXPECT_EQ(Call(router, "GET", "/").body, "<!doctype html><div id=root></div>");
  EXPECT_EQ(Call(router, "GET", "/experiments/7").status, 200);
  EXPECT_EQ(Call(router, "HEAD", "/experiments/7").status, 200);
  EXPECT_EQ(Call(router, "GET", "/assets/index-AbC123.js").cache_control,
            "public, max-age=31536000, immutable");
  EXPECT_EQ(Call(router, "GET", "/health").body, "OK");
  EXPECT_EQ(Call(router, "GET", "/api/2.0/mlflow/experiments/search?max_results=5").status, 200);
  EXPECT_EQ(Call(router, "GET", "/api/2.0/mlflow/does-not-exist").status, 404);
  EXPECT_EQ(Call(router, "GET", "/api/2.0/mlflow/experiments/create").status, 405);
  EXPECT_EQ(Call(router, "POST", "/experiments/7").status, 404);
  EXPECT_EQ(Call(router, "GET", "/api//2.0/mlflow/experiments/search").status, 308);
}

TEST_F(WebRoutesTest, WithoutAUiRootIsATextPageAndUnknownPathsAre404) {
  http::Router router = MakeRouter("");
  Reply root = Call(router, "GET", "/");
  EXPECT_EQ(root.status, 200);
  EXPECT_EQ(root.content_type, "text/plain; charset=utf-8");
  EXPECT_NE(root.body.find("/api/2.0/mlflow/"), std::string::npos);
  EXPECT_EQ(Call(router, "GET", "/experiments/7").status, 404);
}

}  // namespace
}  // namespace bucketflow::api

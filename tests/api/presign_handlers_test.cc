// The presigned-access handlers: mlflow-artifacts mpu/*, the UI's download-url, and
// --artifact-download redirect, over a repository that can presign and over the local one.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/json/parse.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "api/artifact_handlers.h"
#include "artifacts/local/local_repository.h"
#include "core/clock.h"
#include "testing/fake_store.h"

namespace bucketflow::api {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using artifacts::MultipartUpload;
using artifacts::PresignedUrl;
using artifacts::UploadedPart;

// Files in memory; presigns "https://bucket.example/<path>?sig" and records multipart calls.
class PresigningRepo final : public artifacts::ArtifactRepository {
 public:
  std::map<std::string, std::string> files;
  std::vector<std::string> calls;
  std::vector<UploadedPart> completed_parts;
  int64_t last_ttl = 0;
  Status abort_result = Status::Ok();
  Status complete_result = Status::Ok();

  Result<std::vector<artifacts::FileInfo>> List(std::string_view) override { return No(); }
  Result<std::unique_ptr<artifacts::ArtifactReader>> OpenRead(std::string_view) override {
    return No();
  }
  Result<std::unique_ptr<artifacts::ArtifactWriter>> OpenWrite(std::string_view) override {
    return No();
  }
  Status Delete(std::string_view) override { return No(); }
  bool SupportsMultipart() const override { return true; }

  Result<PresignedUrl> PresignRead(std::string_view path, int64_t ttl_seconds) override {
    last_ttl = ttl_seconds;
    if (files.count(std::string(path)) == 0) {
      return Status::NotFound("Artifact '", path, "' does not exist");
    }
    return PresignedUrl{.url = "https://bucket.example/" + std::string(path) + "?sig",
                        .expires_at_ms = 1'700'000'300'000};
  }
  Result<MultipartUpload> CreateMultipartUpload(std::string_view path, int num_parts,
                                                int64_t ttl_seconds) override {
    calls.push_back("create " + std::string(path) + " " + std::to_string(num_parts));
    last_ttl = ttl_seconds;
    MultipartUpload upload{.upload_id = "up-1", .parts = {}};
    for (int i = 1; i <= num_parts; ++i) {
      upload.parts.push_back(
          {.part_number = i, .url = "https://bucket.example/p" + std::to_string(i)});
    }
    return upload;
  }
  Status CompleteMultipartUpload(std::string_view path, std::string_view upload_id,
                                 const std::vector<UploadedPart>& parts) override {
    calls.push_back("complete " + std::string(path) + " " + std::string(upload_id));
    completed_parts = parts;
    return complete_result;
  }
  Status AbortMultipartUpload(std::string_view path, std::string_view upload_id) override {
    calls.push_back("abort " + std::string(path) + " " + std::string(upload_id));
    return abort_result;
  }

 private:
  static Status No() { return Status::Internal("not used here"); }
};

class PresignHandlersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::string> experiment = store_.CreateExperiment(
        {.name = "e", .artifact_location = "mlflow-artifacts:/1", .tags = {}});
    ASSERT_TRUE(experiment.ok());
    Result<model::Run> run = store_.CreateRun({.experiment_id = *experiment,
                                               .user_id = "u",
                                               .run_name = "r",
                                               .start_time = 1,
                                               .tags = {}});
    ASSERT_TRUE(run.ok());
    run_id_ = run->info.run_id;
    prefix_ = "1/" + run_id_ + "/artifacts";
    services_ = std::make_unique<Services>(Services{.store = store_,
                                                    .artifacts = &repo_,
                                                    .open_local_repository = nullptr,
                                                    .clock = clock_,
                                                    .config = ApiConfig{}});
  }

  static http::Request Post(std::string suffix, std::string body) {
    http::Request request;
    request.method = "POST";
    request.path_suffix = std::move(suffix);
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = std::move(body);
    return request;
  }

  static http::Request Get(std::string suffix, std::string query) {
    http::Request request;
    request.method = "GET";
    request.path_suffix = std::move(suffix);
    request.has_query = !query.empty();
    request.query = std::move(query);
    return request;
  }

  // Handlers take the request by reference, as the router passes it.
  static http::Response Call(http::Response (*handler)(http::Request&, Services&),
                             http::Request request, Services& services) {
    return handler(request, services);
  }

  static json::object Body(const http::Response& response) {
    return json::parse(response.body).as_object();
  }

  static void ExpectError(const http::Response& response, int status, std::string_view code) {
    EXPECT_EQ(response.status, status) << response.body;
    EXPECT_EQ(Body(response).at("error_code").as_string(), code) << response.body;
  }

  testing::FakeStore store_;
  SystemClock clock_;
  PresigningRepo repo_;
  std::unique_ptr<Services> services_;
  std::string run_id_;
  std::string prefix_;
};

TEST_F(PresignHandlersTest, CreateJoinsUrlPathAndBasenameAndAnswersMlflowsShape) {
  http::Response response =
      Call(CreateMultipartUpload,
           Post(prefix_ + "/models", R"({"path": "/tmp/x/big.bin", "num_parts": 2})"), *services_);
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(repo_.calls, std::vector<std::string>{"create " + prefix_ + "/models/big.bin 2"});
  EXPECT_EQ(repo_.last_ttl, 3600);
  EXPECT_EQ(response.body, R"({"upload_id":"up-1","credentials":[)"
                           R"({"url":"https://bucket.example/p1","part_number":1,"headers":{}},)"
                           R"({"url":"https://bucket.example/p2","part_number":2,"headers":{}}]})");
}

TEST_F(PresignHandlersTest, CreateRefusesBadInput) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {prefix_, R"({"path": "big.bin", "num_parts": 0})"},
      {prefix_, R"({"path": "big.bin", "num_parts": 10001})"},
      {prefix_, R"({"path": "big.bin"})"},
      {prefix_, R"({"path": "big.bin", "num_parts": "many"})"},
      {prefix_, R"({"num_parts": 1})"},
      {prefix_, R"({"path": "dir/", "num_parts": 1})"},
      {prefix_, R"({"path": "..", "num_parts": 1})"},
      {"../" + prefix_, R"({"path": "big.bin", "num_parts": 1})"},
      {"%2E%2E/x", R"({"path": "big.bin", "num_parts": 1})"},
  };
  for (const auto& [suffix, body] : bad) {
    ExpectError(Call(CreateMultipartUpload, Post(suffix, body), *services_), 400,
                "INVALID_PARAMETER_VALUE");
  }
  EXPECT_TRUE(repo_.calls.empty());
}

TEST_F(PresignHandlersTest, CompletePassesPartsAndRefusesBadOnes) {
  http::Response ok = Call(CompleteMultipartUpload,
                           Post(prefix_, R"({"path": "big.bin", "upload_id": "up-1", "parts": [)"
                                         R"({"part_number": 1, "etag": "\"e1\"", "url": "u1"},)"
                                         R"({"part_number": "2", "etag": "\"e2\""}]})"),
                           *services_);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.body, "{}");
  ASSERT_EQ(repo_.completed_parts.size(), 2u);
  EXPECT_EQ(repo_.completed_parts[1].part_number, 2);
  EXPECT_EQ(repo_.completed_parts[1].etag, "\"e2\"");

  const std::vector<std::string> bad = {
      R"({"path": "big.bin", "parts": [{"part_number": 1, "etag": "e"}]})",
      R"({"path": "big.bin", "upload_id": "", "parts": [{"part_number": 1, "etag": "e"}]})",
      R"({"path": "big.bin", "upload_id": "up-1"})",
      R"({"path": "big.bin", "upload_id": "up-1", "parts": [{"etag": "e"}]})",
      R"({"path": "big.bin", "upload_id": "up-1", "parts": [{"part_number": 1}]})",
      R"({"path": "big.bin", "upload_id": "up-1", "parts": [{"part_number": 0, "etag": "e"}]})",
      R"({"path": "big.bin", "upload_id": "up-1", "parts": ["x"]})",
  };
  repo_.calls.clear();
  for (const std::string& body : bad) {
    ExpectError(Call(CompleteMultipartUpload, Post(prefix_, body), *services_), 400,
                "INVALID_PARAMETER_VALUE");
  }
  EXPECT_TRUE(repo_.calls.empty());
}

TEST_F(PresignHandlersTest, CompleteAndAbortMapStoreErrorsToClearStatuses) {
  repo_.complete_result = Status::NotFound("no such upload");
  ExpectError(Call(CompleteMultipartUpload,
                   Post(prefix_, R"({"path": "f", "upload_id": "x", "parts": [)"
                                 R"({"part_number": 1, "etag": "e"}]})"),
                   *services_),
              404, "RESOURCE_DOES_NOT_EXIST");
  repo_.abort_result = Status::PermissionDenied("needs s3:AbortMultipartUpload");
  http::Response denied =
      Call(AbortMultipartUpload, Post(prefix_, R"({"path": "f", "upload_id": "x"})"), *services_);
  ExpectError(denied, 403, "PERMISSION_DENIED");
  repo_.abort_result = Status::Ok();
  http::Response aborted =
      Call(AbortMultipartUpload, Post(prefix_, R"({"path": "f", "upload_id": "x"})"), *services_);
  EXPECT_EQ(aborted.status, 200);
  EXPECT_EQ(repo_.calls.back(), "abort " + prefix_ + "/f x");
  ExpectError(Call(AbortMultipartUpload, Post(prefix_, R"({"path": "f"})"), *services_), 400,
              "INVALID_PARAMETER_VALUE");
}

TEST_F(PresignHandlersTest, DownloadUrlFromABucket) {
  repo_.files[prefix_ + "/plots/a.png"] = "png";
  services_->config.presigned_url_ttl_seconds = 120;
  http::Response response = Call(GetArtifactDownloadUrl,
                                 Get("", "run_id=" + run_id_ + "&path=plots%2Fa.png"), *services_);
  ASSERT_EQ(response.status, 200) << response.body;
  json::object body = Body(response);
  EXPECT_EQ(body.at("url").as_string(), "https://bucket.example/" + prefix_ + "/plots/a.png?sig");
  EXPECT_EQ(body.at("source").as_string(), "bucket");
  EXPECT_EQ(body.at("expires_at").as_int64(), 1'700'000'300'000);
  EXPECT_EQ(repo_.last_ttl, 120);
}

TEST_F(PresignHandlersTest, DownloadUrlErrors) {
  ExpectError(Call(GetArtifactDownloadUrl, Get("", "run_id=" + run_id_ + "&path=nope"), *services_),
              404, "RESOURCE_DOES_NOT_EXIST");
  ExpectError(Call(GetArtifactDownloadUrl, Get("", "run_id=missing&path=a"), *services_), 404,
              "RESOURCE_DOES_NOT_EXIST");
  for (const std::string& query : std::vector<std::string>{
           "run_id=" + run_id_, "path=a", "run_id=" + run_id_ + "&path=../../x",
           "run_id=" + run_id_ + "&path=%2Fetc%2Fpasswd", "run_id=" + run_id_ + "&path="}) {
    ExpectError(Call(GetArtifactDownloadUrl, Get("", query), *services_), 400,
                "INVALID_PARAMETER_VALUE");
  }
}

TEST_F(PresignHandlersTest, RedirectModeAnswers302OrMlflows404) {
  repo_.files[prefix_ + "/a b.txt"] = "x";
  services_->config.redirect_downloads = true;
  http::Response redirect =
      Call(DownloadProxiedArtifact, Get(prefix_ + "/a%20b.txt", ""), *services_);
  EXPECT_EQ(redirect.status, 302);
  ASSERT_EQ(redirect.headers.size(), 2u);
  EXPECT_EQ(redirect.headers[0].first, "Location");
  EXPECT_EQ(redirect.headers[0].second, "https://bucket.example/" + prefix_ + "/a b.txt?sig");
  ExpectError(Call(DownloadProxiedArtifact, Get(prefix_ + "/missing", ""), *services_), 404,
              "RESOURCE_DOES_NOT_EXIST");
  http::Response ui =
      Call(GetRunArtifact, Get("", "run_uuid=" + run_id_ + "&path=a%20b.txt"), *services_);
  EXPECT_EQ(ui.status, 302);
}

class LocalPresignHandlersTest : public PresignHandlersTest {
 protected:
  void SetUp() override {
    PresignHandlersTest::SetUp();
    std::string pattern = (fs::temp_directory_path() / "bf-presign-api-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    base_ = pattern;
    local_ = std::make_unique<artifacts::LocalArtifactRepository>(base_.string());
    services_->artifacts = local_.get();
  }
  void TearDown() override { fs::remove_all(base_); }

  fs::path base_;
  std::unique_ptr<artifacts::LocalArtifactRepository> local_;
};

TEST_F(LocalPresignHandlersTest, DownloadUrlPointsAtTheServer) {
  fs::create_directories(base_ / prefix_ / "d");
  { std::ofstream(base_ / prefix_ / "d" / "a&b.txt") << "x"; }
  http::Response response =
      Call(GetArtifactDownloadUrl, Get("", "run_id=" + run_id_ + "&path=d/a%26b.txt"), *services_);
  ASSERT_EQ(response.status, 200) << response.body;
  json::object body = Body(response);
  EXPECT_EQ(body.at("url").as_string(), "/get-artifact?path=d%2Fa%26b.txt&run_uuid=" + run_id_);
  EXPECT_EQ(body.at("source").as_string(), "server");
  EXPECT_FALSE(body.contains("expires_at"));
  ExpectError(Call(GetArtifactDownloadUrl, Get("", "run_id=" + run_id_ + "&path=d"), *services_),
              400, "INVALID_PARAMETER_VALUE");
  ExpectError(Call(GetArtifactDownloadUrl, Get("", "run_id=" + run_id_ + "&path=nope"), *services_),
              404, "RESOURCE_DOES_NOT_EXIST");
}

TEST_F(LocalPresignHandlersTest, RedirectModeStreamsFromALocalStore) {
  fs::create_directories(base_ / prefix_);
  { std::ofstream(base_ / prefix_ / "f.txt") << "bytes"; }
  services_->config.redirect_downloads = true;
  http::Response response = Call(DownloadProxiedArtifact, Get(prefix_ + "/f.txt", ""), *services_);
  EXPECT_EQ(response.status, 200);
}

TEST_F(LocalPresignHandlersTest, MultipartAnswersMlflows501) {
  http::Response response =
      Call(CreateMultipartUpload, Post(prefix_, R"({"path": "/tmp/big.bin", "num_parts": 2})"),
           *services_);
  ExpectError(response, 501, "NOT_IMPLEMENTED");
  EXPECT_EQ(Body(response).at("message").as_string(),
            "Multipart upload is not supported for the current artifact repository");
}

}  // namespace
}  // namespace bucketflow::api

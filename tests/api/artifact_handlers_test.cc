#include "api/artifact_handlers.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/json/parse.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "artifacts/local/local_repository.h"
#include "core/clock.h"

namespace bucketflow::api {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

// Only GetRun matters to the artifact handlers; everything else refuses.
class RunsOnlyStore final : public store::Store {
 public:
  void AddRun(const std::string& run_id, const std::string& artifact_uri) {
    model::Run run;
    run.info.run_id = run_id;
    run.info.experiment_id = "1";
    run.info.artifact_uri = artifact_uri;
    runs_[run_id] = run;
  }

  Result<model::Run> GetRun(std::string_view run_id) override {
    auto it = runs_.find(std::string(run_id));
    if (it == runs_.end()) {
      return Status::NotFound("Run with id=", run_id, " not found");
    }
    return it->second;
  }

  Result<std::string> CreateExperiment(const store::NewExperiment&) override { return No(); }
  Result<model::Experiment> GetExperiment(std::string_view) override { return No(); }
  Result<model::Experiment> GetExperimentByName(std::string_view) override { return No(); }
  Result<model::Experiment> GetExperimentByNameIn(int64_t, std::string_view) override {
    return No();
  }
  Result<int64_t> ExperimentWorkspace(std::string_view) override { return No(); }
  Result<int64_t> RunWorkspace(std::string_view) override { return No(); }
  Result<store::ExperimentPage> SearchExperiments(const store::ExperimentSearch&) override {
    return No();
  }
  Status RenameExperiment(std::string_view, std::string_view) override { return No(); }
  Status DeleteExperiment(std::string_view) override { return No(); }
  Status RestoreExperiment(std::string_view) override { return No(); }
  Status SetExperimentTag(std::string_view, const model::Tag&) override { return No(); }
  Result<model::Run> CreateRun(const store::NewRun&) override { return No(); }
  Result<model::RunInfo> UpdateRun(const store::RunUpdate&) override { return No(); }
  Status DeleteRun(std::string_view) override { return No(); }
  Status RestoreRun(std::string_view) override { return No(); }
  Status LogBatch(std::string_view, std::span<const model::Metric>, std::span<const model::Param>,
                  std::span<const model::Tag>) override {
    return No();
  }
  Status DeleteTag(std::string_view, std::string_view) override { return No(); }
  Status LogInputs(std::string_view, std::span<const model::DatasetInput>) override { return No(); }
  Result<std::vector<model::Metric>> GetMetricHistory(std::string_view, std::string_view) override {
    return No();
  }
  Result<store::RunPage> SearchRuns(const store::RunSearch&) override { return No(); }
  Result<std::vector<model::DatasetSummary>> SearchDatasets(std::span<const std::string>) override {
    return No();
  }

 private:
  static Status No() { return Status::Internal("not used by artifact handlers"); }
  std::map<std::string, model::Run> runs_;
};

constexpr char kRunId[] = "0123456789abcdef0123456789abcdef";
constexpr char kRunUri[] = "mlflow-artifacts:/1/0123456789abcdef0123456789abcdef/artifacts";
constexpr char kRunPrefix[] = "1/0123456789abcdef0123456789abcdef/artifacts/";

class ArtifactHandlersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "bf-artifact-api-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    base_ = pattern;
    repo_ = std::make_unique<artifacts::LocalArtifactRepository>((base_ / "dest").string());
    store_.AddRun(kRunId, kRunUri);
    services_ = std::make_unique<Services>(Services{.store = store_,
                                                    .artifacts = repo_.get(),
                                                    .open_local_repository = OpenLocal,
                                                    .clock = clock_,
                                                    .config = ApiConfig{}});
  }
  void TearDown() override { fs::remove_all(base_); }

  // What app/ wires in: runs with a local artifact root are read in place.
  static Result<std::unique_ptr<artifacts::ArtifactRepository>> OpenLocal(std::string_view root) {
    return std::unique_ptr<artifacts::ArtifactRepository>(
        std::make_unique<artifacts::LocalArtifactRepository>(std::string(root)));
  }

  static http::Request Make(std::string method, std::string suffix, std::string query = "") {
    http::Request request;
    request.method = std::move(method);
    request.path_suffix = std::move(suffix);
    request.has_query = !query.empty();
    request.query = std::move(query);
    return request;
  }

  // Runs a streaming upload through its sink, chunk by chunk.
  http::Response Upload(http::StreamStart start, const std::string& body) {
    if (auto* response = std::get_if<http::Response>(&start)) {
      return std::move(*response);
    }
    auto& sink = std::get<std::unique_ptr<http::BodySink>>(start);
    for (size_t offset = 0; offset < body.size(); offset += 4) {
      Status written = sink->Write(std::string_view(body).substr(offset, 4));
      if (!written.ok()) {
        return sink->Finish(written);
      }
    }
    return sink->Finish(Status::Ok());
  }

  http::Response PutProxied(const std::string& suffix, const std::string& body) {
    http::Request request = Make("PUT", suffix);
    request.headers.emplace_back("Content-Length", std::to_string(body.size()));
    return Upload(UploadProxiedArtifact(request, *services_), body);
  }

  static std::string Drain(http::Response& response) {
    if (!response.stream) {
      return response.body;
    }
    std::string out;
    char buffer[5];
    while (true) {
      Result<size_t> n = response.stream->Read(buffer);
      EXPECT_TRUE(n.ok());
      if (!n.ok() || *n == 0) {
        return out;
      }
      out.append(buffer, *n);
    }
  }

  static std::string HeaderOf(const http::Response& response, const std::string& name) {
    for (const auto& [key, value] : response.headers) {
      if (key == name) {
        return value;
      }
    }
    return "";
  }

  static void ExpectError(const http::Response& response, int status, const std::string& code,
                          const std::string& message) {
    EXPECT_EQ(response.status, status) << response.body;
    EXPECT_EQ(response.content_type, "application/json");
    json::value body = json::parse(response.body);
    EXPECT_EQ(body.at("error_code").as_string(), code);
    if (!message.empty()) {
      EXPECT_EQ(body.at("message").as_string(), message);
    }
  }

  fs::path base_;
  RunsOnlyStore store_;
  SystemClock clock_;
  std::unique_ptr<artifacts::LocalArtifactRepository> repo_;
  std::unique_ptr<Services> services_;
};

TEST_F(ArtifactHandlersTest, UploadDownloadListDelete) {
  std::string prefix = kRunPrefix;
  ASSERT_EQ(PutProxied(prefix + "hello.txt", "hello world\n").body, "{}");
  ASSERT_EQ(PutProxied(prefix + "dir/sub/data.json", "{\"a\": 1}\n").status, 200);
  ASSERT_EQ(PutProxied(prefix + "model/MLmodel", "artifact_path: model\n").status, 200);
  ASSERT_EQ(PutProxied(prefix + "image.png", "\x89PNG").status, 200);
  ASSERT_EQ(PutProxied(prefix + "empty.bin", "").status, 200);
  ASSERT_EQ(PutProxied(prefix + "with%20space.txt", "space\n").status, 200);

  struct Download {
    std::string name;
    std::string type;
    std::string disposition;
    std::string content;
  };
  const Download downloads[] = {
      {"hello.txt", "text/plain", "attachment; filename=hello.txt", "hello world\n"},
      {"dir/sub/data.json", "text/plain", "attachment; filename=data.json", "{\"a\": 1}\n"},
      {"model/MLmodel", "text/plain", "attachment; filename=MLmodel", "artifact_path: model\n"},
      {"image.png", "image/png", "attachment; filename=image.png", "\x89PNG"},
      {"empty.bin", "application/octet-stream", "attachment; filename=empty.bin", ""},
      {"with%20space.txt", "text/plain", "attachment; filename=\"with space.txt\"", "space\n"},
  };
  for (const Download& d : downloads) {
    http::Request request = Make("GET", prefix + d.name);
    http::Response response = DownloadProxiedArtifact(request, *services_);
    ASSERT_EQ(response.status, 200) << d.name << response.body;
    EXPECT_EQ(response.content_type, d.type);
    EXPECT_EQ(HeaderOf(response, "Content-Disposition"), d.disposition);
    EXPECT_EQ(HeaderOf(response, "X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(response.stream_size, d.content.size());
    EXPECT_EQ(Drain(response), d.content);
  }

  http::Request list = Make("GET", "", "path=1/0123456789abcdef0123456789abcdef/artifacts");
  http::Response listed = ListProxiedArtifacts(list, *services_);
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.body,
            R"({"files":[{"path":"dir","is_dir":true},{"path":"empty.bin","is_dir":false},)"
            R"({"path":"hello.txt","is_dir":false,"file_size":12},)"
            R"({"path":"image.png","is_dir":false,"file_size":4},)"
            R"({"path":"model","is_dir":true},)"
            R"({"path":"with space.txt","is_dir":false,"file_size":6}]})");

  http::Request del = Make("DELETE", prefix + "hello.txt");
  EXPECT_EQ(DeleteProxiedArtifact(del, *services_).body, "{}");
  http::Request again = Make("DELETE", prefix + "hello.txt");
  EXPECT_EQ(DeleteProxiedArtifact(again, *services_).status, 200);
  http::Request gone = Make("GET", prefix + "hello.txt");
  ExpectError(DownloadProxiedArtifact(gone, *services_), 404, "RESOURCE_DOES_NOT_EXIST", "");
  http::Request dir = Make("DELETE", prefix + "dir");
  EXPECT_EQ(DeleteProxiedArtifact(dir, *services_).status, 200);
  EXPECT_FALSE(fs::exists(base_ / "dest" / kRunPrefix / "dir"));
}

TEST_F(ArtifactHandlersTest, ListEdgeCases) {
  http::Request missing = Make("GET", "", "path=1/nope");
  EXPECT_EQ(ListProxiedArtifacts(missing, *services_).body, "{}");
  ASSERT_EQ(PutProxied("1/x.txt", "x").status, 200);
  http::Request root = Make("GET", "");
  EXPECT_EQ(ListProxiedArtifacts(root, *services_).body,
            R"({"files":[{"path":"1","is_dir":true}]})");
}

TEST_F(ArtifactHandlersTest, HostilePathsAreRefused) {
  for (const std::string suffix :
       {"../escape.txt", "%2E%2E/escape.txt", "1/r/artifacts/dir%2F..%2F..%2Fescape.txt",
        "%252E%252E%252Fescape.txt", "/etc/golden-abs.txt", "1/r/artifacts/file%23frag.txt",
        "1/%2E%2E/%2E%2E/hello.txt", "a%00b"}) {
    http::Request get = Make("GET", suffix);
    ExpectError(DownloadProxiedArtifact(get, *services_), 400, "INVALID_PARAMETER_VALUE",
                "Invalid path");
    ExpectError(PutProxied(suffix, "evil\n"), 400, "INVALID_PARAMETER_VALUE", "Invalid path");
    http::Request del = Make("DELETE", suffix);
    ExpectError(DeleteProxiedArtifact(del, *services_), 400, "INVALID_PARAMETER_VALUE",
                "Invalid path");
  }
  for (const std::string query : {"path=../", "path=/etc", "path=%2E%2E"}) {
    http::Request list = Make("GET", "", query);
    ExpectError(ListProxiedArtifacts(list, *services_), 400, "INVALID_PARAMETER_VALUE",
                "Invalid path");
  }
  // A backslash is an ordinary character on POSIX, as in MLflow.
  EXPECT_EQ(PutProxied("1/dir%5C..%5Cescape.txt", "ok").status, 200);
  EXPECT_TRUE(fs::exists(base_ / "dest" / "1" / "dir\\..\\escape.txt"));
  EXPECT_FALSE(fs::exists(base_ / "escape.txt"));
  // Nothing may delete or overwrite the whole destination.
  http::Request root = Make("DELETE", "");
  ExpectError(DeleteProxiedArtifact(root, *services_), 400, "INVALID_PARAMETER_VALUE", "");
  EXPECT_TRUE(fs::exists(base_ / "dest" / "1"));
}

TEST_F(ArtifactHandlersTest, DirectoryDownloadIsA400) {
  ASSERT_EQ(PutProxied("1/dir/a.txt", "x").status, 200);
  http::Request request = Make("GET", "1/dir");
  ExpectError(DownloadProxiedArtifact(request, *services_), 400, "INVALID_PARAMETER_VALUE", "");
}

TEST_F(ArtifactHandlersTest, FailedUploadLeavesNothing) {
  http::Request request = Make("PUT", "1/partial.bin");
  http::StreamStart start = UploadProxiedArtifact(request, *services_);
  auto& sink = std::get<std::unique_ptr<http::BodySink>>(start);
  ASSERT_TRUE(sink->Write("first half").ok());
  http::Response response = sink->Finish(Status::Unavailable("client disconnected"));
  EXPECT_NE(response.status, 200);
  sink.reset();
  http::Request list = Make("GET", "");
  EXPECT_EQ(ListProxiedArtifacts(list, *services_).body, "{}");
  EXPECT_TRUE(fs::is_empty(base_ / "dest"));
}

TEST_F(ArtifactHandlersTest, MultipartIsNotImplemented) {
  for (auto handler : {&CreateMultipartUpload, &CompleteMultipartUpload, &AbortMultipartUpload}) {
    http::Request request = Make("POST", std::string(kRunPrefix) + "big.bin");
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = R"({"path": "big.bin", "num_parts": 2})";
    ExpectError(handler(request, *services_), 501, "NOT_IMPLEMENTED",
                "Multipart upload is not supported for the current artifact repository");
    http::Request hostile = Make("POST", "../big.bin");
    hostile.headers.emplace_back("Content-Type", "application/json");
    hostile.body = R"({"path": "big.bin"})";
    ExpectError(handler(hostile, *services_), 400, "INVALID_PARAMETER_VALUE", "Invalid path");
  }
}

TEST_F(ArtifactHandlersTest, NoServeArtifactsAnswers503) {
  services_->artifacts = nullptr;
  http::Request get = Make("GET", "1/a.txt");
  http::Response response = DownloadProxiedArtifact(get, *services_);
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(response.content_type.rfind("text/plain", 0), 0u);
  EXPECT_NE(response.body.find("--no-serve-artifacts"), std::string::npos);
  http::Request list = Make("GET", "");
  EXPECT_EQ(ListProxiedArtifacts(list, *services_).status, 503);
  auto start = UploadProxiedArtifact(get, *services_);
  ASSERT_TRUE(std::holds_alternative<http::Response>(start));
  EXPECT_EQ(std::get<http::Response>(start).status, 503);
  EXPECT_EQ(DeleteProxiedArtifact(get, *services_).status, 503);
  EXPECT_EQ(CreateMultipartUpload(get, *services_).status, 503);
  // A run whose artifacts live behind the disabled proxy cannot be listed either.
  http::Request run_list = Make("GET", "", std::string("run_id=") + kRunId);
  ExpectError(ListRunArtifacts(run_list, *services_), 503, "TEMPORARILY_UNAVAILABLE", "");
}

TEST_F(ArtifactHandlersTest, ListRunArtifactsMapsProxiedRoot) {
  std::string prefix = kRunPrefix;
  ASSERT_EQ(PutProxied(prefix + "hello.txt", "hello world\n").status, 200);
  ASSERT_EQ(PutProxied(prefix + "dir/sub/data.json", "{}").status, 200);
  ASSERT_EQ(PutProxied(prefix + "model/MLmodel", "m").status, 200);
  std::string root = std::string(R"({"root_uri":")") + kRunUri + "\"";

  struct Case {
    std::string query;
    std::string body;
  };
  const Case cases[] = {
      {"", root + R"(,"files":[{"path":"dir","is_dir":true},)"
                  R"({"path":"hello.txt","is_dir":false,"file_size":12},)"
                  R"({"path":"model","is_dir":true}]})"},
      {"&path=dir", root + R"(,"files":[{"path":"dir/sub","is_dir":true}]})"},
      {"&path=dir/sub/",
       root + R"(,"files":[{"path":"dir/sub/data.json","is_dir":false,"file_size":2}]})"},
      {"&path=nope", root + "}"},
      {"&path=hello.txt", root + "}"},
      {"&path=model&page_token=garbage",
       root + R"(,"files":[{"path":"model/MLmodel","is_dir":false,"file_size":1}]})"},
  };
  for (const Case& c : cases) {
    http::Request request = Make("GET", "", std::string("run_id=") + kRunId + c.query);
    http::Response response = ListRunArtifacts(request, *services_);
    EXPECT_EQ(response.status, 200) << c.query;
    EXPECT_EQ(response.body, c.body) << c.query;
  }
}

TEST_F(ArtifactHandlersTest, ListRunArtifactsErrors) {
  http::Request hostile = Make("GET", "", std::string("run_id=") + kRunId + "&path=../");
  ExpectError(ListRunArtifacts(hostile, *services_), 400, "INVALID_PARAMETER_VALUE",
              "Invalid path");
  http::Request unknown = Make("GET", "", "run_id=deadbeefdeadbeefdeadbeefdeadbeef");
  ExpectError(ListRunArtifacts(unknown, *services_), 404, "RESOURCE_DOES_NOT_EXIST",
              "Run with id=deadbeefdeadbeefdeadbeefdeadbeef not found");
  http::Request missing = Make("GET", "");
  ExpectError(ListRunArtifacts(missing, *services_), 400, "INVALID_PARAMETER_VALUE",
              "Missing value for required parameter 'run_id'. See the API docs for more "
              "information about request parameters.");
  store_.AddRun("s3run", "s3://bucket/1/s3run/artifacts");
  http::Request s3 = Make("GET", "", "run_id=s3run");
  ExpectError(ListRunArtifacts(s3, *services_), 501, "NOT_IMPLEMENTED", "");
  store_.AddRun("remote", "file://otherhost/srv/1/remote/artifacts");
  http::Request remote = Make("GET", "", "run_id=remote");
  ExpectError(ListRunArtifacts(remote, *services_), 501, "NOT_IMPLEMENTED", "");
}

TEST_F(ArtifactHandlersTest, FileUriRunsAreReadFromTheirDirectory) {
  fs::path run_dir = base_ / "local runs" / "r1" / "artifacts";
  fs::create_directories(run_dir / "sub");
  std::ofstream(run_dir / "metrics.csv") << "a,b\n1,2\n";
  store_.AddRun("filerun", "file://" + (base_ / "local%20runs" / "r1" / "artifacts").string());
  store_.AddRun("pathrun", run_dir.string());
  for (const char* run : {"filerun", "pathrun"}) {
    http::Request list = Make("GET", "", std::string("run_id=") + run);
    http::Response listed = ListRunArtifacts(list, *services_);
    ASSERT_EQ(listed.status, 200) << listed.body;
    EXPECT_NE(listed.body.find(R"({"path":"metrics.csv","is_dir":false,"file_size":8})"),
              std::string::npos)
        << listed.body;
    EXPECT_NE(listed.body.find(R"({"path":"sub","is_dir":true})"), std::string::npos);
    http::Request get = Make("GET", "", std::string("run_id=") + run + "&path=metrics.csv");
    http::Response got = GetRunArtifact(get, *services_);
    ASSERT_EQ(got.status, 200);
    EXPECT_EQ(got.content_type, "text/plain");
    EXPECT_EQ(Drain(got), "a,b\n1,2\n");
  }
  // The ajax upload writes into a file:// run's own directory.
  http::Request upload = Make("POST", "", "run_uuid=filerun&path=uploads/t.json");
  upload.headers.emplace_back("Content-Length", "2");
  EXPECT_EQ(Upload(UploadRunArtifact(upload, *services_), "{}").status, 200);
  EXPECT_TRUE(fs::exists(run_dir / "uploads" / "t.json"));
}

TEST_F(ArtifactHandlersTest, LocalRunRootsNeedAnOpener) {
  store_.AddRun("pathrun", (base_ / "runs" / "r1" / "artifacts").string());
  services_->open_local_repository = nullptr;
  http::Request list = Make("GET", "", "run_id=pathrun");
  ExpectError(ListRunArtifacts(list, *services_), 503, "TEMPORARILY_UNAVAILABLE", "");
  http::Request get = Make("GET", "", "run_id=pathrun&path=a.txt");
  ExpectError(GetRunArtifact(get, *services_), 503, "TEMPORARILY_UNAVAILABLE", "");
}

TEST_F(ArtifactHandlersTest, GetRunArtifact) {
  ASSERT_EQ(PutProxied(std::string(kRunPrefix) + "model/MLmodel", "flavors: {}\n").status, 200);
  http::Request ok = Make("GET", "", std::string("run_id=") + kRunId + "&path=model/MLmodel");
  http::Response response = GetRunArtifact(ok, *services_);
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "text/plain");
  EXPECT_EQ(HeaderOf(response, "Content-Disposition"), "attachment; filename=MLmodel");
  EXPECT_EQ(Drain(response), "flavors: {}\n");

  // /get-artifact goes through Werkzeug's send_file in MLflow, which quotes such names.
  ASSERT_EQ(PutProxied(std::string(kRunPrefix) + "a%20b.txt", "ab").status, 200);
  http::Request spaced = Make("GET", "", std::string("run_id=") + kRunId + "&path=a%20b.txt");
  EXPECT_EQ(HeaderOf(GetRunArtifact(spaced, *services_), "Content-Disposition"),
            "attachment; filename=\"a b.txt\"");

  http::Request no_path = Make("GET", "", std::string("run_id=") + kRunId);
  ExpectError(GetRunArtifact(no_path, *services_), 400, "INVALID_PARAMETER_VALUE", "");
  http::Request missing = Make("GET", "", std::string("run_id=") + kRunId + "&path=nope.txt");
  ExpectError(GetRunArtifact(missing, *services_), 404, "RESOURCE_DOES_NOT_EXIST", "");
  http::Request hostile =
      Make("GET", "", std::string("run_id=") + kRunId + "&path=../../../etc/passwd");
  ExpectError(GetRunArtifact(hostile, *services_), 400, "INVALID_PARAMETER_VALUE", "Invalid path");
  http::Request unknown = Make("GET", "", "run_id=deadbeefdeadbeefdeadbeefdeadbeef&path=a.txt");
  ExpectError(GetRunArtifact(unknown, *services_), 404, "RESOURCE_DOES_NOT_EXIST",
              "Run with id=deadbeefdeadbeefdeadbeefdeadbeef not found");
}

TEST_F(ArtifactHandlersTest, UploadRunArtifact) {
  std::string run_query = std::string("run_uuid=") + kRunId;
  http::Request ok = Make("POST", "", run_query + "&path=uploads/table.json");
  ok.headers.emplace_back("Content-Length", "33");
  http::Response response =
      Upload(UploadRunArtifact(ok, *services_), R"({"columns": ["a"], "data": [[1]]})");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "");
  http::Request list = Make("GET", "", std::string("run_id=") + kRunId + "&path=uploads");
  EXPECT_NE(ListRunArtifacts(list, *services_)
                .body.find(R"({"path":"uploads/table.json","is_dir":false,"file_size":33})"),
            std::string::npos);

  http::Request no_run = Make("POST", "", "path=x.txt");
  ExpectError(Upload(UploadRunArtifact(no_run, *services_), "x"), 400, "INVALID_PARAMETER_VALUE",
              "Request must specify run_uuid.");
  http::Request empty = Make("POST", "", run_query + "&path=x.txt");
  empty.headers.emplace_back("Content-Length", "0");
  ExpectError(Upload(UploadRunArtifact(empty, *services_), ""), 400, "INVALID_PARAMETER_VALUE",
              "Request must specify data.");
  http::Request chunked_empty = Make("POST", "", run_query + "&path=x.txt");
  chunked_empty.headers.emplace_back("Transfer-Encoding", "chunked");
  ExpectError(Upload(UploadRunArtifact(chunked_empty, *services_), ""), 400,
              "INVALID_PARAMETER_VALUE", "Request must specify data.");
  http::Request hostile = Make("POST", "", run_query + "&path=../x.txt");
  hostile.headers.emplace_back("Content-Length", "1");
  ExpectError(Upload(UploadRunArtifact(hostile, *services_), "x"), 400, "INVALID_PARAMETER_VALUE",
              "Invalid path");
  http::Request declared_big = Make("POST", "", run_query + "&path=big.bin");
  declared_big.headers.emplace_back("Content-Length", std::to_string((10 << 20) + 1));
  ExpectError(Upload(UploadRunArtifact(declared_big, *services_), ""), 400,
              "INVALID_PARAMETER_VALUE", "Artifact size is too large. Max size is 10MB.");
  // A chunked body that turns out too large is cut off and leaves nothing behind.
  http::Request streamed_big = Make("POST", "", run_query + "&path=big.bin");
  streamed_big.headers.emplace_back("Transfer-Encoding", "chunked");
  http::StreamStart start = UploadRunArtifact(streamed_big, *services_);
  auto& sink = std::get<std::unique_ptr<http::BodySink>>(start);
  std::string mb(1 << 20, 'x');
  Status written;
  for (int i = 0; i < 11 && written.ok(); ++i) {
    written = sink->Write(mb);
  }
  ExpectError(sink->Finish(written), 400, "INVALID_PARAMETER_VALUE",
              "Artifact size is too large. Max size is 10MB.");
  sink.reset();
  EXPECT_FALSE(fs::exists(base_ / "dest" / kRunPrefix / "big.bin"));
  http::Request unknown = Make("POST", "", "run_uuid=nope&path=a.txt");
  unknown.headers.emplace_back("Content-Length", "1");
  ExpectError(Upload(UploadRunArtifact(unknown, *services_), "a"), 404, "RESOURCE_DOES_NOT_EXIST",
              "");
}

}  // namespace
}  // namespace bucketflow::api

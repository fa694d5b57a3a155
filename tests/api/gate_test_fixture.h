#pragma once

// The whole router behind the request gate, over the real SQLite store (both of its
// interfaces) and a real auth::Access, with two tenant workspaces and one user per role.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "api/handler_test_fixture.h"
#include "api/routes.h"
#include "artifacts/local/local_repository.h"
#include "auth/access.h"
#include "auth/tokens.h"
#include "store/sqlite/sqlite_store.h"
#include "store/workspace_scoped_store.h"

namespace bucketflow::api {

// A local directory that also presigns reads and multipart uploads, so that the presign paths
// run without a bucket. URLs point nowhere.
class PresigningRepository final : public artifacts::ArtifactRepository {
 public:
  PresigningRepository(const std::filesystem::path& root, const Clock& clock)
      : local_(root.string()), clock_(clock) {}
  Result<std::vector<artifacts::FileInfo>> List(std::string_view dir) override {
    return local_.List(dir);
  }
  Result<std::unique_ptr<artifacts::ArtifactReader>> OpenRead(std::string_view path) override {
    return local_.OpenRead(path);
  }
  Result<std::unique_ptr<artifacts::ArtifactWriter>> OpenWrite(std::string_view path) override {
    return local_.OpenWrite(path);
  }
  Status Delete(std::string_view path) override { return local_.Delete(path); }
  bool SupportsMultipart() const override { return true; }
  Result<artifacts::PresignedUrl> PresignRead(std::string_view path, int64_t ttl_seconds) override {
    ASSIGN_OR_RETURN(std::unique_ptr<artifacts::ArtifactReader> reader, local_.OpenRead(path));
    return artifacts::PresignedUrl{
        .url = "https://bucket.example/" + std::string(path) + "?X-Amz-Signature=abc",
        .expires_at_ms = clock_.NowMillis() + ttl_seconds * 1000};
  }
  Result<artifacts::MultipartUpload> CreateMultipartUpload(std::string_view path, int num_parts,
                                                           int64_t) override {
    artifacts::MultipartUpload upload{.upload_id = "up-1", .parts = {}};
    for (int part = 1; part <= num_parts; ++part) {
      upload.parts.push_back(
          {.part_number = part,
           .url = "https://bucket.example/" + std::string(path) + "?part=" + std::to_string(part)});
    }
    return upload;
  }

 private:
  artifacts::LocalArtifactRepository local_;
  const Clock& clock_;
};

// One directory per workspace under `root`; the workspace named "broken" answers as one
// whose bucket is failing.
class TestWorkspaceArtifacts final : public WorkspaceArtifacts {
 public:
  TestWorkspaceArtifacts(std::filesystem::path root, const Clock& clock)
      : root_(std::move(root)), clock_(clock) {}
  Result<artifacts::ArtifactRepository*> Repository(const store::Workspace& workspace) override {
    if (workspace.name == "broken") {
      return Status::Unavailable("workspace 'broken': its bucket is slow to answer; retry");
    }
    std::lock_guard<std::mutex> lock(mu_);
    std::unique_ptr<PresigningRepository>& repository = repositories_[workspace.name];
    if (repository == nullptr) {
      repository = std::make_unique<PresigningRepository>(root_ / workspace.name, clock_);
    }
    return repository.get();
  }
  Result<CheckedBucket> CheckBucket(const store::Workspace&, store::WorkspaceBucket) override {
    return Status::Unimplemented("not used by these tests");
  }
  std::filesystem::path DirOf(const std::string& workspace) const { return root_ / workspace; }

 private:
  std::filesystem::path root_;
  const Clock& clock_;
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<PresigningRepository>> repositories_;
};

// Fields without a value are left out of the request. (Every member has an initializer so that
// designated initializers may name only some.)
struct GateRequest {
  std::string method = "GET";
  std::string target = {};
  std::string token = {};          // "Authorization: Bearer <token>" when set
  std::string authorization = {};  // a raw Authorization header, when set
  std::string body = {};
  std::vector<std::pair<std::string, std::string>> headers = {};
  std::string remote_address = "192.0.2.10";
};

struct GateReply : Reply {
  http::Headers headers;
  std::string HeaderValue(std::string_view name) const {
    for (const auto& [key, value] : headers) {
      if (key == name) return value;
    }
    return "";
  }
};

class GateTestBase : public ::testing::Test {
 protected:
  void SetUp() override {
    store::SqliteConfig sqlite;
    sqlite.path = (dir_.path() / "bucketflow.db").string();
    Result<std::unique_ptr<store::SqliteBackend>> opened =
        store::OpenSqliteBackend(sqlite, {}, clock_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    backend_ = std::move(opened).value();
    access_ =
        std::make_unique<auth::Access>(*backend_, clock_, auth::AccessConfig{.enabled = true});
    workspace_artifacts_ = std::make_unique<TestWorkspaceArtifacts>(dir_.path() / "ws", clock_);
    default_repository_ = std::make_unique<artifacts::LocalArtifactRepository>(
        (dir_.path() / "default-artifacts").string());
    services_ =
        std::make_unique<Services>(Services{.store = *backend_,
                                            .artifacts = default_repository_.get(),
                                            .open_local_repository = OpenLocal,
                                            .clock = clock_,
                                            .config = {},
                                            .access = access_.get(),
                                            .access_store = backend_.get(),
                                            .workspace_artifacts = workspace_artifacts_.get(),
                                            .ownership = &ownership_});
    router_ = BuildRouter(*services_);
    team_a_ = Workspace("team-a");
    team_b_ = Workspace("team-b");
    alice_ = Member("alice", team_a_, store::Role::kEditor);
    bob_ = Member("bob", team_a_, store::Role::kReader);
    carol_ = Member("carol", team_b_, store::Role::kEditor);
    root_ = TokenFor(User("root", /*is_admin=*/true));
  }

  static Result<std::unique_ptr<artifacts::ArtifactRepository>> OpenLocal(std::string_view root) {
    return std::unique_ptr<artifacts::ArtifactRepository>(
        std::make_unique<artifacts::LocalArtifactRepository>(std::string(root)));
  }

  store::Workspace Workspace(const std::string& name) {
    Result<store::Workspace> workspace = backend_->CreateWorkspace(name, "ext-" + name);
    EXPECT_TRUE(workspace.ok()) << workspace.status().ToString();
    return workspace.ok() ? *workspace : store::Workspace{};
  }
  store::User User(const std::string& name, bool is_admin = false, std::string password_hash = "") {
    Result<store::User> user = backend_->CreateUser(
        {.id = 0, .name = name, .password_hash = std::move(password_hash), .is_admin = is_admin});
    EXPECT_TRUE(user.ok()) << user.status().ToString();
    return user.ok() ? *user : store::User{};
  }
  std::string TokenFor(const store::User& user) {
    std::string secret = auth::GenerateTokenSecret();
    store::Token token;
    token.user_id = user.id;
    token.name = "test";
    token.hash = auth::HashTokenSecret(secret);
    Result<store::Token> created = backend_->CreateToken(token);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return secret;
  }
  // A new user with `role` in `workspace`; returns their token.
  std::string Member(const std::string& name, const store::Workspace& workspace, store::Role role) {
    store::User user = User(name);
    EXPECT_TRUE(backend_->SetMembership(workspace.id, user.id, role).ok());
    return TokenFor(user);
  }

  GateReply Send(GateRequest spec) {
    http::Request request = Build(std::move(spec));
    std::string body = std::move(request.body);
    http::Router::Match match = router_.Find(request);
    GateReply reply;
    http::Response response;
    if (match.handler != nullptr) {
      request.body = std::move(body);
      response = (*match.handler)(request);
    } else if (match.streaming != nullptr) {
      response = Stream(*match.streaming, request, body);
    } else {
      reply.status = match.status;
      return reply;
    }
    return ToReply(std::move(response));
  }

  // Mirrors the server: the sink gets the body only after the handler returned.
  static http::Response Stream(const http::StreamingHandler& handler, http::Request& request,
                               const std::string& body) {
    http::StreamStart start = handler(request);
    if (auto* response = std::get_if<http::Response>(&start)) {
      return std::move(*response);
    }
    std::unique_ptr<http::BodySink> sink = std::move(std::get<1>(start));
    request = http::Request{};  // the sink may not rely on the request
    Status written = sink->Write(body);
    return sink->Finish(written);
  }

  static http::Request Build(GateRequest spec) {
    http::Request request;
    request.method = std::move(spec.method);
    request.target = spec.target;
    size_t question = spec.target.find('?');
    request.path = spec.target.substr(0, question);
    if (question != std::string::npos) {
      request.query = spec.target.substr(question + 1);
      request.has_query = true;
    }
    if (!spec.token.empty()) request.headers.emplace_back("Authorization", "Bearer " + spec.token);
    if (!spec.authorization.empty()) {
      request.headers.emplace_back("Authorization", spec.authorization);
    }
    if (!spec.body.empty()) request.headers.emplace_back("Content-Type", "application/json");
    request.headers.emplace_back("Content-Length", std::to_string(spec.body.size()));
    for (auto& header : spec.headers) request.headers.push_back(std::move(header));
    request.body = std::move(spec.body);
    request.remote_address = std::move(spec.remote_address);
    return request;
  }

  static GateReply ToReply(http::Response response) {
    GateReply reply;
    reply.status = response.status;
    reply.content_type = response.content_type;
    reply.headers = response.headers;
    reply.text = response.body;
    if (response.stream != nullptr) {  // read after the handler returned, as the server does
      std::vector<char> buffer(4096);
      for (;;) {
        Result<size_t> n = response.stream->Read(buffer);
        if (!n.ok() || *n == 0) break;
        reply.text.append(buffer.data(), *n);
      }
    }
    if (reply.content_type == "application/json" && !reply.text.empty()) {
      json::error_code ec;
      reply.body = json::parse(reply.text, ec);
    }
    return reply;
  }

  GateReply Get(const std::string& target, const std::string& token) {
    return Send({.method = "GET", .target = target, .token = token});
  }
  GateReply Post(const std::string& target, const std::string& token, std::string body) {
    return Send({.method = "POST", .target = target, .token = token, .body = std::move(body)});
  }

  // Creates an experiment in `workspace` as `token`; returns its id.
  std::string NewExperiment(const std::string& workspace, const std::string& token,
                            const std::string& name) {
    GateReply reply = Post("/w/" + workspace + "/api/2.0/mlflow/experiments/create", token,
                           R"({"name": ")" + name + R"("})");
    EXPECT_EQ(reply.status, 200) << reply.text;
    return reply.status == 200 ? std::string(reply.body.at("experiment_id").as_string()) : "";
  }
  std::string NewRun(const std::string& workspace, const std::string& token,
                     const std::string& experiment_id) {
    GateReply reply =
        Post("/w/" + workspace + "/api/2.0/mlflow/runs/create", token,
             R"({"experiment_id": ")" + experiment_id + R"(", "start_time": 1700000001000})");
    EXPECT_EQ(reply.status, 200) << reply.text;
    return reply.status == 200
               ? std::string(reply.body.at("run").at("info").at("run_id").as_string())
               : "";
  }

  static void ExpectError(const GateReply& reply, int status, std::string_view code) {
    EXPECT_EQ(reply.status, status) << reply.text;
    EXPECT_EQ(reply.ErrorCode(), code) << reply.text;
  }

  TempDir dir_;
  FixedClock clock_;
  std::unique_ptr<store::SqliteBackend> backend_;
  std::unique_ptr<auth::Access> access_;
  store::OwnershipCache ownership_;
  std::unique_ptr<TestWorkspaceArtifacts> workspace_artifacts_;
  std::unique_ptr<artifacts::LocalArtifactRepository> default_repository_;
  std::unique_ptr<Services> services_;
  http::Router router_;
  store::Workspace team_a_;
  store::Workspace team_b_;
  std::string alice_;  // editor in team-a
  std::string bob_;    // reader in team-a
  std::string carol_;  // editor in team-b
  std::string root_;   // server admin
};

}  // namespace bucketflow::api

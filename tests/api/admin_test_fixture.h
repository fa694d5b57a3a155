#pragma once

// The admin handlers over a real SQLite backend in a temp dir, with auth::Access enabled and
// users of every kind (server admin, workspace admin, reader, outsider) holding real tokens,
// so that each call runs with the scope the gate would build for that caller.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/admin_handlers.h"
#include "api/errors.h"
#include "api/services.h"
#include "auth/access.h"
#include "auth/tokens.h"
#include "store/sqlite/sqlite_store.h"
#include "store/workspace_scoped_store.h"

namespace bucketflow::admin_test {

namespace json = boost::json;
using api::CheckedBucket;
using api::HandlerFn;
using RawHandlerFn = http::Response (*)(const api::RequestParams&, api::Services&);
using api::RequestParams;
using api::RequestScope;
using api::Services;

inline constexpr int64_t kNow = 1700000000000;

class FixedClock final : public Clock {
 public:
  int64_t NowMillis() const override { return kNow; }
};

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("bf-admin-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
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

// CheckBucket without S3: bucket "bad-bucket" fails verification, "taken" is another
// workspace's, anything else passes (completed with defaults, as the real one does).
class FakeWorkspaceArtifacts final : public api::WorkspaceArtifacts {
 public:
  Result<artifacts::ArtifactRepository*> Repository(const store::Workspace&) override {
    return Status::Unavailable("no repositories in this test");
  }
  Result<CheckedBucket> CheckBucket(const store::Workspace& workspace,
                                    store::WorkspaceBucket bucket) override {
    ++calls;
    if (bucket.bucket == "taken") {
      return Status::AlreadyExists("bucket taken is already used by workspace other");
    }
    if (bucket.region.empty()) bucket.region = "us-east-1";
    if (bucket.addressing.empty()) bucket.addressing = "auto";
    if (bucket.external_id.empty()) bucket.external_id = workspace.external_id;
    CheckedBucket checked;
    checked.bucket = bucket;
    checked.checks.push_back({"assume-role", "PASS", "assumed " + bucket.role_arn, ""});
    if (bucket.bucket == "bad-bucket") {
      checked.checks.push_back(
          {"list", "FAIL", "AccessDenied on ListBucket", "grant s3:ListBucket"});
      checked.checks.push_back({"cors", "WARN", "no CORS rule", "add the CORS rule"});
    }
    checked.ok = bucket.bucket != "bad-bucket";
    return checked;
  }
  int calls = 0;
};

struct Answer {
  Status status;
  json::value body;  // parsed when ok
  std::string text;
  Code code() const { return status.code(); }
};

class AdminTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::SqliteConfig sqlite;
    sqlite.path = (dir_.path() / "bucketflow.db").string();
    auto opened = store::OpenSqliteBackend(sqlite, {}, clock_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    backend_ = std::move(opened).value();
    access_ =
        std::make_unique<auth::Access>(*backend_, clock_, auth::AccessConfig{.enabled = true});
    services_ = std::make_unique<Services>(Services{.store = *backend_,
                                                    .clock = clock_,
                                                    .config = {},
                                                    .access = access_.get(),
                                                    .access_store = backend_.get(),
                                                    .workspace_artifacts = &artifacts_,
                                                    .ownership = &ownership_});
    ASSERT_TRUE(backend_->CreateWorkspace("team-a", "ext-team-a").ok());
    ASSERT_TRUE(backend_->CreateWorkspace("team-b", "ext-team-b").ok());
    AddUser("root", true);
    AddUser("alice", false, "team-a", store::Role::kAdmin);
    AddUser("bob", false, "team-a", store::Role::kReader);
    AddUser("carol", false);
    AddUser("dave", false, "team-b", store::Role::kEditor);
  }

  // A user with an unbound token, optionally a member of `workspace`.
  void AddUser(const std::string& name, bool is_admin, const std::string& workspace = "",
               store::Role role = store::Role::kReader) {
    store::User user;
    user.name = name;
    user.is_admin = is_admin;
    auto created = backend_->CreateUser(user);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    if (!workspace.empty()) {
      auto ws = backend_->GetWorkspace(workspace);
      ASSERT_TRUE(ws.ok());
      ASSERT_TRUE(backend_->SetMembership(ws->id, created->id, role).ok());
    }
    secrets_[name] = NewSecret(created->id, std::nullopt);
  }

  std::string NewSecret(int64_t user_id, std::optional<int64_t> workspace_id) {
    std::string secret = auth::GenerateTokenSecret();
    store::Token token;
    token.user_id = user_id;
    token.workspace_id = workspace_id;
    token.name = "fixture";
    token.hash = auth::HashTokenSecret(secret);
    EXPECT_TRUE(backend_->CreateToken(token).ok());
    return secret;
  }

  // Calls `handler` as the gate would for the caller with this Authorization header.
  Answer CallWith(HandlerFn handler, const std::string& authorization, json::object body) {
    Result<auth::Caller> caller = access_->Authenticate(authorization, "127.0.0.1");
    if (!caller.ok()) return {caller.status(), {}, {}};
    RequestScope scope;
    scope.grant.caller = std::move(caller).value();
    scope.grant.workspace = backend_->GetWorkspaceById(store::kDefaultWorkspaceId).value();
    Services services = *services_;
    services.scope = &scope;
    return Run(handler, services, std::move(body));
  }

  Answer Call(HandlerFn handler, const std::string& user, json::object body = {}) {
    return CallWith(handler, "Bearer " + secrets_.at(user), std::move(body));
  }

  // A handler that builds its whole response (workspaces/bucket/set): calls it through a
  // HandlerFn whose error keeps the response's body, parsed, in `Answer::body`.
  Answer Call(RawHandlerFn handler, const std::string& user, json::object body = {}) {
    raw_handler_ = handler;
    raw_response_.reset();
    Answer answer = Call(&CallRaw, user, std::move(body));
    if (raw_response_.has_value() && raw_response_->status != 200) {
      answer.text = raw_response_->body;
      answer.body = json::parse(answer.text);
    }
    return answer;
  }

  // Turns the raw response into a Result as the gate's JSON wrapper would have seen it.
  static Result<std::string> CallRaw(const RequestParams& params, Services& services) {
    raw_response_ = raw_handler_(params, services);
    if (raw_response_->status == 200) return raw_response_->body;
    json::value error = json::parse(raw_response_->body);
    std::string message(error.at("message").as_string());
    std::string_view code = error.at("error_code").as_string();
    for (Code candidate : {Code::kInvalidArgument, Code::kNotFound, Code::kAlreadyExists,
                           Code::kPermissionDenied, Code::kUnimplemented}) {
      if (api::MlflowErrorCode(candidate) == code) return Status(candidate, message);
    }
    return Status::Internal(message);
  }

  static Answer Run(HandlerFn handler, Services& services, json::object body) {
    Result<std::string> out = handler(RequestParams(std::move(body)), services);
    if (!out.ok()) return {out.status(), {}, {}};
    Answer answer{Status::Ok(), json::parse(*out), *out};
    return answer;
  }

  std::vector<store::AuditEntry> AuditEntries(const std::string& action) {
    store::AuditQuery query;
    query.action = action;
    query.max_results = 1000;
    auto page = backend_->ListAudit(query);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? page->entries : std::vector<store::AuditEntry>{};
  }

  store::Workspace Workspace(const std::string& name) {
    auto ws = backend_->GetWorkspace(name);
    EXPECT_TRUE(ws.ok()) << ws.status().ToString();
    return ws.ok() ? *ws : store::Workspace{};
  }

  TempDir dir_;
  FixedClock clock_;
  std::unique_ptr<store::SqliteBackend> backend_;
  std::unique_ptr<auth::Access> access_;
  store::OwnershipCache ownership_;
  FakeWorkspaceArtifacts artifacts_;
  std::unique_ptr<Services> services_;
  std::map<std::string, std::string> secrets_;  // user -> their unbound token's secret
  static inline RawHandlerFn raw_handler_ = nullptr;
  static inline std::optional<http::Response> raw_response_;
};

}  // namespace bucketflow::admin_test

// The request gate (route_wrappers.cc, routes.cc): who may call which route in which workspace,
// what an outsider sees of another workspace's ids and artifact paths, and the audit of
// presigned URLs. The real SQLite store and auth::Access; see gate_test_fixture.h.
#include "api/route_wrappers.h"

#include <filesystem>
#include <string>

#include "api/gate_test_fixture.h"
#include "auth/password.h"

namespace bucketflow::api {
namespace {

constexpr char kApi[] = "/api/2.0/mlflow";
constexpr char kArtifacts[] = "/api/2.0/mlflow-artifacts/artifacts";

std::string In(const std::string& workspace, const std::string& path) {
  return "/w/" + workspace + path;
}

using RouteWrappersTest = GateTestBase;

store::AuditQuery TeamAAudit(store::AccessStore& access) {
  store::AuditQuery query;
  query.workspace_id = access.GetWorkspace("team-a")->id;
  return query;
}

TEST_F(RouteWrappersTest, HealthVersionAndTheUiArePublic) {
  EXPECT_EQ(Send({.target = "/health"}).status, 200);
  EXPECT_EQ(Send({.target = "/version"}).status, 200);
  EXPECT_EQ(Send({.target = "/"}).status, 200);
  EXPECT_EQ(Send({.target = "/w/team-a/health"}).status, 200);
}

TEST_F(RouteWrappersTest, NoCredentialsIs401WithABearerChallenge) {
  GateReply reply = Get(std::string(kApi) + "/experiments/search?max_results=5", "");
  ExpectError(reply, 401, "UNAUTHENTICATED");
  EXPECT_EQ(reply.HeaderValue("WWW-Authenticate"), "Bearer realm=\"bucketflow\"");
  // No Basic challenge: browsers would pop a password dialog over the UI.
  for (const auto& [name, value] : reply.headers) {
    EXPECT_EQ(value.find("Basic"), std::string::npos) << name;
  }
  ExpectError(Send({.target = std::string(kArtifacts) + "?path="}), 401, "UNAUTHENTICATED");
  ExpectError(Send({.method = "PUT", .target = std::string(kArtifacts) + "/1/a.txt", .body = "x"}),
              401, "UNAUTHENTICATED");
}

TEST_F(RouteWrappersTest, BadCredentialsAre401) {
  const std::string target = std::string(kApi) + "/experiments/search?max_results=5";
  ExpectError(Get(target, "bft_" + std::string(64, '0')), 401, "UNAUTHENTICATED");
  ExpectError(Send({.target = target, .authorization = "Basic !!!"}), 401, "UNAUTHENTICATED");
  ExpectError(Send({.target = target, .authorization = "Digest abc"}), 401, "UNAUTHENTICATED");
  GateReply reply = Send({.target = target, .authorization = "Basic ZGF2ZTp3cm9uZy1wYXNzd29yZA=="});
  ExpectError(reply, 401, "UNAUTHENTICATED");
  EXPECT_EQ(reply.HeaderValue("WWW-Authenticate"), "Bearer realm=\"bucketflow\"");
}

TEST_F(RouteWrappersTest, BasicAuthWithTheRightPasswordPasses) {
  Result<std::string> hash = auth::HashPassword("correct-horse-battery");
  ASSERT_TRUE(hash.ok());
  store::User dave = User("dave", false, *hash);
  ASSERT_TRUE(backend_->SetMembership(team_a_.id, dave.id, store::Role::kReader).ok());
  const std::string target = In("team-a", std::string(kApi) + "/experiments/search?max_results=5");
  EXPECT_EQ(Send({.target = target, .authorization = "Basic ZGF2ZTpjb3JyZWN0LWhvcnNlLWJhdHRlcnk="})
                .status,
            200);
  ExpectError(Send({.target = target, .authorization = "Basic ZGF2ZTp3cm9uZy1wYXNzd29yZA=="}), 401,
              "UNAUTHENTICATED");
}

TEST_F(RouteWrappersTest, ReadersReadAndEditorsWrite) {
  const std::string create = In("team-a", std::string(kApi) + "/experiments/create");
  ExpectError(Post(create, bob_, R"({"name": "by-bob"})"), 403, "PERMISSION_DENIED");
  const std::string id = NewExperiment("team-a", alice_, "by-alice");
  GateReply read =
      Get(In("team-a", std::string(kApi) + "/experiments/get?experiment_id=" + id), bob_);
  EXPECT_EQ(read.status, 200) << read.text;
  ExpectError(Post(In("team-a", std::string(kApi) + "/experiments/delete"), bob_,
                   R"({"experiment_id": ")" + id + R"("})"),
              403, "PERMISSION_DENIED");
  ExpectError(Send({.method = "PUT",
                    .target = In("team-a", std::string(kArtifacts) + "/" + id + "/a.txt"),
                    .token = bob_,
                    .body = "x"}),
              403, "PERMISSION_DENIED");
  // Searches are reads even though they are POSTs.
  EXPECT_EQ(Post(In("team-a", std::string(kApi) + "/runs/search"), bob_,
                 R"({"experiment_ids": [")" + id + R"("]})")
                .status,
            200);
}

TEST_F(RouteWrappersTest, NonMembersAndUnknownWorkspacesAreDeniedAlike) {
  const std::string search = std::string(kApi) + "/experiments/search?max_results=5";
  GateReply foreign = Get(In("team-b", search), alice_);
  GateReply unknown = Get(In("no-such-team", search), alice_);
  ExpectError(foreign, 403, "PERMISSION_DENIED");
  ExpectError(unknown, 403, "PERMISSION_DENIED");
  // A server admin may everywhere, and learns that a name does not exist.
  EXPECT_EQ(Get(In("team-b", search), root_).status, 200);
  ExpectError(Get(In("no-such-team", search), root_), 404, "RESOURCE_DOES_NOT_EXIST");
}

TEST_F(RouteWrappersTest, AnotherWorkspacesIdsAnswerLikeUnknownIds) {
  const std::string experiment = NewExperiment("team-a", alice_, "secret");
  const std::string run = NewRun("team-a", alice_, experiment);
  const std::string api_b = In("team-b", kApi);

  GateReply foreign = Get(api_b + "/experiments/get?experiment_id=" + experiment, carol_);
  GateReply unknown = Get(api_b + "/experiments/get?experiment_id=987654", carol_);
  ExpectError(foreign, 404, "RESOURCE_DOES_NOT_EXIST");
  ExpectError(unknown, 404, "RESOURCE_DOES_NOT_EXIST");
  EXPECT_EQ(foreign.Message(), "No Experiment with id=" + experiment + " exists");

  GateReply foreign_run = Get(api_b + "/runs/get?run_id=" + run, carol_);
  ExpectError(foreign_run, 404, "RESOURCE_DOES_NOT_EXIST");
  GateReply unknown_run = Get(api_b + "/runs/get?run_id=0123456789abcdef0123456789abcdef", carol_);
  std::string expected = unknown_run.Message();
  expected.replace(expected.find("0123456789abcdef0123456789abcdef"), 32, run);
  EXPECT_EQ(foreign_run.Message(), expected);

  ExpectError(Post(api_b + "/runs/log-metric", carol_,
                   R"({"run_id": ")" + run + R"(", "key": "m", "value": 1, "timestamp": 1})"),
              404, "RESOURCE_DOES_NOT_EXIST");
  ExpectError(Get(api_b + "/artifacts/list?run_id=" + run, carol_), 404, "RESOURCE_DOES_NOT_EXIST");
  ExpectError(
      Get("/w/team-b/api/2.0/bucketflow/artifacts/download-url?run_id=" + run + "&path=a.txt",
          carol_),
      404, "RESOURCE_DOES_NOT_EXIST");
  // The owner still sees both.
  EXPECT_EQ(Get(In("team-a", kApi) + "/runs/get?run_id=" + run, alice_).status, 200);
}

TEST_F(RouteWrappersTest, ArtifactsStayInTheirWorkspace) {
  const std::string experiment = NewExperiment("team-a", alice_, "files");
  const std::string path = experiment + "/run1/artifacts/model.txt";
  GateReply put = Send({.method = "PUT",
                        .target = In("team-a", std::string(kArtifacts) + "/" + path),
                        .token = alice_,
                        .body = "weights"});
  ASSERT_EQ(put.status, 200) << put.text;
  EXPECT_TRUE(std::filesystem::exists(workspace_artifacts_->DirOf("team-a") / path));
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "default-artifacts" / path));

  GateReply got = Get(In("team-a", std::string(kArtifacts) + "/" + path), alice_);
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.text, "weights");

  const std::string b = In("team-b", kArtifacts);
  GateReply foreign = Get(b + "/" + path, carol_);
  ExpectError(foreign, 404, "RESOURCE_DOES_NOT_EXIST");
  EXPECT_EQ(foreign.Message(), "Artifact '" + path + "' does not exist");
  ExpectError(Send({.method = "PUT", .target = b + "/" + path, .token = carol_, .body = "x"}), 404,
              "RESOURCE_DOES_NOT_EXIST");
  ExpectError(Send({.method = "DELETE", .target = b + "/" + path, .token = carol_}), 404,
              "RESOURCE_DOES_NOT_EXIST");
  ExpectError(Get(b + "?path=" + experiment, carol_), 404, "RESOURCE_DOES_NOT_EXIST");
  ExpectError(Post("/w/team-b/api/2.0/mlflow-artifacts/mpu/create/" + experiment, carol_,
                   R"({"path": "big.bin", "num_parts": 2})"),
              404, "RESOURCE_DOES_NOT_EXIST");
  // The root of a workspace's own repository lists; it holds nothing of team-a.
  GateReply root = Get(b + "?path=", carol_);
  EXPECT_EQ(root.status, 200) << root.text;
  EXPECT_EQ(root.text, "{}");
  EXPECT_TRUE(std::filesystem::exists(workspace_artifacts_->DirOf("team-a") / path));
}

// Without per-workspace repositories every workspace shares the server's: only the path check
// keeps one workspace out of another's files.
TEST_F(RouteWrappersTest, ASharedRepositoryIsStillConfinedByExperiment) {
  services_->workspace_artifacts = nullptr;
  const std::string experiment = NewExperiment("team-a", alice_, "shared");
  const std::string path = experiment + "/run1/artifacts/model.txt";
  ASSERT_EQ(Send({.method = "PUT",
                  .target = In("team-a", std::string(kArtifacts) + "/" + path),
                  .token = alice_,
                  .body = "weights"})
                .status,
            200);
  EXPECT_TRUE(std::filesystem::exists(dir_.path() / "default-artifacts" / path));
  EXPECT_EQ(Get(In("team-a", std::string(kArtifacts) + "/" + path), alice_).text, "weights");
  GateReply foreign = Get(In("team-b", std::string(kArtifacts) + "/" + path), carol_);
  ExpectError(foreign, 404, "RESOURCE_DOES_NOT_EXIST");
  EXPECT_EQ(foreign.Message(), "Artifact '" + path + "' does not exist");
  ExpectError(Send({.method = "DELETE",
                    .target = In("team-b", std::string(kArtifacts) + "/" + path),
                    .token = carol_}),
              404, "RESOURCE_DOES_NOT_EXIST");
  EXPECT_TRUE(std::filesystem::exists(dir_.path() / "default-artifacts" / path));
}

TEST_F(RouteWrappersTest, UiUploadsStreamIntoTheWorkspacesRun) {
  const std::string experiment = NewExperiment("team-a", alice_, "ui");
  const std::string run = NewRun("team-a", alice_, experiment);
  const std::string upload =
      "/ajax-api/2.0/mlflow/upload-artifact?run_uuid=" + run + "&path=notes.txt";
  GateReply done =
      Send({.method = "POST", .target = In("team-a", upload), .token = alice_, .body = "hi"});
  EXPECT_EQ(done.status, 200) << done.text;
  EXPECT_TRUE(std::filesystem::exists(workspace_artifacts_->DirOf("team-a") / experiment / run /
                                      "artifacts" / "notes.txt"));
  ExpectError(Send({.method = "POST", .target = In("team-a", upload), .token = bob_, .body = "x"}),
              403, "PERMISSION_DENIED");
  ExpectError(
      Send({.method = "POST", .target = In("team-b", upload), .token = carol_, .body = "x"}), 404,
      "RESOURCE_DOES_NOT_EXIST");
}

TEST_F(RouteWrappersTest, TheHeaderNamesTheWorkspaceBeforeThePrefix) {
  const std::string create = std::string(kApi) + "/experiments/create";
  GateReply made = Send({.method = "POST",
                         .target = create,
                         .token = alice_,
                         .body = R"({"name": "via-header"})",
                         .headers = {{"X-Bucketflow-Workspace", "team-a"}}});
  ASSERT_EQ(made.status, 200) << made.text;
  const std::string by_name =
      std::string(kApi) + "/experiments/get-by-name?experiment_name=via-header";
  EXPECT_EQ(Get(In("team-a", by_name), alice_).status, 200);
  ExpectError(Get(In("default", by_name), root_), 404, "RESOURCE_DOES_NOT_EXIST");
  // bob is a member of team-a only: the header wins over the /w/team-b/ prefix.
  GateReply read = Send({.target = In("team-b", by_name),
                         .token = bob_,
                         .headers = {{"X-Bucketflow-Workspace", "team-a"}}});
  EXPECT_EQ(read.status, 200) << read.text;
}

TEST_F(RouteWrappersTest, TheOnlyMembershipIsTheDefaultWorkspace) {
  NewExperiment("team-a", alice_, "mine");
  // No prefix, no header: alice's only workspace.
  GateReply got = Get(std::string(kApi) + "/experiments/get-by-name?experiment_name=mine", alice_);
  EXPECT_EQ(got.status, 200) << got.text;
}

TEST_F(RouteWrappersTest, RepeatedFailuresAre429WithRetryAfter) {
  const std::string target = std::string(kApi) + "/experiments/search?max_results=5";
  GateReply reply;
  for (int attempt = 0; attempt < 50 && reply.status != 429; ++attempt) {
    reply = Send({.target = target,
                  .token = "bft_" + std::string(64, 'a'),
                  .remote_address = "198.51.100.7"});
  }
  ExpectError(reply, 429, "REQUEST_LIMIT_EXCEEDED");
  EXPECT_GT(std::stoll(reply.HeaderValue("Retry-After")), 0);
  // Another address is not slowed down.
  EXPECT_EQ(Send({.target = In("team-a", target), .token = alice_, .remote_address = "192.0.2.99"})
                .status,
            200);
}

// Password failures are limited per (address, user): the Retry-After of a limited user's
// request is that user's, and other users behind the same address are not slowed down.
TEST_F(RouteWrappersTest, PasswordFailuresAre429ForThatUserOnly) {
  Result<std::string> hash =
      auth::HashPassword("right", {.time_cost = 1, .memory_kib = 64, .parallelism = 1});
  ASSERT_TRUE(hash.ok());
  User("dave", false, *hash);
  const std::string target = std::string(kApi) + "/experiments/search?max_results=5";
  const std::string wrong = "Basic ZGF2ZTp3cm9uZy1wYXNzd29yZA==";  // dave:wrong-password
  GateReply reply;
  for (int attempt = 0; attempt < 50 && reply.status != 429; ++attempt) {
    reply = Send({.target = target, .authorization = wrong, .remote_address = "198.51.100.8"});
  }
  ExpectError(reply, 429, "REQUEST_LIMIT_EXCEEDED");
  EXPECT_GT(std::stoll(reply.HeaderValue("Retry-After")), 0);
  EXPECT_EQ(
      Send({.target = In("team-a", target), .token = alice_, .remote_address = "198.51.100.8"})
          .status,
      200);
}

// Caller routes (the admin API) are in no workspace: a handler that used services.store by
// mistake would find and create nothing, whoever calls.
Result<std::string> StoreProbe(const RequestParams& /*params*/, Services& services) {
  EXPECT_EQ(services.scope->grant.workspace.id, 0);
  EXPECT_EQ(services.scope->grant.workspace.name, "");
  Result<store::ExperimentPage> page = services.store.SearchExperiments({});
  EXPECT_TRUE(page.ok() && page->experiments.empty());
  EXPECT_EQ(services.store.GetExperiment("0").status().code(), Code::kNotFound);
  store::NewExperiment stray;
  stray.name = "stray";
  EXPECT_FALSE(services.store.CreateExperiment(stray).ok());
  return std::string("{}");
}

TEST_F(RouteWrappersTest, CallerRoutesGetAStoreOfNoWorkspace) {
  NewExperiment("team-a", alice_, "visible-in-team-a");
  router_.Add("POST", "/store-probe", CallerJsonHandler(StoreProbe, *services_));
  for (const std::string& token : {alice_, carol_, root_}) {
    EXPECT_EQ(Post("/store-probe", token, "{}").status, 200);
  }
  Result<store::ExperimentPage> stray = backend_->SearchExperiments({});
  ASSERT_TRUE(stray.ok());
  for (const model::Experiment& experiment : stray->experiments) {
    EXPECT_NE(experiment.name, "stray");
  }
}

TEST_F(RouteWrappersTest, WithAuthExperimentsUseTheWorkspaceArtifactStore) {
  const std::string create = In("team-a", std::string(kApi) + "/experiments/create");
  GateReply local = Post(create, alice_, R"({"name": "x", "artifact_location": "file:///etc"})");
  ExpectError(local, 400, "INVALID_PARAMETER_VALUE");
  EXPECT_EQ(local.Message(),
            "with --auth, experiments keep their artifacts in the workspace's artifact store; "
            "omit artifact_location");
  ExpectError(Post(create, alice_, R"({"name": "y", "artifact_location": "/srv/data"})"), 400,
              "INVALID_PARAMETER_VALUE");
  // Even a proxied location: "mlflow-artifacts:/z" would put artifacts outside the
  // "<experiment id>/..." paths the gate confines the workspace to.
  ExpectError(Post(create, alice_, R"({"name": "z", "artifact_location": "mlflow-artifacts:/z"})"),
              400, "INVALID_PARAMETER_VALUE");
  EXPECT_EQ(Post(create, alice_, R"({"name": "w"})").status, 200);
}

TEST_F(RouteWrappersTest, WithAuthLocalRunRootsAreNeverOpened) {
  std::filesystem::create_directories(dir_.path() / "disk");
  Result<std::string> experiment =
      backend_->CreateExperiment({.workspace_id = team_a_.id,
                                  .name = "legacy",
                                  .artifact_location = "file://" + (dir_.path() / "disk").string(),
                                  .tags = {}});
  ASSERT_TRUE(experiment.ok()) << experiment.status().ToString();
  const std::string run = NewRun("team-a", alice_, *experiment);
  GateReply listed = Get(In("team-a", kApi) + "/artifacts/list?run_id=" + run, alice_);
  ExpectError(listed, 503, "TEMPORARILY_UNAVAILABLE");
}

TEST_F(RouteWrappersTest, AFailingWorkspaceStoreIs503) {
  store::Workspace broken = Workspace("broken");
  store::User erin = User("erin");
  ASSERT_TRUE(backend_->SetMembership(broken.id, erin.id, store::Role::kEditor).ok());
  const std::string token = TokenFor(erin);
  ExpectError(Get(In("broken", std::string(kArtifacts) + "?path="), token), 503,
              "TEMPORARILY_UNAVAILABLE");
  // Tracking calls of that workspace do not need its bucket.
  EXPECT_EQ(
      Get(In("broken", std::string(kApi) + "/experiments/search?max_results=5"), token).status,
      200);
}

TEST_F(RouteWrappersTest, PresignedUrlsAreAudited) {
  const std::string experiment = NewExperiment("team-a", alice_, "presign");
  const std::string run = NewRun("team-a", alice_, experiment);
  const std::string key = experiment + "/" + run + "/artifacts/a.txt";
  ASSERT_EQ(Send({.method = "PUT",
                  .target = In("team-a", std::string(kArtifacts) + "/" + key),
                  .token = alice_,
                  .body = "bytes"})
                .status,
            200);
  GateReply url = Get(
      "/w/team-a/api/2.0/bucketflow/artifacts/download-url?run_id=" + run + "&path=a.txt", bob_);
  ASSERT_EQ(url.status, 200) << url.text;
  GateReply mpu = Post("/w/team-a/api/2.0/mlflow-artifacts/mpu/create/" + experiment + "/big",
                       alice_, R"({"path": "/tmp/big.bin", "num_parts": 3})");
  ASSERT_EQ(mpu.status, 200) << mpu.text;
  services_->config.redirect_downloads = true;
  EXPECT_EQ(Get(In("team-a", std::string(kArtifacts) + "/" + key), alice_).status, 302);

  Result<store::AuditPage> page = backend_->ListAudit(TeamAAudit(*backend_));
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->entries.size(), 3u);
  const store::AuditEntry& redirect = page->entries[0];  // newest first
  const store::AuditEntry& upload = page->entries[1];
  const store::AuditEntry& read = page->entries[2];
  EXPECT_EQ(read.action, "presign.get");
  EXPECT_EQ(read.actor, "bob");
  EXPECT_EQ(read.target, key);
  EXPECT_EQ(read.detail, R"({"expires_at":)" + std::to_string(clock_.NowMillis() + 300000) + "}");
  EXPECT_EQ(upload.action, "presign.upload");
  EXPECT_EQ(upload.actor, "alice");
  EXPECT_EQ(upload.target, experiment + "/big/big.bin");
  EXPECT_NE(upload.detail.find(R"("parts":3)"), std::string::npos) << upload.detail;
  EXPECT_EQ(redirect.action, "presign.get");
  EXPECT_EQ(redirect.target, key);
  EXPECT_EQ(redirect.detail.find("Signature"), std::string::npos);
}

// A CallerJsonHandler route: {"workspace": name} -> the caller's role there (editor needed).
Result<std::string> RoleProbe(const RequestParams& params, Services& services) {
  ASSIGN_OR_RETURN(std::string workspace, params.RequiredString("workspace"));
  ASSIGN_OR_RETURN(auth::Grant grant, RequireRole(services, workspace, store::Role::kEditor));
  AuditIn(services, grant.workspace.name, "probe.role", services.scope->grant.caller.name);
  return R"({"role": ")" + std::string(store::RoleName(grant.role)) + R"("})";
}

TEST_F(RouteWrappersTest, CallerRoutesAuthenticateAndRequireRoleChecksEachWorkspace) {
  router_.Add("POST", "/probe", CallerJsonHandler(RoleProbe, *services_));
  auto probe = [&](const std::string& token, const std::string& workspace) {
    return Post("/probe", token, R"({"workspace": ")" + workspace + R"("})");
  };
  ExpectError(probe("", "team-a"), 401, "UNAUTHENTICATED");
  GateReply alice = probe(alice_, "team-a");
  EXPECT_EQ(alice.status, 200) << alice.text;
  EXPECT_EQ(alice.text, R"({"role": "editor"})");
  ExpectError(probe(bob_, "team-a"), 403, "PERMISSION_DENIED");
  ExpectError(probe(carol_, "team-a"), 403, "PERMISSION_DENIED");
  ExpectError(probe(carol_, "no-such-team"), 403, "PERMISSION_DENIED");
  EXPECT_EQ(probe(root_, "team-b").text, R"({"role": "admin"})");
  ExpectError(probe(root_, "no-such-team"), 404, "RESOURCE_DOES_NOT_EXIST");

  Result<store::AuditPage> page = backend_->ListAudit(TeamAAudit(*backend_));
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->entries.size(), 1u);
  EXPECT_EQ(page->entries[0].actor, "alice");
  EXPECT_EQ(page->entries[0].action, "probe.role");
}

TEST_F(RouteWrappersTest, RequireRoleOnAHandBuiltScopeUsesItsCaller) {
  Result<store::User> bob = backend_->GetUser("bob");
  ASSERT_TRUE(bob.ok());
  RequestScope scope;
  scope.grant.caller.user_id = bob->id;
  scope.grant.caller.name = "bob";
  scope.grant.workspace = team_a_;
  Services services = *services_;
  services.scope = &scope;
  Result<auth::Grant> reader = RequireRole(services, "team-a", store::Role::kReader);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ(reader->role, store::Role::kReader);
  EXPECT_EQ(RequireRole(services, "team-a", store::Role::kEditor).status().code(),
            Code::kPermissionDenied);
  EXPECT_EQ(RequireRole(services, "team-b", store::Role::kReader).status().code(),
            Code::kPermissionDenied);
}

TEST_F(RouteWrappersTest, WithoutAuthEveryoneIsTheAnonymousAdminButWorkspacesStillSeparate) {
  auth::Access open(*backend_, clock_, auth::AccessConfig{.enabled = false});
  services_->access = &open;
  const std::string id = NewExperiment("team-a", "", "open");
  ExpectError(Get(In("team-b", kApi) + "/experiments/get?experiment_id=" + id, ""), 404,
              "RESOURCE_DOES_NOT_EXIST");
  EXPECT_EQ(Get(In("team-a", kApi) + "/experiments/get?experiment_id=" + id, "").status, 200);
  // Without --auth, run roots on the server's disk are still read (the embedded default).
  std::filesystem::create_directories(dir_.path() / "disk");
  Result<std::string> local =
      backend_->CreateExperiment({.workspace_id = team_a_.id,
                                  .name = "local",
                                  .artifact_location = "file://" + (dir_.path() / "disk").string(),
                                  .tags = {}});
  ASSERT_TRUE(local.ok());
  const std::string run = NewRun("team-a", "", *local);
  EXPECT_EQ(Get(In("team-a", kApi) + "/artifacts/list?run_id=" + run, "").status, 200);
  services_->access = access_.get();
}

}  // namespace
}  // namespace bucketflow::api

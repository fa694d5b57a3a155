// The server's per-workspace artifact stores (app/workspace_artifacts.h) over a real SQLite
// access store: the no-sharing rule's answer, and stack reuse when records alternate. Kept with
// the store tests because it needs their fixtures; it links bf_app, not the store alone.
#include "app/workspace_artifacts.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "artifacts/local/local_repository.h"
#include "store/sqlite_store_test_util.h"

namespace bucketflow::app {
namespace {

using store::Workspace;
using store::WorkspaceBucket;

WorkspaceBucket Bucket(std::string prefix) {
  return WorkspaceBucket{.bucket = "ml",
                         .prefix = std::move(prefix),
                         .region = "us-east-1",
                         .s3_endpoint = "http://127.0.0.1:9",
                         .sts_endpoint = "http://127.0.0.1:9",
                         .addressing = "path",
                         .role_arn = "arn:aws:iam::123456789012:role/bf",
                         .external_id = "ext-123456"};
}

class WorkspaceArtifactsTest : public store::SqliteBackendTest {
 protected:
  Workspace WithBucket(const std::string& name, const std::string& prefix) {
    Workspace workspace = MakeWorkspace(name);
    EXPECT_TRUE(backend_->SetWorkspaceBucket(workspace.id, Bucket(prefix)).ok());
    return *backend_->GetWorkspace(name);
  }
};

// The refusal names neither the other workspace nor its prefix: only the caller's own request.
TEST_F(WorkspaceArtifactsTest, SharedBucketAnswerRevealsNothingOfTheOtherWorkspace) {
  WithBucket("secret-team", "hidden/place");
  const Workspace mine = MakeWorkspace("team-b");
  Status shared = CheckBucketNotShared(*backend_, mine, Bucket("hidden/place/sub"));
  EXPECT_EQ(shared.code(), Code::kAlreadyExists);
  EXPECT_EQ(shared.message(),
            "bucket ml (prefix hidden/place/sub) overlaps the artifact store of another workspace");
  EXPECT_EQ(shared.message().find("secret-team"), std::string::npos);
  EXPECT_EQ(CheckBucketNotShared(*backend_, mine, Bucket("")).code(), Code::kAlreadyExists);
  EXPECT_TRUE(CheckBucketNotShared(*backend_, mine, Bucket("hidden/placed")).ok());
  EXPECT_TRUE(CheckBucketNotShared(*backend_, mine, Bucket("elsewhere")).ok());
  // Its own current bucket is not "another workspace".
  const Workspace owner = *backend_->GetWorkspace("secret-team");
  EXPECT_TRUE(CheckBucketNotShared(*backend_, owner, Bucket("hidden")).ok());
}

// A stale record (the auth cache) alternating with the fresh one reuses the stack built for
// each config instead of rebuilding it on every flip; the pointers handed out stay valid.
TEST_F(WorkspaceArtifactsTest, AlternatingRecordsReuseTheirStacks) {
  artifacts::LocalArtifactRepository default_repository(dir_.path() + "/default");
  auto created = ServerWorkspaceArtifacts::Create({.access_store = backend_.get(),
                                                   .default_repository = &default_repository,
                                                   .local_root = dir_.path() + "/workspaces"},
                                                  clock_);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  ServerWorkspaceArtifacts& artifacts = **created;
  const Workspace stale = MakeWorkspace("team-a");  // no bucket yet
  ASSERT_TRUE(backend_->SetWorkspaceBucket(stale.id, Bucket("a")).ok());
  const Workspace fresh = *backend_->GetWorkspace("team-a");
  ASSERT_TRUE(stale.bucket == std::nullopt && fresh.bucket.has_value());

  auto local = artifacts.Repository(stale);
  auto bucket = artifacts.Repository(fresh);
  ASSERT_TRUE(local.ok()) << local.status().ToString();
  ASSERT_TRUE(bucket.ok()) << bucket.status().ToString();
  EXPECT_NE(*local, *bucket);
  for (int flip = 0; flip < 3; ++flip) {
    EXPECT_EQ(*artifacts.Repository(stale), *local);
    EXPECT_EQ(*artifacts.Repository(fresh), *bucket);
  }
  // A new config gets a new stack; the earlier ones stay.
  Workspace moved = fresh;
  moved.bucket->prefix = "b";
  auto other = artifacts.Repository(moved);
  ASSERT_TRUE(other.ok());
  EXPECT_NE(*other, *bucket);
  EXPECT_EQ(*artifacts.Repository(fresh), *bucket);
  // Keyed by workspace id too: another workspace with the same config has its own stack.
  Workspace twin = fresh;
  twin.id = fresh.id + 100;
  twin.name = "twin";
  EXPECT_NE(*artifacts.Repository(twin), *bucket);
}

}  // namespace
}  // namespace bucketflow::app

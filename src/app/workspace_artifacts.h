#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "api/services.h"
#include "core/clock.h"
#include "core/status.h"
#include "store/access_store.h"

namespace bucketflow::app {

// How the server reaches workspace buckets and where bucket-less workspaces keep artifacts.
struct WorkspaceArtifactsConfig {
  // For CheckBucketNotShared. Borrowed; must outlive the ServerWorkspaceArtifacts.
  store::AccessStore* access_store = nullptr;
  // The default workspace's repository while it has no bucket of its own: the server's
  // --artifacts-destination (local or s3://). Borrowed; may be null when artifacts are not
  // served.
  artifacts::ArtifactRepository* default_repository = nullptr;
  // Other bucket-less workspaces: "<local_root>/<workspace id>/artifacts".
  std::string local_root = "./bucketflow-data/workspaces";
  // AssumeRole session length for workspace roles (seconds).
  int role_session_duration = 3600;
  // At most this many artifact calls of one workspace run at once; more answer kUnavailable
  // at once (the client retries). Keeps a hanging bucket or STS from taking every request
  // thread. 0: half the request threads, at least 1.
  int max_calls_per_workspace = 0;
  // The server's request threads, for max_calls_per_workspace = 0.
  int request_threads = 4;
};

// The api::WorkspaceArtifacts of the server: one S3 stack per workspace bucket (its own
// AssumeRole provider with the workspace's role and External ID and a session name naming the
// workspace, its own S3 client) over one shared HTTP transport and one base credentials chain.
// Repositories are built on first use, one per (workspace, bucket config), and kept until
// destruction: streamed transfers may still use one after its config changed, and a stale
// workspace record (cached for a few seconds) finds its old repository instead of rebuilding.
// Safe for concurrent use.
class ServerWorkspaceArtifacts final : public api::WorkspaceArtifacts {
 public:
  static Result<std::unique_ptr<ServerWorkspaceArtifacts>> Create(WorkspaceArtifactsConfig config,
                                                                  const Clock& clock);
  ~ServerWorkspaceArtifacts() override;

  Result<artifacts::ArtifactRepository*> Repository(const store::Workspace& workspace) override;
  Result<api::CheckedBucket> CheckBucket(const store::Workspace& workspace,
                                         store::WorkspaceBucket bucket) override;

  class Impl;  // workspace_artifacts.cc

 private:
  explicit ServerWorkspaceArtifacts(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// onboarding::VerifyBucket for a workspace's proposed bucket, with Bucketflow's own
// credentials (the AWS chain) and the workspace's role and External ID, every probe included
// (registering a bucket is a one-off admin action, unlike a server start). Shared by
// `bucketflow workspace bucket set` and the REST API.
std::vector<api::BucketCheck> VerifyWorkspaceBucket(const store::Workspace& workspace,
                                                    const store::WorkspaceBucket& bucket,
                                                    const Clock& clock);

// Validates a bucket config as given by an admin (bucket name rules, prefix without leading or
// trailing '/', addressing "auto|path|virtual", role ARN shape, endpoints scheme://host[:port])
// and fills defaults: region us-east-1, addressing auto, external_id the workspace's.
Result<store::WorkspaceBucket> NormalizeWorkspaceBucket(const store::Workspace& workspace,
                                                        store::WorkspaceBucket bucket);

// kAlreadyExists when another workspace already uses this bucket with the same or an
// overlapping prefix ("" overlaps everything; "a" overlaps "a/b" but not "ab"): two workspaces
// on one prefix would see each other's artifacts.
Status CheckBucketNotShared(store::AccessStore& store, const store::Workspace& workspace,
                            const store::WorkspaceBucket& bucket);

}  // namespace bucketflow::app

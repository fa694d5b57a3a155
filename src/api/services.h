#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "artifacts/artifact_repository.h"
#include "auth/access.h"
#include "core/clock.h"
#include "core/status.h"
#include "store/access_store.h"
#include "store/store.h"
#include "store/workspace_scoped_store.h"

namespace bucketflow::api {

struct ApiConfig {
  // Artifact serving through /api/2.0/mlflow-artifacts (mlflow server --serve-artifacts).
  bool serve_artifacts = true;
  // The root that maps onto `artifacts` for proxied access, e.g. "mlflow-artifacts:".
  std::string proxied_artifact_root = "mlflow-artifacts:";
  // Artifact downloads answer 302 to a presigned URL instead of streaming the bytes, where the
  // repository can presign (--artifact-download redirect).
  bool redirect_downloads = false;
  // Lifetime of presigned read URLs (download-url, redirects); the repository shortens it to
  // its credentials' remaining lifetime.
  int64_t presigned_url_ttl_seconds = 300;
  // The built web UI served at "/" (index.html plus assets/); empty: "/" answers a short text
  // page pointing at the REST API.
  std::string web_dir;
};

// Opens the repository for a run artifact root on this machine. `root` is a local directory
// path: file:// URIs are decoded before the call.
using LocalRepositoryOpener =
    std::function<Result<std::unique_ptr<artifacts::ArtifactRepository>>(std::string_view root)>;

// One line of a bucket verification report (onboarding::Check, without depending on it).
struct BucketCheck {
  std::string name;
  std::string outcome;  // "PASS", "WARN" or "FAIL"
  std::string reason;
  std::string fix;  // empty for a pass
};

struct CheckedBucket {
  store::WorkspaceBucket bucket;  // completed: what would be stored
  std::vector<BucketCheck> checks;
  bool ok = false;  // no check failed (warnings allowed)
};

// Each workspace's artifact store: its own bucket through its own role (credentials cached and
// refreshed per workspace), or a local directory. Implemented in app/. Safe for concurrent use.
class WorkspaceArtifacts {
 public:
  virtual ~WorkspaceArtifacts() = default;
  // The repository behind "mlflow-artifacts:" for this workspace, built on first use and kept
  // until the workspace's bucket changes. A repository handed out stays valid until the server
  // stops (a streamed download may outlive the request that opened it). kUnavailable when the
  // workspace's bucket or STS is failing or already busy with too many slow calls: one
  // workspace's trouble never takes the threads the others need.
  virtual Result<artifacts::ArtifactRepository*> Repository(const store::Workspace& workspace) = 0;
  // Validates and completes `bucket` as an admin gave it (defaults, the workspace's External
  // ID), refuses a bucket and prefix another workspace already uses, then runs
  // onboarding::VerifyBucket with the server's credentials as the workspace will use it.
  // Nothing is stored. kInvalidArgument / kAlreadyExists for a bad or shared config (then no
  // check runs); otherwise the report, whose `ok` says whether it may be stored.
  virtual Result<CheckedBucket> CheckBucket(const store::Workspace& workspace,
                                            store::WorkspaceBucket bucket) = 0;
};

// Who is calling and in which workspace: filled per request by the route wrapper.
struct RequestScope {
  auth::Grant grant;
  // The request's peer address. The credentials are not kept: they were checked once, and
  // RequireRole checks roles for grant.caller (auth::Access::Authorize).
  std::string remote_address = {};
  // The workspace-confined store behind Services::store, for the checks that need more than
  // the Store interface (artifact paths start with an experiment id: OwnsExperiment).
  store::WorkspaceScopedStore* workspace_store = nullptr;
};

// Everything a handler may touch. Borrowed references; the app owns the objects.
// The app builds one for the server; the route wrapper copies it per request with `store`
// confined to the caller's workspace, `artifacts` set to that workspace's repository and `scope`
// set.
struct Services {
  store::Store& store;
  // nullptr when artifacts are not served by this server.
  artifacts::ArtifactRepository* artifacts = nullptr;
  // For runs whose artifact_uri is a file:// URI or a plain path; the app chooses the
  // implementation. Empty when this server reads no local run roots.
  LocalRepositoryOpener open_local_repository = nullptr;
  const Clock& clock;
  ApiConfig config;
  // Tenancy and auth; all set by the app. Unit tests of single handlers may leave them null,
  // and the route wrapper then serves the store and artifacts above as they are.
  auth::Access* access = nullptr;
  store::AccessStore* access_store = nullptr;
  WorkspaceArtifacts* workspace_artifacts = nullptr;
  store::OwnershipCache* ownership = nullptr;
  // Per request: null in the server-wide Services.
  const RequestScope* scope = nullptr;
};

}  // namespace bucketflow::api

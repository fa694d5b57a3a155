#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "artifacts/artifact_repository.h"
#include "core/clock.h"
#include "core/status.h"
#include "store/store.h"

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

// Everything a handler may touch. Borrowed references; the app owns the objects.
struct Services {
  store::Store& store;
  // nullptr when artifacts are not served by this server.
  artifacts::ArtifactRepository* artifacts = nullptr;
  // For runs whose artifact_uri is a file:// URI or a plain path; the app chooses the
  // implementation. Empty when this server reads no local run roots.
  LocalRepositoryOpener open_local_repository = nullptr;
  const Clock& clock;
  ApiConfig config;
};

}  // namespace bucketflow::api

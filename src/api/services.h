#pragma once

#include <string>

#include "artifacts/artifact_repository.h"
#include "core/clock.h"
#include "store/store.h"

namespace bucketflow::api {

struct ApiConfig {
  // Artifact serving through /api/2.0/mlflow-artifacts (mlflow server --serve-artifacts).
  bool serve_artifacts = true;
  // The root that maps onto `artifacts` for proxied access, e.g. "mlflow-artifacts:".
  std::string proxied_artifact_root = "mlflow-artifacts:";
};

// Everything a handler may touch. Borrowed references; the app owns the objects.
struct Services {
  store::Store& store;
  // nullptr when artifacts are not served by this server.
  artifacts::ArtifactRepository* artifacts = nullptr;
  const Clock& clock;
  ApiConfig config;
};

}  // namespace bucketflow::api

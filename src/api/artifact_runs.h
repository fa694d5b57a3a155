#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "api/services.h"
#include "artifacts/artifact_repository.h"
#include "core/status.h"
#include "http/message.h"
#include "model/entities.h"

// Helpers shared by the artifact handler files (artifact_handlers.cc, multipart_handlers.cc,
// download_url_handlers.cc): where a run's artifacts live, query parameters, and MLflow's
// answers for disabled serving. Internal to api/.
namespace bucketflow::api {

// Where a run's artifacts live: a repository plus the prefix of the run's root inside it.
struct RunArtifacts {
  artifacts::ArtifactRepository* repository = nullptr;
  std::unique_ptr<artifacts::ArtifactRepository> owned;  // for file:// and plain-path roots
  std::string prefix;
};

// The run named by `run_id` and where its artifacts are.
Result<std::pair<model::RunInfo, RunArtifacts>> LoadRun(std::string_view run_id,
                                                        Services& services);

// The first value of query parameter `name` (MLflow's request.args.get), decoded.
std::optional<std::string> QueryParam(const http::Request& request, std::string_view name);

// The run of a UI artifact request: query parameter `run_id`, else the older `run_uuid`.
Result<std::string> RunIdParam(const http::Request& request);

// MLflow's answer when the proxy endpoints are disabled (--no-serve-artifacts).
http::Response ServingDisabled(std::string_view rule);

// A JSON 200 with `body`.
http::Response JsonOk(std::string body);

// The answer of a Result-returning handler core: its response, or MLflow's error JSON.
http::Response Respond(Result<http::Response> result);

// With --artifact-download redirect and a repository that can presign: a 302 to a presigned
// GET of `path` (or the error, e.g. 404 for a missing file). nullopt when the bytes should be
// streamed by the server instead. `run_id` only names the run in the log line ("" if none).
// Each URL issued is audited (presign.get).
std::optional<http::Response> RedirectDownload(artifacts::ArtifactRepository& repository,
                                               std::string_view path, std::string_view run_id,
                                               Services& services);

// For the proxied artifact routes, whose paths start with an experiment id: with the gate
// active (services.scope set), kNotFound, worded as for a missing artifact, unless that
// experiment belongs to the caller's workspace. `path` is normalised; "" (the root) is refused
// too, except where the caller allows it (listing the workspace's own root). Without a scope
// every path passes.
Status ConfineToWorkspace(std::string_view path, const Services& services);

}  // namespace bucketflow::api

#include "api/artifact_runs.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "api/errors.h"
#include "api/request_params.h"
#include "artifacts/artifact_path.h"
#include "core/strings.h"

namespace bucketflow::api {
namespace {

Result<RunArtifacts> ProxiedRunArtifacts(const model::RunInfo& info, std::string_view rest,
                                         Services& services) {
  if (services.artifacts == nullptr) {
    return Status::Unavailable("Run ", info.run_id, " stores its artifacts at ", info.artifact_uri,
                               ", which this server serves only with --serve-artifacts");
  }
  if (rest.starts_with("//")) {  // mlflow-artifacts://host:port/path: the host is the client's
    size_t slash = rest.find('/', 2);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  }
  while (rest.starts_with('/')) {
    rest.remove_prefix(1);
  }
  Result<std::string> prefix = artifacts::NormalizePath(rest);
  if (!prefix.ok()) {
    return Status::Internal("Run ", info.run_id, " has an invalid artifact_uri");
  }
  RunArtifacts out;
  out.repository = services.artifacts;
  out.prefix = std::move(*prefix);
  return out;
}

// A file:// URI or a plain path: read directly, as MLflow's server does for local roots.
Result<RunArtifacts> LocalRunArtifacts(const model::RunInfo& info, Services& services) {
  std::string_view uri = info.artifact_uri;
  std::string path(uri);
  if (uri.starts_with("file:")) {
    std::string_view rest = uri.substr(5);
    if (rest.starts_with("//localhost/")) {
      rest.remove_prefix(11);
    } else if (rest.starts_with("//")) {
      rest.remove_prefix(2);
    }
    if (!rest.starts_with('/')) {  // file://otherhost/...: not on this machine
      return Status::Unimplemented("Run ", info.run_id, " stores its artifacts at ", uri,
                                   ", which is not a local path");
    }
    path = UrlDecode(rest, /*plus_as_space=*/false).value_or(std::string(rest));
  }
  if (!services.open_local_repository) {
    return Status::Unavailable("Run ", info.run_id, " stores its artifacts at ", uri,
                               ", which this server does not read");
  }
  RunArtifacts out;
  ASSIGN_OR_RETURN(out.owned, services.open_local_repository(path));
  out.repository = out.owned.get();
  return out;
}

Result<RunArtifacts> ResolveRunArtifacts(const model::RunInfo& info, Services& services) {
  std::string_view uri = info.artifact_uri;
  size_t colon = uri.find(':');
  std::string scheme = colon == std::string_view::npos ? "" : ToLower(uri.substr(0, colon));
  if (scheme == "mlflow-artifacts") {
    return ProxiedRunArtifacts(info, uri.substr(colon + 1), services);
  }
  // No scheme, or a one-letter Windows drive: a plain local path.
  if (scheme.empty() || scheme.size() == 1 || scheme == "file" ||
      scheme.find('/') != std::string::npos) {
    return LocalRunArtifacts(info, services);
  }
  return Status::Unimplemented("Run ", info.run_id, " stores its artifacts at a '", scheme,
                               "' URI, which this server cannot read yet");
}

}  // namespace

Result<std::pair<model::RunInfo, RunArtifacts>> LoadRun(std::string_view run_id,
                                                        Services& services) {
  ASSIGN_OR_RETURN(model::Run run, services.store.GetRun(run_id));
  ASSIGN_OR_RETURN(RunArtifacts location, ResolveRunArtifacts(run.info, services));
  return std::make_pair(std::move(run.info), std::move(location));
}

Status ConfineToWorkspace(std::string_view path, const Services& services) {
  if (services.scope == nullptr || services.scope->workspace_store == nullptr) {
    return Status::Ok();
  }
  // The embedded default (no --auth, default workspace) keeps MLflow's freedom to use any
  // proxied location ("mlflow-artifacts:/custom"); tenants are confined to their experiments.
  const bool auth_on = services.access != nullptr && services.access->enabled();
  if (!auth_on && services.scope->grant.workspace.id == store::kDefaultWorkspaceId) {
    return Status::Ok();
  }
  std::string_view experiment_id = path.substr(0, path.find('/'));
  if (!experiment_id.empty() && services.scope->workspace_store->OwnsExperiment(experiment_id)) {
    return Status::Ok();
  }
  return Status::NotFound("Artifact '", path, "' does not exist");
}

http::Response ServingDisabled(std::string_view rule) {
  http::Response response;
  response.status = 503;
  response.content_type = "text/plain; charset=utf-8";
  response.body = "Endpoint: " + std::string(rule) +
                  " disabled due to the mlflow server running with `--no-serve-artifacts`. To "
                  "enable artifacts server functionality, run `mlflow server` with "
                  "`--serve-artifacts`";
  return response;
}

http::Response JsonOk(std::string body) {
  http::Response response;
  response.body = std::move(body);
  return response;
}

std::optional<std::string> QueryParam(const http::Request& request, std::string_view name) {
  for (auto& [key, value] : ParseQuery(request.query)) {
    if (key == name) {
      return std::move(value);
    }
  }
  return std::nullopt;
}

Result<std::string> RunIdParam(const http::Request& request) {
  std::optional<std::string> run_id = QueryParam(request, "run_id");
  if (!run_id.has_value() || run_id->empty()) {
    run_id = QueryParam(request, "run_uuid");
  }
  if (!run_id.has_value() || run_id->empty()) {
    return MissingParam("run_id");
  }
  return std::move(*run_id);
}

http::Response Respond(Result<http::Response> result) {
  return result.ok() ? std::move(result).value() : ErrorResponse(result.status());
}

}  // namespace bucketflow::api

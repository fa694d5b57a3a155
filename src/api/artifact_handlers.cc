// Artifact endpoints, matching MLflow 2.17's server (reference/mlflow-golden/artifacts.json)
// except where MLflow answers a client mistake with a 500 or leaks a server path: there we
// answer a clear 4xx (missing download -> 404, directory download -> 400, /get-artifact
// without `path` -> 400 JSON).
#include "api/artifact_handlers.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/artifact_streams.h"
#include "api/errors.h"
#include "api/json_writer.h"
#include "api/request_params.h"
#include "artifacts/artifact_path.h"
#include "core/strings.h"

namespace bucketflow::api {
namespace {

using artifacts::ArtifactRepository;
using artifacts::FileInfo;

// The UI upload endpoint's limit, as MLflow's upload_artifact_handler.
constexpr uint64_t kMaxUiUploadBytes = 10ull * 1024 * 1024;

constexpr std::string_view kArtifactsRule = "/api/2.0/mlflow-artifacts/artifacts";
constexpr std::string_view kArtifactPathRule =
    "/api/2.0/mlflow-artifacts/artifacts/<path:artifact_path>";

// MLflow's answer when the proxy endpoints are disabled (--no-serve-artifacts).
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

// {"files": [...]} (or {"root_uri": ..., "files": [...]}); empty lists are omitted, and so is
// file_size for directories and empty files. Each path is `dir_prefix`/basename.
std::string FilesJson(const std::vector<FileInfo>& files, std::string_view dir_prefix,
                      const std::string* root_uri) {
  JsonWriter writer;
  writer.BeginObject();
  if (root_uri != nullptr) {
    writer.StringField("root_uri", *root_uri);
  }
  if (!files.empty()) {
    writer.Key("files");
    writer.BeginArray();
    for (const FileInfo& file : files) {
      writer.BeginObject();
      writer.StringField("path", artifacts::JoinPath(dir_prefix, artifacts::BaseName(file.path)));
      writer.Key("is_dir");
      writer.Bool(file.is_dir);
      if (file.file_size.has_value()) {
        writer.IntField("file_size", *file.file_size);
      }
      writer.EndObject();
    }
    writer.EndArray();
  }
  writer.EndObject();
  return writer.Take();
}

// The first value of query parameter `name` (MLflow's request.args.get), decoded.
std::optional<std::string> QueryParam(const http::Request& request, std::string_view name) {
  for (auto& [key, value] : ParseQuery(request.query)) {
    if (key == name) {
      return std::move(value);
    }
  }
  return std::nullopt;
}

// Where a run's artifacts live: a repository plus the prefix of the run's root inside it.
struct RunArtifacts {
  ArtifactRepository* repository = nullptr;
  std::unique_ptr<ArtifactRepository> owned;  // for file:// and plain-path roots
  std::string prefix;
};

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

// The run named by `run_id` and where its artifacts are.
Result<std::pair<model::RunInfo, RunArtifacts>> LoadRun(std::string_view run_id,
                                                        Services& services) {
  ASSIGN_OR_RETURN(model::Run run, services.store.GetRun(run_id));
  ASSIGN_OR_RETURN(RunArtifacts location, ResolveRunArtifacts(run.info, services));
  return std::make_pair(std::move(run.info), std::move(location));
}

// Multipart uploads need presigned part URLs, which no repository behind this interface
// offers yet; MLflow answers a local destination the same way.
http::Response MultipartUpload(http::Request& request, Services& services, std::string_view op) {
  if (services.artifacts == nullptr) {
    return ServingDisabled("/api/2.0/mlflow-artifacts/mpu/" + std::string(op) +
                           "/<path:artifact_path>");
  }
  Result<std::string> path = artifacts::NormalizeUrlPath(request.path_suffix);
  if (!path.ok()) {
    return ErrorResponse(path.status());
  }
  Result<RequestParams> params = ParseRequest(request, {});
  if (!params.ok()) {
    return ErrorResponse(params.status());
  }
  Result<std::string> body_path = params->RequiredString("path");
  if (!body_path.ok()) {
    return ErrorResponse(body_path.status());
  }
  return ErrorResponse(
      Status::Unimplemented("Multipart upload is not supported for the current artifact "
                            "repository"));
}

// Handlers below are written as Result-returning cores (early returns through the macros) and
// answered through Respond(), the one place their errors become MLflow error JSON.
http::Response Respond(Result<http::Response> result) {
  return result.ok() ? std::move(result).value() : ErrorResponse(result.status());
}

Result<http::Response> ListRunArtifactsOrError(http::Request& request, Services& services) {
  ASSIGN_OR_RETURN(RequestParams params, ParseRequest(request, {}));
  ASSIGN_OR_RETURN(std::string run_id, params.RequiredString("run_id"));
  ASSIGN_OR_RETURN(std::optional<std::string> raw_path, params.OptionalString("path"));
  ASSIGN_OR_RETURN(std::string path, artifacts::NormalizePath(raw_path.value_or("")));
  ASSIGN_OR_RETURN(auto run, LoadRun(run_id, services));
  RunArtifacts& location = run.second;
  ASSIGN_OR_RETURN(std::vector<FileInfo> files,
                   location.repository->List(artifacts::JoinPath(location.prefix, path)));
  return JsonOk(FilesJson(files, path, &run.first.artifact_uri));
}

Result<http::Response> GetRunArtifactOrError(http::Request& request, Services& services) {
  std::optional<std::string> raw_path = QueryParam(request, "path");
  if (!raw_path.has_value()) {
    return MissingParam("path");
  }
  ASSIGN_OR_RETURN(std::string path, artifacts::NormalizePath(*raw_path));
  std::optional<std::string> run_id = QueryParam(request, "run_id");
  if (!run_id.has_value() || run_id->empty()) {
    run_id = QueryParam(request, "run_uuid");
  }
  if (!run_id.has_value() || run_id->empty()) {
    return MissingParam("run_id");
  }
  ASSIGN_OR_RETURN(auto run, LoadRun(*run_id, services));
  RunArtifacts& location = run.second;
  return DownloadAttachment(*location.repository, artifacts::JoinPath(location.prefix, path),
                            std::move(location.owned));
}

Result<http::Response> ListProxiedArtifactsOrError(http::Request& request,
                                                   ArtifactRepository& repository) {
  ASSIGN_OR_RETURN(RequestParams params, ParseRequest(request, {}));
  ASSIGN_OR_RETURN(std::optional<std::string> raw_path, params.OptionalString("path"));
  ASSIGN_OR_RETURN(std::string path, artifacts::NormalizePath(raw_path.value_or("")));
  ASSIGN_OR_RETURN(std::vector<FileInfo> files, repository.List(path));
  return JsonOk(FilesJson(files, "", nullptr));
}

Result<http::Response> DeleteProxiedArtifactOrError(http::Request& request,
                                                    ArtifactRepository& repository) {
  ASSIGN_OR_RETURN(std::string path, artifacts::NormalizeUrlPath(request.path_suffix));
  if (path.empty()) {
    return Status::InvalidArgument("Invalid path");
  }
  RETURN_IF_ERROR(repository.Delete(path));
  return JsonOk("{}");
}

}  // namespace

http::Response ListRunArtifacts(http::Request& request, Services& services) {
  return Respond(ListRunArtifactsOrError(request, services));
}

http::Response GetRunArtifact(http::Request& request, Services& services) {
  return Respond(GetRunArtifactOrError(request, services));
}

http::Response ListProxiedArtifacts(http::Request& request, Services& services) {
  if (services.artifacts == nullptr) {
    return ServingDisabled(kArtifactsRule);
  }
  return Respond(ListProxiedArtifactsOrError(request, *services.artifacts));
}

http::Response DownloadProxiedArtifact(http::Request& request, Services& services) {
  if (services.artifacts == nullptr) {
    return ServingDisabled(kArtifactPathRule);
  }
  Result<std::string> path = artifacts::NormalizeUrlPath(request.path_suffix);
  if (!path.ok()) {
    return ErrorResponse(path.status());
  }
  return DownloadAttachment(*services.artifacts, *path, nullptr);
}

http::StreamStart UploadProxiedArtifact(http::Request& request, Services& services) {
  if (services.artifacts == nullptr) {
    return ServingDisabled(kArtifactPathRule);
  }
  Result<std::string> path = artifacts::NormalizeUrlPath(request.path_suffix);
  if (!path.ok()) {
    return ErrorResponse(path.status());
  }
  if (path->empty()) {
    return ErrorResponse(Status::InvalidArgument("Invalid path"));
  }
  return StartUpload(
      *services.artifacts, *path, nullptr,
      UploadLimits{.max_bytes = std::nullopt, .require_data = false, .success_body = "{}"});
}

http::Response DeleteProxiedArtifact(http::Request& request, Services& services) {
  if (services.artifacts == nullptr) {
    return ServingDisabled(kArtifactPathRule);
  }
  return Respond(DeleteProxiedArtifactOrError(request, *services.artifacts));
}

http::Response CreateMultipartUpload(http::Request& request, Services& services) {
  return MultipartUpload(request, services, "create");
}

http::Response CompleteMultipartUpload(http::Request& request, Services& services) {
  return MultipartUpload(request, services, "complete");
}

http::Response AbortMultipartUpload(http::Request& request, Services& services) {
  return MultipartUpload(request, services, "abort");
}

http::StreamStart UploadRunArtifact(http::Request& request, Services& services) {
  std::optional<std::string> run_id = QueryParam(request, "run_uuid");
  if (!run_id.has_value() || run_id->empty()) {
    return ErrorResponse(Status::InvalidArgument("Request must specify run_uuid."));
  }
  std::optional<std::string> raw_path = QueryParam(request, "path");
  if (!raw_path.has_value() || raw_path->empty()) {
    return ErrorResponse(Status::InvalidArgument("Request must specify path."));
  }
  Result<std::string> path = artifacts::NormalizePath(*raw_path);
  if (!path.ok() || path->empty()) {
    return ErrorResponse(Status::InvalidArgument("Invalid path"));
  }
  if (Status size = CheckDeclaredBodySize(request, kMaxUiUploadBytes); !size.ok()) {
    return ErrorResponse(size);
  }
  auto run = LoadRun(*run_id, services);
  if (!run.ok()) {
    return ErrorResponse(run.status());
  }
  RunArtifacts& location = run->second;
  return StartUpload(
      *location.repository, artifacts::JoinPath(location.prefix, *path), std::move(location.owned),
      UploadLimits{.max_bytes = kMaxUiUploadBytes, .require_data = true, .success_body = ""});
}

}  // namespace bucketflow::api

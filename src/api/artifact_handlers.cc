// Artifact endpoints, matching MLflow 2.17's server (reference/mlflow-golden/artifacts.json)
// except where MLflow answers a client mistake with a 500 or leaks a server path: there we
// answer a clear 4xx (missing download -> 404, directory download -> 400, /get-artifact
// without `path` -> 400 JSON). With --artifact-download redirect, downloads from a store that
// can presign answer 302 to the bucket instead of streaming. The multipart (mpu/*) handlers
// are in multipart_handlers.cc.
#include "api/artifact_handlers.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/artifact_runs.h"
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

// Handlers below are written as Result-returning cores (early returns through the macros) and
// answered through Respond(), the one place their errors become MLflow error JSON.
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
  ASSIGN_OR_RETURN(const std::string run_id, RunIdParam(request));
  ASSIGN_OR_RETURN(auto run, LoadRun(run_id, services));
  RunArtifacts& location = run.second;
  const std::string full_path = artifacts::JoinPath(location.prefix, path);
  if (std::optional<http::Response> redirect =
          RedirectDownload(*location.repository, full_path, run_id, services)) {
    return std::move(*redirect);
  }
  return DownloadAttachment(*location.repository, full_path, std::move(location.owned));
}

Result<http::Response> ListProxiedArtifactsOrError(http::Request& request,
                                                   const Services& services) {
  ASSIGN_OR_RETURN(RequestParams params, ParseRequest(request, {}));
  ASSIGN_OR_RETURN(std::optional<std::string> raw_path, params.OptionalString("path"));
  ASSIGN_OR_RETURN(std::string path, artifacts::NormalizePath(raw_path.value_or("")));
  if (!path.empty()) {  // the root is the workspace's own repository
    RETURN_IF_ERROR(ConfineToWorkspace(path, services));
  }
  ASSIGN_OR_RETURN(std::vector<FileInfo> files, services.artifacts->List(path));
  return JsonOk(FilesJson(files, "", nullptr));
}

Result<http::Response> DeleteProxiedArtifactOrError(http::Request& request,
                                                    const Services& services) {
  ASSIGN_OR_RETURN(std::string path, artifacts::NormalizeUrlPath(request.path_suffix));
  if (path.empty()) {
    return Status::InvalidArgument("Invalid path");
  }
  RETURN_IF_ERROR(ConfineToWorkspace(path, services));
  RETURN_IF_ERROR(services.artifacts->Delete(path));
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
  return Respond(ListProxiedArtifactsOrError(request, services));
}

http::Response DownloadProxiedArtifact(http::Request& request, Services& services) {
  if (services.artifacts == nullptr) {
    return ServingDisabled(kArtifactPathRule);
  }
  Result<std::string> path = artifacts::NormalizeUrlPath(request.path_suffix);
  if (!path.ok()) {
    return ErrorResponse(path.status());
  }
  if (Status confined = ConfineToWorkspace(*path, services); !confined.ok()) {
    return ErrorResponse(confined);
  }
  if (std::optional<http::Response> redirect =
          RedirectDownload(*services.artifacts, *path, "", services)) {
    return std::move(*redirect);
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
  if (Status confined = ConfineToWorkspace(*path, services); !confined.ok()) {
    return ErrorResponse(confined);
  }
  return StartUpload(
      *services.artifacts, *path, nullptr,
      UploadLimits{.max_bytes = std::nullopt, .require_data = false, .success_body = "{}"});
}

http::Response DeleteProxiedArtifact(http::Request& request, Services& services) {
  if (services.artifacts == nullptr) {
    return ServingDisabled(kArtifactPathRule);
  }
  return Respond(DeleteProxiedArtifactOrError(request, services));
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

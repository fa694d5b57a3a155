// Presigned reads: the UI's download-url endpoint and the 302 redirects of
// --artifact-download redirect. The browser then fetches straight from the bucket (which is why
// DESIGN.md's bucket carries a CORS rule); URLs never outlive the credentials they were signed
// with, and every one issued is logged without its signature.
#include <spdlog/spdlog.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "api/artifact_handlers.h"
#include "api/artifact_runs.h"
#include "api/errors.h"
#include "api/json_writer.h"
#include "api/request_params.h"
#include "api/route_wrappers.h"
#include "artifacts/artifact_path.h"
#include "core/strings.h"

namespace bucketflow::api {
namespace {

using artifacts::ArtifactRepository;
using artifacts::PresignedUrl;

// Logged with the run and the path the client named, audited with the object's key (the
// repository path); never the signature.
void RecordIssued(std::string_view run_id, std::string_view path, std::string_view key,
                  const PresignedUrl& presigned, Services& services) {
  spdlog::info("presigned GET issued: run '{}' path '{}' expires_at_ms {}", run_id, path,
               presigned.expires_at_ms);
  JsonWriter detail;
  detail.BeginObject();
  detail.IntField("expires_at", presigned.expires_at_ms);
  detail.EndObject();
  Audit(services, "presign.get", std::string(key), detail.Take());
}

// A URL of this server that streams the file: the UI's /get-artifact, relative so that it
// works behind any host name or proxy, and in the request's workspace (the default workspace's
// URL stays unprefixed, as before workspaces).
std::string ServerUrl(std::string_view run_id, std::string_view path, const Services& services) {
  std::string scope;
  if (services.scope != nullptr &&
      services.scope->grant.workspace.id != store::kDefaultWorkspaceId) {
    scope = "/w/" + UrlEncode(services.scope->grant.workspace.name, /*keep_slash=*/false);
  }
  return scope + "/get-artifact?path=" + UrlEncode(path, /*keep_slash=*/false) +
         "&run_uuid=" + UrlEncode(run_id, /*keep_slash=*/false);
}

Result<http::Response> DownloadUrlOrError(http::Request& request, Services& services) {
  std::optional<std::string> raw_path = QueryParam(request, "path");
  if (!raw_path.has_value()) {
    return MissingParam("path");
  }
  ASSIGN_OR_RETURN(std::string path, artifacts::NormalizePath(*raw_path));
  if (path.empty()) {
    return Status::InvalidArgument("Artifact '", *raw_path, "' is a directory");
  }
  ASSIGN_OR_RETURN(const std::string run_id, RunIdParam(request));
  ASSIGN_OR_RETURN(auto run, LoadRun(run_id, services));
  RunArtifacts& location = run.second;
  const std::string full_path = artifacts::JoinPath(location.prefix, path);
  Result<PresignedUrl> presigned =
      location.repository->PresignRead(full_path, services.config.presigned_url_ttl_seconds);
  JsonWriter writer;
  writer.BeginObject();
  if (presigned.ok()) {
    RecordIssued(run_id, path, full_path, *presigned, services);
    writer.StringField("url", presigned->url);
    writer.StringField("source", "bucket");
    writer.IntField("expires_at", presigned->expires_at_ms);
  } else if (presigned.status().code() == Code::kUnimplemented) {
    // A store that cannot presign (the local directory): the server streams the file. Open
    // it first so that a missing file or a directory is the same error as from a bucket.
    ASSIGN_OR_RETURN(std::unique_ptr<artifacts::ArtifactReader> reader,
                     location.repository->OpenRead(full_path));
    writer.StringField("url", ServerUrl(run_id, path, services));
    writer.StringField("source", "server");
  } else {
    return presigned.status();
  }
  writer.EndObject();
  return JsonOk(writer.Take());
}

}  // namespace

std::optional<http::Response> RedirectDownload(ArtifactRepository& repository,
                                               std::string_view path, std::string_view run_id,
                                               Services& services) {
  if (!services.config.redirect_downloads) {
    return std::nullopt;
  }
  Result<PresignedUrl> presigned =
      repository.PresignRead(path, services.config.presigned_url_ttl_seconds);
  if (!presigned.ok()) {
    if (presigned.status().code() == Code::kUnimplemented) {
      return std::nullopt;
    }
    return ErrorResponse(presigned.status());
  }
  RecordIssued(run_id, path, path, *presigned, services);
  http::Response response;
  response.status = 302;
  response.content_type = "text/plain; charset=utf-8";
  response.headers.emplace_back("Location", presigned->url);
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

http::Response GetArtifactDownloadUrl(http::Request& request, Services& services) {
  return Respond(DownloadUrlOrError(request, services));
}

}  // namespace bucketflow::api

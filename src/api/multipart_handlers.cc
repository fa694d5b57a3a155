// POST /mlflow-artifacts/mpu/{create,complete,abort}/<artifact_path>: MLflow's "proxy multipart
// upload" (MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD). The object is <artifact_path>/<basename of the
// body's `path`> (the client sends its local file name); create hands out presigned part URLs
// and the client PUTs the parts straight to the bucket. Stores without multipart answer MLflow's
// 501 NOT_IMPLEMENTED, on which the client falls back to a single PUT.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/artifact_handlers.h"
#include "api/artifact_runs.h"
#include "api/errors.h"
#include "api/json_writer.h"
#include "api/request_params.h"
#include "api/route_wrappers.h"
#include "artifacts/artifact_path.h"

namespace bucketflow::api {
namespace {

// Part URLs live as long as boto3's generate_presigned_url default, which MLflow's server uses
// (shortened by the repository to its credentials' lifetime).
constexpr int64_t kPartUrlTtlSeconds = 3600;

// One mpu request: the object it is about and its parsed body.
struct MultipartTarget {
  std::string path;  // the object's repository path
  RequestParams params;
};

// The object's path: the URL's artifact path joined with the basename of the body's `path`
// (a client-local file name, '/' or '\' separated).
Result<std::string> ObjectPath(std::string_view url_path, std::string_view local_file) {
  const size_t sep = local_file.find_last_of("/\\");
  std::string_view base = sep == std::string_view::npos ? local_file : local_file.substr(sep + 1);
  if (base.empty() || base == "." || base == "..") {
    return Status::InvalidArgument("Invalid path");
  }
  ASSIGN_OR_RETURN(std::string base_path, artifacts::NormalizePath(base));
  if (base_path.empty() || base_path.find('/') != std::string::npos) {
    return Status::InvalidArgument("Invalid path");
  }
  return artifacts::JoinPath(url_path, base_path);
}

// MLflow's order: the URL path, the body's schema, then whether the store supports multipart.
// The URL path must be inside an experiment of the caller's workspace.
Result<MultipartTarget> ParseTarget(http::Request& request, const Services& services) {
  ASSIGN_OR_RETURN(std::string url_path, artifacts::NormalizeUrlPath(request.path_suffix));
  RETURN_IF_ERROR(ConfineToWorkspace(url_path, services));
  ASSIGN_OR_RETURN(RequestParams params, ParseRequest(request, {}));
  ASSIGN_OR_RETURN(std::string local_file, params.RequiredString("path"));
  if (!services.artifacts->SupportsMultipart()) {
    return Status::Unimplemented(
        "Multipart upload is not supported for the current artifact repository");
  }
  ASSIGN_OR_RETURN(std::string path, ObjectPath(url_path, local_file));
  return MultipartTarget{.path = std::move(path), .params = std::move(params)};
}

Result<std::string> UploadId(const RequestParams& params) {
  ASSIGN_OR_RETURN(std::optional<std::string> upload_id, params.OptionalString("upload_id"));
  if (!upload_id.has_value() || upload_id->empty()) {
    return MissingParam("upload_id");
  }
  return std::move(*upload_id);
}

// parts: [{"part_number": N, "etag": "..."}, ...] (a "url" per part, which the stock client
// also sends, is ignored). Order and range are checked by the repository.
Result<std::vector<artifacts::UploadedPart>> Parts(const RequestParams& params) {
  if (!params.Has("parts")) {
    return MissingParam("parts");
  }
  ASSIGN_OR_RETURN(const boost::json::array* list, params.ObjectList("parts"));
  std::vector<artifacts::UploadedPart> parts;
  parts.reserve(list->size());
  for (size_t i = 0; i < list->size(); ++i) {
    const RequestParams part =
        NestedParams((*list)[i].get_object(), "parts[" + std::to_string(i) + "]");
    ASSIGN_OR_RETURN(std::optional<int64_t> number, part.OptionalInt64("part_number"));
    if (!number.has_value()) {
      return MissingParam("parts[" + std::to_string(i) + "].part_number");
    }
    if (*number < 1 || *number > artifacts::kMaxMultipartParts) {
      return Status::InvalidArgument("parts[", i, "].part_number must be between 1 and ",
                                     artifacts::kMaxMultipartParts, ", got ", *number);
    }
    ASSIGN_OR_RETURN(std::string etag, part.RequiredString("etag"));
    parts.push_back({.part_number = static_cast<int>(*number), .etag = std::move(etag)});
  }
  return parts;
}

// {"upload_id": ..., "credentials": [{"url", "part_number", "headers": {}}, ...]}
std::string CreateResponseJson(const artifacts::MultipartUpload& upload) {
  JsonWriter writer;
  if (!upload.parts.empty()) {
    writer.Reserve(64 + upload.parts.size() * (64 + upload.parts.front().url.size()));
  }
  writer.BeginObject();
  writer.StringField("upload_id", upload.upload_id);
  writer.Key("credentials");
  writer.BeginArray();
  for (const artifacts::MultipartPartUrl& part : upload.parts) {
    writer.BeginObject();
    writer.StringField("url", part.url);
    writer.IntField("part_number", part.part_number);
    writer.Key("headers");
    writer.BeginObject();
    writer.EndObject();
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
  return writer.Take();
}

// The audit entry of a create: how many part URLs were handed out and when they stop
// working at the latest (the repository may shorten it to its credentials' lifetime).
std::string UploadAuditDetail(int64_t num_parts, int64_t expires_at_ms) {
  JsonWriter writer;
  writer.BeginObject();
  writer.IntField("parts", num_parts);
  writer.IntField("expires_at", expires_at_ms);
  writer.EndObject();
  return writer.Take();
}

Result<http::Response> CreateOrError(http::Request& request, Services& services) {
  ASSIGN_OR_RETURN(MultipartTarget target, ParseTarget(request, services));
  ASSIGN_OR_RETURN(std::optional<int64_t> num_parts, target.params.OptionalInt64("num_parts"));
  if (!num_parts.has_value()) {
    return MissingParam("num_parts");
  }
  if (*num_parts < 1 || *num_parts > artifacts::kMaxMultipartParts) {
    return Status::InvalidArgument("num_parts must be between 1 and ",
                                   artifacts::kMaxMultipartParts, ", got ", *num_parts);
  }
  ASSIGN_OR_RETURN(artifacts::MultipartUpload upload,
                   services.artifacts->CreateMultipartUpload(
                       target.path, static_cast<int>(*num_parts), kPartUrlTtlSeconds));
  const int64_t expires_at_ms = services.clock.NowMillis() + kPartUrlTtlSeconds * 1000;
  Audit(services, "presign.upload", target.path, UploadAuditDetail(*num_parts, expires_at_ms));
  return JsonOk(CreateResponseJson(upload));
}

Result<http::Response> CompleteOrError(http::Request& request, Services& services) {
  ASSIGN_OR_RETURN(MultipartTarget target, ParseTarget(request, services));
  ASSIGN_OR_RETURN(std::string upload_id, UploadId(target.params));
  ASSIGN_OR_RETURN(std::vector<artifacts::UploadedPart> parts, Parts(target.params));
  RETURN_IF_ERROR(services.artifacts->CompleteMultipartUpload(target.path, upload_id, parts));
  return JsonOk("{}");
}

Result<http::Response> AbortOrError(http::Request& request, Services& services) {
  ASSIGN_OR_RETURN(MultipartTarget target, ParseTarget(request, services));
  ASSIGN_OR_RETURN(std::string upload_id, UploadId(target.params));
  RETURN_IF_ERROR(services.artifacts->AbortMultipartUpload(target.path, upload_id));
  return JsonOk("{}");
}

// REQUIRES (of each core): services.artifacts != nullptr
using Core = Result<http::Response> (*)(http::Request&, Services&);

http::Response Multipart(http::Request& request, Services& services, std::string_view op,
                         Core core) {
  if (services.artifacts == nullptr) {
    return ServingDisabled("/api/2.0/mlflow-artifacts/mpu/" + std::string(op) +
                           "/<path:artifact_path>");
  }
  return Respond(core(request, services));
}

}  // namespace

http::Response CreateMultipartUpload(http::Request& request, Services& services) {
  return Multipart(request, services, "create", CreateOrError);
}

http::Response CompleteMultipartUpload(http::Request& request, Services& services) {
  return Multipart(request, services, "complete", CompleteOrError);
}

http::Response AbortMultipartUpload(http::Request& request, Services& services) {
  return Multipart(request, services, "abort", AbortOrError);
}

}  // namespace bucketflow::api

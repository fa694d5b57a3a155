// Presigned access to an S3 artifact store: a read URL for the UI, and the multipart uploads
// whose parts the MLflow client PUTs straight to the bucket (mlflow-artifacts mpu/*).
#include <utility>

#include "artifacts/artifact_path.h"
#include "artifacts/content_type.h"
#include "artifacts/s3/s3_repository.h"

namespace bucketflow::artifacts {
namespace {

Status CheckUploadTarget(std::string_view path, std::string_view upload_id) {
  if (path.empty()) {
    return Status::InvalidArgument("Invalid path");
  }
  if (upload_id.empty()) {
    return Status::InvalidArgument("Missing value for required parameter 'upload_id'");
  }
  return Status::Ok();
}

Status CheckParts(const std::vector<UploadedPart>& parts) {
  if (parts.empty()) {
    return Status::InvalidArgument("Multipart upload needs at least one part");
  }
  int previous = 0;
  for (const UploadedPart& part : parts) {
    if (part.part_number < 1 || part.part_number > kMaxMultipartParts) {
      return Status::InvalidArgument("Part number must be between 1 and ", kMaxMultipartParts,
                                     ", got ", part.part_number);
    }
    if (part.part_number <= previous) {
      return Status::InvalidArgument("Parts must be listed in ascending part_number order (",
                                     part.part_number, " follows ", previous, ")");
    }
    if (part.etag.empty()) {
      return Status::InvalidArgument("Part ", part.part_number, " has no etag");
    }
    previous = part.part_number;
  }
  return Status::Ok();
}

// The S3 error with the operation and artifact named, its kind kept.
Status Explain(const Status& status, std::string_view what, std::string_view path) {
  return Status(status.code(),
                std::string(what) + " of '" + std::string(path) + "' failed: " + status.message());
}

}  // namespace

Result<PresignedUrl> S3ArtifactRepository::PresignRead(std::string_view path, int64_t ttl_seconds) {
  const std::string key = KeyFor(path);
  RETURN_IF_ERROR(HeadFile(path, key).status());
  // Always an attachment, as the proxied download is (MLflow's XSS defence): opened from the
  // URL, an .html or .svg artifact must not render on the bucket's origin. Previews that
  // fetch() the bytes or show them in <img> are unaffected.
  ASSIGN_OR_RETURN(s3::PresignedUrl presigned,
                   client_.PresignGetObjectWithExpiry(
                       {.bucket = bucket_,
                        .key = key,
                        .expires_seconds = ttl_seconds,
                        .response_content_disposition = AttachmentDisposition(BaseName(path))}));
  return PresignedUrl{.url = std::move(presigned.url), .expires_at_ms = presigned.expires_at_ms};
}

Result<MultipartUpload> S3ArtifactRepository::CreateMultipartUpload(std::string_view path,
                                                                    int num_parts,
                                                                    int64_t ttl_seconds) {
  if (path.empty()) {
    return Status::InvalidArgument("Invalid path");
  }
  if (num_parts < 1 || num_parts > kMaxMultipartParts) {
    return Status::InvalidArgument("num_parts must be between 1 and ", kMaxMultipartParts, ", got ",
                                   num_parts);
  }
  const std::string key = KeyFor(path);
  Result<std::string> upload_id =
      client_.CreateMultipartUpload(bucket_, key, ContentTypeFor(BaseName(path)));
  if (!upload_id.ok()) {
    return Explain(upload_id.status(), "Creating a multipart upload", path);
  }
  MultipartUpload out{.upload_id = *upload_id, .parts = {}};
  out.parts.reserve(static_cast<size_t>(num_parts));
  for (int part = 1; part <= num_parts; ++part) {
    Result<s3::PresignedUrl> url = client_.PresignUploadPartWithExpiry(
        {.bucket = bucket_, .key = key, .expires_seconds = ttl_seconds}, *upload_id, part);
    if (!url.ok()) {
      // Best effort: without s3:AbortMultipartUpload a lifecycle rule reclaims it.
      (void)client_.AbortMultipartUpload(bucket_, key, *upload_id);
      return url.status();
    }
    out.parts.push_back({.part_number = part, .url = std::move(url->url)});
  }
  return out;
}

Status S3ArtifactRepository::CompleteMultipartUpload(std::string_view path,
                                                     std::string_view upload_id,
                                                     const std::vector<UploadedPart>& parts) {
  RETURN_IF_ERROR(CheckUploadTarget(path, upload_id));
  RETURN_IF_ERROR(CheckParts(parts));
  std::vector<s3::CompletedPart> completed;
  completed.reserve(parts.size());
  for (const UploadedPart& part : parts) {
    completed.push_back({.part_number = part.part_number, .etag = part.etag});
  }
  Result<s3::CompleteMultipartUploadResult> result =
      client_.CompleteMultipartUpload(bucket_, KeyFor(path), upload_id, completed);
  if (result.ok()) {
    return Status::Ok();
  }
  // radosgw answers an unknown (or already aborted) upload id with InternalError "This
  // multipart completion is already in progress" instead of NoSuchUpload; retries do not
  // change it, so it is the client's mistake, not the bucket's.
  if (result.status().code() == Code::kUnavailable &&
      result.status().message().find("multipart completion is already in progress") !=
          std::string::npos) {
    return Status::NotFound("Multipart upload '", upload_id, "' of '", path,
                            "' does not exist (unknown id, or already completed or aborted)");
  }
  return Explain(result.status(), "Completing the multipart upload", path);
}

Status S3ArtifactRepository::AbortMultipartUpload(std::string_view path,
                                                  std::string_view upload_id) {
  RETURN_IF_ERROR(CheckUploadTarget(path, upload_id));
  Status aborted = client_.AbortMultipartUpload(bucket_, KeyFor(path), upload_id);
  if (aborted.code() == Code::kPermissionDenied) {
    return Status::PermissionDenied(
        "Aborting the multipart upload of '", path, "' was denied: the role's policy lacks ",
        "s3:AbortMultipartUpload on arn:aws:s3:::", bucket_, "/*. The uploaded parts stay ",
        "invisible; add that permission, or a lifecycle rule with ",
        "AbortIncompleteMultipartUpload, to reclaim them (", aborted.message(), ")");
  }
  if (!aborted.ok()) {
    return Explain(aborted, "Aborting the multipart upload", path);
  }
  return Status::Ok();
}

}  // namespace bucketflow::artifacts

#include <utility>

#include "s3/s3_client.h"

// Multipart uploads and presigned URLs.
namespace bucketflow::s3 {
namespace {

constexpr int kMaxPartNumber = 10000;

Status ValidateUpload(std::string_view key, std::string_view upload_id) {
  RETURN_IF_ERROR(ValidateKey(key));
  if (upload_id.empty()) {
    return Status::InvalidArgument("S3 multipart call needs an upload id");
  }
  return Status::Ok();
}

Status ValidatePartNumber(int part_number) {
  if (part_number < 1 || part_number > kMaxPartNumber) {
    return Status::InvalidArgument("S3 part number must be 1..10000, got ", part_number);
  }
  return Status::Ok();
}

Status ValidateParts(const std::vector<CompletedPart>& parts) {
  if (parts.empty()) {
    return Status::InvalidArgument("CompleteMultipartUpload needs at least one part");
  }
  int previous = 0;
  for (const CompletedPart& part : parts) {
    RETURN_IF_ERROR(ValidatePartNumber(part.part_number));
    if (part.part_number <= previous) {
      return Status::InvalidArgument("S3 parts must be in ascending part number order");
    }
    if (part.etag.empty()) {
      return Status::InvalidArgument("S3 part ", part.part_number, " has no ETag");
    }
    previous = part.part_number;
  }
  return Status::Ok();
}

QueryParams PartQuery(std::string_view upload_id, int part_number) {
  return {{"partNumber", std::to_string(part_number)}, {"uploadId", std::string(upload_id)}};
}

}  // namespace

Result<std::string> S3Client::CreateMultipartUpload(std::string_view bucket, std::string_view key,
                                                    std::string_view content_type) {
  RETURN_IF_ERROR(ValidateKey(key));
  Call call{.method = "POST", .bucket = bucket, .key = key, .query = {{"uploads", ""}}};
  if (!content_type.empty()) {
    call.headers.emplace_back("Content-Type", std::string(content_type));
  }
  ASSIGN_OR_RETURN(const http::ClientResponse response, Execute(call));
  return ParseInitiateMultipartUpload(response.body);
}

Result<CompletedPart> S3Client::UploadPart(const UploadPartRequest& request) {
  RETURN_IF_ERROR(ValidateUpload(request.key, request.upload_id));
  RETURN_IF_ERROR(ValidatePartNumber(request.part_number));
  ASSIGN_OR_RETURN(const http::ClientResponse response,
                   Execute({.method = "PUT",
                            .bucket = request.bucket,
                            .key = request.key,
                            .query = PartQuery(request.upload_id, request.part_number),
                            .body = &request.body}));
  std::optional<std::string_view> etag = FindHeader(response.headers, "ETag");
  if (!etag || etag->empty()) {
    return Status::Unavailable("S3 accepted part ", request.part_number, " of ", request.key,
                               " without an ETag");
  }
  return CompletedPart{.part_number = request.part_number, .etag = std::string(*etag)};
}

Result<CompleteMultipartUploadResult> S3Client::CompleteMultipartUpload(
    std::string_view bucket, std::string_view key, std::string_view upload_id,
    const std::vector<CompletedPart>& parts) {
  RETURN_IF_ERROR(ValidateUpload(key, upload_id));
  RETURN_IF_ERROR(ValidateParts(parts));
  const std::string body = BuildCompleteMultipartUploadBody(parts);
  // S3 may answer 200 and put the error in the body; check_success makes that an error of the
  // attempt, so an InternalError there is retried like a 500.
  ASSIGN_OR_RETURN(const http::ClientResponse response,
                   Execute({.method = "POST",
                            .bucket = bucket,
                            .key = key,
                            .query = {{"uploadId", std::string(upload_id)}},
                            .headers = {{"Content-Type", "application/xml"}},
                            .small_body = &body,
                            .check_success = [](const http::ClientResponse& response) {
                              return ParseCompleteMultipartUpload(response.body).status();
                            }}));
  return ParseCompleteMultipartUpload(response.body);
}

Status S3Client::AbortMultipartUpload(std::string_view bucket, std::string_view key,
                                      std::string_view upload_id) {
  RETURN_IF_ERROR(ValidateUpload(key, upload_id));
  return Execute({.method = "DELETE",
                  .bucket = bucket,
                  .key = key,
                  .query = {{"uploadId", std::string(upload_id)}}})
      .status();
}

Result<std::string> S3Client::PresignGetObject(const PresignRequest& request) {
  ASSIGN_OR_RETURN(PresignedUrl presigned, PresignGetObjectWithExpiry(request));
  return std::move(presigned.url);
}

Result<std::string> S3Client::PresignUploadPart(const PresignRequest& request,
                                                std::string_view upload_id, int part_number) {
  ASSIGN_OR_RETURN(PresignedUrl presigned,
                   PresignUploadPartWithExpiry(request, upload_id, part_number));
  return std::move(presigned.url);
}

Result<PresignedUrl> S3Client::PresignGetObjectWithExpiry(const PresignRequest& request) {
  QueryParams query;
  if (!request.response_content_disposition.empty()) {
    query.emplace_back("response-content-disposition", request.response_content_disposition);
  }
  return Presign(
      {.method = "GET", .bucket = request.bucket, .key = request.key, .query = std::move(query)},
      request.expires_seconds);
}

Result<PresignedUrl> S3Client::PresignUploadPartWithExpiry(const PresignRequest& request,
                                                           std::string_view upload_id,
                                                           int part_number) {
  RETURN_IF_ERROR(ValidateUpload(request.key, upload_id));
  RETURN_IF_ERROR(ValidatePartNumber(part_number));
  return Presign({.method = "PUT",
                  .bucket = request.bucket,
                  .key = request.key,
                  .query = PartQuery(upload_id, part_number)},
                 request.expires_seconds);
}

}  // namespace bucketflow::s3

#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "http/client.h"
#include "http/message.h"
#include "s3/credentials_provider.h"
#include "s3/retry.h"
#include "s3/s3_request.h"
#include "s3/s3_xml.h"
#include "s3/signer.h"

namespace bucketflow::s3 {

enum class AddressingStyle {
  kAuto,           // virtual-hosted on AWS endpoints (path-style for non-DNS buckets), else path
  kVirtualHosted,  // https://bucket.host/key
  kPath,           // https://host/bucket/key
};

// "auto", "virtual" or "path" (the --s3-addressing values); nullopt for anything else, so that
// each caller words the error for where the value came from.
std::optional<AddressingStyle> ParseAddressingStyle(std::string_view value);

struct S3ClientConfig {
  std::string region = "us-east-1";
  // scheme://host[:port]; empty means https://s3.<region>.amazonaws.com.
  std::string endpoint = {};
  AddressingStyle addressing_style = AddressingStyle::kAuto;
  RetryPolicy retry = {};
  // The part size callers should use for multipart uploads: 5 MiB..5 GiB (S3's limits).
  uint64_t multipart_part_size = uint64_t{8} << 20;
  int connect_timeout_ms = 5000;
  int idle_timeout_ms = 30000;
};

// A request body for PutObject and UploadPart. Exactly one of `data`, `open` or `source`.
// Retries resend the body, so only `data` and `open` bodies are retried; a borrowed one-shot
// `source` gets a single attempt.
struct UploadBody {
  // In memory; signed with its SHA-256.
  std::optional<std::string> data = {};
  // Opens the body from its start, once per attempt; streamed bodies are signed
  // UNSIGNED-PAYLOAD. `size` bytes are sent with Content-Length.
  std::function<Result<std::unique_ptr<http::BodySource>>()> open = {};
  // Borrowed, read once.
  http::BodySource* source = nullptr;
  uint64_t size = 0;
};

struct ObjectInfo {
  uint64_t size = 0;
  std::string etag = {};  // quotes included, as S3 sends it
  int64_t last_modified_ms = 0;
  std::string content_type = {};
};

// An inclusive byte range "bytes=first-last"; no `last` means to the end.
struct ByteRange {
  uint64_t first = 0;
  std::optional<uint64_t> last = {};
};

struct GetObjectRequest {
  std::string bucket = {};
  std::string key = {};
  std::optional<ByteRange> range = {};
};

struct PutObjectRequest {
  std::string bucket = {};
  std::string key = {};
  UploadBody body = {};
  std::string content_type = {};  // empty: none sent
};

struct ListObjectsRequest {
  std::string bucket = {};
  std::string prefix = {};
  std::string delimiter = {};
  int max_keys = 0;  // 0: the server default (1000)
  std::string start_after = {};
  std::string continuation_token = {};  // for the next page; ListAll manages it itself
};

struct ListAllResult {
  std::vector<ListedObject> objects = {};
  std::vector<std::string> common_prefixes = {};
};

struct UploadPartRequest {
  std::string bucket = {};
  std::string key = {};
  std::string upload_id = {};
  int part_number = 0;  // 1..10000
  UploadBody body = {};
};

struct PresignRequest {
  std::string bucket = {};
  std::string key = {};
  int64_t expires_seconds = 3600;  // clamped to the credentials' lifetime and 7 days
  // GET only: the Content-Disposition S3 answers with (response-content-disposition); empty
  // means the object's own.
  std::string response_content_disposition = {};
};

// A presigned URL and the moment it stops working: the signing time plus the expiry actually
// signed, which the clamp to the credentials' lifetime may have shortened.
struct PresignedUrl {
  std::string url = {};
  int64_t expires_at_ms = 0;  // epoch milliseconds
};

// An S3 client over an injected HttpTransport: SigV4-signed requests, S3 error mapping and
// retries with jittered backoff. Knows nothing of MLflow. Safe for concurrent use.
class S3Client {
 public:
  // Fails for an invalid config. The transport, credentials and clock must outlive the client.
  static Result<std::unique_ptr<S3Client>> Create(S3ClientConfig config,
                                                  http::HttpTransport& transport,
                                                  CredentialsProvider& credentials,
                                                  const Clock& clock);

  const S3ClientConfig& config() const { return config_; }

  // The bucket's region, from x-amz-bucket-region (empty if the server sends none).
  Result<std::string> HeadBucket(std::string_view bucket);
  // Creates the bucket, with a LocationConstraint unless `region` is us-east-1 or empty.
  // kAlreadyExists when the caller already owns it (BucketAlreadyOwnedByYou);
  // kFailedPrecondition when another account owns the name (BucketAlreadyExists).
  Status CreateBucket(std::string_view bucket, std::string_view region);
  // The bucket's <CORSConfiguration> XML as S3 sends it; kNotFound when none is set
  // (NoSuchCORSConfiguration) or the bucket does not exist.
  Result<std::string> GetBucketCors(std::string_view bucket);
  // Replaces the bucket's CORS rules with `cors_xml` (a <CORSConfiguration> document), sent
  // with the Content-MD5 header S3 requires for this call.
  Status PutBucketCors(std::string_view bucket, std::string_view cors_xml);
  Result<ObjectInfo> HeadObject(std::string_view bucket, std::string_view key);
  // Streams the body to `on_body`; a failure from it aborts the download and is returned. Only
  // retried while no byte has been delivered.
  Result<ObjectInfo> GetObject(const GetObjectRequest& request,
                               const std::function<Status(std::string_view)>& on_body);
  // Collects the body; fails with kFailedPrecondition past `max_bytes`.
  Result<std::string> GetObjectToString(const GetObjectRequest& request, uint64_t max_bytes);
  // Returns the new object's ETag.
  Result<std::string> PutObject(const PutObjectRequest& request);
  // Succeeds for a missing key too (S3 semantics).
  Status DeleteObject(std::string_view bucket, std::string_view key);

  // One page.
  Result<ListObjectsV2Result> ListObjectsV2(const ListObjectsRequest& request);
  // Every page, following continuation tokens from `request` on.
  Result<ListAllResult> ListAll(const ListObjectsRequest& request);

  // Returns the upload id.
  Result<std::string> CreateMultipartUpload(std::string_view bucket, std::string_view key,
                                            std::string_view content_type);
  Result<CompletedPart> UploadPart(const UploadPartRequest& request);
  // REQUIRES: parts in ascending part_number order.
  Result<CompleteMultipartUploadResult> CompleteMultipartUpload(
      std::string_view bucket, std::string_view key, std::string_view upload_id,
      const std::vector<CompletedPart>& parts);
  Status AbortMultipartUpload(std::string_view bucket, std::string_view key,
                              std::string_view upload_id);

  Result<std::string> PresignGetObject(const PresignRequest& request);
  Result<std::string> PresignUploadPart(const PresignRequest& request, std::string_view upload_id,
                                        int part_number);
  // The same, also reporting when the URL expires (never after the credentials do).
  Result<PresignedUrl> PresignGetObjectWithExpiry(const PresignRequest& request);
  Result<PresignedUrl> PresignUploadPartWithExpiry(const PresignRequest& request,
                                                   std::string_view upload_id, int part_number);

  // One S3 call before signing; public so the operations' files and tests can share it.
  struct Call {
    std::string_view method = {};
    std::string_view bucket = {};
    std::string_view key = {};  // empty for bucket-level calls
    QueryParams query = {};
    http::Headers headers = {};  // extra headers to send and sign (Content-Type, Range)
    const UploadBody* body = nullptr;
    const std::string* small_body = nullptr;  // an in-memory XML body (multipart complete)
    std::function<Status(std::string_view)> on_body = {};
    // Checks a 2xx response; an error from it counts as the attempt's (S3 can answer
    // CompleteMultipartUpload with 200 and an <Error> body), retried when kUnavailable.
    std::function<Status(const http::ClientResponse&)> check_success = {};
  };

 private:
  struct Passkey {
    explicit Passkey() = default;
  };

 public:
  // Use Create().
  S3Client(Passkey, S3ClientConfig config, Endpoint endpoint, http::HttpTransport& transport,
           CredentialsProvider& credentials, const Clock& clock);

 private:
  // Signs and sends `call`, retrying per the policy; returns a 2xx response or the error.
  Result<http::ClientResponse> Execute(const Call& call);
  // `delivered` is set once a response byte reached call.on_body.
  Result<http::ClientResponse> Attempt(const Call& call, http::BodySource* stream, bool& delivered);
  Result<http::ClientRequest> BuildRequest(const Call& call, const Credentials& credentials);
  Result<PresignedUrl> Presign(const Call& call, int64_t expires_seconds);
  Target TargetFor(std::string_view bucket, std::string_view key) const;

  // Immutable after construction.
  const S3ClientConfig config_;
  const Endpoint endpoint_;
  const Signer signer_;
  http::HttpTransport& transport_;
  CredentialsProvider& credentials_;
  const Clock& clock_;
};

}  // namespace bucketflow::s3

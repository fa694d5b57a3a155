#include "s3/s3_client.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <span>
#include <string_view>
#include <utility>

#include "core/crypto.h"

// The signing, sending and retrying every S3 call shares. The operations live in
// s3_objects.cc and s3_multipart.cc.
namespace bucketflow::s3 {
namespace {

constexpr uint64_t kMinPartSize = uint64_t{5} << 20;
constexpr uint64_t kMaxPartSize = uint64_t{5} << 30;

Status ValidateConfig(const S3ClientConfig& config) {
  if (config.region.empty()) {
    return Status::InvalidArgument("S3 client config needs a region");
  }
  RETURN_IF_ERROR(ValidateRetryPolicy(config.retry));
  if (config.multipart_part_size < kMinPartSize || config.multipart_part_size > kMaxPartSize) {
    return Status::InvalidArgument("S3 multipart part size must be 5 MiB..5 GiB, got ",
                                   config.multipart_part_size);
  }
  if (config.connect_timeout_ms < 0 || config.idle_timeout_ms < 0) {
    return Status::InvalidArgument("S3 client timeouts must not be negative");
  }
  return Status::Ok();
}

bool IsSuccess(int status) { return status >= 200 && status < 300; }

// An in-memory upload body, sent from the caller's string without a copy. A fresh one per
// attempt, so a retry starts from the first byte.
class BorrowedBodySource final : public http::BodySource {
 public:
  explicit BorrowedBodySource(std::string_view data) : rest_(data) {}
  Result<size_t> Read(std::span<char> buffer) override {
    const size_t n = std::min(buffer.size(), rest_.size());
    std::memcpy(buffer.data(), rest_.data(), n);
    rest_.remove_prefix(n);
    return n;
  }

 private:
  std::string_view rest_;
};

std::string_view PayloadHash(const S3Client::Call& call, std::string& storage) {
  if (call.small_body != nullptr) {
    storage = Sha256Hex(*call.small_body);
    return storage;
  }
  if (call.body == nullptr) {
    return kEmptyPayloadSha256;
  }
  if (call.body->data) {
    storage = Sha256Hex(*call.body->data);
    return storage;
  }
  // Hashing a stream would mean reading it twice; S3 accepts unsigned payloads over TLS.
  return kUnsignedPayload;
}

Status ValidateBody(const UploadBody& body) {
  const int kinds = (body.data ? 1 : 0) + (body.open ? 1 : 0) + (body.source != nullptr ? 1 : 0);
  if (kinds != 1) {
    return Status::InvalidArgument("an S3 upload body needs exactly one of data, open, source");
  }
  return Status::Ok();
}

// What reaches an API client must say that S3 failed, and where: "S3 PUT s3://bucket/key: ...".
// Only errors from the transport and S3's answers get this; the caller's own callbacks' errors
// pass through unchanged.
Status NamedS3Error(const S3Client::Call& call, const Status& status) {
  std::string where = "S3 " + std::string(call.method) + " s3://" + std::string(call.bucket);
  if (!call.key.empty()) {
    where += "/" + std::string(call.key);
  }
  return Status(status.code(), where + ": " + status.message());
}

}  // namespace

Result<std::unique_ptr<S3Client>> S3Client::Create(S3ClientConfig config,
                                                   http::HttpTransport& transport,
                                                   CredentialsProvider& credentials,
                                                   const Clock& clock) {
  RETURN_IF_ERROR(ValidateConfig(config));
  if (config.endpoint.empty()) {
    config.endpoint = "https://s3." + config.region + ".amazonaws.com";
  }
  ASSIGN_OR_RETURN(Endpoint endpoint, ParseEndpoint(config.endpoint));
  return std::make_unique<S3Client>(Passkey{}, std::move(config), std::move(endpoint), transport,
                                    credentials, clock);
}

S3Client::S3Client(Passkey /*only Create*/, S3ClientConfig config, Endpoint endpoint,
                   http::HttpTransport& transport, CredentialsProvider& credentials,
                   const Clock& clock)
    : config_(std::move(config)),
      endpoint_(std::move(endpoint)),
      signer_(S3SignerConfig(config_.region)),
      transport_(transport),
      credentials_(credentials),
      clock_(clock) {}

Target S3Client::TargetFor(std::string_view bucket, std::string_view key) const {
  bool virtual_hosted = config_.addressing_style == AddressingStyle::kVirtualHosted;
  if (config_.addressing_style == AddressingStyle::kAuto) {
    virtual_hosted = IsAwsEndpoint(endpoint_) && IsVirtualHostCompatible(bucket);
  }
  return ResolveTarget(endpoint_, virtual_hosted, bucket, key);
}

Result<http::ClientRequest> S3Client::BuildRequest(const Call& call,
                                                   const Credentials& credentials) {
  const Target target = TargetFor(call.bucket, call.key);
  std::string hash_storage;
  const std::string_view payload_hash = PayloadHash(call, hash_storage);
  http::Headers headers{{"Host", target.host}};
  headers.insert(headers.end(), call.headers.begin(), call.headers.end());
  ASSIGN_OR_RETURN(const HeaderList signed_headers,
                   signer_.SignHeaders({.method = call.method,
                                        .path = target.path,
                                        .query = call.query,
                                        .headers = headers,
                                        .payload_hash = payload_hash},
                                       credentials, clock_.NowMillis() / 1000));
  headers.insert(headers.end(), signed_headers.begin(), signed_headers.end());

  http::ClientRequest request;
  request.method = std::string(call.method);
  request.url = BuildUrl(endpoint_, target, call.query);
  request.headers = std::move(headers);
  request.connect_timeout_ms = config_.connect_timeout_ms;
  request.idle_timeout_ms = config_.idle_timeout_ms;
  if (call.small_body != nullptr) {
    request.body = *call.small_body;
  }
  return request;
}

Result<http::ClientResponse> S3Client::Attempt(const Call& call, http::BodySource* stream,
                                               bool& delivered) {
  ASSIGN_OR_RETURN(const Credentials credentials, credentials_.Get());
  ASSIGN_OR_RETURN(http::ClientRequest request, BuildRequest(call, credentials));
  if (stream != nullptr) {
    request.body_source = stream;
    request.body_size = call.body->data ? call.body->data->size() : call.body->size;
  }
  bool refused_by_caller = false;
  if (call.on_body) {
    request.on_body = [&call, &delivered, &refused_by_caller](std::string_view chunk) {
      delivered = true;
      Status taken = call.on_body(chunk);
      refused_by_caller = !taken.ok();
      return taken;
    };
  }
  Result<http::ClientResponse> sent = transport_.Send(request);
  if (!sent.ok()) {
    // The caller's own error (say, its disk is full) goes back as the caller worded it.
    return refused_by_caller ? sent.status() : NamedS3Error(call, sent.status());
  }
  http::ClientResponse response = std::move(sent).value();
  if (!IsSuccess(response.status)) {
    return NamedS3Error(call, ErrorFromResponse(response));
  }
  if (call.check_success) {
    if (Status checked = call.check_success(response); !checked.ok()) {
      return NamedS3Error(call, checked);
    }
  }
  return response;
}

Result<http::ClientResponse> S3Client::Execute(const Call& call) {
  RETURN_IF_ERROR(ValidateBucketName(call.bucket));
  if (call.body != nullptr) {
    RETURN_IF_ERROR(ValidateBody(*call.body));
  }
  // A one-shot stream is consumed by the first attempt, so it cannot be sent again.
  const bool one_shot = call.body != nullptr && call.body->source != nullptr;
  const int max_attempts = one_shot ? 1 : config_.retry.max_attempts;
  for (int attempt = 0;; ++attempt) {
    std::unique_ptr<http::BodySource> opened;
    http::BodySource* stream = one_shot ? call.body->source : nullptr;
    if (call.body != nullptr && call.body->data) {
      // Read in place rather than copied into the request: parts are MiBs each.
      opened = std::make_unique<BorrowedBodySource>(*call.body->data);
      stream = opened.get();
    } else if (call.body != nullptr && call.body->open) {
      ASSIGN_OR_RETURN(opened, call.body->open());
      if (opened == nullptr) {
        return Status::InvalidArgument("S3 upload body factory returned no stream");
      }
      stream = opened.get();
    }
    // Bytes handed to on_body cannot be taken back, so a download that started is not retried.
    bool delivered = false;
    Result<http::ClientResponse> result = Attempt(call, stream, delivered);
    if (result.ok() || delivered || !IsRetryable(result.status()) || attempt + 1 >= max_attempts) {
      if (!result.ok() && attempt > 0) {
        return Status(result.status().code(), result.status().message() + " (after " +
                                                  std::to_string(attempt + 1) + " attempts)");
      }
      return result;
    }
    SleepBeforeRetry(config_.retry, attempt);
  }
}

Result<PresignedUrl> S3Client::Presign(const Call& call, int64_t expires_seconds) {
  RETURN_IF_ERROR(ValidateBucketName(call.bucket));
  RETURN_IF_ERROR(ValidateKey(call.key));
  if (expires_seconds < 1) {
    return Status::InvalidArgument("presign expiry must be at least 1 second, got ",
                                   expires_seconds);
  }
  ASSIGN_OR_RETURN(const Credentials credentials, credentials_.Get());
  const int64_t now_ms = clock_.NowMillis();
  const int64_t signed_at_s = now_ms / 1000;
  int64_t expires = std::min(expires_seconds, kMaxPresignExpiresSeconds);
  if (credentials.expires_at_ms != 0) {
    // A URL signed with temporary credentials stops working when they do.
    const int64_t remaining = (credentials.expires_at_ms - now_ms) / 1000;
    if (remaining < 1) {
      return Status::FailedPrecondition("credentials expire too soon to presign a URL");
    }
    expires = std::min(expires, remaining);
  }
  const Target target = TargetFor(call.bucket, call.key);
  const http::Headers headers{{"Host", target.host}};
  ASSIGN_OR_RETURN(const QueryParams auth, signer_.Presign({.method = call.method,
                                                            .path = target.path,
                                                            .query = call.query,
                                                            .headers = headers,
                                                            .payload_hash = kUnsignedPayload},
                                                           credentials, signed_at_s, expires));
  QueryParams query = call.query;
  query.insert(query.end(), auth.begin(), auth.end());
  // X-Amz-Date is the whole second at or before now, so this is never past the credentials'
  // expiry: signed_at_s + expires <= now_ms / 1000 + (expires_at_ms - now_ms) / 1000.
  return PresignedUrl{.url = BuildUrl(endpoint_, target, query),
                      .expires_at_ms = (signed_at_s + expires) * 1000};
}

std::optional<AddressingStyle> ParseAddressingStyle(std::string_view value) {
  if (value == "auto") {
    return AddressingStyle::kAuto;
  }
  if (value == "virtual") {
    return AddressingStyle::kVirtualHosted;
  }
  if (value == "path") {
    return AddressingStyle::kPath;
  }
  return std::nullopt;
}

}  // namespace bucketflow::s3

#include <openssl/evp.h>

#include <array>
#include <string>

#include "core/check.h"
#include "s3/s3_client.h"
#include "s3/xml_internal.h"

// Bucket-level configuration calls: CreateBucket and the bucket's CORS rules. Used by bucket
// onboarding (apply and verify), never on the request path.
namespace bucketflow::s3 {
namespace {

// us-east-1 is S3's default location and must not be named: S3 answers
// InvalidLocationConstraint when it is.
constexpr std::string_view kDefaultRegion = "us-east-1";

// ServiceErrorToStatus writes "service error CODE[: message][ (request id ...)]"; the code is
// all that tells "you already own it" from "someone else owns that name".
bool HasServiceCode(const Status& status, std::string_view code) {
  const std::string prefix = "service error " + std::string(code);
  std::string_view message = status.message();
  // S3Client names the call first: "S3 PUT s3://bucket: service error CODE...".
  if (const size_t named = message.find(": service error ");
      message.starts_with("S3 ") && named != std::string_view::npos) {
    message.remove_prefix(named + 2);
  }
  if (!message.starts_with(prefix)) {
    return false;
  }
  return message.size() == prefix.size() || message[prefix.size()] == ':' ||
         message[prefix.size()] == ' ';
}

std::string CreateBucketBody(std::string_view region) {
  return "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
         "<LocationConstraint>" +
         XmlEscape(region) + "</LocationConstraint></CreateBucketConfiguration>";
}

// Base64 of the body's MD5: the Content-MD5 header S3 requires on PutBucketCors (a
// configuration call, so the MD5 here is an integrity check S3 demands, not security).
std::string ContentMd5(std::string_view body) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int digest_size = 0;
  const int hashed =
      EVP_Digest(body.data(), body.size(), digest.data(), &digest_size, EVP_md5(), nullptr);
  BUCKETFLOW_CHECK(hashed == 1, "OpenSSL MD5 failed");
  // Base64 turns every 3 bytes into 4 characters, plus the terminating NUL EncodeBlock writes.
  std::array<unsigned char, 4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1> encoded{};
  const int size = EVP_EncodeBlock(encoded.data(), digest.data(), static_cast<int>(digest_size));
  return std::string(reinterpret_cast<const char*>(encoded.data()), static_cast<size_t>(size));
}

}  // namespace

Status S3Client::CreateBucket(std::string_view bucket, std::string_view region) {
  Call call{.method = "PUT", .bucket = bucket};
  std::string body;
  if (!region.empty() && region != kDefaultRegion) {
    body = CreateBucketBody(region);
    call.headers.emplace_back("Content-Type", "application/xml");
    call.small_body = &body;
  }
  Status created = Execute(call).status();
  if (HasServiceCode(created, "BucketAlreadyOwnedByYou")) {
    return Status::AlreadyExists("bucket ", bucket, " already exists and is yours");
  }
  if (HasServiceCode(created, "BucketAlreadyExists")) {
    return Status::FailedPrecondition("bucket name ", bucket,
                                      " is taken by another account: choose another name (",
                                      created.message(), ")");
  }
  return created;
}

Result<std::string> S3Client::GetBucketCors(std::string_view bucket) {
  ASSIGN_OR_RETURN(const http::ClientResponse response,
                   Execute({.method = "GET", .bucket = bucket, .query = {{"cors", ""}}}));
  return response.body;
}

Status S3Client::PutBucketCors(std::string_view bucket, std::string_view cors_xml) {
  const std::string body(cors_xml);
  return Execute(
             {.method = "PUT",
              .bucket = bucket,
              .query = {{"cors", ""}},
              .headers = {{"Content-Type", "application/xml"}, {"Content-MD5", ContentMd5(body)}},
              .small_body = &body})
      .status();
}

}  // namespace bucketflow::s3

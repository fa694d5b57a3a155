#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace bucketflow::s3 {

// The error body of a failed S3, STS or IAM call. AWS uses two shapes:
//   S3:      <Error><Code/><Message/><RequestId/></Error>
//   STS/IAM: <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>
// and Ceph radosgw answers STS/IAM calls with the S3 shape, so both are accepted everywhere.
// Missing elements are left empty (radosgw always sends an empty <Message>).
struct ServiceError {
  std::string type;  // "Sender" / "Receiver"; STS/IAM shape only
  std::string code;  // e.g. "NoSuchBucket", "AccessDenied"
  std::string message;
  std::string request_id;
};

// Parses an error body of either shape. Fails with kInvalidArgument if the body is not XML or
// its root is neither <Error> nor <ErrorResponse>.
Result<ServiceError> ParseServiceError(std::string_view xml);

// Turns a parsed error into a Status for callers: AccessDenied/SignatureDoesNotMatch and similar
// become kPermissionDenied, NoSuch* becomes kNotFound, throttling and 5xx-style codes become
// kUnavailable, and anything else kInvalidArgument. The message names the code, never a secret.
Status ServiceErrorToStatus(const ServiceError& error);

// Parses an ISO-8601 UTC timestamp ("2026-11-26T17:32:15Z", with optional fractional seconds of
// any length, and "Z" or a "+hh:mm"/"-hh:mm" offset) to milliseconds since the Unix epoch.
// Fractions finer than a millisecond are truncated.
Result<int64_t> ParseIso8601Millis(std::string_view text);

}  // namespace bucketflow::s3

#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace bucketflow::s3 {

// Parsers for S3 response bodies and the one XML request body S3 needs. Pure functions.
// A body whose root is <Error> is returned as that error's Status (ServiceErrorToStatus), which
// matters for CompleteMultipartUpload: S3 can answer 200 OK and put the error in the body.

struct ListedObject {
  std::string key;
  uint64_t size = 0;
  int64_t last_modified_ms = 0;  // epoch milliseconds
  std::string etag;              // as sent, quotes included ("\"d41d8...\"")
};

struct ListObjectsV2Result {
  std::vector<ListedObject> contents;
  std::vector<std::string> common_prefixes;
  bool is_truncated = false;
  std::string next_continuation_token;  // set iff is_truncated
  uint64_t key_count = 0;               // objects plus common prefixes in this page
};

// Parses a ListObjectsV2 (`GET /bucket?list-type=2`) response: <ListBucketResult>.
Result<ListObjectsV2Result> ParseListObjectsV2(std::string_view xml);

// Parses <InitiateMultipartUploadResult> and returns its UploadId.
Result<std::string> ParseInitiateMultipartUpload(std::string_view xml);

struct CompletedPart {
  int part_number = 0;  // 1..10000
  std::string etag;     // the ETag header UploadPart returned, quotes included
};

// Builds the CompleteMultipartUpload request body, escaping each ETag.
// REQUIRES: parts are in ascending part_number order (S3 rejects anything else).
std::string BuildCompleteMultipartUploadBody(const std::vector<CompletedPart>& parts);

struct CompleteMultipartUploadResult {
  std::string location;
  std::string bucket;
  std::string key;
  std::string etag;  // radosgw sends an empty <ETag/>
};

// Parses <CompleteMultipartUploadResult>; an <Error> body (even with 200 OK) is an error.
Result<CompleteMultipartUploadResult> ParseCompleteMultipartUpload(std::string_view xml);

}  // namespace bucketflow::s3

#pragma once

// An in-memory S3 bucket behind a FakeHttpTransport handler, for testing code built on
// s3::S3Client: PUT/GET (with Range)/HEAD/DELETE of objects, ListObjectsV2 (prefix, delimiter,
// max-keys, continuation tokens) and multipart create/part/complete/abort. Anything else (the
// batch DeleteObjects included) answers 400, so a test notices an unexpected call.

#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "testing/fake_http_transport.h"

namespace bucketflow::testing {

class FakeS3 {
 public:
  explicit FakeS3(std::string bucket) : bucket_(std::move(bucket)) {}

  // Routes every request of `transport` (once its script is empty) to this bucket.
  void Attach(FakeHttpTransport& transport);

  // The objects, key -> bytes.
  std::map<std::string, std::string> objects() const;
  void Put(const std::string& key, std::string bytes);
  // Pages hold at most this many entries (S3: 1000), whatever max-keys asks for.
  void set_page_size(int page_size) { page_size_ = page_size; }
  // UploadPart of this part number answers 403 AccessDenied.
  void FailUploadPart(int part_number) { fail_part_ = part_number; }
  // AbortMultipartUpload answers 403 AccessDenied, as radosgw does under DESIGN.md's policy.
  void DenyAbort() { deny_abort_ = true; }
  // Serves one request directly: what a client holding a presigned URL would reach.
  Result<http::ClientResponse> Serve(const RecordedRequest& request) { return Handle(request); }

  // Operation counts, by name: "PutObject", "GetObject", "HeadObject", "DeleteObject",
  // "ListObjectsV2", "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload",
  // "AbortMultipartUpload", "Unsupported".
  int count(const std::string& operation) const;
  std::vector<std::string> deleted_keys() const;
  // The Range headers GetObject received, in order ("" for none).
  std::vector<std::string> ranges() const;
  size_t open_uploads() const;

 private:
  struct Upload {
    std::string key;
    std::map<int, std::string> parts;
  };
  struct Parsed {
    std::string key;
    std::map<std::string, std::string> query;
  };

  // One ListObjectsV2 page being built.
  struct ListPage {
    std::string prefix;
    std::string delimiter;
    std::string token;
    int max_keys = 1000;
    std::string contents = {};
    std::string prefixes = {};
    std::string last = {};  // the last key or common prefix emitted
    int emitted = 0;
    bool truncated = false;
  };

  Result<http::ClientResponse> Handle(const RecordedRequest& request);
  http::ClientResponse HandleObject(const RecordedRequest& request, const Parsed& parsed);
  http::ClientResponse HandleGet(const RecordedRequest& request, const std::string& key);
  http::ClientResponse HandleMultipart(const RecordedRequest& request, const Parsed& parsed);
  http::ClientResponse CompleteUpload(const RecordedRequest& request,
                                      std::map<std::string, Upload>::iterator upload);
  http::ClientResponse HandleList(const Parsed& parsed);
  void FillPage(ListPage& page) const;
  void Count(const std::string& operation) { ++counts_[operation]; }

  const std::string bucket_;
  mutable std::mutex mu_;
  // Everything below is GUARDED_BY(mu_).
  std::map<std::string, std::string> objects_;
  std::map<std::string, Upload> uploads_;
  std::map<std::string, int> counts_;
  std::vector<std::string> deleted_;
  std::vector<std::string> ranges_;
  int page_size_ = 1000;
  int fail_part_ = 0;
  bool deny_abort_ = false;
  int next_upload_ = 1;
};

}  // namespace bucketflow::testing

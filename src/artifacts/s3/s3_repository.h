#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "artifacts/artifact_repository.h"
#include "s3/s3_client.h"

namespace bucketflow::artifacts {

struct S3RepositoryConfig {
  // Ranged GETs of at most this many bytes; the reader holds one such chunk in memory.
  uint64_t read_chunk_size = uint64_t{8} << 20;
  // Bodies up to this size go in one PutObject; larger ones become a multipart upload with parts
  // of this size. Real S3 needs >= 5 MiB for every part but the last (smaller values are for
  // tests against fakes); a good choice is S3ClientConfig::multipart_part_size. The writer holds
  // at most one part in memory.
  uint64_t multipart_threshold = uint64_t{8} << 20;
};

// Artifacts in an S3 bucket under a key prefix: the artifact at `path` is the object
// "<prefix>/<path>" (just "<path>" when the prefix is empty). Directories are key prefixes
// ending in '/'. Writes are never partially visible: a single PutObject or a multipart upload
// that is completed on Commit() and aborted otherwise. Deletes use single DeleteObject calls
// only (some bucket policies and S3 implementations refuse the batch DeleteObjects).
// Safe for concurrent use (S3Client is).
class S3ArtifactRepository final : public ArtifactRepository {
 public:
  // `client` must outlive the repository. Leading/trailing '/' in `prefix` are ignored.
  S3ArtifactRepository(s3::S3Client& client, std::string bucket, std::string prefix,
                       S3RepositoryConfig config = {});

  Result<std::vector<FileInfo>> List(std::string_view dir) override;
  Result<std::unique_ptr<ArtifactReader>> OpenRead(std::string_view path) override;
  Result<std::unique_ptr<ArtifactWriter>> OpenWrite(std::string_view path) override;
  Status Delete(std::string_view path) override;
  // Presigned part URLs for mpu/create|complete|abort (s3_presign.cc).
  bool SupportsMultipart() const override { return true; }
  // A presigned GET, after a HeadObject so that a missing file or a directory is an error.
  Result<PresignedUrl> PresignRead(std::string_view path, int64_t ttl_seconds) override;
  Result<MultipartUpload> CreateMultipartUpload(std::string_view path, int num_parts,
                                                int64_t ttl_seconds) override;
  // S3 errors keep their kind (NoSuchUpload -> kNotFound, InvalidPart -> kInvalidArgument).
  Status CompleteMultipartUpload(std::string_view path, std::string_view upload_id,
                                 const std::vector<UploadedPart>& parts) override;
  // kPermissionDenied, naming s3:AbortMultipartUpload, when the bucket policy lacks it.
  Status AbortMultipartUpload(std::string_view path, std::string_view upload_id) override;

  const std::string& bucket() const { return bucket_; }
  const std::string& prefix() const { return prefix_; }

 private:
  // The object key for a repository path ("" = the root, which maps to the prefix).
  std::string KeyFor(std::string_view path) const;
  // The object behind file `path`: kNotFound when missing, kInvalidArgument for a directory.
  Result<s3::ObjectInfo> HeadFile(std::string_view path, const std::string& key) const;
  // The listing prefix for a directory: "<key>/", or "" for the root of an empty prefix.
  std::string DirPrefixFor(std::string_view dir) const;

  // Immutable after construction.
  s3::S3Client& client_;
  const std::string bucket_;
  const std::string prefix_;  // no leading or trailing '/'
  const S3RepositoryConfig config_;
};

}  // namespace bucketflow::artifacts

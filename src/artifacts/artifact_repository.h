#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace bucketflow::artifacts {

struct FileInfo {
  std::string path;  // relative to the repository root, '/'-separated
  bool is_dir = false;
  std::optional<int64_t> file_size;  // files only
};

// A presigned URL for one artifact and when it stops working.
struct PresignedUrl {
  std::string url;
  int64_t expires_at_ms = 0;  // epoch milliseconds
};

// The most parts one multipart upload may have (S3's limit).
inline constexpr int kMaxMultipartParts = 10000;

// One part of a multipart upload: where the client PUTs it (no extra headers needed).
struct MultipartPartUrl {
  int part_number = 0;
  std::string url;
};

struct MultipartUpload {
  std::string upload_id;
  std::vector<MultipartPartUrl> parts;  // part numbers 1..num_parts, in order
};

// A part the client uploaded, as CompleteMultipartUpload needs it.
struct UploadedPart {
  int part_number = 0;
  std::string etag;
};

// Reads one artifact in chunks. Used from one thread at a time.
class ArtifactReader {
 public:
  virtual ~ArtifactReader() = default;
  // Fills `buffer`; returns bytes read, 0 at the end.
  virtual Result<size_t> Read(std::span<char> buffer) = 0;
  // The next bytes without a copy, for readers that hold them in memory: a view valid until
  // the next call, empty at the end. The default reads into `scratch`.
  virtual Result<std::string_view> Next(std::span<char> scratch) {
    ASSIGN_OR_RETURN(size_t n, Read(scratch));
    return std::string_view(scratch.data(), n);
  }
  virtual uint64_t size() const = 0;
};

// Writes one artifact. Nothing is visible at the destination until Commit() succeeds; a writer
// destroyed without a successful Commit() removes whatever it wrote. Used from one thread at a
// time.
class ArtifactWriter {
 public:
  virtual ~ArtifactWriter() = default;
  virtual Status Write(std::string_view chunk) = 0;
  virtual Status Commit() = 0;
};

// Where artifact bytes live (a local directory, or an S3 bucket). Paths are relative to the
// repository root and already normalised by artifacts::NormalizePath (no "..", no leading '/').
// Safe for concurrent use.
class ArtifactRepository {
 public:
  virtual ~ArtifactRepository() = default;
  // The direct children of directory `dir` ("" = the root), sorted by path. A missing
  // directory, or a path that is a file, lists as empty.
  virtual Result<std::vector<FileInfo>> List(std::string_view dir) = 0;
  // kNotFound for a missing file; kInvalidArgument for a directory.
  virtual Result<std::unique_ptr<ArtifactReader>> OpenRead(std::string_view path) = 0;
  virtual Result<std::unique_ptr<ArtifactWriter>> OpenWrite(std::string_view path) = 0;
  // Deletes a file, or a directory recursively. Deleting "foo" never touches "foobar".
  // A missing path is not an error.
  virtual Status Delete(std::string_view path) = 0;
  // Multipart uploads with presigned part URLs; kUnimplemented for stores without them.
  virtual bool SupportsMultipart() const { return false; }

  // Optional capabilities below answer kUnimplemented unless the store overrides them.

  // A URL that reads file `path` without the server for at most `ttl_seconds` (less if the
  // store's credentials expire sooner). kNotFound for a missing file; kInvalidArgument for a
  // directory.
  virtual Result<PresignedUrl> PresignRead(std::string_view path, int64_t ttl_seconds) {
    (void)path;
    (void)ttl_seconds;
    return Status::Unimplemented(
        "Presigned URLs are not supported for the current artifact repository");
  }
  // Starts a multipart upload of file `path` and presigns `num_parts` (1..kMaxMultipartParts)
  // part URLs, each valid for at most `ttl_seconds`.
  virtual Result<MultipartUpload> CreateMultipartUpload(std::string_view path, int num_parts,
                                                        int64_t ttl_seconds) {
    (void)path;
    (void)num_parts;
    (void)ttl_seconds;
    return MultipartUnsupported();
  }
  // Makes the uploaded parts (ascending part numbers) the object at `path`.
  virtual Status CompleteMultipartUpload(std::string_view path, std::string_view upload_id,
                                         const std::vector<UploadedPart>& parts) {
    (void)path;
    (void)upload_id;
    (void)parts;
    return MultipartUnsupported();
  }
  virtual Status AbortMultipartUpload(std::string_view path, std::string_view upload_id) {
    (void)path;
    (void)upload_id;
    return MultipartUnsupported();
  }

 protected:
  // MLflow's message: its client falls back to a single PUT when it sees it.
  static Status MultipartUnsupported() {
    return Status::Unimplemented(
        "Multipart upload is not supported for the current artifact repository");
  }
};

}  // namespace bucketflow::artifacts

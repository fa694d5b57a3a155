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

// Reads one artifact in chunks. Used from one thread at a time.
class ArtifactReader {
 public:
  virtual ~ArtifactReader() = default;
  // Fills `buffer`; returns bytes read, 0 at the end.
  virtual Result<size_t> Read(std::span<char> buffer) = 0;
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
};

}  // namespace bucketflow::artifacts

#include "artifacts/local/local_repository.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "artifacts/local/dir_walk_internal.h"
#include "artifacts/local/unique_fd.h"
#include "core/random.h"
#include "core/strings.h"

namespace bucketflow::artifacts {
namespace {

// A repository path split into its directory components and base name.
struct SplitPath {
  std::vector<std::string> parents;
  std::string base;  // empty for the root
};

// Repositories get normalised paths, but re-checking here keeps the confinement guarantee
// local to this file.
Result<SplitPath> Split(std::string_view path) {
  SplitPath out;
  if (path.empty()) {
    return out;
  }
  std::vector<std::string_view> segments = bucketflow::Split(path, '/');
  for (std::string_view segment : segments) {
    if (segment.empty() || segment == "." || segment == "..") {
      return Status::InvalidArgument("Invalid path");
    }
  }
  if (segments.front().starts_with(LocalArtifactRepository::kTempPrefix)) {
    return Status::InvalidArgument("Invalid path");
  }
  for (size_t i = 0; i + 1 < segments.size(); ++i) {
    out.parents.emplace_back(segments[i]);
  }
  out.base = std::string(segments.back());
  return out;
}

class LocalReader final : public ArtifactReader {
 public:
  LocalReader(UniqueFd fd, uint64_t size) : fd_(std::move(fd)), size_(size) {}

  Result<size_t> Read(std::span<char> buffer) override {
    while (true) {
      ssize_t n = ::read(fd_.get(), buffer.data(), buffer.size());
      if (n >= 0) {
        return static_cast<size_t>(n);
      }
      if (errno != EINTR) {
        return Status::Internal("Reading artifact failed: ", std::strerror(errno));
      }
    }
  }
  uint64_t size() const override { return size_; }

 private:
  UniqueFd fd_;
  uint64_t size_;
};

class LocalWriter final : public ArtifactWriter {
 public:
  LocalWriter(UniqueFd root, std::string temp_name, UniqueFd file, SplitPath target,
              std::string path)
      : root_(std::move(root)),
        temp_name_(std::move(temp_name)),
        file_(std::move(file)),
        target_(std::move(target)),
        path_(std::move(path)) {}

  ~LocalWriter() override {
    if (!committed_) {
      file_.Reset();
      ::unlinkat(root_.get(), temp_name_.c_str(), 0);
    }
  }
  LocalWriter(const LocalWriter&) = delete;
  LocalWriter& operator=(const LocalWriter&) = delete;

  Status Write(std::string_view chunk) override {
    if (!file_.valid()) {
      return Status::FailedPrecondition("Artifact '", path_, "' is already committed");
    }
    while (!chunk.empty()) {
      ssize_t n = ::write(file_.get(), chunk.data(), chunk.size());
      if (n < 0) {
        if (errno == EINTR) {
          continue;
        }
        return ErrnoStatus(errno, "write", path_);
      }
      chunk.remove_prefix(static_cast<size_t>(n));
    }
    return Status::Ok();
  }

  Status Commit() override {
    if (!file_.valid()) {
      return Status::FailedPrecondition("Artifact '", path_, "' is already committed");
    }
    // Data first, then the name: after a crash the file is either absent or complete.
    if (::fsync(file_.get()) != 0 || file_.Close() != 0) {
      return ErrnoStatus(errno, "write", path_);
    }
    OpenedFd parent = OpenDirAt(root_.get(), target_.parents, /*create=*/true);
    if (!parent.fd.valid()) {
      return ErrnoStatus(parent.error, "write", path_);
    }
    if (::renameat(root_.get(), temp_name_.c_str(), parent.fd.get(), target_.base.c_str()) != 0) {
      return ErrnoStatus(errno, "write", path_);
    }
    committed_ = true;
    // Best effort: the rename is already visible; this only makes it survive a power cut.
    ::fsync(parent.fd.get());
    return Status::Ok();
  }

 private:
  UniqueFd root_;
  std::string temp_name_;
  UniqueFd file_;
  SplitPath target_;
  std::string path_;
  bool committed_ = false;
};

// Refuses an upload early when the destination can never be written: a file or symlink in the
// way of a parent directory, or a directory where the file should go.
Status CheckWritable(int root_fd, const SplitPath& target, std::string_view path) {
  OpenedFd parent = OpenDirAt(root_fd, target.parents, /*create=*/false);
  if (!parent.fd.valid()) {
    return parent.error == ENOENT ? Status::Ok() : ErrnoStatus(parent.error, "write", path);
  }
  struct stat st {};
  if (::fstatat(parent.fd.get(), target.base.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
      S_ISDIR(st.st_mode)) {
    return ErrnoStatus(EISDIR, "write", path);
  }
  return Status::Ok();
}

}  // namespace

LocalArtifactRepository::LocalArtifactRepository(std::string root) : root_(std::move(root)) {}

Result<std::vector<FileInfo>> LocalArtifactRepository::List(std::string_view dir) {
  ASSIGN_OR_RETURN(SplitPath split, Split(dir));
  OpenedFd root = OpenRoot(root_, /*create=*/false);
  if (!root.fd.valid()) {
    if (root.error == ENOENT) {
      return std::vector<FileInfo>();
    }
    return ErrnoStatus(root.error, "list", dir);
  }
  if (!split.base.empty()) {
    split.parents.push_back(split.base);
  }
  OpenedFd opened = OpenDirAt(root.fd.get(), split.parents, /*create=*/false);
  if (!opened.fd.valid()) {
    // Missing, a file, or a symlink (which is not followed): an empty listing, as MLflow does.
    if (opened.error == ENOENT || opened.error == ENOTDIR || opened.error == ELOOP) {
      return std::vector<FileInfo>();
    }
    return ErrnoStatus(opened.error, "list", dir);
  }
  return ListDirectory(opened.fd.get(), dir, dir.empty() ? kTempPrefix : std::string_view());
}

Result<std::unique_ptr<ArtifactReader>> LocalArtifactRepository::OpenRead(std::string_view path) {
  ASSIGN_OR_RETURN(SplitPath split, Split(path));
  if (split.base.empty()) {
    return ErrnoStatus(EISDIR, "read", path);
  }
  OpenedFd root = OpenRoot(root_, /*create=*/false);
  if (!root.fd.valid()) {
    return ErrnoStatus(root.error, "read", path);
  }
  OpenedFd parent = OpenDirAt(root.fd.get(), split.parents, /*create=*/false);
  if (!parent.fd.valid()) {
    return ErrnoStatus(parent.error == ENOTDIR ? ENOENT : parent.error, "read", path);
  }
  // O_NONBLOCK so that a fifo planted in the tree cannot hang the request in open().
  int flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
  UniqueFd fd(::openat(parent.fd.get(), split.base.c_str(), flags));
  if (!fd.valid()) {
    return ErrnoStatus(errno, "read", path);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    return ErrnoStatus(errno, "read", path);
  }
  if (S_ISDIR(st.st_mode)) {
    return ErrnoStatus(EISDIR, "read", path);
  }
  if (!S_ISREG(st.st_mode)) {
    return Status::InvalidArgument("Artifact '", path, "' is not a regular file");
  }
  return std::unique_ptr<ArtifactReader>(
      std::make_unique<LocalReader>(std::move(fd), static_cast<uint64_t>(st.st_size)));
}

Result<std::unique_ptr<ArtifactWriter>> LocalArtifactRepository::OpenWrite(std::string_view path) {
  ASSIGN_OR_RETURN(SplitPath split, Split(path));
  if (split.base.empty()) {
    return Status::InvalidArgument("Invalid path");
  }
  OpenedFd root = OpenRoot(root_, /*create=*/true);
  if (!root.fd.valid()) {
    return ErrnoStatus(root.error, "write", path);
  }
  RETURN_IF_ERROR(CheckWritable(root.fd.get(), split, path));
  std::string temp_name = std::string(kTempPrefix) + RandomHex(12);
  int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
  UniqueFd file(::openat(root.fd.get(), temp_name.c_str(), flags, 0666));
  if (!file.valid()) {
    return ErrnoStatus(errno, "write", path);
  }
  return std::unique_ptr<ArtifactWriter>(
      std::make_unique<LocalWriter>(std::move(root.fd), std::move(temp_name), std::move(file),
                                    std::move(split), std::string(path)));
}

Status LocalArtifactRepository::Delete(std::string_view path) {
  ASSIGN_OR_RETURN(SplitPath split, Split(path));
  if (split.base.empty()) {
    return Status::InvalidArgument("Invalid path: the artifact root cannot be deleted");
  }
  OpenedFd root = OpenRoot(root_, /*create=*/false);
  if (!root.fd.valid()) {
    return root.error == ENOENT ? Status::Ok() : ErrnoStatus(root.error, "delete", path);
  }
  OpenedFd parent = OpenDirAt(root.fd.get(), split.parents, /*create=*/false);
  if (!parent.fd.valid()) {
    bool missing = parent.error == ENOENT || parent.error == ENOTDIR;
    return missing ? Status::Ok() : ErrnoStatus(parent.error, "delete", path);
  }
  struct stat st {};
  if (::fstatat(parent.fd.get(), split.base.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    return errno == ENOENT ? Status::Ok() : ErrnoStatus(errno, "delete", path);
  }
  if (S_ISDIR(st.st_mode)) {
    return RemoveTree(parent.fd.get(), split.base, path);
  }
  // A symlink is removed itself; its target is never touched.
  if (::unlinkat(parent.fd.get(), split.base.c_str(), 0) != 0 && errno != ENOENT) {
    return ErrnoStatus(errno, "delete", path);
  }
  return Status::Ok();
}

}  // namespace bucketflow::artifacts

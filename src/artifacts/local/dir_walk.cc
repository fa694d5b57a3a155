#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

#include "artifacts/artifact_path.h"
#include "artifacts/local/dir_walk_internal.h"

namespace bucketflow::artifacts {
namespace {

constexpr int kDirFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

struct DirCloser {
  void operator()(DIR* dir) const { ::closedir(dir); }
};
using DirPtr = std::unique_ptr<DIR, DirCloser>;

// Takes ownership of a duplicate of `fd`, so the caller's fd stays usable.
Result<DirPtr> OpenDirStream(int fd, std::string_view path) {
  int dup_fd = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (dup_fd < 0) {
    return ErrnoStatus(errno, "list", path);
  }
  DIR* dir = ::fdopendir(dup_fd);
  if (dir == nullptr) {
    int error = errno;
    ::close(dup_fd);
    return ErrnoStatus(error, "list", path);
  }
  // fdopendir shares the offset with the original fd; start from the beginning.
  ::rewinddir(dir);
  return DirPtr(dir);
}

Result<std::vector<std::string>> EntryNames(int dir_fd, std::string_view path) {
  ASSIGN_OR_RETURN(DirPtr dir, OpenDirStream(dir_fd, path));
  std::vector<std::string> names;
  errno = 0;
  while (dirent* entry = ::readdir(dir.get())) {
    std::string_view name = entry->d_name;
    if (name != "." && name != "..") {
      names.emplace_back(name);
    }
    errno = 0;
  }
  if (errno != 0) {
    return ErrnoStatus(errno, "list", path);
  }
  return names;
}

}  // namespace

OpenedFd OpenRoot(const std::string& root, bool create) {
  int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT && create) {
    std::error_code ec;
    std::filesystem::create_directories(root, ec);
    if (ec) {
      return {UniqueFd(), ec.value()};
    }
    fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  }
  return fd < 0 ? OpenedFd{UniqueFd(), errno} : OpenedFd{UniqueFd(fd), 0};
}

OpenedFd OpenDirAt(int base, const std::vector<std::string>& segments, bool create) {
  UniqueFd current(::fcntl(base, F_DUPFD_CLOEXEC, 0));
  if (!current.valid()) {
    return {UniqueFd(), errno};
  }
  for (const std::string& segment : segments) {
    int fd = ::openat(current.get(), segment.c_str(), kDirFlags);
    if (fd < 0 && errno == ENOENT && create) {
      if (::mkdirat(current.get(), segment.c_str(), 0777) != 0 && errno != EEXIST) {
        return {UniqueFd(), errno};
      }
      fd = ::openat(current.get(), segment.c_str(), kDirFlags);
    }
    if (fd < 0) {
      return {UniqueFd(), errno};
    }
    current = UniqueFd(fd);
  }
  return {std::move(current), 0};
}

Status ErrnoStatus(int error, std::string_view operation, std::string_view path) {
  switch (error) {
    case ENOENT:
      return Status::NotFound("Artifact '", path, "' does not exist");
    case ELOOP:
      return Status::InvalidArgument("Artifact path '", path,
                                     "' goes through a symbolic link, which is not followed");
    case ENOTDIR:
      return Status::InvalidArgument("Artifact path '", path, "' goes through a file");
    case EISDIR:
      return Status::InvalidArgument("Artifact '", path, "' is a directory");
    case ENAMETOOLONG:
      return Status::InvalidArgument("Artifact path '", path, "' is too long");
    case EACCES:
    case EPERM:
      return Status::PermissionDenied("Cannot ", operation, " artifact '", path,
                                      "': permission denied on the server");
    default:
      return Status::Internal("Cannot ", operation, " artifact '", path,
                              "': ", std::strerror(error));
  }
}

Result<std::vector<FileInfo>> ListDirectory(int dir_fd, std::string_view prefix,
                                            std::string_view hidden_prefix) {
  ASSIGN_OR_RETURN(std::vector<std::string> names, EntryNames(dir_fd, prefix));
  std::vector<FileInfo> files;
  files.reserve(names.size());
  for (const std::string& name : names) {
    if (!hidden_prefix.empty() && name.starts_with(hidden_prefix)) {
      continue;
    }
    struct stat st {};
    if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      continue;  // Removed since readdir: it is simply not there any more.
    }
    FileInfo info;
    info.path = JoinPath(prefix, name);
    if (S_ISDIR(st.st_mode)) {
      info.is_dir = true;
    } else if (S_ISREG(st.st_mode)) {
      // MLflow omits file_size for empty files.
      if (st.st_size > 0) {
        info.file_size = static_cast<int64_t>(st.st_size);
      }
    } else {
      continue;  // Symlinks, sockets, fifos: not artifacts this repository serves.
    }
    files.push_back(std::move(info));
  }
  std::sort(files.begin(), files.end(),
            [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
  return files;
}

Status RemoveTree(int parent_fd, const std::string& name, std::string_view path) {
  UniqueFd dir(::openat(parent_fd, name.c_str(), kDirFlags));
  if (!dir.valid()) {
    return errno == ENOENT ? Status::Ok() : ErrnoStatus(errno, "delete", path);
  }
  ASSIGN_OR_RETURN(std::vector<std::string> children, EntryNames(dir.get(), path));
  for (const std::string& child : children) {
    struct stat st {};
    if (::fstatat(dir.get(), child.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      continue;
    }
    if (S_ISDIR(st.st_mode)) {
      RETURN_IF_ERROR(RemoveTree(dir.get(), child, JoinPath(path, child)));
    } else if (::unlinkat(dir.get(), child.c_str(), 0) != 0 && errno != ENOENT) {
      return ErrnoStatus(errno, "delete", JoinPath(path, child));
    }
  }
  if (::unlinkat(parent_fd, name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT) {
    return ErrnoStatus(errno, "delete", path);
  }
  return Status::Ok();
}

}  // namespace bucketflow::artifacts

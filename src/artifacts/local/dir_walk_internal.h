#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "artifacts/artifact_repository.h"
#include "artifacts/local/unique_fd.h"
#include "core/status.h"

// File-descriptor-relative helpers for LocalArtifactRepository. Every lookup below the root is
// done with openat(O_NOFOLLOW), one component at a time, so no symlink inside the tree is
// ever followed.
namespace bucketflow::artifacts {

// An fd, or the errno that prevented opening it.
struct OpenedFd {
  UniqueFd fd;
  int error = 0;
};

// Opens the root directory (following symlinks: the operator chose it); with `create`, makes
// it (and its parents) first when missing.
OpenedFd OpenRoot(const std::string& root, bool create);

// Opens the directory `segments` below `base` without following symlinks; with `create`,
// makes missing components. ELOOP/ENOTDIR mean a symlink or a file is in the way.
OpenedFd OpenDirAt(int base, const std::vector<std::string>& segments, bool create);

// Maps an errno from an operation on artifact `path` (repository-relative, never the server's
// absolute path, which must not leak to clients) to a Status.
Status ErrnoStatus(int error, std::string_view operation, std::string_view path);

// The regular files and directories directly in `dir_fd`, named `prefix`/name, sorted.
// Names starting with `hidden_prefix` (when not empty) are skipped.
Result<std::vector<FileInfo>> ListDirectory(int dir_fd, std::string_view prefix,
                                            std::string_view hidden_prefix);

// Removes directory `name` in `parent_fd` and everything below it, never following symlinks
// (a symlink is removed, not its target). A concurrently vanished entry is not an error.
Status RemoveTree(int parent_fd, const std::string& name, std::string_view path);

}  // namespace bucketflow::artifacts

#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "artifacts/artifact_repository.h"

namespace bucketflow::artifacts {

// Artifacts in a local directory: the embedded default, and file:// run artifact URIs.
// Every path is resolved one component at a time with O_NOFOLLOW relative to the root, so a
// symbolic link inside the tree is never followed (in or out of the root); the root itself may
// be a symlink. Uploads go to a hidden temp file in the root (same file system) and are renamed
// into place on Commit(), so readers never see a partial file. Safe for concurrent use.
class LocalArtifactRepository final : public ArtifactRepository {
 public:
  // `root` need not exist: reads see an empty tree and the first write creates it.
  explicit LocalArtifactRepository(std::string root);

  Result<std::vector<FileInfo>> List(std::string_view dir) override;
  Result<std::unique_ptr<ArtifactReader>> OpenRead(std::string_view path) override;
  Result<std::unique_ptr<ArtifactWriter>> OpenWrite(std::string_view path) override;
  Status Delete(std::string_view path) override;

  const std::string& root() const { return root_; }

  // Names in the root starting with this are in-progress uploads: hidden and not addressable.
  static constexpr std::string_view kTempPrefix = ".bucketflow-upload-";

 private:
  // Immutable after construction
  const std::string root_;
};

}  // namespace bucketflow::artifacts

#include "artifacts/s3/s3_repository.h"

#include <algorithm>
#include <utility>

#include "artifacts/content_type.h"
#include "artifacts/s3/s3_streams_internal.h"

namespace bucketflow::artifacts {
namespace {

std::string TrimSlashes(std::string_view text) {
  while (!text.empty() && text.front() == '/') {
    text.remove_prefix(1);
  }
  while (!text.empty() && text.back() == '/') {
    text.remove_suffix(1);
  }
  return std::string(text);
}

std::string_view BaseName(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// "dir/name" for a listing of `dir`; `name` is what follows the listing prefix.
std::string JoinPath(std::string_view dir, std::string_view name) {
  return dir.empty() ? std::string(name) : std::string(dir) + "/" + std::string(name);
}

// The listed name below `list_prefix`, or nullopt for keys that name nothing listable: the
// directory marker itself and keys with empty segments ("dir//x"), which no normalised path
// can address.
std::optional<std::string_view> ChildName(std::string_view key, std::string_view list_prefix) {
  if (!key.starts_with(list_prefix)) {
    return std::nullopt;
  }
  std::string_view name = key.substr(list_prefix.size());
  if (name.empty() || name.front() == '/') {
    return std::nullopt;
  }
  return name;
}

}  // namespace

S3ArtifactRepository::S3ArtifactRepository(s3::S3Client& client, std::string bucket,
                                           std::string prefix, S3RepositoryConfig config)
    : client_(client), bucket_(std::move(bucket)), prefix_(TrimSlashes(prefix)), config_(config) {}

std::string S3ArtifactRepository::KeyFor(std::string_view path) const {
  if (prefix_.empty()) {
    return std::string(path);
  }
  return path.empty() ? prefix_ : prefix_ + "/" + std::string(path);
}

std::string S3ArtifactRepository::DirPrefixFor(std::string_view dir) const {
  std::string key = KeyFor(dir);
  return key.empty() ? key : key + "/";
}

Result<std::vector<FileInfo>> S3ArtifactRepository::List(std::string_view dir) {
  const std::string list_prefix = DirPrefixFor(dir);
  ASSIGN_OR_RETURN(s3::ListAllResult listed,
                   client_.ListAll({.bucket = bucket_, .prefix = list_prefix, .delimiter = "/"}));
  std::vector<FileInfo> out;
  out.reserve(listed.objects.size() + listed.common_prefixes.size());
  for (const s3::ListedObject& object : listed.objects) {
    std::optional<std::string_view> name = ChildName(object.key, list_prefix);
    if (!name) {
      continue;
    }
    FileInfo info;
    info.path = JoinPath(dir, *name);
    // As in the local store, an empty file carries no size.
    if (object.size > 0) {
      info.file_size = static_cast<int64_t>(object.size);
    }
    out.push_back(std::move(info));
  }
  for (std::string_view common : listed.common_prefixes) {
    if (common.ends_with('/')) {
      common.remove_suffix(1);
    }
    std::optional<std::string_view> name = ChildName(common, list_prefix);
    if (name) {
      FileInfo info;
      info.path = JoinPath(dir, *name);
      info.is_dir = true;
      out.push_back(std::move(info));
    }
  }
  std::sort(out.begin(), out.end(),
            [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
  return out;
}

Result<s3::ObjectInfo> S3ArtifactRepository::HeadFile(std::string_view path,
                                                      const std::string& key) const {
  if (path.empty()) {
    return Status::InvalidArgument("Artifact '' is a directory");
  }
  Result<s3::ObjectInfo> info = client_.HeadObject(bucket_, key);
  if (info.ok() || info.status().code() != Code::kNotFound) {
    return info;
  }
  // No such object; it may still be a "directory" (a prefix other keys live under).
  ASSIGN_OR_RETURN(s3::ListObjectsV2Result below,
                   client_.ListObjectsV2({.bucket = bucket_, .prefix = key + "/", .max_keys = 1}));
  if (!below.contents.empty() || !below.common_prefixes.empty()) {
    return Status::InvalidArgument("Artifact '", path, "' is a directory");
  }
  return Status::NotFound("Artifact '", path, "' does not exist");
}

Result<std::unique_ptr<ArtifactReader>> S3ArtifactRepository::OpenRead(std::string_view path) {
  const std::string key = KeyFor(path);
  ASSIGN_OR_RETURN(s3::ObjectInfo info, HeadFile(path, key));
  return std::unique_ptr<ArtifactReader>(std::make_unique<S3ArtifactReader>(
      S3ObjectRef{.client = client_, .bucket = bucket_, .key = key}, info.size,
      config_.read_chunk_size));
}

Result<std::unique_ptr<ArtifactWriter>> S3ArtifactRepository::OpenWrite(std::string_view path) {
  if (path.empty()) {
    return Status::InvalidArgument("Invalid path");
  }
  return std::unique_ptr<ArtifactWriter>(std::make_unique<S3ArtifactWriter>(
      S3ObjectRef{.client = client_, .bucket = bucket_, .key = KeyFor(path)},
      std::string(ContentTypeFor(BaseName(path))), config_.multipart_threshold));
}

Status S3ArtifactRepository::Delete(std::string_view path) {
  if (path.empty()) {
    return Status::InvalidArgument("Invalid path: the artifact root cannot be deleted");
  }
  const std::string key = KeyFor(path);
  Result<s3::ObjectInfo> info = client_.HeadObject(bucket_, key);
  if (info.ok()) {
    RETURN_IF_ERROR(client_.DeleteObject(bucket_, key));
  } else if (info.status().code() != Code::kNotFound) {
    return info.status();
  }
  // Everything under "<key>/" — never "<key>bar". One DeleteObject per key: the batch
  // DeleteObjects call is not allowed by every policy or S3 implementation. Page by page, so a
  // huge directory never sits in memory at once.
  s3::ListObjectsRequest request{.bucket = bucket_, .prefix = key + "/"};
  while (true) {
    ASSIGN_OR_RETURN(s3::ListObjectsV2Result page, client_.ListObjectsV2(request));
    for (const s3::ListedObject& object : page.contents) {
      RETURN_IF_ERROR(client_.DeleteObject(bucket_, object.key));
    }
    if (!page.is_truncated) {
      return Status::Ok();
    }
    // A server that hands out the same token again would otherwise loop forever.
    if (page.next_continuation_token == request.continuation_token) {
      return Status::Internal("S3 listing of ", bucket_, " repeated a continuation token");
    }
    request.continuation_token = std::move(page.next_continuation_token);
  }
}

}  // namespace bucketflow::artifacts

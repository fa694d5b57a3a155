#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

// Artifact path normalisation: the one gate every client-supplied artifact path passes before
// it reaches an ArtifactRepository. Mirrors MLflow's validate_path_is_safe, minus its bugs.
namespace bucketflow::artifacts {

// Validates and normalises a path that has already been percent-decoded once (a query
// parameter value, or a URL path after DecodeUrlPath). Rejects with kInvalidArgument
// "Invalid path": ".." segments, absolute paths (POSIX and Windows drive/UNC), '#', NUL and
// other control characters, "file:" URIs, and anything that becomes one of those after
// further percent-decoding (double-encoded "%252E%252E", as MLflow does). Collapses "." segments
// and duplicate or trailing slashes. "" (and ".") normalise to "", the root.
Result<std::string> NormalizePath(std::string_view decoded);

// Percent-decodes a URL path (e.g. http::Request::path_suffix) once, then NormalizePath.
Result<std::string> NormalizeUrlPath(std::string_view percent_encoded);

// The last segment of a normalised path ("a/b/c.txt" -> "c.txt", "" -> "").
std::string_view BaseName(std::string_view path);

// Joins normalised paths with one '/', skipping empty parts ("" + "x" -> "x").
std::string JoinPath(std::string_view dir, std::string_view name);

}  // namespace bucketflow::artifacts

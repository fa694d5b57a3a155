#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "artifacts/artifact_repository.h"
#include "core/status.h"
#include "http/message.h"
#include "http/router.h"

// Adapters between the artifact handlers and the HTTP server's streaming bodies: an upload
// BodySink over an ArtifactWriter and a download BodySource over an ArtifactReader.
// `owned`, when set, is a repository opened for this request only; the stream keeps it alive
// for as long as the transfer runs. Every path must already be normalised and confined.
namespace bucketflow::api {

// How an upload is refused and answered.
struct UploadLimits {
  std::optional<uint64_t> max_bytes;  // a larger body is cut off ("... Max size is 10MB.")
  bool require_data = false;          // an empty body is refused ("Request must specify data.")
  std::string success_body;           // MLflow's upload-artifact answers 200 with an empty body
};

// Opens `path` for writing and returns a sink that streams the body into it. The write is
// committed only after the whole body arrived within `limits`; otherwise nothing is visible.
// Answers an error response when the path cannot be opened.
http::StreamStart StartUpload(artifacts::ArtifactRepository& repository, std::string_view path,
                              std::unique_ptr<artifacts::ArtifactRepository> owned,
                              UploadLimits limits);

// Refuses what the headers already show: a Content-Length over `max_bytes` or an invalid one
// (kInvalidArgument), or no body at all (neither Content-Length nor Transfer-Encoding).
Status CheckDeclaredBodySize(const http::Request& request, uint64_t max_bytes);

// Opens `path` and answers it as a streamed attachment named after its basename, or answers
// the error (not found, a directory, ...).
http::Response DownloadAttachment(artifacts::ArtifactRepository& repository, std::string_view path,
                                  std::unique_ptr<artifacts::ArtifactRepository> owned);

}  // namespace bucketflow::api

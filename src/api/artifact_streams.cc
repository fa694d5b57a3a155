#include "api/artifact_streams.h"

#include <charconv>
#include <span>
#include <system_error>
#include <utility>

#include "api/errors.h"
#include "artifacts/artifact_path.h"
#include "artifacts/content_type.h"

namespace bucketflow::api {
namespace {

using artifacts::ArtifactRepository;

// MLflow's wording; the only limit in use is the UI upload's 10 MB.
constexpr std::string_view kTooLarge = "Artifact size is too large. Max size is 10MB.";
constexpr std::string_view kNoData = "Request must specify data.";

// Streams a download; keeps the repository alive when it was made for this request.
class ReaderSource final : public http::BodySource {
 public:
  ReaderSource(std::unique_ptr<artifacts::ArtifactReader> reader,
               std::unique_ptr<ArtifactRepository> owned)
      : owned_(std::move(owned)), reader_(std::move(reader)) {}
  Result<size_t> Read(std::span<char> buffer) override { return reader_->Read(buffer); }
  Result<std::string_view> Next(std::span<char> scratch) override { return reader_->Next(scratch); }

 private:
  // Declared first so that it outlives the reader it made.
  std::unique_ptr<ArtifactRepository> owned_;
  std::unique_ptr<artifacts::ArtifactReader> reader_;
};

http::Response AttachmentResponse(std::unique_ptr<artifacts::ArtifactReader> reader,
                                  std::string_view filename,
                                  std::unique_ptr<ArtifactRepository> owned) {
  http::Response response;
  response.content_type = std::string(artifacts::ContentTypeFor(filename));
  // Always an attachment, never rendered on the server's origin (MLflow's XSS defence).
  response.headers.emplace_back("Content-Disposition", artifacts::AttachmentDisposition(filename));
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.stream_size = reader->size();
  response.stream = std::make_unique<ReaderSource>(std::move(reader), std::move(owned));
  return response;
}

// Streams an upload body into an ArtifactWriter; commits only after the whole body arrived.
// Destroyed without a commit, the writer removes its temp file: nothing partial is visible.
class UploadSink final : public http::BodySink {
 public:
  UploadSink(std::unique_ptr<artifacts::ArtifactWriter> writer,
             std::unique_ptr<ArtifactRepository> owned, UploadLimits limits)
      : owned_(std::move(owned)), writer_(std::move(writer)), limits_(std::move(limits)) {}

  Status Write(std::string_view chunk) override {
    written_ += chunk.size();
    if (limits_.max_bytes.has_value() && written_ > *limits_.max_bytes) {
      return Status::InvalidArgument(kTooLarge);
    }
    return writer_->Write(chunk);
  }

  http::Response Finish(Status transfer) override {
    if (!transfer.ok()) {
      return ErrorResponse(transfer);
    }
    if (limits_.require_data && written_ == 0) {
      return ErrorResponse(Status::InvalidArgument(kNoData));
    }
    if (Status committed = writer_->Commit(); !committed.ok()) {
      return ErrorResponse(committed);
    }
    http::Response response;
    response.body = limits_.success_body;
    return response;
  }

 private:
  // Declared first so that it outlives the writer it made.
  std::unique_ptr<ArtifactRepository> owned_;
  std::unique_ptr<artifacts::ArtifactWriter> writer_;
  UploadLimits limits_;
  uint64_t written_ = 0;
};

}  // namespace

http::StreamStart StartUpload(ArtifactRepository& repository, std::string_view path,
                              std::unique_ptr<ArtifactRepository> owned, UploadLimits limits) {
  Result<std::unique_ptr<artifacts::ArtifactWriter>> writer = repository.OpenWrite(path);
  if (!writer.ok()) {
    return ErrorResponse(writer.status());
  }
  return std::unique_ptr<http::BodySink>(
      std::make_unique<UploadSink>(std::move(*writer), std::move(owned), std::move(limits)));
}

Status CheckDeclaredBodySize(const http::Request& request, uint64_t max_bytes) {
  std::optional<std::string_view> length = request.Header("Content-Length");
  if (!length.has_value()) {
    bool chunked = request.Header("Transfer-Encoding").has_value();
    return chunked ? Status::Ok() : Status::InvalidArgument(kNoData);
  }
  uint64_t declared = 0;
  auto [end, ec] = std::from_chars(length->data(), length->data() + length->size(), declared);
  if (ec != std::errc() || end != length->data() + length->size()) {
    return Status::InvalidArgument("Invalid Content-Length");
  }
  if (declared > max_bytes) {
    return Status::InvalidArgument(kTooLarge);
  }
  return declared == 0 ? Status::InvalidArgument(kNoData) : Status::Ok();
}

http::Response DownloadAttachment(ArtifactRepository& repository, std::string_view path,
                                  std::unique_ptr<ArtifactRepository> owned) {
  Result<std::unique_ptr<artifacts::ArtifactReader>> reader = repository.OpenRead(path);
  if (!reader.ok()) {
    return ErrorResponse(reader.status());
  }
  return AttachmentResponse(std::move(*reader), artifacts::BaseName(path), std::move(owned));
}

}  // namespace bucketflow::api

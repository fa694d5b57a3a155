#include <algorithm>
#include <cstring>
#include <utility>

#include "artifacts/s3/s3_streams_internal.h"

namespace bucketflow::artifacts {
namespace {

// S3 allows at most this many parts in one multipart upload.
constexpr size_t kMaxParts = 10000;

}  // namespace

S3ArtifactReader::S3ArtifactReader(S3ObjectRef object, uint64_t size, uint64_t chunk_size)
    : client_(object.client),
      bucket_(std::move(object.bucket)),
      key_(std::move(object.key)),
      size_(size),
      chunk_size_(std::max<uint64_t>(chunk_size, 1)) {}

Result<size_t> S3ArtifactReader::Read(std::span<char> buffer) {
  if (buffer.empty()) {
    return size_t{0};
  }
  if (chunk_pos_ == chunk_.size()) {
    if (next_offset_ >= size_) {
      return size_t{0};
    }
    RETURN_IF_ERROR(Fill());
  }
  const size_t n = std::min(buffer.size(), chunk_.size() - chunk_pos_);
  std::memcpy(buffer.data(), chunk_.data() + chunk_pos_, n);
  chunk_pos_ += n;
  return n;
}

Status S3ArtifactReader::Fill() {
  const uint64_t last = std::min(next_offset_ + chunk_size_, size_) - 1;
  const uint64_t expected = last - next_offset_ + 1;
  s3::GetObjectRequest request{
      .bucket = bucket_, .key = key_, .range = s3::ByteRange{.first = next_offset_, .last = last}};
  // A bound of one chunk: a server that ignores Range cannot make us buffer the whole object.
  ASSIGN_OR_RETURN(std::string bytes, client_.GetObjectToString(request, expected));
  if (bytes.size() != expected) {
    // The object changed (shrank) after it was opened; a silent short read would corrupt it.
    return Status::Unavailable("S3 object '", key_, "' changed while it was being read: got ",
                               bytes.size(), " bytes at offset ", next_offset_, ", expected ",
                               expected);
  }
  chunk_ = std::move(bytes);
  chunk_pos_ = 0;
  next_offset_ = last + 1;
  return Status::Ok();
}

S3ArtifactWriter::S3ArtifactWriter(S3ObjectRef object, std::string content_type, uint64_t part_size)
    : client_(object.client),
      bucket_(std::move(object.bucket)),
      key_(std::move(object.key)),
      content_type_(std::move(content_type)),
      part_size_(std::max<uint64_t>(part_size, 1)) {}

S3ArtifactWriter::~S3ArtifactWriter() {
  if (state_ != State::kCommitted) {
    AbortUpload();
  }
}

Status S3ArtifactWriter::CheckOpen() const {
  switch (state_) {
    case State::kOpen:
      return Status::Ok();
    case State::kCommitted:
      return Status::FailedPrecondition("Artifact '", key_, "' is already committed");
    case State::kFailed:
      break;
  }
  return Status::FailedPrecondition("Upload of '", key_, "' already failed");
}

Status S3ArtifactWriter::Write(std::string_view chunk) {
  RETURN_IF_ERROR(CheckOpen());
  while (!chunk.empty()) {
    // A full buffer is sent only once more bytes arrive, so a body of exactly one part is
    // still a single PutObject.
    if (buffer_.size() == part_size_) {
      RETURN_IF_ERROR(FlushPart());
    }
    const size_t take =
        static_cast<size_t>(std::min<uint64_t>(chunk.size(), part_size_ - buffer_.size()));
    buffer_.append(chunk.substr(0, take));
    chunk.remove_prefix(take);
  }
  return Status::Ok();
}

Status S3ArtifactWriter::FlushPart() {
  if (!upload_id_) {
    Result<std::string> id = client_.CreateMultipartUpload(bucket_, key_, content_type_);
    if (!id.ok()) {
      return Fail(id.status());
    }
    upload_id_ = std::move(id).value();
  }
  if (parts_.size() >= kMaxParts) {
    return Fail(Status::InvalidArgument("Artifact '", key_, "' is too large: more than ", kMaxParts,
                                        " parts of ", part_size_, " bytes"));
  }
  s3::UploadPartRequest request{.bucket = bucket_,
                                .key = key_,
                                .upload_id = *upload_id_,
                                .part_number = static_cast<int>(parts_.size() + 1),
                                .body = {.data = std::move(buffer_)}};
  buffer_ = std::string();
  Result<s3::CompletedPart> part = client_.UploadPart(request);
  if (!part.ok()) {
    return Fail(part.status());
  }
  parts_.push_back(std::move(part).value());
  return Status::Ok();
}

Status S3ArtifactWriter::Commit() {
  RETURN_IF_ERROR(CheckOpen());
  if (upload_id_) {
    return CommitMultipart();
  }
  // Filled field by field: g++ 12 -O2 reports a false -Wmaybe-uninitialized for the nested
  // designated initializer (UploadBody holds a std::function).
  s3::PutObjectRequest request;
  request.bucket = bucket_;
  request.key = key_;
  request.body.data = std::move(buffer_);
  request.content_type = content_type_;
  buffer_ = std::string();
  Result<std::string> etag = client_.PutObject(request);
  if (!etag.ok()) {
    return Fail(etag.status());
  }
  state_ = State::kCommitted;
  return Status::Ok();
}

Status S3ArtifactWriter::CommitMultipart() {
  // Parts are flushed only when more bytes follow, so the last part is always in the buffer.
  if (!buffer_.empty()) {
    RETURN_IF_ERROR(FlushPart());
  }
  Result<s3::CompleteMultipartUploadResult> done =
      client_.CompleteMultipartUpload(bucket_, key_, *upload_id_, parts_);
  if (!done.ok()) {
    return Fail(done.status());
  }
  state_ = State::kCommitted;
  return Status::Ok();
}

Status S3ArtifactWriter::Fail(Status error) {
  state_ = State::kFailed;
  buffer_ = std::string();
  AbortUpload();
  return error;
}

void S3ArtifactWriter::AbortUpload() {
  if (!upload_id_) {
    return;
  }
  // Best effort: the bucket policy may not grant s3:AbortMultipartUpload, in which case a
  // lifecycle rule cleans up. Either way the parts never form a visible object.
  (void)client_.AbortMultipartUpload(bucket_, key_, *upload_id_);
  upload_id_.reset();
}

}  // namespace bucketflow::artifacts

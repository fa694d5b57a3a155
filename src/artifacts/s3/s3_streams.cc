#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>
#include <future>
#include <system_error>
#include <utility>

#include "artifacts/s3/s3_streams_internal.h"

namespace bucketflow::artifacts {
namespace {

// S3 allows at most this many parts in one multipart upload.
constexpr size_t kMaxParts = 10000;
// Upload buffers grow on demand up to this size (most artifacts are small), then jump to a part.
constexpr size_t kGrowFreelyUpTo = size_t{1} << 20;
// Chunks of one download fetched ahead of the one being read; each holds a chunk in memory.
constexpr size_t kChunksAhead = 2;
// Parts of one upload sent at the same time; each holds a part in memory.
constexpr size_t kMaxPartsInFlight = 2;

// std::async reports trouble by exception (no thread to start, or one thrown by the task); the
// artifact interfaces report it as a Status, so both are caught here.
template <typename T, typename Task>
std::future<Result<T>> StartTransfer(Task task) {
  try {
    return std::async(std::launch::async, std::move(task));
  } catch (const std::system_error& e) {
    std::promise<Result<T>> refused;
    refused.set_value(Status::Unavailable("cannot start an S3 transfer thread: ", e.what()));
    return refused.get_future();
  }
}

template <typename T>
Result<T> FinishTransfer(std::future<Result<T>>& transfer) {
  try {
    return transfer.get();
  } catch (const std::exception& e) {
    return Status::Internal("S3 transfer failed: ", e.what());
  }
}

}  // namespace

S3ArtifactReader::S3ArtifactReader(S3ObjectRef object, uint64_t size, uint64_t chunk_size)
    : client_(object.client),
      bucket_(std::move(object.bucket)),
      key_(std::move(object.key)),
      size_(size),
      chunk_size_(std::max<uint64_t>(chunk_size, 1)) {}

S3ArtifactReader::~S3ArtifactReader() {
  for (std::future<Result<std::string>>& chunk : chunks_ahead_) {
    chunk.wait();
  }
}

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

Result<std::string_view> S3ArtifactReader::Next(std::span<char> /*scratch*/) {
  if (chunk_pos_ == chunk_.size()) {
    if (next_offset_ >= size_) {
      return std::string_view();
    }
    RETURN_IF_ERROR(Fill());
  }
  const std::string_view rest = std::string_view(chunk_).substr(chunk_pos_);
  chunk_pos_ = chunk_.size();
  return rest;
}

uint64_t S3ArtifactReader::ChunkLengthAt(uint64_t offset) const {
  return std::min(chunk_size_, size_ - offset);
}

Status S3ArtifactReader::Fill() {
  FetchAhead();
  Result<std::string> bytes = FinishTransfer(chunks_ahead_.front());
  chunks_ahead_.pop_front();
  RETURN_IF_ERROR(bytes);
  spare_ = std::move(chunk_);  // drained: its memory takes the next range
  chunk_ = std::move(bytes).value();
  chunk_pos_ = 0;
  next_offset_ += chunk_.size();
  FetchAhead();
  return Status::Ok();
}

void S3ArtifactReader::FetchAhead() {
  while (chunks_ahead_.size() < kChunksAhead && fetch_offset_ < size_) {
    const uint64_t length = ChunkLengthAt(fetch_offset_);
    chunks_ahead_.push_back(StartTransfer<std::string>(
        [this, offset = fetch_offset_, length, into = std::move(spare_)]() mutable {
          return FetchRange(offset, length, std::move(into));
        }));
    spare_ = std::string();
    fetch_offset_ += length;
  }
}

Result<std::string> S3ArtifactReader::FetchRange(uint64_t offset, uint64_t length,
                                                 std::string bytes) const {
  s3::GetObjectRequest request{
      .bucket = bucket_,
      .key = key_,
      .range = s3::ByteRange{.first = offset, .last = offset + length - 1}};
  // Reusing a drained chunk's memory spares the kernel mapping and zeroing fresh pages for
  // every range; otherwise one allocation, not a doubling series.
  bytes.clear();
  bytes.reserve(static_cast<size_t>(length));
  Result<s3::ObjectInfo> info = client_.GetObject(request, [&](std::string_view piece) {
    // A bound of one chunk: a server that ignores Range cannot make us buffer the whole object.
    if (bytes.size() + piece.size() > length) {
      return Status::Unavailable("S3 object '", key_,
                                 "' changed while it was being read: more than ", length,
                                 " bytes at offset ", offset);
    }
    bytes.append(piece);
    return Status::Ok();
  });
  RETURN_IF_ERROR(info);
  if (bytes.size() != length) {
    // The object changed (shrank) after it was opened; a silent short read would corrupt it.
    return Status::Unavailable("S3 object '", key_, "' changed while it was being read: got ",
                               bytes.size(), " bytes at offset ", offset, ", expected ", length);
  }
  return bytes;
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
    if (buffer_.size() + take > std::max(buffer_.capacity(), kGrowFreelyUpTo)) {
      // A body this large will probably fill the part: one allocation instead of a doubling
      // series whose last step can reach twice the part size.
      buffer_.reserve(static_cast<size_t>(part_size_));
    }
    buffer_.append(chunk.substr(0, take));
    chunk.remove_prefix(take);
  }
  return Status::Ok();
}

Status S3ArtifactWriter::FlushPart() {
  // A bounded number of parts in flight: wait for the oldest before sending another.
  if (parts_in_flight_.size() >= kMaxPartsInFlight) {
    RETURN_IF_ERROR(CollectOldestPart());
  }
  if (!upload_id_) {
    Result<std::string> id = client_.CreateMultipartUpload(bucket_, key_, content_type_);
    if (!id.ok()) {
      return Fail(id.status());
    }
    upload_id_ = std::move(id).value();
  }
  if (parts_.size() + parts_in_flight_.size() >= kMaxParts) {
    return Fail(Status::InvalidArgument("Artifact '", key_, "' is too large: more than ", kMaxParts,
                                        " parts of ", part_size_, " bytes"));
  }
  s3::UploadPartRequest request{
      .bucket = bucket_,
      .key = key_,
      .upload_id = *upload_id_,
      .part_number = static_cast<int>(parts_.size() + parts_in_flight_.size() + 1),
      .body = {.data = std::move(buffer_)}};
  buffer_ = std::move(spare_);  // a sent part's memory, when there is one
  buffer_.clear();
  spare_ = std::string();
  // Sent on other threads while the caller fills the next part, so the client's upload and
  // ours to S3 overlap instead of taking turns, and parts travel side by side as boto3's do.
  parts_in_flight_.push_back(
      StartTransfer<SentPart>([this, part = std::move(request)]() mutable -> Result<SentPart> {
        ASSIGN_OR_RETURN(s3::CompletedPart sent, client_.UploadPart(part));
        return SentPart{.part = std::move(sent), .buffer = std::move(*part.body.data)};
      }));
  return Status::Ok();
}

Status S3ArtifactWriter::CollectOldestPart() {
  Result<SentPart> sent = FinishTransfer(parts_in_flight_.front());
  parts_in_flight_.pop_front();
  if (!sent.ok()) {
    return Fail(sent.status());
  }
  parts_.push_back(std::move(sent->part));
  // Refilling this memory spares the kernel mapping and zeroing fresh pages for every part.
  spare_ = std::move(sent->buffer);
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
  while (!parts_in_flight_.empty()) {
    RETURN_IF_ERROR(CollectOldestPart());
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
  spare_ = std::string();
  AbortUpload();
  return error;
}

void S3ArtifactWriter::AbortUpload() {
  for (std::future<Result<SentPart>>& part : parts_in_flight_) {
    part.wait();  // it borrows this writer; its outcome no longer matters
  }
  parts_in_flight_.clear();
  if (!upload_id_) {
    return;
  }
  // Best effort: the bucket policy may not grant s3:AbortMultipartUpload (DESIGN.md's does
  // not), in which case a lifecycle rule cleans up. Either way the parts never form a visible
  // object, so a failed abort is a warning and the upload's own error is what the caller sees.
  Status aborted = client_.AbortMultipartUpload(bucket_, key_, *upload_id_);
  if (!aborted.ok()) {
    spdlog::warn(
        "could not abort the multipart upload of s3://{}/{}: {}; its parts stay invisible "
        "until a lifecycle rule (AbortIncompleteMultipartUpload) or s3:AbortMultipartUpload "
        "reclaims them",
        bucket_, key_, aborted.message());
  }
  upload_id_.reset();
}

}  // namespace bucketflow::artifacts

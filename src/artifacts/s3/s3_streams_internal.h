#pragma once

#include <cstdint>
#include <deque>
#include <future>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "artifacts/artifact_repository.h"
#include "s3/s3_client.h"

// The reader and writer behind S3ArtifactRepository; internal to src/artifacts/s3.
namespace bucketflow::artifacts {

// One object: the client that reaches it, its bucket and its key. The client is borrowed.
struct S3ObjectRef {
  s3::S3Client& client;
  std::string bucket;
  std::string key;
};

// Pulls an object with ranged GETs of at most `chunk_size` bytes. While the caller drains one
// chunk, the next ones are already being fetched on other threads, so the transfer runs at the
// speed of the slower side rather than the sum of both; memory stays at three chunks whatever
// the object's size.
class S3ArtifactReader final : public ArtifactReader {
 public:
  S3ArtifactReader(S3ObjectRef object, uint64_t size, uint64_t chunk_size);
  // Waits for the fetches in flight: they borrow the client and this object's members.
  ~S3ArtifactReader() override;
  S3ArtifactReader(const S3ArtifactReader&) = delete;
  S3ArtifactReader& operator=(const S3ArtifactReader&) = delete;

  Result<size_t> Read(std::span<char> buffer) override;
  // The rest of the current chunk, in place (no copy).
  Result<std::string_view> Next(std::span<char> scratch) override;
  uint64_t size() const override { return size_; }

 private:
  // Makes chunk_ the bytes at next_offset_, keeping the following chunks on their way.
  Status Fill();
  // Starts fetching chunks from fetch_offset_ on until enough are in flight.
  void FetchAhead();
  // The bytes [offset, offset + length) of the object, exactly `length` or an error, in
  // `bytes`' memory.
  Result<std::string> FetchRange(uint64_t offset, uint64_t length, std::string bytes) const;
  uint64_t ChunkLengthAt(uint64_t offset) const;

  s3::S3Client& client_;
  const std::string bucket_;
  const std::string key_;
  const uint64_t size_;
  const uint64_t chunk_size_;
  std::string chunk_;
  std::string spare_;  // a drained chunk, whose memory the next fetch reuses
  size_t chunk_pos_ = 0;
  uint64_t next_offset_ = 0;   // object offset of the first byte not yet in chunk_
  uint64_t fetch_offset_ = 0;  // object offset of the first byte not yet being fetched
  // The chunks from next_offset_ on, being fetched, in order.
  std::deque<std::future<Result<std::string>>> chunks_ahead_;
};

// Buffers up to one part; a body that never outgrows it is one PutObject on Commit(), a larger
// one a multipart upload whose parts are sent as they fill, up to two at a time while the next
// one fills (memory: three parts). A failure, or destruction before a
// successful Commit(), aborts the upload so no partial object ever appears.
class S3ArtifactWriter final : public ArtifactWriter {
 public:
  S3ArtifactWriter(S3ObjectRef object, std::string content_type, uint64_t part_size);
  ~S3ArtifactWriter() override;
  S3ArtifactWriter(const S3ArtifactWriter&) = delete;
  S3ArtifactWriter& operator=(const S3ArtifactWriter&) = delete;

  Status Write(std::string_view chunk) override;
  Status Commit() override;

 private:
  enum class State { kOpen, kCommitted, kFailed };

  Status CheckOpen() const;
  // Starts sending buffer_ as the next part (starting the multipart upload first if needed),
  // first collecting the oldest part in flight when too many are.
  Status FlushPart();
  // Waits for the oldest part in flight and records it; fails the writer if it failed.
  // REQUIRES: a part is in flight.
  Status CollectOldestPart();
  Status CommitMultipart();
  // Marks the writer failed and aborts any multipart upload; returns `error`.
  Status Fail(Status error);
  void AbortUpload();

  s3::S3Client& client_;
  const std::string bucket_;
  const std::string key_;
  const std::string content_type_;
  const uint64_t part_size_;
  std::string buffer_;
  std::optional<std::string> upload_id_;
  std::vector<s3::CompletedPart> parts_;  // sent, in part-number order
  // A part S3 accepted, and the memory that held it (for the part after next).
  struct SentPart {
    s3::CompletedPart part;
    std::string buffer;
  };
  // The parts after parts_, being sent, oldest first.
  std::deque<std::future<Result<SentPart>>> parts_in_flight_;
  std::string spare_;  // a sent part's memory, refilled next
  State state_ = State::kOpen;
};

}  // namespace bucketflow::artifacts

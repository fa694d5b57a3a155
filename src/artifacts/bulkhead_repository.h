#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "artifacts/artifact_repository.h"
#include "core/status.h"

namespace bucketflow::artifacts {

// Counts the calls in progress against one store and refuses more than `max_calls` at once, so
// that a store which hangs can hold at most that many request threads (the bulkhead pattern).
// Safe for concurrent use.
class Bulkhead {
 public:
  // `busy_message` is the kUnavailable message of a refused call.
  Bulkhead(int max_calls, std::string busy_message);

  // A held place; releases it when destroyed. Move-only.
  class Slot {
   public:
    Slot(Slot&& other) noexcept;
    Slot& operator=(Slot&& other) noexcept;
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot();

   private:
    friend class Bulkhead;
    explicit Slot(Bulkhead* owner) : owner_(owner) {}
    Bulkhead* owner_;  // null once moved from
  };

  // A slot, or kUnavailable(busy_message) at once when all are taken: never waits.
  Result<Slot> Enter();
  int in_use() const { return in_use_.load(); }
  int max_calls() const { return max_calls_; }

 private:
  // Immutable after construction
  const int max_calls_;
  const std::string busy_message_;

  std::atomic<int> in_use_{0};
};

// An ArtifactRepository that runs every call of `inner` inside a Bulkhead slot: each method, and
// each Read/Next of the readers and Write/Commit of the writers it opens, holds a slot for its
// duration (not for the reader's or writer's lifetime, so a slow client downloading a large
// file does not take a slot while it is not calling). `inner` and `bulkhead` must outlive the
// repository and every reader and writer it opened. Safe for concurrent use.
class BulkheadRepository final : public ArtifactRepository {
 public:
  BulkheadRepository(ArtifactRepository& inner, Bulkhead& bulkhead);

  Result<std::vector<FileInfo>> List(std::string_view dir) override;
  Result<std::unique_ptr<ArtifactReader>> OpenRead(std::string_view path) override;
  Result<std::unique_ptr<ArtifactWriter>> OpenWrite(std::string_view path) override;
  Status Delete(std::string_view path) override;
  bool SupportsMultipart() const override { return inner_.SupportsMultipart(); }
  Result<PresignedUrl> PresignRead(std::string_view path, int64_t ttl_seconds) override;
  Result<MultipartUpload> CreateMultipartUpload(std::string_view path, int num_parts,
                                                int64_t ttl_seconds) override;
  Status CompleteMultipartUpload(std::string_view path, std::string_view upload_id,
                                 const std::vector<UploadedPart>& parts) override;
  Status AbortMultipartUpload(std::string_view path, std::string_view upload_id) override;

 private:
  // Immutable after construction
  ArtifactRepository& inner_;
  Bulkhead& bulkhead_;
};

}  // namespace bucketflow::artifacts

#include "artifacts/bulkhead_repository.h"

#include <utility>

namespace bucketflow::artifacts {

Bulkhead::Bulkhead(int max_calls, std::string busy_message)
    : max_calls_(max_calls < 1 ? 1 : max_calls), busy_message_(std::move(busy_message)) {}

Bulkhead::Slot::Slot(Slot&& other) noexcept : owner_(std::exchange(other.owner_, nullptr)) {}

Bulkhead::Slot& Bulkhead::Slot::operator=(Slot&& other) noexcept {
  if (this != &other) {
    if (owner_ != nullptr) {
      owner_->in_use_.fetch_sub(1);
    }
    owner_ = std::exchange(other.owner_, nullptr);
  }
  return *this;
}

Bulkhead::Slot::~Slot() {
  if (owner_ != nullptr) {
    owner_->in_use_.fetch_sub(1);
  }
}

Result<Bulkhead::Slot> Bulkhead::Enter() {
  // Take first, then give back on overflow: a compare-exchange loop would do the same with more
  // code, and a momentary overshoot only refuses a racing caller that would have been refused.
  if (in_use_.fetch_add(1) >= max_calls_) {
    in_use_.fetch_sub(1);
    return Status::Unavailable(busy_message_);
  }
  return Slot(this);
}

namespace {

// Each call holds a slot; destruction does not (it cannot be refused, and an unfinished S3
// writer's abort must run whatever the load).
class BulkheadReader final : public ArtifactReader {
 public:
  BulkheadReader(std::unique_ptr<ArtifactReader> inner, Bulkhead& bulkhead)
      : inner_(std::move(inner)), bulkhead_(bulkhead) {}

  Result<size_t> Read(std::span<char> buffer) override {
    ASSIGN_OR_RETURN(Bulkhead::Slot slot, bulkhead_.Enter());
    return inner_->Read(buffer);
  }
  Result<std::string_view> Next(std::span<char> scratch) override {
    ASSIGN_OR_RETURN(Bulkhead::Slot slot, bulkhead_.Enter());
    return inner_->Next(scratch);
  }
  uint64_t size() const override { return inner_->size(); }

 private:
  const std::unique_ptr<ArtifactReader> inner_;
  Bulkhead& bulkhead_;
};

class BulkheadWriter final : public ArtifactWriter {
 public:
  BulkheadWriter(std::unique_ptr<ArtifactWriter> inner, Bulkhead& bulkhead)
      : inner_(std::move(inner)), bulkhead_(bulkhead) {}

  Status Write(std::string_view chunk) override {
    ASSIGN_OR_RETURN(Bulkhead::Slot slot, bulkhead_.Enter());
    return inner_->Write(chunk);
  }
  Status Commit() override {
    ASSIGN_OR_RETURN(Bulkhead::Slot slot, bulkhead_.Enter());
    return inner_->Commit();
  }

 private:
  const std::unique_ptr<ArtifactWriter> inner_;
  Bulkhead& bulkhead_;
};

}  // namespace

BulkheadRepository::BulkheadRepository(ArtifactRepository& inner, Bulkhead& bulkhead)
    : inner_(inner), bulkhead_(bulkhead) {}

Result<std::vector<FileInfo>> BulkheadRepository::List(std::string_view dir) {
  ASSIGN_OR_RETURN(Bulkhead::Slot slot, bulkhead_.Enter());
  return inner_.List(dir);
}

Result<std::unique_ptr<ArtifactReader>> BulkheadRepository::OpenRead(std::string_view path) {
  ASSIGN_OR_RETURN(Bulkhead::Slot slot, bulkhead_.Enter());
  ASSIGN_OR_RETURN(std::unique_ptr<ArtifactReader> reader, inner_.OpenRead(path));
  return std::unique_ptr<ArtifactReader>(
      std::make_unique<BulkheadReader>(std::move(reader), bulkhead_));
}

Result<std::unique_ptr<ArtifactWriter>> BulkheadRepository::OpenWrite(std::string_view path) {
  ASSIGN_OR_RETURN(Bulkhead::Slot slot, bulkhead_.Enter());
  ASSIGN_OR_RETURN(std::unique_ptr<ArtifactWriter> writer, inner_.OpenWrite(path));
  return std::unique_ptr<ArtifactWriter>(
      std::make_unique<BulkheadWriter>(std::move(writer), bulkhead_));
}

Status BulkheadRepository::Delete(std::string_view path) {
  ASSIGN_OR_RETURN(Bulkhead::Slot slot, bulkhead_.Enter());
  return inner_.Delete(path);
}

Result<PresignedUrl> BulkheadRepository::PresignRead(std::string_view path, int64_t ttl_seconds) {
  ASSIGN_OR_RETURN(Bulkhead::Slot slot, bulkhead_.Enter());
  return inner_.PresignRead(path, ttl_seconds);
}

Result<MultipartUpload> BulkheadRepository::CreateMultipartUpload(std::string_view path,
                                                                  int num_parts,
                                                                  int64_t ttl_seconds) {
  ASSIGN_OR_RETURN(Bulkhead::Slot slot, bulkhead_.Enter());
  return inner_.CreateMultipartUpload(path, num_parts, ttl_seconds);
}

Status BulkheadRepository::CompleteMultipartUpload(std::string_view path,
                                                   std::string_view upload_id,
                                                   const std::vector<UploadedPart>& parts) {
  ASSIGN_OR_RETURN(Bulkhead::Slot slot, bulkhead_.Enter());
  return inner_.CompleteMultipartUpload(path, upload_id, parts);
}

Status BulkheadRepository::AbortMultipartUpload(std::string_view path, std::string_view upload_id) {
  ASSIGN_OR_RETURN(Bulkhead::Slot slot, bulkhead_.Enter());
  return inner_.AbortMultipartUpload(path, upload_id);
}

}  // namespace bucketflow::artifacts

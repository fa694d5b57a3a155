#include "artifacts/bulkhead_repository.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace bucketflow::artifacts {
namespace {

// Records, for every call it receives, how many bulkhead slots were taken at that moment.
class RecordingRepository final : public ArtifactRepository {
 public:
  explicit RecordingRepository(const Bulkhead& bulkhead) : bulkhead_(bulkhead) {}

  class Reader final : public ArtifactReader {
   public:
    explicit Reader(RecordingRepository& repo) : repo_(repo) {}
    Result<size_t> Read(std::span<char> buffer) override {
      repo_.Record("Read");
      buffer[0] = 'x';
      return size_t{1};
    }
    uint64_t size() const override { return 1; }

   private:
    RecordingRepository& repo_;
  };

  class Writer final : public ArtifactWriter {
   public:
    explicit Writer(RecordingRepository& repo) : repo_(repo) {}
    Status Write(std::string_view) override {
      repo_.Record("Write");
      return Status::Ok();
    }
    Status Commit() override {
      repo_.Record("Commit");
      return Status::Ok();
    }

   private:
    RecordingRepository& repo_;
  };

  Result<std::vector<FileInfo>> List(std::string_view) override {
    Record("List");
    return std::vector<FileInfo>{};
  }
  Result<std::unique_ptr<ArtifactReader>> OpenRead(std::string_view) override {
    Record("OpenRead");
    return std::unique_ptr<ArtifactReader>(std::make_unique<Reader>(*this));
  }
  Result<std::unique_ptr<ArtifactWriter>> OpenWrite(std::string_view) override {
    Record("OpenWrite");
    return std::unique_ptr<ArtifactWriter>(std::make_unique<Writer>(*this));
  }
  Status Delete(std::string_view) override {
    Record("Delete");
    return Status::Ok();
  }
  bool SupportsMultipart() const override { return true; }
  Result<PresignedUrl> PresignRead(std::string_view, int64_t) override {
    Record("PresignRead");
    return PresignedUrl{.url = "u", .expires_at_ms = 1};
  }
  Result<MultipartUpload> CreateMultipartUpload(std::string_view, int, int64_t) override {
    Record("CreateMultipartUpload");
    return MultipartUpload{.upload_id = "id", .parts = {}};
  }
  Status CompleteMultipartUpload(std::string_view, std::string_view,
                                 const std::vector<UploadedPart>&) override {
    Record("CompleteMultipartUpload");
    return Status::Ok();
  }
  Status AbortMultipartUpload(std::string_view, std::string_view) override {
    Record("AbortMultipartUpload");
    return Status::Ok();
  }

  void Record(const std::string& call) {
    calls.push_back(call + "@" + std::to_string(bulkhead_.in_use()));
  }
  std::vector<std::string> calls;

 private:
  const Bulkhead& bulkhead_;
};

TEST(BulkheadRepositoryTest, EveryCallHoldsOneSlotForItsDuration) {
  Bulkhead bulkhead(2, "busy");
  RecordingRepository inner(bulkhead);
  BulkheadRepository repo(inner, bulkhead);

  ASSERT_TRUE(repo.List("").ok());
  ASSERT_TRUE(repo.Delete("a").ok());
  ASSERT_TRUE(repo.PresignRead("a", 60).ok());
  ASSERT_TRUE(repo.CreateMultipartUpload("a", 1, 60).ok());
  ASSERT_TRUE(repo.CompleteMultipartUpload("a", "id", {}).ok());
  ASSERT_TRUE(repo.AbortMultipartUpload("a", "id").ok());
  Result<std::unique_ptr<ArtifactReader>> reader = repo.OpenRead("a");
  ASSERT_TRUE(reader.ok());
  char byte = 0;
  ASSERT_TRUE((*reader)->Read(std::span<char>(&byte, 1)).ok());
  ASSERT_TRUE((*reader)->Next(std::span<char>(&byte, 1)).ok());
  Result<std::unique_ptr<ArtifactWriter>> writer = repo.OpenWrite("b");
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Write("x").ok());
  ASSERT_TRUE((*writer)->Commit().ok());

  // Next falls back to Read in the inner reader: one slot, taken by the wrapper's Next.
  EXPECT_EQ(inner.calls, (std::vector<std::string>{
                             "List@1", "Delete@1", "PresignRead@1", "CreateMultipartUpload@1",
                             "CompleteMultipartUpload@1", "AbortMultipartUpload@1", "OpenRead@1",
                             "Read@1", "Read@1", "OpenWrite@1", "Write@1", "Commit@1"}));
  // Open readers and writers hold no slot between calls.
  EXPECT_EQ(bulkhead.in_use(), 0);
  EXPECT_TRUE(repo.SupportsMultipart());
}

TEST(BulkheadRepositoryTest, RefusesAtOnceWhenEverySlotIsTaken) {
  Bulkhead bulkhead(2, "workspace 'a': its bucket is slow to answer; retry");
  RecordingRepository inner(bulkhead);
  BulkheadRepository repo(inner, bulkhead);
  Result<std::unique_ptr<ArtifactReader>> reader = repo.OpenRead("a");
  Result<std::unique_ptr<ArtifactWriter>> writer = repo.OpenWrite("b");
  ASSERT_TRUE(reader.ok() && writer.ok());
  inner.calls.clear();

  Result<Bulkhead::Slot> first = bulkhead.Enter();
  Result<Bulkhead::Slot> second = bulkhead.Enter();
  ASSERT_TRUE(first.ok() && second.ok());

  Result<std::vector<FileInfo>> listed = repo.List("");
  ASSERT_FALSE(listed.ok());
  EXPECT_EQ(listed.status().code(), Code::kUnavailable);
  EXPECT_EQ(listed.status().message(), "workspace 'a': its bucket is slow to answer; retry");
  EXPECT_EQ(repo.Delete("a").code(), Code::kUnavailable);
  EXPECT_EQ(repo.OpenRead("a").status().code(), Code::kUnavailable);
  EXPECT_EQ(repo.OpenWrite("a").status().code(), Code::kUnavailable);
  EXPECT_EQ(repo.PresignRead("a", 1).status().code(), Code::kUnavailable);
  EXPECT_EQ(repo.CreateMultipartUpload("a", 1, 1).status().code(), Code::kUnavailable);
  EXPECT_EQ(repo.CompleteMultipartUpload("a", "id", {}).code(), Code::kUnavailable);
  EXPECT_EQ(repo.AbortMultipartUpload("a", "id").code(), Code::kUnavailable);
  char byte = 0;
  EXPECT_EQ((*reader)->Read(std::span<char>(&byte, 1)).status().code(), Code::kUnavailable);
  EXPECT_EQ((*reader)->Next(std::span<char>(&byte, 1)).status().code(), Code::kUnavailable);
  EXPECT_EQ((*writer)->Write("x").code(), Code::kUnavailable);
  EXPECT_EQ((*writer)->Commit().code(), Code::kUnavailable);
  EXPECT_TRUE(inner.calls.empty());  // refused without touching the store
  EXPECT_EQ(bulkhead.in_use(), 2);

  { Bulkhead::Slot released = std::move(*first); }  // frees one slot
  EXPECT_EQ(bulkhead.in_use(), 1);
  EXPECT_TRUE(repo.List("").ok());
  EXPECT_EQ(inner.calls, std::vector<std::string>{"List@2"});
}

TEST(BulkheadRepositoryTest, MovedSlotReleasesOnce) {
  Bulkhead bulkhead(1, "busy");
  {
    Result<Bulkhead::Slot> slot = bulkhead.Enter();
    ASSERT_TRUE(slot.ok());
    Bulkhead::Slot moved = std::move(*slot);
    Bulkhead::Slot assigned = std::move(moved);
    EXPECT_EQ(bulkhead.in_use(), 1);
    EXPECT_FALSE(bulkhead.Enter().ok());
  }
  EXPECT_EQ(bulkhead.in_use(), 0);
  EXPECT_TRUE(bulkhead.Enter().ok());
  EXPECT_EQ(Bulkhead(0, "x").max_calls(), 1);  // never zero: the store stays usable
}

// A store whose List hangs until released: the hanging calls take the slots and every further
// call is refused at once, from any thread, while they hang.
class HangingRepository final : public ArtifactRepository {
 public:
  Result<std::vector<FileInfo>> List(std::string_view) override {
    std::unique_lock<std::mutex> lock(mu_);
    ++waiting_;
    changed_.notify_all();
    changed_.wait(lock, [&] { return released_; });
    return std::vector<FileInfo>{};
  }
  Result<std::unique_ptr<ArtifactReader>> OpenRead(std::string_view) override {
    return Status::NotFound("none");
  }
  Result<std::unique_ptr<ArtifactWriter>> OpenWrite(std::string_view) override {
    return Status::NotFound("none");
  }
  Status Delete(std::string_view) override { return Status::Ok(); }

  void AwaitWaiting(int count) {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait(lock, [&] { return waiting_ == count; });
  }
  void Release() {
    const std::lock_guard<std::mutex> lock(mu_);
    released_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  int waiting_ = 0;
  bool released_ = false;
};

TEST(BulkheadRepositoryTest, HangingCallsTakeOnlyTheirSlots) {
  Bulkhead bulkhead(2, "busy");
  HangingRepository inner;
  BulkheadRepository repo(inner, bulkhead);
  std::future<bool> first = std::async(std::launch::async, [&] { return repo.List("").ok(); });
  std::future<bool> second = std::async(std::launch::async, [&] { return repo.List("").ok(); });
  inner.AwaitWaiting(2);

  std::future<Code> third =
      std::async(std::launch::async, [&] { return repo.List("").status().code(); });
  EXPECT_EQ(third.get(), Code::kUnavailable);  // returned while the two still hang

  inner.Release();
  EXPECT_TRUE(first.get());
  EXPECT_TRUE(second.get());
  EXPECT_EQ(bulkhead.in_use(), 0);
  EXPECT_TRUE(repo.List("").ok());
}

}  // namespace
}  // namespace bucketflow::artifacts

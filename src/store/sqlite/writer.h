#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>

#include "core/status.h"
#include "store/sqlite/database.h"

namespace bucketflow::store {

// The one thread that owns the write connection. Callers hand it a write and block until the
// write is committed (or failed). Writes that arrive while a transaction is committing are
// grouped into the next transaction, so N concurrent small writes cost one commit, not N. Each
// write runs inside its own SAVEPOINT, so a failing write is undone alone and the others in the
// group still commit. Safe for concurrent use.
class Writer {
 public:
  // `on_rollback` runs on the writer thread whenever any work is rolled back, so caches that
  // mirror the database (e.g. interned metric keys) can drop entries that no longer exist.
  Writer(std::unique_ptr<Database> db, int max_batch, std::function<void()> on_rollback);
  // Finishes the queued writes, then stops the thread.
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Runs fn(Database&) -> Status on the writer thread inside a transaction and returns its
  // status once the transaction is durable. The closure may capture the caller's locals by
  // reference: Submit does not return before the closure has run.
  // Test hooks: writes waiting for the writer, and transactions committed so far.
  size_t QueuedForTest();
  uint64_t CommitsForTest() const { return commits_.load(); }

  template <typename Fn>
  Status Submit(Fn&& fn) {
    using F = std::remove_reference_t<Fn>;
    Request request{
        .invoke = [](void* ctx, Database& db) { return (*static_cast<F*>(ctx))(db); },
        .ctx = &fn,
        .result = Status::Ok(),
        .done = false,
    };
    return SubmitRequest(request);
  }

 private:
  struct Request {
    Status (*invoke)(void* ctx, Database& db);
    void* ctx;
    Status result;
    bool done = false;
  };

  Status SubmitRequest(Request& request);
  void Loop();
  void RunGroup(std::deque<Request*>& group);
  Status RunOne(Request& request, bool use_savepoint);
  Status Exec(const char* sql);

  // Touched only by the writer thread.
  std::unique_ptr<Database> db_;
  bool txn_broken_ = false;  // the savepoint machinery failed: roll the whole group back
  // Immutable after construction.
  const size_t max_batch_;
  const std::function<void()> on_rollback_;

  std::mutex mu_;
  std::condition_variable work_cv_;  // queue_ gained work or stop_ was set
  std::condition_variable done_cv_;  // some requests finished
  std::deque<Request*> queue_;       // GUARDED_BY(mu_)
  bool stop_ = false;                // GUARDED_BY(mu_)
  std::atomic<uint64_t> commits_{0};
  std::thread thread_;  // last: starts after everything above is initialised
};

}  // namespace bucketflow::store

#include "store/sqlite/writer.h"

#include <utility>

namespace bucketflow::store {

Writer::Writer(std::unique_ptr<Database> db, int max_batch, std::function<void()> on_rollback)
    : db_(std::move(db)),
      max_batch_(max_batch > 0 ? static_cast<size_t>(max_batch) : 1),
      on_rollback_(std::move(on_rollback)),
      thread_([this] { Loop(); }) {}

Writer::~Writer() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  work_cv_.notify_all();
  thread_.join();
}

size_t Writer::QueuedForTest() {
  std::lock_guard lock(mu_);
  return queue_.size();
}

Status Writer::SubmitRequest(Request& request) {
  std::unique_lock lock(mu_);
  if (stop_) {
    return Status::Unavailable("the store is shutting down");
  }
  queue_.push_back(&request);
  work_cv_.notify_one();
  done_cv_.wait(lock, [&request] { return request.done; });
  return std::move(request.result);
}

void Writer::Loop() {
  std::deque<Request*> group;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      work_cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) {
        return;  // stop_ and nothing left to write
      }
      // Everything that queued up while the previous group committed goes in this one.
      while (!queue_.empty() && group.size() < max_batch_) {
        group.push_back(queue_.front());
        queue_.pop_front();
      }
    }
    RunGroup(group);
    {
      std::lock_guard lock(mu_);
      for (Request* request : group) {
        request->done = true;
      }
    }
    done_cv_.notify_all();
    group.clear();
  }
}

Status Writer::Exec(const char* sql) {
  ASSIGN_OR_RETURN(auto stmt, db_->Cached(sql));
  return stmt->Run();
}

Status Writer::RunOne(Request& request, bool use_savepoint) {
  if (!use_savepoint) {
    return request.invoke(request.ctx, *db_);
  }
  // If the savepoint machinery itself fails the transaction state is unknown: the whole group
  // is rolled back rather than committing something half-undone.
  Status status = Exec("SAVEPOINT bf_write");
  if (!status.ok()) {
    txn_broken_ = true;
    return status;
  }
  status = request.invoke(request.ctx, *db_);
  if (!status.ok()) {
    Status undo = Exec("ROLLBACK TO bf_write");
    if (!undo.ok()) {
      txn_broken_ = true;
      return undo;
    }
    on_rollback_();
  }
  Status release = Exec("RELEASE bf_write");
  if (!release.ok()) {
    txn_broken_ = true;
    return release;
  }
  return status;
}

void Writer::RunGroup(std::deque<Request*>& group) {
  Status begin = Exec("BEGIN IMMEDIATE");
  if (!begin.ok()) {
    for (Request* request : group) {
      request->result = begin;
    }
    return;
  }
  // A lone write needs no savepoint: if it fails, the whole transaction is rolled back.
  const bool use_savepoint = group.size() > 1;
  txn_broken_ = false;
  bool any_ok = false;
  for (Request* request : group) {
    request->result = txn_broken_ ? Status::Internal("write transaction failed")
                                  : RunOne(*request, use_savepoint);
    any_ok = any_ok || request->result.ok();
  }
  Status commit = Status::Internal("write transaction failed");
  if (any_ok && !txn_broken_) {
    commit = Exec("COMMIT");
    if (commit.ok()) {
      commits_.fetch_add(1);
      return;
    }
  }
  (void)Exec("ROLLBACK");
  on_rollback_();
  for (Request* request : group) {
    if (request->result.ok()) {
      request->result = commit;
    }
  }
}

}  // namespace bucketflow::store

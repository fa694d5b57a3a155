#include "store/sqlite/reader_pool.h"

#include <utility>

namespace bucketflow::store {

Result<std::unique_ptr<ReaderPool>> ReaderPool::Open(const std::string& path, int count) {
  std::unique_ptr<ReaderPool> pool(new ReaderPool());  // NOLINT: private constructor
  for (int reader_idx = 0; reader_idx < (count > 0 ? count : 1); ++reader_idx) {
    ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Database::Open(path, /*create=*/false));
    // A reader that tried to write would be a bug; make SQLite refuse it.
    RETURN_IF_ERROR(db->Exec("PRAGMA query_only=1"));
    pool->idle_.push_back(std::move(db));
  }
  return pool;
}

ReaderPool::Lease ReaderPool::Acquire() {
  std::unique_lock lock(mu_);
  available_cv_.wait(lock, [this] { return !idle_.empty(); });
  std::unique_ptr<Database> db = std::move(idle_.back());
  idle_.pop_back();
  return Lease(*this, std::move(db));
}

void ReaderPool::Return(std::unique_ptr<Database> db) {
  {
    std::lock_guard lock(mu_);
    idle_.push_back(std::move(db));
  }
  available_cv_.notify_one();
}

}  // namespace bucketflow::store

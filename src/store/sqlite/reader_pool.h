#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/sqlite/database.h"

namespace bucketflow::store {

// A fixed set of read-only connections. In WAL mode readers see the last committed state and
// never block the writer (nor it them). Safe for concurrent use.
class ReaderPool {
 public:
  // Opens `count` (at least 1) connections to an existing database.
  static Result<std::unique_ptr<ReaderPool>> Open(const std::string& path, int count);

  // A borrowed connection, returned to the pool when the lease ends.
  class Lease {
   public:
    Lease(ReaderPool& pool, std::unique_ptr<Database> db) : pool_(&pool), db_(std::move(db)) {}
    ~Lease() { pool_->Return(std::move(db_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Database& db() { return *db_; }

   private:
    ReaderPool* pool_;
    std::unique_ptr<Database> db_;
  };

  // Waits while every connection is leased.
  Lease Acquire();

 private:
  ReaderPool() = default;
  void Return(std::unique_ptr<Database> db);

  std::mutex mu_;
  std::condition_variable available_cv_;
  std::vector<std::unique_ptr<Database>> idle_;  // GUARDED_BY(mu_)
};

}  // namespace bucketflow::store

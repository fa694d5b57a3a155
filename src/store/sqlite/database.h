#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "core/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace bucketflow::store {

// One prepared statement. Binding errors are remembered and reported by the next Step() so call
// sites can bind without checking each call. Not thread-safe: owned by one connection's user.
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;

  // Parameters are 1-based, as in SQLite. Text is copied by SQLite (SQLITE_TRANSIENT) unless
  // BindStatic is used, whose REQUIRES: the text outlives the next Reset().
  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, double value);
  Statement& Bind(int index, std::string_view value);
  Statement& BindStatic(int index, std::string_view value);
  Statement& BindNull(int index);
  Statement& Bind(int index, std::optional<int64_t> value);

  // true when a row is available, false when done.
  Result<bool> Step();
  // Steps to completion, for statements that return no rows.
  Status Run();
  // Clears bindings and rewinds; called automatically by Database::Cached().
  void Reset();

  int64_t ColumnInt(int column) const;
  double ColumnDouble(int column) const;
  std::string ColumnText(int column) const;
  std::string_view ColumnView(int column) const;  // valid until the next Step/Reset
  bool ColumnIsNull(int column) const;
  std::optional<int64_t> ColumnOptionalInt(int column) const;

  sqlite3_stmt* raw() { return stmt_; }

 private:
  void NoteBindResult(int rc);

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  int bind_error_ = 0;  // first failing sqlite3_bind_* result code, 0 when none
};

// A cached statement borrowed for one use. Resetting it when the borrow ends matters: a
// statement left mid-result keeps its read transaction open, which would pin a reader to an old
// snapshot and stop WAL checkpoints.
class ScopedStatement {
 public:
  explicit ScopedStatement(Statement* stmt) : stmt_(stmt) {}
  ~ScopedStatement() {
    if (stmt_ != nullptr) {
      stmt_->Reset();
    }
  }
  ScopedStatement(ScopedStatement&& other) noexcept : stmt_(std::exchange(other.stmt_, nullptr)) {}
  ScopedStatement(const ScopedStatement&) = delete;
  ScopedStatement& operator=(const ScopedStatement&) = delete;
  ScopedStatement& operator=(ScopedStatement&&) = delete;

  Statement* operator->() { return stmt_; }
  Statement& operator*() { return *stmt_; }

 private:
  Statement* stmt_;
};

// One SQLite connection with a cache of prepared statements, so hot statements are parsed once.
// Not thread-safe: each connection is used by one thread at a time (the writer thread or a
// reader borrowed from the pool).
class Database {
 public:
  // Opens (creating when `create`) the file and applies the connection settings: WAL,
  // synchronous=NORMAL, foreign_keys=ON, busy_timeout.
  static Result<std::unique_ptr<Database>> Open(const std::string& path, bool create);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more statements without results (DDL, pragmas, BEGIN/COMMIT).
  Status Exec(std::string_view sql);
  // A cached statement, ready to bind; reset again when the returned borrow ends.
  // REQUIRES: the same `sql` is not borrowed twice at once (no nested use).
  Result<ScopedStatement> Cached(std::string_view sql);
  // A one-off statement (dynamic SQL, e.g. search queries).
  Result<Statement> Prepare(std::string_view sql);

  int64_t LastInsertRowid() const;
  int64_t Changes() const;
  sqlite3* raw() { return db_; }

 private:
  explicit Database(sqlite3* db) : db_(db) {}

  // Transparent hashing: looking a statement up by string_view allocates nothing.
  struct SqlHash {
    using is_transparent = void;
    size_t operator()(std::string_view sql) const { return std::hash<std::string_view>{}(sql); }
  };

  sqlite3* db_;
  // Declared after db_ so statements are finalized before the connection closes.
  std::unordered_map<std::string, std::unique_ptr<Statement>, SqlHash, std::equal_to<>> cache_;
};

// The error for a failed SQLite call, with SQLite's message; kAlreadyExists for a uniqueness
// violation so callers can map it, kInternal otherwise.
Status SqliteError(sqlite3* db, int rc, std::string_view what);

}  // namespace bucketflow::store

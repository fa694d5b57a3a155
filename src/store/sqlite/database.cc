#include "store/sqlite/database.h"

#include <sqlite3.h>

#include <utility>

namespace bucketflow::store {
namespace {

// Durability: WAL + synchronous=NORMAL. A COMMIT appends the transaction to the WAL file with
// write(2) before it returns, so once a caller is acknowledged the data is in the OS page cache
// and survives `kill -9` of the server (the kernel still owns those pages). Only an OS crash or
// power loss can drop the last transactions before the next WAL checkpoint fsync; FULL would pay
// an fsync per commit to cover that, which the tracking workload does not need.
constexpr char kConnectionPragmas[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "PRAGMA foreign_keys=ON;"
    "PRAGMA temp_store=MEMORY;"
    // Checkpoint every ~40 MB of WAL instead of SQLite's 4 MB: a log-batch over many metric
    // keys dirties a page per key, and a longer WAL lets one checkpoint write each hot page once
    // for many commits instead of once per commit.
    "PRAGMA wal_autocheckpoint=10000;"
    "PRAGMA cache_size=-32000;";  // 32 MB page cache per connection

// Several processes (server, `db upgrade`) may open the file; a writer briefly holding the lock
// should delay rather than fail them.
constexpr int kBusyTimeoutMs = 10000;

}  // namespace

Status SqliteError(sqlite3* db, int rc, std::string_view what) {
  std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  if ((rc & 0xff) == SQLITE_CONSTRAINT &&
      (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)) {
    return Status::AlreadyExists(what, ": ", message);
  }
  return Status::Internal("sqlite ", what, ": ", message);
}

Statement::~Statement() {
  if (stmt_ != nullptr) {
    sqlite3_finalize(stmt_);
  }
}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)), bind_error_(other.bind_error_) {}

void Statement::NoteBindResult(int rc) {
  if (rc != SQLITE_OK && bind_error_ == 0) {
    bind_error_ = rc;
  }
}

Statement& Statement::Bind(int index, int64_t value) {
  NoteBindResult(sqlite3_bind_int64(stmt_, index, value));
  return *this;
}

Statement& Statement::Bind(int index, double value) {
  NoteBindResult(sqlite3_bind_double(stmt_, index, value));
  return *this;
}

Statement& Statement::Bind(int index, std::string_view value) {
  NoteBindResult(
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  return *this;
}

Statement& Statement::BindStatic(int index, std::string_view value) {
  NoteBindResult(
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_STATIC, SQLITE_UTF8));
  return *this;
}

Statement& Statement::BindNull(int index) {
  NoteBindResult(sqlite3_bind_null(stmt_, index));
  return *this;
}

Statement& Statement::Bind(int index, std::optional<int64_t> value) {
  return value.has_value() ? Bind(index, *value) : BindNull(index);
}

Result<bool> Statement::Step() {
  if (bind_error_ != 0) {
    return Status::Internal("sqlite bind: ", sqlite3_errstr(bind_error_));
  }
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) {
    return true;
  }
  if (rc == SQLITE_DONE) {
    return false;
  }
  // sqlite3_step returns the generic code; the extended one tells UNIQUE from FOREIGN KEY.
  return SqliteError(db_, sqlite3_extended_errcode(db_), "step");
}

Status Statement::Run() {
  ASSIGN_OR_RETURN(bool row, Step());
  while (row) {
    ASSIGN_OR_RETURN(row, Step());
  }
  return Status::Ok();
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_error_ = 0;
}

int64_t Statement::ColumnInt(int column) const { return sqlite3_column_int64(stmt_, column); }

double Statement::ColumnDouble(int column) const { return sqlite3_column_double(stmt_, column); }

std::string_view Statement::ColumnView(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (text == nullptr) {
    return {};
  }
  return {text, static_cast<size_t>(sqlite3_column_bytes(stmt_, column))};
}

std::string Statement::ColumnText(int column) const { return std::string(ColumnView(column)); }

bool Statement::ColumnIsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::optional<int64_t> Statement::ColumnOptionalInt(int column) const {
  if (ColumnIsNull(column)) {
    return std::nullopt;
  }
  return ColumnInt(column);
}

Result<std::unique_ptr<Database>> Database::Open(const std::string& path, bool create) {
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  // Own the handle before anything can fail: sqlite3_open_v2 allocates it even on error.
  std::unique_ptr<Database> db(new Database(raw));  // NOLINT: private constructor
  if (rc != SQLITE_OK) {
    return Status::Internal("cannot open database ", path, ": ",
                            raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc));
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, kBusyTimeoutMs);
  Status status = db->Exec(kConnectionPragmas);
  if (!status.ok()) {
    return Status::Internal("cannot configure database ", path, ": ", status.message());
  }
  return db;
}

Database::~Database() {
  cache_.clear();
  sqlite3_close_v2(db_);
}

Status Database::Exec(std::string_view sql) {
  std::string text(sql);
  char* error = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    Status status =
        Status::Internal("sqlite exec: ", error != nullptr ? error : sqlite3_errstr(rc));
    sqlite3_free(error);
    return status;
  }
  return Status::Ok();
}

Result<Statement> Database::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    return SqliteError(db_, rc, "prepare");
  }
  return Statement(db_, stmt);
}

Result<ScopedStatement> Database::Cached(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) {
    return ScopedStatement(it->second.get());
  }
  ASSIGN_OR_RETURN(Statement stmt, Prepare(sql));
  auto owned = std::make_unique<Statement>(std::move(stmt));
  Statement* result = owned.get();
  cache_.emplace(std::string(sql), std::move(owned));
  return ScopedStatement(result);
}

int64_t Database::LastInsertRowid() const { return sqlite3_last_insert_rowid(db_); }

int64_t Database::Changes() const { return sqlite3_changes64(db_); }

}  // namespace bucketflow::store

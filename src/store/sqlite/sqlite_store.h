#pragma once

#include <memory>
#include <string>

#include "core/clock.h"
#include "core/status.h"
#include "store/access_store.h"
#include "store/store.h"

namespace bucketflow::store {

struct SqliteConfig {
  // Database file; created (with its directory) when missing. ":memory:" is not supported
  // because readers and the writer need separate connections: tests use a temp file.
  std::string path = "./bucketflow-data/bucketflow.db";
  int reader_connections = 4;
  // How long the writer waits to gather more concurrent writes into one transaction.
  int group_commit_max_batch = 256;
};

// The SQLite database seen through both of its interfaces: the tracking Store and the
// AccessStore (workspaces, users, tokens, audit). Safe for concurrent use.
class SqliteBackend : public Store, public AccessStore {};

// Opens (creating and migrating as needed) a SQLite store and access store over one file.
// Same errors as OpenSqliteStore.
Result<std::unique_ptr<SqliteBackend>> OpenSqliteBackend(const SqliteConfig& sqlite,
                                                         const Config& config, const Clock& clock);

// Opens (creating and migrating as needed) a SQLite store. Fails with a clear message when the
// file cannot be opened or its schema is newer than this binary.
Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteConfig& sqlite, const Config& config,
                                               const Clock& clock);

// Creates or migrates the database at `sqlite.path` without starting a store, for
// `bucketflow db upgrade`. Returns the schema version it now has. Same errors as OpenSqliteStore.
Result<int> UpgradeSqliteDatabase(const SqliteConfig& sqlite, const Config& config,
                                  const Clock& clock);

}  // namespace bucketflow::store

#pragma once

#include <string>

#include "core/clock.h"
#include "core/status.h"
#include "store/sqlite/database.h"
#include "store/store.h"

namespace bucketflow::store {

// The schema version this binary writes and understands.
int LatestSchemaVersion();

// Brings `db` to LatestSchemaVersion() in one transaction: applies the missing migrations and,
// on a new database, creates experiment 0 "Default" at "<default_artifact_root>/0".
// kFailedPrecondition when the database was written by a newer binary. Returns the version.
Result<int> MigrateDatabase(Database& db, const Config& config, const Clock& clock);

}  // namespace bucketflow::store

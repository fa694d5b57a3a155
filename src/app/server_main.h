#pragma once

#include <string_view>

#include "app/config.h"

// The composition root: the one place that picks concrete implementations (SQLite store, local
// artifact directory or S3 bucket, Beast server) and wires them together.
namespace bucketflow::app {

// Runs the server until SIGINT/SIGTERM, then drains in-flight requests. Prints
// "Listening on http://HOST:PORT" once bound. Returns the process exit code: 0 after a clean
// shutdown, 1 when startup fails (one line on stderr).
int RunServer(const ServerConfig& config);

// `bucketflow db upgrade`: opens the store (creating and migrating it), prints its schema
// version. Returns the process exit code.
int RunDbUpgrade(std::string_view backend_store_uri);

}  // namespace bucketflow::app

#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "api/services.h"
#include "core/status.h"
#include "http/server.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"

namespace CLI {
class App;
}  // namespace CLI

// The only code that reads flags and environment variables. `bucketflow server` takes
// `mlflow server`'s flags so that a deployment switches by changing the program name.
namespace bucketflow::app {

// `bucketflow server` flags exactly as given; ResolveServerConfig validates them.
struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 5000;
  std::string backend_store_uri = "sqlite:///./bucketflow-data/bucketflow.db";
  std::string registry_store_uri;     // must be empty or equal to backend_store_uri
  std::string default_artifact_root;  // empty: "mlflow-artifacts:/" when serving artifacts
  std::string artifacts_destination = "./bucketflow-data/artifacts";
  bool serve_artifacts = true;
  bool artifacts_only = false;  // refused: not supported yet
  int workers = 4;              // request threads
  std::string log_level = "info";
  std::string static_prefix;  // refused when set: routes would move
  std::string app_name;       // refused when set: mlflow auth plugins are not supported
  // Accepted so that `mlflow server` command lines keep working; they have no effect here.
  std::string gunicorn_opts;
  std::string waitress_opts;
  std::string uvicorn_opts;
  std::string expose_prometheus;
  bool dev = false;
};

// The validated configuration the server runs with.
struct ServerConfig {
  http::ServerConfig http;
  store::SqliteConfig sqlite;
  store::Config store;
  api::ApiConfig api;
  // Local directory behind /api/2.0/mlflow-artifacts; empty when artifacts are not served.
  std::string artifacts_destination;
  std::string log_level = "info";  // a spdlog level name
  // One line per accepted-but-ignored flag, logged once at startup.
  std::vector<std::string> warnings;
};

// Registers the flags (and MLFLOW_* environment fallbacks) on the `server` subcommand.
void AddServerFlags(CLI::App& command, ServerOptions& options);

// Validates everything once. An error message is one line for stderr.
Result<ServerConfig> ResolveServerConfig(const ServerOptions& options);

// "sqlite:///relative.db", "sqlite:////abs.db" or a plain file path -> the SQLite settings.
// Other databases (postgresql://, mysql://) are refused as not supported yet.
Result<store::SqliteConfig> ResolveBackendStore(std::string_view uri);

}  // namespace bucketflow::app

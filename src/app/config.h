#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/services.h"
#include "app/workspace_artifacts.h"
#include "auth/access.h"
#include "core/status.h"
#include "http/server.h"
#include "s3/s3_client.h"
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
  // The built web UI (web/dist); empty: <exe_dir>/../share/bucketflow/web, then the source
  // tree's web/dist (development builds); neither: "/" answers a short text page.
  std::string static_dir;
  std::string app_name;  // refused when set: mlflow auth plugins are not supported
  // Accepted so that `mlflow server` command lines keep working; they have no effect here.
  std::string gunicorn_opts;
  std::string waitress_opts;
  std::string uvicorn_opts;
  std::string expose_prometheus;
  bool dev = false;
  // S3 artifact storage (with --artifacts-destination s3://BUCKET[/PREFIX]). Empty strings mean
  // "not given": region and endpoints then fall back to the AWS_* environment variables.
  std::string role_arn;     // empty: the base credentials are used directly
  std::string external_id;  // needs role_arn
  std::string role_session_name = "bucketflow";
  int role_session_duration = 3600;  // AssumeRole DurationSeconds
  std::string region;
  std::string s3_endpoint_url;
  std::string sts_endpoint_url;
  std::string s3_addressing = "auto";  // path, virtual or auto
  // Start even when the bucket verification at start-up finds a failing check (logged loudly).
  bool skip_bucket_verify = false;
  // Presigned reads: lifetime of download-url / redirect URLs (1..3600 s), and whether artifact
  // downloads stream through the server ("proxy") or answer 302 to the bucket ("redirect").
  int presigned_url_ttl = 300;
  std::string artifact_download = "proxy";
  // Tenancy: --auth requires credentials on every API call (BUCKETFLOW_AUTH=1);
  // --auth-cache-seconds is how long verified credentials and memberships are trusted (0..3600);
  // bucket-less workspaces other than the default keep artifacts under this root.
  bool auth = false;
  int auth_cache_seconds = 5;
  std::string workspace_artifacts_root = "./bucketflow-data/workspaces";
};

// Where proxied artifacts go when --artifacts-destination is an s3:// URI.
struct S3ArtifactsConfig {
  std::string bucket;
  std::string prefix;  // no leading or trailing '/'; may be empty
  std::string region = "us-east-1";
  std::string s3_endpoint;   // scheme://host[:port]; empty: AWS's endpoint for the region
  std::string sts_endpoint;  // scheme://host[:port]; empty: AWS's endpoint for the region
  s3::AddressingStyle addressing = s3::AddressingStyle::kAuto;
  std::string role_arn;  // empty: no AssumeRole
  std::string external_id;
  std::string role_session_name = "bucketflow";
  int role_session_duration = 3600;  // seconds; STS enforces its own minimum (900 on AWS)
  // With a role, onboarding::VerifyBucket runs before the server listens; a failing check stops
  // the start unless this is set.
  bool skip_bucket_verify = false;
};

// The validated configuration the server runs with.
struct ServerConfig {
  http::ServerConfig http;
  store::SqliteConfig sqlite;
  store::Config store;
  api::ApiConfig api;
  // Local directory behind /api/2.0/mlflow-artifacts; empty when artifacts are not served or
  // go to S3.
  std::string artifacts_destination;
  // Set when proxied artifacts live in S3 instead of artifacts_destination.
  std::optional<S3ArtifactsConfig> s3;
  std::string log_level = "info";  // a spdlog level name
  auth::AccessConfig auth;
  // Everything but the borrowed pointers, which the server fills once it has the objects.
  WorkspaceArtifactsConfig workspaces;
  // One line per accepted-but-ignored flag or risky setting, logged once at startup.
  std::vector<std::string> warnings;
};

// Registers the flags (and MLFLOW_* environment fallbacks) on the `server` subcommand.
void AddServerFlags(CLI::App& command, ServerOptions& options);

// Validates everything once. An error message is one line for stderr.
Result<ServerConfig> ResolveServerConfig(const ServerOptions& options);

// The S3 settings for --artifacts-destination s3://BUCKET[/PREFIX], with region and endpoints
// falling back to AWS_REGION / AWS_DEFAULT_REGION and AWS_ENDPOINT_URL_S3 / _STS /
// AWS_ENDPOINT_URL (s3_config.cc).
Result<S3ArtifactsConfig> ResolveS3Artifacts(const ServerOptions& options);
// --role-session-duration (server bucket and workspace roles): 1..43200 seconds (AWS's ceiling).
Status CheckRoleSessionDuration(int seconds);
// Fails when an S3-only flag is given without an s3:// --artifacts-destination.
Status CheckNoS3Flags(const ServerOptions& options);

// The flag's value, else the first environment variable in `names` that is set and non-empty
// (AWS's convention for regions and endpoints). Shared with the `bucket` commands.
std::string FlagOrEnv(const std::string& flag, std::initializer_list<const char*> names);

// "sqlite:///relative.db", "sqlite:////abs.db" or a plain file path -> the SQLite settings.
// Other databases (postgresql://, mysql://) are refused as not supported yet.
Result<store::SqliteConfig> ResolveBackendStore(std::string_view uri);

}  // namespace bucketflow::app

#include "app/config.h"

#include <CLI/CLI.hpp>
#include <array>
#include <filesystem>
#include <system_error>

#include "api/static_files.h"
#include "core/strings.h"

namespace bucketflow::app {
namespace {

namespace fs = std::filesystem;

constexpr int kMaxWorkers = 256;
constexpr std::array<std::string_view, 8> kLogLevels = {"trace",   "debug", "info",     "warn",
                                                        "warning", "error", "critical", "off"};

// The URI scheme in lower case ("sqlite", "postgresql+psycopg2"), or "" for a plain path.
std::string SchemeOf(std::string_view uri) {
  size_t colon = uri.find(':');
  if (colon == std::string_view::npos || colon < 2) {  // "C:\..." is a path, not a scheme
    return "";
  }
  for (char c : uri.substr(0, colon)) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '-' || c == '.';
    if (!ok) {
      return "";
    }
  }
  return ToLower(uri.substr(0, colon));
}

// Trailing slashes would give experiments "root//1".
std::string WithoutTrailingSlashes(std::string value) {
  while (value.size() > 1 && value.back() == '/') {
    value.pop_back();
  }
  return value;
}

std::string Absolute(std::string_view path) {
  std::error_code ec;
  fs::path absolute = fs::absolute(fs::path(path), ec);
  return ec ? std::string(path) : absolute.lexically_normal().string();
}

// A local directory given as a path or a file:// URI.
Result<std::string> LocalDirectory(std::string_view flag, std::string_view value) {
  std::string scheme = SchemeOf(value);
  if (scheme.empty()) {
    return WithoutTrailingSlashes(Absolute(value));
  }
  if (scheme == "file") {
    std::string_view rest = value.substr(5);
    if (rest.starts_with("//")) {
      rest.remove_prefix(2);
    }
    if (!rest.starts_with('/')) {
      return Status::InvalidArgument(flag, " ", value, ": a file URI needs an absolute path");
    }
    return WithoutTrailingSlashes(UrlDecode(rest, false).value_or(std::string(rest)));
  }
  return Status::InvalidArgument(
      flag, ": '", scheme,
      "' artifact stores are not supported; use s3://BUCKET[/PREFIX] or a local path");
}

Result<std::string> ResolveDefaultArtifactRoot(const ServerOptions& options) {
  const std::string& root = options.default_artifact_root;
  if (root.empty()) {
    if (!options.serve_artifacts) {
      return Status::InvalidArgument(
          "--default-artifact-root is required when artifacts are not served "
          "(--no-serve-artifacts)");
    }
    return std::string("mlflow-artifacts:");
  }
  std::string scheme = SchemeOf(root);
  if (scheme == "mlflow-artifacts") {
    if (!options.serve_artifacts) {
      return Status::InvalidArgument("--default-artifact-root ", root, " needs --serve-artifacts");
    }
    return WithoutTrailingSlashes(root);
  }
  if (scheme == "file") {
    RETURN_IF_ERROR(LocalDirectory("--default-artifact-root", root));
    return WithoutTrailingSlashes(root);
  }
  if (!scheme.empty()) {
    return Status::InvalidArgument("--default-artifact-root: '", scheme,
                                   "' artifact roots are not supported yet");
  }
  return WithoutTrailingSlashes(Absolute(root));
}

Status CheckRefusedFlags(const ServerOptions& options) {
  if (options.artifacts_only) {
    return Status::InvalidArgument("--artifacts-only is not supported yet");
  }
  if (!options.static_prefix.empty()) {
    return Status::InvalidArgument("--static-prefix is not supported yet");
  }
  if (!options.app_name.empty()) {
    return Status::InvalidArgument("--app-name ", options.app_name,
                                   ": mlflow server plugins are not supported");
  }
  if (!options.registry_store_uri.empty() &&
      options.registry_store_uri != options.backend_store_uri) {
    return Status::InvalidArgument(
        "--registry-store-uri must equal --backend-store-uri: the model registry lives in "
        "the tracking database");
  }
  return Status::Ok();
}

Status CheckListener(const ServerOptions& options) {
  if (options.host.empty()) {
    return Status::InvalidArgument("--host must not be empty");
  }
  if (options.port < 0 || options.port > 65535) {
    return Status::InvalidArgument("--port ", options.port, " is not a port number (0-65535)");
  }
  if (options.workers < 1 || options.workers > kMaxWorkers) {
    return Status::InvalidArgument("--workers ", options.workers, " must be between 1 and ",
                                   kMaxWorkers);
  }
  for (std::string_view level : kLogLevels) {
    if (options.log_level == level) {
      return Status::Ok();
    }
  }
  return Status::InvalidArgument("--log-level ", options.log_level,
                                 " is not one of trace, debug, info, warn, error, critical, off");
}

std::vector<std::string> IgnoredFlagWarnings(const ServerOptions& options) {
  std::vector<std::string> warnings;
  const std::pair<std::string_view, const std::string*> ignored[] = {
      {"--gunicorn-opts", &options.gunicorn_opts},
      {"--waitress-opts", &options.waitress_opts},
      {"--uvicorn-opts", &options.uvicorn_opts},
  };
  for (const auto& [flag, value] : ignored) {
    if (!value->empty()) {
      warnings.push_back(std::string(flag) + " is ignored: bucketflow is its own HTTP server");
    }
  }
  if (!options.expose_prometheus.empty()) {
    warnings.emplace_back("--expose-prometheus is ignored: there is no /metrics endpoint yet");
  }
  if (options.dev) {
    warnings.emplace_back("--dev is ignored");
  }
  return warnings;
}

void AddS3Flags(CLI::App& command, ServerOptions& options) {
  command.add_option("--role-arn", options.role_arn,
                     "IAM role to assume for S3 artifacts (default: use the base credentials)");
  command.add_option("--external-id", options.external_id, "External ID for --role-arn");
  command.add_option("--role-session-name", options.role_session_name, "AssumeRole session name")
      ->capture_default_str();
  command
      .add_option("--role-session-duration", options.role_session_duration,
                  "AssumeRole DurationSeconds (1..43200; STS enforces its minimum, 900 on AWS)")
      ->capture_default_str();
  command.add_option("--region", options.region,
                     "S3 and STS region (default: AWS_REGION, AWS_DEFAULT_REGION, us-east-1)");
  command.add_option("--s3-endpoint-url", options.s3_endpoint_url,
                     "S3 endpoint (default: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, AWS)");
  command.add_option("--sts-endpoint-url", options.sts_endpoint_url,
                     "STS endpoint (default: AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, AWS)");
  command.add_option("--s3-addressing", options.s3_addressing, "path, virtual or auto")
      ->capture_default_str();
  command.add_flag("--skip-bucket-verify", options.skip_bucket_verify,
                   "Start even when the bucket verification (run at start-up with --role-arn) "
                   "fails");
  command
      .add_option("--presigned-url-ttl", options.presigned_url_ttl,
                  "Lifetime in seconds of presigned artifact URLs (1..3600; never past the "
                  "credentials' expiry)")
      ->capture_default_str();
  command
      .add_option("--artifact-download", options.artifact_download,
                  "proxy: stream downloads through the server; redirect: 302 to a presigned "
                  "S3 URL (S3 artifact stores only)")
      ->capture_default_str();
}

// --presigned-url-ttl and --artifact-download; redirects need a store that can presign.
Status ResolvePresignedReads(const ServerOptions& options, ServerConfig& config) {
  if (options.presigned_url_ttl < 1 || options.presigned_url_ttl > 3600) {
    return Status::InvalidArgument("--presigned-url-ttl must be 1..3600 seconds, got ",
                                   options.presigned_url_ttl);
  }
  config.api.presigned_url_ttl_seconds = options.presigned_url_ttl;
  if (options.artifact_download == "redirect") {
    if (!config.s3) {
      return Status::InvalidArgument(
          "--artifact-download redirect needs an s3:// --artifacts-destination (with artifact "
          "serving on): a local artifact store has no presigned URLs");
    }
    config.api.redirect_downloads = true;
  } else if (options.artifact_download != "proxy") {
    return Status::InvalidArgument("--artifact-download must be proxy or redirect, got '",
                                   options.artifact_download, "'");
  }
  return Status::Ok();
}

void AddTenancyFlags(CLI::App& command, ServerOptions& options) {
  command
      .add_flag("--auth", options.auth,
                "Require a token or user name and password on every API call (default: off, "
                "every caller is an admin)")
      ->envname("BUCKETFLOW_AUTH");
  command
      .add_option("--auth-cache-seconds", options.auth_cache_seconds,
                  "How long verified credentials and memberships are trusted before the "
                  "database is asked again (0..3600)")
      ->capture_default_str();
  command
      .add_option("--workspace-artifacts-root", options.workspace_artifacts_root,
                  "Artifacts of workspaces without a bucket (except the default workspace, "
                  "which uses --artifacts-destination): <root>/<workspace id>/artifacts")
      ->capture_default_str();
}

bool IsLoopback(std::string_view host) {
  return host == "localhost" || host.starts_with("127.") || host == "::1" || host == "[::1]";
}

Status ResolveTenancy(const ServerOptions& options, ServerConfig& config) {
  constexpr int kMaxAuthCacheSeconds = 3600;
  if (options.auth_cache_seconds < 0 || options.auth_cache_seconds > kMaxAuthCacheSeconds) {
    return Status::InvalidArgument("--auth-cache-seconds must be 0..", kMaxAuthCacheSeconds,
                                   ", got ", options.auth_cache_seconds);
  }
  if (options.workspace_artifacts_root.empty()) {
    return Status::InvalidArgument("--workspace-artifacts-root must not be empty");
  }
  ASSIGN_OR_RETURN(config.workspaces.local_root,
                   LocalDirectory("--workspace-artifacts-root", options.workspace_artifacts_root));
  config.auth.enabled = options.auth;
  config.auth.cache_seconds = options.auth_cache_seconds;
  RETURN_IF_ERROR(CheckRoleSessionDuration(options.role_session_duration));
  config.workspaces.role_session_duration = options.role_session_duration;
  config.workspaces.request_threads = options.workers;
  if (options.auth) {
    config.warnings.emplace_back(
        "auth is on over plain HTTP: put TLS in front so tokens and passwords are not sent in "
        "clear");
  } else if (!IsLoopback(options.host)) {
    config.warnings.push_back("listening on " + options.host +
                              " without --auth: anyone who can reach this address can read and "
                              "change every workspace; pass --auth");
  }
  return Status::Ok();
}

// --static-dir must hold a built UI; without it the UI is looked for next to the executable.
Result<std::string> ResolveWebDir(const std::string& static_dir) {
  if (!static_dir.empty()) {
    std::string dir = Absolute(static_dir);
    if (!api::IsWebDir(dir)) {
      return Status::InvalidArgument(
          "--static-dir ", dir, " has no index.html (build the UI with npm run build in web/)");
    }
    return dir;
  }
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return api::FindWebDir(ec ? std::string() : exe.string(), BF_SOURCE_WEB_DIR);
}

}  // namespace

void AddServerFlags(CLI::App& command, ServerOptions& options) {
  command.add_option("-h,--host", options.host, "Address to listen on")
      ->envname("MLFLOW_HOST")
      ->capture_default_str();
  command.add_option("-p,--port", options.port, "Port to listen on (0: any free port)")
      ->envname("MLFLOW_PORT")
      ->capture_default_str();
  command
      .add_option("--backend-store-uri", options.backend_store_uri,
                  "Metadata store: sqlite:///PATH or a SQLite file path")
      ->envname("MLFLOW_BACKEND_STORE_URI")
      ->capture_default_str();
  command
      .add_option("--registry-store-uri", options.registry_store_uri,
                  "Must equal --backend-store-uri when given")
      ->envname("MLFLOW_REGISTRY_STORE_URI");
  command
      .add_option("--default-artifact-root", options.default_artifact_root,
                  "Artifact root for new experiments (default mlflow-artifacts:/ when "
                  "serving artifacts; file:// URI or path)")
      ->envname("MLFLOW_DEFAULT_ARTIFACT_ROOT");
  command
      .add_option("--artifacts-destination", options.artifacts_destination,
                  "Where proxied artifacts are stored (s3://BUCKET[/PREFIX], file:// URI or path)")
      ->envname("MLFLOW_ARTIFACTS_DESTINATION")
      ->capture_default_str();
  AddS3Flags(command, options);
  AddTenancyFlags(command, options);
  command.add_flag("--serve-artifacts,!--no-serve-artifacts", options.serve_artifacts,
                   "Serve /api/2.0/mlflow-artifacts (default: on)");
  command.add_flag("--artifacts-only", options.artifacts_only, "Not supported yet");
  command.add_option("-w,--workers", options.workers, "Request threads")
      ->envname("MLFLOW_WORKERS")
      ->capture_default_str();
  command.add_option("--log-level", options.log_level, "trace, debug, info, warn, error")
      ->capture_default_str();
  command.add_option("--static-prefix", options.static_prefix, "Not supported yet");
  command.add_option("--static-dir", options.static_dir,
                     "The built web UI to serve at / (default: <exe_dir>/../share/bucketflow/web, "
                     "then the source tree's web/dist)");
  command.add_option("--app-name", options.app_name, "Not supported");
  command.add_option("--gunicorn-opts", options.gunicorn_opts, "Accepted and ignored");
  command.add_option("--waitress-opts", options.waitress_opts, "Accepted and ignored");
  command.add_option("--uvicorn-opts", options.uvicorn_opts, "Accepted and ignored");
  command.add_option("--expose-prometheus", options.expose_prometheus, "Accepted and ignored");
  command.add_flag("--dev", options.dev, "Accepted and ignored");
}

Result<store::SqliteConfig> ResolveBackendStore(std::string_view uri) {
  std::string scheme = SchemeOf(uri);
  store::SqliteConfig sqlite;
  if (scheme.empty()) {
    sqlite.path = std::string(uri);
  } else if (scheme == "sqlite") {
    std::string_view rest = uri.substr(7);
    rest = rest.substr(0, rest.find('?'));  // SQLAlchemy query options do not apply
    if (!rest.starts_with("///") || rest.size() == 3 || rest == "///:memory:") {
      return Status::InvalidArgument(
          "--backend-store-uri must name a SQLite file: sqlite:///relative.db or "
          "sqlite:////absolute.db");
    }
    sqlite.path = std::string(rest.substr(3));
  } else if (scheme.starts_with("postgres") || scheme.starts_with("mysql") ||
             scheme.starts_with("mssql")) {
    // The URI may hold a password: name only the scheme.
    return Status::InvalidArgument("--backend-store-uri: '", scheme,
                                   "' stores are not supported yet; use sqlite:///PATH");
  } else {
    return Status::InvalidArgument("--backend-store-uri: '", scheme,
                                   "' is not a supported store; use sqlite:///PATH");
  }
  if (sqlite.path.empty()) {
    return Status::InvalidArgument("--backend-store-uri must not be empty");
  }
  std::error_code ec;
  if (fs::is_directory(sqlite.path, ec)) {
    return Status::InvalidArgument("--backend-store-uri ", sqlite.path,
                                   " is a directory (MLflow file stores are not supported); "
                                   "give a SQLite file such as ",
                                   (fs::path(sqlite.path) / "bucketflow.db").string());
  }
  return sqlite;
}

Result<ServerConfig> ResolveServerConfig(const ServerOptions& options) {
  RETURN_IF_ERROR(CheckRefusedFlags(options));
  RETURN_IF_ERROR(CheckListener(options));
  ServerConfig config;
  ASSIGN_OR_RETURN(config.sqlite, ResolveBackendStore(options.backend_store_uri));
  ASSIGN_OR_RETURN(config.store.default_artifact_root, ResolveDefaultArtifactRoot(options));
  config.api.serve_artifacts = options.serve_artifacts;
  if (SchemeOf(options.artifacts_destination) == "s3") {
    if (options.serve_artifacts) {
      ASSIGN_OR_RETURN(config.s3, ResolveS3Artifacts(options));
    }
  } else {
    RETURN_IF_ERROR(CheckNoS3Flags(options));
    if (options.serve_artifacts) {
      ASSIGN_OR_RETURN(config.artifacts_destination,
                       LocalDirectory("--artifacts-destination", options.artifacts_destination));
    }
  }
  RETURN_IF_ERROR(ResolvePresignedReads(options, config));
  ASSIGN_OR_RETURN(config.api.web_dir, ResolveWebDir(options.static_dir));
  config.http.host = options.host;
  config.http.port = static_cast<uint16_t>(options.port);
  config.http.threads = options.workers;
  config.http.handle_signals = true;
  config.log_level = options.log_level == "warning" ? "warn" : options.log_level;
  config.warnings = IgnoredFlagWarnings(options);
  RETURN_IF_ERROR(ResolveTenancy(options, config));
  return config;
}

}  // namespace bucketflow::app

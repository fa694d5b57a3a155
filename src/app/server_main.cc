#include "app/server_main.h"

#include <malloc.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include "api/routes.h"
#include "api/services.h"
#include "app/s3_artifacts.h"
#include "app/workspace_artifacts.h"
#include "artifacts/local/local_repository.h"
#include "auth/access.h"
#include "core/clock.h"
#include "http/router.h"
#include "http/server.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_store.h"
#include "store/workspace_scoped_store.h"

namespace bucketflow::app {
namespace {

// Artifact transfers allocate part- and chunk-sized buffers (MiBs) on whichever request thread
// runs them. With glibc's default, a freed large block raises the mmap threshold, so later ones
// come from per-thread arenas that keep their pages: RSS then grows by several buffers per
// thread and stays there. A fixed threshold keeps every large buffer a fresh mapping that is
// returned to the kernel when freed.
void ReturnLargeBuffersToTheKernel() {
  constexpr int kMmapThresholdBytes = 1 << 20;
  (void)mallopt(M_MMAP_THRESHOLD, kMmapThresholdBytes);
}

// Startup failures are one clear line, then a non-zero exit.
int Fail(const std::string& message) {
  std::fprintf(stderr, "bucketflow: %s\n", message.c_str());
  return 1;
}

std::shared_ptr<spdlog::logger> MakeLogger(const std::string& level) {
  // stderr, unbuffered per line: operators tail it and the e2e tests read it.
  auto logger = spdlog::stderr_logger_mt("bucketflow");
  logger->set_level(spdlog::level::from_str(level));
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  // Modules below app log through spdlog's default logger: make it this one, so every line
  // has the same format and level.
  spdlog::set_default_logger(logger);
  return logger;
}

// One line per request. Never bodies or headers: they may carry credentials.
http::AccessLogger MakeAccessLogger(std::shared_ptr<spdlog::logger> logger) {
  return [logger = std::move(logger)](const http::AccessRecord& record) {
    logger->info("{} \"{} {}\" {} {} {:.1f}ms", record.remote, record.method, record.target,
                 record.status, record.bytes_out, record.millis);
  };
}

std::string DisplayHost(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

// The artifact directory must be usable before the first upload, so that a bad
// --artifacts-destination fails at startup rather than on a client's request.
Status PrepareArtifactsDestination(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec || !std::filesystem::is_directory(path, ec)) {
    return Status::InvalidArgument("--artifacts-destination ", path, " is not a usable directory",
                                   ec ? ": " + ec.message() : std::string());
  }
  return Status::Ok();
}

// Runs whose artifact_uri is a file:// URI or a plain path are read in place, as MLflow does.
Result<std::unique_ptr<artifacts::ArtifactRepository>> OpenLocalRepository(std::string_view root) {
  return std::unique_ptr<artifacts::ArtifactRepository>(
      std::make_unique<artifacts::LocalArtifactRepository>(std::string(root)));
}

// With --auth, a database without users locks everyone out until one is created.
void WarnAboutAccess(const ServerConfig& config, store::AccessStore& access_store,
                     spdlog::logger& logger) {
  logger.info("auth {}", config.auth.enabled ? "on" : "off");
  if (!config.auth.enabled) {
    return;
  }
  Result<std::vector<store::User>> users = access_store.ListUsers();
  if (users.ok() && users->empty()) {
    logger.warn(
        "no users yet: create one with `bucketflow user add NAME --admin --password-stdin`");
  } else if (!users.ok()) {
    logger.warn("cannot list users: {}", users.status().message());
  }
}

// The default workspace's artifact store: --artifacts-destination (a directory or a bucket).
struct DefaultArtifacts {
  std::unique_ptr<S3Artifacts> s3;
  std::unique_ptr<artifacts::LocalArtifactRepository> local;
  artifacts::ArtifactRepository* repository = nullptr;
  std::string description = "not served";
};

Result<DefaultArtifacts> OpenDefaultArtifacts(const ServerConfig& config, const Clock& clock) {
  DefaultArtifacts opened;
  if (config.s3) {
    ASSIGN_OR_RETURN(opened.s3, S3Artifacts::Open(*config.s3, clock));
    opened.repository = &opened.s3->repository();
    opened.description = opened.s3->description();
  } else if (config.api.serve_artifacts) {
    RETURN_IF_ERROR(PrepareArtifactsDestination(config.artifacts_destination));
    opened.local =
        std::make_unique<artifacts::LocalArtifactRepository>(config.artifacts_destination);
    opened.repository = opened.local.get();
    opened.description = config.artifacts_destination;
  }
  return opened;
}

int Serve(const ServerConfig& config, api::Services& services,
          const std::shared_ptr<spdlog::logger>& logger) {
  http::Router router = api::BuildRouter(services);
  http::Server server(config.http, router, MakeAccessLogger(logger));
  if (Status started = server.Start(); !started.ok()) {
    return Fail("cannot listen on " + config.http.host + ":" + std::to_string(config.http.port) +
                ": " + started.message());
  }
  std::printf("Listening on http://%s:%u\n", DisplayHost(config.http.host).c_str(),
              static_cast<unsigned>(server.port()));
  std::fflush(stdout);
  server.Wait();
  logger->info("stopped");
  logger->flush();
  return 0;
}

}  // namespace

int RunServer(const ServerConfig& config) {
  ReturnLargeBuffersToTheKernel();
  std::shared_ptr<spdlog::logger> logger = MakeLogger(config.log_level);
  for (const std::string& warning : config.warnings) {
    logger->warn("{}", warning);
  }
  SystemClock clock;
  Result<std::unique_ptr<store::SqliteBackend>> backend =
      store::OpenSqliteBackend(config.sqlite, config.store, clock);
  if (!backend.ok()) {
    return Fail("cannot open the backend store " + config.sqlite.path + ": " +
                backend.status().message());
  }
  store::SqliteBackend& db = **backend;
  Result<DefaultArtifacts> artifacts = OpenDefaultArtifacts(config, clock);
  if (!artifacts.ok()) {
    return Fail(artifacts.status().message());
  }
  WorkspaceArtifactsConfig workspaces_config = config.workspaces;
  workspaces_config.access_store = &db;
  workspaces_config.default_repository = artifacts->repository;
  Result<std::unique_ptr<ServerWorkspaceArtifacts>> workspace_artifacts =
      ServerWorkspaceArtifacts::Create(std::move(workspaces_config), clock);
  if (!workspace_artifacts.ok()) {
    return Fail(workspace_artifacts.status().message());
  }
  auth::Access access(db, clock, config.auth);
  store::OwnershipCache ownership;
  api::Services services{.store = db,
                         .artifacts = artifacts->repository,
                         .open_local_repository = OpenLocalRepository,
                         .clock = clock,
                         .config = config.api,
                         .access = &access,
                         .access_store = &db,
                         .workspace_artifacts = workspace_artifacts->get(),
                         .ownership = &ownership};
  logger->info("store {}, artifacts {}, other workspaces' artifacts {}", config.sqlite.path,
               artifacts->description, config.workspaces.local_root);
  logger->info("web UI {}",
               config.api.web_dir.empty() ? "not built (see web/README.md)" : config.api.web_dir);
  WarnAboutAccess(config, db, *logger);
  return Serve(config, services, logger);
}

int RunDbUpgrade(std::string_view backend_store_uri) {
  Result<store::SqliteConfig> sqlite = ResolveBackendStore(backend_store_uri);
  if (!sqlite.ok()) {
    std::fprintf(stderr, "bucketflow: %s\n", sqlite.status().message().c_str());
    return 2;
  }
  // A one-off connection: no reader pool needed to migrate.
  sqlite->reader_connections = 1;
  SystemClock clock;
  Result<std::unique_ptr<store::Store>> store = store::OpenSqliteStore(*sqlite, {}, clock);
  if (!store.ok()) {
    return Fail("cannot open the backend store " + sqlite->path + ": " + store.status().message());
  }
  std::printf("Database %s is at schema version %d\n", sqlite->path.c_str(),
              store::LatestSchemaVersion());
  return 0;
}

}  // namespace bucketflow::app

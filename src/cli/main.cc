// `bucketflow`: the command line. Subcommands parse flags here and hand off to app/.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "app/config.h"
#include "app/server_main.h"
#include "cli/bucket_commands.h"
#include "cli/workspace_commands.h"

namespace {

constexpr int kUsageError = 2;

int UsageError(const std::string& message) {
  std::fprintf(stderr, "bucketflow: %s\n", message.c_str());
  return kUsageError;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Bucketflow: an MLflow-compatible experiment-tracking server", "bucketflow"};
  // `mlflow server` uses -h for --host, so help is --help only.
  app.set_help_flag("--help", "Print this help and exit");
  app.set_version_flag("--version", std::string("bucketflow ") + BUCKETFLOW_VERSION);
  app.require_subcommand(1);

  bucketflow::app::ServerOptions server_options;
  CLI::App* server = app.add_subcommand("server", "Run the tracking server (mlflow server flags)");
  server->set_help_flag("--help", "Print this help and exit");
  bucketflow::app::AddServerFlags(*server, server_options);

  CLI::App* db = app.add_subcommand("db", "Database maintenance");
  db->require_subcommand(1);
  CLI::App* upgrade = db->add_subcommand("upgrade", "Create or migrate the database");
  std::string upgrade_uri = server_options.backend_store_uri;
  upgrade->add_option("--backend-store-uri", upgrade_uri, "sqlite:///PATH or a SQLite file path")
      ->envname("MLFLOW_BACKEND_STORE_URI")
      ->capture_default_str();
  // MLflow's `mlflow db upgrade URL` takes the URI positionally.
  upgrade->add_option("url", upgrade_uri, "Same as --backend-store-uri");

  bucketflow::cli::BucketCommandState bucket_state;
  CLI::App* bucket = bucketflow::cli::AddBucketCommands(app, bucket_state);

  // workspace, user, token and audit: the admin commands (they run from parse callbacks).
  bucketflow::cli::AdminCommandState admin_state;
  admin_state.backend_store_uri = server_options.backend_store_uri;
  CLI::App* const admin_groups[] = {bucketflow::cli::AddWorkspaceCommands(app, admin_state),
                                    bucketflow::cli::AddUserCommands(app, admin_state),
                                    bucketflow::cli::AddTokenCommands(app, admin_state),
                                    bucketflow::cli::AddAuditCommands(app, admin_state)};

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help, --version
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return UsageError(e.what());
  }

  if (server->parsed()) {
    auto config = bucketflow::app::ResolveServerConfig(server_options);
    if (!config.ok()) {
      return UsageError(config.status().message());
    }
    return bucketflow::app::RunServer(*config);
  }
  if (upgrade->parsed()) {
    return bucketflow::app::RunDbUpgrade(upgrade_uri);
  }
  if (bucket->parsed()) {
    return bucket_state.exit_code;
  }
  for (const CLI::App* group : admin_groups) {
    if (group->parsed()) {
      return admin_state.exit_code;
    }
  }
  return UsageError(
      "a subcommand is required: server, db upgrade, bucket, workspace, user, token or audit");
}

#pragma once

#include <CLI/CLI.hpp>

#include "cli/admin_common.h"

// The admin commands of issue #6 (ws_common.md "CLI"): they open the database directly, do one
// thing, print a short result and append an audit entry for every change. Each Add* adds a
// group to `app` whose subcommands run from their parse callbacks and leave their exit status
// in `state.exit_code`; it returns the group so that main() can tell it was parsed.
namespace bucketflow::cli {

// `workspace create|list|show|delete` and `workspace bucket set|clear`.
CLI::App* AddWorkspaceCommands(CLI::App& app, AdminCommandState& state);
// `user add|remove|list`.
CLI::App* AddUserCommands(CLI::App& app, AdminCommandState& state);
// `token create|list|revoke`.
CLI::App* AddTokenCommands(CLI::App& app, AdminCommandState& state);
// `audit list`.
CLI::App* AddAuditCommands(CLI::App& app, AdminCommandState& state);

// `bucket set|clear` under the `workspace` group (workspace_bucket_command.cc).
void AddWorkspaceBucketCommands(CLI::App& workspace, AdminCommandState& state);

}  // namespace bucketflow::cli

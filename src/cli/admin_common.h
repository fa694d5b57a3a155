#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/status.h"
#include "store/access_store.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"

// Shared by the admin commands (`workspace`, `user`, `token`, `audit`): the database they open,
// exit codes, the audit actor, and the input checks they have in common.
namespace bucketflow::cli {

inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

// What the admin commands parse into. Owned by main() so it outlives parsing.
struct AdminCommandState {
  // Same default and environment variable as `bucketflow server`.
  std::string backend_store_uri = "sqlite:///./bucketflow-data/bucketflow.db";
  // Set by the subcommand that ran: 0 success, 1 failure, 2 bad input.
  int exit_code = 0;
};

// The database one admin command works on, opened directly (the server need not run).
// Not movable: the store keeps a reference to the clock.
struct AdminDb {
  SystemClock clock;
  std::unique_ptr<store::SqliteBackend> backend;

  store::Store& store() { return *backend; }
  store::AccessStore& access() { return *backend; }
  // Appends an audit entry by the CLI's actor.
  Status Audit(std::string_view workspace, std::string_view action, std::string_view target,
               std::string_view detail);
};

// Adds --backend-store-uri (env MLFLOW_BACKEND_STORE_URI) to a leaf command.
void AddBackendStoreFlag(CLI::App& command, AdminCommandState& state);

// Adds a leaf admin command with --help and --backend-store-uri to `group`.
CLI::App* AddAdminCommand(CLI::App& group, const std::string& name, const std::string& description,
                          AdminCommandState& state);

// Prints "bucketflow: <message>" on stderr and returns `code`.
int Fail(int code, std::string_view message);

// Runs `body` with the opened database and returns its exit code; a bad URI is a usage error,
// an unopenable database a failure.
template <typename Body>
int WithDb(const AdminCommandState& state, Body&& body);

Result<std::unique_ptr<AdminDb>> OpenAdminDb(std::string_view backend_store_uri);

// "cli:" + $USER, or "cli:uid<N>" when USER is unset.
std::string CliActor();

// The store's name rules (store/access_store.h), so that the CLI, the REST API and the store
// refuse the same names with the same words.
using store::ValidateUserName;
using store::ValidateWorkspaceName;

// "30d", "12h", "90m" or "3600s" -> seconds, between one minute and five years.
Result<int64_t> ParseExpiresIn(std::string_view text);

// One line from stdin, trailing "\n" / "\r\n" stripped; echo is turned off when stdin is a
// terminal. Checked like the REST API's passwords: 8..1024 bytes.
Result<std::string> ReadPasswordFromStdin();

// Prints the error of a failed change whose audit entry could not be written.
int AuditFailed(const Status& status);

template <typename Body>
int WithDb(const AdminCommandState& state, Body&& body) {
  Result<std::unique_ptr<AdminDb>> db = OpenAdminDb(state.backend_store_uri);
  if (!db.ok()) {
    const int code = db.status().code() == Code::kInvalidArgument ? kExitUsage : kExitFailure;
    return Fail(code, db.status().message());
  }
  return body(**db);
}

}  // namespace bucketflow::cli

// Pieces every admin command uses. The commands open the database themselves, so that an
// operator can create the first admin user before the server ever runs.
#include "cli/admin_common.h"

#include <termios.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "app/config.h"

namespace bucketflow::cli {
namespace {

constexpr size_t kMinPasswordBytes = 8;
constexpr size_t kMaxPasswordBytes = 1024;
constexpr int64_t kMinExpirySeconds = 60;
constexpr int64_t kMaxExpirySeconds = 5LL * 365 * 24 * 3600;

// Turns terminal echo off for its lifetime, so a typed password is not shown.
class EchoOff {
 public:
  EchoOff() {
    if (isatty(STDIN_FILENO) == 1 && tcgetattr(STDIN_FILENO, &saved_) == 0) {
      termios quiet = saved_;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      active_ = tcsetattr(STDIN_FILENO, TCSANOW, &quiet) == 0;
      std::fputs("Password: ", stderr);
    }
  }
  ~EchoOff() {
    if (active_) {
      tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
      std::fputs("\n", stderr);
    }
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;

 private:
  termios saved_{};
  bool active_ = false;
};

}  // namespace

Status AdminDb::Audit(std::string_view workspace, std::string_view action, std::string_view target,
                      std::string_view detail) {
  store::AuditEntry entry;
  entry.time = clock.NowMillis();
  entry.actor = CliActor();
  entry.workspace = std::string(workspace);
  if (!workspace.empty()) {
    // The log is read by workspace id; a workspace already gone (workspace.delete) stays unset.
    Result<store::Workspace> named = access().GetWorkspace(workspace);
    if (named.ok()) entry.workspace_id = named->id;
  }
  entry.action = std::string(action);
  entry.target = std::string(target);
  entry.detail = std::string(detail);
  return access().AppendAudit(entry);
}

void AddBackendStoreFlag(CLI::App& command, AdminCommandState& state) {
  command.set_help_flag("--help", "Print this help and exit");
  command
      .add_option("--backend-store-uri", state.backend_store_uri,
                  "sqlite:///PATH or a SQLite file path, as for `bucketflow server`")
      ->envname("MLFLOW_BACKEND_STORE_URI")
      ->capture_default_str();
}

CLI::App* AddAdminCommand(CLI::App& group, const std::string& name, const std::string& description,
                          AdminCommandState& state) {
  CLI::App* command = group.add_subcommand(name, description);
  AddBackendStoreFlag(*command, state);
  return command;
}

int Fail(int code, std::string_view message) {
  std::fprintf(stderr, "bucketflow: %.*s\n", static_cast<int>(message.size()), message.data());
  return code;
}

Result<std::unique_ptr<AdminDb>> OpenAdminDb(std::string_view backend_store_uri) {
  ASSIGN_OR_RETURN(store::SqliteConfig sqlite, app::ResolveBackendStore(backend_store_uri));
  // One command, one query at a time: no reader pool needed.
  sqlite.reader_connections = 1;
  auto db = std::make_unique<AdminDb>();
  Result<std::unique_ptr<store::SqliteBackend>> backend =
      store::OpenSqliteBackend(sqlite, store::Config{}, db->clock);
  if (!backend.ok()) {
    return Status::Internal("cannot open the backend store ", sqlite.path, ": ",
                            backend.status().message());
  }
  db->backend = std::move(*backend);
  return db;
}

std::string CliActor() {
  const char* user = std::getenv("USER");
  if (user != nullptr && *user != '\0') {
    return std::string("cli:") + user;
  }
  return "cli:uid" + std::to_string(getuid());
}

Result<int64_t> ParseExpiresIn(std::string_view text) {
  const Status bad = Status::InvalidArgument("--expires-in '", text,
                                             "' is not a duration like 30d, 12h, 90m or 3600s");
  if (text.size() < 2) {
    return bad;
  }
  int64_t count = 0;
  const char* end = text.data() + text.size() - 1;
  const auto [ptr, ec] = std::from_chars(text.data(), end, count);
  if (ec != std::errc() || ptr != end || count <= 0 || count > kMaxExpirySeconds) {
    return bad;
  }
  int64_t unit = 0;
  switch (text.back()) {
    case 'd':
      unit = 24 * 3600;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'm':
      unit = 60;
      break;
    case 's':
      unit = 1;
      break;
    default:
      return bad;
  }
  if (count > kMaxExpirySeconds / unit || count * unit < kMinExpirySeconds) {
    return Status::InvalidArgument("--expires-in '", text,
                                   "' must be between 60s and 5 years (1825d)");
  }
  return count * unit;
}

Result<std::string> ReadPasswordFromStdin() {
  std::string line;
  {
    EchoOff echo_off;
    if (!std::getline(std::cin, line)) {
      return Status::InvalidArgument("--password-stdin: no password on stdin");
    }
  }
  if (!line.empty() && line.back() == '\r') {
    line.pop_back();
  }
  if (line.size() < kMinPasswordBytes || line.size() > kMaxPasswordBytes) {
    return Status::InvalidArgument("the password must be 8 to 1024 bytes long");
  }
  return line;
}

int AuditFailed(const Status& status) {
  return Fail(kExitFailure,
              "the change was made, but its audit entry could not be written: " + status.message());
}

}  // namespace bucketflow::cli

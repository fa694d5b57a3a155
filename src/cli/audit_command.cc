// `bucketflow audit list`: the newest audit entries, optionally of one workspace or action.
#include <algorithm>
#include <boost/json.hpp>
#include <memory>
#include <string>
#include <vector>

#include "cli/admin_output.h"
#include "cli/workspace_commands.h"

namespace bucketflow::cli {
namespace {

namespace json = boost::json;

constexpr int64_t kMaxPageSize = 1000;  // the store's limit per page

struct AuditFlags {
  std::string workspace;
  std::string action;
  int64_t limit = 50;
  bool json = false;
};

// Up to `flags.limit` entries, newest first, over as many store pages as that takes.
Result<std::vector<store::AuditEntry>> Entries(AdminDb& db, const AuditFlags& flags) {
  store::AuditQuery query;
  if (!flags.workspace.empty()) {
    // By id: the entries of an earlier workspace of the same name are not this one's.
    ASSIGN_OR_RETURN(store::Workspace workspace, db.access().GetWorkspace(flags.workspace));
    query.workspace_id = workspace.id;
  }
  query.action = flags.action;
  std::vector<store::AuditEntry> entries;
  do {
    query.max_results = std::min(kMaxPageSize, flags.limit - static_cast<int64_t>(entries.size()));
    ASSIGN_OR_RETURN(store::AuditPage page, db.access().ListAudit(query));
    for (store::AuditEntry& entry : page.entries) {
      entries.push_back(std::move(entry));
    }
    query.page_token = page.next_page_token;
  } while (!query.page_token.empty() && static_cast<int64_t>(entries.size()) < flags.limit);
  return entries;
}

int RunList(const AdminCommandState& state, const AuditFlags& flags) {
  if (flags.limit < 1) {
    return Fail(kExitUsage, "--limit must be at least 1");
  }
  return WithDb(state, [&flags](AdminDb& db) {
    Result<std::vector<store::AuditEntry>> entries = Entries(db, flags);
    if (!entries.ok()) {
      return Fail(kExitFailure, entries.status().message());
    }
    if (flags.json) {
      json::array out;
      for (const store::AuditEntry& entry : *entries) {
        out.push_back(AuditEntryJson(entry));
      }
      PrintJson(json::object{{"entries", std::move(out)}});
      return 0;
    }
    std::vector<std::vector<std::string>> rows;
    for (const store::AuditEntry& entry : *entries) {
      rows.push_back({FormatTime(entry.time), entry.actor,
                      entry.workspace.empty() ? "-" : entry.workspace, entry.action,
                      entry.target.empty() ? "-" : entry.target, entry.detail});
    }
    PrintTable({"TIME", "ACTOR", "WORKSPACE", "ACTION", "TARGET", "DETAIL"}, rows);
    return 0;
  });
}

}  // namespace

CLI::App* AddAuditCommands(CLI::App& app, AdminCommandState& state) {
  CLI::App* group = app.add_subcommand("audit", "Read the audit log");
  group->set_help_flag("--help", "Print this help and exit");
  group->require_subcommand(1);
  // Shared by the callback below, which CLI11 keeps as long as the App.
  auto flags = std::make_shared<AuditFlags>();

  CLI::App* list = AddAdminCommand(*group, "list", "The newest audit entries first", state);
  list->add_option("--workspace", flags->workspace, "Only this workspace's entries");
  list->add_option("--action", flags->action, "Only this action (e.g. token.create, bucket.set)");
  list->add_option("--limit", flags->limit, "At most this many entries")->capture_default_str();
  list->add_flag("--json", flags->json, "Print JSON");
  list->callback([&state, flags] { state.exit_code = RunList(state, *flags); });
  return group;
}

}  // namespace bucketflow::cli

// The audit log: append-only, read newest first in pages keyed by audit id.
#include <charconv>
#include <limits>
#include <optional>
#include <string>
#include <system_error>

#include "store/sqlite/sqlite_store_internal.h"

namespace bucketflow::store {
namespace {

constexpr int64_t kMaxAuditPage = 1000;

// One statement per workspace filter, so that each can use the (workspace_id, audit_id) index.
// The action filter is switched off by an empty ?1; ?2 is the exclusive upper bound on audit_id,
// ?3 the row limit, ?4 the workspace id.
constexpr char kListAllAudit[] =
    "SELECT audit_id, time, actor, workspace, workspace_id, action, target, detail "
    "FROM audit_log WHERE (?1 = '' OR action = ?1) AND audit_id < ?2 "
    "ORDER BY audit_id DESC LIMIT ?3";
constexpr char kListServerWideAudit[] =
    "SELECT audit_id, time, actor, workspace, workspace_id, action, target, detail "
    "FROM audit_log WHERE workspace_id IS NULL AND (?1 = '' OR action = ?1) AND audit_id < ?2 "
    "ORDER BY audit_id DESC LIMIT ?3";
constexpr char kListWorkspaceAudit[] =
    "SELECT audit_id, time, actor, workspace, workspace_id, action, target, detail "
    "FROM audit_log WHERE workspace_id = ?4 AND (?1 = '' OR action = ?1) AND audit_id < ?2 "
    "ORDER BY audit_id DESC LIMIT ?3";

const char* ListAuditSql(const std::optional<int64_t>& workspace_id) {
  if (!workspace_id.has_value()) {
    return kListAllAudit;
  }
  return *workspace_id == kServerWideAudit ? kListServerWideAudit : kListWorkspaceAudit;
}

AuditEntry AuditEntryFromRow(Statement& stmt) {
  AuditEntry entry{.id = stmt.ColumnInt(0),
                   .time = stmt.ColumnInt(1),
                   .actor = stmt.ColumnText(2),
                   .workspace = stmt.ColumnText(3),
                   .workspace_id = std::nullopt,
                   .action = stmt.ColumnText(5),
                   .target = stmt.ColumnText(6),
                   .detail = stmt.ColumnText(7)};
  if (!stmt.ColumnIsNull(4)) {
    entry.workspace_id = stmt.ColumnInt(4);
  }
  return entry;
}

// The token is the decimal id of the last entry of the previous page; the next page starts
// below it. An empty token starts at the newest entry.
Result<int64_t> DecodeAuditToken(std::string_view token) {
  if (token.empty()) {
    return std::numeric_limits<int64_t>::max();
  }
  int64_t value = 0;
  auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (error != std::errc() || end != token.data() + token.size() || value <= 0) {
    return Status::InvalidArgument("invalid page_token for the audit log");
  }
  return value;
}

}  // namespace

Status SqliteStore::AppendAudit(const AuditEntry& entry) {
  if (entry.action.empty() || entry.actor.empty()) {
    return Status::InvalidArgument("an audit entry needs an actor and an action");
  }
  return writer_.Submit([&](Database& db) -> Status {
    ASSIGN_OR_RETURN(auto stmt,
                     db.Cached("INSERT INTO audit_log (time, actor, workspace, workspace_id, "
                               "action, target, detail) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    return stmt->Bind(1, entry.time)
        .BindStatic(2, entry.actor)
        .BindStatic(3, entry.workspace)
        .Bind(4, entry.workspace_id)  // NULL when unset
        .BindStatic(5, entry.action)
        .BindStatic(6, entry.target)
        .BindStatic(7, entry.detail)
        .Run();
  });
}

Result<AuditPage> SqliteStore::ListAudit(const AuditQuery& query) {
  if (query.max_results < 1 || query.max_results > kMaxAuditPage) {
    return Status::InvalidArgument("max_results must be between 1 and ", kMaxAuditPage, ", got ",
                                   query.max_results);
  }
  ASSIGN_OR_RETURN(int64_t below, DecodeAuditToken(query.page_token));
  ReaderPool::Lease reader = readers_->Acquire();
  ASSIGN_OR_RETURN(auto stmt, reader.db().Cached(ListAuditSql(query.workspace_id)));
  if (query.workspace_id.has_value() && *query.workspace_id != kServerWideAudit) {
    stmt->Bind(4, *query.workspace_id);
  }
  // One row more than the page tells whether another page follows.
  stmt->BindStatic(1, query.action).Bind(2, below).Bind(3, query.max_results + 1);
  AuditPage page;
  for (;;) {
    ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) {
      break;
    }
    if (static_cast<int64_t>(page.entries.size()) == query.max_results) {
      page.next_page_token = std::to_string(page.entries.back().id);
      break;
    }
    page.entries.push_back(AuditEntryFromRow(*stmt));
  }
  return page;
}

}  // namespace bucketflow::store

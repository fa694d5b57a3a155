// The audit log: append-only, read newest first in pages keyed by audit id.
#include <charconv>
#include <limits>
#include <string>
#include <system_error>

#include "store/sqlite/sqlite_store_internal.h"

namespace bucketflow::store {
namespace {

constexpr int64_t kMaxAuditPage = 1000;

// Filters are switched off by bound values (NULL workspace, empty action); ?3 is the exclusive
// upper bound on audit_id, ?4 the row limit.
constexpr char kListAudit[] =
    "SELECT audit_id, time, actor, workspace, action, target, detail FROM audit_log "
    "WHERE (?1 IS NULL OR workspace = ?1) AND (?2 = '' OR action = ?2) AND audit_id < ?3 "
    "ORDER BY audit_id DESC LIMIT ?4";

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
    ASSIGN_OR_RETURN(auto stmt, db.Cached("INSERT INTO audit_log (time, actor, workspace, action, "
                                          "target, detail) VALUES (?, ?, ?, ?, ?, ?)"));
    return stmt->Bind(1, entry.time)
        .BindStatic(2, entry.actor)
        .BindStatic(3, entry.workspace)
        .BindStatic(4, entry.action)
        .BindStatic(5, entry.target)
        .BindStatic(6, entry.detail)
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
  ASSIGN_OR_RETURN(auto stmt, reader.db().Cached(kListAudit));
  if (query.workspace.has_value()) {
    stmt->BindStatic(1, *query.workspace);
  }
  // One row more than the page tells whether another page follows.
  stmt->BindStatic(2, query.action).Bind(3, below).Bind(4, query.max_results + 1);
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
    page.entries.push_back({.id = stmt->ColumnInt(0),
                            .time = stmt->ColumnInt(1),
                            .actor = stmt->ColumnText(2),
                            .workspace = stmt->ColumnText(3),
                            .action = stmt->ColumnText(4),
                            .target = stmt->ColumnText(5),
                            .detail = stmt->ColumnText(6)});
  }
  return page;
}

}  // namespace bucketflow::store

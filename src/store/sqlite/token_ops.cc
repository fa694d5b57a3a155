// API tokens: stored by the hash of their secret, optionally bound to one workspace.
#include <string>
#include <vector>

#include "store/sqlite/sqlite_store_internal.h"

namespace bucketflow::store {
namespace {

constexpr char kSelectToken[] =
    "SELECT t.token_id, t.user_id, u.name, t.workspace_id, coalesce(w.name, ''), t.name, "
    "t.hash, t.creation_time, t.expiry_time, t.revocation_time FROM tokens t "
    "JOIN users u ON u.user_id = t.user_id "
    "LEFT JOIN workspaces w ON w.workspace_id = t.workspace_id ";

Token TokenFromRow(Statement& stmt) {
  return Token{.id = stmt.ColumnInt(0),
               .user_id = stmt.ColumnInt(1),
               .user_name = stmt.ColumnText(2),
               .workspace_id = stmt.ColumnOptionalInt(3),
               .workspace_name = stmt.ColumnText(4),
               .name = stmt.ColumnText(5),
               .hash = stmt.ColumnText(6),
               .creation_time = stmt.ColumnInt(7),
               .expiry_time = stmt.ColumnOptionalInt(8),
               .revocation_time = stmt.ColumnOptionalInt(9)};
}

Status TokenNotFound(int64_t token_id) {
  return Status::NotFound("token with id ", token_id, " does not exist");
}

// Each filter is either applied or switched off by a bound flag, so one cached statement
// serves every combination.
constexpr char kListTokens[] =
    "WHERE (?1 IS NULL OR t.user_id = ?1) AND (?2 IS NULL OR t.workspace_id = ?2) "
    "AND (?3 = 1 OR t.revocation_time IS NULL) ORDER BY t.token_id DESC";

}  // namespace

Result<Token> SqliteStore::CreateToken(const Token& token) {
  if (token.hash.empty()) {
    return Status::InvalidArgument("a token needs the hash of its secret");
  }
  int64_t token_id = 0;
  Status status = writer_.Submit([&](Database& db) -> Status {
    RETURN_IF_ERROR(CheckUserExists(db, token.user_id));
    if (token.workspace_id.has_value()) {
      RETURN_IF_ERROR(CheckWorkspaceExists(db, *token.workspace_id));
    }
    ASSIGN_OR_RETURN(auto insert, db.Cached("INSERT INTO tokens (user_id, workspace_id, name, "
                                            "hash, creation_time, expiry_time) "
                                            "VALUES (?, ?, ?, ?, ?, ?)"));
    Status inserted = insert->Bind(1, token.user_id)
                          .Bind(2, token.workspace_id)
                          .BindStatic(3, token.name)
                          .BindStatic(4, token.hash)
                          .Bind(5, clock_.NowMillis())
                          .Bind(6, token.expiry_time)
                          .Run();
    if (inserted.code() == Code::kAlreadyExists) {
      return Status::AlreadyExists("a token with this secret already exists");
    }
    RETURN_IF_ERROR(inserted);
    token_id = db.LastInsertRowid();
    return Status::Ok();
  });
  RETURN_IF_ERROR(status);
  return GetToken(token_id);
}

Result<Token> SqliteStore::FindToken(std::string_view hash) {
  ReaderPool::Lease reader = readers_->Acquire();
  ASSIGN_OR_RETURN(auto stmt, reader.db().Cached(std::string(kSelectToken) + "WHERE t.hash = ?"));
  ASSIGN_OR_RETURN(bool row, stmt->BindStatic(1, hash).Step());
  if (!row) {
    return Status::NotFound("no such token");  // never echo the hash
  }
  return TokenFromRow(*stmt);
}

Result<Token> SqliteStore::GetToken(int64_t token_id) {
  ReaderPool::Lease reader = readers_->Acquire();
  ASSIGN_OR_RETURN(auto stmt,
                   reader.db().Cached(std::string(kSelectToken) + "WHERE t.token_id = ?"));
  ASSIGN_OR_RETURN(bool row, stmt->Bind(1, token_id).Step());
  if (!row) {
    return TokenNotFound(token_id);
  }
  return TokenFromRow(*stmt);
}

Result<std::vector<Token>> SqliteStore::ListTokens(const TokenFilter& filter) {
  ReaderPool::Lease reader = readers_->Acquire();
  ASSIGN_OR_RETURN(auto stmt, reader.db().Cached(std::string(kSelectToken) + kListTokens));
  stmt->Bind(1, filter.user_id)
      .Bind(2, filter.workspace_id)
      .Bind(3, int64_t{filter.include_revoked ? 1 : 0});
  std::vector<Token> tokens;
  for (;;) {
    ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) {
      return tokens;
    }
    tokens.push_back(TokenFromRow(*stmt));
  }
}

Status SqliteStore::RevokeToken(int64_t token_id, int64_t revocation_time) {
  return writer_.Submit([&](Database& db) -> Status {
    // coalesce: the first revocation time stands.
    ASSIGN_OR_RETURN(auto stmt, db.Cached("UPDATE tokens SET revocation_time = "
                                          "coalesce(revocation_time, ?) WHERE token_id = ?"));
    RETURN_IF_ERROR(stmt->Bind(1, revocation_time).Bind(2, token_id).Run());
    return db.Changes() > 0 ? Status::Ok() : TokenNotFound(token_id);
  });
}

}  // namespace bucketflow::store

// Users and their memberships in workspaces.
#include <string>
#include <vector>

#include "store/sqlite/sqlite_store_internal.h"

namespace bucketflow::store {
namespace {

constexpr char kSelectUser[] =
    "SELECT user_id, name, password_hash, is_admin, creation_time FROM users ";

constexpr char kSelectMembership[] =
    "SELECT m.workspace_id, w.name, m.user_id, u.name, m.role FROM memberships m "
    "JOIN workspaces w ON w.workspace_id = m.workspace_id "
    "JOIN users u ON u.user_id = m.user_id ";

User UserFromRow(Statement& stmt) {
  return User{.id = stmt.ColumnInt(0),
              .name = stmt.ColumnText(1),
              .password_hash = stmt.ColumnText(2),
              .is_admin = stmt.ColumnInt(3) != 0,
              .creation_time = stmt.ColumnInt(4)};
}

Result<std::vector<Membership>> ReadMemberships(Statement& stmt) {
  std::vector<Membership> memberships;
  for (;;) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) {
      return memberships;
    }
    std::optional<Role> role = ParseRoleNumber(stmt.ColumnInt(4));
    if (!role) {
      return Status::Internal("membership with unknown role ", stmt.ColumnInt(4));
    }
    memberships.push_back({.workspace_id = stmt.ColumnInt(0),
                           .workspace_name = stmt.ColumnText(1),
                           .user_id = stmt.ColumnInt(2),
                           .user_name = stmt.ColumnText(3),
                           .role = *role});
  }
}

Result<User> ReadOneUser(Statement& stmt, Status not_found) {
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) {
    return not_found;
  }
  return UserFromRow(stmt);
}

}  // namespace

std::optional<Role> ParseRoleNumber(int64_t number) {
  if (number < static_cast<int64_t>(Role::kReader) || number > static_cast<int64_t>(Role::kAdmin)) {
    return std::nullopt;
  }
  return static_cast<Role>(number);
}

Status UserIdNotFound(int64_t user_id) {
  return Status::NotFound("user with id ", user_id, " does not exist");
}

Status CheckUserExists(Database& db, int64_t user_id) {
  ASSIGN_OR_RETURN(auto stmt, db.Cached("SELECT 1 FROM users WHERE user_id = ?"));
  ASSIGN_OR_RETURN(bool row, stmt->Bind(1, user_id).Step());
  return row ? Status::Ok() : UserIdNotFound(user_id);
}

Result<User> SqliteStore::CreateUser(const User& user) {
  RETURN_IF_ERROR(ValidateUserName(user.name));
  User created = user;
  created.creation_time = clock_.NowMillis();
  Status status = writer_.Submit([&](Database& db) -> Status {
    ASSIGN_OR_RETURN(auto insert, db.Cached("INSERT INTO users (name, password_hash, is_admin, "
                                            "creation_time) VALUES (?, ?, ?, ?)"));
    Status inserted = insert->BindStatic(1, created.name)
                          .BindStatic(2, created.password_hash)
                          .Bind(3, int64_t{created.is_admin ? 1 : 0})
                          .Bind(4, created.creation_time)
                          .Run();
    if (inserted.code() == Code::kAlreadyExists) {
      return Status::AlreadyExists("user '", created.name, "' already exists");
    }
    RETURN_IF_ERROR(inserted);
    created.id = db.LastInsertRowid();
    return Status::Ok();
  });
  RETURN_IF_ERROR(status);
  return created;
}

Result<User> SqliteStore::GetUser(std::string_view name) {
  ReaderPool::Lease reader = readers_->Acquire();
  ASSIGN_OR_RETURN(auto stmt, reader.db().Cached(std::string(kSelectUser) + "WHERE name = ?"));
  stmt->BindStatic(1, name);
  return ReadOneUser(*stmt, Status::NotFound("user '", name, "' does not exist"));
}

Result<User> SqliteStore::GetUserById(int64_t user_id) {
  ReaderPool::Lease reader = readers_->Acquire();
  ASSIGN_OR_RETURN(auto stmt, reader.db().Cached(std::string(kSelectUser) + "WHERE user_id = ?"));
  stmt->Bind(1, user_id);
  return ReadOneUser(*stmt, UserIdNotFound(user_id));
}

Result<std::vector<User>> SqliteStore::ListUsers() {
  ReaderPool::Lease reader = readers_->Acquire();
  ASSIGN_OR_RETURN(auto stmt, reader.db().Cached(std::string(kSelectUser) + "ORDER BY name"));
  std::vector<User> users;
  for (;;) {
    ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) {
      return users;
    }
    users.push_back(UserFromRow(*stmt));
  }
}

Status SqliteStore::DeleteUser(int64_t user_id) {
  return writer_.Submit([&](Database& db) -> Status {
    RETURN_IF_ERROR(CheckUserExists(db, user_id));
    for (const char* sql :
         {"DELETE FROM memberships WHERE user_id = ?", "DELETE FROM tokens WHERE user_id = ?",
          "DELETE FROM users WHERE user_id = ?"}) {
      ASSIGN_OR_RETURN(auto stmt, db.Cached(sql));
      RETURN_IF_ERROR(stmt->Bind(1, user_id).Run());
    }
    return Status::Ok();
  });
}

Status SqliteStore::SetUserPassword(int64_t user_id, std::string_view password_hash) {
  return writer_.Submit([&](Database& db) -> Status {
    ASSIGN_OR_RETURN(auto stmt, db.Cached("UPDATE users SET password_hash = ? WHERE user_id = ?"));
    RETURN_IF_ERROR(stmt->BindStatic(1, password_hash).Bind(2, user_id).Run());
    return db.Changes() > 0 ? Status::Ok() : UserIdNotFound(user_id);
  });
}

Status SqliteStore::SetMembership(int64_t workspace_id, int64_t user_id, Role role) {
  if (!ParseRoleNumber(static_cast<int64_t>(role))) {
    return Status::InvalidArgument("unknown role ", static_cast<int>(role));
  }
  return writer_.Submit([&](Database& db) -> Status {
    RETURN_IF_ERROR(CheckWorkspaceExists(db, workspace_id));
    RETURN_IF_ERROR(CheckUserExists(db, user_id));
    ASSIGN_OR_RETURN(auto stmt, db.Cached("INSERT INTO memberships (workspace_id, user_id, role) "
                                          "VALUES (?, ?, ?) ON CONFLICT (workspace_id, user_id) "
                                          "DO UPDATE SET role = excluded.role"));
    return stmt->Bind(1, workspace_id).Bind(2, user_id).Bind(3, static_cast<int64_t>(role)).Run();
  });
}

Status SqliteStore::RemoveMembership(int64_t workspace_id, int64_t user_id) {
  return writer_.Submit([&](Database& db) -> Status {
    ASSIGN_OR_RETURN(auto stmt,
                     db.Cached("DELETE FROM memberships WHERE workspace_id = ? AND user_id = ?"));
    RETURN_IF_ERROR(stmt->Bind(1, workspace_id).Bind(2, user_id).Run());
    if (db.Changes() == 0) {
      return Status::NotFound("user with id ", user_id, " is not a member of workspace with id ",
                              workspace_id);
    }
    return Status::Ok();
  });
}

Result<std::vector<Membership>> SqliteStore::ListWorkspaceMembers(int64_t workspace_id) {
  ReaderPool::Lease reader = readers_->Acquire();
  RETURN_IF_ERROR(CheckWorkspaceExists(reader.db(), workspace_id));
  ASSIGN_OR_RETURN(auto stmt, reader.db().Cached(std::string(kSelectMembership) +
                                                 "WHERE m.workspace_id = ? ORDER BY u.name"));
  stmt->Bind(1, workspace_id);
  return ReadMemberships(*stmt);
}

Result<std::vector<Membership>> SqliteStore::ListUserMemberships(int64_t user_id) {
  ReaderPool::Lease reader = readers_->Acquire();
  RETURN_IF_ERROR(CheckUserExists(reader.db(), user_id));
  ASSIGN_OR_RETURN(auto stmt, reader.db().Cached(std::string(kSelectMembership) +
                                                 "WHERE m.user_id = ? ORDER BY w.name"));
  stmt->Bind(1, user_id);
  return ReadMemberships(*stmt);
}

}  // namespace bucketflow::store

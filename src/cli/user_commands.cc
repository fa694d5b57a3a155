// `bucketflow user add|remove|list`. Passwords come from stdin only: a password in argv would
// be visible to every local user in the process list and end up in shell history.
#include <boost/json.hpp>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "auth/password.h"
#include "cli/admin_output.h"
#include "cli/workspace_commands.h"

namespace bucketflow::cli {
namespace {

namespace json = boost::json;

struct UserFlags {
  std::string name;
  bool admin = false;
  bool password_stdin = false;
  std::string workspace;
  std::string role;
  bool json = false;
};

// What `user add` was asked to do, checked before the database is opened.
struct AddRequest {
  std::optional<std::string> password_hash;  // argon2id; set with --password-stdin
  std::optional<store::Role> role;           // set with a workspace
};

Result<AddRequest> CheckAddFlags(const UserFlags& flags) {
  AddRequest request;
  RETURN_IF_ERROR(ValidateUserName(flags.name));
  if (flags.workspace.empty() != flags.role.empty()) {
    return Status::InvalidArgument("--workspace and --role go together");
  }
  if (!flags.workspace.empty()) {
    RETURN_IF_ERROR(ValidateWorkspaceName(flags.workspace));
    request.role = store::ParseRole(flags.role);
    if (!request.role.has_value()) {
      return Status::InvalidArgument("--role '", flags.role,
                                     "' is not one of reader, editor, admin");
    }
  }
  if (flags.password_stdin) {
    ASSIGN_OR_RETURN(const std::string password, ReadPasswordFromStdin());
    ASSIGN_OR_RETURN(request.password_hash, auth::HashPassword(password));
  }
  return request;
}

// `user add` for an existing user: sets the password when one was given; otherwise only a
// membership may follow. Returns the exit code; 0 lets the caller go on to the membership.
int UpdateExistingUser(AdminDb& db, const UserFlags& flags, const AddRequest& request,
                       const store::User& user) {
  if (flags.admin && !user.is_admin) {
    return Fail(kExitFailure, "user '" + user.name +
                                  "' already exists and is not a server admin; remove it and "
                                  "add it again with --admin");
  }
  if (!request.password_hash.has_value()) {
    return request.role.has_value() ? 0
                                    : Fail(kExitFailure, "user '" + user.name + "' already exists");
  }
  if (Status set = db.access().SetUserPassword(user.id, *request.password_hash); !set.ok()) {
    return Fail(kExitFailure, set.message());
  }
  if (Status audit = db.Audit("", "user.password", user.name, ""); !audit.ok()) {
    return AuditFailed(audit);
  }
  std::printf("Set the password of user %s\n", user.name.c_str());
  return 0;
}

// Creates the user, or updates an existing one. Returns the exit code (0: go on).
int CreateOrUpdateUser(AdminDb& db, const UserFlags& flags, const AddRequest& request,
                       store::User& user) {
  Result<store::User> existing = db.access().GetUser(flags.name);
  if (existing.ok()) {
    user = std::move(*existing);
    return UpdateExistingUser(db, flags, request, user);
  }
  if (existing.status().code() != Code::kNotFound) {
    return Fail(kExitFailure, existing.status().message());
  }
  const bool with_password = request.password_hash.has_value();
  Result<store::User> created =
      db.access().CreateUser({.name = flags.name,
                              .password_hash = request.password_hash.value_or(""),
                              .is_admin = flags.admin});
  if (!created.ok()) {
    return Fail(kExitFailure, created.status().message());
  }
  user = std::move(*created);
  const std::string detail =
      json::serialize(json::object{{"is_admin", user.is_admin}, {"password", with_password}});
  if (Status audit = db.Audit("", "user.create", user.name, detail); !audit.ok()) {
    return AuditFailed(audit);
  }
  std::printf("Created user %s%s%s\n", user.name.c_str(), user.is_admin ? " (server admin)" : "",
              with_password ? " with a password" : " (tokens only, no password)");
  return 0;
}

int RunAdd(const AdminCommandState& state, const UserFlags& flags) {
  Result<AddRequest> request = CheckAddFlags(flags);
  if (!request.ok()) {
    return Fail(kExitUsage, request.status().message());
  }
  return WithDb(state, [&flags, &request](AdminDb& db) {
    std::optional<store::Workspace> workspace;
    if (request->role.has_value()) {
      Result<store::Workspace> found = db.access().GetWorkspace(flags.workspace);
      if (!found.ok()) {
        return Fail(kExitFailure, found.status().message());
      }
      workspace = std::move(*found);
    }
    store::User user;
    if (int code = CreateOrUpdateUser(db, flags, *request, user); code != 0) {
      return code;
    }
    if (!workspace.has_value()) {
      return 0;
    }
    if (Status set = db.access().SetMembership(workspace->id, user.id, *request->role); !set.ok()) {
      return Fail(kExitFailure, set.message());
    }
    const std::string role(store::RoleName(*request->role));
    const std::string detail = json::serialize(json::object{{"role", role}});
    if (Status audit = db.Audit(workspace->name, "member.set", user.name, detail); !audit.ok()) {
      return AuditFailed(audit);
    }
    std::printf("User %s is %s of workspace %s\n", user.name.c_str(), role.c_str(),
                workspace->name.c_str());
    return 0;
  });
}

int RemoveMember(AdminDb& db, const store::User& user, const std::string& workspace_name) {
  Result<store::Workspace> workspace = db.access().GetWorkspace(workspace_name);
  if (!workspace.ok()) {
    return Fail(kExitFailure, workspace.status().message());
  }
  if (Status removed = db.access().RemoveMembership(workspace->id, user.id); !removed.ok()) {
    return Fail(kExitFailure, removed.message());
  }
  if (Status audit = db.Audit(workspace->name, "member.remove", user.name, ""); !audit.ok()) {
    return AuditFailed(audit);
  }
  std::printf("Removed user %s from workspace %s\n", user.name.c_str(), workspace->name.c_str());
  return 0;
}

int RunRemove(const AdminCommandState& state, const UserFlags& flags) {
  if (Status valid = ValidateUserName(flags.name); !valid.ok()) {
    return Fail(kExitUsage, valid.message());
  }
  return WithDb(state, [&flags](AdminDb& db) {
    Result<store::User> user = db.access().GetUser(flags.name);
    if (!user.ok()) {
      return Fail(kExitFailure, user.status().message());
    }
    if (!flags.workspace.empty()) {
      return RemoveMember(db, *user, flags.workspace);
    }
    if (Status deleted = db.access().DeleteUser(user->id); !deleted.ok()) {
      return Fail(kExitFailure, deleted.message());
    }
    if (Status audit = db.Audit("", "user.delete", user->name, ""); !audit.ok()) {
      return AuditFailed(audit);
    }
    std::printf("Deleted user %s with their memberships and tokens\n", user->name.c_str());
    return 0;
  });
}

std::string MembershipsText(const std::vector<store::Membership>& memberships) {
  std::string text;
  for (const store::Membership& membership : memberships) {
    text += (text.empty() ? "" : ",") + membership.workspace_name + ":" +
            std::string(store::RoleName(membership.role));
  }
  return text.empty() ? "-" : text;
}

int RunList(const AdminCommandState& state, const UserFlags& flags) {
  return WithDb(state, [&flags](AdminDb& db) {
    Result<std::vector<store::User>> users = db.access().ListUsers();
    if (!users.ok()) {
      return Fail(kExitFailure, users.status().message());
    }
    json::array out;
    std::vector<std::vector<std::string>> rows;
    for (const store::User& user : *users) {
      Result<std::vector<store::Membership>> memberships = db.access().ListUserMemberships(user.id);
      if (!memberships.ok()) {
        return Fail(kExitFailure, memberships.status().message());
      }
      json::object entry = UserJson(user);
      json::array workspaces;
      for (const store::Membership& membership : *memberships) {
        workspaces.push_back(json::object{{"name", membership.workspace_name},
                                          {"role", store::RoleName(membership.role)}});
      }
      entry["workspaces"] = std::move(workspaces);
      out.push_back(std::move(entry));
      rows.push_back({user.name, user.is_admin ? "yes" : "no",
                      user.password_hash.empty() ? "no" : "yes", FormatTime(user.creation_time),
                      MembershipsText(*memberships)});
    }
    if (flags.json) {
      PrintJson(json::object{{"users", std::move(out)}});
    } else {
      PrintTable({"NAME", "ADMIN", "PASSWORD", "CREATED", "WORKSPACES"}, rows);
    }
    return 0;
  });
}

}  // namespace

CLI::App* AddUserCommands(CLI::App& app, AdminCommandState& state) {
  CLI::App* group = app.add_subcommand("user", "Add, remove and list users");
  group->set_help_flag("--help", "Print this help and exit");
  group->require_subcommand(1);
  // Shared by the callbacks below, which CLI11 keeps as long as the App.
  auto flags = std::make_shared<UserFlags>();

  CLI::App* add = AddAdminCommand(
      *group, "add", "Create a user if missing, and set its role in a workspace if given", state);
  add->add_option("name", flags->name, "User name")->required();
  add->add_flag("--admin", flags->admin, "A server admin: everything, everywhere");
  add->add_flag("--password-stdin", flags->password_stdin,
                "Read the password (one line, 8 to 1024 bytes) from stdin");
  add->add_option("--workspace", flags->workspace, "Workspace to add the user to");
  add->add_option("--role", flags->role, "reader, editor or admin (with --workspace)");
  add->callback([&state, flags] { state.exit_code = RunAdd(state, *flags); });

  CLI::App* remove = AddAdminCommand(
      *group, "remove", "Delete a user, or with --workspace only its membership there", state);
  remove->add_option("name", flags->name, "User name")->required();
  remove->add_option("--workspace", flags->workspace, "Only remove the user from this workspace");
  remove->callback([&state, flags] { state.exit_code = RunRemove(state, *flags); });

  CLI::App* list = AddAdminCommand(*group, "list", "List users and their workspaces", state);
  list->add_flag("--json", flags->json, "Print JSON");
  list->callback([&state, flags] { state.exit_code = RunList(state, *flags); });
  return group;
}

}  // namespace bucketflow::cli

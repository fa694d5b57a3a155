// `bucketflow token create|list|revoke`. The secret is printed once, alone on stdout, so that
// scripts can capture it (TOKEN=$(bucketflow token create ...)); only its hash is stored.
#include <boost/json.hpp>
#include <charconv>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "auth/tokens.h"
#include "cli/admin_output.h"
#include "cli/workspace_commands.h"

namespace bucketflow::cli {
namespace {

namespace json = boost::json;

struct TokenFlags {
  std::string user;
  std::string workspace;
  std::string name;
  std::string expires_in;
  std::string id;
  bool all = false;
  bool json = false;
};

// Members only: a token bound to a workspace the user cannot act in would be useless, and
// server admins act everywhere.
Status CheckMayBind(AdminDb& db, const store::User& user, const store::Workspace& workspace) {
  if (user.is_admin) {
    return Status::Ok();
  }
  ASSIGN_OR_RETURN(std::vector<store::Membership> memberships,
                   db.access().ListUserMemberships(user.id));
  for (const store::Membership& membership : memberships) {
    if (membership.workspace_id == workspace.id) {
      return Status::Ok();
    }
  }
  return Status::FailedPrecondition("user '", user.name, "' is not a member of workspace '",
                                    workspace.name, "': add them first with `bucketflow user add ",
                                    user.name, " --workspace ", workspace.name, " --role ROLE`");
}

// The token to store, its user and workspace checked.
Result<store::Token> NewToken(AdminDb& db, const TokenFlags& flags,
                              std::optional<int64_t> expires_in) {
  ASSIGN_OR_RETURN(store::User user, db.access().GetUser(flags.user));
  store::Token token;
  token.user_id = user.id;
  token.user_name = user.name;
  token.name = flags.name;
  if (!flags.workspace.empty()) {
    ASSIGN_OR_RETURN(store::Workspace workspace, db.access().GetWorkspace(flags.workspace));
    RETURN_IF_ERROR(CheckMayBind(db, user, workspace));
    token.workspace_id = workspace.id;
    token.workspace_name = workspace.name;
  }
  if (expires_in.has_value()) {
    token.expiry_time = db.clock.NowMillis() + *expires_in * 1000;
  }
  return token;
}

int RunCreate(const AdminCommandState& state, const TokenFlags& flags) {
  std::optional<int64_t> expires_in;
  if (!flags.expires_in.empty()) {
    Result<int64_t> seconds = ParseExpiresIn(flags.expires_in);
    if (!seconds.ok()) {
      return Fail(kExitUsage, seconds.status().message());
    }
    expires_in = *seconds;
  }
  return WithDb(state, [&flags, expires_in](AdminDb& db) {
    Result<store::Token> token = NewToken(db, flags, expires_in);
    if (!token.ok()) {
      return Fail(kExitFailure, token.status().message());
    }
    const std::string secret = auth::GenerateTokenSecret();
    token->hash = auth::HashTokenSecret(secret);
    Result<store::Token> stored = db.access().CreateToken(*token);
    if (!stored.ok()) {
      return Fail(kExitFailure, stored.status().message());
    }
    json::object detail{{"user", stored->user_name}, {"name", stored->name}};
    if (stored->expiry_time.has_value()) {
      detail["expires_at"] = *stored->expiry_time;
    }
    if (Status audit = db.Audit(token->workspace_name, "token.create", std::to_string(stored->id),
                                json::serialize(detail));
        !audit.ok()) {
      return AuditFailed(audit);
    }
    std::printf("%s\n", secret.c_str());
    std::fflush(stdout);
    std::fprintf(
        stderr,
        "Token %lld for user %s%s%s, expires %s. This is the only time the secret is "
        "shown: store it now.\n",
        static_cast<long long>(stored->id), stored->user_name.c_str(),
        token->workspace_name.empty() ? "" : " in workspace ", token->workspace_name.c_str(),
        stored->expiry_time.has_value() ? FormatTime(stored->expiry_time).c_str() : "never");
    return 0;
  });
}

// A filter for `token list`; names are looked up so that typos are errors, not empty lists.
Result<store::TokenFilter> ListFilter(AdminDb& db, const TokenFlags& flags) {
  store::TokenFilter filter;
  filter.include_revoked = flags.all;
  if (!flags.user.empty()) {
    ASSIGN_OR_RETURN(store::User user, db.access().GetUser(flags.user));
    filter.user_id = user.id;
  }
  if (!flags.workspace.empty()) {
    ASSIGN_OR_RETURN(store::Workspace workspace, db.access().GetWorkspace(flags.workspace));
    filter.workspace_id = workspace.id;
  }
  return filter;
}

std::string TokenStatus(const store::Token& token, int64_t now) {
  if (token.revocation_time.has_value()) {
    return "revoked " + FormatTime(token.revocation_time);
  }
  if (token.expiry_time.has_value() && *token.expiry_time <= now) {
    return "expired";
  }
  return "active";
}

int RunList(const AdminCommandState& state, const TokenFlags& flags) {
  return WithDb(state, [&flags](AdminDb& db) {
    Result<store::TokenFilter> filter = ListFilter(db, flags);
    if (!filter.ok()) {
      return Fail(kExitFailure, filter.status().message());
    }
    Result<std::vector<store::Token>> tokens = db.access().ListTokens(*filter);
    if (!tokens.ok()) {
      return Fail(kExitFailure, tokens.status().message());
    }
    json::array out;
    std::vector<std::vector<std::string>> rows;
    const int64_t now = db.clock.NowMillis();
    for (const store::Token& token : *tokens) {
      out.push_back(TokenJson(token));
      rows.push_back({std::to_string(token.id), token.name.empty() ? "-" : token.name,
                      token.user_name,
                      token.workspace_name.empty() ? "(any)" : token.workspace_name,
                      FormatTime(token.creation_time), FormatTime(token.expiry_time),
                      TokenStatus(token, now)});
    }
    if (flags.json) {
      PrintJson(json::object{{"tokens", std::move(out)}});
    } else {
      PrintTable({"ID", "NAME", "USER", "WORKSPACE", "CREATED", "EXPIRES", "STATUS"}, rows);
    }
    return 0;
  });
}

int RunRevoke(const AdminCommandState& state, const TokenFlags& flags) {
  int64_t id = 0;
  const char* end = flags.id.data() + flags.id.size();
  const auto [ptr, ec] = std::from_chars(flags.id.data(), end, id);
  if (flags.id.empty() || ec != std::errc() || ptr != end || id <= 0) {
    return Fail(kExitUsage, "token id '" + flags.id + "' is not a number (see `token list`)");
  }
  return WithDb(state, [id](AdminDb& db) {
    Result<store::Token> token = db.access().GetToken(id);
    if (!token.ok()) {
      return Fail(kExitFailure, token.status().message());
    }
    if (token->revocation_time.has_value()) {
      std::printf("Token %lld was already revoked at %s\n", static_cast<long long>(id),
                  FormatTime(token->revocation_time).c_str());
      return 0;
    }
    if (Status revoked = db.access().RevokeToken(id, db.clock.NowMillis()); !revoked.ok()) {
      return Fail(kExitFailure, revoked.message());
    }
    const std::string detail =
        json::serialize(json::object{{"user", token->user_name}, {"name", token->name}});
    if (Status audit = db.Audit(token->workspace_name, "token.revoke", std::to_string(id), detail);
        !audit.ok()) {
      return AuditFailed(audit);
    }
    std::printf(
        "Revoked token %lld of user %s (servers stop accepting it within their "
        "--auth-cache-seconds)\n",
        static_cast<long long>(id), token->user_name.c_str());
    return 0;
  });
}

}  // namespace

CLI::App* AddTokenCommands(CLI::App& app, AdminCommandState& state) {
  CLI::App* group = app.add_subcommand("token", "Create, list and revoke API tokens");
  group->set_help_flag("--help", "Print this help and exit");
  group->require_subcommand(1);
  // Shared by the callbacks below, which CLI11 keeps as long as the App.
  auto flags = std::make_shared<TokenFlags>();

  CLI::App* create = AddAdminCommand(
      *group, "create", "Create a token; prints the secret once, alone on stdout", state);
  create->add_option("--user", flags->user, "The user the token acts as")->required();
  create->add_option("--workspace", flags->workspace, "Bind the token to this workspace");
  create->add_option("--name", flags->name, "A label (\"ci\", \"laptop\")");
  create->add_option("--expires-in", flags->expires_in, "30d, 12h, 90m or 3600s (default: never)");
  create->callback([&state, flags] { state.exit_code = RunCreate(state, *flags); });

  CLI::App* list = AddAdminCommand(*group, "list", "List tokens (never their secrets)", state);
  list->add_option("--user", flags->user, "Only this user's tokens");
  list->add_option("--workspace", flags->workspace, "Only tokens bound to this workspace");
  list->add_flag("--all", flags->all, "Include revoked tokens");
  list->add_flag("--json", flags->json, "Print JSON");
  list->callback([&state, flags] { state.exit_code = RunList(state, *flags); });

  CLI::App* revoke = AddAdminCommand(*group, "revoke", "Revoke a token", state);
  revoke->add_option("id", flags->id, "Token id (from `token list`)")->required();
  revoke->callback([&state, flags] { state.exit_code = RunRevoke(state, *flags); });
  return group;
}

}  // namespace bucketflow::cli

#include "testing/fake_access_store.h"

#include <algorithm>
#include <charconv>

#include "core/random.h"

namespace bucketflow::testing {

using store::AuditEntry;
using store::Membership;
using store::Role;
using store::Token;
using store::User;
using store::Workspace;

FakeAccessStore::FakeAccessStore(Options options) : options_(options) {
  Workspace default_workspace;
  default_workspace.id = store::kDefaultWorkspaceId;
  default_workspace.name = store::kDefaultWorkspaceName;
  default_workspace.creation_time = Now();
  default_workspace.default_experiment_id = "0";
  default_workspace.external_id = RandomHex(16);
  workspaces_.emplace(default_workspace.id, std::move(default_workspace));
}

void FakeAccessStore::SetFailure(std::optional<Status> status) {
  std::lock_guard<std::mutex> lock(mu_);
  failure_ = std::move(status);
}

Status FakeAccessStore::Enter() {
  ++calls_;
  return failure_ ? *failure_ : Status::Ok();
}

int64_t FakeAccessStore::Now() const {
  return options_.clock != nullptr ? options_.clock->NowMillis() : SystemClock().NowMillis();
}

Result<Workspace*> FakeAccessStore::FindWorkspace(int64_t workspace_id) {
  auto it = workspaces_.find(workspace_id);
  if (it == workspaces_.end()) {
    return Status::NotFound("workspace ", workspace_id, " does not exist");
  }
  return &it->second;
}

Result<User*> FakeAccessStore::FindUser(int64_t user_id) {
  auto it = users_.find(user_id);
  if (it == users_.end()) {
    return Status::NotFound("user ", user_id, " does not exist");
  }
  return &it->second;
}

Result<Workspace> FakeAccessStore::CreateWorkspace(std::string_view name,
                                                   std::string_view external_id) {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(Enter());
  for (const auto& [id, workspace] : workspaces_) {
    if (workspace.name == name) {
      return Status::AlreadyExists("workspace '", name, "' already exists");
    }
  }
  Workspace workspace;
  workspace.id = next_workspace_id_;
  workspace.name = std::string(name);
  workspace.creation_time = Now();
  workspace.external_id = external_id.empty() ? RandomHex(16) : std::string(external_id);
  workspace.default_experiment_id = "ws-" + std::to_string(workspace.id) + "-default";
  if (options_.experiments != nullptr) {
    ASSIGN_OR_RETURN(workspace.default_experiment_id,
                     options_.experiments->CreateExperiment({.workspace_id = workspace.id,
                                                             .name = "Default",
                                                             .artifact_location = {},
                                                             .tags = {}}));
  }
  ++next_workspace_id_;
  workspaces_.emplace(workspace.id, workspace);
  return workspace;
}

Result<Workspace> FakeAccessStore::GetWorkspace(std::string_view name) {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(Enter());
  for (const auto& [id, workspace] : workspaces_) {
    if (workspace.name == name) {
      return workspace;
    }
  }
  return Status::NotFound("workspace '", name, "' does not exist");
}

Result<Workspace> FakeAccessStore::GetWorkspaceById(int64_t workspace_id) {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(Enter());
  ASSIGN_OR_RETURN(Workspace * workspace, FindWorkspace(workspace_id));
  return *workspace;
}

Result<std::vector<Workspace>> FakeAccessStore::ListWorkspaces() {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(Enter());
  std::vector<Workspace> out;
  for (const auto& [id, workspace] : workspaces_) {
    out.push_back(workspace);
  }
  std::sort(out.begin(), out.end(),
            [](const Workspace& a, const Workspace& b) { return a.name < b.name; });
  return out;
}

Status FakeAccessStore::DeleteWorkspace(int64_t workspace_id) {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(Enter());
  if (workspace_id == store::kDefaultWorkspaceId) {
    return Status::InvalidArgument("the default workspace cannot be deleted");
  }
  RETURN_IF_ERROR(FindWorkspace(workspace_id));
  workspaces_.erase(workspace_id);
  std::erase_if(memberships_, [&](const auto& m) { return m.first.first == workspace_id; });
  std::erase_if(tokens_, [&](const auto& t) { return t.second.workspace_id == workspace_id; });
  return Status::Ok();
}

Status FakeAccessStore::SetWorkspaceBucket(int64_t workspace_id,
                                           const std::optional<store::WorkspaceBucket>& bucket) {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(Enter());
  ASSIGN_OR_RETURN(Workspace * workspace, FindWorkspace(workspace_id));
  workspace->bucket = bucket;
  return Status::Ok();
}

Result<User> FakeAccessStore::CreateUser(const User& user) {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(Enter());
  for (const auto& [id, existing] : users_) {
    if (existing.name == user.name) {
      return Status::AlreadyExists("user '", user.name, "' already exists");
    }
  }
  User created = user;
  created.id = next_user_id_++;
  created.creation_time = Now();
  users_.emplace(created.id, created);
  return created;
}

Result<User> FakeAccessStore::GetUser(std::string_view name) {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(Enter());
  for (const auto& [id, user] : users_) {
    if (user.name == name) {
      return user;
    }
  }
  return Status::NotFound("user '", name, "' does not exist");
}

Result<User> FakeAccessStore::GetUserById(int64_t user_id) {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(Enter());
  ASSIGN_OR_RETURN(User * user, FindUser(user_id));
  return *user;
}

Result<std::vector<User>> FakeAccessStore::ListUsers() {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(Enter());
  std::vector<User> out;
  for (const auto& [id, user] : users_) {
    out.push_back(user);
  }
  std::sort(out.begin(), out.end(), [](const User& a, const User& b) { return a.name < b.name; });
  return out;
}

Status FakeAccessStore::DeleteUser(int64_t user_id) {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(Enter());
  RETURN_IF_ERROR(FindUser(user_id));
  users_.erase(user_id);
  std::erase_if(memberships_, [&](const auto& m) { return m.first.second == user_id; });
  std::erase_if(tokens_, [&](const auto& t) { return t.second.user_id == user_id; });
  return Status::Ok();
}

Status FakeAccessStore::SetUserPassword(int64_t user_id, std::string_view password_hash) {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(Enter());
  ASSIGN_OR_RETURN(User * user, FindUser(user_id));
  user->password_hash = std::string(password_hash);
  return Status::Ok();
}

Membership FakeAccessStore::MakeMembership(int64_t workspace_id, int64_t user_id, Role role) const {
  return Membership{.workspace_id = workspace_id,
                    .workspace_name = workspaces_.at(workspace_id).name,
                    .user_id = user_id,
                    .user_name = users_.at(user_id).name,
                    .role = role};
}

Status FakeAccessStore::SetMembership(int64_t workspace_id, int64_t user_id, Role role) {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(Enter());
  RETURN_IF_ERROR(FindWorkspace(workspace_id));
  RETURN_IF_ERROR(FindUser(user_id));
  memberships_[{workspace_id, user_id}] = role;
  return Status::Ok();
}

Status FakeAccessStore::RemoveMembership(int64_t workspace_id, int64_t user_id) {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(Enter());
  RETURN_IF_ERROR(FindWorkspace(workspace_id));
  RETURN_IF_ERROR(FindUser(user_id));
  if (memberships_.erase({workspace_id, user_id}) == 0) {
    return Status::NotFound("user ", user_id, " is not a member of workspace ", workspace_id);
  }
  return Status::Ok();
}

Result<std::vector<Membership>> FakeAccessStore::ListWorkspaceMembers(int64_t workspace_id) {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(Enter());
  RETURN_IF_ERROR(FindWorkspace(workspace_id));
  std::vector<Membership> out;
  for (const auto& [key, role] : memberships_) {
    if (key.first == workspace_id) {
      out.push_back(MakeMembership(key.first, key.second, role));
    }
  }
  std::sort(out.begin(), out.end(),
            [](const Membership& a, const Membership& b) { return a.user_name < b.user_name; });
  return out;
}

Result<std::vector<Membership>> FakeAccessStore::ListUserMemberships(int64_t user_id) {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(Enter());
  RETURN_IF_ERROR(FindUser(user_id));
  std::vector<Membership> out;
  for (const auto& [key, role] : memberships_) {
    if (key.second == user_id) {
      out.push_back(MakeMembership(key.first, key.second, role));
    }
  }
  std::sort(out.begin(), out.end(), [](const Membership& a, const Membership& b) {
    return a.workspace_name < b.workspace_name;
  });
  return out;
}

// REQUIRES: mu_ held. The stored record with user_name and workspace_name filled.
Result<Token> FakeAccessStore::Filled(const Token& token) {
  Token out = token;
  ASSIGN_OR_RETURN(User * user, FindUser(token.user_id));
  out.user_name = user->name;
  out.workspace_name.clear();
  if (token.workspace_id) {
    ASSIGN_OR_RETURN(Workspace * workspace, FindWorkspace(*token.workspace_id));
    out.workspace_name = workspace->name;
  }
  return out;
}

Result<Token> FakeAccessStore::CreateToken(const Token& token) {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(Enter());
  for (const auto& [id, existing] : tokens_) {
    if (existing.hash == token.hash) {
      return Status::AlreadyExists("a token with this hash already exists");
    }
  }
  Token created = token;
  created.id = next_token_id_;
  created.creation_time = Now();
  ASSIGN_OR_RETURN(created, Filled(created));  // checks that the user and workspace exist
  ++next_token_id_;
  tokens_.emplace(created.id, created);
  return created;
}

Result<Token> FakeAccessStore::FindToken(std::string_view hash) {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(Enter());
  for (const auto& [id, token] : tokens_) {
    if (token.hash == hash) {
      return Filled(token);
    }
  }
  return Status::NotFound("no token has this hash");
}

Result<Token> FakeAccessStore::GetToken(int64_t token_id) {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(Enter());
  auto it = tokens_.find(token_id);
  if (it == tokens_.end()) {
    return Status::NotFound("token ", token_id, " does not exist");
  }
  return Filled(it->second);
}

Result<std::vector<Token>> FakeAccessStore::ListTokens(const store::TokenFilter& filter) {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(Enter());
  std::vector<Token> out;
  for (auto it = tokens_.rbegin(); it != tokens_.rend(); ++it) {  // newest (highest id) first
    const Token& token = it->second;
    if ((filter.user_id && token.user_id != *filter.user_id) ||
        (filter.workspace_id && token.workspace_id != filter.workspace_id) ||
        (!filter.include_revoked && token.revocation_time)) {
      continue;
    }
    ASSIGN_OR_RETURN(Token filled, Filled(token));
    out.push_back(std::move(filled));
  }
  return out;
}

Status FakeAccessStore::RevokeToken(int64_t token_id, int64_t revocation_time) {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(Enter());
  auto it = tokens_.find(token_id);
  if (it == tokens_.end()) {
    return Status::NotFound("token ", token_id, " does not exist");
  }
  if (!it->second.revocation_time) {
    it->second.revocation_time = revocation_time;
  }
  return Status::Ok();
}

Status FakeAccessStore::AppendAudit(const AuditEntry& entry) {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(Enter());
  AuditEntry stored = entry;
  stored.id = static_cast<int64_t>(audit_.size()) + 1;
  audit_.push_back(std::move(stored));
  return Status::Ok();
}

namespace {

// The same selection as the SQLite store: by workspace id, never by name.
bool AuditMatches(const AuditEntry& entry, const std::optional<int64_t>& workspace_id) {
  if (!workspace_id.has_value()) {
    return true;
  }
  if (*workspace_id == store::kServerWideAudit) {
    return !entry.workspace_id.has_value();
  }
  return entry.workspace_id == workspace_id;
}

}  // namespace

// The page token is the id of the last entry of the previous page, in decimal.
Result<store::AuditPage> FakeAccessStore::ListAudit(const store::AuditQuery& query) {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(Enter());
  if (query.max_results < 1 || query.max_results > 1000) {
    return Status::InvalidArgument("max_results must be between 1 and 1000, got ",
                                   query.max_results);
  }
  int64_t before = INT64_MAX;
  if (!query.page_token.empty()) {
    const char* end = query.page_token.data() + query.page_token.size();
    auto [ptr, ec] = std::from_chars(query.page_token.data(), end, before);
    if (ec != std::errc() || ptr != end || before < 1) {
      return Status::InvalidArgument("invalid audit page token");
    }
  }
  store::AuditPage page;
  for (auto it = audit_.rbegin(); it != audit_.rend(); ++it) {
    if (it->id >= before || !AuditMatches(*it, query.workspace_id) ||
        (!query.action.empty() && it->action != query.action)) {
      continue;
    }
    if (static_cast<int64_t>(page.entries.size()) == query.max_results) {
      page.next_page_token = std::to_string(page.entries.back().id);
      break;
    }
    page.entries.push_back(*it);
  }
  return page;
}

}  // namespace bucketflow::testing

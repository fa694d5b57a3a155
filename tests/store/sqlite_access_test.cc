// The SQLite AccessStore: workspaces, users, memberships, tokens, the audit log.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "store/access_store.h"
#include "store/sqlite_store_test_util.h"

namespace bucketflow::store {
namespace {

using SqliteAccessTest = SqliteBackendTest;

bool IsHex(const std::string& text, size_t size) {
  return text.size() == size && text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST(RoleTest, NamesRoundTrip) {
  const struct {
    Role role;
    const char* name;
  } cases[] = {{Role::kReader, "reader"}, {Role::kEditor, "editor"}, {Role::kAdmin, "admin"}};
  for (const auto& c : cases) {
    EXPECT_EQ(RoleName(c.role), c.name);
    EXPECT_EQ(ParseRole(c.name), c.role);
  }
  for (const char* bad : {"", "Admin", "owner", "reader "}) {
    EXPECT_FALSE(ParseRole(bad).has_value()) << bad;
  }
  EXPECT_LT(Role::kReader, Role::kEditor);
  EXPECT_LT(Role::kEditor, Role::kAdmin);
}

// The rules of access_store.h, the same for the store, the REST API and the CLI.
TEST(NameRulesTest, WorkspaceNames) {
  for (const std::string& good :
       std::vector<std::string>{"a", "0", "team-a", "a-", std::string(63, 'x')}) {
    EXPECT_TRUE(ValidateWorkspaceName(good).ok()) << good;
  }
  for (const std::string& bad : std::vector<std::string>{"", "-a", "Team", "a_b", "a.b", "a/b",
                                                         "a b", "a@b", std::string(64, 'x')}) {
    Status status = ValidateWorkspaceName(bad);
    EXPECT_EQ(status.code(), Code::kInvalidArgument) << bad;
  }
  EXPECT_EQ(
      ValidateWorkspaceName("Team").message(),
      "invalid workspace name 'Team': use 1 to 63 of a-z, 0-9 and '-', not starting with '-'");
}

TEST(NameRulesTest, UserNamesAllowUpperCaseAndLongerNames) {
  for (const std::string& good : std::vector<std::string>{
           "a", "Bob", "ALICE", "9lives", "j.doe_2@Example.COM", "a-", std::string(128, 'U')}) {
    EXPECT_TRUE(ValidateUserName(good).ok()) << good;
  }
  for (const std::string& bad :
       std::vector<std::string>{"", "-bob", ".bob", "_bob", "@bob", "bob smith", "bob/x", "bob:x",
                                "b\u00e9", std::string(129, 'u')}) {
    EXPECT_EQ(ValidateUserName(bad).code(), Code::kInvalidArgument) << bad;
  }
  EXPECT_EQ(ValidateUserName("-bob").message(),
            "invalid user name '-bob': use 1 to 128 of A-Z, a-z, 0-9, '-', '.', '_' and '@', "
            "starting with a letter or digit");
}

// The store applies exactly those rules (it used copies of its own before).
TEST_F(SqliteAccessTest, StoreUsesTheNameRules) {
  auto upper = backend_->CreateUser({.name = "Bob"});
  ASSERT_TRUE(upper.ok()) << upper.status().ToString();
  EXPECT_EQ(backend_->GetUser("Bob")->id, upper->id);
  EXPECT_EQ(backend_->GetUser("bob").status().code(), Code::kNotFound);  // names are exact
  EXPECT_TRUE(backend_->CreateUser({.name = "bob"}).ok());
  EXPECT_TRUE(backend_->CreateUser({.name = std::string(128, 'n')}).ok());
  Result<User> too_long = backend_->CreateUser({.name = std::string(129, 'n')});
  EXPECT_EQ(too_long.status().message(), ValidateUserName(std::string(129, 'n')).message());
  Result<Workspace> bad = backend_->CreateWorkspace("Team", "");
  EXPECT_EQ(bad.status().message(), ValidateWorkspaceName("Team").message());
}

TEST_F(SqliteAccessTest, DefaultWorkspaceExists) {
  auto workspace = backend_->GetWorkspace(kDefaultWorkspaceName);
  ASSERT_TRUE(workspace.ok()) << workspace.status().ToString();
  EXPECT_EQ(workspace->id, kDefaultWorkspaceId);
  EXPECT_EQ(workspace->default_experiment_id, "0");
  EXPECT_TRUE(IsHex(workspace->external_id, 32)) << workspace->external_id;
  EXPECT_EQ(workspace->creation_time, clock_.NowMillis());
  EXPECT_FALSE(workspace->bucket.has_value());
  EXPECT_EQ(*backend_->ExperimentWorkspace("0"), kDefaultWorkspaceId);
}

TEST_F(SqliteAccessTest, CreateWorkspaceMakesItsDefaultExperiment) {
  clock_.Set(1800000000000);
  Workspace team = MakeWorkspace("team-a");
  EXPECT_EQ(team.name, "team-a");
  EXPECT_EQ(team.creation_time, 1800000000000);
  EXPECT_TRUE(IsHex(team.external_id, 32)) << team.external_id;
  EXPECT_NE(team.id, kDefaultWorkspaceId);
  auto experiment = backend_->GetExperiment(team.default_experiment_id);
  ASSERT_TRUE(experiment.ok()) << experiment.status().ToString();
  EXPECT_EQ(experiment->name, "Default");
  EXPECT_EQ(experiment->artifact_location, "mlflow-artifacts:/" + team.default_experiment_id);
  EXPECT_EQ(*backend_->ExperimentWorkspace(team.default_experiment_id), team.id);
  auto by_id = backend_->GetWorkspaceById(team.id);
  ASSERT_TRUE(by_id.ok());
  EXPECT_EQ(by_id->name, "team-a");

  auto supplied = backend_->CreateWorkspace("team-b", "my-external:id_1");
  ASSERT_TRUE(supplied.ok()) << supplied.status().ToString();
  EXPECT_EQ(supplied->external_id, "my-external:id_1");

  auto workspaces = backend_->ListWorkspaces();
  ASSERT_TRUE(workspaces.ok());
  ASSERT_EQ(workspaces->size(), 3u);
  EXPECT_EQ((*workspaces)[0].name, "default");
  EXPECT_EQ((*workspaces)[1].name, "team-a");
  EXPECT_EQ((*workspaces)[2].name, "team-b");
}

TEST_F(SqliteAccessTest, WorkspaceErrors) {
  MakeWorkspace("team-a");
  EXPECT_EQ(backend_->CreateWorkspace("team-a", "").status().code(), Code::kAlreadyExists);
  EXPECT_EQ(backend_->CreateWorkspace("default", "").status().code(), Code::kAlreadyExists);
  for (const char* bad : {"", "Team", "-a", "a_b", "a/b", "a b",
                          "x234567890123456789012345678901234567890123456789012345678901234"}) {
    EXPECT_EQ(backend_->CreateWorkspace(bad, "").status().code(), Code::kInvalidArgument) << bad;
  }
  EXPECT_EQ(backend_->CreateWorkspace("ok", "x").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(backend_->CreateWorkspace("ok", "bad id").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(backend_->GetWorkspace("nope").status().code(), Code::kNotFound);
  EXPECT_EQ(backend_->GetWorkspaceById(999).status().code(), Code::kNotFound);
  Status deleted = backend_->DeleteWorkspace(kDefaultWorkspaceId);
  EXPECT_EQ(deleted.code(), Code::kInvalidArgument);
  EXPECT_EQ(deleted.message(), "the default workspace cannot be deleted");
  EXPECT_EQ(backend_->DeleteWorkspace(999).code(), Code::kNotFound);
  EXPECT_EQ(backend_->SetWorkspaceBucket(999, std::nullopt).code(), Code::kNotFound);
  EXPECT_EQ(backend_->CreateExperiment({.workspace_id = 999, .name = "x"}).status().code(),
            Code::kNotFound);
}

TEST_F(SqliteAccessTest, BucketIsSetAndCleared) {
  Workspace team = MakeWorkspace("team-a");
  const WorkspaceBucket bucket{.bucket = "for-mlflow",
                               .prefix = "team-a",
                               .region = "eu-west-1",
                               .s3_endpoint = "http://127.0.0.1:7480",
                               .sts_endpoint = "http://127.0.0.1:7481",
                               .addressing = "path",
                               .role_arn = "arn:aws:iam::123456789012:role/bf",
                               .external_id = "ext-1"};
  ASSERT_TRUE(backend_->SetWorkspaceBucket(team.id, bucket).ok());
  auto read = backend_->GetWorkspace("team-a");
  ASSERT_TRUE(read.ok() && read->bucket.has_value());
  EXPECT_EQ(read->bucket->bucket, "for-mlflow");
  EXPECT_EQ(read->bucket->prefix, "team-a");
  EXPECT_EQ(read->bucket->region, "eu-west-1");
  EXPECT_EQ(read->bucket->s3_endpoint, "http://127.0.0.1:7480");
  EXPECT_EQ(read->bucket->sts_endpoint, "http://127.0.0.1:7481");
  EXPECT_EQ(read->bucket->addressing, "path");
  EXPECT_EQ(read->bucket->role_arn, "arn:aws:iam::123456789012:role/bf");
  EXPECT_EQ(read->bucket->external_id, "ext-1");
  EXPECT_EQ(backend_->SetWorkspaceBucket(team.id, WorkspaceBucket{}).code(),
            Code::kInvalidArgument);
  ASSERT_TRUE(backend_->SetWorkspaceBucket(team.id, std::nullopt).ok());
  EXPECT_FALSE(backend_->GetWorkspace("team-a")->bucket.has_value());
  EXPECT_FALSE(backend_->GetWorkspace("default")->bucket.has_value());
}

TEST_F(SqliteAccessTest, UsersAndMemberships) {
  clock_.Set(1750000000000);
  auto alice = backend_->CreateUser({.name = "alice@example.com", .is_admin = true});
  ASSERT_TRUE(alice.ok()) << alice.status().ToString();
  EXPECT_GT(alice->id, 0);
  EXPECT_EQ(alice->creation_time, 1750000000000);
  auto bob = backend_->CreateUser({.name = "bob", .password_hash = "$argon2id$v=19$x"});
  ASSERT_TRUE(bob.ok());
  EXPECT_EQ(backend_->CreateUser({.name = "bob"}).status().code(), Code::kAlreadyExists);
  for (const char* bad : {"", "bob smith", "-bob", ".bob", "@bob", "bob/x"}) {
    EXPECT_EQ(backend_->CreateUser({.name = bad}).status().code(), Code::kInvalidArgument) << bad;
  }
  auto read = backend_->GetUser("alice@example.com");
  ASSERT_TRUE(read.ok());
  EXPECT_TRUE(read->is_admin);
  EXPECT_EQ(read->password_hash, "");
  EXPECT_EQ(backend_->GetUserById(bob->id)->password_hash, "$argon2id$v=19$x");
  ASSERT_TRUE(backend_->SetUserPassword(bob->id, "$argon2id$v=19$y").ok());
  EXPECT_EQ(backend_->GetUser("bob")->password_hash, "$argon2id$v=19$y");
  EXPECT_EQ(backend_->SetUserPassword(999, "h").code(), Code::kNotFound);
  EXPECT_EQ(backend_->GetUser("carol").status().code(), Code::kNotFound);
  EXPECT_EQ(backend_->GetUserById(999).status().code(), Code::kNotFound);
  auto users = backend_->ListUsers();
  ASSERT_EQ(users->size(), 2u);
  EXPECT_EQ((*users)[0].name, "alice@example.com");

  Workspace team = MakeWorkspace("team-a");
  ASSERT_TRUE(backend_->SetMembership(team.id, bob->id, Role::kReader).ok());
  ASSERT_TRUE(backend_->SetMembership(team.id, bob->id, Role::kEditor).ok());  // replaces
  ASSERT_TRUE(backend_->SetMembership(kDefaultWorkspaceId, bob->id, Role::kAdmin).ok());
  ASSERT_TRUE(backend_->SetMembership(team.id, alice->id, Role::kAdmin).ok());
  auto members = backend_->ListWorkspaceMembers(team.id);
  ASSERT_TRUE(members.ok());
  ASSERT_EQ(members->size(), 2u);
  EXPECT_EQ((*members)[0].user_name, "alice@example.com");
  EXPECT_EQ((*members)[1].user_name, "bob");
  EXPECT_EQ((*members)[1].role, Role::kEditor);
  EXPECT_EQ((*members)[1].workspace_name, "team-a");
  auto of_bob = backend_->ListUserMemberships(bob->id);
  ASSERT_EQ(of_bob->size(), 2u);
  EXPECT_EQ((*of_bob)[0].workspace_name, "default");
  EXPECT_EQ((*of_bob)[0].role, Role::kAdmin);
  EXPECT_EQ((*of_bob)[1].workspace_name, "team-a");

  EXPECT_EQ(backend_->SetMembership(999, bob->id, Role::kReader).code(), Code::kNotFound);
  EXPECT_EQ(backend_->SetMembership(team.id, 999, Role::kReader).code(), Code::kNotFound);
  EXPECT_EQ(backend_->SetMembership(team.id, bob->id, static_cast<Role>(7)).code(),
            Code::kInvalidArgument);
  EXPECT_EQ(backend_->ListWorkspaceMembers(999).status().code(), Code::kNotFound);
  EXPECT_EQ(backend_->ListUserMemberships(999).status().code(), Code::kNotFound);
  ASSERT_TRUE(backend_->RemoveMembership(team.id, bob->id).ok());
  EXPECT_EQ(backend_->RemoveMembership(team.id, bob->id).code(), Code::kNotFound);
  EXPECT_EQ(backend_->ListUserMemberships(bob->id)->size(), 1u);
}

TEST_F(SqliteAccessTest, DeleteUserRemovesMembershipsAndTokens) {
  Workspace team = MakeWorkspace("team-a");
  auto bob = backend_->CreateUser({.name = "bob"});
  auto carol = backend_->CreateUser({.name = "carol"});
  ASSERT_TRUE(bob.ok() && carol.ok());
  ASSERT_TRUE(backend_->SetMembership(team.id, bob->id, Role::kEditor).ok());
  ASSERT_TRUE(backend_->SetMembership(team.id, carol->id, Role::kEditor).ok());
  ASSERT_TRUE(backend_->CreateToken({.user_id = bob->id, .hash = "h1"}).ok());
  ASSERT_TRUE(backend_->CreateToken({.user_id = carol->id, .hash = "h2"}).ok());
  ASSERT_TRUE(backend_->DeleteUser(bob->id).ok());
  EXPECT_EQ(backend_->GetUser("bob").status().code(), Code::kNotFound);
  EXPECT_EQ(backend_->FindToken("h1").status().code(), Code::kNotFound);
  EXPECT_TRUE(backend_->FindToken("h2").ok());
  auto members = backend_->ListWorkspaceMembers(team.id);
  ASSERT_EQ(members->size(), 1u);
  EXPECT_EQ((*members)[0].user_name, "carol");
  EXPECT_EQ(backend_->DeleteUser(bob->id).code(), Code::kNotFound);
  // The name is free again.
  EXPECT_TRUE(backend_->CreateUser({.name = "bob"}).ok());
}

TEST_F(SqliteAccessTest, Tokens) {
  Workspace team = MakeWorkspace("team-a");
  auto bob = backend_->CreateUser({.name = "bob"});
  ASSERT_TRUE(bob.ok());
  clock_.Set(1700000001000);
  auto unbound = backend_->CreateToken(
      {.user_id = bob->id, .name = "laptop", .hash = "aa", .expiry_time = 1800000000000});
  ASSERT_TRUE(unbound.ok()) << unbound.status().ToString();
  EXPECT_EQ(unbound->user_name, "bob");
  EXPECT_EQ(unbound->creation_time, 1700000001000);
  EXPECT_FALSE(unbound->workspace_id.has_value());
  EXPECT_EQ(unbound->workspace_name, "");
  EXPECT_EQ(unbound->expiry_time, 1800000000000);
  auto bound = backend_->CreateToken(
      {.user_id = bob->id, .workspace_id = team.id, .name = "ci", .hash = "bb"});
  ASSERT_TRUE(bound.ok());
  EXPECT_EQ(bound->workspace_id, team.id);
  EXPECT_EQ(bound->workspace_name, "team-a");
  EXPECT_FALSE(bound->expiry_time.has_value());

  auto found = backend_->FindToken("bb");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->id, bound->id);
  EXPECT_EQ(found->name, "ci");
  EXPECT_EQ(backend_->FindToken("cc").status().code(), Code::kNotFound);
  EXPECT_EQ(backend_->GetToken(bound->id)->hash, "bb");
  EXPECT_EQ(backend_->GetToken(999).status().code(), Code::kNotFound);

  EXPECT_EQ(backend_->CreateToken({.user_id = bob->id, .hash = "bb"}).status().code(),
            Code::kAlreadyExists);
  EXPECT_EQ(backend_->CreateToken({.user_id = bob->id, .hash = ""}).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(backend_->CreateToken({.user_id = 999, .hash = "dd"}).status().code(), Code::kNotFound);
  EXPECT_EQ(backend_->CreateToken({.user_id = bob->id, .workspace_id = 999, .hash = "dd"})
                .status()
                .code(),
            Code::kNotFound);

  auto all = backend_->ListTokens({});
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, bound->id);  // newest first
  EXPECT_EQ(backend_->ListTokens({.workspace_id = team.id})->size(), 1u);
  EXPECT_EQ(backend_->ListTokens({.user_id = bob->id})->size(), 2u);
  EXPECT_EQ(backend_->ListTokens({.user_id = 999})->size(), 0u);

  ASSERT_TRUE(backend_->RevokeToken(bound->id, 1700000005000).ok());
  ASSERT_TRUE(backend_->RevokeToken(bound->id, 1700000009000).ok());     // not an error
  EXPECT_EQ(backend_->FindToken("bb")->revocation_time, 1700000005000);  // first one stands
  EXPECT_EQ(backend_->RevokeToken(999, 1).code(), Code::kNotFound);
  EXPECT_EQ(backend_->ListTokens({})->size(), 1u);
  EXPECT_EQ(backend_->ListTokens({.include_revoked = true})->size(), 2u);
}

TEST_F(SqliteAccessTest, AuditPagesNewestFirst) {
  const Workspace team = MakeWorkspace("team-a");
  for (int64_t i = 1; i <= 25; ++i) {
    const bool in_team = i % 2 == 0;
    ASSERT_TRUE(backend_
                    ->AppendAudit({.time = i,
                                   .actor = "alice",
                                   .workspace = in_team ? "team-a" : "",
                                   .workspace_id = in_team ? std::optional(team.id) : std::nullopt,
                                   .action = i % 5 == 0 ? "token.create" : "member.set",
                                   .target = "t" + std::to_string(i),
                                   .detail = "{}"})
                    .ok());
  }
  std::vector<int64_t> times;
  std::string token;
  int pages = 0;
  do {
    auto page = backend_->ListAudit({.max_results = 10, .page_token = token});
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    for (const AuditEntry& entry : page->entries) {
      times.push_back(entry.time);
    }
    token = page->next_page_token;
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(times.size(), 25u);
  EXPECT_EQ(times.front(), 25);
  EXPECT_EQ(times.back(), 1);

  auto exact = backend_->ListAudit({.max_results = 25});
  EXPECT_EQ(exact->entries.size(), 25u);
  EXPECT_EQ(exact->next_page_token, "");  // no empty last page

  auto team_page = backend_->ListAudit({.workspace_id = team.id, .max_results = 100});
  ASSERT_EQ(team_page->entries.size(), 12u);
  EXPECT_EQ(team_page->entries[0].target, "t24");
  EXPECT_EQ(team_page->entries[0].actor, "alice");
  EXPECT_EQ(team_page->entries[0].detail, "{}");
  EXPECT_EQ(team_page->entries[0].workspace, "team-a");
  EXPECT_EQ(team_page->entries[0].workspace_id, team.id);
  auto server_wide = backend_->ListAudit({.workspace_id = kServerWideAudit, .max_results = 100});
  ASSERT_EQ(server_wide->entries.size(), 13u);
  EXPECT_FALSE(server_wide->entries[0].workspace_id.has_value());
  auto tokens = backend_->ListAudit({.workspace_id = team.id, .action = "token.create"});
  ASSERT_EQ(tokens->entries.size(), 2u);  // 20 and 10
  EXPECT_EQ(tokens->entries[0].time, 20);
  EXPECT_GT(tokens->entries[0].id, tokens->entries[1].id);
  // Paging within a workspace.
  auto first = backend_->ListAudit({.workspace_id = team.id, .max_results = 5});
  ASSERT_EQ(first->entries.size(), 5u);
  auto second = backend_->ListAudit(
      {.workspace_id = team.id, .max_results = 100, .page_token = first->next_page_token});
  ASSERT_EQ(second->entries.size(), 7u);
  EXPECT_EQ(second->entries[0].target, "t14");
  EXPECT_TRUE(backend_->ListAudit({.workspace_id = 999})->entries.empty());

  for (const char* bad : {"abc", "-1", "0", "12x", "99999999999999999999999"}) {
    EXPECT_EQ(backend_->ListAudit({.page_token = bad}).status().code(), Code::kInvalidArgument)
        << bad;
  }
  for (int64_t bad : {int64_t{0}, int64_t{-1}, int64_t{1001}}) {
    EXPECT_EQ(backend_->ListAudit({.max_results = bad}).status().code(), Code::kInvalidArgument);
  }
  EXPECT_TRUE(backend_->ListAudit({.max_results = 1000}).ok());
  EXPECT_EQ(backend_->AppendAudit({.actor = "alice"}).code(), Code::kInvalidArgument);
}

// A workspace deleted and re-created under the same name starts with an empty log: the old
// tenant's entries stay under the old id, and the new admins cannot read them.
TEST_F(SqliteAccessTest, AuditIsKeptByWorkspaceIdNotName) {
  const Workspace old_team = MakeWorkspace("team-a");
  ASSERT_TRUE(backend_
                  ->AppendAudit({.actor = "alice",
                                 .workspace = "team-a",
                                 .workspace_id = old_team.id,
                                 .action = "member.set",
                                 .target = "secret-user"})
                  .ok());
  ASSERT_TRUE(backend_->DeleteWorkspace(old_team.id).ok());
  const Workspace new_team = MakeWorkspace("team-a");
  ASSERT_NE(new_team.id, old_team.id);
  ASSERT_TRUE(backend_
                  ->AppendAudit({.actor = "carol",
                                 .workspace = "team-a",
                                 .workspace_id = new_team.id,
                                 .action = "member.set",
                                 .target = "carol"})
                  .ok());
  auto fresh = backend_->ListAudit({.workspace_id = new_team.id});
  ASSERT_EQ(fresh->entries.size(), 1u);
  EXPECT_EQ(fresh->entries[0].target, "carol");
  auto old = backend_->ListAudit({.workspace_id = old_team.id});  // kept: append-only
  ASSERT_EQ(old->entries.size(), 1u);
  EXPECT_EQ(old->entries[0].target, "secret-user");
  EXPECT_EQ(old->entries[0].workspace, "team-a");
  EXPECT_EQ(backend_->ListAudit({})->entries.size(), 2u);
  EXPECT_TRUE(backend_->ListAudit({.workspace_id = kServerWideAudit})->entries.empty());
}

// Everything written survives a restart (the access tables are in the same file).
TEST_F(SqliteAccessTest, SurvivesReopen) {
  Workspace team = MakeWorkspace("team-a");
  auto bob = backend_->CreateUser({.name = "bob"});
  ASSERT_TRUE(backend_->SetMembership(team.id, bob->id, Role::kAdmin).ok());
  ASSERT_TRUE(backend_->AppendAudit({.actor = "cli:root", .action = "workspace.create"}).ok());
  Reopen();
  EXPECT_EQ(backend_->GetWorkspace("team-a")->id, team.id);
  EXPECT_EQ(backend_->ListUserMemberships(bob->id)->size(), 1u);
  EXPECT_EQ(backend_->ListAudit({})->entries.size(), 1u);
}

}  // namespace
}  // namespace bucketflow::store

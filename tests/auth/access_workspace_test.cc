// auth::Access: which workspace a request lands in, and whether the caller may act there.
#include <gtest/gtest.h>

#include <string>

#include "access_fixture.h"

namespace bucketflow::auth {
namespace {

using store::Role;

class AccessWorkspaceTest : public AccessTestBase {
 protected:
  AccessWorkspaceTest()
      : team_a_(AddWorkspace("team-a")),
        team_b_(AddWorkspace("team-b")),
        bob_(AddUser("bob")),
        admin_(AddUser("root", "", /*is_admin=*/true)) {}

  store::Workspace team_a_;
  store::Workspace team_b_;
  store::User bob_;
  store::User admin_;
};

TEST_F(AccessWorkspaceTest, NamedWorkspaceWins) {
  AddMember(team_a_, bob_, Role::kReader);
  AddMember(team_b_, bob_, Role::kEditor);
  const std::string secret = AddToken(bob_);
  Result<Grant> grant = Check(Bearer(secret), "team-b", Permission::kWrite);
  ASSERT_TRUE(grant.ok()) << grant.status().ToString();
  EXPECT_EQ(grant->workspace.id, team_b_.id);
  EXPECT_EQ(grant->role, Role::kEditor);
  EXPECT_FALSE(grant->workspace.external_id.empty());
}

TEST_F(AccessWorkspaceTest, OnlyMembershipThenDefault) {
  const std::string secret = AddToken(bob_);
  AddMember(team_b_, bob_, Role::kReader);
  Result<Grant> only = Check(Bearer(secret));
  ASSERT_TRUE(only.ok());
  EXPECT_EQ(only->workspace.name, "team-b");

  // Two memberships: no guess, the default workspace (where bob is not a member).
  AddMember(team_a_, bob_, Role::kReader);
  access_->Invalidate();
  Result<Grant> two = Check(Bearer(secret));
  EXPECT_EQ(two.status().code(), Code::kPermissionDenied);
  EXPECT_EQ(two.status().message(), "user bob is not a member of workspace 'default'");

  AddMember(store_.GetWorkspaceById(1).value(), bob_, Role::kReader);
  access_->Invalidate();
  Result<Grant> member = Check(Bearer(secret));
  ASSERT_TRUE(member.ok());
  EXPECT_EQ(member->workspace.name, "default");
}

TEST_F(AccessWorkspaceTest, BoundTokenActsOnlyInItsWorkspace) {
  AddMember(team_a_, bob_, Role::kEditor);
  AddMember(team_b_, bob_, Role::kEditor);
  const std::string secret = AddToken(bob_, team_a_.id);
  Result<Grant> unnamed = Check(Bearer(secret), "", Permission::kWrite);
  ASSERT_TRUE(unnamed.ok());
  EXPECT_EQ(unnamed->workspace.name, "team-a");
  EXPECT_EQ(unnamed->caller.token_workspace, team_a_.id);
  EXPECT_TRUE(Check(Bearer(secret), "team-a").ok());
  for (const char* other : {"team-b", "default", "no-such"}) {
    Result<Grant> grant = Check(Bearer(secret), other);
    EXPECT_EQ(grant.status().code(), Code::kPermissionDenied) << other;
    EXPECT_EQ(grant.status().message(), "this token is limited to workspace 'team-a'");
  }
  Result<Caller> caller = access_->Authenticate(Bearer(secret), kAddress);
  ASSERT_TRUE(caller.ok());
  EXPECT_EQ(*access_->RoleIn(*caller, team_a_.id), Role::kEditor);
  EXPECT_EQ(*access_->RoleIn(*caller, team_b_.id), std::nullopt);
}

TEST_F(AccessWorkspaceTest, AdminsBoundTokenIsLimitedToo) {
  const std::string secret = AddToken(admin_, team_a_.id);
  EXPECT_TRUE(Check(Bearer(secret), "team-a", Permission::kManage).ok());
  EXPECT_EQ(Check(Bearer(secret), "team-b").status().code(), Code::kPermissionDenied);
}

TEST_F(AccessWorkspaceTest, NonMemberAndUnknownWorkspaceLookTheSame) {
  AddMember(team_a_, bob_, Role::kAdmin);
  const std::string secret = AddToken(bob_);
  Result<Grant> other = Check(Bearer(secret), "team-b");
  Result<Grant> unknown = Check(Bearer(secret), "team-x");
  EXPECT_EQ(other.status().code(), Code::kPermissionDenied);
  EXPECT_EQ(unknown.status().code(), Code::kPermissionDenied);
  EXPECT_EQ(other.status().message(), "user bob is not a member of workspace 'team-b'");
  EXPECT_EQ(unknown.status().message(), "user bob is not a member of workspace 'team-x'");
}

TEST_F(AccessWorkspaceTest, ServerAdminsMayDoAnythingAndLearnWhatDoesNotExist) {
  const std::string secret = AddToken(admin_);
  for (const char* name : {"team-a", "team-b", "default", ""}) {
    Result<Grant> grant = Check(Bearer(secret), name, Permission::kManage);
    ASSERT_TRUE(grant.ok()) << name;
    EXPECT_EQ(grant->role, Role::kAdmin);
    EXPECT_TRUE(grant->caller.is_admin);
  }
  Result<Grant> unknown = Check(Bearer(secret), "team-x");
  EXPECT_EQ(unknown.status().code(), Code::kNotFound);
  EXPECT_EQ(unknown.status().message(), "workspace 'team-x' does not exist");
}

TEST_F(AccessWorkspaceTest, RolesAreOrdered) {
  struct Case {
    Role role;
    Permission permission;
    bool allowed;
    std::string message;
  };
  const Case cases[] = {
      {Role::kReader, Permission::kRead, true, ""},
      {Role::kReader, Permission::kWrite, false,
       "user bob has role reader in workspace 'team-a'; this needs editor"},
      {Role::kReader, Permission::kManage, false,
       "user bob has role reader in workspace 'team-a'; this needs admin"},
      {Role::kEditor, Permission::kWrite, true, ""},
      {Role::kEditor, Permission::kManage, false,
       "user bob has role editor in workspace 'team-a'; this needs admin"},
      {Role::kAdmin, Permission::kManage, true, ""},
  };
  const std::string secret = AddToken(bob_);
  for (const Case& c : cases) {
    AddMember(team_a_, bob_, c.role);
    access_->Invalidate();
    Result<Grant> grant = Check(Bearer(secret), "team-a", c.permission);
    EXPECT_EQ(grant.ok(), c.allowed) << c.message;
    if (grant.ok()) {
      EXPECT_EQ(grant->role, c.role);
    } else {
      EXPECT_EQ(grant.status().code(), Code::kPermissionDenied);
      EXPECT_EQ(grant.status().message(), c.message);
    }
  }
}

TEST_F(AccessWorkspaceTest, RoleInAndAuthenticate) {
  AddMember(team_a_, bob_, Role::kEditor);
  Result<Caller> bob = access_->Authenticate(Bearer(AddToken(bob_)), kAddress);
  ASSERT_TRUE(bob.ok());
  EXPECT_EQ(bob->name, "bob");
  EXPECT_EQ(*access_->RoleIn(*bob, team_a_.id), Role::kEditor);
  EXPECT_EQ(*access_->RoleIn(*bob, team_b_.id), std::nullopt);
  EXPECT_EQ(*access_->RoleIn(*bob, 999), std::nullopt);

  Result<Caller> admin = access_->Authenticate(Bearer(AddToken(admin_)), kAddress);
  ASSERT_TRUE(admin.ok());
  EXPECT_TRUE(admin->is_admin);
  EXPECT_EQ(*access_->RoleIn(*admin, team_b_.id), Role::kAdmin);

  EXPECT_EQ(access_->Authenticate(std::nullopt, kAddress).status().code(), Code::kUnauthenticated);
  EXPECT_EQ(access_->Authenticate(Bearer(GenerateTokenSecret()), kAddress).status().code(),
            Code::kUnauthenticated);
}

TEST_F(AccessWorkspaceTest, DeletedBoundWorkspaceEndsItsCachedToken) {
  AddMember(team_b_, bob_, Role::kReader);
  const std::string secret = AddToken(bob_, team_b_.id);
  ASSERT_TRUE(Check(Bearer(secret)).ok());
  ASSERT_TRUE(store_.DeleteWorkspace(team_b_.id).ok());
  clock_.Advance(5000);  // the identity and workspace entries expire
  EXPECT_EQ(Check(Bearer(secret)).status().code(), Code::kUnauthenticated);
}

// Authorize is Check's second half, for a caller the gate already authenticated (the admin
// API): the same answers, and the credentials are neither kept nor checked again.
TEST_F(AccessWorkspaceTest, AuthorizeAnswersAsCheckWithoutCredentials) {
  AddMember(team_a_, bob_, Role::kReader);
  const std::string header = Bearer(AddToken(bob_));
  Result<Caller> bob = access_->Authenticate(header, kAddress);
  ASSERT_TRUE(bob.ok());
  for (std::string_view workspace : {"team-a", "team-b", "no-such-team", ""}) {
    for (Permission permission : {Permission::kRead, Permission::kWrite}) {
      Result<Grant> checked = Check(header, workspace, permission);
      Result<Grant> authorized = access_->Authorize(*bob, workspace, permission);
      ASSERT_EQ(checked.ok(), authorized.ok()) << workspace;
      if (checked.ok()) {
        EXPECT_EQ(authorized->workspace.id, checked->workspace.id);
        EXPECT_EQ(authorized->role, checked->role);
        EXPECT_EQ(authorized->caller.name, "bob");
      } else {
        EXPECT_EQ(authorized.status().ToString(), checked.status().ToString()) << workspace;
      }
    }
  }
  Result<Caller> admin = access_->Authenticate(Bearer(AddToken(admin_)), kAddress);
  ASSERT_TRUE(admin.ok());
  EXPECT_EQ(access_->Authorize(*admin, "team-b", Permission::kManage)->role, Role::kAdmin);
  EXPECT_EQ(access_->Authorize(*admin, "no-such-team", Permission::kRead).status().code(),
            Code::kNotFound);
  // A token bound to team-b carries no role in team-a, even a server admin's.
  Result<Caller> bound = access_->Authenticate(Bearer(AddToken(admin_, team_b_.id)), kAddress);
  ASSERT_TRUE(bound.ok());
  Result<Grant> elsewhere = access_->Authorize(*bound, "team-a", Permission::kRead);
  EXPECT_EQ(elsewhere.status().code(), Code::kPermissionDenied);
  EXPECT_EQ(elsewhere.status().message(), "this token is limited to workspace 'team-b'");
  // Needs no credentials: a limited address changes nothing.
  for (int i = 0; i < 3; ++i) {
    ASSERT_FALSE(Check(Bearer(GenerateTokenSecret())).ok());
  }
  ASSERT_EQ(Check(Bearer(AddToken(bob_))).status().code(), Code::kResourceExhausted);
  EXPECT_TRUE(access_->Authorize(*bob, "team-a", Permission::kRead).ok());
}

TEST_F(AccessWorkspaceTest, AuthorizeWithoutAuthIsTheAnonymousAdmin) {
  Disable();
  const Caller anonymous;
  Result<Grant> grant = access_->Authorize(anonymous, "team-a", Permission::kManage);
  ASSERT_TRUE(grant.ok()) << grant.status().ToString();
  EXPECT_EQ(grant->role, Role::kAdmin);
  Result<Grant> unknown = access_->Authorize(anonymous, "no-such-team", Permission::kRead);
  EXPECT_EQ(unknown.status().code(), Code::kNotFound) << unknown.status().ToString();
}

}  // namespace
}  // namespace bucketflow::auth

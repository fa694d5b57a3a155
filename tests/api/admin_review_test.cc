// Regression tests for the review of issue #6 (tests/api/admin_test_fixture.h sets the scene:
// root = server admin, alice = admin of team-a, bob = reader of team-a, carol = no workspace,
// dave = editor of team-b).
#include <string>

#include "api/admin_test_fixture.h"

namespace bucketflow::admin_test {
namespace {

using api::CreateToken;
using api::GetWorkspace;
using api::ListTokens;
using api::ListWorkspaces;
using api::RevokeToken;
using api::SetUserPassword;
using api::SetWorkspaceBucket;

using ReviewTest = AdminTest;

constexpr int64_t kHourMs = 3600 * 1000;

// A token of `user`, optionally bound and expiring, minted the way the fixture mints its own.
std::string TokenFor(store::SqliteBackend& backend, const std::string& user,
                     std::optional<int64_t> workspace_id, std::optional<int64_t> expiry_time) {
  std::string secret = auth::GenerateTokenSecret();
  store::Token token;
  token.user_id = backend.GetUser(user)->id;
  token.workspace_id = workspace_id;
  token.expiry_time = expiry_time;
  token.name = "review";
  token.hash = auth::HashTokenSecret(secret);
  EXPECT_TRUE(backend.CreateToken(token).ok());
  return "Bearer " + secret;
}

// H1: a workspace admin mints tokens only for real members who are not server admins, and the
// refusal reads the same for an unknown user, a non-member and a server admin.
TEST_F(ReviewTest, WorkspaceAdminCannotMintTokensForServerAdmins) {
  ASSERT_TRUE(backend_
                  ->SetMembership(Workspace("team-a").id, backend_->GetUser("root")->id,
                                  store::Role::kReader)
                  .ok());
  Answer root = Call(CreateToken, "alice", {{"user", "root"}, {"workspace", "team-a"}});
  Answer nobody = Call(CreateToken, "alice", {{"user", "nobody"}, {"workspace", "team-a"}});
  Answer carol = Call(CreateToken, "alice", {{"user", "carol"}, {"workspace", "team-a"}});
  EXPECT_EQ(root.code(), Code::kInvalidArgument);
  EXPECT_EQ(root.status.message(), "user root is not a member of workspace 'team-a'");
  EXPECT_EQ(nobody.status.message(), "user nobody is not a member of workspace 'team-a'");
  EXPECT_EQ(carol.status.message(), "user carol is not a member of workspace 'team-a'");
  EXPECT_TRUE(AuditEntries("token.create").empty());
  // A reader asking for anyone else is refused before any user is looked up.
  EXPECT_EQ(Call(CreateToken, "bob", {{"user", "nobody"}, {"workspace", "team-a"}}).code(),
            Code::kPermissionDenied);
  EXPECT_EQ(Call(CreateToken, "bob", {{"user", "alice"}, {"workspace", "team-a"}}).code(),
            Code::kPermissionDenied);
  // The server admin still mints for them.
  EXPECT_TRUE(Call(CreateToken, "root", {{"user", "root"}, {"workspace", "team-a"}}).status.ok());
}

// H1: a token bound to a workspace revokes its owner's tokens of that workspace only.
TEST_F(ReviewTest, BoundTokenRevokesOnlyItsWorkspacesTokens) {
  ASSERT_TRUE(backend_
                  ->SetMembership(Workspace("team-b").id, backend_->GetUser("bob")->id,
                                  store::Role::kReader)
                  .ok());
  std::string bound = TokenFor(*backend_, "bob", Workspace("team-a").id, std::nullopt);
  Answer unbound = Call(CreateToken, "bob", {});
  Answer team_b = Call(CreateToken, "bob", {{"workspace", "team-b"}});
  Answer team_a = Call(CreateToken, "bob", {{"workspace", "team-a"}});
  ASSERT_TRUE(unbound.status.ok() && team_b.status.ok() && team_a.status.ok());
  auto id = [](const Answer& answer) {
    return std::string(answer.body.at("token_info").at("id").as_string());
  };
  EXPECT_EQ(CallWith(RevokeToken, bound, {{"token_id", id(unbound)}}).code(),
            Code::kPermissionDenied);
  EXPECT_EQ(CallWith(RevokeToken, bound, {{"token_id", id(team_b)}}).code(),
            Code::kPermissionDenied);
  EXPECT_TRUE(CallWith(RevokeToken, bound, {{"token_id", id(team_a)}}).status.ok());
  EXPECT_FALSE(backend_->GetToken(std::stoll(id(unbound)))->revocation_time.has_value());
  EXPECT_FALSE(backend_->GetToken(std::stoll(id(team_b)))->revocation_time.has_value());
  // The unbound token still revokes any of its owner's tokens.
  EXPECT_TRUE(Call(RevokeToken, "bob", {{"token_id", id(team_b)}}).status.ok());
}

// A3: a token cannot set its user's password, nor mint tokens that outlive it.
TEST_F(ReviewTest, StolenTokenDoesNotBecomeLastingAccess) {
  Answer refused = Call(SetUserPassword, "bob", {{"password", "bobs new password"}});
  EXPECT_EQ(refused.code(), Code::kPermissionDenied);
  EXPECT_EQ(refused.status.message(), "sign in with your password to change it");
  EXPECT_EQ(Call(SetUserPassword, "root", {{"password", "roots new password"}}).code(),
            Code::kPermissionDenied);
  EXPECT_TRUE(backend_->GetUser("bob")->password_hash.empty());
  // A server admin still resets other users' passwords with a token.
  EXPECT_TRUE(
      Call(SetUserPassword, "root", {{"name", "bob"}, {"password", "reset by root"}}).status.ok());

  std::string expiring = TokenFor(*backend_, "bob", std::nullopt, kNow + kHourMs);
  auto expiry = [&](json::object body) {
    Answer answer = CallWith(CreateToken, expiring, std::move(body));
    EXPECT_TRUE(answer.status.ok()) << answer.status.ToString();
    return answer.status.ok() ? answer.body.at("token_info").at("expiry_time").as_int64() : 0;
  };
  EXPECT_EQ(expiry({}), kNow + kHourMs);
  EXPECT_EQ(expiry({{"expires_in_seconds", 7200}}), kNow + kHourMs);
  EXPECT_EQ(expiry({{"expires_in_seconds", 600}}), kNow + 600 * 1000);
  // Unbounded callers mint what they ask for.
  Answer forever = Call(CreateToken, "bob", {});
  ASSERT_TRUE(forever.status.ok());
  EXPECT_FALSE(forever.body.at("token_info").as_object().contains("expiry_time"));
}

// H2: endpoints and the External ID are the server admin's; so is the default workspace.
TEST_F(ReviewTest, BucketEndpointsAndExternalIdAreForServerAdmins) {
  const json::object base{{"workspace", "team-a"}, {"bucket", "for-team-a"}, {"role_arn", "arn:r"}};
  for (const char* field : {"external_id", "s3_endpoint", "sts_endpoint"}) {
    json::object body = base;
    body[field] = "http://attacker.example:9000";
    Answer refused = Call(SetWorkspaceBucket, "alice", body);
    EXPECT_EQ(refused.code(), Code::kPermissionDenied) << field;
    EXPECT_EQ(refused.status.message(), std::string("only a server admin may set ") + field);
  }
  EXPECT_EQ(artifacts_.calls, 0);
  EXPECT_FALSE(Workspace("team-a").bucket.has_value());

  Answer own = Call(SetWorkspaceBucket, "alice", base);
  ASSERT_TRUE(own.status.ok()) << own.status.ToString();
  EXPECT_EQ(Workspace("team-a").bucket->external_id, "ext-team-a");
  json::object chosen = base;
  chosen["external_id"] = "chosen-by-root";
  chosen["s3_endpoint"] = "http://rgw.internal:8000";
  ASSERT_TRUE(Call(SetWorkspaceBucket, "root", chosen).status.ok());
  EXPECT_EQ(Workspace("team-a").bucket->external_id, "chosen-by-root");

  ASSERT_TRUE(backend_
                  ->SetMembership(store::kDefaultWorkspaceId, backend_->GetUser("alice")->id,
                                  store::Role::kAdmin)
                  .ok());
  json::object on_default{{"workspace", "default"}, {"bucket", "b"}, {"role_arn", "arn:r"}};
  EXPECT_EQ(Call(SetWorkspaceBucket, "alice", on_default).code(), Code::kPermissionDenied);
  EXPECT_EQ(Call(SetWorkspaceBucket, "alice", {{"workspace", "default"}, {"clear", true}}).code(),
            Code::kPermissionDenied);
  EXPECT_TRUE(Call(SetWorkspaceBucket, "root", on_default).status.ok());
  EXPECT_TRUE(
      Call(SetWorkspaceBucket, "root", {{"workspace", "default"}, {"clear", true}}).status.ok());
}

// M2: a bound token sees its workspace only, and only while its user is still a member.
TEST_F(ReviewTest, BoundTokenSeesItsWorkspaceWhileAMember) {
  ASSERT_TRUE(backend_
                  ->SetMembership(Workspace("team-b").id, backend_->GetUser("bob")->id,
                                  store::Role::kReader)
                  .ok());
  std::string bound = TokenFor(*backend_, "bob", Workspace("team-a").id, std::nullopt);
  Answer listed = CallWith(ListWorkspaces, bound, {});
  ASSERT_TRUE(listed.status.ok());
  ASSERT_EQ(listed.body.at("workspaces").as_array().size(), 1u);
  EXPECT_EQ(listed.body.at("workspaces").at(0).at("name"), "team-a");
  EXPECT_EQ(CallWith(GetWorkspace, bound, {{"name", "team-b"}}).code(), Code::kPermissionDenied);

  ASSERT_TRUE(
      backend_->RemoveMembership(Workspace("team-a").id, backend_->GetUser("bob")->id).ok());
  access_->Invalidate();
  Answer after = CallWith(ListWorkspaces, bound, {});
  ASSERT_TRUE(after.status.ok());
  EXPECT_TRUE(after.body.at("workspaces").as_array().empty());
  EXPECT_EQ(CallWith(GetWorkspace, bound, {{"name", "team-a"}}).code(), Code::kPermissionDenied);

  // A server admin's bound token still sees its workspace.
  std::string root_bound = TokenFor(*backend_, "root", Workspace("team-b").id, std::nullopt);
  Answer root = CallWith(ListWorkspaces, root_bound, {});
  ASSERT_TRUE(root.status.ok());
  ASSERT_EQ(root.body.at("workspaces").as_array().size(), 1u);
  EXPECT_EQ(root.body.at("workspaces").at(0).at("name"), "team-b");
}

// M2: tokens/list?user= answers the same for unknown and existing users to those who may not
// list them, and an empty list to a workspace admin.
TEST_F(ReviewTest, TokenListIsNoUserExistenceOracle) {
  Answer unknown = Call(ListTokens, "bob", {{"user", "nobody"}});
  Answer known = Call(ListTokens, "bob", {{"user", "alice"}});
  EXPECT_EQ(unknown.code(), Code::kPermissionDenied);
  EXPECT_EQ(unknown.status.message(), known.status.message());
  Answer workspace_admin = Call(ListTokens, "alice", {{"user", "nobody"}, {"workspace", "team-a"}});
  ASSERT_TRUE(workspace_admin.status.ok()) << workspace_admin.status.ToString();
  EXPECT_TRUE(workspace_admin.body.at("tokens").as_array().empty());
  EXPECT_EQ(Call(ListTokens, "root", {{"user", "nobody"}}).code(), Code::kNotFound);
  Answer own = Call(ListTokens, "bob", {{"user", "bob"}});
  ASSERT_TRUE(own.status.ok());
  EXPECT_EQ(own.body.at("tokens").as_array().size(), 1u);
}

}  // namespace
}  // namespace bucketflow::admin_test

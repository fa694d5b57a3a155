// Workspaces, bucket, members and "who am I" (tests/api/admin_test_fixture.h sets the scene:
// root = server admin, alice = admin of team-a, bob = reader of team-a, carol = no workspace,
// dave = editor of team-b).
#include <string>

#include "api/admin_json.h"
#include "api/admin_test_fixture.h"

namespace bucketflow::admin_test {
namespace {

using api::CreateWorkspace;
using api::DeleteWorkspace;
using api::GetMe;
using api::GetWorkspace;
using api::ListMembers;
using api::ListWorkspaces;
using api::RemoveMember;
using api::SetMember;
using api::SetWorkspaceBucket;

std::vector<std::string> Names(const json::value& list) {
  std::vector<std::string> out;
  for (const json::value& item : list.as_array()) {
    out.emplace_back(item.at("name").as_string());
  }
  return out;
}

using WorkspaceTest = AdminTest;

TEST_F(WorkspaceTest, MeListsTheCallersWorkspacesAndRoles) {
  Answer root = Call(GetMe, "root");
  ASSERT_TRUE(root.status.ok()) << root.status.ToString();
  EXPECT_EQ(root.body.at("user").at("name"), "root");
  EXPECT_EQ(root.body.at("user").at("is_admin"), true);
  EXPECT_EQ(root.body.at("auth_enabled"), true);
  EXPECT_EQ(Names(root.body.at("workspaces")),
            (std::vector<std::string>{"default", "team-a", "team-b"}));
  for (const json::value& ws : root.body.at("workspaces").as_array()) {
    EXPECT_EQ(ws.at("role"), "admin");
  }

  Answer bob = Call(GetMe, "bob");
  ASSERT_TRUE(bob.status.ok());
  EXPECT_EQ(bob.body.at("user").at("is_admin"), false);
  EXPECT_EQ(bob.text.find("\"workspaces\":[{\"name\":\"team-a\",\"role\":\"reader\"}]") !=
                std::string::npos,
            true)
      << bob.text;

  Answer carol = Call(GetMe, "carol");
  ASSERT_TRUE(carol.status.ok());
  EXPECT_TRUE(carol.body.at("workspaces").as_array().empty());
}

TEST_F(WorkspaceTest, MeWithoutAuthIsTheAnonymousAdmin) {
  Services open = *services_;
  open.access = nullptr;  // no gate: what a server without --auth hands its handlers
  Answer me = Run(GetMe, open, {});
  ASSERT_TRUE(me.status.ok()) << me.status.ToString();
  EXPECT_EQ(me.body.at("user").at("name"), "anonymous");
  EXPECT_EQ(me.body.at("user").at("is_admin"), true);
  EXPECT_EQ(me.body.at("auth_enabled"), false);
  EXPECT_EQ(me.body.at("workspaces").as_array().size(), 3u);
}

TEST_F(WorkspaceTest, CreateIsForServerAdmins) {
  Answer created = Call(CreateWorkspace, "root", {{"name", "team-c"}});
  ASSERT_TRUE(created.status.ok()) << created.status.ToString();
  const json::value& ws = created.body.at("workspace");
  EXPECT_EQ(ws.at("name"), "team-c");
  EXPECT_TRUE(ws.at("id").is_string());
  EXPECT_EQ(ws.at("external_id").as_string().size(), 32u);  // RandomHex(16)
  EXPECT_FALSE(ws.at("default_experiment_id").as_string().empty());
  EXPECT_FALSE(ws.as_object().contains("bucket"));

  Answer supplied =
      Call(CreateWorkspace, "root", {{"name", "team-d"}, {"external_id", "owner-chosen-id"}});
  ASSERT_TRUE(supplied.status.ok());
  EXPECT_EQ(supplied.body.at("workspace").at("external_id"), "owner-chosen-id");

  EXPECT_EQ(Call(CreateWorkspace, "alice", {{"name", "team-e"}}).code(), Code::kPermissionDenied);
  EXPECT_EQ(Call(CreateWorkspace, "carol", {{"name", "team-e"}}).code(), Code::kPermissionDenied);
  EXPECT_FALSE(backend_->GetWorkspace("team-e").ok());

  std::vector<store::AuditEntry> audit = AuditEntries("workspace.create");
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[0].target, "team-d");
  EXPECT_EQ(audit[0].actor, "root");
  EXPECT_EQ(audit[0].workspace, "team-d");
}

TEST_F(WorkspaceTest, CreateValidatesItsInput) {
  Answer missing = Call(CreateWorkspace, "root", {});
  EXPECT_EQ(missing.code(), Code::kInvalidArgument);
  EXPECT_TRUE(missing.status.message().starts_with("Missing value for required parameter 'name'."))
      << missing.status.message();
  for (const char* bad : {"Team-A", "-team", "team_a", "a b", "", "ü"}) {
    EXPECT_EQ(Call(CreateWorkspace, "root", {{"name", bad}}).code(), Code::kInvalidArgument) << bad;
  }
  EXPECT_EQ(Call(CreateWorkspace, "root", {{"name", std::string(64, 'a')}}).code(),
            Code::kInvalidArgument);
  EXPECT_TRUE(Call(CreateWorkspace, "root", {{"name", std::string(63, 'a')}}).status.ok());
  EXPECT_EQ(Call(CreateWorkspace, "root", {{"name", 5}}).code(), Code::kInvalidArgument);
  EXPECT_EQ(Call(CreateWorkspace, "root", {{"name", "ok-name"}, {"external_id", "x"}}).code(),
            Code::kInvalidArgument);
  EXPECT_EQ(Call(CreateWorkspace, "root", {{"name", "team-a"}}).code(), Code::kAlreadyExists);
}

TEST_F(WorkspaceTest, ListShowsAdminsEverythingAndMembersTheirOwn) {
  Answer root = Call(ListWorkspaces, "root");
  ASSERT_TRUE(root.status.ok());
  EXPECT_EQ(Names(root.body.at("workspaces")),
            (std::vector<std::string>{"default", "team-a", "team-b"}));
  Answer bob = Call(ListWorkspaces, "bob");
  ASSERT_TRUE(bob.status.ok());
  EXPECT_EQ(Names(bob.body.at("workspaces")), (std::vector<std::string>{"team-a"}));
  Answer carol = Call(ListWorkspaces, "carol");
  ASSERT_TRUE(carol.status.ok());
  EXPECT_TRUE(carol.body.at("workspaces").as_array().empty());
}

TEST_F(WorkspaceTest, GetNeedsMembership) {
  Answer bob = Call(GetWorkspace, "bob", {{"name", "team-a"}});
  ASSERT_TRUE(bob.status.ok()) << bob.status.ToString();
  EXPECT_EQ(bob.body.at("workspace").at("external_id"), "ext-team-a");
  EXPECT_EQ(Call(GetWorkspace, "bob", {{"name", "team-b"}}).code(), Code::kPermissionDenied);
  EXPECT_EQ(Call(GetWorkspace, "carol", {{"name", "team-a"}}).code(), Code::kPermissionDenied);
  // Non-members cannot tell an unknown name from someone else's workspace.
  EXPECT_EQ(Call(GetWorkspace, "carol", {{"name", "nope"}}).code(), Code::kPermissionDenied);
  EXPECT_EQ(Call(GetWorkspace, "root", {{"name", "nope"}}).code(), Code::kNotFound);
  EXPECT_EQ(Call(GetWorkspace, "root", {}).code(), Code::kInvalidArgument);
}

TEST_F(WorkspaceTest, DeleteIsForServerAdminsAndNeverTheDefault) {
  EXPECT_EQ(Call(DeleteWorkspace, "alice", {{"name", "team-a"}}).code(), Code::kPermissionDenied);
  EXPECT_TRUE(backend_->GetWorkspace("team-a").ok());
  Answer refused = Call(DeleteWorkspace, "root", {{"name", "default"}});
  EXPECT_EQ(refused.code(), Code::kInvalidArgument);
  EXPECT_EQ(Call(DeleteWorkspace, "root", {{"name", "nope"}}).code(), Code::kNotFound);

  Answer deleted = Call(DeleteWorkspace, "root", {{"name", "team-b"}});
  ASSERT_TRUE(deleted.status.ok()) << deleted.status.ToString();
  EXPECT_EQ(deleted.text, "{}");
  EXPECT_EQ(backend_->GetWorkspace("team-b").status().code(), Code::kNotFound);
  // dave's membership went with it, and this server forgot it at once.
  Answer dave = Call(GetMe, "dave");
  ASSERT_TRUE(dave.status.ok());
  EXPECT_TRUE(dave.body.at("workspaces").as_array().empty());
  ASSERT_EQ(AuditEntries("workspace.delete").size(), 1u);
  EXPECT_EQ(AuditEntries("workspace.delete")[0].target, "team-b");
}

TEST_F(WorkspaceTest, BucketSetVerifiesThenStores) {
  json::object body{{"workspace", "team-a"},
                    {"bucket", "for-team-a"},
                    {"prefix", "mlflow"},
                    {"role_arn", "arn:aws:iam::123456789012:role/team-a"}};
  EXPECT_EQ(Call(SetWorkspaceBucket, "bob", body).code(), Code::kPermissionDenied);
  EXPECT_EQ(Call(SetWorkspaceBucket, "dave", body).code(), Code::kPermissionDenied);
  EXPECT_EQ(artifacts_.calls, 0);

  Answer set = Call(SetWorkspaceBucket, "alice", body);
  ASSERT_TRUE(set.status.ok()) << set.status.ToString();
  const json::value& bucket = set.body.at("workspace").at("bucket");
  EXPECT_EQ(bucket.at("bucket"), "for-team-a");
  EXPECT_EQ(bucket.at("prefix"), "mlflow");
  EXPECT_EQ(bucket.at("region"), "us-east-1");
  EXPECT_EQ(bucket.at("external_id"), "ext-team-a");
  EXPECT_EQ(set.body.at("checks").as_array().size(), 1u);
  EXPECT_EQ(set.body.at("checks").at(0).at("outcome"), "PASS");
  ASSERT_TRUE(Workspace("team-a").bucket.has_value());
  EXPECT_EQ(Workspace("team-a").bucket->role_arn, "arn:aws:iam::123456789012:role/team-a");

  std::vector<store::AuditEntry> audit = AuditEntries("bucket.set");
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].actor, "alice");
  EXPECT_EQ(audit[0].workspace, "team-a");
  json::value detail = json::parse(audit[0].detail);
  EXPECT_EQ(detail.at("bucket"), "for-team-a");
  EXPECT_EQ(detail.at("role_arn"), "arn:aws:iam::123456789012:role/team-a");
}

TEST_F(WorkspaceTest, BucketSetThatFailsVerificationStoresNothing) {
  Answer failed = Call(SetWorkspaceBucket, "alice",
                       {{"workspace", "team-a"},
                        {"bucket", "bad-bucket"},
                        {"role_arn", "arn:aws:iam::123456789012:role/team-a"}});
  EXPECT_EQ(failed.code(), Code::kInvalidArgument);
  EXPECT_EQ(failed.body.at("error_code"), "INVALID_PARAMETER_VALUE");
  EXPECT_EQ(failed.body.at("message"),
            "bucket verification failed: list: AccessDenied on ListBucket (see checks)");
  ASSERT_EQ(failed.body.at("checks").as_array().size(), 3u);
  EXPECT_EQ(failed.body.at("checks").at(1).at("fix"), "grant s3:ListBucket");
  EXPECT_FALSE(Workspace("team-a").bucket.has_value());
  EXPECT_TRUE(AuditEntries("bucket.set").empty());

  Answer taken = Call(SetWorkspaceBucket, "alice",
                      {{"workspace", "team-a"}, {"bucket", "taken"}, {"role_arn", "arn:x"}});
  EXPECT_EQ(taken.code(), Code::kAlreadyExists);
  EXPECT_FALSE(Workspace("team-a").bucket.has_value());
}

TEST_F(WorkspaceTest, BucketSetValidatesAndClears) {
  Answer no_role = Call(SetWorkspaceBucket, "alice", {{"workspace", "team-a"}, {"bucket", "b"}});
  EXPECT_EQ(no_role.code(), Code::kInvalidArgument);
  EXPECT_TRUE(
      no_role.status.message().starts_with("Missing value for required parameter 'role_arn'."));
  EXPECT_EQ(Call(SetWorkspaceBucket, "alice", {{"bucket", "b"}, {"role_arn", "r"}}).code(),
            Code::kInvalidArgument);
  EXPECT_EQ(Call(SetWorkspaceBucket, "alice", {{"workspace", "team-a"}, {"clear", "yes"}}).code(),
            Code::kInvalidArgument);

  ASSERT_TRUE(Call(SetWorkspaceBucket, "alice",
                   {{"workspace", "team-a"}, {"bucket", "for-team-a"}, {"role_arn", "arn:r"}})
                  .status.ok());
  EXPECT_EQ(Call(SetWorkspaceBucket, "bob", {{"workspace", "team-a"}, {"clear", true}}).code(),
            Code::kPermissionDenied);
  ASSERT_TRUE(Workspace("team-a").bucket.has_value());
  Answer cleared = Call(SetWorkspaceBucket, "alice", {{"workspace", "team-a"}, {"clear", true}});
  ASSERT_TRUE(cleared.status.ok()) << cleared.status.ToString();
  EXPECT_FALSE(cleared.body.at("workspace").as_object().contains("bucket"));
  EXPECT_FALSE(Workspace("team-a").bucket.has_value());
  ASSERT_EQ(AuditEntries("bucket.clear").size(), 1u);
  EXPECT_EQ(AuditEntries("bucket.clear")[0].workspace, "team-a");
}

TEST_F(WorkspaceTest, MembersAreManagedByWorkspaceAdmins) {
  Answer list = Call(ListMembers, "alice", {{"workspace", "team-a"}});
  ASSERT_TRUE(list.status.ok()) << list.status.ToString();
  EXPECT_NE(list.text.find("{\"user\":\"bob\",\"role\":\"reader\"}"), std::string::npos)
      << list.text;
  EXPECT_EQ(Call(ListMembers, "bob", {{"workspace", "team-a"}}).code(), Code::kPermissionDenied);
  EXPECT_EQ(Call(ListMembers, "alice", {{"workspace", "team-b"}}).code(), Code::kPermissionDenied);
  EXPECT_TRUE(Call(ListMembers, "root", {{"workspace", "team-b"}}).status.ok());

  EXPECT_EQ(Call(SetMember, "bob", {{"workspace", "team-a"}, {"user", "carol"}, {"role", "admin"}})
                .code(),
            Code::kPermissionDenied);
  EXPECT_EQ(
      Call(SetMember, "alice", {{"workspace", "team-a"}, {"user", "carol"}, {"role", "owner"}})
          .code(),
      Code::kInvalidArgument);
  EXPECT_EQ(
      Call(SetMember, "alice", {{"workspace", "team-a"}, {"user", "nobody"}, {"role", "reader"}})
          .code(),
      Code::kNotFound);
  EXPECT_EQ(Call(SetMember, "alice", {{"workspace", "team-a"}, {"user", "carol"}}).code(),
            Code::kInvalidArgument);

  // carol is a non-member until now; the change applies to her very next request.
  EXPECT_EQ(Call(GetWorkspace, "carol", {{"name", "team-a"}}).code(), Code::kPermissionDenied);
  ASSERT_TRUE(
      Call(SetMember, "alice", {{"workspace", "team-a"}, {"user", "carol"}, {"role", "editor"}})
          .status.ok());
  EXPECT_TRUE(Call(GetWorkspace, "carol", {{"name", "team-a"}}).status.ok());
  std::vector<store::AuditEntry> set = AuditEntries("member.set");
  ASSERT_EQ(set.size(), 1u);
  EXPECT_EQ(set[0].target, "carol");
  EXPECT_EQ(set[0].workspace, "team-a");
  EXPECT_EQ(json::parse(set[0].detail).at("role"), "editor");

  EXPECT_EQ(Call(RemoveMember, "bob", {{"workspace", "team-a"}, {"user", "carol"}}).code(),
            Code::kPermissionDenied);
  ASSERT_TRUE(
      Call(RemoveMember, "alice", {{"workspace", "team-a"}, {"user", "carol"}}).status.ok());
  EXPECT_EQ(Call(GetWorkspace, "carol", {{"name", "team-a"}}).code(), Code::kPermissionDenied);
  ASSERT_EQ(AuditEntries("member.remove").size(), 1u);
}

}  // namespace
}  // namespace bucketflow::admin_test

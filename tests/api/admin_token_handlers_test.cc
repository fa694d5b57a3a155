// Users, tokens, the audit log and the routes (tests/api/admin_test_fixture.h sets the scene:
// root = server admin, alice = admin of team-a, bob = reader of team-a, carol = no workspace,
// dave = editor of team-b).
#include <string>

#include "api/admin_test_fixture.h"
#include "api/route_wrappers.h"
#include "auth/password.h"
#include "http/router.h"

namespace bucketflow::admin_test {
namespace {

using api::CreateToken;
using api::CreateUser;
using api::DeleteUser;
using api::ListAudit;
using api::ListTokens;
using api::ListUsers;
using api::RevokeToken;
using api::SetMember;
using api::SetUserPassword;

std::string Basic(const std::string& user, const std::string& password) {
  std::string plain = user + ":" + password;
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < plain.size(); i += 3) {
    uint32_t n = static_cast<uint32_t>(static_cast<unsigned char>(plain[i])) << 16;
    if (i + 1 < plain.size())
      n |= static_cast<uint32_t>(static_cast<unsigned char>(plain[i + 1])) << 8;
    if (i + 2 < plain.size()) n |= static_cast<unsigned char>(plain[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < plain.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += i + 2 < plain.size() ? kAlphabet[n & 63] : '=';
  }
  return "Basic " + out;
}

using UserTest = AdminTest;
using TokenTest = AdminTest;
using AuditTest = AdminTest;

TEST_F(UserTest, CreateListDeleteAreForServerAdmins) {
  Answer created =
      Call(CreateUser, "root", {{"name", "erin.o@example"}, {"password", "correct horse"}});
  ASSERT_TRUE(created.status.ok()) << created.status.ToString();
  EXPECT_EQ(created.body.at("user").at("name"), "erin.o@example");
  EXPECT_EQ(created.body.at("user").at("is_admin"), false);
  EXPECT_EQ(created.body.at("user").at("creation_time"), kNow);
  EXPECT_TRUE(access_->Authenticate(Basic("erin.o@example", "correct horse"), "1.2.3.4").ok());
  ASSERT_TRUE(Call(CreateUser, "root", {{"name", "frank"}, {"is_admin", true}}).status.ok());
  EXPECT_TRUE(backend_->GetUser("frank")->is_admin);

  EXPECT_EQ(Call(CreateUser, "alice", {{"name", "gina"}}).code(), Code::kPermissionDenied);
  EXPECT_EQ(Call(ListUsers, "alice").code(), Code::kPermissionDenied);
  EXPECT_EQ(Call(DeleteUser, "alice", {{"name", "bob"}}).code(), Code::kPermissionDenied);

  Answer list = Call(ListUsers, "root");
  ASSERT_TRUE(list.status.ok());
  EXPECT_EQ(list.body.at("users").as_array().size(), 7u);
  EXPECT_EQ(list.text.find("argon2"), std::string::npos) << list.text;
  EXPECT_EQ(list.text.find("password"), std::string::npos);

  EXPECT_EQ(Call(DeleteUser, "root", {{"name", "root"}}).code(), Code::kInvalidArgument);
  EXPECT_EQ(Call(DeleteUser, "root", {{"name", "nobody"}}).code(), Code::kNotFound);
  ASSERT_TRUE(Call(DeleteUser, "root", {{"name", "bob"}}).status.ok());
  EXPECT_EQ(backend_->GetUser("bob").status().code(), Code::kNotFound);
  // bob's token stopped working at once.
  EXPECT_EQ(Call(api::GetMe, "bob").code(), Code::kUnauthenticated);

  ASSERT_EQ(AuditEntries("user.create").size(), 2u);
  EXPECT_EQ(AuditEntries("user.create")[1].target, "erin.o@example");
  EXPECT_EQ(AuditEntries("user.create")[1].workspace, "");
  EXPECT_EQ(AuditEntries("user.create")[1].detail.find("correct horse"), std::string::npos);
  ASSERT_EQ(AuditEntries("user.delete").size(), 1u);
}

TEST_F(UserTest, CreateValidatesNameAndPassword) {
  EXPECT_TRUE(Call(CreateUser, "root", {})
                  .status.message()
                  .starts_with("Missing value for required parameter 'name'."));
  for (const char* bad : {".dot", "sp ace", "semi;colon", "slash/"}) {
    EXPECT_EQ(Call(CreateUser, "root", {{"name", bad}}).code(), Code::kInvalidArgument) << bad;
  }
  EXPECT_EQ(Call(CreateUser, "root", {{"name", std::string(129, 'u')}}).code(),
            Code::kInvalidArgument);
  Answer short_password = Call(CreateUser, "root", {{"name", "gina"}, {"password", "1234567"}});
  EXPECT_EQ(short_password.code(), Code::kInvalidArgument);
  EXPECT_EQ(short_password.status.message().find("1234567"), std::string::npos);
  EXPECT_EQ(
      Call(CreateUser, "root", {{"name", "gina"}, {"password", std::string(1025, 'p')}}).code(),
      Code::kInvalidArgument);
  EXPECT_EQ(Call(CreateUser, "root", {{"name", "gina"}, {"is_admin", "maybe"}}).code(),
            Code::kInvalidArgument);
  EXPECT_EQ(Call(CreateUser, "root", {{"name", "alice"}}).code(), Code::kAlreadyExists);
}

TEST_F(UserTest, SetPasswordForSelfOrByServerAdmin) {
  ASSERT_TRUE(Call(SetUserPassword, "root", {{"name", "bob"}, {"password", "bobs first pass"}})
                  .status.ok());
  // Self-service takes a password sign-in, which proved the current password.
  Answer self = CallWith(SetUserPassword, Basic("bob", "bobs first pass"),
                         {{"password", "bobs new password"}});
  ASSERT_TRUE(self.status.ok()) << self.status.ToString();
  EXPECT_TRUE(access_->Authenticate(Basic("bob", "bobs new password"), "1.2.3.4").ok());
  EXPECT_EQ(Call(SetUserPassword, "bob", {{"name", "alice"}, {"password", "stolen-pass"}}).code(),
            Code::kPermissionDenied);
  ASSERT_TRUE(Call(SetUserPassword, "root", {{"name", "alice"}, {"password", "alice's reset"}})
                  .status.ok());
  EXPECT_TRUE(access_->Authenticate(Basic("alice", "alice's reset"), "1.2.3.4").ok());
  EXPECT_EQ(Call(SetUserPassword, "root", {{"name", "bob"}, {"password", "short"}}).code(),
            Code::kInvalidArgument);
  EXPECT_EQ(Call(SetUserPassword, "bob", {}).code(), Code::kInvalidArgument);
  EXPECT_EQ(Call(SetUserPassword, "root", {{"name", "nobody"}, {"password", "long enough"}}).code(),
            Code::kNotFound);

  // A token limited to one workspace cannot turn itself into a password that works everywhere.
  int64_t bob_id = backend_->GetUser("bob")->id;
  std::string bound = NewSecret(bob_id, Workspace("team-a").id);
  EXPECT_EQ(CallWith(SetUserPassword, "Bearer " + bound, {{"password", "another one"}}).code(),
            Code::kPermissionDenied);

  std::vector<store::AuditEntry> audit = AuditEntries("user.password");
  ASSERT_EQ(audit.size(), 3u);
  EXPECT_EQ(audit[1].actor, "bob");  // newest first
  EXPECT_EQ(audit[1].target, "bob");
  EXPECT_EQ(audit[1].detail.find("bobs new password"), std::string::npos);
}

TEST_F(TokenTest, SelfServiceTokenIsShownOnceAndWorks) {
  Answer created = Call(CreateToken, "bob", {{"name", "laptop"}});
  ASSERT_TRUE(created.status.ok()) << created.status.ToString();
  std::string secret(created.body.at("token").as_string());
  EXPECT_TRUE(secret.starts_with("bft_"));
  EXPECT_EQ(secret.size(), 68u);
  const json::value& info = created.body.at("token_info");
  EXPECT_EQ(info.at("name"), "laptop");
  EXPECT_EQ(info.at("user"), "bob");
  EXPECT_FALSE(info.as_object().contains("workspace"));
  EXPECT_FALSE(info.as_object().contains("expiry_time"));
  EXPECT_EQ(created.text.find(auth::HashTokenSecret(secret)), std::string::npos);

  Result<auth::Caller> caller = access_->Authenticate("Bearer " + secret, "1.2.3.4");
  ASSERT_TRUE(caller.ok()) << caller.status().ToString();
  EXPECT_EQ(caller->name, "bob");

  Answer list = Call(ListTokens, "bob");
  ASSERT_TRUE(list.status.ok());
  EXPECT_EQ(list.body.at("tokens").as_array().size(), 2u);  // the fixture's and this one
  EXPECT_EQ(list.text.find(secret), std::string::npos);
  EXPECT_EQ(list.text.find(auth::HashTokenSecret(secret)), std::string::npos);
  EXPECT_EQ(list.text.find("hash"), std::string::npos);

  std::vector<store::AuditEntry> audit = AuditEntries("token.create");
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].actor, "bob");
  EXPECT_EQ(audit[0].target, std::string(info.at("id").as_string()));
  EXPECT_EQ(audit[0].detail.find(secret), std::string::npos);
}

TEST_F(TokenTest, WhoMayCreateForWhom) {
  // Self, bound to a workspace one belongs to; not to another.
  Answer bound = Call(CreateToken, "bob", {{"workspace", "team-a"}});
  ASSERT_TRUE(bound.status.ok()) << bound.status.ToString();
  EXPECT_EQ(bound.body.at("token_info").at("workspace"), "team-a");
  EXPECT_EQ(Call(CreateToken, "bob", {{"workspace", "team-b"}}).code(), Code::kPermissionDenied);
  // A workspace admin, for members of that workspace, bound to it.
  EXPECT_TRUE(Call(CreateToken, "alice", {{"user", "bob"}, {"workspace", "team-a"}}).status.ok());
  EXPECT_EQ(Call(CreateToken, "alice", {{"user", "bob"}}).code(), Code::kPermissionDenied);
  EXPECT_EQ(Call(CreateToken, "alice", {{"user", "carol"}, {"workspace", "team-a"}}).code(),
            Code::kInvalidArgument);  // carol is not a member of team-a
  EXPECT_EQ(Call(CreateToken, "alice", {{"user", "dave"}, {"workspace", "team-b"}}).code(),
            Code::kPermissionDenied);
  EXPECT_EQ(Call(CreateToken, "bob", {{"user", "alice"}, {"workspace", "team-a"}}).code(),
            Code::kPermissionDenied);
  // A server admin, for anyone; bound only where the user belongs.
  EXPECT_TRUE(Call(CreateToken, "root", {{"user", "carol"}}).status.ok());
  EXPECT_EQ(Call(CreateToken, "root", {{"user", "carol"}, {"workspace", "team-a"}}).code(),
            Code::kInvalidArgument);
  EXPECT_EQ(Call(CreateToken, "root", {{"user", "nobody"}}).code(), Code::kNotFound);
  // Nobody else learns which user names exist.
  EXPECT_EQ(Call(CreateToken, "bob", {{"user", "nobody"}}).code(), Code::kPermissionDenied);
  EXPECT_EQ(Call(CreateToken, "alice", {{"user", "nobody"}, {"workspace", "team-a"}}).code(),
            Code::kInvalidArgument);

  // A bound token only mints tokens bound to the same workspace.
  std::string bob_bound(bound.body.at("token").as_string());
  Answer minted = CallWith(CreateToken, "Bearer " + bob_bound, {});
  ASSERT_TRUE(minted.status.ok()) << minted.status.ToString();
  EXPECT_EQ(minted.body.at("token_info").at("workspace"), "team-a");
}

TEST_F(TokenTest, ExpiryIsBounded) {
  EXPECT_EQ(Call(CreateToken, "bob", {{"expires_in_seconds", 59}}).code(), Code::kInvalidArgument);
  EXPECT_EQ(Call(CreateToken, "bob", {{"expires_in_seconds", 5LL * 366 * 86400}}).code(),
            Code::kInvalidArgument);
  EXPECT_EQ(Call(CreateToken, "bob", {{"expires_in_seconds", 1.5}}).code(), Code::kInvalidArgument);
  Answer hour = Call(CreateToken, "bob", {{"expires_in_seconds", "3600"}});
  ASSERT_TRUE(hour.status.ok()) << hour.status.ToString();
  EXPECT_EQ(hour.body.at("token_info").at("expiry_time"), kNow + 3600 * 1000);
}

TEST_F(TokenTest, ListIsOwnTokensWorkspaceTokensOrEverything) {
  ASSERT_TRUE(Call(CreateToken, "alice", {{"user", "bob"}, {"workspace", "team-a"}}).status.ok());
  ASSERT_TRUE(Call(CreateToken, "dave", {{"workspace", "team-b"}}).status.ok());

  Answer workspace = Call(ListTokens, "alice", {{"workspace", "team-a"}});
  ASSERT_TRUE(workspace.status.ok()) << workspace.status.ToString();
  ASSERT_EQ(workspace.body.at("tokens").as_array().size(), 1u);
  EXPECT_EQ(workspace.body.at("tokens").at(0).at("user"), "bob");
  EXPECT_EQ(Call(ListTokens, "alice", {{"workspace", "team-b"}}).code(), Code::kPermissionDenied);

  Answer bob = Call(ListTokens, "bob", {{"workspace", "team-a"}});  // a reader: own ones only
  ASSERT_TRUE(bob.status.ok());
  EXPECT_EQ(bob.body.at("tokens").as_array().size(), 1u);
  EXPECT_EQ(Call(ListTokens, "bob", {{"user", "alice"}}).code(), Code::kPermissionDenied);

  Answer all = Call(ListTokens, "root");
  ASSERT_TRUE(all.status.ok());
  EXPECT_EQ(all.body.at("tokens").as_array().size(), 7u);  // 5 fixture tokens + 2
  Answer dave = Call(ListTokens, "root", {{"user", "dave"}});
  EXPECT_EQ(dave.body.at("tokens").as_array().size(), 2u);
}

TEST_F(TokenTest, RevokeByOwnerWorkspaceAdminOrServerAdmin) {
  Answer own = Call(CreateToken, "bob", {});
  ASSERT_TRUE(own.status.ok());
  std::string secret(own.body.at("token").as_string());
  std::string id(own.body.at("token_info").at("id").as_string());
  ASSERT_TRUE(access_->Authenticate("Bearer " + secret, "1.2.3.4").ok());  // now cached

  EXPECT_EQ(Call(RevokeToken, "carol", {{"token_id", id}}).code(), Code::kPermissionDenied);
  EXPECT_EQ(Call(RevokeToken, "alice", {{"token_id", id}}).code(),
            Code::kPermissionDenied);  // not bound to alice's workspace
  ASSERT_TRUE(Call(RevokeToken, "bob", {{"token_id", id}}).status.ok());
  EXPECT_EQ(access_->Authenticate("Bearer " + secret, "1.2.3.4").status().code(),
            Code::kUnauthenticated);

  Answer bound = Call(CreateToken, "bob", {{"workspace", "team-a"}});
  ASSERT_TRUE(bound.status.ok());
  std::string bound_id(bound.body.at("token_info").at("id").as_string());
  ASSERT_TRUE(Call(RevokeToken, "alice", {{"token_id", std::stoll(bound_id)}}).status.ok());
  EXPECT_TRUE(backend_->GetToken(std::stoll(bound_id))->revocation_time.has_value());

  EXPECT_EQ(Call(RevokeToken, "root", {{"token_id", "999999"}}).code(), Code::kNotFound);
  EXPECT_EQ(Call(RevokeToken, "root", {}).code(), Code::kInvalidArgument);
  EXPECT_EQ(Call(RevokeToken, "root", {{"token_id", "abc"}}).code(), Code::kInvalidArgument);

  std::vector<store::AuditEntry> audit = AuditEntries("token.revoke");
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[0].actor, "alice");  // newest first
  EXPECT_EQ(audit[0].workspace, "team-a");
  EXPECT_EQ(audit[1].actor, "bob");
  EXPECT_EQ(audit[1].target, id);
}

TEST_F(AuditTest, WorkspaceAdminsReadTheirWorkspaceServerAdminsEverything) {
  ASSERT_TRUE(
      Call(SetMember, "alice", {{"workspace", "team-a"}, {"user", "carol"}, {"role", "reader"}})
          .status.ok());
  ASSERT_TRUE(
      Call(SetMember, "root", {{"workspace", "team-b"}, {"user", "carol"}, {"role", "reader"}})
          .status.ok());
  ASSERT_TRUE(Call(CreateUser, "root", {{"name", "henry"}}).status.ok());

  Answer alice = Call(ListAudit, "alice", {{"workspace", "team-a"}});
  ASSERT_TRUE(alice.status.ok()) << alice.status.ToString();
  ASSERT_EQ(alice.body.at("entries").as_array().size(), 1u);
  const json::value& entry = alice.body.at("entries").at(0);
  EXPECT_EQ(entry.at("action"), "member.set");
  EXPECT_EQ(entry.at("actor"), "alice");
  EXPECT_EQ(entry.at("workspace"), "team-a");
  EXPECT_EQ(entry.at("target"), "carol");
  EXPECT_EQ(entry.at("time"), kNow);
  EXPECT_TRUE(entry.at("id").is_string());

  EXPECT_EQ(Call(ListAudit, "alice").code(), Code::kInvalidArgument);
  EXPECT_EQ(Call(ListAudit, "alice", {{"workspace", "team-b"}}).code(), Code::kPermissionDenied);
  EXPECT_EQ(Call(ListAudit, "bob", {{"workspace", "team-a"}}).code(), Code::kPermissionDenied);

  Answer root = Call(ListAudit, "root");
  ASSERT_TRUE(root.status.ok());
  EXPECT_EQ(root.body.at("entries").as_array().size(), 3u);
  Answer filtered = Call(ListAudit, "root", {{"action", "user.create"}});
  ASSERT_EQ(filtered.body.at("entries").as_array().size(), 1u);

  Answer first = Call(ListAudit, "root", {{"max_results", "2"}});
  ASSERT_TRUE(first.status.ok());
  EXPECT_EQ(first.body.at("entries").as_array().size(), 2u);
  ASSERT_TRUE(first.body.as_object().contains("next_page_token"));
  Answer second = Call(ListAudit, "root",
                       {{"max_results", "2"}, {"page_token", first.body.at("next_page_token")}});
  ASSERT_TRUE(second.status.ok()) << second.status.ToString();
  EXPECT_EQ(second.body.at("entries").as_array().size(), 1u);
  EXPECT_FALSE(second.body.as_object().contains("next_page_token"));

  EXPECT_EQ(Call(ListAudit, "root", {{"max_results", "0"}}).code(), Code::kInvalidArgument);
  EXPECT_EQ(Call(ListAudit, "root", {{"max_results", "1001"}}).code(), Code::kInvalidArgument);
  EXPECT_EQ(Call(ListAudit, "root", {{"page_token", "garbage!"}}).code(), Code::kInvalidArgument);
}

// Through the router: the gate authenticates, and bucket/set's report comes back as a 400.
TEST_F(AuditTest, RoutesAnswerOverHttp) {
  http::Router router;
  api::AddAdminRoutes(router, "/api/2.0", *services_);
  auto send = [&](const std::string& method, const std::string& target, const std::string& body,
                  const std::string& user) {
    http::Request request;
    request.method = method;
    request.target = target;
    size_t q = target.find('?');
    request.path = target.substr(0, q);
    if (q != std::string::npos) {
      request.query = target.substr(q + 1);
      request.has_query = true;
    }
    request.body = body;
    request.remote_address = "127.0.0.1";
    request.headers.emplace_back("Content-Type", "application/json");
    if (!user.empty()) request.headers.emplace_back("Authorization", "Bearer " + secrets_.at(user));
    http::Router::Match match = router.Find(request);
    EXPECT_NE(match.handler, nullptr) << target;
    return match.handler != nullptr ? (*match.handler)(request) : http::Response{};
  };

  EXPECT_EQ(send("GET", "/api/2.0/bucketflow/me", "", "").status, 401);
  http::Response me = send("GET", "/api/2.0/bucketflow/me", "", "bob");
  EXPECT_EQ(me.status, 200);
  EXPECT_NE(me.body.find("\"name\":\"bob\""), std::string::npos);
  EXPECT_EQ(send("GET", "/api/2.0/bucketflow/workspaces/get?name=team-a", "", "bob").status, 200);
  EXPECT_EQ(send("GET", "/api/2.0/bucketflow/workspaces/get?name=team-b", "", "bob").status, 403);

  http::Response no_credentials =
      send("POST", "/api/2.0/bucketflow/workspaces/bucket/set", R"({"workspace":"team-a"})", "");
  EXPECT_EQ(no_credentials.status, 401);  // the gate answers; the handler never ran
  EXPECT_EQ(artifacts_.calls, 0);
  http::Response failed =
      send("POST", "/api/2.0/bucketflow/workspaces/bucket/set",
           R"({"workspace":"team-a","bucket":"bad-bucket","role_arn":"arn:r"})", "alice");
  EXPECT_EQ(failed.status, 400);
  json::value body = json::parse(failed.body);
  EXPECT_EQ(body.at("error_code"), "INVALID_PARAMETER_VALUE");
  EXPECT_EQ(body.at("checks").as_array().size(), 3u);
  http::Response ok = send("POST", "/api/2.0/bucketflow/workspaces/bucket/set",
                           R"({"workspace":"team-a","bucket":"good","role_arn":"arn:r"})", "alice");
  EXPECT_EQ(ok.status, 200) << ok.body;

  const char* kRoutes[][2] = {
      {"POST", "workspaces/create"},      {"GET", "workspaces/list"},
      {"POST", "workspaces/delete"},      {"GET", "workspaces/members/list"},
      {"POST", "workspaces/members/set"}, {"POST", "workspaces/members/remove"},
      {"POST", "users/create"},           {"GET", "users/list"},
      {"POST", "users/delete"},           {"POST", "users/set-password"},
      {"POST", "tokens/create"},          {"GET", "tokens/list"},
      {"POST", "tokens/revoke"},          {"GET", "audit/list"}};
  for (const auto& [method, path] : kRoutes) {
    http::Request request;
    request.method = method;
    request.path = request.target = std::string("/api/2.0/bucketflow/") + path;
    EXPECT_NE(router.Find(request).handler, nullptr) << path;
  }
}

}  // namespace
}  // namespace bucketflow::admin_test

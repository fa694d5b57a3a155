#include <string>
#include <utility>

#include "api/admin_handlers.h"
#include "api/admin_json.h"
#include "api/route_wrappers.h"

namespace bucketflow::api {
namespace {

// workspaces/bucket/set must answer 400 with the verification report ("checks") beside
// MLflow's error fields, which a Status cannot carry: its handler returns that error body as
// its result (BucketCheckFailureBody) and this wrapper gives it the 400 it stands for. No
// successful admin response starts with "error_code", so nothing else is affected.
http::Handler WithErrorBodies(http::Handler handler) {
  return [handler = std::move(handler)](http::Request& request) {
    http::Response response = handler(request);
    if (response.status == 200 && IsErrorBody(response.body)) response.status = 400;
    return response;
  };
}

}  // namespace

void AddAdminRoutes(http::Router& router, const std::string& prefix, Services& s) {
  const std::string b = prefix + "/bucketflow";
  auto get = [&](const char* path, HandlerFn handler) {
    router.Add("GET", b + path, CallerJsonHandler(handler, s));
  };
  auto post = [&](const char* path, HandlerFn handler) {
    router.Add("POST", b + path, CallerJsonHandler(handler, s));
  };
  get("/me", GetMe);
  post("/workspaces/create", CreateWorkspace);
  get("/workspaces/list", ListWorkspaces);
  get("/workspaces/get", GetWorkspace);
  post("/workspaces/delete", DeleteWorkspace);
  router.Add("POST", b + "/workspaces/bucket/set",
             WithErrorBodies(CallerJsonHandler(SetWorkspaceBucket, s)));
  get("/workspaces/members/list", ListMembers);
  post("/workspaces/members/set", SetMember);
  post("/workspaces/members/remove", RemoveMember);
  post("/users/create", CreateUser);
  get("/users/list", ListUsers);
  post("/users/delete", DeleteUser);
  post("/users/set-password", SetUserPassword);
  post("/tokens/create", CreateToken);
  get("/tokens/list", ListTokens);
  post("/tokens/revoke", RevokeToken);
  get("/audit/list", ListAudit);
}

}  // namespace bucketflow::api

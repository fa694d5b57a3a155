#include <string>

#include "api/admin_handlers.h"
#include "api/route_wrappers.h"

namespace bucketflow::api {

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
  router.Add("POST", b + "/workspaces/bucket/set", CallerResponseHandler(SetWorkspaceBucket, s));
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

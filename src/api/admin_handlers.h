#pragma once

#include <string>

#include "api/handler_common.h"
#include "api/request_params.h"
#include "api/services.h"
#include "core/status.h"
#include "http/message.h"
#include "http/router.h"

// The admin REST API of issue #6 (workspaces, bucket, members, users, tokens, audit, who am I)
// under <prefix>/bucketflow/. Internal to api/; routes.cc calls AddAdminRoutes once per prefix.
// Each handler checks the rule of ws_common.md's "Admin REST API" table itself: routes go
// through CallerJsonHandler, which authenticates only.
namespace bucketflow::api {

// `prefix` is "/api/2.0" or "/ajax-api/2.0".
void AddAdminRoutes(http::Router& router, const std::string& prefix, Services& services);

// The handlers, in the table's order (declared for tests; AddAdminRoutes is the only caller).
Result<std::string> GetMe(const RequestParams& params, Services& services);
Result<std::string> CreateWorkspace(const RequestParams& params, Services& services);
Result<std::string> ListWorkspaces(const RequestParams& params, Services& services);
Result<std::string> GetWorkspace(const RequestParams& params, Services& services);
Result<std::string> DeleteWorkspace(const RequestParams& params, Services& services);
// The whole response, because a failed verification answers 400 with the report beside
// MLflow's error fields: {"error_code","message","checks":[C...]}.
http::Response SetWorkspaceBucket(const RequestParams& params, Services& services);
Result<std::string> ListMembers(const RequestParams& params, Services& services);
Result<std::string> SetMember(const RequestParams& params, Services& services);
Result<std::string> RemoveMember(const RequestParams& params, Services& services);
Result<std::string> CreateUser(const RequestParams& params, Services& services);
Result<std::string> ListUsers(const RequestParams& params, Services& services);
Result<std::string> DeleteUser(const RequestParams& params, Services& services);
Result<std::string> SetUserPassword(const RequestParams& params, Services& services);
Result<std::string> CreateToken(const RequestParams& params, Services& services);
Result<std::string> ListTokens(const RequestParams& params, Services& services);
Result<std::string> RevokeToken(const RequestParams& params, Services& services);
Result<std::string> ListAudit(const RequestParams& params, Services& services);

}  // namespace bucketflow::api

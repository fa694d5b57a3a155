#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "api/request_params.h"
#include "api/services.h"
#include "auth/access.h"
#include "core/status.h"
#include "store/access_store.h"

// What the admin handlers share: who the caller is, the role checks of the admin API's table
// (ws_common.md), the password rule, and "audit, then forget cached grants" after every
// change. Internal to api/.
namespace bucketflow::api {

// The request's caller; without a gate (no access control configured) the anonymous server
// admin, which is what every caller is without --auth.
const auth::Caller& CallerOf(const Services& services);
// A server admin acting server-wide. A token limited to one workspace acts only there, even
// an admin's, so it never counts.
bool IsServerAdmin(const auth::Caller& caller);
// kPermissionDenied unless the caller is a server admin (IsServerAdmin).
Status RequireServerAdmin(const Services& services);
// The access store, or kUnimplemented when this server keeps no workspaces.
Result<store::AccessStore*> AccessStoreOf(Services& services);

// The workspace `name` when the caller has at least `minimum` there; otherwise RequireRole's
// refusal (kPermissionDenied, or kNotFound for server admins naming an unknown workspace).
Result<store::Workspace> WorkspaceWithRole(Services& services, const std::string& name,
                                           store::Role minimum);

// 8..1024 bytes; the message never repeats the password.
Status ValidatePassword(std::string_view password);
// A JSON boolean (absent: nullopt); anything else is InvalidParamType.
Result<std::optional<bool>> OptionalBool(const RequestParams& params, std::string_view name);

// After a successful change: appends to the audit log (`workspace` null: a server-wide action,
// logged with an empty workspace) and drops this server's cached grants, so that revocations
// and membership changes apply to the very next request.
void RecordChange(Services& services, const store::Workspace* workspace, std::string action,
                  std::string target, std::string detail = {});

// {"key": value ...} as a compact JSON object for audit details.
std::string DetailJson(const boost::json::object& fields);

}  // namespace bucketflow::api

#include "api/admin_common.h"

#include <boost/json/serialize.hpp>
#include <string>
#include <string_view>
#include <utility>

#include "api/route_wrappers.h"

namespace bucketflow::api {
namespace {

const auth::Caller& AnonymousAdmin() {
  static const auth::Caller kCaller = [] {
    auth::Caller caller;
    caller.is_admin = true;
    return caller;
  }();
  return kCaller;
}

}  // namespace

const auth::Caller& CallerOf(const Services& services) {
  if (services.scope == nullptr) return AnonymousAdmin();
  return services.scope->grant.caller;
}

bool IsServerAdmin(const auth::Caller& caller) {
  return caller.is_admin && !caller.token_workspace.has_value();
}

Status RequireServerAdmin(const Services& services) {
  const auth::Caller& caller = CallerOf(services);
  if (IsServerAdmin(caller)) return Status::Ok();
  if (caller.is_admin) {
    return Status::PermissionDenied("a token limited to one workspace cannot do this; ",
                                    "it needs a server admin");
  }
  return Status::PermissionDenied("user ", caller.name, " is not a server admin");
}

Result<store::AccessStore*> AccessStoreOf(Services& services) {
  if (services.access_store == nullptr) {
    return Status::Unimplemented("this server keeps no workspaces, users or tokens");
  }
  return services.access_store;
}

Result<store::Workspace> WorkspaceWithRole(Services& services, const std::string& name,
                                           store::Role minimum) {
  RETURN_IF_ERROR(AccessStoreOf(services).status());
  ASSIGN_OR_RETURN(auth::Grant grant, RequireRole(services, name, minimum));
  return std::move(grant.workspace);
}

Status ValidatePassword(std::string_view password) {
  if (password.size() >= 8 && password.size() <= 1024) return Status::Ok();
  return Status::InvalidArgument(
      "Invalid value for parameter 'password': a password is 8 to 1024 bytes long");
}

Result<std::optional<bool>> OptionalBool(const RequestParams& params, std::string_view name) {
  const boost::json::value* value = params.Find(name);
  if (value == nullptr) return std::optional<bool>();
  if (value->is_bool()) return std::optional<bool>(value->get_bool());
  // Query strings carry booleans as text.
  if (value->is_string() && (value->get_string() == "true" || value->get_string() == "false")) {
    return std::optional<bool>(value->get_string() == "true");
  }
  return InvalidParamType(name, *value);
}

void RecordChange(Services& services, const store::Workspace* workspace, std::string action,
                  std::string target, std::string detail) {
  AuditIn(services, workspace != nullptr ? workspace->name : std::string(), std::move(action),
          std::move(target), std::move(detail));
  if (services.access != nullptr) services.access->Invalidate();
}

std::string DetailJson(const boost::json::object& fields) { return boost::json::serialize(fields); }

}  // namespace bucketflow::api

#include "api/admin_common.h"

#include <boost/json/serialize.hpp>
#include <string>
#include <string_view>
#include <utility>

#include "api/route_wrappers.h"

namespace bucketflow::api {
namespace {

constexpr size_t kMaxEchoedChars = 100;

// Enough of a rejected value to recognise it, without echoing megabytes back.
std::string Echo(std::string_view value) {
  if (value.size() <= kMaxEchoedChars) return std::string(value);
  return std::string(value.substr(0, kMaxEchoedChars)) + "...";
}

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool IsAlnum(char c) { return IsLowerAlnum(c) || (c >= 'A' && c <= 'Z'); }

// `name` is 1 to `max_size` characters: the first passes `first_ok`, the others `ok`.
template <typename Pred>
bool NameShape(std::string_view name, size_t max_size, bool (*first_ok)(char), Pred ok) {
  if (name.empty() || name.size() > max_size || !first_ok(name[0])) return false;
  for (char c : name.substr(1)) {
    if (!ok(c)) return false;
  }
  return true;
}

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

Status ValidateWorkspaceName(std::string_view name, std::string_view param) {
  auto ok = [](char c) { return IsLowerAlnum(c) || c == '-'; };
  if (NameShape(name, 63, IsLowerAlnum, ok)) return Status::Ok();
  return Status::InvalidArgument(
      "Invalid value '", Echo(name), "' for parameter '", param,
      "': a workspace name is 1 to 63 characters of a-z, 0-9 and '-', starting with a letter or "
      "digit");
}

Status ValidateUserName(std::string_view name, std::string_view param) {
  auto ok = [](char c) { return IsAlnum(c) || c == '.' || c == '_' || c == '@' || c == '-'; };
  if (NameShape(name, 128, IsAlnum, ok)) return Status::Ok();
  return Status::InvalidArgument(
      "Invalid value '", Echo(name), "' for parameter '", param,
      "': a user name is 1 to 128 characters of A-Z, a-z, 0-9, '.', '_', '@' and '-', starting "
      "with a letter or digit");
}

Status ValidatePassword(std::string_view password) {
  if (password.size() >= 8 && password.size() <= 1024) return Status::Ok();
  return Status::InvalidArgument(
      "Invalid value for parameter 'password': a password is 8 to 1024 bytes long");
}

Status ValidateExternalId(std::string_view external_id) {
  auto ok = [](char c) {
    return IsAlnum(c) || std::string_view("+=,.@:/_-").find(c) != std::string_view::npos;
  };
  bool valid = external_id.size() >= 2 && external_id.size() <= 1224;
  for (char c : external_id) valid = valid && ok(c);
  if (valid) return Status::Ok();
  return Status::InvalidArgument(
      "Invalid value '", Echo(external_id),
      "' for parameter 'external_id': an External ID is 2 to 1224 characters of A-Z, a-z, 0-9 "
      "and +=,.@:/_-");
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

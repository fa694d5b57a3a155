// Workspace members: list, set, remove (ws_common.md). Workspace admins manage their own.
#include <string>
#include <vector>

#include "api/admin_common.h"
#include "api/admin_handlers.h"
#include "api/json_writer.h"

namespace bucketflow::api {
namespace {

Result<store::Role> ReadRole(const RequestParams& params) {
  ASSIGN_OR_RETURN(std::string name, params.RequiredString("role"));
  std::optional<store::Role> role = store::ParseRole(name);
  if (!role.has_value()) {
    return Status::InvalidArgument("Invalid value '", name.substr(0, 100),
                                   "' for parameter 'role': expected reader, editor or admin");
  }
  return *role;
}

}  // namespace

Result<std::string> ListMembers(const RequestParams& params, Services& services) {
  ASSIGN_OR_RETURN(std::string name, params.RequiredString("workspace"));
  ASSIGN_OR_RETURN(store::Workspace workspace,
                   WorkspaceWithRole(services, name, store::Role::kAdmin));
  ASSIGN_OR_RETURN(std::vector<store::Membership> members,
                   services.access_store->ListWorkspaceMembers(workspace.id));
  JsonWriter writer;
  writer.BeginObject();
  writer.Key("members");
  writer.BeginArray();
  for (const store::Membership& member : members) {
    writer.BeginObject();
    writer.StringField("user", member.user_name);
    writer.StringField("role", store::RoleName(member.role));
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
  return writer.Take();
}

Result<std::string> SetMember(const RequestParams& params, Services& services) {
  ASSIGN_OR_RETURN(std::string name, params.RequiredString("workspace"));
  ASSIGN_OR_RETURN(std::string user_name, params.RequiredString("user"));
  ASSIGN_OR_RETURN(store::Role role, ReadRole(params));
  ASSIGN_OR_RETURN(store::Workspace workspace,
                   WorkspaceWithRole(services, name, store::Role::kAdmin));
  ASSIGN_OR_RETURN(store::User user, services.access_store->GetUser(user_name));
  RETURN_IF_ERROR(services.access_store->SetMembership(workspace.id, user.id, role));
  RecordChange(services, &workspace, "member.set", user.name,
               DetailJson({{"role", store::RoleName(role)}}));
  return EmptyJson();
}

Result<std::string> RemoveMember(const RequestParams& params, Services& services) {
  ASSIGN_OR_RETURN(std::string name, params.RequiredString("workspace"));
  ASSIGN_OR_RETURN(std::string user_name, params.RequiredString("user"));
  ASSIGN_OR_RETURN(store::Workspace workspace,
                   WorkspaceWithRole(services, name, store::Role::kAdmin));
  ASSIGN_OR_RETURN(store::User user, services.access_store->GetUser(user_name));
  RETURN_IF_ERROR(services.access_store->RemoveMembership(workspace.id, user.id));
  RecordChange(services, &workspace, "member.remove", user.name);
  return EmptyJson();
}

}  // namespace bucketflow::api

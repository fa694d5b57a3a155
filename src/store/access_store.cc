#include "store/access_store.h"

namespace bucketflow::store {
namespace {

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool IsAlnum(char c) { return IsLowerAlnum(c) || (c >= 'A' && c <= 'Z'); }

}  // namespace

Status ValidateWorkspaceName(std::string_view name) {
  bool valid = !name.empty() && name.size() <= 63 && name.front() != '-';
  for (char c : name) {
    valid = valid && (IsLowerAlnum(c) || c == '-');
  }
  if (!valid) {
    return Status::InvalidArgument("invalid workspace name '", name,
                                   "': use 1 to 63 of a-z, 0-9 and '-', not starting with '-'");
  }
  return Status::Ok();
}

// Workspace names plus upper case, '.', '_' and '@' (e-mail style and directory user names).
Status ValidateUserName(std::string_view name) {
  bool valid = !name.empty() && name.size() <= 128 && IsAlnum(name.front());
  for (char c : name) {
    valid = valid && (IsAlnum(c) || c == '-' || c == '.' || c == '_' || c == '@');
  }
  if (!valid) {
    return Status::InvalidArgument("invalid user name '", name,
                                   "': use 1 to 128 of A-Z, a-z, 0-9, '-', '.', '_' and '@', "
                                   "starting with a letter or digit");
  }
  return Status::Ok();
}

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kReader:
      return "reader";
    case Role::kEditor:
      return "editor";
    case Role::kAdmin:
      return "admin";
  }
  return "unknown";  // only reachable through a cast from an out-of-range number
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role role : {Role::kReader, Role::kEditor, Role::kAdmin}) {
    if (name == RoleName(role)) {
      return role;
    }
  }
  return std::nullopt;
}

}  // namespace bucketflow::store

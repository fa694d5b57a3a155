#include "store/access_store.h"

namespace bucketflow::store {

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

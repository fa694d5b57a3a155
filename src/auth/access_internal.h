#pragma once

// What access.cc and access_cache.cc share: the cache entry. Internal to auth/.
#include <cstdint>
#include <optional>
#include <vector>

#include "auth/access.h"

namespace bucketflow::auth {

// Cache keys: "t" + token hash, "p" + HMAC of basic credentials (identities: caller and
// memberships, token_expiry_ms for tokens); "m" + user id (memberships only); "w" + name and
// "i" + id (workspace only).
struct Access::Cached {
  int64_t valid_until_ms = 0;
  // A token's own expiry, checked on every hit: a cached token must not outlive it.
  std::optional<int64_t> token_expiry_ms;
  Caller caller;
  std::vector<store::Membership> memberships;
  store::Workspace workspace;
};

}  // namespace bucketflow::auth

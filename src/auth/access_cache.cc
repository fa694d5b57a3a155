// auth::Access's cache: lookups of workspaces and memberships, and the map itself.
#include <string>
#include <utility>
#include <vector>

#include "auth/access.h"
#include "auth/access_internal.h"

namespace bucketflow::auth {
namespace {

// Enough for every active user and token of a large deployment; when full, expired entries go
// first, then everything (a refill costs one store round trip per credential).
constexpr size_t kMaxCacheEntries = 100000;

}  // namespace

void Access::Invalidate() {
  std::lock_guard<std::mutex> lock(mu_);
  ++generation_;
  cache_.clear();
}

Result<Access::CachedPtr> Access::WorkspaceByName(std::string_view name, int64_t now_ms) {
  std::string key = "w" + std::string(name);
  uint64_t generation = 0;
  if (CachedPtr entry = Lookup(key, now_ms, &generation)) {
    return entry;
  }
  ASSIGN_OR_RETURN(store::Workspace workspace, store_.GetWorkspace(name));
  auto entry = std::make_shared<Cached>();
  entry->valid_until_ms = now_ms + int64_t{config_.cache_seconds} * 1000;
  entry->workspace = std::move(workspace);
  Insert("i" + std::to_string(entry->workspace.id), entry, generation);
  Insert(std::move(key), entry, generation);
  return CachedPtr(std::move(entry));
}

Result<Access::CachedPtr> Access::WorkspaceById(int64_t workspace_id, int64_t now_ms) {
  std::string key = "i" + std::to_string(workspace_id);
  uint64_t generation = 0;
  if (CachedPtr entry = Lookup(key, now_ms, &generation)) {
    return entry;
  }
  ASSIGN_OR_RETURN(store::Workspace workspace, store_.GetWorkspaceById(workspace_id));
  auto entry = std::make_shared<Cached>();
  entry->valid_until_ms = now_ms + int64_t{config_.cache_seconds} * 1000;
  entry->workspace = std::move(workspace);
  Insert("w" + entry->workspace.name, entry, generation);
  Insert(std::move(key), entry, generation);
  return CachedPtr(std::move(entry));
}

Result<Access::CachedPtr> Access::MembershipsOf(int64_t user_id, int64_t now_ms) {
  std::string key = "m" + std::to_string(user_id);
  uint64_t generation = 0;
  if (CachedPtr entry = Lookup(key, now_ms, &generation)) {
    return entry;
  }
  auto entry = std::make_shared<Cached>();
  entry->valid_until_ms = now_ms + int64_t{config_.cache_seconds} * 1000;
  Result<std::vector<store::Membership>> memberships = store_.ListUserMemberships(user_id);
  if (!memberships.ok() && memberships.status().code() != Code::kNotFound) {
    return memberships.status();
  }
  if (memberships.ok()) {
    entry->memberships = std::move(memberships).value();  // a deleted user has none
  }
  Insert(std::move(key), entry, generation);
  return CachedPtr(std::move(entry));
}
Access::CachedPtr Access::Lookup(const std::string& key, int64_t now_ms, uint64_t* generation) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = cache_.find(key);
  if (it == cache_.end() || it->second->valid_until_ms <= now_ms) {
    *generation = generation_;
    return nullptr;
  }
  return it->second;
}

void Access::Insert(std::string key, CachedPtr entry, uint64_t generation) {
  if (config_.cache_seconds <= 0) {
    return;
  }
  const int64_t now_ms = clock_.NowMillis();
  std::lock_guard<std::mutex> lock(mu_);
  if (generation != generation_) {
    return;  // read before an Invalidate: possibly the very change that invalidated
  }
  if (cache_.size() >= kMaxCacheEntries && !cache_.contains(key)) {
    std::erase_if(cache_, [&](const auto& item) { return item.second->valid_until_ms <= now_ms; });
    if (cache_.size() >= kMaxCacheEntries) {
      cache_.clear();
    }
  }
  cache_.insert_or_assign(std::move(key), std::move(entry));
}
}  // namespace bucketflow::auth

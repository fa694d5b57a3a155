#pragma once

// A fake clock, the in-memory AccessStore and helpers to build Authorization headers, shared by
// the auth::Access tests.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "auth/access.h"
#include "auth/password.h"
#include "auth/tokens.h"
#include "testing/fake_access_store.h"

namespace bucketflow::auth {

class TestClock final : public Clock {
 public:
  int64_t NowMillis() const override { return now_ms_.load(); }
  void Advance(int64_t ms) { now_ms_ += ms; }

 private:
  std::atomic<int64_t> now_ms_{1'700'000'000'000};
};

inline std::string Base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    uint32_t n = static_cast<uint32_t>(static_cast<unsigned char>(in[i])) << 16;
    if (i + 1 < in.size()) n |= static_cast<uint32_t>(static_cast<unsigned char>(in[i + 1])) << 8;
    if (i + 2 < in.size()) n |= static_cast<uint32_t>(static_cast<unsigned char>(in[i + 2]));
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(i + 1 < in.size() ? kAlphabet[(n >> 6) & 63] : '=');
    out.push_back(i + 2 < in.size() ? kAlphabet[n & 63] : '=');
  }
  return out;
}

inline std::string Bearer(std::string_view secret) { return "Bearer " + std::string(secret); }
inline std::string Basic(std::string_view user, std::string_view password) {
  return "Basic " + Base64(std::string(user) + ":" + std::string(password));
}

class AccessTestBase : public ::testing::Test {
 protected:
  static constexpr char kAddress[] = "192.0.2.7";

  AccessTestBase() { Reset(TestConfig()); }

  // --auth, 5 s cache, a burst of 3 failures refilling one every 2 s.
  static AccessConfig TestConfig() {
    AccessConfig config;
    config.enabled = true;
    config.cache_seconds = 5;
    config.failures = {.burst = 3, .refill_per_second = 0.5, .max_addresses = 1000};
    return config;
  }
  // A fresh Access (empty caches and limiter) over the same store.
  void Reset(const AccessConfig& config) {
    access_ = std::make_unique<Access>(store_, clock_, config);
  }
  void Disable() {
    AccessConfig config = TestConfig();
    config.enabled = false;
    Reset(config);
  }

  store::User AddUser(const std::string& name, const std::string& password = "",
                      bool is_admin = false) {
    store::User user;
    user.name = name;
    user.is_admin = is_admin;
    if (!password.empty()) {
      // Cheap parameters: verification reads them from the hash.
      user.password_hash =
          HashPassword(password, {.time_cost = 1, .memory_kib = 64, .parallelism = 1}).value();
    }
    return store_.CreateUser(user).value();
  }
  store::Workspace AddWorkspace(const std::string& name) {
    return store_.CreateWorkspace(name, "").value();
  }
  void AddMember(const store::Workspace& workspace, const store::User& user, store::Role role) {
    ASSERT_TRUE(store_.SetMembership(workspace.id, user.id, role).ok());
  }
  // Returns the secret.
  std::string AddToken(const store::User& user, std::optional<int64_t> workspace_id = {},
                       std::optional<int64_t> expiry_time = {}, int64_t* token_id = nullptr) {
    const std::string secret = GenerateTokenSecret();
    store::Token token;
    token.user_id = user.id;
    token.workspace_id = workspace_id;
    token.name = "test";
    token.hash = HashTokenSecret(secret);
    token.expiry_time = expiry_time;
    store::Token created = store_.CreateToken(token).value();
    if (token_id != nullptr) *token_id = created.id;
    return secret;
  }

  Result<Grant> Check(std::optional<std::string_view> authorization,
                      std::string_view workspace = "", Permission permission = Permission::kRead,
                      std::string_view address = kAddress) {
    return access_->Check({.authorization = authorization,
                           .remote_address = address,
                           .workspace = workspace,
                           .permission = permission});
  }

  TestClock clock_;
  testing::FakeAccessStore store_{{.clock = &clock_, .experiments = nullptr}};
  std::unique_ptr<Access> access_;
};

}  // namespace bucketflow::auth

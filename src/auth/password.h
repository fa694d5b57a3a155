#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

// Password hashing with argon2id (Debian's libargon2), the slow KDF for basic-auth passwords.
namespace bucketflow::auth {

// Parameters of new hashes. Old hashes keep theirs: they are encoded in the hash string.
struct PasswordHashing {
  uint32_t time_cost = 2;
  uint32_t memory_kib = 19 * 1024;  // OWASP's argon2id minimum
  uint32_t parallelism = 1;
};

// The encoded hash ("$argon2id$v=19$m=...,t=...,p=...$salt$hash") with a fresh random salt.
// kInvalidArgument for an empty password or one over 1024 bytes.
Result<std::string> HashPassword(std::string_view password, const PasswordHashing& params = {});

// Whether `password` matches `encoded`; false for a malformed hash. Constant time in the
// password (argon2's own comparison).
bool VerifyPassword(std::string_view password, std::string_view encoded);

}  // namespace bucketflow::auth

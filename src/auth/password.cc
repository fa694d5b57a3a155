#include "auth/password.h"

#include <argon2.h>

#include <string>
#include <vector>

#include "core/random.h"

namespace bucketflow::auth {
namespace {

constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;
constexpr size_t kMaxPasswordBytes = 1024;

// RandomHex is the project's one door to the CSPRNG; its hex is turned back into raw bytes
// because argon2 encodes the salt itself (base64) in the hash string.
std::string RandomSalt() {
  const std::string hex = RandomHex(kSaltBytes);
  std::string salt(kSaltBytes, '\0');
  auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (size_t i = 0; i < kSaltBytes; ++i) {
    salt[i] = static_cast<char>((nibble(hex[2 * i]) << 4) | nibble(hex[2 * i + 1]));
  }
  return salt;
}

}  // namespace

Result<std::string> HashPassword(std::string_view password, const PasswordHashing& params) {
  if (password.empty()) {
    return Status::InvalidArgument("the password must not be empty");
  }
  if (password.size() > kMaxPasswordBytes) {
    return Status::InvalidArgument("the password must be at most ", kMaxPasswordBytes, " bytes");
  }
  const std::string salt = RandomSalt();
  std::vector<char> encoded(argon2_encodedlen(
      params.time_cost, params.memory_kib, params.parallelism, kSaltBytes, kHashBytes, Argon2_id));
  const int rc = argon2id_hash_encoded(params.time_cost, params.memory_kib, params.parallelism,
                                       password.data(), password.size(), salt.data(), salt.size(),
                                       kHashBytes, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) {
    // The message names argon2's complaint (bad parameters, out of memory), never the password.
    return Status::Internal("argon2id hashing failed: ", argon2_error_message(rc));
  }
  return std::string(encoded.data());
}

bool VerifyPassword(std::string_view password, std::string_view encoded) {
  // argon2 reads the hash as a C string and accepts other variants; only our own format counts.
  if (encoded.substr(0, 10) != "$argon2id$") {
    return false;
  }
  const std::string encoded_z(encoded);
  return argon2id_verify(encoded_z.c_str(), password.data(), password.size()) == ARGON2_OK;
}

}  // namespace bucketflow::auth

#include "auth/tokens.h"

#include "core/crypto.h"
#include "core/random.h"

namespace bucketflow::auth {
namespace {

constexpr std::string_view kTokenPrefix = "bft_";
constexpr size_t kSecretBytes = 32;

}  // namespace

std::string GenerateTokenSecret() { return std::string(kTokenPrefix) + RandomHex(kSecretBytes); }

std::string HashTokenSecret(std::string_view secret) { return Sha256Hex(secret); }

bool LooksLikeTokenSecret(std::string_view text) {
  if (text.size() != kTokenPrefix.size() + 2 * kSecretBytes ||
      text.substr(0, kTokenPrefix.size()) != kTokenPrefix) {
    return false;
  }
  for (char c : text.substr(kTokenPrefix.size())) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

}  // namespace bucketflow::auth

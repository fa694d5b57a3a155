#include "core/crypto.h"

#include <openssl/evp.h>

#include <cstring>

#include "core/check.h"

namespace bucketflow {
namespace {

// Fetched once: implicit fetches inside EVP_DigestInit_ex cost a lock and a name lookup on
// every call, which dominates signing small messages. The algorithm object is immutable.
const EVP_MD* Sha256Algorithm() {
  static const EVP_MD* const kMd = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  BUCKETFLOW_CHECK(kMd != nullptr, "OpenSSL has no SHA256 provider");
  return kMd;
}

constexpr size_t kBlockSize = 64;

}  // namespace

struct Sha256Hasher::Ctx {
  struct Free {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
  };
  std::unique_ptr<EVP_MD_CTX, Free> handle{EVP_MD_CTX_new()};
};

Sha256Hasher::Sha256Hasher() : ctx_(std::make_unique<Ctx>()) {
  BUCKETFLOW_CHECK(ctx_->handle != nullptr, "EVP_MD_CTX_new failed (out of memory)");
  BUCKETFLOW_CHECK(EVP_DigestInit_ex(ctx_->handle.get(), Sha256Algorithm(), nullptr) == 1,
                   "EVP_DigestInit_ex(SHA256) failed");
}

Sha256Hasher::~Sha256Hasher() = default;

void Sha256Hasher::Update(std::string_view data) {
  BUCKETFLOW_CHECK(EVP_DigestUpdate(ctx_->handle.get(), data.data(), data.size()) == 1,
                   "EVP_DigestUpdate failed");
}

Sha256Digest Sha256Hasher::Finish() {
  Sha256Digest digest{};
  unsigned int len = 0;
  BUCKETFLOW_CHECK(
      EVP_DigestFinal_ex(ctx_->handle.get(), digest.data(), &len) == 1 && len == digest.size(),
      "EVP_DigestFinal_ex failed");
  BUCKETFLOW_CHECK(EVP_DigestInit_ex(ctx_->handle.get(), Sha256Algorithm(), nullptr) == 1,
                   "EVP_DigestInit_ex(SHA256) failed");
  return digest;
}

Sha256Digest Sha256(std::string_view data) {
  Sha256Hasher hasher;
  hasher.Update(data);
  return hasher.Finish();
}

std::string Sha256Hex(std::string_view data) { return HexEncode(AsBytes(Sha256(data))); }

// HMAC per RFC 2104 over the cached digest: OpenSSL 3's HMAC()/EVP_MAC fetch the MAC and the
// digest by name on every call, three times slower for the short messages SigV4 signs.
Sha256Digest HmacSha256(std::string_view key, std::string_view data) {
  std::array<unsigned char, kBlockSize> block{};
  if (key.size() > kBlockSize) {
    const Sha256Digest hashed_key = Sha256(key);
    std::memcpy(block.data(), hashed_key.data(), hashed_key.size());
  } else {
    std::memcpy(block.data(), key.data(), key.size());
  }
  std::array<char, kBlockSize> ipad{};
  std::array<char, kBlockSize> opad{};
  for (size_t i = 0; i < kBlockSize; ++i) {
    ipad[i] = static_cast<char>(block[i] ^ 0x36);
    opad[i] = static_cast<char>(block[i] ^ 0x5c);
  }
  Sha256Hasher hasher;
  hasher.Update(std::string_view(ipad.data(), ipad.size()));
  hasher.Update(data);
  const Sha256Digest inner = hasher.Finish();
  hasher.Update(std::string_view(opad.data(), opad.size()));
  hasher.Update(AsBytes(inner));
  return hasher.Finish();
}

std::string_view AsBytes(const Sha256Digest& digest) {
  return {reinterpret_cast<const char*>(digest.data()), digest.size()};
}

std::string HexEncode(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(bytes.size() * 2, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) {
    const auto byte = static_cast<unsigned char>(bytes[i]);
    out[2 * i] = kHex[byte >> 4];
    out[2 * i + 1] = kHex[byte & 0x0f];
  }
  return out;
}

}  // namespace bucketflow

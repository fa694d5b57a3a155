#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace bucketflow {

using Sha256Digest = std::array<uint8_t, 32>;

// Incremental SHA-256 over an OpenSSL EVP_MD_CTX (the one RAII wrapper of that handle).
// Reusable: Finish() resets it for the next message. Not safe for concurrent use.
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;

  void Update(std::string_view data);
  // Returns the digest of everything passed to Update() since the last Finish().
  Sha256Digest Finish();

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

// One-shot SHA-256.
Sha256Digest Sha256(std::string_view data);
// Lowercase hex SHA-256, the form SigV4 payload hashes use.
std::string Sha256Hex(std::string_view data);
// HMAC-SHA256 (RFC 2104) of `data` under `key`.
Sha256Digest HmacSha256(std::string_view key, std::string_view data);
// Views a digest as bytes, e.g. to chain HMACs.
std::string_view AsBytes(const Sha256Digest& digest);
// Lowercase hex of arbitrary bytes.
std::string HexEncode(std::string_view bytes);

}  // namespace bucketflow

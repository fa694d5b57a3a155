#pragma once

#include <string>
#include <string_view>

// API tokens: random secrets shown once, stored only as a hash.
namespace bucketflow::auth {

// "bft_" then 64 lowercase hex characters (32 bytes from OpenSSL's CSPRNG). The prefix lets
// secret scanners and people recognise a leaked token.
std::string GenerateTokenSecret();

// The hex SHA-256 the store keeps. A fast hash is enough: the secret has 256 random bits, so
// nothing is gained by guessing through the hash, and it keeps a bearer check cheap.
std::string HashTokenSecret(std::string_view secret);

// Whether `text` has the shape GenerateTokenSecret produces (cheap pre-check before a lookup).
bool LooksLikeTokenSecret(std::string_view text);

}  // namespace bucketflow::auth

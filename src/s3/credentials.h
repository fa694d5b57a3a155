#pragma once

#include <cstdint>
#include <string>

namespace bucketflow::s3 {

// AWS credentials. The secret key and session token are secrets: never log them; print
// ToString(credentials) instead.
struct Credentials {
  std::string access_key_id = {};
  std::string secret_access_key = {};
  std::string session_token = {};  // Empty for long-term keys.
  // When temporary credentials stop working, in milliseconds since the epoch; 0 = never.
  int64_t expires_at_ms = 0;
};

// "Credentials{access_key_id=AKID..., secret_access_key=*****, session_token=*****}": the key id
// is public (it travels in every Authorization header); the secrets are always masked, and an
// absent token prints as "<none>" so logs still tell STS credentials apart.
std::string ToString(const Credentials& credentials);

}  // namespace bucketflow::s3

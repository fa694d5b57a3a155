#pragma once

#include "core/status.h"
#include "s3/credentials.h"

namespace bucketflow::s3 {

// A source of AWS credentials (static keys, the environment, a profile, STS, ...).
// Implementations are safe for concurrent use.
class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  // Credentials valid for at least a few more minutes, refreshing them first when they are
  // about to expire. Errors say which source failed and why, never a secret.
  virtual Result<Credentials> Get() = 0;
};

}  // namespace bucketflow::s3

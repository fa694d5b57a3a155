#pragma once

#include <string>

namespace bucketflow {

// `bytes` bytes from OpenSSL's CSPRNG as lowercase hex (2 * bytes characters).
// Aborts only if the CSPRNG itself fails, which means the process cannot be trusted to run.
std::string RandomHex(size_t bytes);

}  // namespace bucketflow

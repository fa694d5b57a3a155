#include "core/random.h"

#include <openssl/rand.h>

#include <vector>

#include "core/check.h"

namespace bucketflow {

std::string RandomHex(size_t bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::vector<unsigned char> raw(bytes);
  BUCKETFLOW_CHECK(RAND_bytes(raw.data(), static_cast<int>(bytes)) == 1, "CSPRNG failure");
  std::string out;
  out.reserve(bytes * 2);
  for (unsigned char b : raw) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xF]);
  }
  return out;
}

}  // namespace bucketflow

#include "s3/credentials.h"

namespace bucketflow::s3 {

std::string ToString(const Credentials& credentials) {
  std::string out = "Credentials{access_key_id=";
  out += credentials.access_key_id;
  out += ", secret_access_key=";
  out += credentials.secret_access_key.empty() ? "<none>" : "*****";
  out += ", session_token=";
  out += credentials.session_token.empty() ? "<none>" : "*****";
  out += "}";
  return out;
}

}  // namespace bucketflow::s3

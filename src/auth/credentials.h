#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

// The Authorization header, taken apart (RFC 6750 bearer, RFC 7617 basic).
namespace bucketflow::auth {

struct Credentials {
  enum class Kind { kBearer, kBasic };
  Kind kind = Kind::kBearer;
  std::string secret;    // kBearer: the token as sent
  std::string user;      // kBasic
  std::string password;  // kBasic
};

// Parses "Bearer <token>" or "Basic <base64(user:password)>", the scheme in any case.
// kUnauthenticated for anything else; the message never repeats any part of the header, since
// a mistyped header is often a secret pasted in the wrong place.
Result<Credentials> ParseAuthorization(std::string_view header);

}  // namespace bucketflow::auth

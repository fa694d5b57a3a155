#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

// Search page tokens. Opaque to clients; like MLflow's they are base64 of {"offset": N}, so a
// token from one server keeps working on the other. Pure functions; safe for concurrent use.
namespace bucketflow::store {

// Largest offset a token may carry; keeps offset + limit far from int64 overflow.
inline constexpr int64_t kMaxPageOffset = int64_t{1} << 53;

std::string EncodePageToken(int64_t offset);

// Empty token = offset 0. Anything that is not a token we made is kInvalidArgument with
// MLflow's messages ("Invalid page token, could not base64-decode", ...).
Result<int64_t> DecodePageToken(std::string_view token);

}  // namespace bucketflow::store

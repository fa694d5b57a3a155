#include "http/client.h"

#include "core/strings.h"

namespace bucketflow::http {

std::optional<std::string_view> ClientResponse::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) {
      return std::string_view(value);
    }
  }
  return std::nullopt;
}

}  // namespace bucketflow::http

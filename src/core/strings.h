#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bucketflow {

// Percent-decodes `in`. With `plus_as_space`, '+' decodes to ' ' (form/query encoding).
// Returns nullopt on a malformed escape.
std::optional<std::string> UrlDecode(std::string_view in, bool plus_as_space);

// Percent-encodes everything except RFC 3986 unreserved characters; keeps '/' when asked.
std::string UrlEncode(std::string_view in, bool keep_slash);

// Splits a query string "a=1&b=2&a=3" into decoded (key, value) pairs, in order.
std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view query);

std::vector<std::string_view> Split(std::string_view in, char sep);
std::string ToLower(std::string_view in);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
std::string_view TrimWhitespace(std::string_view in);
bool IsValidUtf8(std::string_view in);

}  // namespace bucketflow

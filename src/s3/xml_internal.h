#pragma once

// Helpers shared by the s3/ XML parsers. Only .cc files in s3/ include this, so pugixml stays a
// private dependency of bf_s3.

#include <cstdint>
#include <memory>
#include <pugixml.hpp>
#include <string>
#include <string_view>

#include "core/status.h"

namespace bucketflow::s3 {

// A parsed document. Owns the pugixml tree (pugi::xml_document is not movable in 1.13).
struct XmlDocument {
  std::unique_ptr<pugi::xml_document> doc;
  pugi::xml_node root;
};

// Parses `xml`; `what` names the response in error messages ("ListObjectsV2 response").
// If the root is an <Error> or <ErrorResponse> instead of `root_name`, the service error is
// returned as a Status (see ServiceErrorToStatus).
Result<XmlDocument> ParseXml(std::string_view xml, std::string_view root_name,
                             std::string_view what);

// "s3:Key" -> "Key".
std::string_view XmlLocalName(const char* name);

// Element names are compared without a namespace prefix ("s3:Key" matches "Key").
pugi::xml_node XmlChild(pugi::xml_node parent, std::string_view name);

// Text of a child element; "" if it is absent.
std::string XmlChildText(pugi::xml_node parent, std::string_view name);

// Text of a child element that must be present and non-empty.
Result<std::string> XmlRequiredText(pugi::xml_node parent, std::string_view name,
                                    std::string_view what);

// Optional numeric / boolean children: absent yields `fallback`, malformed is an error.
Result<uint64_t> XmlOptionalUint(pugi::xml_node parent, std::string_view name, uint64_t fallback,
                                 std::string_view what);
Result<bool> XmlOptionalBool(pugi::xml_node parent, std::string_view name, bool fallback,
                             std::string_view what);

// Escapes &, <, >, " and ' for element text and attribute values.
std::string XmlEscape(std::string_view text);

}  // namespace bucketflow::s3

#include "s3/xml.h"

#include <array>
#include <charconv>
#include <chrono>
#include <memory>
#include <optional>
#include <pugixml.hpp>
#include <string>

#include "core/strings.h"
#include "s3/xml_internal.h"

namespace bucketflow::s3 {
namespace {

ServiceError ErrorFromNodes(pugi::xml_node error, pugi::xml_node envelope) {
  ServiceError out{
      .type = XmlChildText(error, "Type"),
      .code = XmlChildText(error, "Code"),
      .message = XmlChildText(error, "Message"),
      .request_id = XmlChildText(error, "RequestId"),
  };
  // STS/IAM put RequestId beside <Error>, not inside it.
  if (out.request_id.empty() && envelope) {
    out.request_id = XmlChildText(envelope, "RequestId");
  }
  return out;
}

// Returns the error if `root` is an <Error> or <ErrorResponse>, otherwise nullopt.
std::optional<ServiceError> ErrorFromRoot(pugi::xml_node root) {
  const std::string_view name = XmlLocalName(root.name());
  if (name == "Error") {
    return ErrorFromNodes(root, pugi::xml_node());
  }
  if (name == "ErrorResponse") {
    return ErrorFromNodes(XmlChild(root, "Error"), root);
  }
  return std::nullopt;
}

Result<std::unique_ptr<pugi::xml_document>> LoadDocument(std::string_view xml,
                                                         std::string_view what) {
  if (TrimWhitespace(xml).empty()) {
    return Status::InvalidArgument("malformed ", what, ": empty body");
  }
  auto doc = std::make_unique<pugi::xml_document>();
  // parse_default drops comments and processing instructions; no entity expansion beyond the
  // five predefined ones, so hostile bodies cannot blow up memory.
  const pugi::xml_parse_result parsed = doc->load_buffer(xml.data(), xml.size());
  if (!parsed) {
    return Status::InvalidArgument("malformed ", what, ": ", parsed.description(), " at byte ",
                                   parsed.offset);
  }
  if (!doc->document_element()) {
    return Status::InvalidArgument("malformed ", what, ": no root element");
  }
  return doc;
}

struct TimestampParts {
  int year = 0;
  unsigned month = 0;
  unsigned day = 0;
  int64_t hour = 0;
  int64_t minute = 0;
  int64_t second = 0;
  int64_t millis = 0;
  int64_t offset_seconds = 0;  // local time minus UTC
};

// Reads exactly `width` digits at `pos`, advancing it.
bool ReadDigits(std::string_view text, size_t& pos, size_t width, int64_t& out) {
  if (pos + width > text.size()) {
    return false;
  }
  out = 0;
  for (size_t i = 0; i < width; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') {
      return false;
    }
    out = out * 10 + (c - '0');
  }
  pos += width;
  return true;
}

bool Expect(std::string_view text, size_t& pos, char c) {
  if (pos < text.size() && text[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

// Grammar: YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM). RGW sends nine fraction digits.
bool ReadTimestamp(std::string_view text, TimestampParts& parts) {
  size_t pos = 0;
  int64_t year = 0, month = 0, day = 0;
  if (!ReadDigits(text, pos, 4, year) || !Expect(text, pos, '-') ||
      !ReadDigits(text, pos, 2, month) || !Expect(text, pos, '-') ||
      !ReadDigits(text, pos, 2, day) || !Expect(text, pos, 'T') ||
      !ReadDigits(text, pos, 2, parts.hour) || !Expect(text, pos, ':') ||
      !ReadDigits(text, pos, 2, parts.minute) || !Expect(text, pos, ':') ||
      !ReadDigits(text, pos, 2, parts.second)) {
    return false;
  }
  parts.year = static_cast<int>(year);
  parts.month = static_cast<unsigned>(month);
  parts.day = static_cast<unsigned>(day);
  if (Expect(text, pos, '.')) {
    size_t digits = 0;
    for (int64_t digit = 0; ReadDigits(text, pos, 1, digit); ++digits) {
      if (digits < 3) {
        parts.millis = parts.millis * 10 + digit;
      }
    }
    if (digits == 0) {
      return false;
    }
    for (; digits < 3; ++digits) {
      parts.millis *= 10;
    }
  }
  if (Expect(text, pos, 'Z')) {
    return pos == text.size();
  }
  const bool negative = pos < text.size() && text[pos] == '-';
  int64_t offset_hours = 0, offset_minutes = 0;
  if (!(Expect(text, pos, '+') || Expect(text, pos, '-')) ||
      !ReadDigits(text, pos, 2, offset_hours) || !Expect(text, pos, ':') ||
      !ReadDigits(text, pos, 2, offset_minutes) || pos != text.size() || offset_hours > 23 ||
      offset_minutes > 59) {
    return false;
  }
  parts.offset_seconds = (negative ? -1 : 1) * (offset_hours * 3600 + offset_minutes * 60);
  return true;
}

Result<TimestampParts> SplitTimestamp(std::string_view text) {
  TimestampParts parts;
  if (!ReadTimestamp(TrimWhitespace(text), parts)) {
    return Status::InvalidArgument("not an ISO-8601 UTC timestamp: '", text, "'");
  }
  return parts;
}

}  // namespace

std::string_view XmlLocalName(const char* name) {
  std::string_view full(name);
  const size_t colon = full.rfind(':');
  return colon == std::string_view::npos ? full : full.substr(colon + 1);
}

pugi::xml_node XmlChild(pugi::xml_node parent, std::string_view name) {
  for (pugi::xml_node child : parent.children()) {
    if (child.type() == pugi::node_element && XmlLocalName(child.name()) == name) {
      return child;
    }
  }
  return pugi::xml_node();
}

std::string XmlChildText(pugi::xml_node parent, std::string_view name) {
  return XmlChild(parent, name).text().get();
}

Result<std::string> XmlRequiredText(pugi::xml_node parent, std::string_view name,
                                    std::string_view what) {
  std::string text = XmlChildText(parent, name);
  if (text.empty()) {
    return Status::InvalidArgument("malformed ", what, ": missing <", name, "> in <",
                                   XmlLocalName(parent.name()), ">");
  }
  return text;
}

Result<uint64_t> XmlOptionalUint(pugi::xml_node parent, std::string_view name, uint64_t fallback,
                                 std::string_view what) {
  const pugi::xml_node node = XmlChild(parent, name);
  if (!node) {
    return fallback;
  }
  const std::string text(TrimWhitespace(node.text().get()));
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return Status::InvalidArgument("malformed ", what, ": <", name, "> is not a number: '", text,
                                   "'");
  }
  return value;
}

Result<bool> XmlOptionalBool(pugi::xml_node parent, std::string_view name, bool fallback,
                             std::string_view what) {
  const pugi::xml_node node = XmlChild(parent, name);
  if (!node) {
    return fallback;
  }
  const std::string_view text = TrimWhitespace(node.text().get());
  if (text == "true") {
    return true;
  }
  if (text == "false") {
    return false;
  }
  return Status::InvalidArgument("malformed ", what, ": <", name, "> is not true/false: '", text,
                                 "'");
}

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

Result<XmlDocument> ParseXml(std::string_view xml, std::string_view root_name,
                             std::string_view what) {
  ASSIGN_OR_RETURN(std::unique_ptr<pugi::xml_document> doc, LoadDocument(xml, what));
  const pugi::xml_node root = doc->document_element();
  if (XmlLocalName(root.name()) == root_name) {
    return XmlDocument{.doc = std::move(doc), .root = root};
  }
  // S3 can answer 200 OK with an error body (CompleteMultipartUpload), so look for one.
  if (std::optional<ServiceError> error = ErrorFromRoot(root)) {
    return ServiceErrorToStatus(*error);
  }
  return Status::InvalidArgument("malformed ", what, ": expected <", root_name, ">, got <",
                                 XmlLocalName(root.name()), ">");
}

Result<ServiceError> ParseServiceError(std::string_view xml) {
  constexpr std::string_view kWhat = "error response";
  ASSIGN_OR_RETURN(std::unique_ptr<pugi::xml_document> doc, LoadDocument(xml, kWhat));
  const pugi::xml_node root = doc->document_element();
  std::optional<ServiceError> error = ErrorFromRoot(root);
  if (!error) {
    return Status::InvalidArgument("malformed ", kWhat,
                                   ": expected <Error> or <ErrorResponse>, got <",
                                   XmlLocalName(root.name()), ">");
  }
  return *std::move(error);
}

Status ServiceErrorToStatus(const ServiceError& error) {
  static constexpr std::array<std::string_view, 7> kDenied = {
      "AccessDenied", "SignatureDoesNotMatch", "InvalidAccessKeyId",   "InvalidClientTokenId",
      "ExpiredToken", "AllAccessDisabled",     "UnauthorizedOperation"};
  static constexpr std::array<std::string_view, 6> kTransient = {
      "InternalError", "ServiceUnavailable", "SlowDown",
      "Throttling",    "RequestTimeout",     "IDPCommunicationError"};
  const std::string_view code =
      error.code.empty() ? std::string_view("UnknownError") : std::string_view(error.code);
  std::string text = "service error " + std::string(code);
  if (!error.message.empty()) {
    text += ": " + error.message;
  }
  if (!error.request_id.empty()) {
    text += " (request id " + error.request_id + ")";
  }
  if (code.starts_with("NoSuch")) {
    return Status(Code::kNotFound, std::move(text));
  }
  for (const std::string_view denied : kDenied) {
    if (code == denied) {
      return Status(Code::kPermissionDenied, std::move(text));
    }
  }
  for (const std::string_view transient : kTransient) {
    if (code == transient) {
      return Status(Code::kUnavailable, std::move(text));
    }
  }
  return Status(Code::kInvalidArgument, std::move(text));
}

Result<int64_t> ParseIso8601Millis(std::string_view text) {
  ASSIGN_OR_RETURN(const TimestampParts parts, SplitTimestamp(text));
  using std::chrono::year, std::chrono::month, std::chrono::day;
  const std::chrono::year_month_day date{year(parts.year), month(parts.month), day(parts.day)};
  if (!date.ok() || parts.hour > 23 || parts.minute > 59 || parts.second > 60) {
    return Status::InvalidArgument("timestamp out of range: '", text, "'");
  }
  const int64_t days = std::chrono::sys_days(date).time_since_epoch().count();
  const int64_t seconds =
      days * 86400 + parts.hour * 3600 + parts.minute * 60 + parts.second - parts.offset_seconds;
  return seconds * 1000 + parts.millis;
}

}  // namespace bucketflow::s3

#include "api/request_params.h"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

#include "core/strings.h"

namespace bucketflow::api {
namespace {

namespace json = boost::json;

constexpr std::string_view kApiDocsHint =
    "See the API docs for more information about request parameters.";

std::string_view PythonTypeName(const json::value& value) {
  switch (value.kind()) {
    case json::kind::int64:
    case json::kind::uint64:
      return "int";
    case json::kind::double_:
      return "float";
    case json::kind::string:
      return "str";
    case json::kind::bool_:
      return "bool";
    case json::kind::object:
      return "dict";
    case json::kind::array:
      return "list";
    case json::kind::null:
      break;
  }
  return "NoneType";
}

std::string FormatDouble(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), d);
  std::string out(buffer, end);
  // Python prints floats with a fractional part or an exponent: 2.0, 1e+16.
  if (out.find_first_of(".e") == std::string::npos) out += ".0";
  return out;
}

// Numeric strings as protobuf's JSON parser reads them for double fields.
std::optional<double> ParseDoubleString(std::string_view text) {
  if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (text == "Infinity") return std::numeric_limits<double>::infinity();
  if (text == "-Infinity") return -std::numeric_limits<double>::infinity();
  double out = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) return std::nullopt;
  if (!std::isfinite(out)) return std::nullopt;
  return out;
}

std::optional<int64_t> ParseInt64String(std::string_view text) {
  int64_t out = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) return std::nullopt;
  return out;
}

std::optional<int64_t> AsInt64(const json::value& value) {
  if (value.is_int64()) return value.get_int64();
  if (value.is_uint64()) {
    if (value.get_uint64() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return std::nullopt;
    }
    return static_cast<int64_t>(value.get_uint64());
  }
  if (value.is_double()) {
    // Protobuf accepts integral floats (5.0) for integer fields, and nothing else.
    double d = value.get_double();
    if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) < 9.2e18) {
      return static_cast<int64_t>(d);
    }
    return std::nullopt;
  }
  if (value.is_string()) return ParseInt64String(value.get_string());
  return std::nullopt;
}

}  // namespace

Status MissingParam(std::string_view name) {
  return Status::InvalidArgument("Missing value for required parameter '", name, "'. ",
                                 kApiDocsHint);
}

Status InvalidParamType(std::string_view name, const json::value& value) {
  return Status::InvalidArgument("Invalid value ", JsonRepr(value), " for parameter '", name,
                                 "' supplied:  Hint: Value was of type '", PythonTypeName(value),
                                 "'. ", kApiDocsHint);
}

std::string JsonRepr(const json::value& value) {
  if (value.is_double()) return FormatDouble(value.get_double());
  if (value.is_null()) return "None";
  return json::serialize(value);
}

std::string RequestParams::Qualified(std::string_view name) const {
  if (prefix_.empty()) return std::string(name);
  return prefix_ + "." + std::string(name);
}

const json::value* RequestParams::Find(std::string_view name) const {
  const json::value* value = fields_.if_contains(name);
  if (value == nullptr || value->is_null()) return nullptr;
  return value;
}

Result<std::optional<std::string>> RequestParams::OptionalString(std::string_view name) const {
  const json::value* value = Find(name);
  if (value == nullptr) return std::optional<std::string>();
  if (!value->is_string()) return InvalidParamType(Qualified(name), *value);
  return std::optional<std::string>(std::string(value->get_string()));
}

Result<std::string> RequestParams::RequiredString(std::string_view name) const {
  ASSIGN_OR_RETURN(std::optional<std::string> value, OptionalString(name));
  if (!value.has_value() || value->empty()) return MissingParam(Qualified(name));
  return std::move(*value);
}

Result<std::string> RequestParams::StringOr(std::string_view name,
                                            std::string_view fallback) const {
  ASSIGN_OR_RETURN(std::optional<std::string> value, OptionalString(name));
  if (!value.has_value()) return std::string(fallback);
  return std::move(*value);
}

Result<std::string> RequestParams::RunId() const {
  ASSIGN_OR_RETURN(std::optional<std::string> run_id, OptionalString("run_id"));
  if (run_id.has_value() && !run_id->empty()) return std::move(*run_id);
  ASSIGN_OR_RETURN(std::optional<std::string> run_uuid, OptionalString("run_uuid"));
  if (run_uuid.has_value() && !run_uuid->empty()) return std::move(*run_uuid);
  return MissingParam("run_id");
}

Result<std::optional<std::string>> RequestParams::OptionalExperimentId(
    std::string_view name) const {
  const json::value* value = Find(name);
  if (value == nullptr) return std::optional<std::string>();
  if (value->is_string()) return std::optional<std::string>(std::string(value->get_string()));
  if (value->is_int64()) return std::optional<std::string>(std::to_string(value->get_int64()));
  if (value->is_uint64()) return std::optional<std::string>(std::to_string(value->get_uint64()));
  return InvalidParamType(Qualified(name), *value);
}

Result<std::string> RequestParams::RequiredExperimentId(std::string_view name) const {
  ASSIGN_OR_RETURN(std::optional<std::string> value, OptionalExperimentId(name));
  if (!value.has_value() || value->empty()) return MissingParam(Qualified(name));
  return std::move(*value);
}

Result<std::optional<int64_t>> RequestParams::OptionalInt64(std::string_view name) const {
  const json::value* value = Find(name);
  if (value == nullptr) return std::optional<int64_t>();
  std::optional<int64_t> out = AsInt64(*value);
  if (!out.has_value()) return InvalidParamType(Qualified(name), *value);
  return out;
}

Result<std::optional<double>> RequestParams::OptionalDouble(std::string_view name) const {
  const json::value* value = Find(name);
  if (value == nullptr) return std::optional<double>();
  if (value->is_double()) return std::optional<double>(value->get_double());
  if (value->is_int64()) return std::optional<double>(static_cast<double>(value->get_int64()));
  if (value->is_uint64()) return std::optional<double>(static_cast<double>(value->get_uint64()));
  if (value->is_bool()) return std::optional<double>(value->get_bool() ? 1.0 : 0.0);
  if (value->is_string()) {
    std::optional<double> parsed = ParseDoubleString(value->get_string());
    if (parsed.has_value()) return parsed;
  }
  return InvalidParamType(Qualified(name), *value);
}

Result<std::vector<std::string>> RequestParams::StringList(std::string_view name,
                                                           bool allow_scalar_numbers) const {
  std::vector<std::string> out;
  const json::value* value = Find(name);
  if (value == nullptr) return out;
  if (!value->is_array()) return InvalidParamType(Qualified(name), *value);
  for (const json::value& item : value->get_array()) {
    if (item.is_string()) {
      out.emplace_back(item.get_string());
    } else if (allow_scalar_numbers && item.is_int64()) {
      out.push_back(std::to_string(item.get_int64()));
    } else if (allow_scalar_numbers && item.is_uint64()) {
      out.push_back(std::to_string(item.get_uint64()));
    } else {
      return InvalidParamType(Qualified(name), *value);
    }
  }
  return out;
}

Result<const json::array*> RequestParams::ObjectList(std::string_view name) const {
  static const json::array kEmpty;
  const json::value* value = Find(name);
  if (value == nullptr) return &kEmpty;
  if (!value->is_array()) return InvalidParamType(Qualified(name), *value);
  for (const json::value& item : value->get_array()) {
    if (!item.is_object()) return InvalidParamType(Qualified(name), *value);
  }
  return &value->get_array();
}

}  // namespace bucketflow::api

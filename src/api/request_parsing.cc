// ParseRequest (declared in api/request_params.h): from an http::Request to the request
// message, following the MLflow 2.17 server's observed behaviour.
#include <algorithm>
#include <boost/json/parse.hpp>

#include "api/request_params.h"
#include "core/strings.h"

namespace bucketflow::api {
namespace {

namespace json = boost::json;

bool IsListParam(const ParseOptions& options, std::string_view key) {
  return std::find(options.list_params.begin(), options.list_params.end(), key) !=
         options.list_params.end();
}

json::object ObjectFromQuery(std::string_view query, const ParseOptions& options) {
  json::object out;
  for (auto& [key, value] : ParseQuery(query)) {
    if (IsListParam(options, key)) {
      json::value& slot = out[key];
      if (!slot.is_array()) slot = json::array();
      slot.get_array().emplace_back(value);
    } else if (!out.contains(key)) {
      // A repeated scalar takes its first value, as Werkzeug's MultiDict.get does.
      out[key] = value;
    }
  }
  return out;
}

Status CheckContentType(const http::Request& request) {
  std::optional<std::string_view> content_type = request.Header("Content-Type");
  if (!content_type.has_value()) {
    return Status::InvalidArgument("Bad Request. Content-Type header is missing.");
  }
  std::string_view mime = content_type->substr(0, content_type->find(';'));
  // Case-sensitive on purpose: MLflow refuses "APPLICATION/JSON".
  if (TrimWhitespace(mime) != "application/json") {
    return Status::InvalidArgument(
        "Bad Request. Content-Type must be one of ['application/json'].");
  }
  return Status::Ok();
}

// True when `body` holds NaN/Infinity outside string literals: MLflow's parser accepts them and
// then stores 0; we refuse the request instead of storing a wrong value.
bool HasBareNonFiniteLiteral(std::string_view body) {
  bool in_string = false;
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (body.substr(i, 3) == "NaN" || body.substr(i, 8) == "Infinity") {
      return true;
    }
  }
  return false;
}

Status NotAnObject(std::string_view what) {
  return Status::InvalidArgument("Invalid request body: expected a JSON object, got ", what, ".");
}

std::string_view KindName(const json::value& value) {
  if (value.is_array()) return "an array";
  if (value.is_string()) return "a string";
  if (value.is_bool()) return "a boolean";
  return "a number";
}

Result<RequestParams> ObjectFromBody(std::string_view body) {
  RequestParams out;
  if (TrimWhitespace(body).empty()) return out;
  json::error_code ec;
  json::value value = json::parse(body, ec);
  if (ec) {
    if (HasBareNonFiniteLiteral(body)) {
      return Status::InvalidArgument(
          "Invalid JSON body: bare NaN/Infinity literals are not JSON. Send them as strings, "
          "e.g. \"value\": \"NaN\".");
    }
    return out;  // MLflow treats a body it cannot parse as {}.
  }
  std::optional<size_t> double_encoded_size;
  if (value.is_string()) {
    // A JSON string holding JSON is decoded once more (MLflow does the same).
    std::string inner(value.get_string());
    json::value decoded = json::parse(inner, ec);
    if (ec) return NotAnObject("a string that is not JSON");
    double_encoded_size = inner.size();
    value = std::move(decoded);
  }
  if (value.is_null()) return out;
  if (!value.is_object()) return NotAnObject(KindName(value));
  out = RequestParams(std::move(value.get_object()));
  if (double_encoded_size.has_value()) out.set_double_encoded_size(*double_encoded_size);
  return out;
}

}  // namespace

Result<RequestParams> ParseRequest(const http::Request& request, const ParseOptions& options) {
  const bool is_get = request.method == "GET" || request.method == "HEAD";
  if (is_get && !request.query.empty()) {
    return RequestParams(ObjectFromQuery(request.query, options));
  }
  if (request.method == "POST" || request.method == "PUT") {
    RETURN_IF_ERROR(CheckContentType(request));
  }
  return ObjectFromBody(request.body);
}

}  // namespace bucketflow::api

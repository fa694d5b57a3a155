#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "http/message.h"

// Turns an HTTP request into the MLflow request message the way MLflow's Flask server does
// (see reference/mlflow-golden/README.md "Request parsing"), and reads typed fields from it
// with MLflow's error messages. Only api/ uses this.
namespace bucketflow::api {

// "Missing value for required parameter 'X'. See the API docs ..."
Status MissingParam(std::string_view name);
// "Invalid value <json> for parameter 'X' supplied:  Hint: Value was of type '<py type>'. ..."
Status InvalidParamType(std::string_view name, const boost::json::value& value);
// MLflow's JSON-ish rendering of a value inside messages: "abc" quoted, {"a":1} compact,
// floats with a fractional part (2.0).
std::string JsonRepr(const boost::json::value& value);

// A parsed request message. Immutable; safe to share between threads once built.
class RequestParams {
 public:
  RequestParams() = default;
  explicit RequestParams(boost::json::object fields) : fields_(std::move(fields)) {}

  // For a double-encoded body (a JSON string holding JSON): the decoded string's size.
  // log-batch measures it for its 1 MB limit, as MLflow does.
  std::optional<size_t> double_encoded_size() const { return double_encoded_size_; }
  void set_double_encoded_size(size_t size) { double_encoded_size_ = size; }
  void set_prefix(std::string prefix) { prefix_ = std::move(prefix); }

  // nullptr when absent or JSON null (protobuf treats null as unset).
  const boost::json::value* Find(std::string_view name) const;
  bool Has(std::string_view name) const { return Find(name) != nullptr; }
  const boost::json::object& fields() const { return fields_; }

  // A string field. Absent -> nullopt; a non-string -> InvalidParamType.
  Result<std::optional<std::string>> OptionalString(std::string_view name) const;
  // A string field that must be present and non-empty (MLflow's _assert_required).
  Result<std::string> RequiredString(std::string_view name) const;
  // A string, or "" when absent.
  Result<std::string> StringOr(std::string_view name, std::string_view fallback) const;
  // run_id, falling back to the legacy run_uuid; required.
  Result<std::string> RunId() const;
  // An experiment id: a string or a JSON integer (stringified), as protobuf accepts.
  Result<std::optional<std::string>> OptionalExperimentId(std::string_view name) const;
  Result<std::string> RequiredExperimentId(std::string_view name) const;

  // A 64-bit integer: a JSON integer or a string holding one. A float or anything else is
  // InvalidParamType (MLflow silently stores 0 there; we refuse).
  Result<std::optional<int64_t>> OptionalInt64(std::string_view name) const;
  // A double: a JSON number, true/false, or a numeric string ("1.5", "NaN", "Infinity").
  Result<std::optional<double>> OptionalDouble(std::string_view name) const;

  // A list of strings. Absent -> empty. With `allow_scalar_numbers`, JSON integers in the
  // list are stringified (experiment ids).
  Result<std::vector<std::string>> StringList(std::string_view name,
                                              bool allow_scalar_numbers) const;
  // A list of objects (tags, params, metrics, datasets). Absent -> empty array.
  Result<const boost::json::array*> ObjectList(std::string_view name) const;

 private:
  // The name used in messages: "value" or, nested, "metrics[0].value".
  std::string Qualified(std::string_view name) const;

  boost::json::object fields_;
  std::optional<size_t> double_encoded_size_;
  std::string prefix_;
};

// Fields of nested objects (tags[i], metrics[i]) read with the same rules as top-level ones;
// with a `prefix` ("metrics[0]") messages name the field "metrics[0].value".
inline RequestParams NestedParams(const boost::json::object& object, std::string prefix = "") {
  RequestParams out(object);
  out.set_prefix(std::move(prefix));
  return out;
}

struct ParseOptions {
  // Query parameters that are repeated lists in MLflow's messages (order_by, run_ids, ...);
  // every other query parameter takes its first value.
  std::vector<std::string_view> list_params;
};

// Builds the request message:
//   - GET/HEAD/DELETE... with a non-empty query string: the query only;
//   - GET without a query string: the JSON body, if any;
//   - POST/PUT: Content-Type must be application/json (parameters allowed, case-sensitive);
//     the query string is ignored;
//   - a body that is not JSON (or empty, or null) is {}; a JSON string holding JSON is decoded
//     again; an array, number or non-JSON string body is refused with 400 (MLflow: 500);
//   - a bare NaN/Infinity literal is refused with 400 (MLflow stores 0 there).
Result<RequestParams> ParseRequest(const http::Request& request, const ParseOptions& options);

}  // namespace bucketflow::api

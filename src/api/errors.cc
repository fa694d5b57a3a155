#include "api/errors.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace bucketflow::api {
namespace {

struct Mapping {
  std::string_view error_code;
  int http_status;
};

// The mapping of mlflow/exceptions.py (ERROR_CODE_TO_HTTP_STATUS).
Mapping MappingFor(Code code) {
  switch (code) {
    case Code::kInvalidArgument:
      return {"INVALID_PARAMETER_VALUE", 400};
    case Code::kNotFound:
      return {"RESOURCE_DOES_NOT_EXIST", 404};
    case Code::kAlreadyExists:
      return {"RESOURCE_ALREADY_EXISTS", 400};
    case Code::kPermissionDenied:
      return {"PERMISSION_DENIED", 403};
    case Code::kUnauthenticated:
      return {"UNAUTHENTICATED", 401};
    case Code::kFailedPrecondition:
      return {"INVALID_STATE", 500};
    case Code::kUnavailable:
      return {"TEMPORARILY_UNAVAILABLE", 503};
    case Code::kResourceExhausted:
      return {"REQUEST_LIMIT_EXCEEDED", 429};
    case Code::kUnimplemented:
      return {"NOT_IMPLEMENTED", 501};
    case Code::kOk:
    case Code::kInternal:
      break;
  }
  return {"INTERNAL_ERROR", 500};
}

}  // namespace

std::string_view MlflowErrorCode(Code code) { return MappingFor(code).error_code; }

int HttpStatusFor(Code code) { return MappingFor(code).http_status; }

http::Response ErrorResponse(const Status& status) {
  Mapping mapping = MappingFor(status.code());
  return ErrorResponse(mapping.http_status, mapping.error_code, status.message());
}

http::Response ErrorResponse(const Status& status, std::string_view extra_fields) {
  http::Response response = ErrorResponse(status);
  if (!extra_fields.empty()) {
    response.body.pop_back();  // the object's closing brace
    response.body += ',';
    response.body += extra_fields;
    response.body += '}';
  }
  return response;
}

http::Response ErrorResponse(int http_status, std::string_view error_code,
                             std::string_view message) {
  boost::json::object body;
  body["error_code"] = error_code;
  body["message"] = message;
  http::Response response;
  response.status = http_status;
  response.content_type = "application/json";
  response.body = boost::json::serialize(body);
  return response;
}

}  // namespace bucketflow::api

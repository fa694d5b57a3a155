#pragma once

#include <string_view>

#include "core/status.h"
#include "http/message.h"

namespace bucketflow::api {

// The MLflow error_code name for a Status code (e.g. kNotFound -> "RESOURCE_DOES_NOT_EXIST").
std::string_view MlflowErrorCode(Code code);
// The HTTP status MLflow uses for that error code.
int HttpStatusFor(Code code);

// {"error_code": ..., "message": ...} with the matching HTTP status.
// REQUIRES: !status.ok()
http::Response ErrorResponse(const Status& status);
// Same, with more members in the error object: `extra_fields` is already serialised JSON
// members without braces (e.g. `"checks":[...]`), appended after "message"; empty: none.
// REQUIRES: !status.ok()
http::Response ErrorResponse(const Status& status, std::string_view extra_fields);
// Same, with an explicit MLflow error code that has no Code of its own (e.g. "BAD_REQUEST").
http::Response ErrorResponse(int http_status, std::string_view error_code,
                             std::string_view message);

}  // namespace bucketflow::api

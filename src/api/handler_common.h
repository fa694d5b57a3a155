#pragma once

#include <string>

#include "api/request_params.h"
#include "api/services.h"
#include "core/status.h"

// Shared shape of the transport-free MLflow handlers: request message in, JSON body out.
namespace bucketflow::api {

using HandlerFn = Result<std::string> (*)(const RequestParams& params, Services& services);

// The body of an empty MLflow response.
inline std::string EmptyJson() { return "{}"; }

}  // namespace bucketflow::api

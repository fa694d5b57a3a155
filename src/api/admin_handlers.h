#pragma once

#include <string>

#include "api/services.h"
#include "http/router.h"

// The admin REST API of issue #6 (workspaces, bucket, members, users, tokens, audit, who am I)
// under <prefix>/bucketflow/. Internal to api/; routes.cc calls AddAdminRoutes once per prefix.
namespace bucketflow::api {

// `prefix` is "/api/2.0" or "/ajax-api/2.0".
void AddAdminRoutes(http::Router& router, const std::string& prefix, Services& services);

}  // namespace bucketflow::api

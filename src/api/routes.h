#pragma once

#include "api/services.h"
#include "http/router.h"

namespace bucketflow::api {

// The MLflow route table: every tracking endpoint under both /api/2.0 and /ajax-api/2.0, the
// UI-only helpers, /health, /version and the artifact routes. `services` must outlive the
// router.
http::Router BuildRouter(Services& services);

}  // namespace bucketflow::api

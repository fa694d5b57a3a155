#pragma once

#include <string>

#include "api/handler_common.h"
#include "api/request_params.h"
#include "api/services.h"
#include "auth/access.h"
#include "http/message.h"
#include "http/router.h"

// The middleware every API route goes through, composed in one visible place: authenticate,
// resolve the workspace, check the route's permission, then call the transport-free handler
// with a per-request copy of Services (store confined to the workspace, that workspace's
// artifact repository, the caller in `scope`). Internal to api/.
namespace bucketflow::api {

// A JSON route: parse -> gate -> handler -> 200 JSON, or MLflow's error JSON (401 with
// WWW-Authenticate, 403, 429 with Retry-After ...).
http::Handler JsonHandler(HandlerFn handler, Services& services, auth::Permission permission,
                          ParseOptions options = {});

// A JSON route that names no workspace in its path or header (who am I, the admin API): the
// caller is authenticated only, and the request is in no workspace: `scope->grant.workspace` is
// an empty record (id 0), `scope->grant.role` means nothing, and `services.store` is confined to
// that non-existent workspace, so it finds and creates nothing. The handler checks roles per
// workspace itself (RequireRole below) and uses access_store, never services.store.
http::Handler CallerJsonHandler(HandlerFn handler, Services& services, ParseOptions options = {});

// Like CallerJsonHandler, for a handler that builds its whole response: an error that carries
// more than MLflow's two fields (workspaces/bucket/set answers 400 with the report's "checks").
using ResponseHandlerFn = http::Response (*)(const RequestParams& params, Services& services);
http::Handler CallerResponseHandler(ResponseHandlerFn handler, Services& services);

// Artifact routes, which read the raw request: gate first, then `services.artifacts` is the
// workspace's repository.
using ArtifactHandlerFn = http::Response (*)(http::Request&, Services&);
using StreamingArtifactHandlerFn = http::StreamStart (*)(http::Request&, Services&);
http::Handler ArtifactRoute(ArtifactHandlerFn handler, Services& services,
                            auth::Permission permission);
http::StreamingHandler StreamingArtifactRoute(StreamingArtifactHandlerFn handler,
                                              Services& services, auth::Permission permission);

// For CallerJsonHandler handlers: the workspace `name` with the caller's role there, or
// kPermissionDenied / kNotFound as auth::Access::Check answers (auth::Access::Authorize for
// scope->grant.caller: the credentials are not checked again). Without an auth::Access (unit
// tests of single handlers) the caller is the anonymous server admin.
Result<auth::Grant> RequireRole(Services& services, const std::string& workspace,
                                store::Role minimum);

// Appends to the audit log as the request's caller in its workspace. Failures are logged,
// never returned: the audited action already happened.
void Audit(Services& services, std::string action, std::string target, std::string detail = {});
// Same, for an action on a workspace the request names in its body (the admin API's member,
// token and bucket changes) rather than the request's own.
void AuditIn(Services& services, std::string workspace, std::string action, std::string target,
             std::string detail = {});

}  // namespace bucketflow::api

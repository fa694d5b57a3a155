// The gate every API route passes (DESIGN.md section 6, issue #6). One auth::Access::Check per
// request decides who calls, in which workspace and whether the route's permission is held;
// the handler then runs on a per-request copy of Services whose store cannot see any other
// workspace. The copy lives in a RequestContext, which a streamed body keeps alive: a sink or
// source may be read long after the wrapper returned.
#include "api/route_wrappers.h"

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "api/errors.h"
#include "store/workspace_scoped_store.h"

namespace bucketflow::api {
namespace {

// The web UI names its workspace in this header; the stock client uses the /w/<name>/ prefix.
constexpr char kWorkspaceHeader[] = "X-Bucketflow-Workspace";
// Bearer only: a Basic challenge would make browsers pop a password dialog over the UI's fetches
// (the stock client sends basic credentials without being challenged).
constexpr char kChallenge[] = "Bearer realm=\"bucketflow\"";

// `base` with the request's store and scope. Services holds references, so it is rebuilt
// rather than assigned.
Services ScopedCopy(const Services& base, store::Store& store, const RequestScope& scope) {
  return Services{.store = store,
                  .artifacts = base.artifacts,
                  .open_local_repository = base.open_local_repository,
                  .clock = base.clock,
                  .config = base.config,
                  .access = base.access,
                  .access_store = base.access_store,
                  .workspace_artifacts = base.workspace_artifacts,
                  .ownership = base.ownership,
                  .scope = &scope};
}

// What one admitted request may touch. Never moved or copied: services_ refers to the members
// before it.
class RequestContext {
 public:
  RequestContext(const Services& base, auth::Grant grant, const http::Request& request)
      : store_(base.store, *base.ownership, grant.workspace),
        scope_{.grant = std::move(grant),
               .remote_address = request.remote_address,
               .workspace_store = &store_},
        services_(ScopedCopy(base, store_, scope_)) {
    if (base.access->enabled()) {
      // A run root on the server's disk would let any tenant read it.
      services_.open_local_repository = nullptr;
    }
  }
  RequestContext(const RequestContext&) = delete;
  RequestContext& operator=(const RequestContext&) = delete;

  Services& services() { return services_; }
  const store::Workspace& workspace() const { return scope_.grant.workspace; }

 private:
  store::WorkspaceScopedStore store_;
  RequestScope scope_;
  Services services_;
};

// Keeps the request's context alive for as long as an upload streams.
class ContextSink final : public http::BodySink {
 public:
  ContextSink(std::unique_ptr<RequestContext> context, std::unique_ptr<http::BodySink> sink)
      : context_(std::move(context)), sink_(std::move(sink)) {}
  Status Write(std::string_view chunk) override { return sink_->Write(chunk); }
  http::Response Finish(Status transfer) override { return sink_->Finish(std::move(transfer)); }

 private:
  // Declared first so that it outlives the sink that may refer to it.
  std::unique_ptr<RequestContext> context_;
  std::unique_ptr<http::BodySink> sink_;
};

// Keeps the request's context alive for as long as a download streams.
class ContextSource final : public http::BodySource {
 public:
  ContextSource(std::unique_ptr<RequestContext> context, std::unique_ptr<http::BodySource> source)
      : context_(std::move(context)), source_(std::move(source)) {}
  Result<size_t> Read(std::span<char> buffer) override { return source_->Read(buffer); }
  Result<std::string_view> Next(std::span<char> scratch) override { return source_->Next(scratch); }

 private:
  // Declared first so that it outlives the source that may refer to it.
  std::unique_ptr<RequestContext> context_;
  std::unique_ptr<http::BodySource> source_;
};

// REQUIRES: services.access != nullptr
Status CheckWiring(const Services& services) {
  if (services.ownership == nullptr) {
    return Status::Internal("the server has access control but no ownership cache");
  }
  return Status::Ok();
}

// The workspace the request names: the header (the web UI) before the /w/<name>/ prefix.
std::string_view NamedWorkspace(const http::Request& request) {
  std::optional<std::string_view> header = request.Header(kWorkspaceHeader);
  if (header.has_value() && !header->empty()) {
    return *header;
  }
  return request.scope;
}

// REQUIRES: services.access != nullptr
Result<auth::Grant> Admit(const http::Request& request, Services& services,
                          auth::Permission permission) {
  RETURN_IF_ERROR(CheckWiring(services));
  return services.access->Check({.authorization = request.Header("Authorization"),
                                 .remote_address = request.remote_address,
                                 .workspace = NamedWorkspace(request),
                                 .permission = permission});
}

// REQUIRES: services.access != nullptr
// A caller route's grant: the caller in no workspace. Workspace ids start at 1, so the store
// confined to id 0 finds no experiment or run and creates none (the SQLite store refuses an
// unknown workspace id): a handler that used services.store by mistake gets nothing.
Result<auth::Grant> AdmitCaller(const http::Request& request, Services& services) {
  RETURN_IF_ERROR(CheckWiring(services));
  ASSIGN_OR_RETURN(
      auth::Caller caller,
      services.access->Authenticate(request.Header("Authorization"), request.remote_address));
  return auth::Grant{
      .caller = std::move(caller), .workspace = store::Workspace{}, .role = store::Role::kReader};
}

// MLflow's error JSON, plus what HTTP says must come with a 401 or a 429.
http::Response ErrorWithHeaders(const Status& status, const http::Request& request,
                                const Services& services) {
  http::Response response = ErrorResponse(status);
  if (status.code() == Code::kUnauthenticated) {
    response.headers.emplace_back("WWW-Authenticate", kChallenge);
  } else if (status.code() == Code::kResourceExhausted && services.access != nullptr) {
    response.headers.emplace_back("Retry-After",
                                  std::to_string(services.access->RetryAfterSeconds(
                                      request.Header("Authorization"), request.remote_address)));
  }
  return response;
}

http::Response Answer(HandlerFn handler, const http::Request& request, Services& services,
                      const ParseOptions& options) {
  Result<RequestParams> params = ParseRequest(request, options);
  if (!params.ok()) {
    return ErrorResponse(params.status());
  }
  Result<std::string> body = handler(*params, services);
  if (!body.ok()) {
    return ErrorWithHeaders(body.status(), request, services);
  }
  http::Response response;
  response.body = std::move(body).value();
  return response;
}

// REQUIRES: services.access != nullptr
// The context of an artifact route: as for JSON routes, plus the workspace's own repository.
Result<std::unique_ptr<RequestContext>> ArtifactContext(const http::Request& request,
                                                        Services& services,
                                                        auth::Permission permission) {
  ASSIGN_OR_RETURN(auth::Grant grant, Admit(request, services, permission));
  auto context = std::make_unique<RequestContext>(services, std::move(grant), request);
  if (!services.config.serve_artifacts) {
    context->services().artifacts = nullptr;
  } else if (services.workspace_artifacts != nullptr) {
    ASSIGN_OR_RETURN(context->services().artifacts,
                     services.workspace_artifacts->Repository(context->workspace()));
  }
  return context;
}

}  // namespace

http::Handler JsonHandler(HandlerFn handler, Services& services, auth::Permission permission,
                          ParseOptions options) {
  return [handler, &services, permission, options](http::Request& request) {
    if (services.access == nullptr) {
      return Answer(handler, request, services, options);
    }
    Result<auth::Grant> grant = Admit(request, services, permission);
    if (!grant.ok()) {
      return ErrorWithHeaders(grant.status(), request, services);
    }
    RequestContext context(services, std::move(grant).value(), request);
    return Answer(handler, request, context.services(), options);
  };
}

http::Handler CallerJsonHandler(HandlerFn handler, Services& services, ParseOptions options) {
  return [handler, &services, options](http::Request& request) {
    if (services.access == nullptr) {
      return Answer(handler, request, services, options);
    }
    Result<auth::Grant> grant = AdmitCaller(request, services);
    if (!grant.ok()) {
      return ErrorWithHeaders(grant.status(), request, services);
    }
    RequestContext context(services, std::move(grant).value(), request);
    return Answer(handler, request, context.services(), options);
  };
}

http::Handler CallerResponseHandler(ResponseHandlerFn handler, Services& services) {
  return [handler, &services](http::Request& request) {
    auto respond = [&](Services& scoped) {
      Result<RequestParams> params = ParseRequest(request, {});
      return params.ok() ? handler(*params, scoped) : ErrorResponse(params.status());
    };
    if (services.access == nullptr) {
      return respond(services);
    }
    Result<auth::Grant> grant = AdmitCaller(request, services);
    if (!grant.ok()) {
      return ErrorWithHeaders(grant.status(), request, services);
    }
    RequestContext context(services, std::move(grant).value(), request);
    return respond(context.services());
  };
}

http::Handler ArtifactRoute(ArtifactHandlerFn handler, Services& services,
                            auth::Permission permission) {
  return [handler, &services, permission](http::Request& request) {
    if (services.access == nullptr) {
      return handler(request, services);
    }
    Result<std::unique_ptr<RequestContext>> context =
        ArtifactContext(request, services, permission);
    if (!context.ok()) {
      return ErrorWithHeaders(context.status(), request, services);
    }
    http::Response response = handler(request, (*context)->services());
    if (response.stream != nullptr) {
      response.stream =
          std::make_unique<ContextSource>(std::move(*context), std::move(response.stream));
    }
    return response;
  };
}

http::StreamingHandler StreamingArtifactRoute(StreamingArtifactHandlerFn handler,
                                              Services& services, auth::Permission permission) {
  return [handler, &services, permission](http::Request& request) -> http::StreamStart {
    if (services.access == nullptr) {
      return handler(request, services);
    }
    Result<std::unique_ptr<RequestContext>> context =
        ArtifactContext(request, services, permission);
    if (!context.ok()) {
      return ErrorWithHeaders(context.status(), request, services);
    }
    http::StreamStart start = handler(request, (*context)->services());
    if (auto* sink = std::get_if<std::unique_ptr<http::BodySink>>(&start)) {
      return std::unique_ptr<http::BodySink>(
          std::make_unique<ContextSink>(std::move(*context), std::move(*sink)));
    }
    return start;
  };
}

}  // namespace bucketflow::api

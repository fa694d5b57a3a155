#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "http/message.h"

namespace bucketflow::http {

// Answers a request whose body has been read whole.
using Handler = std::function<Response(Request&)>;

// Starts a streaming upload: given the request headers, returns either a sink for the body or
// an immediate response (an error, typically) in which case the body is discarded.
using StreamStart = std::variant<Response, std::unique_ptr<BodySink>>;
using StreamingHandler = std::function<StreamStart(Request&)>;

// The route table. Exact paths and path prefixes, matched in the order added. Not thread-safe
// while routes are being added; read-only (and so safe for concurrent use) once serving.
class Router {
 public:
  void Add(std::string method, std::string path, Handler handler);
  // Matches every path that starts with `prefix`; Request::path_suffix gets the rest.
  void AddPrefix(std::string method, std::string prefix, Handler handler);
  void AddStreaming(std::string method, std::string prefix, StreamingHandler handler);
  // Like AddStreaming, but for one exact path (no suffix).
  void AddStreamingExact(std::string method, std::string path, StreamingHandler handler);
  // Answers GET and HEAD requests whose path no route knows, instead of 404 (a single-page
  // app's client-side routes). Paths that only need their slashes merged still get the 308.
  void SetFallback(Handler handler);
  // Paths may start with `prefix` + one segment (e.g. "/w/team-a/..."), which Find moves into
  // Request::scope before matching the rest, so one route table serves every scope. A client
  // configured with a base URL ending in the scope then works unchanged.
  void SetScopePrefix(std::string prefix);

  struct Match {
    const Handler* handler = nullptr;
    const StreamingHandler* streaming = nullptr;
    // No handler: 404 when no route has this path, 405 (with `allow`) when only the method
    // is wrong, 200 (with `allow`) for OPTIONS on a known path. 200 when a handler matched.
    int status = 404;
    std::string allow;  // "GET, HEAD, OPTIONS" style, for 405 and OPTIONS
    // 308 when the path only matches once repeated slashes are merged, as Werkzeug redirects;
    // `location` is then the merged path plus the query string.
    std::string location;
  };
  // Also fills request.path_suffix for prefix routes and request.scope (SetScopePrefix).
  // HEAD matches GET routes.
  Match Find(Request& request) const;

 private:
  struct Route {
    std::string method;
    std::string path;
    bool is_prefix = false;
    Handler handler;
    StreamingHandler streaming;
  };
  static bool PathMatches(const Route& route, std::string_view path);
  // Moves "/w/<scope>" from the request's path and target into request.scope.
  void ExtractScope(Request& request) const;
  bool KnowsPath(std::string_view path) const;
  std::string AllowFor(std::string_view path) const;

  std::vector<Route> routes_;
  Handler fallback_;          // empty: unknown paths are 404
  std::string scope_prefix_;  // empty: no scopes
};

}  // namespace bucketflow::http

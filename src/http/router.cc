#include "http/router.h"

#include <set>
#include <utility>

namespace bucketflow::http {
namespace {

// Flask treats HEAD as an implicit sibling of GET.
bool MethodMatches(std::string_view route_method, std::string_view request_method) {
  return route_method == request_method || (request_method == "HEAD" && route_method == "GET");
}

// "/api//2.0///x" -> "/api/2.0/x".
std::string MergeSlashes(std::string_view path) {
  std::string merged;
  merged.reserve(path.size());
  for (char c : path) {
    if (c != '/' || merged.empty() || merged.back() != '/') {
      merged.push_back(c);
    }
  }
  return merged;
}

}  // namespace

void Router::Add(std::string method, std::string path, Handler handler) {
  routes_.push_back({.method = std::move(method),
                     .path = std::move(path),
                     .is_prefix = false,
                     .handler = std::move(handler),
                     .streaming = {}});
}

void Router::AddPrefix(std::string method, std::string prefix, Handler handler) {
  routes_.push_back({.method = std::move(method),
                     .path = std::move(prefix),
                     .is_prefix = true,
                     .handler = std::move(handler),
                     .streaming = {}});
}

void Router::AddStreaming(std::string method, std::string prefix, StreamingHandler handler) {
  routes_.push_back({.method = std::move(method),
                     .path = std::move(prefix),
                     .is_prefix = true,
                     .handler = {},
                     .streaming = std::move(handler)});
}

void Router::AddStreamingExact(std::string method, std::string path, StreamingHandler handler) {
  routes_.push_back({.method = std::move(method),
                     .path = std::move(path),
                     .is_prefix = false,
                     .handler = {},
                     .streaming = std::move(handler)});
}

void Router::SetFallback(Handler handler) { fallback_ = std::move(handler); }

bool Router::PathMatches(const Route& route, std::string_view path) {
  return route.is_prefix ? path.starts_with(route.path) : path == route.path;
}

void Router::SetScopePrefix(std::string prefix) { scope_prefix_ = std::move(prefix); }

void Router::ExtractScope(Request& request) const {
  if (scope_prefix_.empty() || !request.path.starts_with(scope_prefix_)) {
    return;
  }
  size_t end = request.path.find('/', scope_prefix_.size());
  size_t cut = end == std::string::npos ? request.path.size() : end;
  if (cut == scope_prefix_.size()) {
    return;  // "/w/" or "/w//...": no scope named
  }
  request.scope = request.path.substr(scope_prefix_.size(), cut - scope_prefix_.size());
  // The rest is matched as if the scope were not there; "/w/team-a" alone is the root.
  std::string rest = end == std::string::npos ? "/" : request.path.substr(end);
  request.target = rest + request.target.substr(request.path.size());
  request.path = std::move(rest);
}

Router::Match Router::Find(Request& request) const {
  ExtractScope(request);
  bool path_known = false;
  for (const Route& route : routes_) {
    if (!PathMatches(route, request.path)) {
      continue;
    }
    path_known = true;
    if (!MethodMatches(route.method, request.method)) {
      continue;
    }
    if (route.is_prefix) {
      request.path_suffix.assign(request.path, route.path.size());
    } else {
      request.path_suffix.clear();
    }
    Match match;
    match.status = 200;
    if (route.streaming) {
      match.streaming = &route.streaming;
    } else {
      match.handler = &route.handler;
    }
    return match;
  }
  Match match;
  if (path_known) {
    match.allow = AllowFor(request.path);
    match.status = request.method == "OPTIONS" ? 200 : 405;
    return match;
  }
  std::string merged = MergeSlashes(request.path);
  if (merged != request.path && KnowsPath(merged)) {
    match.status = 308;
    std::string scope = request.scope.empty() ? "" : scope_prefix_ + request.scope;
    match.location = scope + (request.has_query ? merged + "?" + request.query : merged);
  } else if (fallback_ && MethodMatches("GET", request.method)) {
    request.path_suffix = request.path;
    match.status = 200;
    match.handler = &fallback_;
  }
  return match;
}

bool Router::KnowsPath(std::string_view path) const {
  for (const Route& route : routes_) {
    if (PathMatches(route, path)) {
      return true;
    }
  }
  return false;
}

// Sorted like Werkzeug prints it ("GET, HEAD, OPTIONS", "OPTIONS, POST").
std::string Router::AllowFor(std::string_view path) const {
  std::set<std::string_view> methods = {"OPTIONS"};
  for (const Route& route : routes_) {
    if (PathMatches(route, path)) {
      methods.insert(route.method);
      if (route.method == "GET") {
        methods.insert("HEAD");
      }
    }
  }
  std::string allow;
  for (std::string_view method : methods) {
    if (!allow.empty()) {
      allow += ", ";
    }
    allow += method;
  }
  return allow;
}

}  // namespace bucketflow::http

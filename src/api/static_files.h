#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "artifacts/local/local_repository.h"
#include "http/message.h"
#include "http/router.h"

// Serves the built web UI (web/dist: index.html plus hashed assets/) at "/". A single-page app:
// any GET that is not an API route and not a file answers index.html, so that deep links such
// as /experiments/3 load the app, which then routes on the client.
namespace bucketflow::api {

// True when `dir` holds a built UI (a regular file index.html).
bool IsWebDir(const std::string& dir);

// Where a server binary at `exe_path` finds the UI when no --static-dir is given: the install
// layout <exe_dir>/../share/bucketflow/web first, then `source_web_dir` (a development build's
// web/dist; may be empty). "" when neither holds a built UI.
std::string FindWebDir(std::string_view exe_path, std::string_view source_web_dir);

// The Content-Type for a web asset's file name (text types carry charset=utf-8).
std::string_view WebContentType(std::string_view filename);

class StaticFiles {
 public:
  // `dir` should satisfy IsWebDir; when index.html goes missing later, requests answer 404.
  explicit StaticFiles(std::string dir);

  // Answers GET/HEAD for any path: a file under the directory (hashed assets/ files cached for
  // a year, everything else revalidated), 404 for API paths, missing assets and unsafe paths,
  // else index.html. Files are opened component by component without following symlinks.
  http::Response Serve(const http::Request& request);

 private:
  http::Response ServeFile(std::string_view path, bool immutable);

  artifacts::LocalArtifactRepository files_;
};

// Routes "/" and every otherwise unknown GET path to `files`.
void AddWebRoutes(http::Router& router, std::shared_ptr<StaticFiles> files);

}  // namespace bucketflow::api

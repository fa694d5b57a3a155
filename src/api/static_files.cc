#include "api/static_files.h"

#include <array>
#include <filesystem>
#include <system_error>
#include <utility>

#include "artifacts/artifact_path.h"
#include "core/strings.h"

namespace bucketflow::api {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kIndex = "index.html";
// Vite puts every content-hashed file here; their names change whenever their bytes do.
constexpr std::string_view kAssetsDir = "assets/";
constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
constexpr std::string_view kRevalidate = "no-cache";

struct TypeByExtension {
  std::string_view extension;
  std::string_view content_type;
};
constexpr std::array<TypeByExtension, 18> kTypes = {{
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".map", "application/json"},
    {".webmanifest", "application/manifest+json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".jpeg", "image/jpeg"},
    {".gif", "image/gif"},
    {".webp", "image/webp"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".woff", "font/woff"},
    {".txt", "text/plain; charset=utf-8"},
    {".wasm", "application/wasm"},
}};

// Paths the API owns: an unknown one there is a 404, never the app.
bool IsApiPath(std::string_view path) {
  for (std::string_view prefix : {"/api/", "/ajax-api/"}) {
    if (path.starts_with(prefix)) {
      return true;
    }
  }
  for (std::string_view exact : {"/api", "/ajax-api", "/get-artifact", "/health", "/version"}) {
    if (path == exact) {
      return true;
    }
  }
  return false;
}

http::Response NotFound() {
  http::Response response;
  response.status = 404;
  response.content_type = "text/html; charset=utf-8";
  response.body =
      "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n"
      "<p>The requested URL was not found on the server.</p>\n";
  return response;
}

// Streams an opened file as the response body.
class ReaderSource final : public http::BodySource {
 public:
  explicit ReaderSource(std::unique_ptr<artifacts::ArtifactReader> reader)
      : reader_(std::move(reader)) {}
  Result<size_t> Read(std::span<char> buffer) override { return reader_->Read(buffer); }

 private:
  std::unique_ptr<artifacts::ArtifactReader> reader_;
};

}  // namespace

bool IsWebDir(const std::string& dir) {
  std::error_code ec;
  return !dir.empty() && fs::is_regular_file(fs::path(dir) / kIndex, ec);
}

std::string FindWebDir(std::string_view exe_path, std::string_view source_web_dir) {
  if (!exe_path.empty()) {
    fs::path installed = fs::path(exe_path).parent_path() / ".." / "share" / "bucketflow" / "web";
    std::string candidate = installed.lexically_normal().string();
    if (IsWebDir(candidate)) {
      return candidate;
    }
  }
  if (IsWebDir(std::string(source_web_dir))) {
    return std::string(source_web_dir);
  }
  return "";
}

std::string_view WebContentType(std::string_view filename) {
  std::string lower = ToLower(filename);
  for (const TypeByExtension& type : kTypes) {
    if (lower.ends_with(type.extension)) {
      return type.content_type;
    }
  }
  return "application/octet-stream";
}

StaticFiles::StaticFiles(std::string dir) : files_(std::move(dir)) {}

http::Response StaticFiles::Serve(const http::Request& request) {
  if (IsApiPath(request.path)) {
    return NotFound();
  }
  // NormalizeUrlPath refuses "..", absolute and control-character paths, also double-encoded.
  std::string_view relative = request.path;
  relative.remove_prefix(relative.starts_with('/') ? 1 : 0);
  Result<std::string> path = artifacts::NormalizeUrlPath(relative);
  if (!path.ok()) {
    return NotFound();
  }
  if (path->empty() || *path == kIndex) {
    return ServeFile(kIndex, false);
  }
  const bool is_asset = path->starts_with(kAssetsDir);
  http::Response file = ServeFile(*path, is_asset);
  // A missing hashed asset is a stale page or a bad deploy: a 404 says so, HTML would not.
  if (file.status != 404 || is_asset) {
    return file;
  }
  return ServeFile(kIndex, false);
}

http::Response StaticFiles::ServeFile(std::string_view path, bool immutable) {
  Result<std::unique_ptr<artifacts::ArtifactReader>> reader = files_.OpenRead(path);
  if (!reader.ok()) {
    // Directories (kInvalidArgument) and missing files alike: nothing to serve at this path.
    return NotFound();
  }
  http::Response response;
  response.content_type = std::string(WebContentType(artifacts::BaseName(path)));
  response.headers.emplace_back("Cache-Control", immutable ? kImmutable : kRevalidate);
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.stream_size = (*reader)->size();
  response.stream = std::make_unique<ReaderSource>(std::move(*reader));
  return response;
}

void AddWebRoutes(http::Router& router, std::shared_ptr<StaticFiles> files) {
  http::Handler serve = [files = std::move(files)](http::Request& request) {
    return files->Serve(request);
  };
  router.Add("GET", "/", serve);
  router.SetFallback(std::move(serve));
}

}  // namespace bucketflow::api

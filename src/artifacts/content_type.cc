#include "artifacts/content_type.h"

#include <array>
#include <utility>

#include "core/strings.h"

namespace bucketflow::artifacts {
namespace {

// MLflow's TEXT_EXTENSIONS (mlflow/server/handlers.py), matched case-sensitively as there.
constexpr std::array<std::string_view, 25> kTextExtensions = {
    "txt",  "log",   "err",  "cfg",  "conf", "cnf",     "cf",       "ini", "properties",
    "prop", "hocon", "toml", "yaml", "yml",  "xml",     "json",     "js",  "py",
    "py3",  "csv",   "tsv",  "md",   "rst",  "MLmodel", "MLproject"};

// What Python's mimetypes.guess_type answers for the types artifacts commonly have.
constexpr std::array<std::pair<std::string_view, std::string_view>, 24> kMimeTypes = {{
    {"png", "image/png"},       {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},     {"gif", "image/gif"},
    {"bmp", "image/bmp"},       {"svg", "image/svg+xml"},
    {"webp", "image/webp"},     {"tif", "image/tiff"},
    {"tiff", "image/tiff"},     {"ico", "image/vnd.microsoft.icon"},
    {"html", "text/html"},      {"htm", "text/html"},
    {"css", "text/css"},        {"pdf", "application/pdf"},
    {"zip", "application/zip"}, {"tar", "application/x-tar"},
    {"mp4", "video/mp4"},       {"mp3", "audio/mpeg"},
    {"wav", "audio/x-wav"},     {"sh", "application/x-sh"},
    {"svgz", "image/svg+xml"},  {"mov", "video/quicktime"},
    {"avi", "video/x-msvideo"}, {"webm", "video/webm"},
}};

// Python's os.path.splitext: leading dots of the name do not start an extension.
std::string_view Extension(std::string_view filename) {
  size_t dot = filename.rfind('.');
  size_t first_other = filename.find_first_not_of('.');
  if (dot == std::string_view::npos || first_other == std::string_view::npos || dot < first_other) {
    return {};
  }
  return filename.substr(dot + 1);
}

// Werkzeug's token characters: a name made only of these goes unquoted.
bool IsToken(std::string_view value) {
  constexpr std::string_view kSpecials = "!#$%&'*+-.^_`|~";
  for (char c : value) {
    bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alnum && kSpecials.find(c) == std::string_view::npos) {
      return false;
    }
  }
  return !value.empty();
}

std::string QuoteIfNeeded(std::string_view value) {
  if (IsToken(value)) {
    return std::string(value);
  }
  std::string out = "\"";
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
    }
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace

std::string_view ContentTypeFor(std::string_view filename) {
  std::string_view extension = Extension(filename);
  // MLflow treats an extension-less name as its own extension, for MLmodel and MLproject.
  std::string_view key = extension.empty() ? filename : extension;
  for (std::string_view text : kTextExtensions) {
    if (key == text) {
      return "text/plain";
    }
  }
  std::string lower = ToLower(extension);
  for (const auto& [ext, type] : kMimeTypes) {
    if (!lower.empty() && lower == ext) {
      return type;
    }
  }
  return "application/octet-stream";
}

std::string AttachmentDisposition(std::string_view filename) {
  bool ascii = true;
  std::string simple;
  for (char c : filename) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      ascii = false;
    } else {
      simple.push_back(c);
    }
  }
  std::string out = "attachment; filename=";
  out += QuoteIfNeeded(simple);
  if (!ascii) {
    out += "; filename*=UTF-8''" + UrlEncode(filename, /*keep_slash=*/false);
  }
  return out;
}

}  // namespace bucketflow::artifacts

#include "artifacts/fake_s3.h"

#include <algorithm>
#include <charconv>
#include <optional>

#include "core/strings.h"
#include "s3/xml_internal.h"

namespace bucketflow::testing {
namespace {

using s3::XmlEscape;

http::ClientResponse Error(int status, std::string_view code) {
  return Respond(status,
                 "<?xml version=\"1.0\"?><Error><Code>" + std::string(code) +
                     "</Code><Message>fake s3</Message></Error>",
                 {{"Content-Type", "application/xml"}});
}

std::optional<uint64_t> ToUint(std::string_view text) {
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

// "bytes=a-b" or "bytes=a-" against an object of `size` bytes: [first, last].
std::optional<std::pair<uint64_t, uint64_t>> ParseRange(std::string_view range, uint64_t size) {
  if (!range.starts_with("bytes=")) {
    return std::nullopt;
  }
  range.remove_prefix(6);
  size_t dash = range.find('-');
  if (dash == std::string_view::npos) {
    return std::nullopt;
  }
  std::optional<uint64_t> first = ToUint(range.substr(0, dash));
  std::optional<uint64_t> last = range.substr(dash + 1).empty()
                                     ? std::optional<uint64_t>(size == 0 ? 0 : size - 1)
                                     : ToUint(range.substr(dash + 1));
  if (!first || !last || *first > *last || *first >= size) {
    return std::nullopt;
  }
  return std::pair{*first, std::min(*last, size - 1)};
}

}  // namespace

void FakeS3::Attach(FakeHttpTransport& transport) {
  transport.SetHandler([this](const RecordedRequest& request) { return Handle(request); });
}

std::map<std::string, std::string> FakeS3::objects() const {
  std::lock_guard lock(mu_);
  return objects_;
}

void FakeS3::Put(const std::string& key, std::string bytes) {
  std::lock_guard lock(mu_);
  objects_[key] = std::move(bytes);
}

int FakeS3::count(const std::string& operation) const {
  std::lock_guard lock(mu_);
  auto it = counts_.find(operation);
  return it == counts_.end() ? 0 : it->second;
}

std::vector<std::string> FakeS3::deleted_keys() const {
  std::lock_guard lock(mu_);
  return deleted_;
}

std::vector<std::string> FakeS3::ranges() const {
  std::lock_guard lock(mu_);
  return ranges_;
}

size_t FakeS3::open_uploads() const {
  std::lock_guard lock(mu_);
  return uploads_.size();
}

Result<http::ClientResponse> FakeS3::Handle(const RecordedRequest& request) {
  // "scheme://host[:port]/bucket[/key][?query]", path-style.
  std::string_view url = request.url;
  size_t host_start = url.find("://");
  size_t path_start = url.find('/', host_start == std::string_view::npos ? 0 : host_start + 3);
  if (path_start == std::string_view::npos) {
    return Status::InvalidArgument("fake S3: bad url ", url);
  }
  std::string_view path = url.substr(path_start + 1);
  std::string_view query;
  if (size_t q = path.find('?'); q != std::string_view::npos) {
    query = path.substr(q + 1);
    path = path.substr(0, q);
  }
  size_t slash = path.find('/');
  std::string_view bucket = path.substr(0, slash);
  std::lock_guard lock(mu_);
  if (bucket != bucket_) {
    return Error(404, "NoSuchBucket");
  }
  Parsed parsed;
  if (slash != std::string_view::npos) {
    std::optional<std::string> key = UrlDecode(path.substr(slash + 1), false);
    if (!key) {
      return Error(400, "InvalidURI");
    }
    parsed.key = std::move(*key);
  }
  for (auto& [name, value] : ParseQuery(query)) {
    parsed.query[name] = value;
  }
  if (parsed.key.empty()) {
    if (request.method == "GET" && parsed.query.count("list-type") != 0) {
      return HandleList(parsed);
    }
    Count("Unsupported");
    return Error(400, "NotImplementedByFake");
  }
  if (parsed.query.count("uploads") != 0 || parsed.query.count("uploadId") != 0) {
    return HandleMultipart(request, parsed);
  }
  return HandleObject(request, parsed);
}

http::ClientResponse FakeS3::HandleObject(const RecordedRequest& request, const Parsed& parsed) {
  const std::string& key = parsed.key;
  auto it = objects_.find(key);
  if (request.method == "PUT" && parsed.query.empty()) {
    Count("PutObject");
    objects_[key] = request.body;
    return Respond(200, "", {{"ETag", "\"etag\""}});
  }
  if (request.method == "HEAD" && parsed.query.empty()) {
    Count("HeadObject");
    if (it == objects_.end()) {
      return Respond(404);
    }
    return Respond(200, "",
                   {{"Content-Length", std::to_string(it->second.size())}, {"ETag", "\"etag\""}});
  }
  if (request.method == "GET" && parsed.query.empty()) {
    return HandleGet(request, key);
  }
  if (request.method == "DELETE" && parsed.query.empty()) {
    Count("DeleteObject");
    deleted_.push_back(key);
    objects_.erase(key);
    return Respond(204);
  }
  Count("Unsupported");
  return Error(400, "NotImplementedByFake");
}

http::ClientResponse FakeS3::HandleGet(const RecordedRequest& request, const std::string& key) {
  Count("GetObject");
  std::string range(request.Header("Range").value_or(""));
  ranges_.push_back(range);
  auto it = objects_.find(key);
  if (it == objects_.end()) {
    return Error(404, "NoSuchKey");
  }
  const std::string& bytes = it->second;
  if (range.empty()) {
    return Respond(200, bytes, {{"Content-Length", std::to_string(bytes.size())}});
  }
  std::optional<std::pair<uint64_t, uint64_t>> span = ParseRange(range, bytes.size());
  if (!span) {
    return Error(416, "InvalidRange");
  }
  std::string body = bytes.substr(span->first, span->second - span->first + 1);
  std::string content_range = "bytes " + std::to_string(span->first) + "-" +
                              std::to_string(span->second) + "/" + std::to_string(bytes.size());
  return Respond(206, std::move(body),
                 {{"Content-Range", content_range},
                  {"Content-Length", std::to_string(span->second - span->first + 1)}});
}

http::ClientResponse FakeS3::HandleMultipart(const RecordedRequest& request, const Parsed& parsed) {
  if (request.method == "POST" && parsed.query.count("uploads") != 0) {
    Count("CreateMultipartUpload");
    std::string id = "upload-" + std::to_string(next_upload_++);
    uploads_[id] = Upload{.key = parsed.key, .parts = {}};
    return Respond(200, "<?xml version=\"1.0\"?><InitiateMultipartUploadResult><Bucket>" + bucket_ +
                            "</Bucket><Key>" + XmlEscape(parsed.key) + "</Key><UploadId>" + id +
                            "</UploadId></InitiateMultipartUploadResult>");
  }
  auto upload = uploads_.find(parsed.query.at("uploadId"));
  if (upload == uploads_.end() || upload->second.key != parsed.key) {
    return Error(404, "NoSuchUpload");
  }
  auto part_number = parsed.query.find("partNumber");
  if (request.method == "PUT" && part_number != parsed.query.end()) {
    Count("UploadPart");
    std::optional<uint64_t> n = ToUint(part_number->second);
    if (!n || *n < 1 || *n > 10000) {
      return Error(400, "InvalidArgument");
    }
    if (static_cast<int>(*n) == fail_part_) {
      return Error(403, "AccessDenied");
    }
    upload->second.parts[static_cast<int>(*n)] = request.body;
    return Respond(200, "", {{"ETag", "\"part" + std::to_string(*n) + "\""}});
  }
  if (request.method == "POST") {
    return CompleteUpload(request, upload);
  }
  if (request.method == "DELETE") {
    Count("AbortMultipartUpload");
    if (deny_abort_) {
      return Error(403, "AccessDenied");
    }
    uploads_.erase(upload);
    return Respond(204);
  }
  Count("Unsupported");
  return Error(400, "NotImplementedByFake");
}

http::ClientResponse FakeS3::CompleteUpload(const RecordedRequest& request,
                                            std::map<std::string, Upload>::iterator upload) {
  Count("CompleteMultipartUpload");
  std::string assembled;
  for (const auto& [n, bytes] : upload->second.parts) {
    if (request.body.find("<PartNumber>" + std::to_string(n) + "</PartNumber>") ==
        std::string::npos) {
      return Error(400, "InvalidPart");
    }
    assembled += bytes;
  }
  const std::string key = upload->second.key;
  objects_[key] = std::move(assembled);
  uploads_.erase(upload);
  return Respond(200, "<?xml version=\"1.0\"?><CompleteMultipartUploadResult><Bucket>" + bucket_ +
                          "</Bucket><Key>" + XmlEscape(key) +
                          "</Key><ETag>\"x-2\"</ETag></CompleteMultipartUploadResult>");
}

http::ClientResponse FakeS3::HandleList(const Parsed& parsed) {
  Count("ListObjectsV2");
  auto get = [&](const std::string& name) {
    auto it = parsed.query.find(name);
    return it == parsed.query.end() ? std::string() : it->second;
  };
  ListPage page{.prefix = get("prefix"),
                .delimiter = get("delimiter"),
                .token = get("continuation-token"),
                .max_keys = page_size_};
  if (std::optional<uint64_t> asked = ToUint(get("max-keys"))) {
    page.max_keys = std::min(page.max_keys, static_cast<int>(*asked));
  }
  FillPage(page);
  std::string body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult><Name>" +
                     bucket_ + "</Name><Prefix>" + XmlEscape(page.prefix) +
                     "</Prefix><IsTruncated>" + (page.truncated ? "true" : "false") +
                     "</IsTruncated>" + page.contents + page.prefixes;
  if (page.truncated) {
    body += "<NextContinuationToken>" + XmlEscape(page.last) + "</NextContinuationToken>";
  }
  body += "<KeyCount>" + std::to_string(page.emitted) + "</KeyCount></ListBucketResult>";
  return Respond(200, std::move(body), {{"Content-Type", "application/xml"}});
}

void FakeS3::FillPage(ListPage& page) const {
  for (auto it = objects_.lower_bound(page.prefix); it != objects_.end(); ++it) {
    const std::string& key = it->first;
    if (!key.starts_with(page.prefix)) {
      break;
    }
    // Resume strictly after the token: a key, or a common prefix and everything under it.
    const bool token_is_prefix = !page.delimiter.empty() && page.token.ends_with(page.delimiter);
    if (!page.token.empty() &&
        (key <= page.token || (token_is_prefix && key.starts_with(page.token)))) {
      continue;
    }
    std::string entry = key;
    bool is_prefix = false;
    if (size_t at = page.delimiter.empty() ? std::string::npos
                                           : key.find(page.delimiter, page.prefix.size());
        at != std::string::npos) {
      entry = key.substr(0, at + page.delimiter.size());
      is_prefix = true;
      if (entry == page.last) {
        continue;  // keys under one common prefix are contiguous in sorted order
      }
    }
    if (page.emitted == page.max_keys) {
      page.truncated = true;
      return;
    }
    if (is_prefix) {
      page.prefixes += "<CommonPrefixes><Prefix>" + XmlEscape(entry) + "</Prefix></CommonPrefixes>";
    } else {
      page.contents += "<Contents><Key>" + XmlEscape(key) +
                       "</Key><LastModified>2026-11-26T18:55:48.238Z</LastModified>"
                       "<ETag>&quot;e&quot;</ETag><Size>" +
                       std::to_string(it->second.size()) + "</Size></Contents>";
    }
    page.last = std::move(entry);
    ++page.emitted;
  }
}

}  // namespace bucketflow::testing

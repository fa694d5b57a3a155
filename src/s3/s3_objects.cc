#include <charconv>
#include <set>
#include <utility>

#include "s3/s3_client.h"

// Object-level S3 operations: head, get, put, delete and ListObjectsV2.
namespace bucketflow::s3 {
namespace {

Result<uint64_t> ParseUint(std::string_view text, std::string_view what) {
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return Status::InvalidArgument("S3 sent a bad ", what, " '", text, "'");
  }
  return value;
}

// For a range read the object size is the total after '/' in "bytes 0-9/100".
Result<uint64_t> ObjectSize(const http::ClientResponse& response) {
  if (std::optional<std::string_view> range = FindHeader(response.headers, "Content-Range")) {
    const size_t slash = range->rfind('/');
    if (slash != std::string_view::npos && range->substr(slash + 1) != "*") {
      return ParseUint(range->substr(slash + 1), "Content-Range");
    }
  }
  std::optional<std::string_view> length = FindHeader(response.headers, "Content-Length");
  return length ? ParseUint(*length, "Content-Length") : Result<uint64_t>(uint64_t{0});
}

Result<ObjectInfo> ObjectInfoFrom(const http::ClientResponse& response) {
  ObjectInfo info;
  ASSIGN_OR_RETURN(info.size, ObjectSize(response));
  info.etag = std::string(FindHeader(response.headers, "ETag").value_or(""));
  info.content_type = std::string(FindHeader(response.headers, "Content-Type").value_or(""));
  if (std::optional<std::string_view> modified = FindHeader(response.headers, "Last-Modified")) {
    ASSIGN_OR_RETURN(info.last_modified_ms, ParseHttpDate(*modified));
  }
  return info;
}

Result<std::string> RangeHeader(const ByteRange& range) {
  if (range.last && *range.last < range.first) {
    return Status::InvalidArgument("byte range ", range.first, "-", *range.last,
                                   " ends before it starts");
  }
  std::string value = "bytes=" + std::to_string(range.first) + "-";
  if (range.last) {
    value += std::to_string(*range.last);
  }
  return value;
}

QueryParams ListQuery(const ListObjectsRequest& request) {
  QueryParams query{{"list-type", "2"}};
  if (!request.continuation_token.empty()) {
    query.emplace_back("continuation-token", request.continuation_token);
  }
  if (!request.delimiter.empty()) {
    query.emplace_back("delimiter", request.delimiter);
  }
  if (request.max_keys > 0) {
    query.emplace_back("max-keys", std::to_string(request.max_keys));
  }
  if (!request.prefix.empty()) {
    query.emplace_back("prefix", request.prefix);
  }
  if (!request.start_after.empty()) {
    query.emplace_back("start-after", request.start_after);
  }
  return query;
}

}  // namespace

Result<std::string> S3Client::HeadBucket(std::string_view bucket) {
  ASSIGN_OR_RETURN(const http::ClientResponse response,
                   Execute({.method = "HEAD", .bucket = bucket}));
  return std::string(FindHeader(response.headers, "x-amz-bucket-region").value_or(""));
}

Result<ObjectInfo> S3Client::HeadObject(std::string_view bucket, std::string_view key) {
  RETURN_IF_ERROR(ValidateKey(key));
  ASSIGN_OR_RETURN(const http::ClientResponse response,
                   Execute({.method = "HEAD", .bucket = bucket, .key = key}));
  return ObjectInfoFrom(response);
}

Result<ObjectInfo> S3Client::GetObject(const GetObjectRequest& request,
                                       const std::function<Status(std::string_view)>& on_body) {
  RETURN_IF_ERROR(ValidateKey(request.key));
  if (!on_body) {
    return Status::InvalidArgument("GetObject needs a body callback");
  }
  Call call{.method = "GET", .bucket = request.bucket, .key = request.key, .on_body = on_body};
  if (request.range) {
    ASSIGN_OR_RETURN(std::string range, RangeHeader(*request.range));
    call.headers.emplace_back("Range", std::move(range));
  }
  ASSIGN_OR_RETURN(const http::ClientResponse response, Execute(call));
  return ObjectInfoFrom(response);
}

Result<std::string> S3Client::GetObjectToString(const GetObjectRequest& request,
                                                uint64_t max_bytes) {
  std::string body;
  Result<ObjectInfo> info = GetObject(request, [&](std::string_view chunk) {
    if (body.size() + chunk.size() > max_bytes) {
      return Status::FailedPrecondition("S3 object ", request.key, " is larger than ", max_bytes,
                                        " bytes");
    }
    body.append(chunk);
    return Status::Ok();
  });
  RETURN_IF_ERROR(info);
  return body;
}

Result<std::string> S3Client::PutObject(const PutObjectRequest& request) {
  RETURN_IF_ERROR(ValidateKey(request.key));
  Call call{.method = "PUT", .bucket = request.bucket, .key = request.key, .body = &request.body};
  if (!request.content_type.empty()) {
    call.headers.emplace_back("Content-Type", request.content_type);
  }
  ASSIGN_OR_RETURN(const http::ClientResponse response, Execute(call));
  return std::string(FindHeader(response.headers, "ETag").value_or(""));
}

Status S3Client::DeleteObject(std::string_view bucket, std::string_view key) {
  RETURN_IF_ERROR(ValidateKey(key));
  return Execute({.method = "DELETE", .bucket = bucket, .key = key}).status();
}

Result<ListObjectsV2Result> S3Client::ListObjectsV2(const ListObjectsRequest& request) {
  if (request.max_keys < 0) {
    return Status::InvalidArgument("ListObjectsV2 max-keys must not be negative");
  }
  ASSIGN_OR_RETURN(
      const http::ClientResponse response,
      Execute({.method = "GET", .bucket = request.bucket, .query = ListQuery(request)}));
  ASSIGN_OR_RETURN(ListObjectsV2Result page, ParseListObjectsV2(response.body));
  if (page.is_truncated && page.next_continuation_token.empty()) {
    return Status::Unavailable("S3 listing of ", request.bucket,
                               " is truncated but has no continuation token");
  }
  return page;
}

Result<ListAllResult> S3Client::ListAll(const ListObjectsRequest& request) {
  ListAllResult all;
  ListObjectsRequest page_request = request;
  // A server that hands out a token twice would otherwise loop forever.
  std::set<std::string> seen_tokens;
  while (true) {
    ASSIGN_OR_RETURN(ListObjectsV2Result page, ListObjectsV2(page_request));
    for (ListedObject& object : page.contents) {
      all.objects.push_back(std::move(object));
    }
    for (std::string& prefix : page.common_prefixes) {
      all.common_prefixes.push_back(std::move(prefix));
    }
    if (!page.is_truncated) {
      return all;
    }
    if (!seen_tokens.insert(page.next_continuation_token).second) {
      return Status::Internal("S3 listing of ", request.bucket, " repeated a continuation token");
    }
    page_request.continuation_token = std::move(page.next_continuation_token);
  }
}

}  // namespace bucketflow::s3

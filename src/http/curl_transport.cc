// The libcurl HttpTransport. One easy handle per in-flight request, checked out of a pool and
// returned afterwards: a handle keeps its connections open, so pooling handles is what gives
// keep-alive across calls and threads. https://curl.se/libcurl/c/libcurl-tutorial.html

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/strings.h"
#include "http/client.h"
#include "http/curl_easy_internal.h"

namespace bucketflow::http {
namespace {

// What the callbacks of one transfer share with Send().
struct Transfer {
  const ClientRequest* request = nullptr;
  ClientResponse response;
  // Set when a callback aborted the transfer; takes precedence over curl's own error.
  Status abort_reason;
  // Upload progress, for the in-memory body and the body_source byte count.
  uint64_t sent = 0;
  uint64_t upload_size = 0;
};

bool IsSuccess(int status) { return status >= 200 && status < 300; }

// Header lines arrive one at a time, including the status line of every response (an interim
// 1xx too), so a status line starts the header set over.
size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto& transfer = *static_cast<Transfer*>(user);
  const size_t bytes = size * count;
  const std::string_view line = TrimWhitespace(std::string_view(data, bytes));
  if (line.starts_with("HTTP/")) {
    transfer.response.headers.clear();
    const size_t space = line.find(' ');
    int status = 0;
    for (size_t idx = space + 1; space != std::string_view::npos && idx < line.size(); ++idx) {
      if (line[idx] < '0' || line[idx] > '9') {
        break;
      }
      status = status * 10 + (line[idx] - '0');
    }
    transfer.response.status = status;
    return bytes;
  }
  const size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    transfer.response.headers.emplace_back(std::string(TrimWhitespace(line.substr(0, colon))),
                                           std::string(TrimWhitespace(line.substr(colon + 1))));
  }
  return bytes;
}

// Streams a 2xx body to on_body; everything else (error bodies) is collected for parsing.
size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto& transfer = *static_cast<Transfer*>(user);
  const size_t bytes = size * count;
  const std::string_view chunk(data, bytes);
  if (transfer.request->on_body && IsSuccess(transfer.response.status)) {
    Status handed = transfer.request->on_body(chunk);
    if (!handed.ok()) {
      transfer.abort_reason = std::move(handed);
      return CURL_WRITEFUNC_ERROR;
    }
    return bytes;
  }
  transfer.response.body.append(chunk);
  return bytes;
}

// Feeds the request body, never more than the announced size: with CURLOPT_INFILESIZE_LARGE
// set, curl sends Content-Length and trusts us to deliver exactly that many bytes.
size_t OnRead(char* buffer, size_t size, size_t count, void* user) {
  auto& transfer = *static_cast<Transfer*>(user);
  const ClientRequest& request = *transfer.request;
  const uint64_t remaining = transfer.upload_size - transfer.sent;
  const size_t want = static_cast<size_t>(std::min<uint64_t>(size * count, remaining));
  if (want == 0) {
    return 0;
  }
  if (request.body_source == nullptr) {
    std::memcpy(buffer, request.body.data() + transfer.sent, want);
    transfer.sent += want;
    return want;
  }
  Result<size_t> read = request.body_source->Read(std::span<char>(buffer, want));
  if (!read.ok()) {
    transfer.abort_reason = read.status();
    return CURL_READFUNC_ABORT;
  }
  if (*read == 0) {
    transfer.abort_reason = Status::InvalidArgument("request body ended after ", transfer.sent,
                                                    " of ", transfer.upload_size, " bytes");
    return CURL_READFUNC_ABORT;
  }
  transfer.sent += *read;
  return *read;
}

// curl rewinds the body when it retries on a fresh connection (a reused one had died). An
// in-memory body can start over; a stream cannot, and the caller then gets kUnavailable.
int OnSeek(void* user, curl_off_t offset, int origin) {
  auto& transfer = *static_cast<Transfer*>(user);
  if (transfer.request->body_source != nullptr || origin != SEEK_SET || offset != 0) {
    return CURL_SEEKFUNC_CANTSEEK;
  }
  transfer.sent = 0;
  return CURL_SEEKFUNC_OK;
}

bool HasHeader(const Headers& headers, std::string_view name) {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const auto& header) { return EqualsIgnoreCase(header.first, name); });
}

// Header values are never echoed in errors: they carry Authorization and session tokens.
Status BuildHeaderList(const Headers& headers, CurlHeaderList& list) {
  for (const auto& [name, value] : headers) {
    if (name.empty() || name.find_first_of(":\r\n") != std::string::npos ||
        value.find_first_of("\r\n") != std::string::npos) {
      return Status::InvalidArgument("malformed request header '", name, "'");
    }
    // "Name;" is curl's spelling of a header with an empty value.
    const std::string line = value.empty() ? name + ";" : name + ": " + value;
    if (!list.Append(line)) {
      return Status::Internal("out of memory building request headers");
    }
  }
  // An empty value removes a header curl would add on its own: the 100-continue round trip
  // is wasted time, and a Content-Type the caller did not choose would not be signed.
  for (const char* suppressed : {"Expect", "Content-Type"}) {
    if (!HasHeader(headers, suppressed) && !list.Append(std::string(suppressed) + ":")) {
      return Status::Internal("out of memory building request headers");
    }
  }
  return Status::Ok();
}

// The URL without its query string: presigned URLs carry signatures there.
std::string_view RedactedUrl(std::string_view url) { return url.substr(0, url.find('?')); }

Status MapCurlError(CURLcode code, const char* detail, const ClientRequest& request) {
  const std::string message = std::string("curl: ") +
                              (detail[0] != '\0' ? detail : curl_easy_strerror(code)) + " (" +
                              request.method + " " + std::string(RedactedUrl(request.url)) + ")";
  switch (code) {
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_BAD_FUNCTION_ARGUMENT:
      return Status(Code::kInvalidArgument, message);
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SEND_FAIL_REWIND:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return Status(Code::kUnavailable, message);
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
      return Status(Code::kFailedPrecondition, message);
    default:
      return Status(Code::kInternal, message);
  }
}

class CurlTransport : public HttpTransport {
 public:
  explicit CurlTransport(const CurlTransportConfig& config) : config_(config) {}

  Result<ClientResponse> Send(const ClientRequest& request) override {
    if (request.body_source != nullptr && !request.body_size) {
      return Status::InvalidArgument("a streamed request body needs body_size (S3 refuses ",
                                     "chunked uploads)");
    }
    std::unique_ptr<CurlEasy> easy = Checkout();
    if (easy == nullptr) {
      return Status::Internal("curl_easy_init failed");
    }
    Result<ClientResponse> result = Perform(*easy, request);
    // Reset drops every pointer into this request but keeps the connection for the next one.
    easy->Reset();
    Return(std::move(easy));
    return result;
  }

 private:
  std::unique_ptr<CurlEasy> Checkout() {
    {
      std::lock_guard lock(mu_);
      if (!idle_.empty()) {
        std::unique_ptr<CurlEasy> easy = std::move(idle_.back());
        idle_.pop_back();
        return easy;
      }
    }
    return CurlEasy::Create();
  }

  void Return(std::unique_ptr<CurlEasy> easy) {
    std::lock_guard lock(mu_);
    if (idle_.size() < static_cast<size_t>(std::max(config_.max_idle_connections, 0))) {
      idle_.push_back(std::move(easy));
    }
  }

  Result<ClientResponse> Perform(CurlEasy& easy, const ClientRequest& request) const {
    Transfer transfer;
    transfer.request = &request;
    CurlHeaderList headers;
    RETURN_IF_ERROR(BuildHeaderList(request.headers, headers));
    char error_buffer[CURL_ERROR_SIZE] = {};
    CURL* curl = easy.get();
    CURLcode code = SetCommonOptions(curl, request, transfer);
    if (code == CURLE_OK) {
      code = SetMethodOptions(curl, request, transfer);
    }
    if (code == CURLE_OK) {
      curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
      curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
      code = curl_easy_perform(curl);
    }
    if (!transfer.abort_reason.ok()) {
      return transfer.abort_reason;
    }
    if (code != CURLE_OK) {
      return MapCurlError(code, error_buffer, request);
    }
    if (transfer.response.status == 0) {
      long status = 0;
      curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
      transfer.response.status = static_cast<int>(status);
    }
    return std::move(transfer.response);
  }

  CURLcode SetCommonOptions(CURL* curl, const ClientRequest& request, Transfer& transfer) const {
    CURLcode code = curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    if (code != CURLE_OK) {
      return code;
    }
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::max(request.connect_timeout_ms, 1)));
    if (request.idle_timeout_ms > 0) {
      // curl measures stalls in whole seconds: round up so a short timeout is never 0 (off).
      curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
      curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME,
                       static_cast<long>((request.idle_timeout_ms + 999) / 1000));
    }
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, config_.verify_tls ? 1L : 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, config_.verify_tls ? 2L : 0L);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &OnHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &OnBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
    return CURLE_OK;
  }

  // GET and HEAD carry no body; PUT is an upload (Content-Length from INFILESIZE, never
  // chunked); every other method with a body goes the POST way, renamed by CUSTOMREQUEST, and
  // without one (DELETE) is a bare CUSTOMREQUEST.
  static CURLcode SetMethodOptions(CURL* curl, const ClientRequest& request, Transfer& transfer) {
    const std::string& method = request.method;
    if (method == "GET") {
      return curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    }
    if (method == "HEAD") {
      return curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    }
    const bool has_body = request.body_source != nullptr || !request.body.empty();
    if (method != "PUT" && method != "POST" && !has_body) {
      return SetCustomMethod(curl, method);
    }
    transfer.upload_size =
        request.body_source != nullptr ? *request.body_size : request.body.size();
    const auto size = static_cast<curl_off_t>(transfer.upload_size);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, &OnRead);
    curl_easy_setopt(curl, CURLOPT_READDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_SEEKFUNCTION, &OnSeek);
    curl_easy_setopt(curl, CURLOPT_SEEKDATA, &transfer);
    if (method == "PUT") {
      curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
      return curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, size);
    }
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, size);
    return method == "POST" ? CURLE_OK : SetCustomMethod(curl, method);
  }

  static CURLcode SetCustomMethod(CURL* curl, const std::string& method) {
    const bool is_token = !method.empty() && std::all_of(method.begin(), method.end(), [](char c) {
      return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '_';
    });
    if (!is_token) {
      return CURLE_BAD_FUNCTION_ARGUMENT;
    }
    return curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  }

  // Immutable after construction.
  const CurlTransportConfig config_;

  std::mutex mu_;
  std::vector<std::unique_ptr<CurlEasy>> idle_;  // GUARDED_BY(mu_)
};

}  // namespace

std::unique_ptr<HttpTransport> MakeCurlTransport(const CurlTransportConfig& config) {
  // curl_global_init is not thread-safe and must run before any other curl call.
  static std::once_flag global_init;
  std::call_once(global_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  return std::make_unique<CurlTransport>(config);
}

}  // namespace bucketflow::http

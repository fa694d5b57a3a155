#include "testing/fake_http_transport.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "core/strings.h"

namespace bucketflow::testing {
namespace {

bool IsSuccess(int status) { return status >= 200 && status < 300; }

// Reads a body source to its end, insisting on exactly `expected` bytes when known, as the
// curl transport does (it sends Content-Length, so a short or long body is a caller bug).
Result<std::string> Drain(http::BodySource& source, std::optional<uint64_t> expected) {
  std::string out;
  char buffer[64 * 1024];
  while (true) {
    ASSIGN_OR_RETURN(size_t read, source.Read(std::span<char>(buffer, sizeof(buffer))));
    if (read == 0) {
      break;
    }
    out.append(buffer, read);
    if (expected && out.size() > *expected) {
      return Status::InvalidArgument("body source produced more than body_size ", *expected,
                                     " bytes");
    }
  }
  if (expected && out.size() != *expected) {
    return Status::InvalidArgument("body source ended after ", out.size(), " of ", *expected,
                                   " bytes");
  }
  return out;
}

}  // namespace

std::optional<std::string_view> RecordedRequest::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) {
      return std::string_view(value);
    }
  }
  return std::nullopt;
}

http::ClientResponse Respond(int status, std::string body, http::Headers headers) {
  http::ClientResponse response;
  response.status = status;
  response.body = std::move(body);
  response.headers = std::move(headers);
  return response;
}

void FakeHttpTransport::Enqueue(http::ClientResponse response) {
  std::lock_guard lock(mu_);
  script_.emplace_back(std::move(response));
}

void FakeHttpTransport::Enqueue(int status, std::string body, http::Headers headers) {
  Enqueue(Respond(status, std::move(body), std::move(headers)));
}

void FakeHttpTransport::EnqueueError(Status error) {
  std::lock_guard lock(mu_);
  script_.emplace_back(std::move(error));
}

void FakeHttpTransport::SetHandler(Handler handler) {
  std::lock_guard lock(mu_);
  handler_ = std::move(handler);
}

void FakeHttpTransport::set_chunk_size(size_t chunk_size) {
  std::lock_guard lock(mu_);
  chunk_size_ = std::max<size_t>(chunk_size, 1);
}

Result<http::ClientResponse> FakeHttpTransport::Send(const http::ClientRequest& request) {
  ASSIGN_OR_RETURN(RecordedRequest recorded, Record(request));
  ScriptedResult result = NextResult(recorded);
  if (auto* error = std::get_if<Status>(&result)) {
    return std::move(*error);
  }
  return Deliver(request, std::get<http::ClientResponse>(std::move(result)));
}

Result<RecordedRequest> FakeHttpTransport::Record(const http::ClientRequest& request) {
  RecordedRequest recorded{.method = request.method,
                           .url = request.url,
                           .headers = request.headers,
                           .body = request.body,
                           .streamed = request.body_source != nullptr,
                           .body_size = request.body_size,
                           .had_on_body = static_cast<bool>(request.on_body),
                           .connect_timeout_ms = request.connect_timeout_ms,
                           .idle_timeout_ms = request.idle_timeout_ms};
  Status drained;
  if (request.body_source != nullptr) {
    Result<std::string> body = Drain(*request.body_source, request.body_size);
    if (body.ok()) {
      recorded.body = std::move(body).value();
    } else {
      drained = body.status();
    }
  }
  std::lock_guard lock(mu_);
  requests_.push_back(recorded);
  if (!drained.ok()) {
    return drained;
  }
  return recorded;
}

FakeHttpTransport::ScriptedResult FakeHttpTransport::NextResult(const RecordedRequest& recorded) {
  Handler handler;
  {
    std::lock_guard lock(mu_);
    if (!script_.empty()) {
      ScriptedResult next = std::move(script_.front());
      script_.pop_front();
      return next;
    }
    handler = handler_;
  }
  if (!handler) {
    return Status::Internal("FakeHttpTransport: unexpected request ", recorded.method, " ",
                            recorded.url);
  }
  Result<http::ClientResponse> answered = handler(recorded);
  if (!answered.ok()) {
    return answered.status();
  }
  return std::move(answered).value();
}

Result<http::ClientResponse> FakeHttpTransport::Deliver(const http::ClientRequest& request,
                                                        http::ClientResponse response) const {
  if (!request.on_body || !IsSuccess(response.status) || request.method == "HEAD") {
    return response;
  }
  size_t chunk_size = 0;
  {
    std::lock_guard lock(mu_);
    chunk_size = chunk_size_;
  }
  const std::string body = std::move(response.body);
  response.body.clear();
  for (size_t offset = 0; offset < body.size(); offset += chunk_size) {
    RETURN_IF_ERROR(request.on_body(std::string_view(body).substr(offset, chunk_size)));
  }
  return response;
}

std::vector<RecordedRequest> FakeHttpTransport::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

size_t FakeHttpTransport::request_count() const {
  std::lock_guard lock(mu_);
  return requests_.size();
}

RecordedRequest FakeHttpTransport::last_request() const {
  std::lock_guard lock(mu_);
  return requests_.empty() ? RecordedRequest{} : requests_.back();
}

size_t FakeHttpTransport::pending() const {
  std::lock_guard lock(mu_);
  return script_.size();
}

FaultInjectingTransport::FaultInjectingTransport(http::HttpTransport& inner) : inner_(inner) {}

void FaultInjectingTransport::FailCall(int call, Status error, bool after_inner) {
  std::lock_guard lock(mu_);
  faults_[call] = Fault{.result = std::move(error), .after_inner = after_inner};
}

void FaultInjectingTransport::FailCalls(int first, int count, Status error) {
  for (int call = first; call < first + count; ++call) {
    FailCall(call, error);
  }
}

void FaultInjectingTransport::RespondToCall(int call, http::ClientResponse response,
                                            bool after_inner) {
  std::lock_guard lock(mu_);
  faults_[call] = Fault{.result = std::move(response), .after_inner = after_inner};
}

void FaultInjectingTransport::FailFrom(int call, Status error) {
  std::lock_guard lock(mu_);
  fail_from_ = std::make_pair(call, std::move(error));
}

std::optional<FaultInjectingTransport::Fault> FaultInjectingTransport::TakeFault(int call) {
  std::lock_guard lock(mu_);
  auto found = faults_.find(call);
  if (found != faults_.end()) {
    Fault fault = std::move(found->second);
    faults_.erase(found);
    ++faults_injected_;
    return fault;
  }
  if (fail_from_ && call >= fail_from_->first) {
    ++faults_injected_;
    return Fault{.result = fail_from_->second, .after_inner = false};
  }
  return std::nullopt;
}

Result<http::ClientResponse> FaultInjectingTransport::Send(const http::ClientRequest& request) {
  int call = 0;
  {
    std::lock_guard lock(mu_);
    call = ++calls_;
  }
  std::optional<Fault> fault = TakeFault(call);
  if (!fault) {
    return inner_.Send(request);
  }
  if (fault->after_inner) {
    // The inner transport's answer is discarded: the point is that the server acted.
    (void)inner_.Send(request);
  }
  if (auto* error = std::get_if<Status>(&fault->result)) {
    return *error;
  }
  return std::get<http::ClientResponse>(fault->result);
}

int FaultInjectingTransport::call_count() const {
  std::lock_guard lock(mu_);
  return calls_;
}

int FaultInjectingTransport::faults_injected() const {
  std::lock_guard lock(mu_);
  return faults_injected_;
}

StringBodySource::StringBodySource(std::string data, size_t max_piece)
    : data_(std::move(data)), max_piece_(std::max<size_t>(max_piece, 1)) {}

void StringBodySource::FailAt(uint64_t offset, Status error) {
  fail_ = std::make_pair(offset, std::move(error));
}

Result<size_t> StringBodySource::Read(std::span<char> buffer) {
  const uint64_t remaining = data_.size() - position_;
  const size_t piece =
      static_cast<size_t>(std::min<uint64_t>({buffer.size(), remaining, max_piece_}));
  if (fail_ && fail_->first >= position_ && fail_->first < position_ + std::max<size_t>(piece, 1)) {
    return fail_->second;
  }
  std::memcpy(buffer.data(), data_.data() + position_, piece);
  position_ += piece;
  return piece;
}

}  // namespace bucketflow::testing

#include "s3/sts_client.h"

#include <algorithm>
#include <chrono>
#include <thread>
#include <utility>

#include "core/crypto.h"
#include "s3/xml.h"

namespace bucketflow::s3 {
namespace {

constexpr std::string_view kFormContentType = "application/x-www-form-urlencoded; charset=utf-8";

struct Endpoint {
  std::string host;  // Authority: "sts.amazonaws.com" or "127.0.0.1:8000".
  std::string path;  // "/" unless the endpoint carries one.
  std::string url;
};

Result<Endpoint> SplitEndpoint(std::string_view endpoint) {
  const size_t scheme_end = endpoint.find("://");
  if (scheme_end == std::string_view::npos ||
      (endpoint.substr(0, scheme_end) != "https" && endpoint.substr(0, scheme_end) != "http")) {
    return Status::InvalidArgument("STS endpoint must start with http:// or https://: '", endpoint,
                                   "'");
  }
  const std::string_view rest = endpoint.substr(scheme_end + 3);
  const size_t slash = rest.find('/');
  Endpoint out;
  out.host = std::string(rest.substr(0, slash));
  out.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (out.host.empty() || out.host.find_first_of("?# ") != std::string::npos) {
    return Status::InvalidArgument("STS endpoint has no valid host: '", endpoint, "'");
  }
  out.url = std::string(endpoint.substr(0, scheme_end + 3)) + out.host + out.path;
  return out;
}

// A failed HTTP exchange as a Status. STS's XML error wins when present; a 5xx or 429 is
// always transient, whatever its body says.
Status HttpErrorStatus(std::string_view action, const http::ClientResponse& response) {
  const bool transient = response.status >= 500 || response.status == 429;
  const Result<ServiceError> parsed = ParseServiceError(response.body);
  std::string prefix =
      "STS " + std::string(action) + " failed (HTTP " + std::to_string(response.status) + "): ";
  if (!parsed.ok()) {
    std::string text = prefix + "response is not an STS error document";
    return Status(transient ? Code::kUnavailable : Code::kInvalidArgument, std::move(text));
  }
  const Status mapped = ServiceErrorToStatus(*parsed);
  const Code code = transient ? Code::kUnavailable : mapped.code();
  return Status(code, prefix + mapped.message());
}

}  // namespace

std::string StsEndpointForRegion(std::string_view region) {
  if (region.empty()) {
    return std::string(kGlobalStsEndpoint);
  }
  return "https://sts." + std::string(region) + ".amazonaws.com";
}

std::string FormEncode(const QueryParams& params) {
  std::string out;
  for (const auto& [key, value] : params) {
    if (!out.empty()) {
      out += '&';
    }
    out += UriEncode(key, /*keep_slash=*/false);
    out += '=';
    out += UriEncode(value, /*keep_slash=*/false);
  }
  return out;
}

StsClient::StsClient(StsConfig config, http::HttpTransport& transport, const Clock& clock,
                     RetryHooks hooks)
    : config_(std::move(config)),
      transport_(transport),
      clock_(clock),
      signer_(SignerConfig{.region = config_.region, .service = "sts"}),
      hooks_(std::move(hooks)),
      rng_(std::random_device{}()) {
  if (!hooks_.sleep) {
    hooks_.sleep = [](int64_t ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); };
  }
  if (!hooks_.random) {
    hooks_.random = [this] {
      const std::lock_guard<std::mutex> lock(rng_mu_);
      return std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
    };
  }
}

Result<AssumedRole> StsClient::AssumeRole(const AssumeRoleRequest& request,
                                          const Credentials& caller) {
  QueryParams params{{"Action", "AssumeRole"},
                     {"Version", std::string(kStsApiVersion)},
                     {"RoleArn", request.role_arn},
                     {"RoleSessionName", request.role_session_name}};
  if (!request.external_id.empty()) {
    params.emplace_back("ExternalId", request.external_id);
  }
  params.emplace_back("DurationSeconds", std::to_string(request.duration_seconds));
  ASSIGN_OR_RETURN(const std::string body, Call("AssumeRole", FormEncode(params), &caller));
  return ParseAssumeRoleResponse(body);
}

Result<AssumedRole> StsClient::AssumeRoleWithWebIdentity(const WebIdentityRequest& request) {
  const QueryParams params{{"Action", "AssumeRoleWithWebIdentity"},
                           {"Version", std::string(kStsApiVersion)},
                           {"RoleArn", request.role_arn},
                           {"RoleSessionName", request.role_session_name},
                           {"WebIdentityToken", request.web_identity_token},
                           {"DurationSeconds", std::to_string(request.duration_seconds)}};
  ASSIGN_OR_RETURN(const std::string body,
                   Call("AssumeRoleWithWebIdentity", FormEncode(params), nullptr));
  return ParseAssumeRoleWithWebIdentityResponse(body);
}

Result<http::ClientRequest> StsClient::BuildRequest(const std::string& form,
                                                    const Credentials* caller) const {
  ASSIGN_OR_RETURN(const Endpoint endpoint, SplitEndpoint(config_.endpoint));
  http::ClientRequest request;
  request.method = "POST";
  request.url = endpoint.url;
  request.body = form;
  request.connect_timeout_ms = config_.connect_timeout_ms;
  request.idle_timeout_ms = config_.idle_timeout_ms;
  HeaderList headers{{"Host", endpoint.host}, {"Content-Type", std::string(kFormContentType)}};
  if (caller != nullptr) {
    // Signed per attempt: a retry after a long backoff needs a fresh x-amz-date.
    const QueryParams no_query;
    const std::string payload_hash = Sha256Hex(form);
    ASSIGN_OR_RETURN(HeaderList added, signer_.SignHeaders({.method = "POST",
                                                            .path = endpoint.path,
                                                            .query = no_query,
                                                            .headers = headers,
                                                            .payload_hash = payload_hash},
                                                           *caller, clock_.NowMillis() / 1000));
    headers.insert(headers.end(), added.begin(), added.end());
  }
  request.headers = std::move(headers);
  return request;
}

Result<std::string> StsClient::Call(std::string_view action, const std::string& form,
                                    const Credentials* caller) {
  Status last;
  const int attempts = std::max(1, config_.max_attempts);
  for (int attempt = 0; attempt < attempts; ++attempt) {
    if (attempt > 0) {
      hooks_.sleep(BackoffMs(attempt - 1));
    }
    ASSIGN_OR_RETURN(const http::ClientRequest request, BuildRequest(form, caller));
    Result<http::ClientResponse> response = transport_.Send(request);
    if (!response.ok()) {
      if (response.status().code() != Code::kUnavailable) {
        return response.status();
      }
      last = Status::Unavailable("STS ", action, " at ", config_.endpoint,
                                 " unreachable: ", response.status().message());
      continue;
    }
    if (response->status >= 200 && response->status < 300) {
      return std::move(response->body);
    }
    last = HttpErrorStatus(action, *response);
    if (last.code() != Code::kUnavailable) {
      return last;
    }
  }
  return Status(last.code(),
                last.message() + " (gave up after " + std::to_string(attempts) + " attempts)");
}

int64_t StsClient::BackoffMs(int attempt) {
  int64_t cap = config_.backoff_base_ms;
  for (int step = 0; step < attempt && cap < config_.backoff_max_ms; ++step) {
    cap *= 2;
  }
  cap = std::min(cap, config_.backoff_max_ms);
  const double fraction = std::clamp(hooks_.random(), 0.0, 1.0);
  return static_cast<int64_t>(fraction * static_cast<double>(cap));
}

}  // namespace bucketflow::s3

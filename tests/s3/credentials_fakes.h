#pragma once

// Minimal fakes for the credential tests: a clock the test moves, and a transport that records
// requests and answers them through a handler.

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "core/strings.h"
#include "http/client.h"
#include "s3/credentials_provider.h"

namespace bucketflow::s3::credtest {

class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t now_ms) : now_ms_(now_ms) {}
  int64_t NowMillis() const override { return now_ms_.load(); }
  void Advance(int64_t ms) { now_ms_ += ms; }

 private:
  std::atomic<int64_t> now_ms_;
};

class HandlerTransport final : public http::HttpTransport {
 public:
  using Handler = std::function<Result<http::ClientResponse>(const http::ClientRequest&)>;
  explicit HandlerTransport(Handler handler) : handler_(std::move(handler)) {}

  Result<http::ClientResponse> Send(const http::ClientRequest& request) override {
    {
      const std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back(request);
    }
    return handler_(request);
  }
  std::vector<http::ClientRequest> requests() const {
    const std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  const Handler handler_;
  mutable std::mutex mu_;
  std::vector<http::ClientRequest> requests_;
};

inline http::ClientResponse Reply(int status, std::string body) {
  http::ClientResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

inline std::string HeaderOf(const http::ClientRequest& request, std::string_view name) {
  for (const auto& [key, value] : request.headers) {
    if (EqualsIgnoreCase(key, name)) {
      return value;
    }
  }
  return "<missing>";
}

// An AssumeRole response whose credentials expire at `expiration` (ISO 8601).
inline std::string AssumeRoleXml(std::string_view key_id, std::string_view expiration,
                                 std::string_view action = "AssumeRole") {
  return "<" + std::string(action) + "Response><" + std::string(action) +
         "Result><Credentials><AccessKeyId>" + std::string(key_id) +
         "</AccessKeyId><SecretAccessKey>TEMPSECRETxyz</SecretAccessKey>"
         "<SessionToken>TEMPTOKENabc</SessionToken><Expiration>" +
         std::string(expiration) +
         "</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::123:assumed-role/r/s</Arn>"
         "<AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser></" +
         std::string(action) + "Result></" + std::string(action) + "Response>";
}

inline std::string StsErrorXml(std::string_view code, std::string_view message) {
  return "<ErrorResponse><Error><Type>Sender</Type><Code>" + std::string(code) +
         "</Code><Message>" + std::string(message) +
         "</Message></Error><RequestId>req-42</RequestId></ErrorResponse>";
}

}  // namespace bucketflow::s3::credtest

#pragma once

// The S3Client test fixture: a FakeHttpTransport, static credentials, a fixed clock and a
// retry policy whose sleeps are recorded instead of slept.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "s3/s3_client.h"
#include "testing/fake_http_transport.h"

namespace bucketflow::s3 {

using ::bucketflow::testing::FakeHttpTransport;
using ::bucketflow::testing::RecordedRequest;
using ::bucketflow::testing::StringBodySource;

// 2023-11-14T22:13:20Z.
constexpr int64_t kNowMs = 1'700'000'000'000;

class StaticProvider : public CredentialsProvider {
 public:
  Result<Credentials> Get() override { return credentials; }
  Credentials credentials{.access_key_id = "AKIDEXAMPLE", .secret_access_key = "secret"};
};

class FixedClock : public Clock {
 public:
  int64_t NowMillis() const override { return kNowMs; }
};

inline std::string Header(const RecordedRequest& request, std::string_view name) {
  return std::string(request.Header(name).value_or("<absent>"));
}

class S3ClientTest : public ::testing::Test {
 protected:
  std::unique_ptr<S3Client> MakeClient(S3ClientConfig config) {
    config.retry.sleep_ms = [this](int64_t delay_ms) { sleeps_.push_back(delay_ms); };
    config.retry.random = [] { return uint64_t{1000}; };
    Result<std::unique_ptr<S3Client>> client =
        S3Client::Create(std::move(config), transport_, credentials_, clock_);
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    return client.ok() ? std::move(client).value() : nullptr;
  }
  std::unique_ptr<S3Client> LocalClient(int max_attempts = 4) {
    S3ClientConfig config{.region = "us-east-1", .endpoint = "http://127.0.0.1:17580"};
    config.retry.max_attempts = max_attempts;
    return MakeClient(std::move(config));
  }

  FakeHttpTransport transport_;
  StaticProvider credentials_;
  FixedClock clock_;
  std::vector<int64_t> sleeps_;
};

}  // namespace bucketflow::s3

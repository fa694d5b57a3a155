#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/random.h"
#include "s3/assume_role_provider.h"
#include "s3/credentials_fakes.h"

namespace bucketflow::s3 {
namespace {

using credtest::AssumeRoleXml;
using credtest::HandlerTransport;
using credtest::ManualClock;
using credtest::Reply;
using credtest::StsErrorXml;

constexpr int64_t kStart = 1'700'000'000'000;  // 2023-11-14T22:13:20Z
constexpr int64_t kMinute = 60'000;

// Credentials expiring `minutes` after kStart.
std::string ExpiringAt(int64_t minutes) {
  static const char* const kTimes[] = {"2023-11-14T22:13:20Z", "2023-11-14T23:13:20Z",
                                       "2023-11-15T00:13:20Z"};
  return kTimes[minutes / 60];
}

// A transport serving AssumeRole: the n-th success returns key "ASIA<n>" expiring an hour after
// the clock's current hour. `fail` makes it answer 503 instead.
struct StsServer {
  ManualClock clock{kStart};
  std::atomic<int> calls{0};
  std::atomic<bool> fail{false};
  HandlerTransport transport{[this](const http::ClientRequest&) -> Result<http::ClientResponse> {
    const int call = ++calls;
    if (fail) {
      return Reply(503, StsErrorXml("ServiceUnavailable", "try later"));
    }
    const int64_t hours = (clock.NowMillis() - kStart) / (60 * kMinute);
    return Reply(200, AssumeRoleXml("ASIA" + std::to_string(call), ExpiringAt((hours + 1) * 60)));
  }};
  StsClient sts{{.max_attempts = 1},
                transport,
                clock,
                RetryHooks{.sleep = [](int64_t) {}, .random = [] { return 0.0; }}};
  StaticCredentialsProvider base{{.access_key_id = "AKIDBASE", .secret_access_key = "BASESECRET"}};

  std::unique_ptr<CredentialsProvider> Provider() {
    return MakeAssumeRoleProvider(
        base, sts, clock,
        {.role_arn = "arn:aws:iam::1:role/r", .external_id = "ext-1", .role_session_name = "ws-1"});
  }
};

TEST(CredentialsRefreshTest, CachesUntilFiveMinutesBeforeExpiry) {
  StsServer server;
  auto provider = server.Provider();
  auto first = provider->Get();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->access_key_id, "ASIA1");
  EXPECT_EQ(first->expires_at_ms, kStart + 60 * kMinute);
  EXPECT_NE(server.transport.requests()[0].body.find("ExternalId=ext-1"), std::string::npos);
  server.clock.Advance(54 * kMinute);  // 6 minutes left: still cached.
  EXPECT_EQ(provider->Get()->access_key_id, "ASIA1");
  EXPECT_EQ(server.calls, 1);
  server.clock.Advance(2 * kMinute);  // 4 minutes left: refresh.
  EXPECT_EQ(provider->Get()->access_key_id, "ASIA2");
  EXPECT_EQ(server.calls, 2);
}

TEST(CredentialsRefreshTest, RefreshMarginIsConfigurable) {
  StsServer server;
  auto provider = MakeAssumeRoleProvider(server.base, server.sts, server.clock,
                                         {.role_arn = "arn:r",
                                          .role_session_name = "s",
                                          .refresh = {.refresh_before_expiry_ms = 15 * kMinute}});
  ASSERT_TRUE(provider->Get().ok());
  server.clock.Advance(46 * kMinute);  // 14 minutes left.
  EXPECT_EQ(provider->Get()->access_key_id, "ASIA2");
}

TEST(CredentialsRefreshTest, SixteenConcurrentCallersShareOneStsCall) {
  ManualClock clock(kStart);
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  std::atomic<int> calls{0};
  HandlerTransport transport([&](const http::ClientRequest&) -> Result<http::ClientResponse> {
    ++calls;
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return release; });
    return Reply(200, AssumeRoleXml("ASIAONE", "2023-11-14T23:13:20Z"));
  });
  StsClient sts({.max_attempts = 1}, transport, clock);
  StaticCredentialsProvider base({.access_key_id = "A", .secret_access_key = "S"});
  auto provider = MakeAssumeRoleProvider(base, sts, clock, {.role_arn = "arn:r"});
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int thread_idx = 0; thread_idx < 16; ++thread_idx) {
    threads.emplace_back([&] {
      auto credentials = provider->Get();
      if (credentials.ok() && credentials->access_key_id == "ASIAONE") {
        ++ok;
      }
    });
  }
  while (calls.load() == 0) {
    std::this_thread::yield();
  }
  {
    const std::lock_guard<std::mutex> lock(mu);
    release = true;
  }
  cv.notify_all();
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(ok.load(), 16);
}

TEST(CredentialsRefreshTest, FailedRefreshServesStillValidCredentialsThenErrorsOnceExpired) {
  StsServer server;
  auto provider = server.Provider();
  ASSERT_TRUE(provider->Get().ok());
  server.fail = true;
  server.clock.Advance(57 * kMinute);
  auto stale = provider->Get();
  ASSERT_TRUE(stale.ok()) << stale.status().ToString();
  EXPECT_EQ(stale->access_key_id, "ASIA1");
  EXPECT_EQ(server.calls, 2);
  // Within the failure back-off STS is not called again.
  EXPECT_TRUE(provider->Get().ok());
  EXPECT_EQ(server.calls, 2);
  server.clock.Advance(4 * kMinute);  // Expired now.
  auto expired = provider->Get();
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.status().code(), Code::kUnavailable);
  EXPECT_NE(expired.status().message().find("ServiceUnavailable"), std::string::npos);
  EXPECT_NE(expired.status().message().find("arn:aws:iam::1:role/r"), std::string::npos);
  EXPECT_EQ(expired.status().message().find("TEMPSECRET"), std::string::npos);
  server.fail = false;
  EXPECT_TRUE(provider->Get().ok());
}

TEST(CredentialsRefreshTest, RefreshFailureWarningNamesTheRoleButNoSecret) {
  std::ostringstream log;
  const auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>(
      "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(log)));
  StsServer server;
  auto provider = server.Provider();
  ASSERT_TRUE(provider->Get().ok());
  server.fail = true;
  server.clock.Advance(57 * kMinute);
  EXPECT_TRUE(provider->Get().ok());
  spdlog::set_default_logger(previous);
  const std::string text = log.str();
  EXPECT_NE(text.find("arn:aws:iam::1:role/r"), std::string::npos) << text;
  EXPECT_NE(text.find("ASIA1"), std::string::npos) << text;
  EXPECT_NE(text.find("ServiceUnavailable"), std::string::npos) << text;
  EXPECT_EQ(text.find("TEMPSECRET"), std::string::npos) << text;
  EXPECT_EQ(text.find("TEMPTOKEN"), std::string::npos) << text;
  EXPECT_EQ(text.find("BASESECRET"), std::string::npos) << text;
}

TEST(CredentialsRefreshTest, BaseProviderFailureIsReported) {
  StsServer server;
  StaticCredentialsProvider empty({});
  auto provider = MakeAssumeRoleProvider(empty, server.sts, server.clock, {.role_arn = "arn:r"});
  auto credentials = provider->Get();
  EXPECT_EQ(credentials.status().code(), Code::kInvalidArgument);
  EXPECT_NE(credentials.status().message().find("base credentials"), std::string::npos);
  EXPECT_EQ(server.calls, 0);
}

TEST(CredentialsRefreshTest, WebIdentityReReadsTheTokenFileOnRefresh) {
  const std::filesystem::path token_file =
      std::filesystem::temp_directory_path() / ("bf_webid_" + RandomHex(8));
  std::ofstream(token_file) << "token-one\n";
  ManualClock clock(kStart);
  HandlerTransport transport([](const http::ClientRequest&) -> Result<http::ClientResponse> {
    return Reply(200,
                 AssumeRoleXml("ASIAWEB", "2023-11-14T23:13:20Z", "AssumeRoleWithWebIdentity"));
  });
  auto provider =
      MakeWebIdentityProvider(MapEnvironment({{"AWS_WEB_IDENTITY_TOKEN_FILE", token_file.string()},
                                              {"AWS_ROLE_ARN", "arn:aws:iam::1:role/web"},
                                              {"AWS_ROLE_SESSION_NAME", "pod-7"}}),
                              std::make_unique<StsClient>(StsConfig{}, transport, clock), clock);
  ASSERT_TRUE(provider->Get().ok());
  std::ofstream(token_file) << "token-two\n";
  clock.Advance(58 * kMinute);
  auto refreshed = provider->Get();
  std::filesystem::remove(token_file);
  ASSERT_TRUE(refreshed.ok()) << refreshed.status().ToString();
  const auto requests = transport.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_NE(requests[0].body.find("WebIdentityToken=token-one&"), std::string::npos);
  EXPECT_NE(requests[1].body.find("WebIdentityToken=token-two&"), std::string::npos);
  EXPECT_NE(requests[1].body.find("RoleSessionName=pod-7"), std::string::npos);
}

TEST(CredentialsRefreshTest, WebIdentityUnconfiguredIsNotFound) {
  ManualClock clock(kStart);
  HandlerTransport transport(
      [](const http::ClientRequest&) -> Result<http::ClientResponse> { return Reply(500, ""); });
  auto provider =
      MakeWebIdentityProvider(MapEnvironment({{"AWS_ROLE_ARN", "arn:r"}}),
                              std::make_unique<StsClient>(StsConfig{}, transport, clock), clock);
  EXPECT_EQ(provider->Get().status().code(), Code::kNotFound);
  auto missing_file = MakeWebIdentityProvider(
      MapEnvironment(
          {{"AWS_ROLE_ARN", "arn:r"}, {"AWS_WEB_IDENTITY_TOKEN_FILE", "/nonexistent/bf/token"}}),
      std::make_unique<StsClient>(StsConfig{}, transport, clock), clock);
  EXPECT_EQ(missing_file->Get().status().code(), Code::kFailedPrecondition);
  EXPECT_TRUE(transport.requests().empty());
}

}  // namespace
}  // namespace bucketflow::s3

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "core/random.h"
#include "s3/credential_providers.h"
#include "s3/credentials_fakes.h"

namespace bucketflow::s3 {
namespace {

using credtest::HandlerTransport;
using credtest::ManualClock;
using credtest::Reply;

class TempDir {
 public:
  TempDir() : path_(std::filesystem::temp_directory_path() / ("bf_creds_" + RandomHex(8))) {
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string Write(const std::string& name, const std::string& text) const {
    const std::filesystem::path file = path_ / name;
    std::ofstream(file) << text;
    return file.string();
  }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

TEST(CredentialsProvidersTest, StaticReturnsItsKeysAndRejectsEmptyOnes) {
  StaticCredentialsProvider provider({.access_key_id = "AKID", .secret_access_key = "SECRET"});
  auto credentials = provider.Get();
  ASSERT_TRUE(credentials.ok());
  EXPECT_EQ(credentials->access_key_id, "AKID");
  StaticCredentialsProvider empty({});
  EXPECT_EQ(empty.Get().status().code(), Code::kInvalidArgument);
}

TEST(CredentialsProvidersTest, EnvironmentReadsKeysAndToken) {
  EnvironmentCredentialsProvider provider(MapEnvironment({{"AWS_ACCESS_KEY_ID", "AKID"},
                                                          {"AWS_SECRET_ACCESS_KEY", "SECRET"},
                                                          {"AWS_SESSION_TOKEN", "TOKEN"}}));
  auto credentials = provider.Get();
  ASSERT_TRUE(credentials.ok());
  EXPECT_EQ(credentials->secret_access_key, "SECRET");
  EXPECT_EQ(credentials->session_token, "TOKEN");
}

TEST(CredentialsProvidersTest, EnvironmentUnsetIsNotFoundAndHalfSetIsAnErrorWithoutSecret) {
  EXPECT_EQ(EnvironmentCredentialsProvider(MapEnvironment({})).Get().status().code(),
            Code::kNotFound);
  auto half =
      EnvironmentCredentialsProvider(MapEnvironment({{"AWS_SECRET_ACCESS_KEY", "SUPERSECRET"}}))
          .Get();
  EXPECT_EQ(half.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(half.status().message().find("SUPERSECRET"), std::string::npos);
}

TEST(CredentialsProvidersTest, ParseIniHandlesCommentsSpacingAndNestedBlocks) {
  auto sections = ParseIni(
      "# top comment\n"
      "[default]\n"
      "aws_access_key_id = A1\n"
      "; another comment\n"
      "AWS_Secret_Access_Key=S1\r\n"
      "\n"
      "[profile dev]\n"
      "s3 =\n"
      "  addressing_style = path\n"
      "region = eu-west-1\n");
  ASSERT_TRUE(sections.ok()) << sections.status().ToString();
  EXPECT_EQ((*sections)["default"]["aws_access_key_id"], "A1");
  EXPECT_EQ((*sections)["default"]["aws_secret_access_key"], "S1");
  EXPECT_EQ((*sections)["profile dev"]["region"], "eu-west-1");
  EXPECT_EQ((*sections)["profile dev"].count("addressing_style"), 0u);
}

TEST(CredentialsProvidersTest, ParseIniRejectsMalformedLinesWithTheirNumber) {
  const struct {
    const char* text;
    const char* expected;
  } cases[] = {
      {"[default\n", "line 1"}, {"[a]\nno equals here\n", "line 2"}, {"k = v\n", "line 1"}};
  for (const auto& test_case : cases) {
    auto sections = ParseIni(test_case.text);
    ASSERT_FALSE(sections.ok()) << test_case.text;
    EXPECT_NE(sections.status().message().find(test_case.expected), std::string::npos)
        << sections.status().message();
  }
}

TEST(CredentialsProvidersTest, ProfileComesFromExplicitNameThenAwsProfileThenDefault) {
  TempDir dir;
  const std::string file = dir.Write("credentials",
                                     "[default]\naws_access_key_id=DEF\naws_secret_access_key=s\n"
                                     "[work]\naws_access_key_id=WORK\naws_secret_access_key=s\n"
                                     "[other]\naws_access_key_id=OTHER\naws_secret_access_key=s\n");
  const auto id_for = [&](std::map<std::string, std::string, std::less<>> vars,
                          std::string profile) {
    vars["AWS_SHARED_CREDENTIALS_FILE"] = file;
    vars["AWS_CONFIG_FILE"] = dir.path() + "/missing";
    auto credentials = ProfileCredentialsProvider(MapEnvironment(vars), profile).Get();
    return credentials.ok() ? credentials->access_key_id : credentials.status().ToString();
  };
  EXPECT_EQ(id_for({}, ""), "DEF");
  EXPECT_EQ(id_for({{"AWS_DEFAULT_PROFILE", "other"}}, ""), "OTHER");
  EXPECT_EQ(id_for({{"AWS_PROFILE", "work"}, {"AWS_DEFAULT_PROFILE", "other"}}, ""), "WORK");
  EXPECT_EQ(id_for({{"AWS_PROFILE", "work"}}, "other"), "OTHER");
}

TEST(CredentialsProvidersTest, ProfileFallsBackToConfigFileProfileSection) {
  TempDir dir;
  const std::string config = dir.Write(
      "config",
      "[profile dev]\naws_access_key_id = CFG\naws_secret_access_key = s\naws_session_token = t\n");
  auto credentials = ProfileCredentialsProvider(MapEnvironment({{"HOME", dir.path()},
                                                                {"AWS_CONFIG_FILE", config},
                                                                {"AWS_PROFILE", "dev"}}))
                         .Get();
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  EXPECT_EQ(credentials->access_key_id, "CFG");
  EXPECT_EQ(credentials->session_token, "t");
}

TEST(CredentialsProvidersTest, ProfileReadsHomeAwsCredentialsByDefault) {
  TempDir dir;
  std::filesystem::create_directories(dir.path() + "/.aws");
  dir.Write(".aws/credentials", "[default]\naws_access_key_id=HOMEKEY\naws_secret_access_key=s\n");
  auto credentials = ProfileCredentialsProvider(MapEnvironment({{"HOME", dir.path()}})).Get();
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  EXPECT_EQ(credentials->access_key_id, "HOMEKEY");
}

TEST(CredentialsProvidersTest, ProfileMissingIsNotFoundAndBrokenFileIsInvalid) {
  TempDir dir;
  auto missing = ProfileCredentialsProvider(MapEnvironment({{"HOME", dir.path()}})).Get();
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  const std::string broken = dir.Write("credentials", "[default\n");
  auto invalid =
      ProfileCredentialsProvider(MapEnvironment({{"AWS_SHARED_CREDENTIALS_FILE", broken}})).Get();
  EXPECT_EQ(invalid.status().code(), Code::kInvalidArgument);
  const std::string no_secret = dir.Write("nosecret", "[default]\naws_access_key_id=A\n");
  auto half =
      ProfileCredentialsProvider(MapEnvironment({{"AWS_SHARED_CREDENTIALS_FILE", no_secret}}))
          .Get();
  EXPECT_EQ(half.status().code(), Code::kInvalidArgument);
}

class NamedProvider final : public CredentialsProvider {
 public:
  NamedProvider(Result<Credentials> result, int& calls)
      : result_(std::move(result)), calls_(calls) {}
  Result<Credentials> Get() override {
    ++calls_;
    return result_;
  }

 private:
  Result<Credentials> result_;
  int& calls_;
};

TEST(CredentialsProvidersTest, ChainSkipsNotFoundAndStopsAtFirstSuccess) {
  int calls[3] = {0, 0, 0};
  std::vector<ChainCredentialsProvider::Source> sources;
  sources.emplace_back("a", std::make_unique<NamedProvider>(Status::NotFound("nothing"), calls[0]));
  sources.emplace_back("b",
                       std::make_unique<NamedProvider>(
                           Credentials{.access_key_id = "B", .secret_access_key = "s"}, calls[1]));
  sources.emplace_back("c",
                       std::make_unique<NamedProvider>(
                           Credentials{.access_key_id = "C", .secret_access_key = "s"}, calls[2]));
  ChainCredentialsProvider chain(std::move(sources));
  auto credentials = chain.Get();
  ASSERT_TRUE(credentials.ok());
  EXPECT_EQ(credentials->access_key_id, "B");
  EXPECT_EQ(calls[0], 1);
  EXPECT_EQ(calls[2], 0);
}

TEST(CredentialsProvidersTest, ChainStopsAtARealErrorAndNamesTheSource) {
  int calls[2] = {0, 0};
  std::vector<ChainCredentialsProvider::Source> sources;
  sources.emplace_back(
      "a", std::make_unique<NamedProvider>(Status::PermissionDenied("denied"), calls[0]));
  sources.emplace_back("b",
                       std::make_unique<NamedProvider>(
                           Credentials{.access_key_id = "B", .secret_access_key = "s"}, calls[1]));
  auto credentials = ChainCredentialsProvider(std::move(sources)).Get();
  EXPECT_EQ(credentials.status().code(), Code::kPermissionDenied);
  EXPECT_NE(credentials.status().message().find("a: denied"), std::string::npos);
  EXPECT_EQ(calls[1], 0);
}

TEST(CredentialsProvidersTest, DefaultChainTriesAwsOrderAndReportsEverySource) {
  TempDir dir;
  ManualClock clock(1'700'000'000'000);
  HandlerTransport transport([](const http::ClientRequest&) -> Result<http::ClientResponse> {
    return Status::Unavailable("connection refused");
  });
  auto chain = MakeDefaultCredentialsChain({.env = MapEnvironment({{"HOME", dir.path()}})},
                                           transport, clock);
  auto credentials = chain->Get();
  ASSERT_FALSE(credentials.ok());
  EXPECT_EQ(credentials.status().code(), Code::kUnauthenticated);
  const std::string& message = credentials.status().message();
  const size_t env = message.find("environment:");
  const size_t web = message.find("web identity:");
  const size_t files = message.find("shared files:");
  const size_t container = message.find("container:");
  const size_t imds = message.find("instance metadata:");
  ASSERT_NE(imds, std::string::npos) << message;
  EXPECT_TRUE(env < web && web < files && files < container && container < imds) << message;
  // Only IMDS touches the network when nothing else is configured: its token PUT.
  ASSERT_EQ(transport.requests().size(), 1u);
  EXPECT_EQ(transport.requests()[0].url, "http://169.254.169.254/latest/api/token");
}

TEST(CredentialsProvidersTest, DefaultChainPrefersEnvironmentOverProfile) {
  TempDir dir;
  std::filesystem::create_directories(dir.path() + "/.aws");
  dir.Write(".aws/credentials", "[default]\naws_access_key_id=FILE\naws_secret_access_key=s\n");
  ManualClock clock(1'700'000'000'000);
  HandlerTransport transport(
      [](const http::ClientRequest&) -> Result<http::ClientResponse> { return Reply(500, ""); });
  const auto first_id = [&](std::map<std::string, std::string, std::less<>> vars) {
    vars["HOME"] = dir.path();
    auto credentials =
        MakeDefaultCredentialsChain({.env = MapEnvironment(vars)}, transport, clock)->Get();
    return credentials.ok() ? credentials->access_key_id : credentials.status().ToString();
  };
  EXPECT_EQ(first_id({}), "FILE");
  EXPECT_EQ(first_id({{"AWS_ACCESS_KEY_ID", "ENV"}, {"AWS_SECRET_ACCESS_KEY", "s"}}), "ENV");
  EXPECT_TRUE(transport.requests().empty());
}

}  // namespace
}  // namespace bucketflow::s3

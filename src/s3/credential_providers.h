#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "http/client.h"
#include "s3/credentials_provider.h"

namespace bucketflow::s3 {

// Reads one environment variable; nullopt when unset. Injected so tests need not setenv.
using Environment = std::function<std::optional<std::string>(std::string_view name)>;

// The process environment (getenv).
Environment ProcessEnvironment();
// A fixed map, for tests and for callers that resolved the variables themselves.
Environment MapEnvironment(std::map<std::string, std::string, std::less<>> variables);

// The whole of a small local file (credentials, config, token). kNotFound when it does not
// exist, kFailedPrecondition when it cannot be read or exceeds 1 MiB.
Result<std::string> ReadCredentialFile(const std::string& path);

// Fixed credentials. Safe for concurrent use.
class StaticCredentialsProvider final : public CredentialsProvider {
 public:
  explicit StaticCredentialsProvider(Credentials credentials);
  Result<Credentials> Get() override;

 private:
  const Credentials credentials_;
};

// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and optional AWS_SESSION_TOKEN, read on every Get.
// kNotFound when neither key variable is set. Safe for concurrent use.
class EnvironmentCredentialsProvider final : public CredentialsProvider {
 public:
  explicit EnvironmentCredentialsProvider(Environment env);
  Result<Credentials> Get() override;

 private:
  const Environment env_;
};

// An INI file: section name -> (key -> value). Keys are lowercased; later duplicates win.
using IniSections = std::map<std::string, std::map<std::string, std::string>>;
// Parses the AWS shared-file dialect: "[section]", "key = value", full-line comments starting
// with '#' or ';', blank lines. Indented lines (sub-properties such as "s3 =" blocks) are
// ignored. kInvalidArgument names the line number of a malformed line.
Result<IniSections> ParseIni(std::string_view text);

// The shared credentials file (~/.aws/credentials or AWS_SHARED_CREDENTIALS_FILE, "[name]") and
// config file (~/.aws/config or AWS_CONFIG_FILE, "[profile name]" or "[default]"), profile from
// `profile`, else AWS_PROFILE, else AWS_DEFAULT_PROFILE, else "default". Keys in the credentials
// file win over the config file. Files are read on every Get. kNotFound when neither file has
// the profile's keys. Safe for concurrent use.
class ProfileCredentialsProvider final : public CredentialsProvider {
 public:
  ProfileCredentialsProvider(Environment env, std::string profile = {});
  Result<Credentials> Get() override;

 private:
  const Environment env_;
  const std::string profile_;
};

// Tries providers in order and returns the first credentials found. A provider answering
// kNotFound ("not configured here") is skipped; any other error stops the search. The error
// lists every source tried. Safe for concurrent use.
class ChainCredentialsProvider final : public CredentialsProvider {
 public:
  using Source = std::pair<std::string, std::unique_ptr<CredentialsProvider>>;
  explicit ChainCredentialsProvider(std::vector<Source> sources);
  Result<Credentials> Get() override;

 private:
  const std::vector<Source> sources_;
};

struct DefaultChainConfig {
  Environment env = {};
  // Region for STS calls made by the web-identity source.
  std::string region = "us-east-1";
  // STS endpoint for web identity; empty = the default for `region`.
  std::string sts_endpoint = {};
};

// AWS's default order: environment, web identity token file, shared files/profile, container
// credentials, EC2 instance metadata (IMDSv2). `transport` and `clock` must outlive the chain.
std::unique_ptr<CredentialsProvider> MakeDefaultCredentialsChain(const DefaultChainConfig& config,
                                                                 http::HttpTransport& transport,
                                                                 const Clock& clock);

}  // namespace bucketflow::s3

#include "s3/credential_providers.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "core/strings.h"
#include "s3/assume_role_provider.h"
#include "s3/metadata_providers.h"

namespace bucketflow::s3 {
namespace {

constexpr size_t kMaxCredentialFileBytes = 1 << 20;

std::string EnvOr(const Environment& env, std::string_view name, std::string fallback) {
  std::optional<std::string> value = env(name);
  return value && !value->empty() ? *value : fallback;
}

std::string HomePath(const Environment& env, std::string_view rest) {
  return EnvOr(env, "HOME", "") + std::string(rest);
}

// Fills `out` from one INI section's AWS keys; true when a key id was there.
bool TakeKeys(const std::map<std::string, std::string>& section, Credentials& out) {
  const auto id = section.find("aws_access_key_id");
  if (id == section.end()) {
    return false;
  }
  out.access_key_id = id->second;
  const auto secret = section.find("aws_secret_access_key");
  out.secret_access_key = secret == section.end() ? "" : secret->second;
  const auto token = section.find("aws_session_token");
  out.session_token = token == section.end() ? "" : token->second;
  return true;
}

// The profile's section of one file, or nullopt when the file or section is absent.
Result<std::optional<std::map<std::string, std::string>>> LoadSection(const std::string& path,
                                                                      const std::string& section) {
  Result<std::string> text = ReadCredentialFile(path);
  if (!text.ok()) {
    if (text.status().code() == Code::kNotFound) {
      return std::optional<std::map<std::string, std::string>>();
    }
    return text.status();
  }
  Result<IniSections> sections = ParseIni(*text);
  if (!sections.ok()) {
    return Status::InvalidArgument(path, ": ", sections.status().message());
  }
  const auto found = sections->find(section);
  if (found == sections->end()) {
    return std::optional<std::map<std::string, std::string>>();
  }
  return std::optional<std::map<std::string, std::string>>(found->second);
}

}  // namespace

Environment ProcessEnvironment() {
  return [](std::string_view name) -> std::optional<std::string> {
    // getenv is only unsafe against concurrent setenv, which this program never calls.
    const char* value = std::getenv(std::string(name).c_str());  // NOLINT(concurrency-mt-unsafe)
    if (value == nullptr) {
      return std::nullopt;
    }
    return std::string(value);
  };
}

Environment MapEnvironment(std::map<std::string, std::string, std::less<>> variables) {
  return [variables = std::move(variables)](std::string_view name) -> std::optional<std::string> {
    const auto found = variables.find(name);
    if (found == variables.end()) {
      return std::nullopt;
    }
    return found->second;
  };
}

Result<std::string> ReadCredentialFile(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::exists(path, error)) {
    return Status::NotFound("no file at ", path);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::FailedPrecondition("cannot open ", path);
  }
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) {
    return Status::FailedPrecondition("cannot read ", path);
  }
  std::string text = out.str();
  if (text.size() > kMaxCredentialFileBytes) {
    return Status::FailedPrecondition(path, " is larger than 1 MiB");
  }
  return text;
}

StaticCredentialsProvider::StaticCredentialsProvider(Credentials credentials)
    : credentials_(std::move(credentials)) {}

Result<Credentials> StaticCredentialsProvider::Get() {
  if (credentials_.access_key_id.empty() || credentials_.secret_access_key.empty()) {
    return Status::InvalidArgument("static credentials need an access key id and a secret key");
  }
  return credentials_;
}

EnvironmentCredentialsProvider::EnvironmentCredentialsProvider(Environment env)
    : env_(std::move(env)) {}

Result<Credentials> EnvironmentCredentialsProvider::Get() {
  const std::string id = EnvOr(env_, "AWS_ACCESS_KEY_ID", "");
  const std::string secret = EnvOr(env_, "AWS_SECRET_ACCESS_KEY", "");
  if (id.empty() && secret.empty()) {
    return Status::NotFound("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY not set");
  }
  if (id.empty() || secret.empty()) {
    return Status::InvalidArgument(id.empty() ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
                                   " is not set but its partner is");
  }
  return Credentials{.access_key_id = id,
                     .secret_access_key = secret,
                     .session_token = EnvOr(env_, "AWS_SESSION_TOKEN", "")};
}

Result<IniSections> ParseIni(std::string_view text) {
  IniSections sections;
  std::string current;
  bool in_section = false;
  int line_number = 0;
  for (const std::string_view raw : Split(text, '\n')) {
    ++line_number;
    const std::string_view line = TrimWhitespace(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') {
      continue;
    }
    if (line.front() == '[') {
      if (line.back() != ']') {
        return Status::InvalidArgument("line ", line_number, ": unterminated section header");
      }
      current = std::string(TrimWhitespace(line.substr(1, line.size() - 2)));
      sections[current];
      in_section = true;
      continue;
    }
    if (raw.front() == ' ' || raw.front() == '\t') {
      continue;  // A nested sub-property ("s3 =\n  addressing_style = path").
    }
    const size_t equals = line.find('=');
    if (equals == std::string_view::npos || !in_section) {
      return Status::InvalidArgument("line ", line_number,
                                     in_section ? ": expected key = value" : ": no section");
    }
    const std::string key = ToLower(TrimWhitespace(line.substr(0, equals)));
    sections[current][key] = std::string(TrimWhitespace(line.substr(equals + 1)));
  }
  return sections;
}

ProfileCredentialsProvider::ProfileCredentialsProvider(Environment env, std::string profile)
    : env_(std::move(env)), profile_(std::move(profile)) {}

Result<Credentials> ProfileCredentialsProvider::Get() {
  const std::string profile =
      !profile_.empty() ? profile_
                        : EnvOr(env_, "AWS_PROFILE", EnvOr(env_, "AWS_DEFAULT_PROFILE", "default"));
  const std::string credentials_path =
      EnvOr(env_, "AWS_SHARED_CREDENTIALS_FILE", HomePath(env_, "/.aws/credentials"));
  const std::string config_path = EnvOr(env_, "AWS_CONFIG_FILE", HomePath(env_, "/.aws/config"));
  Credentials out;
  ASSIGN_OR_RETURN(auto credentials_section, LoadSection(credentials_path, profile));
  if (credentials_section && TakeKeys(*credentials_section, out)) {
    if (out.secret_access_key.empty()) {
      return Status::InvalidArgument("profile '", profile, "' in ", credentials_path,
                                     " has no aws_secret_access_key");
    }
    return out;
  }
  const std::string config_name = profile == "default" ? profile : "profile " + profile;
  ASSIGN_OR_RETURN(auto config_section, LoadSection(config_path, config_name));
  if (config_section && TakeKeys(*config_section, out)) {
    if (out.secret_access_key.empty()) {
      return Status::InvalidArgument("profile '", profile, "' in ", config_path,
                                     " has no aws_secret_access_key");
    }
    return out;
  }
  return Status::NotFound("profile '", profile, "' has no keys in ", credentials_path, " or ",
                          config_path);
}

ChainCredentialsProvider::ChainCredentialsProvider(std::vector<Source> sources)
    : sources_(std::move(sources)) {}

Result<Credentials> ChainCredentialsProvider::Get() {
  std::string tried;
  for (const auto& [name, provider] : sources_) {
    Result<Credentials> credentials = provider->Get();
    if (credentials.ok()) {
      return credentials;
    }
    tried += (tried.empty() ? "" : "; ") + name + ": " + credentials.status().message();
    if (credentials.status().code() != Code::kNotFound) {
      return Status(credentials.status().code(),
                    "AWS credentials from " + name + " failed (tried " + tried + ")");
    }
  }
  return Status::Unauthenticated("no AWS credentials found (tried ", tried, ")");
}

std::unique_ptr<CredentialsProvider> MakeDefaultCredentialsChain(const DefaultChainConfig& config,
                                                                 http::HttpTransport& transport,
                                                                 const Clock& clock) {
  StsConfig sts{.endpoint = config.sts_endpoint.empty() ? StsEndpointForRegion(config.region)
                                                        : config.sts_endpoint,
                .region = config.region};
  std::vector<ChainCredentialsProvider::Source> sources;
  sources.emplace_back("environment", std::make_unique<EnvironmentCredentialsProvider>(config.env));
  sources.emplace_back("web identity",
                       MakeWebIdentityProvider(
                           config.env, std::make_unique<StsClient>(sts, transport, clock), clock));
  sources.emplace_back("shared files", std::make_unique<ProfileCredentialsProvider>(config.env));
  sources.emplace_back("container", MakeContainerProvider(config.env, transport, clock));
  sources.emplace_back("instance metadata", MakeImdsProvider(config.env, transport, clock));
  return std::make_unique<ChainCredentialsProvider>(std::move(sources));
}

}  // namespace bucketflow::s3

// One artifact store per workspace. The per-workspace state is kept small (a role provider with
// its cached credentials, an S3 client, a repository and a bulkhead: a few KB) because a server
// may hold thousands: the HTTP transport, Bucketflow's own credentials and the STS clients are
// shared, and transfer buffers belong to transfers, not to workspaces.
#include "app/workspace_artifacts.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "app/workspace_bucket_internal.h"
#include "artifacts/bulkhead_repository.h"
#include "artifacts/local/local_repository.h"
#include "artifacts/s3/s3_repository.h"
#include "http/client.h"
#include "s3/assume_role_provider.h"
#include "s3/credential_providers.h"
#include "s3/failure_caching_provider.h"
#include "s3/s3_client.h"
#include "s3/sts_client.h"

namespace bucketflow::app {
namespace {

// How long a failed AssumeRole is answered from memory: a hanging STS then costs one timeout
// per window instead of one per request.
constexpr int64_t kAssumeRoleFailureHoldMs = 10'000;

// A request thread waits for these: fewer and shorter tries than the STS defaults, so that a
// black-holed STS fails a request in seconds rather than a minute.
s3::StsConfig WorkspaceStsConfig(std::string endpoint, std::string region) {
  s3::StsConfig config;
  config.endpoint = std::move(endpoint);
  config.region = std::move(region);
  config.max_attempts = 2;
  config.connect_timeout_ms = 3000;
  config.idle_timeout_ms = 5000;
  return config;
}

std::string Describe(const store::WorkspaceBucket& bucket) {
  std::string text = "s3://" + bucket.bucket + (bucket.prefix.empty() ? "" : "/" + bucket.prefix);
  if (!bucket.s3_endpoint.empty()) {
    text += " at " + bucket.s3_endpoint;
  }
  return text + " as " + bucket.role_arn;
}

// One workspace's artifact store as built for one bucket config (or for none).
struct Stack {
  std::optional<store::WorkspaceBucket> bucket;  // nullopt: built for a bucket-less workspace
  // Members borrow the ones above them: destroyed in reverse.
  std::unique_ptr<s3::CredentialsProvider> credentials;
  std::unique_ptr<s3::S3Client> client;
  std::unique_ptr<artifacts::ArtifactRepository> repository;
  std::unique_ptr<artifacts::Bulkhead> bulkhead;
  std::unique_ptr<artifacts::BulkheadRepository> guarded;
  artifacts::ArtifactRepository* served = nullptr;  // what Repository() hands out; may be null

  bool Serves(const store::Workspace& workspace) const {
    if (!bucket || !workspace.bucket) {
      return !bucket && !workspace.bucket;
    }
    return internal::SameBucket(*bucket, *workspace.bucket);
  }
};

}  // namespace

class ServerWorkspaceArtifacts::Impl {
 public:
  Impl(WorkspaceArtifactsConfig config, const Clock& clock, int max_calls)
      : config_(std::move(config)), clock_(clock), max_calls_(max_calls) {}

  Result<artifacts::ArtifactRepository*> Repository(const store::Workspace& workspace);
  Result<api::CheckedBucket> CheckBucket(const store::Workspace& workspace,
                                         store::WorkspaceBucket bucket);

 private:
  struct S3Shared {
    http::HttpTransport& transport;
    s3::CredentialsProvider& base;
  };
  // Built on first need, so that a server without workspace buckets needs no AWS credentials.
  S3Shared Shared();
  s3::StsClient& StsFor(const store::WorkspaceBucket& bucket);
  Result<std::unique_ptr<Stack>> BuildS3(const store::Workspace& workspace,
                                         const store::WorkspaceBucket& bucket);
  Result<std::unique_ptr<Stack>> BuildLocal(const store::Workspace& workspace);
  void Guard(Stack& stack, const std::string& workspace_name, artifacts::ArtifactRepository& repo);

  // Immutable after construction
  const WorkspaceArtifactsConfig config_;
  const Clock& clock_;
  const int max_calls_;

  // Shared by every workspace and kept to the end; declared before the stacks that borrow them.
  // None of this is built with network I/O (credentials are fetched on first use).
  std::mutex shared_mu_;
  std::unique_ptr<http::HttpTransport> transport_;             // GUARDED_BY(shared_mu_)
  std::unique_ptr<s3::CredentialsProvider> base_;              // GUARDED_BY(shared_mu_)
  std::map<std::string, std::unique_ptr<s3::StsClient>> sts_;  // GUARDED_BY(shared_mu_)

  // Never held during network I/O: stacks are built outside it and make no calls when built.
  std::mutex mu_;
  // By workspace id, one stack per bucket config that workspace was seen with, never freed: a
  // streamed transfer may still use a replaced one (the contract: valid until the end), and the
  // auth cache hands out the previous record for a few seconds after a change, so requests may
  // alternate between two configs; each finds its stack here instead of rebuilding it.
  std::unordered_map<int64_t, std::vector<std::unique_ptr<Stack>>> stacks_;  // GUARDED_BY(mu_)

  // REQUIRES: mu_ held. Null when none was built for this config yet.
  Stack* Find(const store::Workspace& workspace);
};

Stack* ServerWorkspaceArtifacts::Impl::Find(const store::Workspace& workspace) {
  auto found = stacks_.find(workspace.id);
  if (found == stacks_.end()) {
    return nullptr;
  }
  for (const std::unique_ptr<Stack>& stack : found->second) {
    if (stack->Serves(workspace)) {
      return stack.get();
    }
  }
  return nullptr;
}

Result<artifacts::ArtifactRepository*> ServerWorkspaceArtifacts::Impl::Repository(
    const store::Workspace& workspace) {
  {
    const std::lock_guard<std::mutex> lock(mu_);
    if (const Stack* existing = Find(workspace); existing != nullptr) {
      return existing->served;
    }
  }
  Result<std::unique_ptr<Stack>> built =
      workspace.bucket ? BuildS3(workspace, *workspace.bucket) : BuildLocal(workspace);
  if (!built.ok()) {
    return built.status();
  }
  const std::lock_guard<std::mutex> lock(mu_);
  if (const Stack* existing = Find(workspace); existing != nullptr) {
    return existing->served;  // built meanwhile by another request; ours is dropped unused
  }
  std::vector<std::unique_ptr<Stack>>& stacks = stacks_[workspace.id];
  if (!stacks.empty()) {
    spdlog::info("workspace '{}': artifact store changed", workspace.name);
  }
  stacks.push_back(std::move(*built));
  return stacks.back()->served;
}

ServerWorkspaceArtifacts::Impl::S3Shared ServerWorkspaceArtifacts::Impl::Shared() {
  const std::lock_guard<std::mutex> lock(shared_mu_);
  if (!transport_) {
    transport_ = http::MakeCurlTransport({});
    base_ = s3::MakeDefaultCredentialsChain(internal::BaseChainConfig(), *transport_, clock_);
  }
  return {.transport = *transport_, .base = *base_};
}

s3::StsClient& ServerWorkspaceArtifacts::Impl::StsFor(const store::WorkspaceBucket& bucket) {
  std::string endpoint =
      bucket.sts_endpoint.empty() ? s3::StsEndpointForRegion(bucket.region) : bucket.sts_endpoint;
  const std::string key = endpoint + " " + bucket.region;
  const std::lock_guard<std::mutex> lock(shared_mu_);
  std::unique_ptr<s3::StsClient>& client = sts_[key];
  if (!client) {
    client = std::make_unique<s3::StsClient>(WorkspaceStsConfig(std::move(endpoint), bucket.region),
                                             *transport_, clock_);
  }
  return *client;
}

Result<std::unique_ptr<Stack>> ServerWorkspaceArtifacts::Impl::BuildS3(
    const store::Workspace& workspace, const store::WorkspaceBucket& bucket) {
  ASSIGN_OR_RETURN(s3::AddressingStyle addressing, internal::ParseAddressing(bucket.addressing));
  const S3Shared shared = Shared();
  auto stack = std::make_unique<Stack>();
  stack->bucket = bucket;
  s3::AssumeRoleConfig role{.role_arn = bucket.role_arn,
                            .external_id = bucket.external_id,
                            .role_session_name = internal::RoleSessionName(workspace.name),
                            .duration_seconds = config_.role_session_duration};
  role.refresh.description =
      "AssumeRole " + bucket.role_arn + " for workspace '" + workspace.name + "'";
  auto credentials = std::make_unique<s3::FailureCachingCredentialsProvider>(
      s3::MakeAssumeRoleProvider(shared.base, StsFor(bucket), clock_, std::move(role)), clock_,
      kAssumeRoleFailureHoldMs);
  s3::S3ClientConfig client_config;
  // The S3 client retries an unavailable credentials source like a 503, with backoff. While a
  // failed AssumeRole is remembered every retry gets the same answer, so skip the waits: the
  // call then fails at once, as it should while STS is known to be down.
  client_config.retry.sleep_ms = [holding = credentials.get()](int64_t delay_ms) {
    if (!holding->HoldingFailure()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    }
  };
  stack->credentials = std::move(credentials);
  client_config.region = bucket.region.empty() ? "us-east-1" : bucket.region;
  client_config.endpoint = bucket.s3_endpoint;
  client_config.addressing_style = addressing;
  Result<std::unique_ptr<s3::S3Client>> client =
      s3::S3Client::Create(std::move(client_config), shared.transport, *stack->credentials, clock_);
  if (!client.ok()) {
    return Status::FailedPrecondition("workspace '", workspace.name,
                                      "': its bucket config: ", client.status().message());
  }
  stack->client = std::move(*client);
  stack->repository = std::make_unique<artifacts::S3ArtifactRepository>(
      *stack->client, bucket.bucket, bucket.prefix);
  Guard(*stack, workspace.name, *stack->repository);
  spdlog::info("workspace '{}': artifacts in {}", workspace.name, Describe(bucket));
  return stack;
}

Result<std::unique_ptr<Stack>> ServerWorkspaceArtifacts::Impl::BuildLocal(
    const store::Workspace& workspace) {
  auto stack = std::make_unique<Stack>();
  if (workspace.id == store::kDefaultWorkspaceId) {
    // The server's --artifacts-destination, as before workspaces existed: no bulkhead, so a
    // single-tenant server keeps serving parallel uploads to its own bucket.
    stack->served = config_.default_repository;
    return stack;
  }
  if (config_.default_repository == nullptr) {
    return stack;  // artifacts are not served by this server: for no workspace
  }
  const std::filesystem::path root =
      std::filesystem::path(config_.local_root) / std::to_string(workspace.id) / "artifacts";
  std::error_code ec;
  std::filesystem::create_directories(root, ec);
  if (ec || !std::filesystem::is_directory(root, ec)) {
    return Status::Internal("workspace '", workspace.name,
                            "': cannot create its artifact directory ", root.string(),
                            ec ? ": " + ec.message() : std::string());
  }
  // A local disk does not hang like a remote bucket: no bulkhead, so bursts of uploads are
  // never refused.
  stack->repository = std::make_unique<artifacts::LocalArtifactRepository>(root.string());
  stack->served = stack->repository.get();
  return stack;
}

void ServerWorkspaceArtifacts::Impl::Guard(Stack& stack, const std::string& workspace_name,
                                           artifacts::ArtifactRepository& repo) {
  stack.bulkhead = std::make_unique<artifacts::Bulkhead>(
      max_calls_, "workspace '" + workspace_name + "': its bucket is slow to answer; retry");
  stack.guarded = std::make_unique<artifacts::BulkheadRepository>(repo, *stack.bulkhead);
  stack.served = stack.guarded.get();
}

Result<api::CheckedBucket> ServerWorkspaceArtifacts::Impl::CheckBucket(
    const store::Workspace& workspace, store::WorkspaceBucket bucket) {
  ASSIGN_OR_RETURN(store::WorkspaceBucket normalized,
                   NormalizeWorkspaceBucket(workspace, std::move(bucket)));
  if (config_.access_store == nullptr) {
    return Status::FailedPrecondition("this server has no access store to check buckets against");
  }
  RETURN_IF_ERROR(CheckBucketNotShared(*config_.access_store, workspace, normalized));
  const S3Shared shared = Shared();
  api::CheckedBucket checked;
  checked.checks =
      internal::VerifyWith(workspace, normalized, shared.base, shared.transport, clock_);
  checked.ok = std::none_of(checked.checks.begin(), checked.checks.end(),
                            [](const api::BucketCheck& check) { return check.outcome == "FAIL"; });
  checked.bucket = std::move(normalized);
  return checked;
}

Result<std::unique_ptr<ServerWorkspaceArtifacts>> ServerWorkspaceArtifacts::Create(
    WorkspaceArtifactsConfig config, const Clock& clock) {
  if (config.local_root.empty()) {
    return Status::InvalidArgument("the workspace artifacts root must not be empty");
  }
  if (config.role_session_duration < 1) {
    return Status::InvalidArgument("the role session duration must be positive, got ",
                                   config.role_session_duration);
  }
  if (config.max_calls_per_workspace < 0) {
    return Status::InvalidArgument("max calls per workspace must not be negative");
  }
  const int max_calls = config.max_calls_per_workspace > 0
                            ? config.max_calls_per_workspace
                            : std::max(1, config.request_threads / 2);
  return std::unique_ptr<ServerWorkspaceArtifacts>(
      new ServerWorkspaceArtifacts(std::make_unique<Impl>(std::move(config), clock, max_calls)));
}

ServerWorkspaceArtifacts::ServerWorkspaceArtifacts(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}

ServerWorkspaceArtifacts::~ServerWorkspaceArtifacts() = default;

Result<artifacts::ArtifactRepository*> ServerWorkspaceArtifacts::Repository(
    const store::Workspace& workspace) {
  return impl_->Repository(workspace);
}

Result<api::CheckedBucket> ServerWorkspaceArtifacts::CheckBucket(const store::Workspace& workspace,
                                                                 store::WorkspaceBucket bucket) {
  return impl_->CheckBucket(workspace, std::move(bucket));
}

}  // namespace bucketflow::app

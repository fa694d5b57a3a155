#pragma once

#include <memory>
#include <string>

#include "app/config.h"
#include "artifacts/artifact_repository.h"
#include "artifacts/s3/s3_repository.h"
#include "core/clock.h"
#include "core/status.h"
#include "http/client.h"
#include "s3/credentials_provider.h"
#include "s3/s3_client.h"
#include "s3/sts_client.h"

namespace bucketflow::app {

// The S3 stack behind proxied artifacts, composed once at startup: libcurl transport, the
// default credentials chain, optionally an AssumeRole provider on top of it, the S3 client and
// the repository. Owns them all so that they outlive every request.
class S3Artifacts {
 public:
  // Builds the stack and checks, before the server listens, that credentials can be obtained
  // (the role assumed) and that the bucket answers HeadBucket. Errors are one line and never
  // hold a secret. `clock` must outlive the result.
  static Result<std::unique_ptr<S3Artifacts>> Open(const S3ArtifactsConfig& config,
                                                   const Clock& clock);

  artifacts::ArtifactRepository& repository() { return *repository_; }
  // "s3://bucket/prefix (endpoint ..., role ...)" for the startup log line.
  const std::string& description() const { return description_; }

 private:
  S3Artifacts() = default;
  Status Connect(const S3ArtifactsConfig& config, const Clock& clock);
  // The base chain, with the AssumeRole provider on top when a role is configured; fetches
  // credentials once. Returns the provider S3 calls sign with (owned by this object).
  Result<s3::CredentialsProvider*> MakeCredentials(const S3ArtifactsConfig& config,
                                                   const Clock& clock);
  // HeadBucket: the bucket exists and the credentials may list it.
  Status CheckBucket(const S3ArtifactsConfig& config);
  // With a role: onboarding::VerifyBucket through the cached role credentials, each line of
  // the report logged; a failing check stops the start unless skip_bucket_verify.
  Status VerifyBucket(const S3ArtifactsConfig& config, const Clock& clock);

  // Declared in dependency order: each member borrows the ones above it, so they are
  // destroyed in reverse.
  std::unique_ptr<http::HttpTransport> transport_;
  std::unique_ptr<s3::CredentialsProvider> base_credentials_;
  std::unique_ptr<s3::StsClient> sts_;
  std::unique_ptr<s3::CredentialsProvider> role_credentials_;
  std::unique_ptr<s3::S3Client> client_;
  std::unique_ptr<artifacts::S3ArtifactRepository> repository_;
  std::string description_;
};

}  // namespace bucketflow::app

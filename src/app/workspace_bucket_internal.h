#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "api/services.h"
#include "core/clock.h"
#include "http/client.h"
#include "s3/credential_providers.h"
#include "s3/credentials_provider.h"
#include "s3/s3_client.h"
#include "store/access_store.h"

// Shared by workspace_bucket.cc and workspace_artifacts.cc.
namespace bucketflow::app::internal {

// Bucketflow's own credentials chain for workspace roles: region and STS endpoint (for a
// web-identity token) from AWS_REGION / AWS_DEFAULT_REGION and AWS_ENDPOINT_URL_STS /
// AWS_ENDPOINT_URL, as the AWS CLI reads them.
s3::DefaultChainConfig BaseChainConfig();

// "bucketflow-<workspace name>", cut to STS's 64 characters.
std::string RoleSessionName(std::string_view workspace_name);

// "auto" (or ""), "path", "virtual".
Result<s3::AddressingStyle> ParseAddressing(std::string_view value);

// Every field equal: a repository built for `a` serves `b`.
bool SameBucket(const store::WorkspaceBucket& a, const store::WorkspaceBucket& b);

// onboarding::VerifyBucket with every probe, as the workspace's role.
// REQUIRES: `bucket` came from NormalizeWorkspaceBucket.
std::vector<api::BucketCheck> VerifyWith(const store::Workspace& workspace,
                                         const store::WorkspaceBucket& bucket,
                                         s3::CredentialsProvider& base,
                                         http::HttpTransport& transport, const Clock& clock);

}  // namespace bucketflow::app::internal

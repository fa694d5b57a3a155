#pragma once

#include <string>
#include <vector>

#include "core/clock.h"
#include "http/client.h"
#include "s3/credentials_provider.h"
#include "s3/retry.h"
#include "s3/s3_client.h"
#include "s3/sts_client.h"

// Proves that a bucket and role meet DESIGN.md section 2 by doing, with the role, what the
// server will do: `bucketflow bucket verify`, the server's start-up check and (later) workspace
// registration all call VerifyBucket.
namespace bucketflow::onboarding {

// The bucket and role to check, and where S3 and STS are.
struct VerifyTarget {
  std::string bucket = {};
  // Scratch objects go under PREFIX/.bucketflow-verify/ (or .bucketflow-verify/ when empty).
  std::string prefix = {};
  std::string role_arn = {};
  std::string external_id = {};  // empty: none configured, which is itself a warning
  std::string role_session_name = "bucketflow-verify";
  // The origin the CORS checks send; empty: "https://bucketflow.invalid" (any origin must do).
  std::string ui_origin = {};
  std::string region = "us-east-1";
  std::string s3_endpoint = {};   // scheme://host[:port]; empty: AWS's for the region
  std::string sts_endpoint = {};  // scheme://host[:port]; empty: AWS's for the region
  s3::AddressingStyle addressing = s3::AddressingStyle::kAuto;
  // A bucket known to exist that the role must not reach; empty: that check is not run (a
  // random name answers NoSuchBucket whatever the role may do, which proves nothing).
  std::string other_bucket = {};
  // Whether to call AssumeRole without the External ID and with a wrong one. The server turns
  // it off: those calls would fail in the customer's CloudTrail on every start.
  bool probe_external_id = true;
  // Whether to try what the role must not do (read and change the bucket's CORS rule) and a
  // multipart upload to abort. The server turns it off too: every start would leave
  // AccessDenied events and, under DESIGN.md's policy (no s3:AbortMultipartUpload), one more
  // incomplete upload in the customer's bucket. `bucketflow bucket verify` runs them.
  bool probe_privileges = true;
};

// The I/O the checks go through, injected so unit tests use fakes. All borrowed.
struct VerifyDeps {
  // Bucketflow's own credentials, which AssumeRole is signed with.
  s3::CredentialsProvider& base_credentials;
  http::HttpTransport& transport;
  const Clock& clock;
  // When set, the role's credentials come from here (the server's cached AssumeRole provider)
  // and VerifyBucket makes no AssumeRole call with the External ID of its own.
  s3::CredentialsProvider* role_credentials = nullptr;
  // Retry settings for the S3 and STS calls (tests make the waits instant).
  s3::RetryPolicy s3_retry = {};
  s3::RetryHooks sts_hooks = {};
};

// One line of the report: what was checked, how it went, why, and how to fix it.
struct Check {
  enum class Outcome { kPass, kWarn, kFail };
  std::string name = {};
  Outcome outcome = Outcome::kPass;
  std::string reason = {};
  std::string fix = {};  // empty for a pass
};

struct Report {
  std::vector<Check> checks = {};
  // Nothing failed (warnings allowed).
  bool ok() const;
};

// Runs every check in order: assume role, external id enforced, bucket, put/get/list of a
// probe object, CORS preflight and GET, delete of the probe object, least privilege, multipart
// abort. The probe objects are deleted whatever fails in between. When the role cannot be
// assumed or the bucket cannot be reached, the checks that need them are left out of the
// report (their failure would only repeat the cause) and the failing check says so.
Report VerifyBucket(const VerifyTarget& target, VerifyDeps& deps);

}  // namespace bucketflow::onboarding

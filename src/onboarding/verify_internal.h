#pragma once

#include <string>
#include <string_view>

#include "onboarding/verify.h"
#include "s3/s3_client.h"

// Shared by verify.cc (the role and the bucket), verify_objects.cc (the probe object and CORS)
// and verify_privilege.cc (least privilege and multipart abort).
namespace bucketflow::onboarding::internal {

// One VerifyBucket call in progress: the role's S3 client and the report being written.
struct VerifyRun {
  const VerifyTarget& target;
  VerifyDeps& deps;
  s3::S3Client& client;  // signs with the role's credentials
  Report& report;
};

void AddPass(Report& report, std::string_view name, std::string reason);
void AddWarn(Report& report, std::string_view name, std::string reason, std::string fix);
void AddFail(Report& report, std::string_view name, std::string reason, std::string fix);

// "attach this permission policy to the role: {...}" for `bucket` (DESIGN.md's policy, with
// s3:AbortMultipartUpload as recommended).
std::string PolicyFix(std::string_view bucket);

// "PREFIX/.bucketflow-verify/<random hex>": a key no artifact uses, fresh per run.
std::string ProbeKey(const VerifyTarget& target);

// The origin the CORS checks send.
std::string CorsOrigin(const VerifyTarget& target);

// put, get, list, CORS preflight, CORS GET and delete of one probe object.
void CheckProbeObject(VerifyRun& run);
// The role may neither read nor change the bucket's CORS, nor reach --other-bucket.
void CheckLeastPrivilege(VerifyRun& run);
// CreateMultipartUpload then AbortMultipartUpload of a probe key.
void CheckMultipartAbort(VerifyRun& run);

}  // namespace bucketflow::onboarding::internal

// Least privilege and multipart abort. What proves a denial: only AccessDenied. A random
// bucket name answers NoSuchBucket whatever the role may do, so "another bucket" is checked
// only against one the caller names (--other-bucket) and known to exist. On the artifact
// bucket itself, the role must be refused the bucket's configuration, which DESIGN.md's policy
// never grants and `s3:*` does: GetBucketCors (read-only), and PutBucketCors with a body that is
// not even XML, so that a role allowed to write still changes nothing (both AWS and radosgw
// authorize before they read the body: AccessDenied if denied, MalformedXML if allowed).
#include <string>

#include "onboarding/plan.h"
#include "onboarding/verify_internal.h"

namespace bucketflow::onboarding::internal {
namespace {

constexpr std::string_view kBucketConfig = "least privilege: bucket configuration";
constexpr std::string_view kOtherBucket = "least privilege: other bucket";
constexpr std::string_view kMultipart = "multipart abort";
constexpr std::string_view kNotXml = "<CORSConfiguration><CORSRule>";

enum class Access { kDenied, kAllowed, kUnknown };

// kAllowed for any answer that got past authorization.
Access AccessOf(const Status& status) {
  switch (status.code()) {
    case Code::kPermissionDenied:
      return Access::kDenied;
    case Code::kOk:
    case Code::kNotFound:
    case Code::kInvalidArgument:
      return Access::kAllowed;
    default:
      return Access::kUnknown;
  }
}

std::string OverPrivileged(std::string_view what) {
  return "over-privileged: the role may " + std::string(what) + " (a policy such as s3:* on *)";
}

}  // namespace

void CheckLeastPrivilege(VerifyRun& run) {
  const std::string& bucket = run.target.bucket;
  const Status read = run.client.GetBucketCors(bucket).status();
  const Status write = run.client.PutBucketCors(bucket, kNotXml);
  const Access read_access = AccessOf(read);
  const Access write_access = AccessOf(write);
  if (read_access == Access::kAllowed || write_access == Access::kAllowed) {
    const std::string what = read_access == Access::kAllowed && write_access == Access::kAllowed
                                 ? "read and change bucket " + bucket + "'s CORS configuration"
                             : read_access == Access::kAllowed
                                 ? "read bucket " + bucket + "'s CORS configuration"
                                 : "change bucket " + bucket + "'s CORS configuration";
    AddWarn(run.report, kBucketConfig, OverPrivileged(what), PolicyFix(bucket));
  } else if (read_access == Access::kUnknown || write_access == Access::kUnknown) {
    const Status& unknown = read_access == Access::kUnknown ? read : write;
    AddWarn(run.report, kBucketConfig, "could not check: " + unknown.message(),
            "run verify again once the endpoint answers");
  } else {
    AddPass(run.report, kBucketConfig, "the role is denied GetBucketCors and PutBucketCors");
  }
  if (run.target.other_bucket.empty()) {
    return;
  }
  const std::string& other = run.target.other_bucket;
  const Status listed = run.client.ListObjectsV2({.bucket = other, .max_keys = 1}).status();
  if (listed.code() == Code::kPermissionDenied) {
    AddPass(run.report, kOtherBucket, "the role is denied ListObjectsV2 on bucket " + other);
  } else if (listed.ok()) {
    AddWarn(run.report, kOtherBucket, OverPrivileged("list bucket " + other), PolicyFix(bucket));
  } else if (listed.code() == Code::kNotFound) {
    AddWarn(run.report, kOtherBucket,
            "bucket " + other + " does not exist, which proves nothing: " + listed.message(),
            "name an existing bucket with --other-bucket");
  } else {
    AddWarn(run.report, kOtherBucket, "could not check: " + listed.message(),
            "run verify again once the endpoint answers");
  }
}

void CheckMultipartAbort(VerifyRun& run) {
  const std::string& bucket = run.target.bucket;
  const std::string key = ProbeKey(run.target) + "-multipart";
  Result<std::string> upload = run.client.CreateMultipartUpload(bucket, key, "");
  if (!upload.ok()) {
    AddFail(run.report, kMultipart,
            "CreateMultipartUpload " + key + ": " + upload.status().message() +
                ": large artifacts cannot be uploaded",
            PolicyFix(bucket));
    return;
  }
  const Status aborted = run.client.AbortMultipartUpload(bucket, key, *upload);
  if (aborted.ok()) {
    AddPass(run.report, kMultipart, "a multipart upload of " + key + " was created and aborted");
    return;
  }
  AddWarn(run.report, kMultipart,
          "AbortMultipartUpload is refused (" + aborted.message() +
              "): failed large uploads stay in the bucket, billed, until a lifecycle rule "
              "removes them; this probe left upload " +
              *upload + " of " + key,
          "add s3:AbortMultipartUpload on arn:aws:s3:::" + bucket +
              "/* to the role's policy, or as the owner: aws s3api "
              "put-bucket-lifecycle-configuration --bucket " +
              bucket + " --lifecycle-configuration '" + AbortIncompleteUploadsLifecycleJson() +
              "'");
}

}  // namespace bucketflow::onboarding::internal

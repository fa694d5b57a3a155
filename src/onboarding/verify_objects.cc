// The probe object's round trip (put, get, list, delete) and the two CORS requests a browser
// makes against its presigned URL; plus the report helpers every check file shares.
#include <string>
#include <utility>

#include "core/random.h"
#include "onboarding/policies.h"
#include "onboarding/verify_internal.h"

namespace bucketflow::onboarding::internal {
namespace {

constexpr std::string_view kScratchDir = ".bucketflow-verify";
constexpr std::string_view kAnyOrigin = "https://bucketflow.invalid";
constexpr uint64_t kMaxProbeBytes = 4096;
// The presigned URL lives only as long as the two CORS requests need.
constexpr int64_t kPresignSeconds = 300;

void Add(Report& report, std::string_view name, Check::Outcome outcome, std::string reason,
         std::string fix) {
  report.checks.push_back({.name = std::string(name),
                           .outcome = outcome,
                           .reason = std::move(reason),
                           .fix = std::move(fix)});
}

std::string CorsFix(const VerifyTarget& target) {
  const std::string_view origin =
      ValidateUiOrigin(target.ui_origin).ok() ? std::string_view(target.ui_origin) : "";
  return "put this CORS rule on bucket " + target.bucket +
         " as its owner: " + CorsRulesJson(origin);
}

// The Access-Control-Allow-Origin a browser needs to see: our origin or "*".
Status CheckAllowOrigin(const http::ClientResponse& response, std::string_view origin) {
  const std::optional<std::string_view> allowed = response.Header("Access-Control-Allow-Origin");
  if (!allowed) {
    return Status::FailedPrecondition("HTTP ", response.status,
                                      " without Access-Control-Allow-Origin");
  }
  if (*allowed != "*" && *allowed != origin) {
    return Status::FailedPrecondition("Access-Control-Allow-Origin is '", *allowed, "', not '",
                                      origin, "' or '*'");
  }
  if (response.status != 200) {
    return Status::FailedPrecondition("HTTP ", response.status);
  }
  return Status::Ok();
}

// One CORS request against the presigned URL: the preflight (OPTIONS) or the GET itself.
void CheckCors(VerifyRun& run, const Result<std::string>& url, bool preflight) {
  const std::string_view name = preflight ? "cors preflight" : "cors get";
  if (!url.ok()) {
    Add(run.report, name, Check::Outcome::kFail,
        "cannot presign a GET of the probe object: " + url.status().message(),
        "check the role's credentials");
    return;
  }
  const std::string origin = CorsOrigin(run.target);
  http::ClientRequest request{.method = preflight ? "OPTIONS" : "GET", .url = *url};
  request.headers.emplace_back("Origin", origin);
  if (preflight) {
    request.headers.emplace_back("Access-Control-Request-Method", "GET");
  }
  Result<http::ClientResponse> response = run.deps.transport.Send(request);
  const Status allowed =
      response.ok() ? CheckAllowOrigin(*response, origin) : Status(response.status());
  const std::string what = preflight ? "the preflight (OPTIONS, Access-Control-Request-Method GET)"
                                     : "a GET of the presigned URL";
  if (!allowed.ok()) {
    Add(run.report, name, Check::Outcome::kFail,
        what + " with Origin " + origin + " got " + allowed.message() +
            ": the web UI cannot preview artifacts",
        CorsFix(run.target));
    return;
  }
  AddPass(run.report, name, what + " with Origin " + origin + " is allowed");
}

bool CheckPut(VerifyRun& run, const std::string& key, const std::string& body) {
  Result<std::string> put =
      run.client.PutObject({.bucket = run.target.bucket, .key = key, .body = {.data = body}});
  if (!put.ok()) {
    Add(run.report, "put object", Check::Outcome::kFail,
        "PutObject " + key + ": " + put.status().message() +
            ". The get, list, CORS and delete checks need it and were not run.",
        PolicyFix(run.target.bucket));
    return false;
  }
  AddPass(run.report, "put object", "wrote " + key);
  return true;
}

void CheckGet(VerifyRun& run, const std::string& key, const std::string& body) {
  Result<std::string> got =
      run.client.GetObjectToString({.bucket = run.target.bucket, .key = key}, kMaxProbeBytes);
  if (!got.ok()) {
    Add(run.report, "get object", Check::Outcome::kFail,
        "GetObject " + key + ": " + got.status().message(), PolicyFix(run.target.bucket));
  } else if (*got != body) {
    Add(run.report, "get object", Check::Outcome::kFail,
        "GetObject " + key + " returned other bytes than were written",
        "check that nothing rewrites objects in the bucket (a proxy, object lambda)");
  } else {
    AddPass(run.report, "get object", "read " + key + " back intact");
  }
}

void CheckList(VerifyRun& run, const std::string& key) {
  Result<s3::ListObjectsV2Result> listed =
      run.client.ListObjectsV2({.bucket = run.target.bucket, .prefix = key, .max_keys = 10});
  if (!listed.ok()) {
    Add(run.report, "list objects", Check::Outcome::kFail,
        "ListObjectsV2 with prefix " + key + ": " + listed.status().message(),
        PolicyFix(run.target.bucket));
    return;
  }
  for (const s3::ListedObject& object : listed->contents) {
    if (object.key == key) {
      AddPass(run.report, "list objects", "ListObjectsV2 finds " + key);
      return;
    }
  }
  Add(run.report, "list objects", Check::Outcome::kFail,
      "ListObjectsV2 with prefix " + key + " does not return the object just written",
      "check that the endpoint lists what it stores (read-after-write consistency)");
}

void CheckDelete(VerifyRun& run, const std::string& key) {
  const Status deleted = run.client.DeleteObject(run.target.bucket, key);
  if (!deleted.ok()) {
    Add(run.report, "delete object", Check::Outcome::kFail,
        "DeleteObject " + key + ": " + deleted.message() + "; the probe object is left behind",
        PolicyFix(run.target.bucket) + ", then delete " + key + " as the bucket owner");
    return;
  }
  AddPass(run.report, "delete object", "deleted " + key);
}

}  // namespace

void AddPass(Report& report, std::string_view name, std::string reason) {
  Add(report, name, Check::Outcome::kPass, std::move(reason), "");
}

void AddWarn(Report& report, std::string_view name, std::string reason, std::string fix) {
  Add(report, name, Check::Outcome::kWarn, std::move(reason), std::move(fix));
}

void AddFail(Report& report, std::string_view name, std::string reason, std::string fix) {
  Add(report, name, Check::Outcome::kFail, std::move(reason), std::move(fix));
}

std::string PolicyFix(std::string_view bucket) {
  if (!ValidateBucketName(bucket).ok()) {
    // A legacy name PermissionPolicyJson does not take; the same policy in words.
    const std::string arn = "arn:aws:s3:::" + std::string(bucket);
    return "give the role s3:ListBucket on " + arn +
           " and s3:PutObject, s3:GetObject, "
           "s3:DeleteObject, s3:AbortMultipartUpload on " +
           arn + "/*";
  }
  return "give the role exactly this permission policy: " +
         PermissionPolicyJson(bucket, /*allow_abort_multipart=*/true);
}

std::string ProbeKey(const VerifyTarget& target) {
  std::string key = target.prefix.empty() ? "" : target.prefix + "/";
  return key + std::string(kScratchDir) + "/" + RandomHex(8);
}

std::string CorsOrigin(const VerifyTarget& target) {
  return target.ui_origin.empty() ? std::string(kAnyOrigin) : target.ui_origin;
}

void CheckProbeObject(VerifyRun& run) {
  const std::string key = ProbeKey(run.target);
  const std::string body = "bucketflow verify probe " + key + "\n";
  if (!CheckPut(run, key, body)) {
    return;
  }
  // Everything between put and delete only reports: the delete below always runs.
  CheckGet(run, key, body);
  CheckList(run, key);
  const Result<std::string> url = run.client.PresignGetObject(
      {.bucket = run.target.bucket, .key = key, .expires_seconds = kPresignSeconds});
  CheckCors(run, url, /*preflight=*/true);
  CheckCors(run, url, /*preflight=*/false);
  CheckDelete(run, key);
}

}  // namespace bucketflow::onboarding::internal

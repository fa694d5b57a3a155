// `bucketflow workspace bucket set|clear`: registers a workspace's own bucket only after the
// same verification `bucketflow bucket verify` runs passes, with Bucketflow's credentials from
// this process's environment (run it where the server's AWS credentials are).
#include <boost/json.hpp>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "app/config.h"
#include "app/workspace_artifacts.h"
#include "cli/admin_output.h"
#include "cli/workspace_commands.h"

namespace bucketflow::cli {
namespace {

namespace json = boost::json;

struct BucketFlags {
  std::string workspace;
  std::string bucket;
  std::string role_arn;
  std::string prefix;
  std::string region;
  std::string s3_endpoint_url;
  std::string sts_endpoint_url;
  std::string s3_addressing;
  std::string external_id;
};

// The flags, with region and endpoints falling back to the AWS environment variables as for
// `bucketflow server` and `bucketflow bucket verify`.
store::WorkspaceBucket FromFlags(const BucketFlags& flags) {
  store::WorkspaceBucket bucket;
  bucket.bucket = flags.bucket;
  bucket.prefix = flags.prefix;
  bucket.region = app::FlagOrEnv(flags.region, {"AWS_REGION", "AWS_DEFAULT_REGION"});
  bucket.s3_endpoint =
      app::FlagOrEnv(flags.s3_endpoint_url, {"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"});
  bucket.sts_endpoint =
      app::FlagOrEnv(flags.sts_endpoint_url, {"AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"});
  bucket.addressing = flags.s3_addressing;
  bucket.role_arn = flags.role_arn;
  bucket.external_id = flags.external_id;
  return bucket;
}

// The first FAIL check as one line, or "" when none failed.
std::string FirstFailure(const std::vector<api::BucketCheck>& checks) {
  for (const api::BucketCheck& check : checks) {
    if (check.outcome == "FAIL") {
      return check.name + ": " + check.reason;
    }
  }
  return "";
}

int Register(AdminDb& db, const store::Workspace& workspace, const store::WorkspaceBucket& bucket) {
  if (Status set = db.access().SetWorkspaceBucket(workspace.id, bucket); !set.ok()) {
    return Fail(kExitFailure, set.message());
  }
  const std::string detail = json::serialize(json::object{
      {"bucket", bucket.bucket}, {"prefix", bucket.prefix}, {"role_arn", bucket.role_arn}});
  if (Status audit = db.Audit(workspace.name, "bucket.set", workspace.name, detail); !audit.ok()) {
    return AuditFailed(audit);
  }
  std::printf("Registered %s for workspace %s (role %s, External ID %s)\n",
              BucketLabel(bucket).c_str(), workspace.name.c_str(), bucket.role_arn.c_str(),
              bucket.external_id.c_str());
  return 0;
}

int RunSet(const AdminCommandState& state, const BucketFlags& flags) {
  if (Status valid = ValidateWorkspaceName(flags.workspace); !valid.ok()) {
    return Fail(kExitUsage, valid.message());
  }
  return WithDb(state, [&flags](AdminDb& db) {
    Result<store::Workspace> workspace = db.access().GetWorkspace(flags.workspace);
    if (!workspace.ok()) {
      return Fail(kExitFailure, workspace.status().message());
    }
    Result<store::WorkspaceBucket> bucket =
        app::NormalizeWorkspaceBucket(*workspace, FromFlags(flags));
    if (!bucket.ok()) {
      return Fail(kExitUsage, bucket.status().message());
    }
    if (Status shared = app::CheckBucketNotShared(db.access(), *workspace, *bucket); !shared.ok()) {
      return Fail(kExitFailure, "bucket not registered: " + shared.message());
    }
    const std::vector<api::BucketCheck> checks =
        app::VerifyWorkspaceBucket(*workspace, *bucket, db.clock);
    std::fputs(RenderChecks(checks).c_str(), stdout);
    std::fflush(stdout);
    if (const std::string failure = FirstFailure(checks); !failure.empty()) {
      return Fail(kExitFailure, "bucket not registered: " + failure);
    }
    return Register(db, *workspace, *bucket);
  });
}

int RunClear(const AdminCommandState& state, const BucketFlags& flags) {
  return WithDb(state, [&flags](AdminDb& db) {
    Result<store::Workspace> workspace = db.access().GetWorkspace(flags.workspace);
    if (!workspace.ok()) {
      return Fail(kExitFailure, workspace.status().message());
    }
    if (!workspace->bucket.has_value()) {
      std::printf("Workspace %s has no bucket: nothing to clear\n", workspace->name.c_str());
      return 0;
    }
    if (Status set = db.access().SetWorkspaceBucket(workspace->id, std::nullopt); !set.ok()) {
      return Fail(kExitFailure, set.message());
    }
    const std::string detail = json::serialize(
        json::object{{"bucket", workspace->bucket->bucket}, {"prefix", workspace->bucket->prefix}});
    if (Status audit = db.Audit(workspace->name, "bucket.clear", workspace->name, detail);
        !audit.ok()) {
      return AuditFailed(audit);
    }
    std::printf(
        "Cleared the bucket of workspace %s: new artifacts go to the server's local directory; "
        "the objects in %s are left\n",
        workspace->name.c_str(), BucketLabel(workspace->bucket).c_str());
    return 0;
  });
}

void AddSetFlags(CLI::App& set, BucketFlags& flags) {
  set.add_option("name", flags.workspace, "Workspace name")->required();
  set.add_option("--bucket", flags.bucket, "The workspace's artifact bucket")->required();
  set.add_option("--role-arn", flags.role_arn, "The role Bucketflow assumes")->required();
  set.add_option("--prefix", flags.prefix, "Key prefix in the bucket (no leading or trailing /)");
  set.add_option("--region", flags.region, "Region (AWS_REGION, AWS_DEFAULT_REGION, us-east-1)");
  set.add_option("--s3-endpoint-url", flags.s3_endpoint_url,
                 "S3 endpoint (AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL)");
  set.add_option("--sts-endpoint-url", flags.sts_endpoint_url,
                 "STS endpoint (AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL)");
  set.add_option("--s3-addressing", flags.s3_addressing, "auto (default), path or virtual");
  set.add_option("--external-id", flags.external_id,
                 "The External ID the role requires (default: the workspace's)");
}

}  // namespace

void AddWorkspaceBucketCommands(CLI::App& workspace, AdminCommandState& state) {
  CLI::App* group = workspace.add_subcommand("bucket", "Register or clear a workspace's bucket");
  group->set_help_flag("--help", "Print this help and exit");
  group->require_subcommand(1);
  // Shared by the callbacks below, which CLI11 keeps as long as the App.
  auto flags = std::make_shared<BucketFlags>();

  CLI::App* set = AddAdminCommand(
      *group, "set", "Verify a bucket and role and, when no check fails, register them", state);
  AddSetFlags(*set, *flags);
  set->callback([&state, flags] { state.exit_code = RunSet(state, *flags); });

  CLI::App* clear = AddAdminCommand(
      *group, "clear", "Forget the workspace's bucket (back to the local directory)", state);
  clear->add_option("name", flags->workspace, "Workspace name")->required();
  clear->callback([&state, flags] { state.exit_code = RunClear(state, *flags); });
}

}  // namespace bucketflow::cli

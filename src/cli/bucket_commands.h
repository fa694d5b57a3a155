#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "onboarding/plan.h"

namespace bucketflow::cli {

// What `bucket plan` and `bucket apply` parse into. Owned by main() so it outlives parsing.
struct BucketCommandState {
  onboarding::PlanFlags flags;
  std::string format = "text";
  // Endpoint flags (apply only); empty: the AWS environment variables, then AWS's defaults.
  std::string s3_endpoint_url;
  std::string sts_endpoint_url;
  std::string iam_endpoint_url;
  std::string s3_addressing = "auto";
  // Set by the subcommand that ran: 0 success, 1 failure, 2 bad input.
  int exit_code = 0;
};

// Adds `bucket` with `plan`, `apply` and `verify` to `app`. The subcommands run from their
// parse callbacks and leave their exit status in `state.exit_code`. Returns the group, so the
// caller can tell it was parsed.
CLI::App* AddBucketCommands(CLI::App& app, BucketCommandState& state);

}  // namespace bucketflow::cli

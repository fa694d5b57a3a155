#pragma once

#include <CLI/CLI.hpp>

namespace bucketflow::cli {

// Adds `verify` to the `bucket` group: `verify --bucket B --role-arn ARN [--external-id X]
// [--ui-origin URL] [--other-bucket B2] [--json]` plus the endpoint flags and AWS environment
// variables of the server's S3 client. It runs from its parse callback, prints the report on
// stdout, and writes its exit status to `exit_code`: 0 when no check failed, 1 when one did or
// verify could not run, 2 for bad input. `exit_code` must outlive parsing.
void AddBucketVerifyCommand(CLI::App& bucket, int& exit_code);

}  // namespace bucketflow::cli

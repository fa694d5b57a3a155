#pragma once

#include <string>

#include "api/request_params.h"
#include "api/services.h"
#include "core/status.h"

// /mlflow/experiments/{create,get,get-by-name,update,delete,restore,set-experiment-tag}.
// Each returns the JSON response body or the error to report.
namespace bucketflow::api {

Result<std::string> CreateExperiment(const RequestParams& params, Services& services);
Result<std::string> GetExperiment(const RequestParams& params, Services& services);
Result<std::string> GetExperimentByName(const RequestParams& params, Services& services);
Result<std::string> UpdateExperiment(const RequestParams& params, Services& services);
Result<std::string> DeleteExperiment(const RequestParams& params, Services& services);
Result<std::string> RestoreExperiment(const RequestParams& params, Services& services);
Result<std::string> SetExperimentTag(const RequestParams& params, Services& services);

}  // namespace bucketflow::api

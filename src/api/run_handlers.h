#pragma once

#include <string>

#include "api/request_params.h"
#include "api/services.h"
#include "core/status.h"

// /mlflow/runs/{create,get,update,delete,restore,set-tag,delete-tag,log-parameter,log-model,
// log-inputs}. Each returns the JSON response body or the error to report.
namespace bucketflow::api {

Result<std::string> CreateRun(const RequestParams& params, Services& services);
Result<std::string> GetRun(const RequestParams& params, Services& services);
Result<std::string> UpdateRun(const RequestParams& params, Services& services);
Result<std::string> DeleteRun(const RequestParams& params, Services& services);
Result<std::string> RestoreRun(const RequestParams& params, Services& services);
Result<std::string> SetTag(const RequestParams& params, Services& services);
Result<std::string> DeleteTag(const RequestParams& params, Services& services);
Result<std::string> LogParameter(const RequestParams& params, Services& services);
// In run_inputs_handlers.cc:
Result<std::string> LogModel(const RequestParams& params, Services& services);
Result<std::string> LogInputs(const RequestParams& params, Services& services);

// The tag that mirrors a run's name.
inline constexpr char kRunNameTag[] = "mlflow.runName";

}  // namespace bucketflow::api

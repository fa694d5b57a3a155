#pragma once

#include <string>

#include "api/request_params.h"
#include "api/services.h"
#include "core/status.h"

// experiments/search (GET and POST), runs/search and the UI's experiments/search-datasets.
namespace bucketflow::api {

Result<std::string> SearchExperiments(const RequestParams& params, Services& services);
Result<std::string> SearchRuns(const RequestParams& params, Services& services);
Result<std::string> SearchDatasets(const RequestParams& params, Services& services);

}  // namespace bucketflow::api

#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.h"

// MLflow's entity validation rules and messages (mlflow/utils/validation.py). All failures are
// kInvalidArgument. Lengths count Unicode code points, as Python's len() does.
namespace bucketflow::model {

inline constexpr size_t kMaxEntityKeyLength = 250;
inline constexpr size_t kMaxParamValueLength = 6000;
inline constexpr size_t kMaxRunTagValueLength = 8000;
inline constexpr size_t kMaxExperimentTagValueLength = 5000;
inline constexpr size_t kMaxExperimentNameLength = 500;
inline constexpr size_t kMaxMetricsPerBatch = 1000;
inline constexpr size_t kMaxParamsTagsPerBatch = 100;
inline constexpr size_t kMaxEntitiesPerBatch = 1000;
inline constexpr size_t kMaxBatchRequestBytes = 1000000;

// Code points in a UTF-8 string.
size_t CodePointLength(std::string_view text);
// posixpath.normpath.
std::string NormalizePosixPath(std::string_view path);

// Key names: allowed charset (alphanumerics, _ - . space : /), no path tricks ("a/../b",
// "./a", "/a"), at most 250 characters. `path` names the request field in messages ("key",
// "name", "metrics[3].key").
Status ValidateMetricName(std::string_view name, std::string_view path);
Status ValidateParamName(std::string_view name, std::string_view path);
Status ValidateTagName(std::string_view name, std::string_view path);

// Values. MLflow silently truncates long param and run tag values; Bucketflow refuses them.
Status ValidateParamValue(std::string_view value);
Status ValidateRunTagValue(std::string_view value);
Status ValidateExperimentTagValue(std::string_view value);

// Experiment names: at most 500 characters. `field` is "name" or "new_name".
Status ValidateExperimentName(std::string_view name, std::string_view field);

// log-batch counts: 1000 metrics, 100 params, 100 tags, 1000 in all.
Status ValidateBatchLimits(size_t metrics, size_t params, size_t tags);

}  // namespace bucketflow::model

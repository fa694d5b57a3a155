#include "api/metric_handlers.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <set>

#include "api/handler_common.h"
#include "api/json_writer.h"
#include "model/validation.h"

namespace bucketflow::api {
namespace {

namespace json = boost::json;

std::string Indexed(std::string_view list, size_t index) {
  return std::string(list) + "[" + std::to_string(index) + "]";
}

// A metric from log-metric's fields or a log-batch item; `path` names the key field in
// validation messages.
Result<model::Metric> ReadMetric(const RequestParams& fields, std::string_view path) {
  model::Metric metric;
  ASSIGN_OR_RETURN(metric.key, fields.RequiredString("key"));
  if (!fields.Has("value")) return fields.RequiredString("value").status();
  ASSIGN_OR_RETURN(std::optional<double> value, fields.OptionalDouble("value"));
  if (!fields.Has("timestamp")) return fields.RequiredString("timestamp").status();
  ASSIGN_OR_RETURN(std::optional<int64_t> timestamp, fields.OptionalInt64("timestamp"));
  ASSIGN_OR_RETURN(std::optional<int64_t> step, fields.OptionalInt64("step"));
  RETURN_IF_ERROR(model::ValidateMetricName(metric.key, path));
  metric.value = *value;
  metric.timestamp = *timestamp;
  metric.step = step.value_or(0);
  return metric;
}

Result<model::Param> ReadParam(const RequestParams& fields, std::string_view path) {
  model::Param param;
  ASSIGN_OR_RETURN(param.key, fields.RequiredString("key"));
  ASSIGN_OR_RETURN(param.value, fields.StringOr("value", ""));
  RETURN_IF_ERROR(model::ValidateParamName(param.key, path));
  RETURN_IF_ERROR(model::ValidateParamValue(param.value));
  return param;
}

Result<model::Tag> ReadTag(const RequestParams& fields, std::string_view path) {
  model::Tag tag;
  ASSIGN_OR_RETURN(tag.key, fields.RequiredString("key"));
  ASSIGN_OR_RETURN(tag.value, fields.StringOr("value", ""));
  RETURN_IF_ERROR(model::ValidateTagName(tag.key, path));
  RETURN_IF_ERROR(model::ValidateRunTagValue(tag.value));
  return tag;
}

template <typename T, typename Reader>
Result<std::vector<T>> ReadBatchItems(const json::array& items, std::string_view list,
                                      Reader reader) {
  std::vector<T> out;
  out.reserve(items.size());
  for (size_t index = 0; index < items.size(); ++index) {
    std::string prefix = Indexed(list, index);
    RequestParams fields = NestedParams(items[index].get_object(), prefix);
    ASSIGN_OR_RETURN(T item, reader(fields, prefix + ".key"));
    out.push_back(std::move(item));
  }
  return out;
}

// MLflow refuses a batch naming one param key twice, even with equal values.
Status CheckDuplicateParams(const std::vector<model::Param>& params) {
  std::set<std::string_view> seen;
  std::vector<std::string_view> duplicates;
  for (const model::Param& param : params) {
    if (!seen.insert(param.key).second &&
        std::find(duplicates.begin(), duplicates.end(), param.key) == duplicates.end()) {
      duplicates.push_back(param.key);
    }
  }
  if (duplicates.empty()) return Status::Ok();
  std::string list;
  for (std::string_view key : duplicates) {
    list += (list.empty() ? "'" : ", '") + std::string(key) + "'";
  }
  return Status::InvalidArgument("Duplicate parameter keys have been submitted: [", list,
                                 "]. Please ensure the request contains only one param value "
                                 "per param key.");
}

}  // namespace

Result<std::string> LogMetric(const RequestParams& params, Services& services) {
  ASSIGN_OR_RETURN(std::string run_id, params.RunId());
  ASSIGN_OR_RETURN(model::Metric metric, ReadMetric(params, "name"));
  model::Metric metrics[] = {std::move(metric)};
  RETURN_IF_ERROR(services.store.LogBatch(run_id, metrics, {}, {}));
  return EmptyJson();
}

Result<std::string> LogBatch(const RequestParams& params, Services& services) {
  // MLflow measures its 1 MB limit on the JSON string of a double-encoded body only; a plain
  // JSON body of any size is accepted, and clients rely on that for 100 long params + tags.
  if (params.double_encoded_size().value_or(0) > model::kMaxBatchRequestBytes) {
    return Status::InvalidArgument("Batched logging API requests must be at most ",
                                   model::kMaxBatchRequestBytes, " bytes, got a request of size ",
                                   *params.double_encoded_size(), ".");
  }
  ASSIGN_OR_RETURN(std::string run_id, params.RunId());
  ASSIGN_OR_RETURN(const json::array* metric_items, params.ObjectList("metrics"));
  ASSIGN_OR_RETURN(const json::array* param_items, params.ObjectList("params"));
  ASSIGN_OR_RETURN(const json::array* tag_items, params.ObjectList("tags"));
  RETURN_IF_ERROR(
      model::ValidateBatchLimits(metric_items->size(), param_items->size(), tag_items->size()));
  ASSIGN_OR_RETURN(std::vector<model::Metric> metrics,
                   ReadBatchItems<model::Metric>(*metric_items, "metrics", ReadMetric));
  ASSIGN_OR_RETURN(std::vector<model::Param> param_list,
                   ReadBatchItems<model::Param>(*param_items, "params", ReadParam));
  ASSIGN_OR_RETURN(std::vector<model::Tag> tags,
                   ReadBatchItems<model::Tag>(*tag_items, "tags", ReadTag));
  RETURN_IF_ERROR(CheckDuplicateParams(param_list));
  RETURN_IF_ERROR(services.store.LogBatch(run_id, metrics, param_list, tags));
  return EmptyJson();
}

Result<std::string> GetMetricHistory(const RequestParams& params, Services& services) {
  ASSIGN_OR_RETURN(std::string run_id, params.RunId());
  ASSIGN_OR_RETURN(std::string metric_key, params.RequiredString("metric_key"));
  ASSIGN_OR_RETURN(std::vector<model::Metric> history,
                   services.store.GetMetricHistory(run_id, metric_key));
  if (history.empty()) return EmptyJson();
  // Straight into one buffer: a 100k-point history is ~7 MB of JSON.
  std::string points;
  AppendMetricArray(points, metric_key, history);
  JsonWriter writer;
  writer.Reserve(points.size() + 16);
  writer.BeginObject();
  writer.Key("metrics");
  writer.RawValue(points);
  writer.EndObject();
  return writer.Take();
}

}  // namespace bucketflow::api

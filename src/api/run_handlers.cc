#include "api/run_handlers.h"

#include <boost/json/array.hpp>

#include "api/handler_common.h"
#include "api/json_writer.h"
#include "api/run_names.h"
#include "model/run_status.h"
#include "model/validation.h"

namespace bucketflow::api {
namespace {

Result<std::vector<model::Tag>> ReadRunTags(const RequestParams& params) {
  ASSIGN_OR_RETURN(const boost::json::array* tags, params.ObjectList("tags"));
  std::vector<model::Tag> out;
  out.reserve(tags->size());
  for (size_t tag_idx = 0; tag_idx < tags->size(); ++tag_idx) {
    RequestParams tag = NestedParams((*tags)[tag_idx].get_object());
    std::string path = "tags[" + std::to_string(tag_idx) + "].key";
    ASSIGN_OR_RETURN(std::string key, tag.RequiredString("key"));
    ASSIGN_OR_RETURN(std::string value, tag.StringOr("value", ""));
    RETURN_IF_ERROR(model::ValidateTagName(key, path));
    RETURN_IF_ERROR(model::ValidateRunTagValue(value));
    out.push_back({std::move(key), std::move(value)});
  }
  return out;
}

// run_name and the mlflow.runName tag must agree; either names the run, neither means a
// generated name. The tag itself is dropped: the store mirrors run_name into it.
Result<std::string> ResolveRunName(std::optional<std::string> run_name,
                                   std::vector<model::Tag>& tags) {
  std::optional<std::string> tag_name;
  std::erase_if(tags, [&](const model::Tag& tag) {
    if (tag.key != kRunNameTag) return false;
    tag_name = tag.value;
    return true;
  });
  if (run_name.has_value() && run_name->empty()) run_name.reset();
  if (run_name.has_value() && tag_name.has_value() && *run_name != *tag_name) {
    return Status::InvalidArgument(
        "Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different "
        "values (run_name='",
        *run_name, "', mlflow.runName='", *tag_name, "').");
  }
  if (run_name.has_value()) return std::move(*run_name);
  if (tag_name.has_value() && !tag_name->empty()) return std::move(*tag_name);
  return GenerateRunName();
}

// RunStatus by name ("FINISHED") or by proto enum number (3).
Result<std::optional<model::RunStatus>> ReadRunStatus(const RequestParams& params) {
  const boost::json::value* value = params.Find("status");
  if (value == nullptr) return std::optional<model::RunStatus>();
  std::optional<model::RunStatus> status;
  if (value->is_string()) {
    status = model::ParseRunStatus(std::string_view(value->get_string()));
  } else if (value->is_int64() && value->get_int64() >= 1 && value->get_int64() <= 5) {
    status = static_cast<model::RunStatus>(value->get_int64() - 1);
  }
  // MLflow ignores an unknown status (a 200 no-op); we tell the client.
  if (!status.has_value()) {
    return Status::InvalidArgument(
        "Invalid value ", JsonRepr(*value),
        " for parameter 'status' supplied: must be one of RUNNING, SCHEDULED, FINISHED, FAILED, "
        "KILLED.");
  }
  return status;
}

// log-parameter words a changed value differently from log-batch (whose message the store
// produces). Ok when the param is new or unchanged.
Status CheckParamUnchanged(Services& services, std::string_view run_id, const model::Param& param) {
  ASSIGN_OR_RETURN(model::Run run, services.store.GetRun(run_id));
  for (const model::Param& existing : run.params) {
    if (existing.key != param.key || existing.value == param.value) continue;
    return Status::InvalidArgument("Changing param values is not allowed. Param with key='",
                                   param.key, "' was already logged with value='", existing.value,
                                   "' for run ID='", run_id, "'. Attempted logging new value '",
                                   param.value, "'.");
  }
  return Status::Ok();
}

Status LogTag(Services& services, std::string_view run_id, model::Tag tag) {
  model::Tag tags[] = {std::move(tag)};
  return services.store.LogBatch(run_id, {}, {}, tags);
}

}  // namespace

Result<std::string> CreateRun(const RequestParams& params, Services& services) {
  ASSIGN_OR_RETURN(std::string experiment_id, params.RequiredExperimentId("experiment_id"));
  ASSIGN_OR_RETURN(std::string user_id, params.StringOr("user_id", ""));
  ASSIGN_OR_RETURN(std::optional<std::string> run_name, params.OptionalString("run_name"));
  ASSIGN_OR_RETURN(std::optional<int64_t> start_time, params.OptionalInt64("start_time"));
  ASSIGN_OR_RETURN(std::vector<model::Tag> tags, ReadRunTags(params));
  ASSIGN_OR_RETURN(std::string resolved_name, ResolveRunName(std::move(run_name), tags));
  ASSIGN_OR_RETURN(model::Run run, services.store.CreateRun({
                                       .experiment_id = std::move(experiment_id),
                                       .user_id = std::move(user_id),
                                       .run_name = std::move(resolved_name),
                                       .start_time = start_time.value_or(0),
                                       .tags = std::move(tags),
                                   }));
  JsonWriter writer;
  writer.BeginObject();
  writer.Key("run");
  WriteRun(writer, run, /*with_inputs=*/false);
  writer.EndObject();
  return writer.Take();
}

Result<std::string> GetRun(const RequestParams& params, Services& services) {
  ASSIGN_OR_RETURN(std::string run_id, params.RunId());
  ASSIGN_OR_RETURN(model::Run run, services.store.GetRun(run_id));
  JsonWriter writer;
  writer.BeginObject();
  writer.Key("run");
  WriteRun(writer, run, /*with_inputs=*/true);
  writer.EndObject();
  return writer.Take();
}

Result<std::string> UpdateRun(const RequestParams& params, Services& services) {
  ASSIGN_OR_RETURN(std::string run_id, params.RunId());
  ASSIGN_OR_RETURN(std::optional<model::RunStatus> status, ReadRunStatus(params));
  ASSIGN_OR_RETURN(std::optional<int64_t> end_time, params.OptionalInt64("end_time"));
  ASSIGN_OR_RETURN(std::optional<std::string> run_name, params.OptionalString("run_name"));
  if (run_name.has_value() && run_name->empty()) run_name.reset();
  ASSIGN_OR_RETURN(model::RunInfo info, services.store.UpdateRun({
                                            .run_id = std::move(run_id),
                                            .status = status,
                                            .end_time = end_time,
                                            .run_name = std::move(run_name),
                                        }));
  JsonWriter writer;
  writer.BeginObject();
  writer.Key("run_info");
  WriteRunInfo(writer, info);
  writer.EndObject();
  return writer.Take();
}

Result<std::string> DeleteRun(const RequestParams& params, Services& services) {
  ASSIGN_OR_RETURN(std::string run_id, params.RunId());
  RETURN_IF_ERROR(services.store.DeleteRun(run_id));
  return EmptyJson();
}

Result<std::string> RestoreRun(const RequestParams& params, Services& services) {
  ASSIGN_OR_RETURN(std::string run_id, params.RunId());
  RETURN_IF_ERROR(services.store.RestoreRun(run_id));
  return EmptyJson();
}

Result<std::string> SetTag(const RequestParams& params, Services& services) {
  ASSIGN_OR_RETURN(std::string run_id, params.RunId());
  ASSIGN_OR_RETURN(std::string key, params.RequiredString("key"));
  ASSIGN_OR_RETURN(std::string value, params.StringOr("value", ""));
  RETURN_IF_ERROR(model::ValidateTagName(key, "key"));
  RETURN_IF_ERROR(model::ValidateRunTagValue(value));
  RETURN_IF_ERROR(LogTag(services, run_id, {std::move(key), std::move(value)}));
  return EmptyJson();
}

Result<std::string> DeleteTag(const RequestParams& params, Services& services) {
  ASSIGN_OR_RETURN(std::string run_id, params.RunId());
  ASSIGN_OR_RETURN(std::string key, params.RequiredString("key"));
  RETURN_IF_ERROR(services.store.DeleteTag(run_id, key));
  return EmptyJson();
}

Result<std::string> LogParameter(const RequestParams& params, Services& services) {
  ASSIGN_OR_RETURN(std::string run_id, params.RunId());
  ASSIGN_OR_RETURN(std::string key, params.RequiredString("key"));
  ASSIGN_OR_RETURN(std::string value, params.StringOr("value", ""));
  RETURN_IF_ERROR(model::ValidateParamName(key, "key"));
  RETURN_IF_ERROR(model::ValidateParamValue(value));
  model::Param param_list[] = {{std::move(key), std::move(value)}};
  Status logged = services.store.LogBatch(run_id, {}, param_list, {});
  if (logged.code() == Code::kInvalidArgument) {
    // Read the run only on failure, to word a changed value as log-parameter does.
    RETURN_IF_ERROR(CheckParamUnchanged(services, run_id, param_list[0]));
  }
  RETURN_IF_ERROR(logged);
  return EmptyJson();
}

}  // namespace bucketflow::api

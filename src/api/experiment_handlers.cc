#include "api/experiment_handlers.h"

#include <boost/json/array.hpp>

#include "api/handler_common.h"
#include "api/json_writer.h"
#include "core/strings.h"
#include "model/validation.h"

namespace bucketflow::api {
namespace {

// MLflow's _validate_experiment_artifact_location and validate_query_string.
Status ValidateArtifactLocation(std::string_view location) {
  if (location.starts_with("runs:")) {
    return Status::InvalidArgument(
        "Artifact location cannot be a runs:/ URI. Please specify a valid artifact location.");
  }
  if (location.find('#') != std::string_view::npos) {
    return Status::InvalidArgument("'artifact_location' URL can't include fragments or params.");
  }
  size_t query = location.find('?');
  if (query != std::string_view::npos) {
    std::string_view raw = location.substr(query + 1);
    std::string decoded = UrlDecode(raw, true).value_or(std::string(raw));
    if (decoded.find("..") != std::string::npos) {
      return Status::InvalidArgument("Invalid query string");
    }
  }
  return Status::Ok();
}

// With --auth a tenant may not choose where an experiment's artifacts go: file:// or a path
// would let them read the server's disk, s3:// someone else's bucket, and a proxied location
// other than "<root>/<experiment id>" would fall outside the artifact paths the gate confines
// to the workspace's experiments.
Status CheckTenantArtifactLocation(std::string_view location, const Services& services) {
  const bool auth_on =
      services.scope != nullptr && services.access != nullptr && services.access->enabled();
  if (!auth_on || location.empty()) {
    return Status::Ok();
  }
  return Status::InvalidArgument(
      "with --auth, experiments keep their artifacts in the workspace's artifact store; omit "
      "artifact_location");
}

// Experiment tags at creation are stored as given (MLflow does not validate them there), but a
// tag must at least be an object of strings.
Result<std::vector<model::Tag>> ReadExperimentTags(const RequestParams& params) {
  ASSIGN_OR_RETURN(const boost::json::array* tags, params.ObjectList("tags"));
  std::vector<model::Tag> out;
  out.reserve(tags->size());
  for (const boost::json::value& item : *tags) {
    RequestParams tag = NestedParams(item.get_object());
    ASSIGN_OR_RETURN(std::string key, tag.StringOr("key", ""));
    ASSIGN_OR_RETURN(std::string value, tag.StringOr("value", ""));
    out.push_back({std::move(key), std::move(value)});
  }
  return out;
}

std::string ExperimentResponse(const model::Experiment& experiment) {
  JsonWriter writer;
  writer.BeginObject();
  writer.Key("experiment");
  WriteExperiment(writer, experiment);
  writer.EndObject();
  return writer.Take();
}

}  // namespace

Result<std::string> CreateExperiment(const RequestParams& params, Services& services) {
  ASSIGN_OR_RETURN(std::string name, params.RequiredString("name"));
  ASSIGN_OR_RETURN(std::string artifact_location, params.StringOr("artifact_location", ""));
  ASSIGN_OR_RETURN(std::vector<model::Tag> tags, ReadExperimentTags(params));
  RETURN_IF_ERROR(model::ValidateExperimentName(name, "name"));
  RETURN_IF_ERROR(ValidateArtifactLocation(artifact_location));
  RETURN_IF_ERROR(CheckTenantArtifactLocation(artifact_location, services));
  ASSIGN_OR_RETURN(std::string experiment_id,
                   services.store.CreateExperiment({.name = std::move(name),
                                                    .artifact_location = artifact_location,
                                                    .tags = std::move(tags)}));
  JsonWriter writer;
  writer.BeginObject();
  writer.StringField("experiment_id", experiment_id);
  writer.EndObject();
  return writer.Take();
}

Result<std::string> GetExperiment(const RequestParams& params, Services& services) {
  ASSIGN_OR_RETURN(std::string experiment_id, params.RequiredExperimentId("experiment_id"));
  ASSIGN_OR_RETURN(model::Experiment experiment, services.store.GetExperiment(experiment_id));
  return ExperimentResponse(experiment);
}

Result<std::string> GetExperimentByName(const RequestParams& params, Services& services) {
  ASSIGN_OR_RETURN(std::string name, params.RequiredString("experiment_name"));
  ASSIGN_OR_RETURN(model::Experiment experiment, services.store.GetExperimentByName(name));
  return ExperimentResponse(experiment);
}

Result<std::string> UpdateExperiment(const RequestParams& params, Services& services) {
  ASSIGN_OR_RETURN(std::string experiment_id, params.RequiredExperimentId("experiment_id"));
  ASSIGN_OR_RETURN(std::string new_name, params.RequiredString("new_name"));
  RETURN_IF_ERROR(model::ValidateExperimentName(new_name, "new_name"));
  ASSIGN_OR_RETURN(model::Experiment experiment, services.store.GetExperiment(experiment_id));
  if (experiment.lifecycle_stage != model::kLifecycleActive) {
    return Status::InvalidArgument("Cannot rename a non-active experiment.");
  }
  RETURN_IF_ERROR(services.store.RenameExperiment(experiment_id, new_name));
  return EmptyJson();
}

Result<std::string> DeleteExperiment(const RequestParams& params, Services& services) {
  ASSIGN_OR_RETURN(std::string experiment_id, params.RequiredExperimentId("experiment_id"));
  RETURN_IF_ERROR(services.store.DeleteExperiment(experiment_id));
  return EmptyJson();
}

Result<std::string> RestoreExperiment(const RequestParams& params, Services& services) {
  ASSIGN_OR_RETURN(std::string experiment_id, params.RequiredExperimentId("experiment_id"));
  RETURN_IF_ERROR(services.store.RestoreExperiment(experiment_id));
  return EmptyJson();
}

Result<std::string> SetExperimentTag(const RequestParams& params, Services& services) {
  ASSIGN_OR_RETURN(std::string experiment_id, params.RequiredExperimentId("experiment_id"));
  ASSIGN_OR_RETURN(std::string key, params.RequiredString("key"));
  ASSIGN_OR_RETURN(std::string value, params.StringOr("value", ""));
  RETURN_IF_ERROR(model::ValidateTagName(key, "key"));
  RETURN_IF_ERROR(model::ValidateExperimentTagValue(value));
  RETURN_IF_ERROR(services.store.SetExperimentTag(experiment_id, {key, value}));
  return EmptyJson();
}

}  // namespace bucketflow::api

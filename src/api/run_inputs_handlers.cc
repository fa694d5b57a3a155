// runs/log-model and runs/log-inputs (declared in api/run_handlers.h).
#include <boost/json/parse.hpp>

#include "api/handler_common.h"
#include "api/json_writer.h"
#include "api/run_handlers.h"

namespace bucketflow::api {
namespace {

namespace json = boost::json;

constexpr char kLogModelHistoryTag[] = "mlflow.log-model.history";

// Python's json.dumps layout (", " and ": " separators), so the history tag reads exactly as
// MLflow writes it.
void AppendPyJson(std::string& out, const json::value& value) {
  switch (value.kind()) {
    case json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& entry : value.get_object()) {
        if (!first) out += ", ";
        first = false;
        out += '"';
        AppendEscaped(out, entry.key());
        out += "\": ";
        AppendPyJson(out, entry.value());
      }
      out += '}';
      return;
    }
    case json::kind::array: {
      out += '[';
      bool first = true;
      for (const json::value& item : value.get_array()) {
        if (!first) out += ", ";
        first = false;
        AppendPyJson(out, item);
      }
      out += ']';
      return;
    }
    case json::kind::string:
      out += '"';
      AppendEscaped(out, value.get_string());
      out += '"';
      return;
    case json::kind::null:
      out += "null";
      return;
    default:
      out += JsonRepr(value);  // numbers as Python prints them, true/false
  }
}

// What MLflow keeps of a logged model in the history tag (Model.get_tags_dict): no signature
// or input example, flavors last without their "config".
json::object HistoryEntry(const json::object& model) {
  json::object out;
  for (const char* key : {"run_id", "artifact_path", "utc_time_created", "model_uuid"}) {
    if (const json::value* value = model.if_contains(key)) out[key] = *value;
  }
  for (const auto& entry : model) {
    std::string_view key = entry.key();
    if (out.contains(key) || key == "flavors" || key == "signature" ||
        key == "saved_input_example_info" || entry.value().is_null()) {
      continue;
    }
    out[key] = entry.value();
  }
  json::object flavors;
  for (const auto& flavor : model.at("flavors").as_object()) {
    json::value config = flavor.value();
    if (config.is_object()) config.as_object().erase("config");
    flavors[flavor.key()] = std::move(config);
  }
  out["flavors"] = std::move(flavors);
  return out;
}

Result<json::object> ParseModelJson(const std::string& model_json) {
  json::error_code ec;
  json::value model = json::parse(model_json, ec);
  if (ec || !model.is_object()) {
    return Status::InvalidArgument("Malformed model info. \n ", model_json,
                                   " \n is not a valid JSON.");
  }
  std::vector<std::string> missing;
  for (const char* key : {"artifact_path", "flavors", "run_id", "utc_time_created"}) {
    if (!model.as_object().contains(key)) missing.push_back(std::string("'") + key + "'");
  }
  if (!missing.empty()) {
    std::string list;
    for (const std::string& key : missing) list += (list.empty() ? "" : ", ") + key;
    return Status::InvalidArgument("Model json is missing mandatory fields: {", list, "}");
  }
  if (!model.as_object().at("flavors").is_object()) {
    return Status::InvalidArgument("Malformed model info: 'flavors' must be a JSON object.");
  }
  return std::move(model.as_object());
}

Result<json::array> CurrentHistory(const model::Run& run) {
  for (const model::Tag& tag : run.tags) {
    if (tag.key != kLogModelHistoryTag) continue;
    json::error_code ec;
    json::value history = json::parse(tag.value, ec);
    if (!ec && history.is_array()) return std::move(history.as_array());
  }
  return json::array();
}

Result<model::DatasetInput> ReadDatasetInput(const json::object& item, size_t index) {
  RequestParams input = NestedParams(item);
  const std::string prefix = "datasets[" + std::to_string(index) + "]";
  const json::value* dataset_value = input.Find("dataset");
  if (dataset_value == nullptr) return MissingParam(prefix + ".dataset");
  if (!dataset_value->is_object()) return InvalidParamType(prefix + ".dataset", *dataset_value);
  RequestParams dataset = NestedParams(dataset_value->get_object());
  model::DatasetInput out;
  ASSIGN_OR_RETURN(out.dataset.name, dataset.RequiredString("name"));
  ASSIGN_OR_RETURN(out.dataset.digest, dataset.StringOr("digest", ""));
  ASSIGN_OR_RETURN(out.dataset.source_type, dataset.StringOr("source_type", ""));
  ASSIGN_OR_RETURN(out.dataset.source, dataset.StringOr("source", ""));
  ASSIGN_OR_RETURN(out.dataset.schema, dataset.StringOr("schema", ""));
  ASSIGN_OR_RETURN(out.dataset.profile, dataset.StringOr("profile", ""));
  ASSIGN_OR_RETURN(const json::array* tags, input.ObjectList("tags"));
  for (const json::value& tag_value : *tags) {
    RequestParams tag = NestedParams(tag_value.get_object());
    model::Tag parsed;
    ASSIGN_OR_RETURN(parsed.key, tag.RequiredString("key"));
    ASSIGN_OR_RETURN(parsed.value, tag.StringOr("value", ""));
    out.tags.push_back(std::move(parsed));
  }
  return out;
}

}  // namespace

Result<std::string> LogModel(const RequestParams& params, Services& services) {
  ASSIGN_OR_RETURN(std::string run_id, params.RunId());
  ASSIGN_OR_RETURN(std::string model_json, params.RequiredString("model_json"));
  ASSIGN_OR_RETURN(json::object model, ParseModelJson(model_json));
  ASSIGN_OR_RETURN(model::Run run, services.store.GetRun(run_id));
  ASSIGN_OR_RETURN(json::array history, CurrentHistory(run));
  history.emplace_back(HistoryEntry(model));
  std::string value;
  AppendPyJson(value, history);
  model::Tag tags[] = {{kLogModelHistoryTag, std::move(value)}};
  RETURN_IF_ERROR(services.store.LogBatch(run_id, {}, {}, tags));
  return EmptyJson();
}

Result<std::string> LogInputs(const RequestParams& params, Services& services) {
  ASSIGN_OR_RETURN(std::string run_id, params.RunId());
  if (!params.Has("datasets")) return MissingParam("datasets");
  ASSIGN_OR_RETURN(const json::array* datasets, params.ObjectList("datasets"));
  std::vector<model::DatasetInput> inputs;
  inputs.reserve(datasets->size());
  for (size_t index = 0; index < datasets->size(); ++index) {
    ASSIGN_OR_RETURN(model::DatasetInput input,
                     ReadDatasetInput((*datasets)[index].get_object(), index));
    inputs.push_back(std::move(input));
  }
  RETURN_IF_ERROR(services.store.LogInputs(run_id, inputs));
  return EmptyJson();
}

}  // namespace bucketflow::api

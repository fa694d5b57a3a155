#include "api/search_handlers.h"

#include <algorithm>

#include "api/handler_common.h"
#include "api/json_writer.h"
#include "core/strings.h"

namespace bucketflow::api {
namespace {

constexpr int64_t kMaxSearchResults = 50000;
constexpr int64_t kDefaultSearchRunsResults = 1000;
constexpr size_t kMaxSearchDatasetsExperiments = 20;

// ViewType by name or by proto enum number (ACTIVE_ONLY=1, DELETED_ONLY=2, ALL=3).
Result<model::ViewType> ReadViewType(const RequestParams& params, std::string_view name) {
  const boost::json::value* value = params.Find(name);
  if (value == nullptr) return model::ViewType::kActiveOnly;
  std::string text = value->is_string() ? std::string(value->get_string()) : "";
  if (value->is_int64()) text = std::to_string(value->get_int64());
  if (text == "ACTIVE_ONLY" || text == "1") return model::ViewType::kActiveOnly;
  if (text == "DELETED_ONLY" || text == "2") return model::ViewType::kDeletedOnly;
  if (text == "ALL" || text == "3") return model::ViewType::kAll;
  return Status::InvalidArgument("Invalid value ", JsonRepr(*value), " for parameter '", name,
                                 "' supplied: must be one of ACTIVE_ONLY, DELETED_ONLY, ALL.");
}

// The field an order_by clause sorts on, without its direction.
std::string OrderByField(std::string_view clause) {
  std::string_view trimmed = TrimWhitespace(clause);
  size_t space = trimmed.find_last_of(" \t");
  if (space != std::string_view::npos) {
    std::string direction = ToLower(trimmed.substr(space + 1));
    if (direction == "asc" || direction == "desc")
      trimmed = TrimWhitespace(trimmed.substr(0, space));
  }
  return std::string(trimmed);
}

// MLflow answers 500 INTERNAL_ERROR for this; it is the client's mistake, so 400.
Status CheckDuplicateOrderBy(const std::vector<std::string>& order_by) {
  std::vector<std::string> fields;
  for (const std::string& clause : order_by) {
    std::string field = OrderByField(clause);
    if (std::find(fields.begin(), fields.end(), field) == fields.end()) {
      fields.push_back(std::move(field));
      continue;
    }
    std::string list;
    for (const std::string& item : order_by) list += (list.empty() ? "'" : ", '") + item + "'";
    return Status::InvalidArgument("`order_by` contains duplicate fields: [", list, "]");
  }
  return Status::Ok();
}

void WriteNextPageToken(JsonWriter& writer, const std::string& token) {
  if (token.empty()) return;
  writer.StringField("next_page_token", token);
}

}  // namespace

Result<std::string> SearchExperiments(const RequestParams& params, Services& services) {
  ASSIGN_OR_RETURN(std::optional<int64_t> max_results, params.OptionalInt64("max_results"));
  // REST has no default here: an omitted max_results is 0 and refused, as in MLflow.
  if (max_results.value_or(0) <= 0) {
    return Status::InvalidArgument("Invalid value ", max_results.value_or(0),
                                   " for parameter 'max_results' supplied. It must be a positive "
                                   "integer");
  }
  if (*max_results > kMaxSearchResults) {
    return Status::InvalidArgument("Invalid value ", *max_results,
                                   " for parameter 'max_results' supplied. It must be at most ",
                                   kMaxSearchResults);
  }
  store::ExperimentSearch search;
  search.max_results = *max_results;
  ASSIGN_OR_RETURN(search.filter, params.StringOr("filter", ""));
  ASSIGN_OR_RETURN(search.order_by, params.StringList("order_by", false));
  ASSIGN_OR_RETURN(search.view_type, ReadViewType(params, "view_type"));
  ASSIGN_OR_RETURN(search.page_token, params.StringOr("page_token", ""));
  ASSIGN_OR_RETURN(store::ExperimentPage page, services.store.SearchExperiments(search));

  JsonWriter writer;
  writer.BeginObject();
  if (!page.experiments.empty()) {
    writer.Key("experiments");
    writer.BeginArray();
    for (const model::Experiment& experiment : page.experiments) {
      WriteExperiment(writer, experiment);
    }
    writer.EndArray();
  }
  WriteNextPageToken(writer, page.next_page_token);
  writer.EndObject();
  return writer.Take();
}

Result<std::string> SearchRuns(const RequestParams& params, Services& services) {
  store::RunSearch search;
  ASSIGN_OR_RETURN(search.experiment_ids, params.StringList("experiment_ids", true));
  ASSIGN_OR_RETURN(search.filter, params.StringOr("filter", ""));
  ASSIGN_OR_RETURN(search.view_type, ReadViewType(params, "run_view_type"));
  ASSIGN_OR_RETURN(std::optional<int64_t> max_results, params.OptionalInt64("max_results"));
  if (max_results.has_value() && *max_results > kMaxSearchResults) {
    return InvalidParamType("max_results", *params.Find("max_results"));
  }
  if (max_results.has_value() && *max_results <= 0) {
    return Status::InvalidArgument("Invalid value ", *max_results,
                                   " for parameter 'max_results' supplied. It must be a positive "
                                   "integer");
  }
  search.max_results = max_results.value_or(kDefaultSearchRunsResults);
  ASSIGN_OR_RETURN(search.order_by, params.StringList("order_by", false));
  RETURN_IF_ERROR(CheckDuplicateOrderBy(search.order_by));
  ASSIGN_OR_RETURN(search.page_token, params.StringOr("page_token", ""));
  if (search.experiment_ids.empty()) return EmptyJson();
  ASSIGN_OR_RETURN(store::RunPage page, services.store.SearchRuns(search));

  JsonWriter writer;
  writer.BeginObject();
  if (!page.runs.empty()) {
    writer.Key("runs");
    writer.BeginArray();
    for (const model::Run& run : page.runs) WriteRun(writer, run, /*with_inputs=*/true);
    writer.EndArray();
  }
  WriteNextPageToken(writer, page.next_page_token);
  writer.EndObject();
  return writer.Take();
}

Result<std::string> SearchDatasets(const RequestParams& params, Services& services) {
  ASSIGN_OR_RETURN(std::vector<std::string> experiment_ids,
                   params.StringList("experiment_ids", true));
  if (experiment_ids.size() > kMaxSearchDatasetsExperiments) {
    return Status::InvalidArgument("SearchDatasets request cannot specify more than ",
                                   kMaxSearchDatasetsExperiments, " experiment_ids. Received ",
                                   experiment_ids.size(), " experiment_ids.");
  }
  if (experiment_ids.empty()) return EmptyJson();
  ASSIGN_OR_RETURN(std::vector<model::DatasetSummary> summaries,
                   services.store.SearchDatasets(experiment_ids));
  JsonWriter writer;
  writer.BeginObject();
  if (!summaries.empty()) {
    writer.Key("dataset_summaries");
    writer.BeginArray();
    for (const model::DatasetSummary& summary : summaries) {
      writer.BeginObject();
      writer.StringField("experiment_id", summary.experiment_id);
      writer.StringField("name", summary.name);
      writer.StringField("digest", summary.digest);
      if (!summary.context.empty()) {
        writer.StringField("context", summary.context);
      }
      writer.EndObject();
    }
    writer.EndArray();
  }
  writer.EndObject();
  return writer.Take();
}

}  // namespace bucketflow::api

#include <chrono>
#include <cmath>
#include <memory>
#include <regex>
#include <string>

#include "api/handler_test_fixture.h"

namespace bucketflow::api {
namespace {

namespace json = boost::json;

TEST_P(HandlersTest, HealthAndVersionArePlainText) {
  Reply health = Call("GET", "/health", "", "");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.text, "OK");
  EXPECT_EQ(Call("GET", "/version", "", "").text, "2.17.2");
}

TEST_P(HandlersTest, ExperimentLifecycle) {
  std::string id = CreateExperiment("golden-main");
  Reply got = Get("experiments/get?experiment_id=" + id);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.body.at("experiment").at("name").as_string(), "golden-main");
  EXPECT_EQ(got.body.at("experiment").at("experiment_id").as_string(), id);
  EXPECT_FALSE(got.body.at("experiment").as_object().contains("tags"));
  EXPECT_EQ(Call("GET", "/ajax-api/2.0/mlflow/experiments/get-by-name?experiment_name=golden-main",
                 "", "")
                .status,
            200);
  ExpectError(Get("experiments/get-by-name?experiment_name=nope"), 404, "RESOURCE_DOES_NOT_EXIST",
              "Could not find experiment with name 'nope'");
  ExpectError(Post("experiments/create", R"({"name": "golden-main"})"), 400,
              "RESOURCE_ALREADY_EXISTS");
  EXPECT_EQ(
      Post("experiments/update", R"({"experiment_id": )" + id + R"(, "new_name": "x"})").status,
      200);
  EXPECT_EQ(Post("experiments/delete", R"({"experiment_id": ")" + id + R"("})").status, 200);
  ExpectError(Post("experiments/update", R"({"experiment_id": ")" + id + R"(", "new_name": "y"})"),
              400, "INVALID_PARAMETER_VALUE", "Cannot rename a non-active experiment.");
  ExpectError(Post("experiments/delete", R"({"experiment_id": ")" + id + R"("})"), 404,
              "RESOURCE_DOES_NOT_EXIST");
  EXPECT_EQ(Post("experiments/restore", R"({"experiment_id": ")" + id + R"("})").status, 200);
  ExpectError(Get("experiments/get?experiment_id=987654321"), 404, "RESOURCE_DOES_NOT_EXIST",
              "No Experiment with id=987654321 exists");
}

TEST_P(HandlersTest, CreateExperimentBadInput) {
  const std::string missing = std::string("Missing value for required parameter 'name'.") + kHint;
  ExpectError(Post("experiments/create", "{}"), 400, "INVALID_PARAMETER_VALUE", missing);
  ExpectError(Post("experiments/create", R"({"name": ""})"), 400, "INVALID_PARAMETER_VALUE",
              missing);
  ExpectError(Post("experiments/create", R"({"name": "x")"), 400, "INVALID_PARAMETER_VALUE",
              missing);
  ExpectError(Post("experiments/create", R"([{"name": "x"}])"), 400, "INVALID_PARAMETER_VALUE");
  ExpectError(Post("experiments/create", R"({"name": {"a": "b"}})"), 400, "INVALID_PARAMETER_VALUE",
              std::string("Invalid value {\"a\":\"b\"} for parameter 'name' supplied:  Hint: "
                          "Value was of type 'dict'.") +
                  kHint);
  ExpectError(Post("experiments/create", R"({"name": ")" + std::string(501, 'n') + R"("})"), 400,
              "INVALID_PARAMETER_VALUE", "'name' exceeds the maximum length of 500 characters");
  EXPECT_EQ(Post("experiments/create", R"({"name": ")" + std::string(500, 'n') + R"("})").status,
            200);
  ExpectError(Post("experiments/create", R"({"name": "f", "artifact_location": "s3://b/p#x"})"),
              400, "INVALID_PARAMETER_VALUE",
              "'artifact_location' URL can't include fragments or params.");
  ExpectError(Post("experiments/create", R"({"name": "q", "artifact_location": "s3://b?x=../e"})"),
              400, "INVALID_PARAMETER_VALUE", "Invalid query string");
  ExpectError(Post("experiments/create", R"({"name": "t", "tags": "team=core"})"), 400,
              "INVALID_PARAMETER_VALUE");
  ExpectError(Call("POST", "/api/2.0/mlflow/experiments/create", R"({"name": "x"})", "text/plain"),
              400, "INVALID_PARAMETER_VALUE",
              "Bad Request. Content-Type must be one of ['application/json'].");
  // Experiment creation keeps long tag values and key-less tags, as MLflow does.
  EXPECT_EQ(Post("experiments/create",
                 R"({"name": "k", "tags": [{"value": "v"}, {"key": "b", "value": ")" +
                     std::string(5001, 'v') + R"("}]})")
                .status,
            200);
}

TEST_P(HandlersTest, SetExperimentTagValidation) {
  std::string id = CreateExperiment("tags");
  std::string prefix = R"({"experiment_id": ")" + id + R"(", )";
  EXPECT_EQ(
      Post("experiments/set-experiment-tag", prefix + R"("key": "owner", "value": "a"})").status,
      200);
  EXPECT_EQ(Post("experiments/set-experiment-tag", prefix + R"("key": "novalue"})").status, 200);
  Reply got = Get("experiments/get?experiment_id=" + id);
  EXPECT_EQ(got.body.at("experiment").at("tags").as_array().size(), 2u);
  ExpectError(
      Post("experiments/set-experiment-tag",
           prefix + R"("key": ")" + std::string(251, 'k') + R"(", "value": "v"})"),
      400, "INVALID_PARAMETER_VALUE",
      "Tag key '" + std::string(250, 'k') + "' had length 251, which exceeded length limit of 250");
  ExpectError(Post("experiments/set-experiment-tag",
                   prefix + R"("key": "big", "value": ")" + std::string(5001, 'v') + R"("})"),
              400, "INVALID_PARAMETER_VALUE");
  ExpectError(Post("experiments/set-experiment-tag", prefix + R"("key": "a/../b", "value": "v"})"),
              400, "INVALID_PARAMETER_VALUE",
              "Invalid value \"a/../b\" for parameter 'key' supplied: Names may be treated as "
              "files in certain cases, and must not resolve to other names when treated as "
              "such. This name would resolve to 'b'");
}

TEST_P(HandlersTest, CreateRunResolvesNames) {
  std::string exp = CreateExperiment("runs");
  Reply full = Post("runs/create", R"({"experiment_id": ")" + exp +
                                       R"(", "user_id": "u", "run_name": "a", "start_time": 5,
      "tags": [{"key": "stage", "value": "dev"}]})");
  ASSERT_EQ(full.status, 200) << full.text;
  const json::value& info = full.body.at("run").at("info");
  EXPECT_EQ(info.at("run_name").as_string(), "a");
  EXPECT_EQ(info.at("user_id").as_string(), "u");
  EXPECT_EQ(info.at("start_time").as_int64(), 5);
  EXPECT_EQ(info.at("run_uuid"), info.at("run_id"));
  EXPECT_FALSE(full.body.at("run").as_object().contains("inputs"));
  EXPECT_EQ(full.body.at("run").at("data").at("tags").as_array().size(), 2u);

  Reply minimal = Post("runs/create", R"({"experiment_id": )" + exp + "}");
  ASSERT_EQ(minimal.status, 200) << minimal.text;
  const json::value& minimal_info = minimal.body.at("run").at("info");
  EXPECT_EQ(minimal_info.at("start_time").as_int64(), 0);
  EXPECT_EQ(minimal_info.at("user_id").as_string(), "");
  EXPECT_TRUE(std::regex_match(std::string(minimal_info.at("run_name").as_string()),
                               std::regex("[a-z]+-[a-z]+-[0-9]{1,3}")));

  Reply from_tag = Post("runs/create", R"({"experiment_id": ")" + exp +
                                           R"(", "start_time": "17",
      "tags": [{"key": "mlflow.runName", "value": "c"}]})");
  ASSERT_EQ(from_tag.status, 200);
  EXPECT_EQ(from_tag.body.at("run").at("info").at("run_name").as_string(), "c");
  EXPECT_EQ(from_tag.body.at("run").at("data").at("tags").as_array().size(), 1u);

  ExpectError(Post("runs/create", R"({"experiment_id": ")" + exp + R"(", "run_name": "x",
      "tags": [{"key": "mlflow.runName", "value": "y"}]})"),
              400, "INVALID_PARAMETER_VALUE",
              "Both 'run_name' argument and 'mlflow.runName' tag are specified, but with "
              "different values (run_name='x', mlflow.runName='y').");
  ExpectError(Post("runs/create", R"({"experiment_id": "987654321"})"), 404,
              "RESOURCE_DOES_NOT_EXIST");
  ExpectError(Post("runs/create", R"({"run_name": "n"})"), 400, "INVALID_PARAMETER_VALUE");
  ExpectError(Post("runs/create", R"({"experiment_id": ")" + exp + R"(", "tags": {"k": "v"}})"),
              400, "INVALID_PARAMETER_VALUE");
  ExpectError(Post("runs/create", R"({"experiment_id": ")" + exp + R"(", "run_name": {"a": 1}})"),
              400, "INVALID_PARAMETER_VALUE");
}

TEST_P(HandlersTest, RunUpdateDeleteRestore) {
  std::string run = CreateRun(CreateExperiment("upd"));
  Reply updated =
      Post("runs/update", R"({"run_uuid": ")" + run + R"(", "status": "FINISHED", "end_time": 9})");
  ASSERT_EQ(updated.status, 200) << updated.text;
  EXPECT_EQ(updated.body.at("run_info").at("status").as_string(), "FINISHED");
  EXPECT_EQ(updated.body.at("run_info").at("end_time").as_int64(), 9);
  ExpectError(Post("runs/update", R"({"run_id": ")" + run + R"(", "status": "EXPLODED"})"), 400,
              "INVALID_PARAMETER_VALUE");
  ExpectError(Post("runs/update", R"({"run_id": "deadbeef", "status": "FINISHED"})"), 404,
              "RESOURCE_DOES_NOT_EXIST", "Run with id=deadbeef not found");
  EXPECT_EQ(Post("runs/delete", R"({"run_id": ")" + run + R"("})").status, 200);
  Reply deleted = Get("runs/get?run_id=" + run);
  EXPECT_EQ(deleted.body.at("run").at("info").at("lifecycle_stage").as_string(), "deleted");
  EXPECT_TRUE(deleted.body.at("run").at("inputs").as_object().empty());
  ExpectError(Post("runs/log-metric",
                   R"({"run_id": ")" + run + R"(", "key": "m", "value": 1, "timestamp": 1})"),
              400, "INVALID_PARAMETER_VALUE");
  EXPECT_EQ(Post("runs/restore", R"({"run_id": ")" + run + R"("})").status, 200);
  ExpectError(Get("runs/get?run_id=deadbeef"), 404, "RESOURCE_DOES_NOT_EXIST");
}

TEST_P(HandlersTest, TagsAndParams) {
  std::string run = CreateRun(CreateExperiment("tp"));
  std::string prefix = R"({"run_id": ")" + run + R"(", )";
  EXPECT_EQ(Post("runs/set-tag", prefix + R"("key": "note", "value": "hello"})").status, 200);
  EXPECT_EQ(Post("runs/set-tag", prefix + R"("key": "mlflow.runName", "value": "renamed"})").status,
            200);
  EXPECT_EQ(Get("runs/get?run_id=" + run).body.at("run").at("info").at("run_name").as_string(),
            "renamed");
  ExpectError(Post("runs/set-tag", prefix + R"("value": "v"})"), 400, "INVALID_PARAMETER_VALUE",
              std::string("Missing value for required parameter 'key'.") + kHint);
  ExpectError(Post("runs/set-tag", prefix + R"("key": "bad key!", "value": "v"})"), 400,
              "INVALID_PARAMETER_VALUE",
              "Invalid value \"bad key!\" for parameter 'key' supplied: Names may only contain "
              "alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and "
              "slashes (/).");
  // MLflow truncates these silently; we refuse them.
  ExpectError(Post("runs/set-tag",
                   prefix + R"("key": "big", "value": ")" + std::string(8001, 'v') + R"("})"),
              400, "INVALID_PARAMETER_VALUE");
  ExpectError(Post("runs/log-parameter",
                   prefix + R"("key": "p", "value": ")" + std::string(6001, 'v') + R"("})"),
              400, "INVALID_PARAMETER_VALUE");
  EXPECT_EQ(Post("runs/delete-tag", prefix + R"("key": "note"})").status, 200);
  ExpectError(Post("runs/delete-tag", prefix + R"("key": "note"})"), 404,
              "RESOURCE_DOES_NOT_EXIST");
  EXPECT_EQ(Post("runs/log-parameter", prefix + R"("key": "lr", "value": "0.01"})").status, 200);
  EXPECT_EQ(Post("runs/log-parameter", prefix + R"("key": "lr", "value": "0.01"})").status, 200);
  ExpectError(Post("runs/log-parameter", prefix + R"("key": "lr", "value": "0.02"})"), 400,
              "INVALID_PARAMETER_VALUE",
              "Changing param values is not allowed. Param with key='lr' was already logged with "
              "value='0.01' for run ID='" +
                  run + "'. Attempted logging new value '0.02'.");
  ExpectError(Post("runs/log-parameter", prefix + R"("key": "epochs", "value": 10})"), 400,
              "INVALID_PARAMETER_VALUE",
              std::string("Invalid value 10 for parameter 'value' supplied:  Hint: Value was of "
                          "type 'int'.") +
                  kHint);
  ExpectError(Post("runs/log-parameter", R"({"run_id": 123, "key": "k", "value": "v"})"), 400,
              "INVALID_PARAMETER_VALUE");
  EXPECT_EQ(Post("runs/log-parameter", prefix + R"("key": "empty"})").status, 200);
}

TEST_P(HandlersTest, LogModelAppendsHistory) {
  std::string run = CreateRun(CreateExperiment("model"));
  std::string model = R"({\"artifact_path\": \"model\", \"flavors\": {\"pf\": {\"a\": 1, )"
                      R"(\"config\": {}}}, \"utc_time_created\": \"t\", \"run_id\": \"r\", )"
                      R"(\"signature\": {}})";
  std::string body = R"({"run_id": ")" + run + R"(", "model_json": ")" + model + R"("})";
  ASSERT_EQ(Post("runs/log-model", body).status, 200);
  ASSERT_EQ(Post("runs/log-model", body).status, 200);
  Reply got = Get("runs/get?run_id=" + run);
  std::string history;
  for (const json::value& tag : got.body.at("run").at("data").at("tags").as_array()) {
    if (tag.at("key").as_string() == "mlflow.log-model.history") {
      history = std::string(tag.at("value").as_string());
    }
  }
  const std::string entry = R"({"run_id": "r", "artifact_path": "model", "utc_time_created": "t", )"
                            R"("flavors": {"pf": {"a": 1}}})";
  EXPECT_EQ(history, "[" + entry + ", " + entry + "]");
  ExpectError(Post("runs/log-model", R"({"run_id": ")" + run + R"(", "model_json": "{not json"})"),
              400, "INVALID_PARAMETER_VALUE",
              "Malformed model info. \n {not json \n is not a valid JSON.");
  ExpectError(Post("runs/log-model",
                   R"({"run_id": ")" + run + R"(", "model_json": "{\"artifact_path\": \"m\"}"})"),
              400, "INVALID_PARAMETER_VALUE",
              "Model json is missing mandatory fields: {'flavors', 'run_id', 'utc_time_created'}");
}

TEST_P(HandlersTest, LogInputsAndSearchDatasets) {
  std::string exp = CreateExperiment("data");
  std::string run = CreateRun(exp);
  ASSERT_EQ(Post("runs/log-inputs", R"({"run_id": ")" + run + R"(", "datasets": [
      {"tags": [{"key": "mlflow.data.context", "value": "training"}],
       "dataset": {"name": "d", "digest": "x", "source_type": "local", "source": "s",
                   "schema": "{}"}},
      {"dataset": {"name": "partial"}}]})")
                .status,
            200);
  ExpectError(Post("runs/log-inputs", R"({"run_id": ")" + run + R"("})"), 400,
              "INVALID_PARAMETER_VALUE");
  Reply got = Get("runs/get?run_id=" + run);
  const json::array& inputs = got.body.at("run").at("inputs").at("dataset_inputs").as_array();
  ASSERT_EQ(inputs.size(), 2u);
  EXPECT_FALSE(inputs[1].as_object().contains("tags"));
  EXPECT_FALSE(inputs[1].at("dataset").as_object().contains("schema"));
  EXPECT_EQ(inputs[1].at("dataset").at("digest").as_string(), "");

  Reply summaries = Call("POST", "/ajax-api/2.0/mlflow/experiments/search-datasets",
                         R"({"experiment_ids": [")" + exp + R"("]})");
  ASSERT_EQ(summaries.status, 200) << summaries.text;
  const json::array& list = summaries.body.at("dataset_summaries").as_array();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].at("context").as_string(), "training");
  EXPECT_FALSE(list[1].as_object().contains("context"));
  EXPECT_EQ(Post("experiments/search-datasets", R"({"experiment_ids": ["1"]})").status, 404);
  std::string many = "[\"0\"";
  for (int i = 1; i <= 20; ++i) many += ",\"" + std::to_string(i) + "\"";
  ExpectError(Call("POST", "/ajax-api/2.0/mlflow/experiments/search-datasets",
                   R"({"experiment_ids": )" + many + "]}"),
              400, "INVALID_PARAMETER_VALUE",
              "SearchDatasets request cannot specify more than 20 experiment_ids. Received 21 "
              "experiment_ids.");
}

INSTANTIATE_TEST_SUITE_P(Stores, HandlersTest,
                         ::testing::Values(StoreKind::kFake, StoreKind::kSqlite), StoreKindName);

}  // namespace
}  // namespace bucketflow::api

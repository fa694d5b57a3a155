#include <string>

#include "api/handler_test_fixture.h"

namespace bucketflow::api {
namespace {

namespace json = boost::json;

TEST_P(HandlersTest, SearchExperimentsParameters) {
  CreateExperiment("a");
  std::string deleted = CreateExperiment("b");
  ASSERT_EQ(Post("experiments/delete", R"({"experiment_id": ")" + deleted + R"("})").status, 200);
  const std::string positive =
      "Invalid value 0 for parameter 'max_results' supplied. It must be a positive integer";
  ExpectError(Post("experiments/search", "{}"), 400, "INVALID_PARAMETER_VALUE", positive);
  ExpectError(Get("experiments/search"), 400, "INVALID_PARAMETER_VALUE", positive);
  ExpectError(Post("experiments/search", R"({"max_results": 2.5})"), 400,
              "INVALID_PARAMETER_VALUE");
  ExpectError(Post("experiments/search", R"({"max_results": 50001})"), 400,
              "INVALID_PARAMETER_VALUE",
              "Invalid value 50001 for parameter 'max_results' supplied. It must be at most 50000");
  ExpectError(Post("experiments/search", R"({"max_results": 5, "order_by": "name ASC"})"), 400,
              "INVALID_PARAMETER_VALUE");

  Reply page1 = Post("experiments/search", R"({"max_results": 1})");
  ASSERT_EQ(page1.status, 200) << page1.text;
  EXPECT_EQ(page1.body.at("experiments").as_array().size(), 1u);
  std::string token(page1.body.at("next_page_token").as_string());
  Reply page2 = Post("experiments/search", R"({"max_results": 5, "page_token": ")" + token + "\"}");
  EXPECT_EQ(page2.body.at("experiments").as_array().size(), 1u);
  EXPECT_FALSE(page2.body.as_object().contains("next_page_token"));

  Reply only_deleted = Post("experiments/search", R"({"max_results": 5, "view_type": 2})");
  ASSERT_EQ(only_deleted.body.at("experiments").as_array().size(), 1u);
  EXPECT_EQ(only_deleted.body.at("experiments").at(0).at("experiment_id").as_string(), deleted);
  Reply all = Get(
      "experiments/search?max_results=5&view_type=ALL&order_by=name&order_by=experiment_id%20DESC");
  ASSERT_EQ(all.status, 200) << all.text;
  EXPECT_EQ(all.body.at("experiments").as_array().size(), 3u);
  ExpectError(Post("experiments/search", R"({"max_results": 5, "view_type": "SOME"})"), 400,
              "INVALID_PARAMETER_VALUE");
}

TEST_P(HandlersTest, SearchRunsParameters) {
  std::string exp = CreateExperiment("s");
  std::string run = CreateRun(exp);
  EXPECT_EQ(Post("runs/search", "{}").text, "{}");
  Reply found = Post("runs/search", R"({"experiment_ids": [)" + exp + "]}");
  ASSERT_EQ(found.status, 200) << found.text;
  ASSERT_EQ(found.body.at("runs").as_array().size(), 1u);
  EXPECT_EQ(found.body.at("runs").at(0).at("info").at("run_id").as_string(), run);
  EXPECT_TRUE(found.body.at("runs").at(0).as_object().contains("inputs"));
  ExpectError(Post("runs/search", R"({"experiment_ids": [")" + exp +
                                      R"("], "order_by": ["metrics.loss", "metrics.loss DESC"]})"),
              400, "INVALID_PARAMETER_VALUE",
              "`order_by` contains duplicate fields: ['metrics.loss', 'metrics.loss DESC']");
  ExpectError(
      Post("runs/search", R"({"experiment_ids": [")" + exp + R"("], "max_results": 50001})"), 400,
      "INVALID_PARAMETER_VALUE",
      std::string("Invalid value 50001 for parameter 'max_results' supplied:  Hint: "
                  "Value was of type 'int'.") +
          kHint);
  ExpectError(Post("runs/search", R"({"experiment_ids": [")" + exp + R"("], "order_by": "x"})"),
              400, "INVALID_PARAMETER_VALUE");
  ExpectError(Post("runs/search", R"({"experiment_ids": ")" + exp + R"("})"), 400,
              "INVALID_PARAMETER_VALUE");
  ASSERT_EQ(Post("runs/delete", R"({"run_id": ")" + run + R"("})").status, 200);
  EXPECT_EQ(Post("runs/search", R"({"experiment_ids": [")" + exp + R"("]})").text, "{}");
  Reply deleted = Post(
      "runs/search", R"({"experiment_ids": [")" + exp + R"("], "run_view_type": "DELETED_ONLY"})");
  EXPECT_EQ(deleted.body.at("runs").as_array().size(), 1u);
}

TEST_P(HandlersTest, RoutingOfMethodsAndPrefixes) {
  EXPECT_EQ(Call("GET", "/api/2.0/mlflow/experiments/create", "", "").status, 405);
  EXPECT_EQ(Call("GET", "/api/2.0/mlflow/does-not-exist", "", "").status, 404);
  EXPECT_EQ(Call("GET", "/ajax-api/2.0/mlflow/experiments/get?experiment_id=0", "", "").status,
            200);
  // GET without a query string reads a JSON body.
  EXPECT_EQ(Call("GET", "/api/2.0/mlflow/experiments/get", R"({"experiment_id": "0"})").status,
            200);
}

}  // namespace
}  // namespace bucketflow::api

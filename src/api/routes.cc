#include "api/routes.h"

#include <initializer_list>
#include <memory>
#include <string>
#include <utility>

#include "api/artifact_handlers.h"
#include "api/errors.h"
#include "api/experiment_handlers.h"
#include "api/handler_common.h"
#include "api/metric_handlers.h"
#include "api/run_handlers.h"
#include "api/search_handlers.h"
#include "api/static_files.h"

namespace bucketflow::api {
namespace {

constexpr std::initializer_list<const char*> kPrefixes = {"/api/2.0", "/ajax-api/2.0"};
// Claim MLflow's version: clients and the UI compare against it.
constexpr char kMlflowVersion[] = "2.17.2";

// Parse -> handler -> 200 JSON, or MLflow's error JSON.
http::Handler JsonHandler(HandlerFn handler, Services& services, ParseOptions options = {}) {
  return [handler, &services, options](http::Request& request) {
    Result<RequestParams> params = ParseRequest(request, options);
    if (!params.ok()) return ErrorResponse(params.status());
    Result<std::string> body = handler(*params, services);
    if (!body.ok()) return ErrorResponse(body.status());
    http::Response response;
    response.body = std::move(body).value();
    return response;
  };
}

http::Handler Artifact(http::Response (*handler)(http::Request&, Services&), Services& services) {
  return [handler, &services](http::Request& request) { return handler(request, services); };
}

http::StreamingHandler StreamingArtifact(http::StreamStart (*handler)(http::Request&, Services&),
                                         Services& services) {
  return [handler, &services](http::Request& request) { return handler(request, services); };
}

// Flask's default type for a returned str, which is what MLflow's /health and /version send.
http::Response FlaskText(int status, std::string body) {
  http::Response response;
  response.status = status;
  response.content_type = "text/html; charset=utf-8";
  response.body = std::move(body);
  return response;
}

void AddTrackingRoutes(http::Router& router, const std::string& p, Services& s) {
  const std::string m = p + "/mlflow";
  router.Add("POST", m + "/experiments/create", JsonHandler(CreateExperiment, s));
  router.Add("GET", m + "/experiments/get", JsonHandler(GetExperiment, s));
  router.Add("GET", m + "/experiments/get-by-name", JsonHandler(GetExperimentByName, s));
  router.Add("POST", m + "/experiments/search", JsonHandler(SearchExperiments, s));
  router.Add("GET", m + "/experiments/search",
             JsonHandler(SearchExperiments, s, {.list_params = {"order_by"}}));
  router.Add("POST", m + "/experiments/update", JsonHandler(UpdateExperiment, s));
  router.Add("POST", m + "/experiments/delete", JsonHandler(DeleteExperiment, s));
  router.Add("POST", m + "/experiments/restore", JsonHandler(RestoreExperiment, s));
  router.Add("POST", m + "/experiments/set-experiment-tag", JsonHandler(SetExperimentTag, s));
  router.Add("POST", m + "/runs/create", JsonHandler(CreateRun, s));
  router.Add("GET", m + "/runs/get", JsonHandler(GetRun, s));
  router.Add("POST", m + "/runs/update", JsonHandler(UpdateRun, s));
  router.Add("POST", m + "/runs/delete", JsonHandler(DeleteRun, s));
  router.Add("POST", m + "/runs/restore", JsonHandler(RestoreRun, s));
  router.Add("POST", m + "/runs/search", JsonHandler(SearchRuns, s));
  router.Add("POST", m + "/runs/log-metric", JsonHandler(LogMetric, s));
  router.Add("POST", m + "/runs/log-parameter", JsonHandler(LogParameter, s));
  router.Add("POST", m + "/runs/set-tag", JsonHandler(SetTag, s));
  router.Add("POST", m + "/runs/delete-tag", JsonHandler(DeleteTag, s));
  router.Add("POST", m + "/runs/log-batch", JsonHandler(LogBatch, s));
  router.Add("POST", m + "/runs/log-model", JsonHandler(LogModel, s));
  router.Add("POST", m + "/runs/log-inputs", JsonHandler(LogInputs, s));
  router.Add("GET", m + "/metrics/get-history", JsonHandler(GetMetricHistory, s));
  router.Add("GET", m + "/metrics/get-history-bulk-interval",
             JsonHandler(GetMetricHistoryBulkInterval, s, {.list_params = {"run_ids"}}));
  router.Add("GET", m + "/artifacts/list", Artifact(ListRunArtifacts, s));
}

void AddArtifactServiceRoutes(http::Router& router, const std::string& p, Services& s) {
  const std::string a = p + "/mlflow-artifacts";
  router.Add("GET", a + "/artifacts", Artifact(ListProxiedArtifacts, s));
  router.AddPrefix("GET", a + "/artifacts/", Artifact(DownloadProxiedArtifact, s));
  router.AddStreaming("PUT", a + "/artifacts/", StreamingArtifact(UploadProxiedArtifact, s));
  router.AddPrefix("DELETE", a + "/artifacts/", Artifact(DeleteProxiedArtifact, s));
  router.AddPrefix("POST", a + "/mpu/create/", Artifact(CreateMultipartUpload, s));
  router.AddPrefix("POST", a + "/mpu/complete/", Artifact(CompleteMultipartUpload, s));
  router.AddPrefix("POST", a + "/mpu/abort/", Artifact(AbortMultipartUpload, s));
  router.Add("GET", p + "/bucketflow/artifacts/download-url", Artifact(GetArtifactDownloadUrl, s));
}

constexpr char kUiNotBuilt[] =
    "Bucketflow: the web UI is not built (make serve builds it, or pass --static-dir).\n"
    "The MLflow REST API is served under /api/2.0/mlflow/ and /ajax-api/2.0/mlflow/.\n";

}  // namespace

http::Router BuildRouter(Services& services) {
  http::Router router;
  router.Add("GET", "/health", [](http::Request&) { return FlaskText(200, "OK"); });
  router.Add("GET", "/version", [](http::Request&) { return FlaskText(200, kMlflowVersion); });
  if (!services.config.web_dir.empty()) {
    AddWebRoutes(router, std::make_shared<StaticFiles>(services.config.web_dir));
  } else {
    // No built web UI (web/dist) was found: say so instead of a bare 404.
    router.Add("GET", "/", [](http::Request&) {
      http::Response response = FlaskText(200, kUiNotBuilt);
      response.content_type = "text/plain; charset=utf-8";
      return response;
    });
  }
  for (const char* prefix : kPrefixes) {
    AddTrackingRoutes(router, prefix, services);
    AddArtifactServiceRoutes(router, prefix, services);
  }
  // UI-only routes, which MLflow serves under /ajax-api alone.
  const std::string ajax = "/ajax-api/2.0/mlflow";
  router.Add("GET", ajax + "/metrics/get-history-bulk",
             JsonHandler(GetMetricHistoryBulk, services, {.list_params = {"run_id"}}));
  router.Add("POST", ajax + "/experiments/search-datasets", JsonHandler(SearchDatasets, services));
  router.AddStreamingExact("POST", ajax + "/upload-artifact",
                           StreamingArtifact(UploadRunArtifact, services));
  router.Add("GET", "/get-artifact", Artifact(GetRunArtifact, services));
  return router;
}

}  // namespace bucketflow::api

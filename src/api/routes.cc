#include "api/routes.h"

#include <initializer_list>
#include <memory>
#include <string>
#include <utility>

#include "api/admin_handlers.h"
#include "api/artifact_handlers.h"
#include "api/errors.h"
#include "api/experiment_handlers.h"
#include "api/handler_common.h"
#include "api/metric_handlers.h"
#include "api/route_wrappers.h"
#include "api/run_handlers.h"
#include "api/search_handlers.h"
#include "api/static_files.h"

namespace bucketflow::api {
namespace {

using auth::Permission;

constexpr std::initializer_list<const char*> kPrefixes = {"/api/2.0", "/ajax-api/2.0"};
// Claim MLflow's version: clients and the UI compare against it.
constexpr char kMlflowVersion[] = "2.17.2";

// Flask's default type for a returned str, which is what MLflow's /health and /version send.
http::Response FlaskText(int status, std::string body) {
  http::Response response;
  response.status = status;
  response.content_type = "text/html; charset=utf-8";
  response.body = std::move(body);
  return response;
}

// Reads need a reader of the workspace, everything that changes state an editor.
http::Handler Read(HandlerFn handler, Services& s, ParseOptions options = {}) {
  return JsonHandler(handler, s, Permission::kRead, std::move(options));
}
http::Handler Write(HandlerFn handler, Services& s) {
  return JsonHandler(handler, s, Permission::kWrite);
}

void AddExperimentRoutes(http::Router& router, const std::string& m, Services& s) {
  router.Add("POST", m + "/experiments/create", Write(CreateExperiment, s));
  router.Add("GET", m + "/experiments/get", Read(GetExperiment, s));
  router.Add("GET", m + "/experiments/get-by-name", Read(GetExperimentByName, s));
  router.Add("POST", m + "/experiments/search", Read(SearchExperiments, s));
  router.Add("GET", m + "/experiments/search",
             Read(SearchExperiments, s, {.list_params = {"order_by"}}));
  router.Add("POST", m + "/experiments/update", Write(UpdateExperiment, s));
  router.Add("POST", m + "/experiments/delete", Write(DeleteExperiment, s));
  router.Add("POST", m + "/experiments/restore", Write(RestoreExperiment, s));
  router.Add("POST", m + "/experiments/set-experiment-tag", Write(SetExperimentTag, s));
}

void AddTrackingRoutes(http::Router& router, const std::string& p, Services& s) {
  const std::string m = p + "/mlflow";
  AddExperimentRoutes(router, m, s);
  router.Add("POST", m + "/runs/create", Write(CreateRun, s));
  router.Add("GET", m + "/runs/get", Read(GetRun, s));
  router.Add("POST", m + "/runs/update", Write(UpdateRun, s));
  router.Add("POST", m + "/runs/delete", Write(DeleteRun, s));
  router.Add("POST", m + "/runs/restore", Write(RestoreRun, s));
  router.Add("POST", m + "/runs/search", Read(SearchRuns, s));
  router.Add("POST", m + "/runs/log-metric", Write(LogMetric, s));
  router.Add("POST", m + "/runs/log-parameter", Write(LogParameter, s));
  router.Add("POST", m + "/runs/set-tag", Write(SetTag, s));
  router.Add("POST", m + "/runs/delete-tag", Write(DeleteTag, s));
  router.Add("POST", m + "/runs/log-batch", Write(LogBatch, s));
  router.Add("POST", m + "/runs/log-model", Write(LogModel, s));
  router.Add("POST", m + "/runs/log-inputs", Write(LogInputs, s));
  router.Add("GET", m + "/metrics/get-history", Read(GetMetricHistory, s));
  router.Add("GET", m + "/metrics/get-history-bulk-interval",
             Read(GetMetricHistoryBulkInterval, s, {.list_params = {"run_ids"}}));
  router.Add("GET", m + "/artifacts/list", ArtifactRoute(ListRunArtifacts, s, Permission::kRead));
}

void AddArtifactServiceRoutes(http::Router& router, const std::string& p, Services& s) {
  const std::string a = p + "/mlflow-artifacts";
  constexpr Permission kRead = Permission::kRead;
  constexpr Permission kWrite = Permission::kWrite;
  router.Add("GET", a + "/artifacts", ArtifactRoute(ListProxiedArtifacts, s, kRead));
  router.AddPrefix("GET", a + "/artifacts/", ArtifactRoute(DownloadProxiedArtifact, s, kRead));
  router.AddStreaming("PUT", a + "/artifacts/",
                      StreamingArtifactRoute(UploadProxiedArtifact, s, kWrite));
  router.AddPrefix("DELETE", a + "/artifacts/", ArtifactRoute(DeleteProxiedArtifact, s, kWrite));
  router.AddPrefix("POST", a + "/mpu/create/", ArtifactRoute(CreateMultipartUpload, s, kWrite));
  router.AddPrefix("POST", a + "/mpu/complete/", ArtifactRoute(CompleteMultipartUpload, s, kWrite));
  router.AddPrefix("POST", a + "/mpu/abort/", ArtifactRoute(AbortMultipartUpload, s, kWrite));
  router.Add("GET", p + "/bucketflow/artifacts/download-url",
             ArtifactRoute(GetArtifactDownloadUrl, s, kRead));
}

// UI-only routes, which MLflow serves under /ajax-api alone.
void AddUiRoutes(http::Router& router, Services& s) {
  const std::string ajax = "/ajax-api/2.0/mlflow";
  router.Add("GET", ajax + "/metrics/get-history-bulk",
             Read(GetMetricHistoryBulk, s, {.list_params = {"run_id"}}));
  router.Add("POST", ajax + "/experiments/search-datasets", Read(SearchDatasets, s));
  router.AddStreamingExact("POST", ajax + "/upload-artifact",
                           StreamingArtifactRoute(UploadRunArtifact, s, Permission::kWrite));
  router.Add("GET", "/get-artifact", ArtifactRoute(GetRunArtifact, s, Permission::kRead));
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
    AddAdminRoutes(router, prefix, services);
  }
  AddUiRoutes(router, services);
  // "/w/team-a/api/2.0/..." is "/api/2.0/..." in workspace team-a: the stock client only needs
  // MLFLOW_TRACKING_URI=http://host/w/team-a.
  router.SetScopePrefix("/w/");
  return router;
}

}  // namespace bucketflow::api

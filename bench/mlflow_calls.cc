#include "mlflow_calls.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <cstdio>

namespace bucketflow::bench {
namespace {

void AppendDouble(std::string& out, double value) {
  char buffer[32];
  const int n = std::snprintf(buffer, sizeof(buffer), "%.17g", value);
  out.append(buffer, static_cast<size_t>(n));
}

}  // namespace

Result<boost::json::value> ExpectJson(const Result<HttpReply>& reply, std::string_view what) {
  if (!reply.ok()) {
    return Status(reply.status().code(), std::string(what) + ": " + reply.status().message());
  }
  if (reply->status != 200) {
    return Status::Internal(what, ": HTTP ", reply->status, " ", reply->body.substr(0, 300));
  }
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(reply->body, ec);
  if (ec || !value.is_object()) {
    return Status::Internal(what, ": reply is not a JSON object");
  }
  return value;
}

Status ExpectOk(const Result<HttpReply>& reply, std::string_view what) {
  if (!reply.ok()) {
    return Status(reply.status().code(), std::string(what) + ": " + reply.status().message());
  }
  if (reply->status != 200) {
    return Status::Internal(what, ": HTTP ", reply->status, " ", reply->body.substr(0, 300));
  }
  return Status::Ok();
}

Result<std::string> CreateExperiment(KeepAliveClient& client, std::string_view name_prefix) {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const std::string name =
      std::string(name_prefix) + "-" +
      std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(now).count());
  boost::json::object body{{"name", name}};
  ASSIGN_OR_RETURN(boost::json::value reply,
                   ExpectJson(client.PostJson(std::string(kApi) + "/experiments/create",
                                              boost::json::serialize(body)),
                              "experiments/create"));
  const boost::json::string* id = reply.as_object().if_contains("experiment_id") != nullptr
                                      ? reply.as_object().at("experiment_id").if_string()
                                      : nullptr;
  if (id == nullptr) {
    return Status::Internal("experiments/create: no experiment_id in reply");
  }
  return std::string(*id);
}

Result<std::string> CreateRun(KeepAliveClient& client, std::string_view experiment_id) {
  boost::json::object body{{"experiment_id", experiment_id}, {"start_time", kT0}};
  ASSIGN_OR_RETURN(
      boost::json::value reply,
      ExpectJson(client.PostJson(std::string(kApi) + "/runs/create", boost::json::serialize(body)),
                 "runs/create"));
  const boost::json::value* run_id = nullptr;
  if (const boost::json::value* run = reply.as_object().if_contains("run");
      run != nullptr && run->is_object()) {
    if (const boost::json::value* info = run->as_object().if_contains("info");
        info != nullptr && info->is_object()) {
      run_id = info->as_object().if_contains("run_id");
    }
  }
  if (run_id == nullptr || !run_id->is_string()) {
    return Status::Internal("runs/create: no run.info.run_id in reply");
  }
  return std::string(run_id->as_string());
}

std::string MetricBatchBody(const MetricBatch& batch) {
  std::string out;
  out.reserve(static_cast<size_t>(batch.count) * 80 + 64);
  out += "{\"run_id\": \"";
  out += batch.run_id;
  out += "\", \"metrics\": [";
  for (int i = 0; i < batch.count; ++i) {
    const int64_t step = batch.first_step + i / batch.keys;
    out += i == 0 ? "{\"key\": \"" : ", {\"key\": \"";
    out += batch.key;
    if (batch.keys > 1) {
      out += '_';
      out += std::to_string(i % batch.keys);
    }
    out += "\", \"value\": ";
    AppendDouble(out, static_cast<double>(step % 1000) / 1000.0);
    out += ", \"timestamp\": ";
    out += std::to_string(kT0 + step);
    out += ", \"step\": ";
    out += std::to_string(step);
    out += '}';
  }
  out += "]}";
  return out;
}

std::string LogMetricBody(std::string_view run_id, std::string_view key, int64_t step,
                          double value) {
  std::string out = "{\"run_id\": \"";
  out += run_id;
  out += "\", \"key\": \"";
  out += key;
  out += "\", \"value\": ";
  AppendDouble(out, value);
  out += ", \"timestamp\": ";
  out += std::to_string(kT0 + step);
  out += ", \"step\": ";
  out += std::to_string(step);
  out += '}';
  return out;
}

}  // namespace bucketflow::bench

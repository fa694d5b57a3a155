#include "api/json_writer.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "model/run_status.h"

namespace bucketflow::api {

void AppendEscaped(std::string& out, std::string_view value) {
  static constexpr char kHex[] = "0123456789abcdef";
  size_t run_start = 0;
  for (size_t i = 0; i < value.size(); ++i) {
    auto c = static_cast<unsigned char>(value[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(value.data() + run_start, i - run_start);
    run_start = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
    }
  }
  out.append(value.data() + run_start, value.size() - run_start);
}

void JsonWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_ += ',';
    first_.back() = false;
  }
}

void JsonWriter::BeginObject() {
  BeforeValue();
  out_ += '{';
  first_.push_back(true);
}

void JsonWriter::EndObject() {
  out_ += '}';
  first_.pop_back();
}

void JsonWriter::BeginArray() {
  BeforeValue();
  out_ += '[';
  first_.push_back(true);
}

void JsonWriter::EndArray() {
  out_ += ']';
  first_.pop_back();
}

void JsonWriter::Key(std::string_view key) {
  BeforeValue();
  out_ += '"';
  AppendEscaped(out_, key);
  out_ += "\":";
  after_key_ = true;
}

void JsonWriter::String(std::string_view value) {
  BeforeValue();
  out_ += '"';
  AppendEscaped(out_, value);
  out_ += '"';
}

void JsonWriter::Int(int64_t value) {
  BeforeValue();
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out_.append(buffer, end);
}

void JsonWriter::Bool(bool value) {
  BeforeValue();
  out_ += value ? "true" : "false";
}

void JsonWriter::Double(double value) {
  BeforeValue();
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out_.append(buffer, end);
}

void JsonWriter::MetricValue(double value) {
  if (std::isnan(value)) {
    String("NaN");
    return;
  }
  if (std::isinf(value)) {
    Double(value > 0 ? std::numeric_limits<double>::max() : -std::numeric_limits<double>::max());
    return;
  }
  Double(value);
}

void JsonWriter::RawValue(std::string_view json) {
  BeforeValue();
  out_ += json;
}

namespace {

void AppendInt(std::string& out, int64_t value) {
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out.append(buffer, end);
}

void AppendMetricValue(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "\"NaN\"";
    return;
  }
  if (std::isinf(value)) {
    value = value > 0 ? std::numeric_limits<double>::max() : -std::numeric_limits<double>::max();
  }
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out.append(buffer, end);
}

}  // namespace

void AppendMetricArray(std::string& out, std::string_view key,
                       std::span<const model::Metric> metrics) {
  std::string prefix = "{\"key\":\"";
  AppendEscaped(prefix, key);
  prefix += "\",\"value\":";
  out.reserve(out.size() + 2 + metrics.size() * (prefix.size() + 48));
  out += '[';
  for (size_t i = 0; i < metrics.size(); ++i) {
    if (i > 0) out += ',';
    out += prefix;
    AppendMetricValue(out, metrics[i].value);
    out += ",\"timestamp\":";
    AppendInt(out, metrics[i].timestamp);
    out += ",\"step\":";
    AppendInt(out, metrics[i].step);
    out += '}';
  }
  out += ']';
}

void WriteTagList(JsonWriter& writer, std::string_view name, std::span<const model::Tag> tags) {
  if (tags.empty()) return;
  writer.Key(name);
  writer.BeginArray();
  for (const model::Tag& tag : tags) {
    writer.BeginObject();
    writer.Key("key");
    writer.String(tag.key);
    writer.Key("value");
    writer.String(tag.value);
    writer.EndObject();
  }
  writer.EndArray();
}

void WriteExperiment(JsonWriter& writer, const model::Experiment& experiment) {
  writer.BeginObject();
  writer.Key("experiment_id");
  writer.String(experiment.experiment_id);
  writer.Key("name");
  writer.String(experiment.name);
  writer.Key("artifact_location");
  writer.String(experiment.artifact_location);
  writer.Key("lifecycle_stage");
  writer.String(experiment.lifecycle_stage);
  writer.Key("last_update_time");
  writer.Int(experiment.last_update_time);
  writer.Key("creation_time");
  writer.Int(experiment.creation_time);
  WriteTagList(writer, "tags", experiment.tags);
  writer.EndObject();
}

void WriteRunInfo(JsonWriter& writer, const model::RunInfo& info) {
  writer.BeginObject();
  writer.Key("run_uuid");
  writer.String(info.run_id);
  writer.Key("experiment_id");
  writer.String(info.experiment_id);
  writer.Key("run_name");
  writer.String(info.run_name);
  writer.Key("user_id");
  writer.String(info.user_id);
  writer.Key("status");
  writer.String(model::RunStatusName(info.status));
  writer.Key("start_time");
  writer.Int(info.start_time);
  if (info.end_time.has_value()) {
    writer.Key("end_time");
    writer.Int(*info.end_time);
  }
  writer.Key("artifact_uri");
  writer.String(info.artifact_uri);
  writer.Key("lifecycle_stage");
  writer.String(info.lifecycle_stage);
  writer.Key("run_id");
  writer.String(info.run_id);
  writer.EndObject();
}

void WriteMetric(JsonWriter& writer, const model::Metric& metric, std::string_view run_id) {
  writer.BeginObject();
  writer.Key("key");
  writer.String(metric.key);
  writer.Key("value");
  writer.MetricValue(metric.value);
  writer.Key("timestamp");
  writer.Int(metric.timestamp);
  writer.Key("step");
  writer.Int(metric.step);
  if (!run_id.empty()) {
    writer.Key("run_id");
    writer.String(run_id);
  }
  writer.EndObject();
}

namespace {

void WriteDataset(JsonWriter& writer, const model::Dataset& dataset) {
  writer.BeginObject();
  writer.Key("name");
  writer.String(dataset.name);
  writer.Key("digest");
  writer.String(dataset.digest);
  writer.Key("source_type");
  writer.String(dataset.source_type);
  writer.Key("source");
  writer.String(dataset.source);
  if (!dataset.schema.empty()) {
    writer.Key("schema");
    writer.String(dataset.schema);
  }
  if (!dataset.profile.empty()) {
    writer.Key("profile");
    writer.String(dataset.profile);
  }
  writer.EndObject();
}

void WriteInputs(JsonWriter& writer, std::span<const model::DatasetInput> inputs) {
  writer.Key("inputs");
  writer.BeginObject();
  if (!inputs.empty()) {
    writer.Key("dataset_inputs");
    writer.BeginArray();
    for (const model::DatasetInput& input : inputs) {
      writer.BeginObject();
      WriteTagList(writer, "tags", input.tags);
      writer.Key("dataset");
      WriteDataset(writer, input.dataset);
      writer.EndObject();
    }
    writer.EndArray();
  }
  writer.EndObject();
}

void WriteRunData(JsonWriter& writer, const model::Run& run) {
  writer.Key("data");
  writer.BeginObject();
  if (!run.metrics.empty()) {
    writer.Key("metrics");
    writer.BeginArray();
    for (const model::Metric& metric : run.metrics) WriteMetric(writer, metric, "");
    writer.EndArray();
  }
  if (!run.params.empty()) {
    writer.Key("params");
    writer.BeginArray();
    for (const model::Param& param : run.params) {
      writer.BeginObject();
      writer.Key("key");
      writer.String(param.key);
      writer.Key("value");
      writer.String(param.value);
      writer.EndObject();
    }
    writer.EndArray();
  }
  WriteTagList(writer, "tags", run.tags);
  writer.EndObject();
}

}  // namespace

void WriteRun(JsonWriter& writer, const model::Run& run, bool with_inputs) {
  writer.BeginObject();
  writer.Key("info");
  WriteRunInfo(writer, run.info);
  WriteRunData(writer, run);
  if (with_inputs) WriteInputs(writer, run.inputs);
  writer.EndObject();
}

}  // namespace bucketflow::api

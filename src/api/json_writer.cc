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
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
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
    writer.StringField("key", tag.key);
    writer.StringField("value", tag.value);
    writer.EndObject();
  }
  writer.EndArray();
}

void WriteExperiment(JsonWriter& writer, const model::Experiment& experiment) {
  writer.BeginObject();
  writer.StringField("experiment_id", experiment.experiment_id);
  writer.StringField("name", experiment.name);
  writer.StringField("artifact_location", experiment.artifact_location);
  writer.StringField("lifecycle_stage", experiment.lifecycle_stage);
  writer.IntField("last_update_time", experiment.last_update_time);
  writer.IntField("creation_time", experiment.creation_time);
  WriteTagList(writer, "tags", experiment.tags);
  writer.EndObject();
}

void WriteRunInfo(JsonWriter& writer, const model::RunInfo& info) {
  writer.BeginObject();
  writer.StringField("run_uuid", info.run_id);
  writer.StringField("experiment_id", info.experiment_id);
  writer.StringField("run_name", info.run_name);
  writer.StringField("user_id", info.user_id);
  writer.StringField("status", model::RunStatusName(info.status));
  writer.IntField("start_time", info.start_time);
  if (info.end_time.has_value()) {
    writer.IntField("end_time", *info.end_time);
  }
  writer.StringField("artifact_uri", info.artifact_uri);
  writer.StringField("lifecycle_stage", info.lifecycle_stage);
  writer.StringField("run_id", info.run_id);
  writer.EndObject();
}

void WriteMetric(JsonWriter& writer, const model::Metric& metric, std::string_view run_id) {
  writer.BeginObject();
  writer.StringField("key", metric.key);
  writer.Key("value");
  writer.MetricValue(metric.value);
  writer.IntField("timestamp", metric.timestamp);
  writer.IntField("step", metric.step);
  if (!run_id.empty()) {
    writer.StringField("run_id", run_id);
  }
  writer.EndObject();
}

namespace {

void WriteDataset(JsonWriter& writer, const model::Dataset& dataset) {
  writer.BeginObject();
  writer.StringField("name", dataset.name);
  writer.StringField("digest", dataset.digest);
  writer.StringField("source_type", dataset.source_type);
  writer.StringField("source", dataset.source);
  if (!dataset.schema.empty()) {
    writer.StringField("schema", dataset.schema);
  }
  if (!dataset.profile.empty()) {
    writer.StringField("profile", dataset.profile);
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
      writer.StringField("key", param.key);
      writer.StringField("value", param.value);
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

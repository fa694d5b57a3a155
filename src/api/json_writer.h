#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/entities.h"

// Serialises responses the way MLflow's protobuf JSON does: int64 as numbers, ids as strings,
// unset fields and empty lists omitted, NaN metric values as "NaN", +/-Infinity clamped to
// +/-1.7976931348623157e308. Writes straight into one string (a 100k-point metric history is
// ~6 MB; no DOM per point).
namespace bucketflow::api {

// A minimal streaming JSON writer. Not thread-safe; one per response.
class JsonWriter {
 public:
  JsonWriter() { first_.reserve(16); }

  void BeginObject();
  void EndObject();
  void BeginArray();
  void EndArray();
  // Writes `"key":`; the next call writes its value.
  void Key(std::string_view key);
  void String(std::string_view value);
  void Int(int64_t value);
  void Bool(bool value);
  // A finite double as the shortest round-trip decimal.
  void Double(double value);
  // A metric value: NaN as the string "NaN", infinities clamped to +/-DBL_MAX.
  void MetricValue(double value);

  // `"key": value` in one call, for the common field shapes.
  void StringField(std::string_view key, std::string_view value) {
    Key(key);
    String(value);
  }
  void IntField(std::string_view key, int64_t value) {
    Key(key);
    Int(value);
  }

  // A value already serialised as JSON (e.g. by WriteMetricArray).
  void RawValue(std::string_view json);

  void Reserve(size_t bytes) { out_.reserve(bytes); }
  std::string Take() { return std::move(out_); }

 private:
  void BeforeValue();

  std::string out_;
  std::vector<bool> first_;  // per open container: nothing written in it yet
  bool after_key_ = false;
};

// Appends `value` JSON-escaped (without quotes).
void AppendEscaped(std::string& out, std::string_view value);

void WriteExperiment(JsonWriter& writer, const model::Experiment& experiment);
void WriteRunInfo(JsonWriter& writer, const model::RunInfo& info);
// `with_inputs`: runs/get and search include "inputs" ({} when none); runs/create does not.
void WriteRun(JsonWriter& writer, const model::Run& run, bool with_inputs);
// {"key","value","timestamp","step"} plus "run_id" when `run_id` is non-empty.
void WriteMetric(JsonWriter& writer, const model::Metric& metric, std::string_view run_id);
// [{"key","value","timestamp","step"}...] for many points of one metric, appended to `out`
// without per-point overhead (the key is escaped once). Used for 100k-point histories.
void AppendMetricArray(std::string& out, std::string_view key,
                       std::span<const model::Metric> metrics);
// "name": [{"key","value"}...]; nothing when `tags` is empty.
void WriteTagList(JsonWriter& writer, std::string_view name, std::span<const model::Tag> tags);

}  // namespace bucketflow::api

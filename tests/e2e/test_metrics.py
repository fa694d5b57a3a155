"""log-metric, log-batch, get-history, get-history-bulk-interval."""
import json
import math

from bf_helpers import assert_error

T0 = 1_700_000_000_000
UNKNOWN_RUN = "deadbeefdeadbeefdeadbeefdeadbeef"


def history(api, run_id, key):
    return api.ok(api.get("/metrics/get-history", {"run_id": run_id, "metric_key": key})).get("metrics", [])


def latest(api, run_id):
    return {m["key"]: m for m in api.get_run(run_id)["data"].get("metrics", [])}


def test_log_metric_and_history(api, run_id):
    for step in range(5):
        api.ok(api.post("/runs/log-metric", {"run_id": run_id, "key": "loss", "value": 2.0 - step * 0.25,
                                             "timestamp": T0 + step, "step": step}))
    points = history(api, run_id, "loss")
    assert [(p["step"], p["value"], p["timestamp"]) for p in points] == \
        [(s, 2.0 - s * 0.25, T0 + s) for s in range(5)]
    assert all(p["key"] == "loss" for p in points)
    assert latest(api, run_id)["loss"]["value"] == 1.0


def test_log_metric_lenient_values(api, run_id):
    def log(key, value, **kw):
        return api.post("/runs/log-metric", {"run_id": run_id, "key": key, "value": value,
                                             "timestamp": T0, "step": 1, **kw})

    api.ok(log("str_val", "1.25"))
    api.ok(log("nan_str", "NaN"))
    api.ok(log("inf_str", "Infinity"))
    api.ok(log("eval/acc:top-1.x y", 0.5))
    m = latest(api, run_id)
    assert m["str_val"]["value"] == 1.25
    assert m["nan_str"]["value"] == "NaN"
    assert m["inf_str"]["value"] == 1.7976931348623157e+308
    assert history(api, run_id, "nan_str")[0]["value"] == "NaN"


def test_log_metric_bad_inputs(api, run_id):
    def log(body):
        return api.post("/runs/log-metric", {"run_id": run_id, **body})

    assert_error(log({"key": "m", "value": "abc", "timestamp": T0}), 400, "INVALID_PARAMETER_VALUE")
    assert_error(log({"key": "m", "value": 1.0}), 400, "INVALID_PARAMETER_VALUE",
                 "Missing value for required parameter 'timestamp'")
    assert_error(log({"key": "m", "value": 1.0, "timestamp": "now"}), 400, "INVALID_PARAMETER_VALUE")
    assert_error(log({"key": "m", "value": 1.0, "timestamp": T0, "step": "first"}), 400, "INVALID_PARAMETER_VALUE")
    assert_error(log({"value": 1.0, "timestamp": T0}), 400, "INVALID_PARAMETER_VALUE")
    assert_error(log({"key": "bad key!", "value": 1.0, "timestamp": T0}), 400, "INVALID_PARAMETER_VALUE")
    assert_error(api.post("/runs/log-metric", {}), 400, "INVALID_PARAMETER_VALUE")
    assert_error(api.post("/runs/log-metric", {"run_id": UNKNOWN_RUN, "key": "m", "value": 1.0, "timestamp": T0}),
                 404, "RESOURCE_DOES_NOT_EXIST")
    # Deliberate divergences: MLflow answers 500 for an object value and silently stores 0 for a
    # bare NaN literal or a float timestamp. Bucketflow refuses them and stores nothing.
    assert_error(log({"key": "obj_val", "value": {"v": 1}, "timestamp": T0}), 400, "INVALID_PARAMETER_VALUE")
    assert_error(log({"key": "ts_float", "value": 4.0, "timestamp": T0 + 0.5}), 400, "INVALID_PARAMETER_VALUE")
    for literal in ("NaN", "Infinity"):
        text = f'{{"run_id": "{run_id}", "key": "lit", "value": {literal}, "timestamp": {T0}, "step": 3}}'
        r = api.raw("POST", "/api/2.0/mlflow/runs/log-metric", data=text,
                    headers={"Content-Type": "application/json"})
        assert_error(r, 400, "INVALID_PARAMETER_VALUE")
    assert history(api, run_id, "lit") == []
    assert history(api, run_id, "ts_float") == []
    assert history(api, run_id, "obj_val") == []


def test_log_batch_metrics_params_tags(api, run_id):
    metrics = [{"key": "acc", "value": 0.5 + i / 100, "timestamp": T0 + i, "step": i} for i in range(10)]
    api.ok(api.post("/runs/log-batch", {"run_id": run_id, "metrics": metrics,
                                        "params": [{"key": "lr", "value": "0.001"}, {"key": "opt", "value": "adam"}],
                                        "tags": [{"key": "stage", "value": "test"}]}))
    run = api.get_run(run_id)
    assert {p["key"]: p["value"] for p in run["data"]["params"]} == {"lr": "0.001", "opt": "adam"}
    assert {"key": "stage", "value": "test"} in run["data"]["tags"]
    assert len(history(api, run_id, "acc")) == 10
    assert latest(api, run_id)["acc"]["step"] == 9
    api.ok(api.post("/runs/log-batch", {"run_id": run_id, "params": [{"key": "lr", "value": "0.001"}]}))
    assert_error(api.post("/runs/log-batch", {"run_id": run_id, "params": [{"key": "lr", "value": "0.5"}]}),
                 400, "INVALID_PARAMETER_VALUE")


def test_log_batch_is_atomic(api, run_id):
    # The bad param (an overwrite) must roll back the metrics of the same batch.
    api.ok(api.post("/runs/log-batch", {"run_id": run_id, "params": [{"key": "p", "value": "1"}]}))
    r = api.post("/runs/log-batch", {"run_id": run_id,
                                     "metrics": [{"key": "atomic", "value": 1.0, "timestamp": T0, "step": 0}],
                                     "params": [{"key": "p", "value": "2"}]})
    assert_error(r, 400, "INVALID_PARAMETER_VALUE")
    assert history(api, run_id, "atomic") == []


def test_log_batch_limits(api, run_id):
    def metrics(prefix, n):
        return [{"key": f"{prefix}{i:04d}", "value": i * 0.5, "timestamp": T0 + i, "step": 0} for i in range(n)]

    api.ok(api.post("/runs/log-batch", {"run_id": run_id, "metrics": metrics("bm", 1000)}))
    assert len(latest(api, run_id)) == 1000
    assert_error(api.post("/runs/log-batch", {"run_id": run_id, "metrics": metrics("cm", 1001)}), 400,
                 "INVALID_PARAMETER_VALUE", "at most 1000 metrics")
    params = [{"key": f"cp{i:03d}", "value": f"v{i}"} for i in range(101)]
    assert_error(api.post("/runs/log-batch", {"run_id": run_id, "params": params}), 400,
                 "INVALID_PARAMETER_VALUE", "at most 100 params")
    assert_error(api.post("/runs/log-batch", {"run_id": run_id, "metrics": metrics("dm", 1000),
                                              "params": [{"key": "dp", "value": "v"}]}),
                 400, "INVALID_PARAMETER_VALUE")
    assert_error(api.post("/runs/log-batch", {"run_id": run_id, "metrics": [
        {"key": "m" * 251, "value": 1.0, "timestamp": T0, "step": 0}]}), 400, "INVALID_PARAMETER_VALUE")
    # Nothing of the refused batches was stored.
    assert history(api, run_id, "cm0000") == [] and history(api, run_id, "dm0000") == []
    assert not any(p["key"].startswith("cp") for p in api.get_run(run_id)["data"].get("params", []))


def test_log_batch_bad_inputs(api, run_id):
    def batch(**kw):
        return api.post("/runs/log-batch", {"run_id": run_id, **kw})

    assert_error(batch(params=[{"key": "dup", "value": "a"}, {"key": "dup", "value": "b"}]), 400,
                 "INVALID_PARAMETER_VALUE")
    assert_error(batch(metrics=[{"key": "m", "value": 1.0}]), 400, "INVALID_PARAMETER_VALUE")
    assert_error(batch(params=[{"value": "v"}]), 400, "INVALID_PARAMETER_VALUE")
    assert_error(batch(metrics={"key": "m"}), 400, "INVALID_PARAMETER_VALUE")
    assert_error(api.post("/runs/log-batch", {"run_id": UNKNOWN_RUN, "metrics": [
        {"key": "m", "value": 1.0, "timestamp": T0}]}), 404, "RESOURCE_DOES_NOT_EXIST")
    assert_error(api.post("/runs/log-batch", {"metrics": []}), 400, "INVALID_PARAMETER_VALUE")


def test_log_batch_double_encoded_body(api, run_id):
    text = json.dumps(json.dumps({"run_id": run_id, "params": [{"key": "double_encoded", "value": "yes"}]}))
    r = api.raw("POST", "/api/2.0/mlflow/runs/log-batch", data=text, headers={"Content-Type": "application/json"})
    api.ok(r)
    assert {"key": "double_encoded", "value": "yes"} in api.get_run(run_id)["data"]["params"]


def test_log_batch_large_body_accepted(api, run_id):
    # ~1.4 MB of params and tags in one normal JSON body is accepted (MLflow does).
    params = [{"key": f"hp{i:03d}", "value": "x" * 6000} for i in range(100)]
    tags = [{"key": f"ht{i:03d}", "value": "y" * 8000} for i in range(100)]
    api.ok(api.post("/runs/log-batch", {"run_id": run_id, "params": params, "tags": tags}))
    run = api.get_run(run_id)
    assert len([p for p in run["data"]["params"] if p["key"].startswith("hp")]) == 100


def test_get_history_edge_cases(api, run_id):
    assert api.ok(api.get("/metrics/get-history", {"run_id": run_id, "metric_key": "nope"})) == {}
    assert api.ok(api.get("/metrics/get-history", {"run_id": UNKNOWN_RUN, "metric_key": "loss"})) == {}
    assert_error(api.get("/metrics/get-history", {"run_id": run_id}), 400, "INVALID_PARAMETER_VALUE")


def test_get_history_ignores_max_results(api, run_id):
    metrics = [{"key": "loss", "value": float(i), "timestamp": T0 + i, "step": i} for i in range(10)]
    api.ok(api.post("/runs/log-batch", {"run_id": run_id, "metrics": metrics}))
    r = api.ok(api.get("/metrics/get-history", {"run_id": run_id, "metric_key": "loss", "max_results": 3,
                                                "page_token": "x"}))
    assert len(r["metrics"]) == 10


def test_get_history_bulk_interval(api, experiment_id):
    r1 = api.create_run(experiment_id)["info"]["run_id"]
    r2 = api.create_run(experiment_id)["info"]["run_id"]
    api.ok(api.post("/runs/log-batch", {"run_id": r1, "metrics": [
        {"key": "loss", "value": 2.0 - i / 8, "timestamp": T0 + i * 1000, "step": i} for i in range(10)]}))
    api.ok(api.post("/runs/log-batch", {"run_id": r2, "metrics": [
        {"key": "loss", "value": 3.0 - i / 8, "timestamp": T0 + i * 1000, "step": i} for i in range(20)]}))

    def bulk(**params):
        return api.get("/metrics/get-history-bulk-interval", {"run_ids": [r1, r2], "metric_key": "loss", **params})

    everything = api.ok(bulk())["metrics"]
    assert len(everything) == 30
    assert {m["run_id"] for m in everything} == {r1, r2}
    sampled = api.ok(bulk(max_results=5))["metrics"]
    steps = {(m["run_id"], m["step"]) for m in sampled}
    # Every run's first and last step are always kept.
    assert {(r1, 0), (r1, 9), (r2, 0), (r2, 19)} <= steps
    assert len(sampled) < 30
    window = api.ok(bulk(start_step=5, end_step=8))["metrics"]
    assert window and all(5 <= m["step"] <= 8 for m in window)
    assert_error(bulk(start_step=5), 400, "INVALID_PARAMETER_VALUE")
    assert_error(bulk(start_step=8, end_step=5), 400, "INVALID_PARAMETER_VALUE")
    assert_error(bulk(max_results=0), 400, "INVALID_PARAMETER_VALUE")
    assert_error(api.get("/metrics/get-history-bulk-interval", {"metric_key": "loss"}), 400,
                 "INVALID_PARAMETER_VALUE")
    assert_error(api.get("/metrics/get-history-bulk-interval", {"run_ids": r1}), 400, "INVALID_PARAMETER_VALUE")
    assert_error(api.get("/metrics/get-history-bulk-interval",
                         {"run_ids": [f"r{i}" for i in range(101)], "metric_key": "loss"}),
                 400, "INVALID_PARAMETER_VALUE")
    assert api.ok(api.get("/metrics/get-history-bulk-interval",
                          {"run_ids": UNKNOWN_RUN, "metric_key": "loss"})) == {}


def test_latest_metric_is_max_by_step_then_timestamp(api, run_id):
    for step, ts, value in [(5, T0 + 1, 1.0), (3, T0 + 9, 2.0), (5, T0 + 0, 3.0)]:
        api.ok(api.post("/runs/log-metric", {"run_id": run_id, "key": "m", "value": value, "timestamp": ts,
                                             "step": step}))
    m = latest(api, run_id)["m"]
    assert (m["step"], m["timestamp"], m["value"]) == (5, T0 + 1, 1.0)
    assert not math.isnan(m["value"])

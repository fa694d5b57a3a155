"""Runs: create/get/update/delete/restore, params, tags, log-model, log-inputs."""
import json

from bf_helpers import assert_error

UNKNOWN_RUN = "deadbeefdeadbeefdeadbeefdeadbeef"


def tags_of(run):
    return {t["key"]: t["value"] for t in run["data"].get("tags", [])}


def params_of(run):
    return {p["key"]: p["value"] for p in run["data"].get("params", [])}


def test_create_full_run(api, experiment_id):
    body = {"experiment_id": experiment_id, "user_id": "e2e-user", "run_name": "run-a",
            "start_time": 1700000001000, "tags": [{"key": "stage", "value": "dev"}]}
    run = api.ok(api.post("/runs/create", body))["run"]
    info = run["info"]
    assert len(info["run_id"]) == 32 and info["run_uuid"] == info["run_id"]
    assert info["experiment_id"] == experiment_id
    assert info["run_name"] == "run-a" and info["user_id"] == "e2e-user"
    assert info["status"] == "RUNNING" and info["start_time"] == 1700000001000
    assert info["lifecycle_stage"] == "active"
    assert info["artifact_uri"] == f"mlflow-artifacts:/{experiment_id}/{info['run_id']}/artifacts"
    assert tags_of(run) == {"stage": "dev", "mlflow.runName": "run-a"}
    got = api.get_run(info["run_id"])
    assert got["info"] == info
    assert "inputs" in got


def test_create_minimal_generates_name(api, experiment_id):
    run = api.ok(api.post("/runs/create", {"experiment_id": experiment_id}))["run"]
    assert run["info"]["run_name"]
    assert run["info"]["start_time"] == 0
    assert tags_of(run)["mlflow.runName"] == run["info"]["run_name"]


def test_create_run_name_from_tag_and_conflict(api, experiment_id):
    run = api.ok(api.post("/runs/create", {"experiment_id": experiment_id, "start_time": "1700000004000",
                                           "tags": [{"key": "mlflow.runName", "value": "from-tag"}]}))["run"]
    assert run["info"]["run_name"] == "from-tag"
    assert run["info"]["start_time"] == 1700000004000
    assert_error(api.post("/runs/create", {"experiment_id": experiment_id, "run_name": "x",
                                           "tags": [{"key": "mlflow.runName", "value": "y"}]}),
                 400, "INVALID_PARAMETER_VALUE")


def test_create_errors(api, experiment_id):
    assert_error(api.post("/runs/create", {"experiment_id": "987654321"}), 404, "RESOURCE_DOES_NOT_EXIST")
    assert_error(api.post("/runs/create", {"experiment_id": experiment_id, "run_name": {"a": 1}}), 400,
                 "INVALID_PARAMETER_VALUE")
    # Deliberate divergence: MLflow answers BAD_REQUEST with a FOREIGN KEY failure text.
    assert_error(api.post("/runs/create", {"run_name": "no-exp"}), 400, "INVALID_PARAMETER_VALUE",
                 "Missing value for required parameter 'experiment_id'")


def test_get_errors(api):
    assert_error(api.get("/runs/get", {"run_id": UNKNOWN_RUN}), 404, "RESOURCE_DOES_NOT_EXIST",
                 f"Run with id={UNKNOWN_RUN} not found")
    assert_error(api.get("/runs/get"), 400, "INVALID_PARAMETER_VALUE")


def test_update_status_end_time_and_name(api, run_id):
    info = api.ok(api.post("/runs/update", {"run_id": run_id, "status": "FINISHED",
                                            "end_time": 1700000009000}))["run_info"]
    assert info["status"] == "FINISHED" and info["end_time"] == 1700000009000
    api.ok(api.post("/runs/update", {"run_id": run_id, "run_name": "renamed"}))
    run = api.get_run(run_id)
    assert run["info"]["run_name"] == "renamed"
    assert tags_of(run)["mlflow.runName"] == "renamed"
    api.ok(api.post("/runs/update", {"run_uuid": run_id, "status": "KILLED"}))
    assert api.get_run(run_id)["info"]["status"] == "KILLED"
    assert_error(api.post("/runs/update", {"run_id": UNKNOWN_RUN, "status": "FINISHED"}), 404,
                 "RESOURCE_DOES_NOT_EXIST")


def test_delete_and_restore(api, run_id):
    api.ok(api.post("/runs/delete", {"run_id": run_id}))
    assert api.get_run(run_id)["info"]["lifecycle_stage"] == "deleted"
    api.ok(api.post("/runs/delete", {"run_id": run_id}))  # deleting twice is 200 in MLflow
    assert_error(api.post("/runs/log-metric", {"run_id": run_id, "key": "m", "value": 1.0,
                                               "timestamp": 1700000000000}),
                 400, "INVALID_PARAMETER_VALUE", "must be in the 'active' state")
    assert_error(api.post("/runs/log-parameter", {"run_id": run_id, "key": "p", "value": "v"}),
                 400, "INVALID_PARAMETER_VALUE")
    api.ok(api.post("/runs/restore", {"run_id": run_id}))
    api.ok(api.post("/runs/restore", {"run_id": run_id}))
    assert api.get_run(run_id)["info"]["lifecycle_stage"] == "active"
    assert_error(api.post("/runs/delete", {"run_id": UNKNOWN_RUN}), 404, "RESOURCE_DOES_NOT_EXIST")


def test_set_tag_and_delete_tag(api, run_id):
    api.ok(api.post("/runs/set-tag", {"run_id": run_id, "key": "note", "value": "hello"}))
    assert tags_of(api.get_run(run_id))["note"] == "hello"
    api.ok(api.post("/runs/set-tag", {"run_id": run_id, "key": "mlflow.runName", "value": "via-tag"}))
    assert api.get_run(run_id)["info"]["run_name"] == "via-tag"
    api.ok(api.post("/runs/delete-tag", {"run_id": run_id, "key": "note"}))
    assert "note" not in tags_of(api.get_run(run_id))
    assert_error(api.post("/runs/delete-tag", {"run_id": run_id, "key": "never-set"}), 404,
                 "RESOURCE_DOES_NOT_EXIST")


def test_set_tag_errors(api, run_id):
    def tag(**kw):
        return api.post("/runs/set-tag", {"run_id": run_id, **kw})

    assert_error(tag(value="v"), 400, "INVALID_PARAMETER_VALUE")
    assert_error(tag(key="k" * 251, value="v"), 400, "INVALID_PARAMETER_VALUE")
    assert_error(tag(key="bad key!", value="v"), 400, "INVALID_PARAMETER_VALUE")
    assert_error(tag(key="a/../b", value="v"), 400, "INVALID_PARAMETER_VALUE")
    assert_error(tag(key="k", value={"x": 1}), 400, "INVALID_PARAMETER_VALUE")
    assert_error(api.post("/runs/set-tag", {"run_id": UNKNOWN_RUN, "key": "k", "value": "v"}), 404,
                 "RESOURCE_DOES_NOT_EXIST")


def test_log_parameter(api, run_id):
    api.ok(api.post("/runs/log-parameter", {"run_id": run_id, "key": "lr", "value": "0.01"}))
    api.ok(api.post("/runs/log-parameter", {"run_id": run_id, "key": "lr", "value": "0.01"}))
    assert_error(api.post("/runs/log-parameter", {"run_id": run_id, "key": "lr", "value": "0.02"}),
                 400, "INVALID_PARAMETER_VALUE", "Changing param values is not allowed")
    assert_error(api.post("/runs/log-parameter", {"run_id": run_id, "key": "epochs", "value": 10}),
                 400, "INVALID_PARAMETER_VALUE")
    assert_error(api.post("/runs/log-parameter", {"run_id": run_id, "value": "v"}), 400,
                 "INVALID_PARAMETER_VALUE")
    assert_error(api.post("/runs/log-parameter", {"run_id": UNKNOWN_RUN, "key": "lr", "value": "1"}), 404,
                 "RESOURCE_DOES_NOT_EXIST")
    api.ok(api.post("/runs/log-parameter", {"run_id": run_id, "key": "empty-param"}))
    assert params_of(api.get_run(run_id)) == {"lr": "0.01", "empty-param": ""}


def test_log_model_appends_history_tag(api, run_id):
    model = {"artifact_path": "model", "flavors": {"python_function": {"loader_module": "x.loader"}},
             "utc_time_created": "2023-11-14 22:13:20.000000", "run_id": run_id, "model_uuid": "m-0001"}
    api.ok(api.post("/runs/log-model", {"run_id": run_id, "model_json": json.dumps(model)}))
    history = json.loads(tags_of(api.get_run(run_id))["mlflow.log-model.history"])
    assert len(history) == 1 and history[0]["artifact_path"] == "model"
    assert history[0]["flavors"] == model["flavors"]
    assert_error(api.post("/runs/log-model", {"run_id": run_id, "model_json": "{not json"}), 400,
                 "INVALID_PARAMETER_VALUE")
    assert_error(api.post("/runs/log-model", {"run_id": run_id, "model_json": '{"artifact_path": "m"}'}), 400,
                 "INVALID_PARAMETER_VALUE")
    assert_error(api.post("/runs/log-model", {"run_id": run_id}), 400, "INVALID_PARAMETER_VALUE")


def test_log_inputs(api, run_id):
    dataset = {"name": "ds", "digest": "d1g3st01", "source_type": "local",
               "source": '{"uri": "/data/x.csv"}', "schema": "{}", "profile": '{"num_rows": 3}'}
    api.ok(api.post("/runs/log-inputs", {"run_id": run_id, "datasets": [
        {"tags": [{"key": "mlflow.data.context", "value": "training"}], "dataset": dataset}]}))
    inputs = api.get_run(run_id)["inputs"]["dataset_inputs"]
    assert len(inputs) == 1
    assert inputs[0]["dataset"] == dataset
    assert inputs[0]["tags"] == [{"key": "mlflow.data.context", "value": "training"}]
    assert_error(api.post("/runs/log-inputs", {"run_id": run_id}), 400, "INVALID_PARAMETER_VALUE")
    assert_error(api.post("/runs/log-inputs", {"run_id": UNKNOWN_RUN, "datasets": [{"dataset": dataset}]}), 404,
                 "RESOURCE_DOES_NOT_EXIST")


def test_long_values_are_refused_not_truncated(api, run_id):
    # Deliberate divergence: MLflow silently truncates param values > 6000 and tag values > 8000
    # characters; Bucketflow refuses them and stores nothing.
    assert_error(api.post("/runs/log-parameter", {"run_id": run_id, "key": "p6001", "value": "v" * 6001}),
                 400, "INVALID_PARAMETER_VALUE")
    assert_error(api.post("/runs/set-tag", {"run_id": run_id, "key": "t8001", "value": "v" * 8001}),
                 400, "INVALID_PARAMETER_VALUE")
    api.ok(api.post("/runs/log-parameter", {"run_id": run_id, "key": "p6000", "value": "v" * 6000}))
    api.ok(api.post("/runs/set-tag", {"run_id": run_id, "key": "t8000", "value": "v" * 8000}))
    run = api.get_run(run_id)
    assert params_of(run) == {"p6000": "v" * 6000}
    assert tags_of(run)["t8000"] == "v" * 8000 and "t8001" not in tags_of(run)


def test_ajax_prefix_runs(ajax, api, experiment_id):
    run = ajax.create_run(experiment_id)
    assert api.get_run(run["info"]["run_id"])["info"]["run_id"] == run["info"]["run_id"]

"""Experiments: create/get/get-by-name/search/update/delete/restore/set-tag over HTTP."""
import uuid

from bf_helpers import assert_error

UNKNOWN_EXP = "987654321"


def unique(prefix="e2e-exp"):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def test_create_and_get_returns_mlflow_shape(api):
    name = unique()
    tags = [{"key": "team", "value": "core"}, {"key": "purpose", "value": "e2e"}]
    exp_id = api.ok(api.post("/experiments/create", {"name": name, "tags": tags}))["experiment_id"]
    assert isinstance(exp_id, str) and exp_id.isdigit()
    exp = api.ok(api.get("/experiments/get", {"experiment_id": exp_id}))["experiment"]
    assert exp["experiment_id"] == exp_id
    assert exp["name"] == name
    assert exp["artifact_location"] == f"mlflow-artifacts:/{exp_id}"
    assert exp["lifecycle_stage"] == "active"
    assert isinstance(exp["creation_time"], int) and isinstance(exp["last_update_time"], int)
    assert sorted((t["key"], t["value"]) for t in exp["tags"]) == [("purpose", "e2e"), ("team", "core")]


def test_create_with_explicit_artifact_location(api):
    exp_id = api.create_experiment(artifact_location="s3://some-bucket/prefix")
    exp = api.ok(api.get("/experiments/get", {"experiment_id": exp_id}))["experiment"]
    assert exp["artifact_location"] == "s3://some-bucket/prefix"


def test_default_experiment_exists(api):
    exp = api.ok(api.get("/experiments/get", {"experiment_id": "0"}))["experiment"]
    assert exp["name"] == "Default"


def test_create_duplicate_name_is_resource_already_exists(api):
    name = unique()
    api.create_experiment(name)
    assert_error(api.post("/experiments/create", {"name": name}), 400, "RESOURCE_ALREADY_EXISTS")


def test_create_bad_inputs(api):
    assert_error(api.post("/experiments/create", {}), 400, "INVALID_PARAMETER_VALUE",
                 "Missing value for required parameter 'name'")
    assert_error(api.post("/experiments/create", {"name": ""}), 400, "INVALID_PARAMETER_VALUE")
    assert_error(api.post("/experiments/create", {"name": {"a": "b"}}), 400, "INVALID_PARAMETER_VALUE")
    assert_error(api.post("/experiments/create", {"name": 123}), 400, "INVALID_PARAMETER_VALUE")
    assert_error(api.post("/experiments/create", {"name": "n" * 501}), 400, "INVALID_PARAMETER_VALUE",
                 "exceeds the maximum length of 500")
    assert_error(api.post("/experiments/create", {"name": unique(), "tags": "team=core"}), 400,
                 "INVALID_PARAMETER_VALUE")
    assert_error(api.post("/experiments/create", {"name": unique(), "artifact_location": "s3://b/p#frag"}),
                 400, "INVALID_PARAMETER_VALUE")


def test_name_of_500_chars_is_accepted(api):
    name = "n" * 490 + uuid.uuid4().hex[:10]
    exp_id = api.create_experiment(name)
    got = api.ok(api.get("/experiments/get-by-name", {"experiment_name": name}))["experiment"]
    assert got["experiment_id"] == exp_id


def test_get_unknown_and_missing(api):
    assert_error(api.get("/experiments/get", {"experiment_id": UNKNOWN_EXP}), 404, "RESOURCE_DOES_NOT_EXIST")
    assert_error(api.get("/experiments/get"), 400, "INVALID_PARAMETER_VALUE")
    assert_error(api.get("/experiments/get-by-name", {"experiment_name": unique("nope")}), 404,
                 "RESOURCE_DOES_NOT_EXIST")


def test_get_by_name(api, experiment_id):
    name = api.ok(api.get("/experiments/get", {"experiment_id": experiment_id}))["experiment"]["name"]
    got = api.ok(api.get("/experiments/get-by-name", {"experiment_name": name}))["experiment"]
    assert got["experiment_id"] == experiment_id


def test_update_renames(api, experiment_id):
    new_name = unique("renamed")
    api.ok(api.post("/experiments/update", {"experiment_id": experiment_id, "new_name": new_name}))
    exp = api.ok(api.get("/experiments/get", {"experiment_id": experiment_id}))["experiment"]
    assert exp["name"] == new_name
    # experiment_id as a JSON number is accepted (stringified), as MLflow does.
    newer = unique("renamed2")
    api.ok(api.post("/experiments/update", {"experiment_id": int(experiment_id), "new_name": newer}))
    assert api.ok(api.get("/experiments/get-by-name", {"experiment_name": newer}))["experiment"][
        "experiment_id"] == experiment_id


def test_update_errors(api, experiment_id):
    other = unique()
    api.create_experiment(other)
    # Deliberate divergence: MLflow answers BAD_REQUEST with raw SQLite text; we use the same code
    # as a duplicate name in experiments/create.
    assert_error(api.post("/experiments/update", {"experiment_id": experiment_id, "new_name": other}),
                 400, "RESOURCE_ALREADY_EXISTS", "already exists")
    assert_error(api.post("/experiments/update", {"experiment_id": UNKNOWN_EXP, "new_name": unique()}),
                 404, "RESOURCE_DOES_NOT_EXIST")
    assert_error(api.post("/experiments/update", {"experiment_id": experiment_id}), 400,
                 "INVALID_PARAMETER_VALUE")


def test_set_experiment_tag(api, experiment_id):
    api.ok(api.post("/experiments/set-experiment-tag", {"experiment_id": experiment_id, "key": "owner",
                                                        "value": "alice"}))
    api.ok(api.post("/experiments/set-experiment-tag", {"experiment_id": experiment_id, "key": "owner",
                                                        "value": "bob"}))
    exp = api.ok(api.get("/experiments/get", {"experiment_id": experiment_id}))["experiment"]
    assert {"key": "owner", "value": "bob"} in exp["tags"]
    assert [t["key"] for t in exp["tags"]].count("owner") == 1


def test_set_experiment_tag_errors(api, experiment_id):
    def tag(**kw):
        return api.post("/experiments/set-experiment-tag", {"experiment_id": experiment_id, **kw})

    assert_error(tag(key="k" * 251, value="v"), 400, "INVALID_PARAMETER_VALUE")
    assert_error(tag(key="big", value="v" * 5001), 400, "INVALID_PARAMETER_VALUE")
    assert_error(tag(key="a/../b", value="v"), 400, "INVALID_PARAMETER_VALUE")
    assert_error(api.post("/experiments/set-experiment-tag", {"experiment_id": UNKNOWN_EXP, "key": "k",
                                                              "value": "v"}), 404, "RESOURCE_DOES_NOT_EXIST")


def test_delete_restore_lifecycle(api):
    name = unique()
    exp_id = api.create_experiment(name)
    api.ok(api.post("/experiments/delete", {"experiment_id": exp_id}))
    exp = api.ok(api.get("/experiments/get", {"experiment_id": exp_id}))["experiment"]
    assert exp["lifecycle_stage"] == "deleted"
    by_name = api.ok(api.get("/experiments/get-by-name", {"experiment_name": name}))["experiment"]
    assert by_name["lifecycle_stage"] == "deleted"
    assert_error(api.post("/experiments/delete", {"experiment_id": exp_id}), 404, "RESOURCE_DOES_NOT_EXIST")
    assert_error(api.post("/experiments/create", {"name": name}), 400, "RESOURCE_ALREADY_EXISTS")
    assert_error(api.post("/experiments/set-experiment-tag", {"experiment_id": exp_id, "key": "k", "value": "v"}),
                 400, "INVALID_PARAMETER_VALUE", "must be in the 'active' state")
    assert_error(api.post("/runs/create", {"experiment_id": exp_id, "start_time": 1}), 400,
                 "INVALID_PARAMETER_VALUE")
    # Deliberate divergence: MLflow answers 500 INVALID_STATE to renaming a deleted experiment.
    assert_error(api.post("/experiments/update", {"experiment_id": exp_id, "new_name": unique()}), 400,
                 "INVALID_PARAMETER_VALUE")
    api.ok(api.post("/experiments/restore", {"experiment_id": exp_id}))
    assert api.ok(api.get("/experiments/get", {"experiment_id": exp_id}))["experiment"][
        "lifecycle_stage"] == "active"
    assert_error(api.post("/experiments/restore", {"experiment_id": exp_id}), 404, "RESOURCE_DOES_NOT_EXIST")
    assert_error(api.post("/experiments/delete", {"experiment_id": UNKNOWN_EXP}), 404, "RESOURCE_DOES_NOT_EXIST")


def test_delete_experiment_cascades_to_runs(api, experiment_id):
    run_id = api.create_run(experiment_id)["info"]["run_id"]
    api.ok(api.post("/experiments/delete", {"experiment_id": experiment_id}))
    assert api.get_run(run_id)["info"]["lifecycle_stage"] == "deleted"
    api.ok(api.post("/experiments/restore", {"experiment_id": experiment_id}))
    assert api.get_run(run_id)["info"]["lifecycle_stage"] == "active"


def test_ajax_prefix_serves_the_same(api, ajax, experiment_id):
    a = api.ok(api.get("/experiments/get", {"experiment_id": experiment_id}))
    b = ajax.ok(ajax.get("/experiments/get", {"experiment_id": experiment_id}))
    assert a == b
    exp_id = ajax.create_experiment()
    assert api.ok(api.get("/experiments/get", {"experiment_id": exp_id}))["experiment"]["experiment_id"] == exp_id

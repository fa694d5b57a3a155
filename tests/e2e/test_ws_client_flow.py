"""The stock MLflow 2.17 client's HTTP flow against a workspace (issue #6).

The mlflow package is not installable here, so this replays what it sends (as bf_helpers.Api does
for the single-tenant suites): MLFLOW_TRACKING_URI=http://host:port/w/team-a makes every call go
to http://host:port/w/team-a/api/2.0/mlflow/...; mlflow-artifacts: URIs resolve under the same
prefix (.../w/team-a/api/2.0/mlflow-artifacts/artifacts/...); MLFLOW_TRACKING_TOKEN puts
`Authorization: Bearer <token>` on every call, MLFLOW_TRACKING_USERNAME/PASSWORD basic auth.
The users here belong to two workspaces, so only the prefix can select team-a.
"""
from __future__ import annotations

import posixpath
import tempfile
import time
import uuid
from urllib.parse import urlsplit

import pytest
import requests

from ws_helpers import Deployment, basic, bearer, describe, error_of

PASSWORD = "dana's long password"


class MlflowClient:
    """The requests the MLflow 2.17 Python client makes, from its environment variables."""

    def __init__(self, env: dict):
        self.tracking_uri = env["MLFLOW_TRACKING_URI"].rstrip("/")
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "mlflow-python-client/2.17.2"
        if env.get("MLFLOW_TRACKING_TOKEN"):
            self.session.headers["Authorization"] = bearer(env["MLFLOW_TRACKING_TOKEN"])
        elif env.get("MLFLOW_TRACKING_USERNAME"):
            self.session.headers["Authorization"] = basic(env["MLFLOW_TRACKING_USERNAME"],
                                                          env["MLFLOW_TRACKING_PASSWORD"])
        self.calls: list[requests.Response] = []

    def _call(self, method: str, endpoint: str, body: dict | None = None) -> requests.Response:
        url = f"{self.tracking_uri}/api/2.0/mlflow{endpoint}"
        if method == "GET":
            r = self.session.get(url, params=body, timeout=60)
        else:
            r = self.session.post(url, json=body, timeout=60)
        self.calls.append(r)
        return r

    def ok(self, method: str, endpoint: str, body: dict | None = None) -> dict:
        r = self._call(method, endpoint, body)
        assert r.status_code == 200, describe(r)
        return r.json()

    def set_experiment(self, name: str) -> str:
        r = self._call("GET", "/experiments/get-by-name", {"experiment_name": name})
        if r.status_code == 200:
            return r.json()["experiment"]["experiment_id"]
        assert error_of(r) == (404, "RESOURCE_DOES_NOT_EXIST"), describe(r)
        exp_id = self.ok("POST", "/experiments/create", {"name": name})["experiment_id"]
        assert self.ok("GET", "/experiments/get", {"experiment_id": exp_id})["experiment"]["name"] == name
        return exp_id

    def start_run(self, exp_id: str, user: str) -> dict:
        return self.ok("POST", "/runs/create", {
            "experiment_id": exp_id, "user_id": user, "start_time": int(time.time() * 1000),
            "run_name": "flow-run",
            "tags": [{"key": "mlflow.user", "value": user}, {"key": "mlflow.source.name", "value": "train.py"},
                     {"key": "mlflow.source.type", "value": "LOCAL"}, {"key": "mlflow.runName", "value": "flow-run"}]
        })["run"]

    # mlflow-artifacts: resolved against the tracking URI, prefix included.
    def artifact_base(self, artifact_uri: str) -> str:
        assert artifact_uri.startswith("mlflow-artifacts:/"), artifact_uri
        parts = urlsplit(self.tracking_uri)
        rel = artifact_uri[len("mlflow-artifacts:"):].lstrip("/")
        return f"{parts.scheme}://{parts.netloc}{parts.path}/api/2.0/mlflow-artifacts/artifacts/{rel}"

    def log_artifact(self, artifact_uri: str, rel: str, data: bytes) -> None:
        r = self.session.put(f"{self.artifact_base(artifact_uri)}/{rel}", data=data,
                             headers={"Content-Type": "text/plain"}, timeout=60)
        self.calls.append(r)
        assert r.status_code == 200, describe(r)

    def list_artifacts(self, artifact_uri: str, path: str = "") -> list[dict]:
        base = self.artifact_base(artifact_uri)
        url, tail = base.split("/mlflow-artifacts/artifacts", 1)
        r = self.session.get(f"{url}/mlflow-artifacts/artifacts",
                             params={"path": posixpath.join(tail.lstrip("/"), path)}, timeout=60)
        self.calls.append(r)
        assert r.status_code == 200, describe(r)
        return r.json().get("files", [])

    def download(self, artifact_uri: str, rel: str) -> bytes:
        r = self.session.get(f"{self.artifact_base(artifact_uri)}/{rel}", timeout=60)
        self.calls.append(r)
        assert r.status_code == 200, describe(r)
        return r.content


@pytest.fixture(scope="module")
def dep():
    with tempfile.TemporaryDirectory(prefix="bf-e2e-ws-flow-") as tmp:
        d = Deployment(tmp).start()
        root = d.root()
        root.create_workspace("team-a")
        root.create_workspace("team-b")
        d.carol = d.user("carol", {"team-a": "editor", "team-b": "reader"})
        d.user("dana", {"team-a": "editor", "team-b": "editor"}, password=PASSWORD)
        yield d
        code = d.stop()
        assert code == 0, f"server exited with {code}:\n{d.server.log_tail()}"


def run_flow(client: MlflowClient, user: str) -> tuple[str, dict]:
    name = f"flow-{uuid.uuid4().hex[:8]}"
    exp_id = client.set_experiment(name)
    assert client.set_experiment(name) == exp_id  # the second time it is found
    run = client.start_run(exp_id, user)
    run_id = run["info"]["run_id"]
    client.ok("POST", "/runs/log-parameter", {"run_id": run_id, "run_uuid": run_id, "key": "lr", "value": "0.01"})
    now = int(time.time() * 1000)
    client.ok("POST", "/runs/log-metric", {"run_id": run_id, "run_uuid": run_id, "key": "loss", "value": 0.5,
                                           "timestamp": now, "step": 0})
    client.ok("POST", "/runs/log-batch", {
        "run_id": run_id, "metrics": [{"key": "loss", "value": 0.25, "timestamp": now + 1, "step": 1},
                                      {"key": "acc", "value": 0.9, "timestamp": now + 1, "step": 1}],
        "params": [{"key": "epochs", "value": "3"}], "tags": [{"key": "phase", "value": "train"}]})
    artifact_uri = client.ok("GET", "/runs/get", {"run_id": run_id})["run"]["info"]["artifact_uri"]
    client.log_artifact(artifact_uri, "notes.txt", b"hello from the client\n")
    client.log_artifact(artifact_uri, "model/MLmodel", b"flavors: {}\n")
    files = client.list_artifacts(artifact_uri)
    assert [(f["path"], f["is_dir"]) for f in files] == [("model", True), ("notes.txt", False)], files
    assert [f["path"] for f in client.list_artifacts(artifact_uri, "model")] == ["MLmodel"]
    assert client.download(artifact_uri, "notes.txt") == b"hello from the client\n"
    client.ok("POST", "/runs/update", {"run_id": run_id, "run_uuid": run_id, "status": "FINISHED",
                                       "end_time": int(time.time() * 1000)})
    found = client.ok("POST", "/runs/search", {"experiment_ids": [exp_id], "filter": "metrics.acc > 0.5",
                                               "max_results": 1000, "order_by": ["attributes.start_time DESC"]})
    assert [r["info"]["run_id"] for r in found.get("runs", [])] == [run_id], found
    got = found["runs"][0]
    assert got["info"]["status"] == "FINISHED"
    assert {p["key"]: p["value"] for p in got["data"]["params"]} == {"lr": "0.01", "epochs": "3"}
    history = client.ok("GET", "/metrics/get-history", {"run_id": run_id, "metric_key": "loss"})["metrics"]
    assert [m["value"] for m in history] == [0.5, 0.25]
    return exp_id, {"name": name, "run_id": run_id}


def _assert_all_authorized(client: MlflowClient) -> None:
    for r in client.calls:
        assert r.request.headers.get("Authorization") == client.session.headers["Authorization"]
        assert urlsplit(r.request.url).path.startswith("/w/team-a/"), r.request.url


def test_token_flow_under_the_workspace_prefix(dep):
    client = MlflowClient({"MLFLOW_TRACKING_URI": f"{dep.url}/w/team-a", "MLFLOW_TRACKING_TOKEN": dep.carol})
    exp_id, info = run_flow(client, "carol")
    _assert_all_authorized(client)
    # Everything went to team-a: team-b does not know the experiment, the run or its artifacts.
    in_b = MlflowClient({"MLFLOW_TRACKING_URI": f"{dep.url}/w/team-b", "MLFLOW_TRACKING_TOKEN": dep.carol})
    r = in_b._call("GET", "/experiments/get-by-name", {"experiment_name": info["name"]})
    assert error_of(r) == (404, "RESOURCE_DOES_NOT_EXIST"), describe(r)
    r = in_b._call("GET", "/runs/get", {"run_id": info["run_id"]})
    assert error_of(r) == (404, "RESOURCE_DOES_NOT_EXIST"), describe(r)
    r = in_b.session.get(f"{dep.url}/w/team-b/api/2.0/mlflow-artifacts/artifacts",
                         params={"path": f"{exp_id}/{info['run_id']}/artifacts"}, timeout=60)
    assert error_of(r) == (404, "RESOURCE_DOES_NOT_EXIST"), describe(r)
    # carol is only a reader in team-b: the same flow there stops at the first write.
    r = in_b._call("POST", "/experiments/create", {"name": "reader-cannot"})
    assert error_of(r) == (403, "PERMISSION_DENIED"), describe(r)


def test_basic_auth_flow_under_the_workspace_prefix(dep):
    client = MlflowClient({"MLFLOW_TRACKING_URI": f"{dep.url}/w/team-a", "MLFLOW_TRACKING_USERNAME": "dana",
                           "MLFLOW_TRACKING_PASSWORD": PASSWORD})
    run_flow(client, "dana")
    _assert_all_authorized(client)
    wrong = MlflowClient({"MLFLOW_TRACKING_URI": f"{dep.url}/w/team-a", "MLFLOW_TRACKING_USERNAME": "dana",
                          "MLFLOW_TRACKING_PASSWORD": PASSWORD + "!"})
    r = wrong._call("GET", "/experiments/get-by-name", {"experiment_name": "x"})
    assert error_of(r) == (401, "UNAUTHENTICATED"), describe(r)


def test_without_the_token_nothing_answers(dep):
    client = MlflowClient({"MLFLOW_TRACKING_URI": f"{dep.url}/w/team-a"})
    r = client._call("POST", "/experiments/search", {"max_results": 10})
    assert error_of(r) == (401, "UNAUTHENTICATED"), describe(r)


def test_default_experiment_is_the_workspaces(dep):
    """mlflow.start_run() without set_experiment logs to experiment "0": team-a's Default."""
    client = MlflowClient({"MLFLOW_TRACKING_URI": f"{dep.url}/w/team-a", "MLFLOW_TRACKING_TOKEN": dep.carol})
    got = client.ok("GET", "/experiments/get", {"experiment_id": "0"})["experiment"]
    ws = dep.root().ok(dep.root().admin_get("workspaces/get", {"name": "team-a"}))["workspace"]
    assert got["name"] == "Default" and got["experiment_id"] == ws["default_experiment_id"], (got, ws)
    run = client.start_run("0", "carol")
    assert run["info"]["experiment_id"] == ws["default_experiment_id"], run

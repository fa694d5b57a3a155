"""Issue #6's isolation suite, table-driven over every endpoint of the API.

Workspaces team-a and team-b, --auth on. B holds experiments, a run with metrics, params, tags,
inputs and artifacts. (1) With A's editor token, every endpoint given B's experiment id, run id,
experiment name or artifact path answers exactly what an unknown one gets (404
RESOURCE_DOES_NOT_EXIST, or the empty answer), and B's data never shows. (2) A role matrix: each
endpoint against reader / editor / admin / non-member / no credentials answers exactly the
allowed set. (3) The /w/<name>/ prefix and the X-Bucketflow-Workspace header select the
workspace; a token bound to A naming B is refused.

An endpoint is data: a Target (ids, names, paths) -> a request, the permission it needs, and how
an id of another workspace must be answered: "404", "empty" (200 with nothing in it) or "same"
(exactly what an unknown id gets).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from typing import Callable

import pytest

from bf_helpers import _free_port
from ws_helpers import Client, Deployment, describe, error_of, fresh_address

# Values only workspace B's objects hold: none of them may appear in an answer given to A.
SECRET_PARAM = "b-secret-param-value"
SECRET_TAG = "b-secret-tag-value"
SECRET_METRIC = 1234.5678
SECRET_BYTES = b"b-secret-artifact-bytes"
SECRET_DATASET = "b-secret-dataset"
SECRETS = (SECRET_PARAM, SECRET_TAG, "1234.5678", SECRET_BYTES.decode(), SECRET_DATASET)
FILE = "data/file.txt"


@dataclass
class Target:
    exp_id: str
    exp_name: str
    run_id: str

    @property
    def art_root(self) -> str:
        return f"{self.exp_id}/{self.run_id}/artifacts"


UNKNOWN = Target(exp_id="987654321", exp_name="no-such-experiment-anywhere",
                 run_id="0123456789abcdef0123456789abcdef")


def populate(client, name: str | None = None) -> Target:
    """An experiment with a run holding a metric, a param, a tag, an input and an artifact."""
    name = name or f"b-{uuid.uuid4().hex[:10]}"
    exp_id = client.create_experiment(name)
    run_id = client.create_run(exp_id)["info"]["run_id"]
    now = int(time.time() * 1000)
    client.mlflow_post("/runs/log-batch", {
        "run_id": run_id, "metrics": [{"key": "loss", "value": SECRET_METRIC, "timestamp": now, "step": 0}],
        "params": [{"key": "p1", "value": SECRET_PARAM}], "tags": [{"key": "t1", "value": SECRET_TAG}]})
    client.mlflow_post("/runs/log-inputs", {"run_id": run_id, "datasets": [{"dataset": {
        "name": SECRET_DATASET, "digest": "d1", "source_type": "local", "source": "{}"}}]})
    target = Target(exp_id, name, run_id)
    client.ok(client.put_artifact(f"{target.art_root}/{FILE}", SECRET_BYTES))
    return target


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def _model_json(t: Target) -> str:
    return json.dumps({"artifact_path": "model", "flavors": {}, "run_id": t.run_id,
                       "utc_time_created": "2024-01-01 00:00:00.000000", "model_uuid": _unique("m")})


@dataclass
class Endpoint:
    key: str
    method: str
    path: Callable[[Target], str]
    perm: str  # "read" or "write"
    request: Callable[[Target], dict] = lambda t: {}
    foreign: str = "404"
    allowed: frozenset = frozenset({200})
    # Run on a fresh target (by an editor of its workspace) before an allowed role calls it.
    prepare: Callable | None = None
    # Whether each role-matrix call needs its own fresh target (it changes or deletes it).
    fresh: bool = False
    tags: tuple = field(default_factory=tuple)


def _json(fn):
    return lambda t: {"json_body": fn(t)}


def _query(fn):
    return lambda t: {"params": fn(t)}


def _delete_experiment(client, t: Target) -> None:
    client.mlflow_post("/experiments/delete", {"experiment_id": t.exp_id})


def _delete_run(client, t: Target) -> None:
    client.mlflow_post("/runs/delete", {"run_id": t.run_id})


def tracking_endpoints(p: str) -> list[Endpoint]:
    """The MLflow routes that routes.cc registers under both prefixes (p = /api/2.0 or /ajax-api/2.0)."""
    m = p + "/mlflow"
    now = lambda: int(time.time() * 1000)  # noqa: E731
    return [
        Endpoint(f"{m}/experiments/create", "POST", lambda t: f"{m}/experiments/create", "write",
                 _json(lambda t: {"name": _unique("created")}), foreign="create"),
        Endpoint(f"{m}/experiments/get", "GET", lambda t: f"{m}/experiments/get", "read",
                 _query(lambda t: {"experiment_id": t.exp_id})),
        Endpoint(f"{m}/experiments/get-by-name", "GET", lambda t: f"{m}/experiments/get-by-name", "read",
                 _query(lambda t: {"experiment_name": t.exp_name})),
        Endpoint(f"POST {m}/experiments/search", "POST", lambda t: f"{m}/experiments/search", "read",
                 _json(lambda t: {"filter": f"name = '{t.exp_name}'", "max_results": 100}), foreign="empty"),
        Endpoint(f"GET {m}/experiments/search", "GET", lambda t: f"{m}/experiments/search", "read",
                 _query(lambda t: {"filter": f"name = '{t.exp_name}'", "max_results": 100}), foreign="empty"),
        Endpoint(f"{m}/experiments/update", "POST", lambda t: f"{m}/experiments/update", "write",
                 _json(lambda t: {"experiment_id": t.exp_id, "new_name": _unique("renamed")}), fresh=True),
        Endpoint(f"{m}/experiments/delete", "POST", lambda t: f"{m}/experiments/delete", "write",
                 _json(lambda t: {"experiment_id": t.exp_id}), fresh=True),
        Endpoint(f"{m}/experiments/restore", "POST", lambda t: f"{m}/experiments/restore", "write",
                 _json(lambda t: {"experiment_id": t.exp_id}), fresh=True, prepare=_delete_experiment),
        Endpoint(f"{m}/experiments/set-experiment-tag", "POST", lambda t: f"{m}/experiments/set-experiment-tag",
                 "write", _json(lambda t: {"experiment_id": t.exp_id, "key": "k", "value": "v"})),
        Endpoint(f"{m}/runs/create", "POST", lambda t: f"{m}/runs/create", "write",
                 _json(lambda t: {"experiment_id": t.exp_id, "start_time": now()})),
        Endpoint(f"{m}/runs/get", "GET", lambda t: f"{m}/runs/get", "read", _query(lambda t: {"run_id": t.run_id})),
        Endpoint(f"{m}/runs/update", "POST", lambda t: f"{m}/runs/update", "write",
                 _json(lambda t: {"run_id": t.run_id, "status": "FINISHED", "end_time": now()}), fresh=True),
        Endpoint(f"{m}/runs/delete", "POST", lambda t: f"{m}/runs/delete", "write",
                 _json(lambda t: {"run_id": t.run_id}), fresh=True),
        Endpoint(f"{m}/runs/restore", "POST", lambda t: f"{m}/runs/restore", "write",
                 _json(lambda t: {"run_id": t.run_id}), fresh=True, prepare=_delete_run),
        Endpoint(f"{m}/runs/search", "POST", lambda t: f"{m}/runs/search", "read",
                 _json(lambda t: {"experiment_ids": [t.exp_id], "max_results": 100}), foreign="empty"),
        Endpoint(f"{m}/runs/log-metric", "POST", lambda t: f"{m}/runs/log-metric", "write",
                 _json(lambda t: {"run_id": t.run_id, "key": "m", "value": 1.5, "timestamp": now(), "step": 1})),
        Endpoint(f"{m}/runs/log-parameter", "POST", lambda t: f"{m}/runs/log-parameter", "write",
                 _json(lambda t: {"run_id": t.run_id, "key": _unique("p"), "value": "v"})),
        Endpoint(f"{m}/runs/set-tag", "POST", lambda t: f"{m}/runs/set-tag", "write",
                 _json(lambda t: {"run_id": t.run_id, "key": "k", "value": "v"})),
        Endpoint(f"{m}/runs/delete-tag", "POST", lambda t: f"{m}/runs/delete-tag", "write",
                 _json(lambda t: {"run_id": t.run_id, "key": "t1"}), fresh=True),
        Endpoint(f"{m}/runs/log-batch", "POST", lambda t: f"{m}/runs/log-batch", "write",
                 _json(lambda t: {"run_id": t.run_id, "metrics": [{"key": "m", "value": 2, "timestamp": now(),
                                                                    "step": 2}],
                                  "params": [{"key": _unique("p"), "value": "v"}],
                                  "tags": [{"key": "k2", "value": "v"}]})),
        Endpoint(f"{m}/runs/log-model", "POST", lambda t: f"{m}/runs/log-model", "write",
                 _json(lambda t: {"run_id": t.run_id, "model_json": _model_json(t)})),
        Endpoint(f"{m}/runs/log-inputs", "POST", lambda t: f"{m}/runs/log-inputs", "write",
                 _json(lambda t: {"run_id": t.run_id, "datasets": [{"dataset": {
                     "name": _unique("ds"), "digest": "d2", "source_type": "local", "source": "{}"}}]})),
        Endpoint(f"{m}/metrics/get-history", "GET", lambda t: f"{m}/metrics/get-history", "read",
                 _query(lambda t: {"run_id": t.run_id, "metric_key": "loss"}), foreign="empty"),
        Endpoint(f"{m}/metrics/get-history-bulk-interval", "GET",
                 lambda t: f"{m}/metrics/get-history-bulk-interval", "read",
                 _query(lambda t: {"run_ids": t.run_id, "metric_key": "loss"}), foreign="same"),
        Endpoint(f"{m}/artifacts/list", "GET", lambda t: f"{m}/artifacts/list", "read",
                 _query(lambda t: {"run_id": t.run_id})),
    ]


def ajax_only_endpoints() -> list[Endpoint]:
    m = "/ajax-api/2.0/mlflow"
    return [
        Endpoint(f"{m}/metrics/get-history-bulk", "GET", lambda t: f"{m}/metrics/get-history-bulk", "read",
                 _query(lambda t: {"run_id": t.run_id, "metric_key": "loss"}), foreign="same"),
        Endpoint(f"{m}/experiments/search-datasets", "POST", lambda t: f"{m}/experiments/search-datasets", "read",
                 _json(lambda t: {"experiment_ids": [t.exp_id]}), foreign="empty"),
        Endpoint(f"{m}/upload-artifact", "POST", lambda t: f"{m}/upload-artifact", "write",
                 lambda t: {"params": {"run_uuid": t.run_id, "path": f"up/{_unique('f')}.txt"},
                            "data": b"uploaded", "headers": {"Content-Type": "application/octet-stream"}}),
        Endpoint("/get-artifact", "GET", lambda t: "/get-artifact", "read",
                 _query(lambda t: {"run_uuid": t.run_id, "path": FILE})),
    ]


def artifact_endpoints(p: str) -> list[Endpoint]:
    a = p + "/mlflow-artifacts"
    octet = {"Content-Type": "application/octet-stream"}
    return [
        Endpoint(f"{a}/artifacts (list)", "GET", lambda t: f"{a}/artifacts", "read",
                 _query(lambda t: {"path": t.art_root})),
        Endpoint(f"GET {a}/artifacts/<path>", "GET", lambda t: f"{a}/artifacts/{t.art_root}/{FILE}", "read"),
        Endpoint(f"PUT {a}/artifacts/<path>", "PUT",
                 lambda t: f"{a}/artifacts/{t.art_root}/new-file.txt", "write",
                 lambda t: {"data": b"new bytes", "headers": octet}),
        Endpoint(f"DELETE {a}/artifacts/<path>", "DELETE", lambda t: f"{a}/artifacts/{t.art_root}/{FILE}",
                 "write", fresh=True),
        # The workspaces here keep artifacts in local directories: multipart is 501, as in MLflow.
        Endpoint(f"{a}/mpu/create", "POST", lambda t: f"{a}/mpu/create/{t.art_root}/big.bin", "write",
                 _json(lambda t: {"path": "big.bin", "num_parts": 2}), allowed=frozenset({501})),
        Endpoint(f"{a}/mpu/complete", "POST", lambda t: f"{a}/mpu/complete/{t.art_root}/big.bin", "write",
                 _json(lambda t: {"path": "big.bin", "upload_id": "u-1",
                                  "parts": [{"part_number": 1, "etag": "e1"}]}), allowed=frozenset({501})),
        Endpoint(f"{a}/mpu/abort", "POST", lambda t: f"{a}/mpu/abort/{t.art_root}/big.bin", "write",
                 _json(lambda t: {"path": "big.bin", "upload_id": "u-1"}), allowed=frozenset({501})),
        Endpoint(f"{p}/bucketflow/artifacts/download-url", "GET",
                 lambda t: f"{p}/bucketflow/artifacts/download-url", "read",
                 _query(lambda t: {"run_id": t.run_id, "path": FILE})),
    ]


def data_endpoints() -> list[Endpoint]:
    """Every route that reads or writes a workspace's experiments, runs and artifacts."""
    out = []
    for p in ("/api/2.0", "/ajax-api/2.0"):
        out += tracking_endpoints(p) + artifact_endpoints(p)
    return out + ajax_only_endpoints()


# ---------------------------------------------------------------------------------------------
# The admin API (/api/2.0/bucketflow/ and /ajax-api/2.0/bucketflow/): who may call what.


ROLES = ("reader", "editor", "admin", "nonmember", "none")
ADMIN_ROLES = ROLES + ("root",)
ANY_AUTH = {"reader": 200, "editor": 200, "admin": 200, "nonmember": 200, "none": 401, "root": 200}
MEMBERS = {"reader": 200, "editor": 200, "admin": 200, "nonmember": 403, "none": 401, "root": 200}
WS_ADMIN = {"reader": 403, "editor": 403, "admin": 200, "nonmember": 403, "none": 401, "root": 200}
SERVER_ADMIN = {"reader": 403, "editor": 403, "admin": 403, "nonmember": 403, "none": 401, "root": 200}
# Allowed callers of bucket/set get past the gate to the verification, which fails (dead endpoint).
# The request names endpoints, which only a server admin may set: a workspace admin gets 403.
BUCKET_SET = {"reader": 403, "editor": 403, "admin": 403, "nonmember": 403, "none": 401, "root": 400}
# Every client here signs in with a token: changing one's own password takes a password sign-in.
SELF_PASSWORD_BY_TOKEN = {"reader": 403, "editor": 403, "admin": 403, "nonmember": 403, "none": 401,
                          "root": 403}


@dataclass
class AdminEndpoint:
    key: str
    method: str
    endpoint: str
    request: Callable  # (world, role) -> kwargs for Client.request
    expected: dict


def _dead_bucket(world, role):
    dead = f"http://127.0.0.1:{_free_port()}"
    return {"json_body": {"workspace": "team-b", "bucket": "bf-e2e-nowhere", "region": "us-east-1",
                          "s3_endpoint": dead, "sts_endpoint": dead, "addressing": "path",
                          "role_arn": "arn:aws:iam:::role/bf-e2e-nowhere"}}


ADMIN_ENDPOINTS = [
    AdminEndpoint("me", "GET", "me", lambda w, r: {}, ANY_AUTH),
    AdminEndpoint("workspaces/list", "GET", "workspaces/list", lambda w, r: {}, ANY_AUTH),
    AdminEndpoint("workspaces/get", "GET", "workspaces/get", lambda w, r: {"params": {"name": "team-b"}}, MEMBERS),
    AdminEndpoint("workspaces/create", "POST", "workspaces/create",
                  lambda w, r: {"json_body": {"name": _unique("ws")}}, SERVER_ADMIN),
    AdminEndpoint("workspaces/delete", "POST", "workspaces/delete",
                  lambda w, r: {"json_body": {"name": w.fresh_workspace()}}, SERVER_ADMIN),
    AdminEndpoint("workspaces/bucket/set", "POST", "workspaces/bucket/set", _dead_bucket, BUCKET_SET),
    AdminEndpoint("workspaces/members/list", "GET", "workspaces/members/list",
                  lambda w, r: {"params": {"workspace": "team-b"}}, WS_ADMIN),
    AdminEndpoint("workspaces/members/set", "POST", "workspaces/members/set",
                  lambda w, r: {"json_body": {"workspace": "team-b", "user": w.fresh_user(), "role": "reader"}},
                  WS_ADMIN),
    AdminEndpoint("workspaces/members/remove", "POST", "workspaces/members/remove",
                  lambda w, r: {"json_body": {"workspace": "team-b", "user": w.fresh_member()}}, WS_ADMIN),
    AdminEndpoint("users/create", "POST", "users/create",
                  lambda w, r: {"json_body": {"name": _unique("u")}}, SERVER_ADMIN),
    AdminEndpoint("users/list", "GET", "users/list", lambda w, r: {}, SERVER_ADMIN),
    AdminEndpoint("users/delete", "POST", "users/delete",
                  lambda w, r: {"json_body": {"name": w.fresh_user()}}, SERVER_ADMIN),
    AdminEndpoint("users/set-password (self)", "POST", "users/set-password",
                  lambda w, r: {"json_body": {"password": "a-new-password-123"}}, SELF_PASSWORD_BY_TOKEN),
    AdminEndpoint("users/set-password (another user)", "POST", "users/set-password",
                  lambda w, r: {"json_body": {"name": w.fresh_user(), "password": "a-new-password-123"}},
                  SERVER_ADMIN),
    AdminEndpoint("tokens/create (self)", "POST", "tokens/create",
                  lambda w, r: {"json_body": {"name": "mine"}}, ANY_AUTH),
    AdminEndpoint("tokens/create (self, bound to team-b)", "POST", "tokens/create",
                  lambda w, r: {"json_body": {"name": "mine", "workspace": "team-b"}}, MEMBERS),
    AdminEndpoint("tokens/create (a member of team-b)", "POST", "tokens/create",
                  lambda w, r: {"json_body": {"user": w.fresh_member(), "workspace": "team-b"}}, WS_ADMIN),
    AdminEndpoint("tokens/list (own)", "GET", "tokens/list", lambda w, r: {}, ANY_AUTH),
    AdminEndpoint("tokens/revoke (own)", "POST", "tokens/revoke",
                  lambda w, r: {"json_body": {"token_id": w.own_token_id(r)}}, ANY_AUTH),
    AdminEndpoint("tokens/revoke (a member's, bound to team-b)", "POST", "tokens/revoke",
                  lambda w, r: {"json_body": {"token_id": w.member_token_id()}}, WS_ADMIN),
    AdminEndpoint("audit/list", "GET", "audit/list", lambda w, r: {"params": {"workspace": "team-b"}}, WS_ADMIN),
]


# ---------------------------------------------------------------------------------------------
# The world: one server, two workspaces, one user per role.


class World:
    def __init__(self, dep: Deployment):
        self.dep = dep
        root = dep.root()
        self.ws_a = root.create_workspace("team-a")
        self.ws_b = root.create_workspace("team-b")
        self.names = {"reader": "reader-b", "editor": "editor-b", "admin": "admin-b", "nonmember": "outsider",
                      "root": "root"}
        self.tokens = {"root": dep.root_secret}
        self.tokens["alice"] = dep.user("alice", {"team-a": "editor"})
        self.tokens["alice-bound-a"] = dep.token_for("alice", "team-a")
        self.tokens["bob"] = dep.user("bob", {"team-b": "editor"})
        self.tokens["carol"] = dep.user("carol", {"team-a": "editor", "team-b": "editor"})
        for role in ("reader", "editor", "admin"):
            self.tokens[role] = dep.user(self.names[role], {"team-b": role})
        self.tokens["nonmember"] = dep.user("outsider", {"team-a": "editor"})
        self.b_writer = dep.client(self.tokens["bob"], workspace="team-b")
        self.b = populate(self.b_writer, "b-main")
        self.b_other = populate(self.b_writer, "b-other")

    def client(self, who: str, **kw) -> Client:
        if who == "none":
            return Client(self.dep.url, None, address=fresh_address(), **kw)
        return self.dep.client(self.tokens[who], **kw)

    def role_client(self, role: str) -> Client:
        return self.client(role, workspace="team-b")

    # Things the admin endpoints act on, made fresh by root for each call.
    def fresh_workspace(self) -> str:
        return self.dep.root().create_workspace(_unique("gone"))["name"]

    def fresh_user(self) -> str:
        return self.dep.root().create_user(_unique("user"))["name"]

    def fresh_member(self) -> str:
        name = self.fresh_user()
        self.dep.root().set_member("team-b", name, "reader")
        return name

    def own_token_id(self, role: str) -> str:
        user = self.names.get(role, "bob")  # "none": somebody's real token id
        return self.dep.root().create_token(user=user)[1]["id"]

    def member_token_id(self) -> str:
        return self.dep.root().create_token(user=self.fresh_member(), workspace="team-b")[1]["id"]


@pytest.fixture(scope="module")
def world():
    with tempfile.TemporaryDirectory(prefix="bf-e2e-ws-iso-") as tmp:
        # Fake AWS keys: bucket/set's verification then fails at AssumeRole (a dead endpoint), not
        # for want of credentials.
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(AWS_ACCESS_KEY_ID="AKIAE2EFAKEFAKEFAKE1", AWS_SECRET_ACCESS_KEY="e2e-fake-secret",
                   AWS_EC2_METADATA_DISABLED="true", AWS_CONFIG_FILE="/nonexistent",
                   AWS_SHARED_CREDENTIALS_FILE="/nonexistent")
        dep = Deployment(tmp, env=env).start()
        yield World(dep)
        code = dep.stop()
        assert code == 0, f"server exited with {code}:\n{dep.server.log_tail()}"


def send(client: Client, endpoint: Endpoint, target: Target):
    kw = endpoint.request(target)
    return client.request(endpoint.method, endpoint.path(target), **kw)


# ---------------------------------------------------------------------------------------------
# (1) Another workspace's ids, names and paths answer like unknown ones


def _normalize(text: str, target: Target) -> str:
    text = text.replace(target.art_root, "<ROOT>").replace(target.run_id, "<RUN>")
    text = text.replace(target.exp_name, "<NAME>")
    text = re.sub(r"-[0-9a-f]{10}\b", "-<U>", text)  # the unique names _unique() made
    return re.sub(rf"(?<![0-9]){re.escape(target.exp_id)}(?![0-9])", "<EXP>", text)


def _comparable(response, target: Target):
    try:
        body = response.json()
    except ValueError:
        return response.status_code, _normalize(response.text, target)
    return response.status_code, _normalize(json.dumps(body, sort_keys=True), target)


def _is_empty(body: dict) -> bool:
    return all(not value for value in body.values())


DATA_ENDPOINTS = data_endpoints()
FOREIGN = [e for e in DATA_ENDPOINTS if e.foreign != "create"]
SELECTIONS = ("membership", "header", "prefix", "bound-token")


def _a_client(world: World, selection: str) -> Client:
    if selection == "membership":
        return world.client("alice")
    if selection == "header":
        return world.client("alice", workspace="team-a")
    if selection == "prefix":
        return world.client("alice", scope="team-a")
    return world.client("alice-bound-a")


@pytest.mark.parametrize("selection", SELECTIONS)
@pytest.mark.parametrize("endpoint", FOREIGN, ids=[e.key for e in FOREIGN])
def test_other_workspace_answers_like_unknown(world, endpoint, selection):
    client = _a_client(world, selection)
    foreign = send(client, endpoint, world.b)
    unknown = send(client, endpoint, UNKNOWN)
    assert foreign.status_code not in (401, 403), describe(foreign)
    for secret in SECRETS:
        assert secret not in foreign.text, f"B's data leaked: {describe(foreign)}"
    assert _comparable(foreign, world.b) == _comparable(unknown, UNKNOWN), \
        f"\nB's id:   {describe(foreign)}\nunknown:  {describe(unknown)}"
    if endpoint.foreign == "404":
        assert error_of(foreign) == (404, "RESOURCE_DOES_NOT_EXIST"), describe(foreign)
    elif endpoint.foreign == "empty":
        assert foreign.status_code == 200 and _is_empty(foreign.json()), describe(foreign)


def test_b_is_unchanged_by_a(world):
    """Runs after the sweep above: none of A's writes with B's ids touched B."""
    b = world.b_writer
    exp = b.mlflow_get("/experiments/get", {"experiment_id": world.b.exp_id})["experiment"]
    assert exp["name"] == "b-main" and exp["lifecycle_stage"] == "active", exp
    assert not [t for t in exp.get("tags", []) if t["key"] == "k"], exp
    run = b.mlflow_get("/runs/get", {"run_id": world.b.run_id})["run"]
    assert run["info"]["lifecycle_stage"] == "active" and run["info"]["status"] == "RUNNING", run
    assert run["data"].get("params") == [{"key": "p1", "value": SECRET_PARAM}], run
    assert [m["key"] for m in run["data"].get("metrics", [])] == ["loss"], run
    assert {t["key"] for t in run["data"].get("tags", [])} >= {"t1"}, run
    assert "k" not in {t["key"] for t in run["data"].get("tags", [])}, run
    assert len(run.get("inputs", {}).get("dataset_inputs", [])) == 1, run
    files = b.ok(b.get("/api/2.0/mlflow-artifacts/artifacts", {"path": world.b.art_root})).get("files", [])
    assert [f["path"] for f in files] == ["data"], files
    r = b.get(f"/api/2.0/mlflow-artifacts/artifacts/{world.b.art_root}/{FILE}")
    assert r.status_code == 200 and r.content == SECRET_BYTES


def test_names_are_per_workspace(world):
    a = world.client("alice", workspace="team-a")
    a_id = a.create_experiment("b-other")  # B has one by that name
    assert a_id != world.b_other.exp_id
    got = a.mlflow_get("/experiments/get-by-name", {"experiment_name": "b-other"})["experiment"]
    assert got["experiment_id"] == a_id
    got_b = world.b_writer.mlflow_get("/experiments/get-by-name", {"experiment_name": "b-other"})["experiment"]
    assert got_b["experiment_id"] == world.b_other.exp_id
    r = a.post("/api/2.0/mlflow/experiments/create", {"name": "b-other"})
    assert error_of(r) == (400, "RESOURCE_ALREADY_EXISTS"), describe(r)


def test_searches_and_lists_show_only_the_callers_workspace(world):
    a = world.client("alice")
    a.create_experiment(_unique("a-only"))
    exps = a.mlflow_post("/experiments/search", {"max_results": 1000}).get("experiments", [])
    ids = {e["experiment_id"] for e in exps}
    assert world.b.exp_id not in ids and world.b_other.exp_id not in ids, exps
    assert not [e for e in exps if e["name"] in ("b-main",)], exps
    runs = a.mlflow_post("/runs/search", {"experiment_ids": sorted(ids), "max_results": 1000}).get("runs", [])
    assert world.b.run_id not in {r["info"]["run_id"] for r in runs}
    spaces = a.ok(a.admin_get("workspaces/list"))["workspaces"]
    assert [w["name"] for w in spaces] == ["team-a"], spaces
    listing = a.ok(a.get("/api/2.0/mlflow-artifacts/artifacts", {"path": ""})).get("files", [])
    assert world.b.exp_id not in {f["path"] for f in listing}, listing


# ---------------------------------------------------------------------------------------------
# (2) The role matrix


def _expected_data(endpoint: Endpoint, role: str) -> str:
    if role == "none":
        return "401"
    if role == "nonmember":
        return "403"
    if endpoint.perm == "write" and role == "reader":
        return "403"
    return "allowed"


def _check_refusal(response, expected: str) -> None:
    if expected == "401":
        assert error_of(response) == (401, "UNAUTHENTICATED"), describe(response)
        assert 'Bearer realm="bucketflow"' in response.headers.get("WWW-Authenticate", ""), describe(response)
    else:
        assert error_of(response) == (403, "PERMISSION_DENIED"), describe(response)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", DATA_ENDPOINTS, ids=[e.key for e in DATA_ENDPOINTS])
def test_role_matrix_data_endpoints(world, endpoint, role):
    expected = _expected_data(endpoint, role)
    target = world.b
    if endpoint.fresh or endpoint.perm == "write":
        target = populate(world.b_writer)
        if endpoint.prepare is not None:
            endpoint.prepare(world.b_writer, target)
    response = send(world.role_client(role), endpoint, target)
    if expected == "allowed":
        assert response.status_code in endpoint.allowed, describe(response)
    else:
        _check_refusal(response, expected)
        if endpoint.fresh:  # the refused write changed nothing
            got = world.b_writer.get("/api/2.0/mlflow/runs/get", {"run_id": target.run_id})
            if endpoint.prepare is None:
                assert got.status_code == 200 and got.json()["run"]["info"]["lifecycle_stage"] == "active"


ADMIN_CASES = [(e, p) for e in ADMIN_ENDPOINTS for p in ("/api/2.0", "/ajax-api/2.0")]


@pytest.mark.parametrize("role", ADMIN_ROLES)
@pytest.mark.parametrize("endpoint, prefix", ADMIN_CASES, ids=[f"{p}/bucketflow/{e.key}" for e, p in ADMIN_CASES])
def test_role_matrix_admin_endpoints(world, endpoint, prefix, role):
    kw = endpoint.request(world, role)
    client = world.client(role)
    response = client.request(endpoint.method, f"{prefix}/bucketflow/{endpoint.endpoint}", **kw)
    expected = endpoint.expected[role]
    if expected == 200:
        assert response.status_code == 200, describe(response)
    elif expected == 400:
        body = response.json()
        assert error_of(response) == (400, "INVALID_PARAMETER_VALUE"), describe(response)
        assert [c for c in body.get("checks", []) if c["outcome"] == "FAIL"], describe(response)
        got = world.dep.root().ok(world.dep.root().admin_get("workspaces/get", {"name": "team-b"}))
        assert "bucket" not in got["workspace"], got  # nothing stored on failure
    else:
        _check_refusal(response, str(expected))


def test_refused_admin_calls_changed_nothing(world):
    root = world.dep.root()
    users = {u["name"] for u in root.ok(root.admin_get("users/list"))["users"]}
    assert {"reader-b", "editor-b", "admin-b", "outsider", "alice", "bob", "carol", "root"} <= users
    members = root.ok(root.admin_get("workspaces/members/list", {"workspace": "team-b"}))["members"]
    roles = {m["user"]: m["role"] for m in members}
    assert roles["reader-b"] == "reader" and roles["editor-b"] == "editor" and roles["admin-b"] == "admin"
    assert "outsider" not in roles


def test_me_lists_the_callers_workspaces(world):
    me = world.client("carol").ok(world.client("carol").admin_get("me"))
    assert me["user"] == {"name": "carol", "is_admin": False} and me["auth_enabled"] is True, me
    assert sorted((w["name"], w["role"]) for w in me["workspaces"]) == [("team-a", "editor"), ("team-b", "editor")]
    reader = world.client("reader")
    assert reader.ok(reader.admin_get("me"))["workspaces"] == [{"name": "team-b", "role": "reader"}]


# ---------------------------------------------------------------------------------------------
# (3) Selecting the workspace


def test_prefix_and_header_select_the_workspace(world):
    exp = world.b.exp_id
    path = "/api/2.0/mlflow/experiments/get"
    carol_b = world.client("carol", scope="team-b")
    assert carol_b.ok(carol_b.get(path, {"experiment_id": exp}))["experiment"]["name"] == "b-main"
    carol_a = world.client("carol", scope="team-a")
    assert error_of(carol_a.get(path, {"experiment_id": exp})) == (404, "RESOURCE_DOES_NOT_EXIST")
    by_header = world.client("carol", workspace="team-b")
    assert by_header.ok(by_header.get(path, {"experiment_id": exp}))["experiment"]["name"] == "b-main"
    by_header_a = world.client("carol", workspace="team-a")
    assert error_of(by_header_a.get(path, {"experiment_id": exp})) == (404, "RESOURCE_DOES_NOT_EXIST")
    # The header comes first.
    both = world.client("carol", workspace="team-a", scope="team-b")
    assert error_of(both.get(path, {"experiment_id": exp})) == (404, "RESOURCE_DOES_NOT_EXIST")
    # Two memberships and nothing named: "default", where carol is not a member.
    r = world.client("carol").get(path, {"experiment_id": exp})
    assert error_of(r) == (403, "PERMISSION_DENIED"), describe(r)


def test_experiment_zero_is_the_workspaces_default(world):
    for ws in (world.ws_a, world.ws_b):
        client = world.client("carol", scope=ws["name"])
        got = client.mlflow_get("/experiments/get", {"experiment_id": "0"})["experiment"]
        assert got["experiment_id"] == ws["default_experiment_id"] and got["name"] == "Default", got
    assert world.ws_a["default_experiment_id"] != world.ws_b["default_experiment_id"]
    assert "0" not in (world.ws_a["default_experiment_id"], world.ws_b["default_experiment_id"])


@pytest.mark.parametrize("how", ["prefix", "header"])
def test_token_bound_to_a_naming_b_is_refused(world, how):
    kw = {"scope": "team-b"} if how == "prefix" else {"workspace": "team-b"}
    client = world.client("alice-bound-a", **kw)
    r = client.get("/api/2.0/mlflow/experiments/get", {"experiment_id": world.b.exp_id})
    assert error_of(r) == (403, "PERMISSION_DENIED"), describe(r)
    assert "team-a" in r.json()["message"], r.text  # names the workspace it is limited to
    r = client.post("/api/2.0/mlflow/experiments/create", {"name": _unique("bound")})
    assert error_of(r) == (403, "PERMISSION_DENIED"), describe(r)
    # Bound means only team-a: not even the default workspace.
    r = world.client("alice-bound-a", scope="default").get("/api/2.0/mlflow/experiments/search", {"max_results": 10})
    assert error_of(r) == (403, "PERMISSION_DENIED"), describe(r)
    # Unnamed: the token's workspace.
    bound = world.client("alice-bound-a")
    exp = bound.create_experiment(_unique("bound"))
    assert world.client("alice", scope="team-a").mlflow_get("/experiments/get", {"experiment_id": exp})


def test_unknown_workspace_looks_like_a_foreign_one(world):
    """Non-members cannot probe names: an unknown workspace and another team's are both 403."""
    path = "/api/2.0/mlflow/experiments/search"
    alice_b = world.client("alice", scope="team-b").get(path, {"max_results": 10})
    alice_x = world.client("alice", scope="no-such-ws").get(path, {"max_results": 10})
    assert error_of(alice_b) == error_of(alice_x) == (403, "PERMISSION_DENIED"), (describe(alice_b), describe(alice_x))
    assert alice_b.json()["message"].replace("team-b", "X") == alice_x.json()["message"].replace("no-such-ws", "X")
    root_x = world.client("root", scope="no-such-ws").get(path, {"max_results": 10})
    assert error_of(root_x) == (404, "RESOURCE_DOES_NOT_EXIST"), describe(root_x)


def test_header_selects_for_unprefixed_routes(world):
    """/get-artifact has no /api prefix: the header (the web UI's way) selects the workspace."""
    params = {"run_uuid": world.b.run_id, "path": FILE}
    r = world.client("carol", workspace="team-b").get("/get-artifact", params)
    assert r.status_code == 200 and r.content == SECRET_BYTES, describe(r)
    r = world.client("carol", workspace="team-a").get("/get-artifact", params)
    assert error_of(r)[0] == 404, describe(r)


def test_public_routes_need_no_credentials(world):
    anon = world.client("none")
    assert anon.get("/health").status_code == 200
    assert anon.get("/version").status_code == 200
    r = anon.get("/api/2.0/mlflow/experiments/search", {"max_results": 10})
    assert error_of(r) == (401, "UNAUTHENTICATED"), describe(r)

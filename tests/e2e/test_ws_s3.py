"""Workspaces on radosgw (issue #6): two buckets, two roles, each workspace's artifacts only in its
own bucket; presigned URLs only for the caller's objects; a workspace whose STS hangs does not
slow the others.

Buckets are registered with `bucketflow workspace bucket set` (which verifies them first) before
the server starts; the black-holed workspace is registered correctly and then has its
sts_endpoint pointed at a TCP server that accepts and never answers, straight in the database
(registration would refuse it, which is the point of registration).
Like the other S3 suites, these tests fail (never skip) without radosgw: see s3_fixtures.py.
"""
from __future__ import annotations

import sqlite3
import tempfile
import threading
import time
import uuid

import pytest
import requests

from s3_fixtures import S3Setup, rgw  # noqa: F401 (fixture)
from ws_helpers import (ART, BlackHole, Client, Deployment, bearer, cli, cli_ok, cli_token, cli_user, describe,
                        error_of, find_table, root_of)

PREFIXES = {"team-a": "ws/a", "team-b": "ws/b", "team-c": "ws/c"}


def bucket_set(db: str, ws: str, setup: S3Setup, bucket: str, prefix: str, sts: str | None = None):
    rgw_url = setup.rgw["BF_RGW_ENDPOINT"]
    return cli(db, "workspace", "bucket", "set", ws, "--bucket", bucket, "--role-arn", setup.role_arn,
               "--prefix", prefix, "--region", setup.rgw["BF_RGW_REGION"], "--s3-endpoint-url", rgw_url,
               "--sts-endpoint-url", sts or rgw_url, "--s3-addressing", "path",
               env=setup.server_env(), timeout=180)


def point_sts_at(db: str, workspace: str, url: str) -> None:
    with sqlite3.connect(db, timeout=30) as conn:
        table, cols = find_table(conn, "workspace", "sts")
        sts_col = next(c for c in cols if "sts" in c.lower())
        name_col = "name" if "name" in cols else next(c for c in cols if "name" in c.lower())
        changed = conn.execute(f"UPDATE {table} SET {sts_col} = ? WHERE {name_col} = ?", (url, workspace)).rowcount
        assert changed == 1, (table, cols)


class S3World:
    def __init__(self, tmp: str, one: S3Setup, two: S3Setup, hole: BlackHole):
        self.one, self.two, self.hole = one, two, hole
        self.dep = Deployment(tmp, env=one.server_env())
        db = self.dep.db
        for ws in ("team-a", "team-b", "team-c", "team-d"):
            cli_ok(db, "workspace", "create", ws)
        self.registered = {
            "team-a": bucket_set(db, "team-a", one, one.bucket, PREFIXES["team-a"]),
            "team-b": bucket_set(db, "team-b", two, two.bucket, PREFIXES["team-b"]),
            "team-c": bucket_set(db, "team-c", one, one.bucket, PREFIXES["team-c"]),
        }
        # Role one cannot reach bucket two: refused, with the report.
        self.refused = bucket_set(db, "team-d", one, two.bucket, "ws/d")
        point_sts_at(db, "team-c", hole.url)
        self.tokens = {}
        for user, ws in (("alice", "team-a"), ("bob", "team-b"), ("carl", "team-c")):
            cli_user(db, user, "--workspace", ws, "--role", "editor")
            self.tokens[ws] = cli_token(db, user, "--name", f"{user}-token")

    def client(self, ws: str, **kw) -> Client:
        return Client(self.dep.url, bearer(self.tokens[ws]), **kw)


@pytest.fixture(scope="module")
def s3world(rgw):  # noqa: F811
    one, two = S3Setup(rgw), S3Setup(rgw)
    one.create()
    two.create()
    try:
        with tempfile.TemporaryDirectory(prefix="bf-e2e-ws-s3-") as tmp, BlackHole() as hole:
            world = S3World(tmp, one, two, hole)
            for ws, result in world.registered.items():
                assert result.returncode == 0, f"{ws}: {result.stdout}\n{result.stderr}"
            world.dep.start()
            try:
                yield world
            finally:
                hole.__exit__(None, None, None)  # hanging STS calls end before the server stops
                code = world.dep.stop()
                assert code == 0, f"server exited with {code}:\n{world.dep.server.log_tail()}"
    finally:
        one.destroy()
        two.destroy()


def test_registration_prints_the_report_and_refuses_a_failing_bucket(s3world):
    ok = s3world.registered["team-a"]
    assert "PASS  assume role" in ok.stdout, ok.stdout
    refused = s3world.refused
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "FAIL  bucket" in refused.stdout, refused.stdout
    assert s3world.two.bucket in refused.stdout + refused.stderr
    root = s3world.dep.root()
    d = root.ok(root.admin_get("workspaces/get", {"name": "team-d"}))["workspace"]
    assert "bucket" not in d, d  # nothing stored
    a = root.ok(root.admin_get("workspaces/get", {"name": "team-a"}))["workspace"]
    assert a["bucket"]["bucket"] == s3world.one.bucket and a["bucket"]["prefix"] == "ws/a", a
    assert a["bucket"]["external_id"] == a["external_id"], a
    show = cli_ok(s3world.dep.db, "workspace", "show", "team-d")
    assert s3world.two.bucket not in show.stdout


def _upload(client: Client, rel: str, data: bytes) -> str:
    run = client.create_run(client.create_experiment())
    root = root_of(run)
    client.ok(client.put_artifact(f"{root}/{rel}", data))
    return root


def test_each_workspace_lands_in_its_own_bucket(s3world):
    one, two = s3world.one, s3world.two
    a, b = s3world.client("team-a"), s3world.client("team-b")
    data_a, data_b = f"a-{uuid.uuid4()}".encode(), f"b-{uuid.uuid4()}".encode()
    root_a = _upload(a, "dir/hello-a.txt", data_a)
    root_b = _upload(b, "dir/hello-b.txt", data_b)
    keys_one, keys_two = one.admin_keys(""), two.admin_keys("")
    assert f"ws/a/{root_a}/dir/hello-a.txt" in keys_one, keys_one
    assert f"ws/b/{root_b}/dir/hello-b.txt" in keys_two, keys_two
    run_a, run_b = root_a.split("/")[1], root_b.split("/")[1]
    assert not [k for k in keys_two if run_a in k], keys_two
    assert not [k for k in keys_one if run_b in k], keys_one
    # The server's objects belong to the tenant: read them back through the role.
    body = one.role_s3().get_object(Bucket=one.bucket, Key=f"ws/a/{root_a}/dir/hello-a.txt")["Body"].read()
    assert body == data_a
    # Through the server: each reads its own, and the other's path is not found.
    assert a.get(f"{ART}/{root_a}/dir/hello-a.txt").content == data_a
    assert b.get(f"{ART}/{root_b}/dir/hello-b.txt").content == data_b
    r = a.get(f"{ART}/{root_b}/dir/hello-b.txt")
    assert error_of(r) == (404, "RESOURCE_DOES_NOT_EXIST"), describe(r)
    r = b.put_artifact(f"{root_a}/dir/intruder.txt", b"x")
    assert error_of(r) == (404, "RESOURCE_DOES_NOT_EXIST"), describe(r)
    assert f"ws/a/{root_a}/dir/intruder.txt" not in one.admin_keys("ws/a/")
    listed = a.ok(a.get(ART, {"path": f"{root_a}/dir"}))["files"]
    assert listed == [{"path": "hello-a.txt", "is_dir": False, "file_size": len(data_a)}], listed


def test_download_urls_only_for_the_callers_objects(s3world):
    a, b = s3world.client("team-a"), s3world.client("team-b")
    data = f"presigned-{uuid.uuid4()}".encode()
    root_a = _upload(a, "p.txt", data)
    run_a = root_a.split("/")[1]
    url_path = "/api/2.0/bucketflow/artifacts/download-url"
    got = a.ok(a.get(url_path, {"run_id": run_a, "path": "p.txt"}))
    assert got["source"] == "bucket" and s3world.one.bucket in got["url"], got
    fetched = requests.get(got["url"], timeout=30)
    assert fetched.status_code == 200 and fetched.content == data
    r = b.get(url_path, {"run_id": run_a, "path": "p.txt"})
    assert error_of(r) == (404, "RESOURCE_DOES_NOT_EXIST"), describe(r)
    r = b.get("/ajax-api/2.0/bucketflow/artifacts/download-url", {"run_id": run_a, "path": "p.txt"})
    assert error_of(r) == (404, "RESOURCE_DOES_NOT_EXIST"), describe(r)
    root = s3world.dep.root()
    entries = root.audit(workspace="team-a", action="presign.get")
    mine = [e for e in entries if e["target"] == f"{root_a}/p.txt"]
    assert len(mine) == 1, entries
    assert mine[0]["actor"] == "alice", mine
    assert '"expires_at"' in mine[0]["detail"], mine
    assert not root.audit(workspace="team-b", action="presign.get"), "B's refused call was audited as issued"


def test_multipart_presign_is_audited(s3world):
    a = s3world.client("team-a")
    root_a = _upload(a, "seed.txt", b"seed")
    # The URL names the artifact directory, the body the file (MLflow's client does the same).
    r = a.post(f"/api/2.0/mlflow-artifacts/mpu/create/{root_a}", {"path": "big.bin", "num_parts": 2})
    body = a.ok(r)
    assert body.get("upload_id") and len(body.get("credentials", [])) == 2, body
    entries = s3world.dep.root().audit(workspace="team-a", action="presign.upload")
    mine = [e for e in entries if e["target"] == f"{root_a}/big.bin"]
    assert len(mine) == 1 and mine[0]["actor"] == "alice", entries
    assert '"parts":2' in mine[0]["detail"].replace(" ", "") and "expires_at" in mine[0]["detail"], mine
    other = s3world.client("team-b").post(f"/api/2.0/mlflow-artifacts/mpu/create/{root_a}",
                                          {"path": "big.bin", "num_parts": 2})
    assert error_of(other) == (404, "RESOURCE_DOES_NOT_EXIST"), describe(other)


def test_a_hanging_sts_does_not_slow_another_workspace(s3world):
    c, b = s3world.client("team-c"), s3world.client("team-b")
    root_c = root_of(c.create_run(c.create_experiment()))  # tracking needs no STS
    root_b = _upload(b, "warm.txt", b"warm")  # B's credentials are cached before C starts hanging
    c_results: list = []

    def hang_c(i: int) -> None:
        began = time.monotonic()
        try:
            r = Client(s3world.dep.url, bearer(s3world.tokens["team-c"])).put_artifact(
                f"{root_c}/f{i}.txt", b"c")
            c_results.append((r.status_code, time.monotonic() - began))
        except requests.RequestException as err:
            c_results.append((type(err).__name__, time.monotonic() - began))

    threads = [threading.Thread(target=hang_c, args=(i,), daemon=True) for i in range(6)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while s3world.hole.accepted == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert s3world.hole.accepted >= 1, "C's artifact calls never reached its (black-holed) STS"
    b_times = []
    for i in range(15):
        began = time.monotonic()
        b.ok(b.put_artifact(f"{root_b}/during-{i}.txt", b"during"))
        assert b.get(f"{ART}/{root_b}/during-{i}.txt").content == b"during"
        b.ok(b.get(ART, {"path": root_b}))
        b.mlflow_post("/experiments/search", {"max_results": 10})
        b_times.append(time.monotonic() - began)
    slowest = max(b_times)
    assert slowest < 2.0, f"B's calls slowed to {slowest:.2f}s while C's STS hangs: {b_times}"
    for t in threads:
        t.join(timeout=120)
    assert len(c_results) == 6, c_results
    assert not [r for r in c_results if r[0] == 200], f"C's uploads succeeded through a dead STS: {c_results}"
    assert [r for r in c_results if isinstance(r[0], int) and r[0] >= 500], c_results
    # C's tracking calls are not held up either.
    began = time.monotonic()
    c.mlflow_post("/experiments/search", {"max_results": 10})
    assert time.monotonic() - began < 2.0
    print(f"\nB per-iteration seconds while C hangs: max {slowest:.3f}, "
          f"mean {sum(b_times) / len(b_times):.3f}; C answers: {c_results}")

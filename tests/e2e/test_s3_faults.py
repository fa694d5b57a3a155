"""Faults between the server and S3/STS: radosgw stopped mid-upload, STS refusing the role, and
throttling answers. Each time the client gets a clear MLflow error, no partial object appears in
the bucket, and the server keeps serving everything else.

Stopping radosgw happens on a PRIVATE cluster this module starts (scripts/rgw-up.sh on free
ports, stopped and purged afterwards), never on the cluster the other suites share.
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
import tempfile
import time
import uuid

import pytest
import requests

from bf_helpers import Api, assert_error
from s3_fixtures import S3ServerProcess, S3Setup, _env_file_values, compact, rgw, s3_setup  # noqa: F401 (fixtures)
from s3_proxies import Forwarder, slow_down_reply, slow_put
from test_artifacts import ART, listing, put, root_of

MiB = 1024 * 1024
SCRIPTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def still_serving(api: Api) -> None:
    """Health and a tracking call (SQLite only) answer while S3 is in trouble."""
    assert requests.get(api.url + "/health", timeout=10).status_code == 200
    exp = api.create_experiment()
    assert api.ok(api.get("/experiments/get", {"experiment_id": exp}))["experiment"]["experiment_id"] == exp


def object_keys(setup: S3Setup, root: str) -> list[str]:
    return setup.admin_keys(f"{setup.prefix}/{root}/")


def started(setup: S3Setup, tmp: str, **overrides) -> S3ServerProcess:
    srv = S3ServerProcess(tmp, setup.server_args(**overrides), setup.server_env())
    srv.start()
    return srv


# ---- radosgw stopped in the middle of an upload (private cluster) ----

@pytest.fixture(scope="module")
def private_rgw():
    rgw_dir = tempfile.mkdtemp(prefix="bf-rgw-faults-")
    os.rmdir(rgw_dir)  # rgw-up.sh creates it and marks it as its own
    env = {**os.environ, "BF_RGW_PORT": str(free_port()), "BF_RGW_MON_PORT": str(free_port())}
    up = subprocess.run([os.path.join(SCRIPTS, "rgw-up.sh"), rgw_dir], env=env, capture_output=True,
                        text=True, timeout=300)
    try:
        assert up.returncode == 0, f"rgw-up.sh failed:\n{up.stderr[-3000:]}"
        yield {**_env_file_values(os.path.join(rgw_dir, "env")), "dir": rgw_dir}
    finally:
        subprocess.run([os.path.join(SCRIPTS, "rgw-down.sh"), rgw_dir, "--purge"], capture_output=True, timeout=120)


def rgw_control(rgw_dir: str, action: str) -> None:
    done = subprocess.run([os.path.join(SCRIPTS, "rgw-restart.sh"), rgw_dir, action], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, f"rgw-restart.sh {action}: {done.stderr}"


def wait_for_open_upload(setup: S3Setup, key: str, timeout: float = 60) -> None:
    """Until the server has started the multipart upload of `key` (its first part is then on the
    way or stored; the owner may list uploads but not the tenant's parts)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if setup.admin_s3.list_multipart_uploads(Bucket=setup.bucket, Prefix=key).get("Uploads"):
            return
        time.sleep(0.05)
    pytest.fail(f"no multipart upload of {key} started within {timeout}s")


def test_radosgw_stopped_mid_upload(private_rgw):
    setup = S3Setup(private_rgw)
    setup.create()
    try:
        with tempfile.TemporaryDirectory(prefix="bf-e2e-rgwstop-") as tmp:
            srv = started(setup, tmp)
            try:
                upload_while_radosgw_stops(srv, setup, private_rgw["dir"])
            finally:
                assert srv.terminate() == 0, srv.log_tail()
    finally:
        setup.destroy()


def upload_while_radosgw_stops(srv: S3ServerProcess, setup: S3Setup, rgw_dir: str) -> None:
    api = Api(srv.url)
    root = root_of(api.create_run(api.create_experiment()))
    key = f"{setup.prefix}/{root}/interrupted.bin"
    stopped = []

    def stop_after_first_part(sent: int) -> None:
        # The first 8 MiB part goes up once the 9th MiB arrives; stop radosgw only once the
        # multipart upload exists, so one is open when S3 goes away.
        if sent >= 10 * MiB and not stopped:
            wait_for_open_upload(setup, key)
            rgw_control(rgw_dir, "stop")
            stopped.append(time.monotonic())

    try:
        result = slow_put(srv.url, f"{ART}/{root}/interrupted.bin", 40 * MiB, MiB, 0.05,
                          on_progress=stop_after_first_part)
        assert stopped, "radosgw was never stopped"
        # The next part (at 16 MiB) failed after bounded retries; the client heard at once.
        assert result.sent < 40 * MiB, result.sent
        assert result.status == 503, result.body[:500]
        body = result.json()
        assert body["error_code"] == "TEMPORARILY_UNAVAILABLE", body
        assert "S3" in body["message"] and "interrupted.bin" in body["message"], body
        assert "bftenantsecretkey" not in body["message"]
        assert time.monotonic() - stopped[0] < 30
        still_serving(api)  # radosgw is still down here
        assert_error(api.raw("GET", ART, params={"path": root}), 503, "TEMPORARILY_UNAVAILABLE")
    finally:
        rgw_control(rgw_dir, "start")
    # Nothing partial became visible, and S3 works again through the same server.
    assert object_keys(setup, root) == []
    assert listing(api, root) == []
    api.ok(put(api, f"{root}/after.txt", b"radosgw is back"))
    assert api.raw("GET", f"{ART}/{root}/after.txt").content == b"radosgw is back"
    still_serving(api)


# ---- STS refusing the role: the server does not start ----

def refused(setup: S3Setup, **overrides) -> str:
    with tempfile.TemporaryDirectory(prefix="bf-e2e-refused-") as tmp:
        srv = S3ServerProcess(tmp, setup.server_args(**overrides), setup.server_env())
        code, out = srv.run_to_exit()
    assert code == 1, out
    lines = [line for line in out.strip().splitlines() if line.startswith("bucketflow:")]
    assert len(lines) == 1, out
    assert "bftenantsecretkey" not in out
    return lines[0]


def test_sts_refuses_unknown_role(s3_setup):
    arn = "arn:aws:iam:::role/bf-e2e-no-such-role"
    line = refused(s3_setup, **{"--role-arn": arn})
    assert line.startswith(f"bucketflow: cannot assume role {arn}: "), line
    # radosgw's <Message> is always empty; AWS's would follow the code.
    assert "STS AssumeRole failed (HTTP 404): service error NoSuchEntity" in line, line
    assert re.search(r"\(request id [\w.-]+\)$", line), line


def test_sts_refuses_tenant_outside_trust_policy(s3_setup):
    name = f"bf-e2e-untrusted-{uuid.uuid4().hex[:8]}"
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam:::user/admin"]}, "Action": ["sts:AssumeRole"]}]}
    arn = s3_setup.iam.create_role(RoleName=name, AssumeRolePolicyDocument=compact(trust))["Role"]["Arn"]
    try:
        line = refused(s3_setup, **{"--role-arn": arn})
    finally:
        s3_setup.iam.delete_role(RoleName=name)
    assert line.startswith(f"bucketflow: cannot assume role {arn}: "), line
    assert "STS AssumeRole failed (HTTP 403): service error AccessDenied" in line, line
    assert re.search(r"\(request id [\w.-]+\)$", line), line


# ---- throttling: a fault-injecting forwarder between the server and radosgw ----

@pytest.fixture(scope="module")
def throttled(rgw, s3_setup):
    """A server whose S3 endpoint is a forwarder that can answer 503 SlowDown."""
    with Forwarder(rgw["BF_RGW_ENDPOINT"]) as s3, tempfile.TemporaryDirectory(prefix="bf-e2e-throttle-") as tmp:
        srv = started(s3_setup, tmp, **{"--s3-endpoint-url": s3.url})
        yield srv, s3
        assert srv.terminate() == 0, srv.log_tail()


def fail_first(n: int):
    remaining = [n]

    def fault(index, method, path):
        if remaining[0] > 0:
            remaining[0] -= 1
            return slow_down_reply(method)
        return None
    return fault


def test_throttled_requests_succeed_after_retries(throttled, s3_setup):
    srv, s3 = throttled
    api = Api(srv.url)
    root = root_of(api.create_run(api.create_experiment()))
    start = len(s3.snapshot())
    s3.fault = fail_first(2)
    try:
        api.ok(put(api, f"{root}/retried.txt", b"after two SlowDowns"))
        s3.fault = fail_first(2)
        r = api.raw("GET", f"{ART}/{root}/retried.txt")
        assert r.status_code == 200 and r.content == b"after two SlowDowns", r.text[:300]
        s3.fault = fail_first(3)
        assert listing(api, root) == [{"path": "retried.txt", "is_dir": False, "file_size": 19}]
    finally:
        s3.fault = None
    seen = s3.snapshot()[start:]
    puts = [r for r in seen if r.method == "PUT"]
    assert [r.answered for r in puts] == [503, 503, 200], [(r.method, r.path, r.answered) for r in seen]


def test_always_throttled_fails_fast_and_clearly(throttled, s3_setup):
    srv, s3 = throttled
    api = Api(srv.url)
    root = root_of(api.create_run(api.create_experiment()))
    start = len(s3.snapshot())
    s3.fault = lambda index, method, path: slow_down_reply(method)
    try:
        began = time.monotonic()
        r = put(api, f"{root}/never.txt", b"never stored")
        elapsed = time.monotonic() - began
        still_serving(api)  # while S3 still throttles
    finally:
        s3.fault = None
    body = assert_error(r, 503, "TEMPORARILY_UNAVAILABLE")
    assert "SlowDown" in body["message"] and "S3" in body["message"], body
    assert elapsed < 15, f"gave up only after {elapsed:.1f}s"
    tries = [x for x in s3.snapshot()[start:] if x.method == "PUT"]
    assert 2 <= len(tries) <= 5, len(tries)  # bounded retries
    assert object_keys(s3_setup, root) == []


def test_throttling_mid_multipart_upload_leaves_nothing(throttled, s3_setup):
    srv, s3 = throttled
    api = Api(srv.url)
    root = root_of(api.create_run(api.create_experiment()))

    def fault(index, method, path):
        # Part 1 goes through; every later part is throttled for good.
        return slow_down_reply(method) if "partNumber=" in path and "partNumber=1&" not in path + "&" else None

    s3.fault = fault
    try:
        result = slow_put(srv.url, f"{ART}/{root}/half.bin", 40 * MiB, MiB, 0.01)
    finally:
        s3.fault = None
    assert result.status == 503, result.body[:300]
    assert "SlowDown" in result.json()["message"], result.body
    assert result.sent < 40 * MiB
    assert object_keys(s3_setup, root) == []
    # The server tried to abort the multipart upload. DESIGN.md's policy does not grant
    # s3:AbortMultipartUpload, so radosgw refuses and the parts stay, invisible, for a lifecycle
    # rule to reclaim; with the permission they would be gone.
    aborts = [x for x in s3.snapshot() if x.method == "DELETE" and "uploadId=" in x.path and "half.bin" in x.path]
    assert len(aborts) == 1 and aborts[0].answered in (204, 403), [(x.path, x.answered) for x in aborts]
    uploads = s3_setup.admin_s3.list_multipart_uploads(Bucket=s3_setup.bucket, Prefix=f"{s3_setup.prefix}/{root}/")
    assert len(uploads.get("Uploads", [])) == (1 if aborts[0].answered == 403 else 0), uploads.get("Uploads")
    still_serving(api)

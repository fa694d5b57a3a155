"""Presigned access to a real S3 (radosgw) bucket behind exactly DESIGN.md's role policy.

- direct multipart (mpu/create|complete|abort) as the stock client drives it with
  MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD: the parts go straight to radosgw, never through the server;
- the UI's download-url endpoint: the URL reads from radosgw directly, passes CORS from a browser
  origin, and stops working when it expires;
- --artifact-download redirect: downloads answer 302 to a presigned URL;
- the local store: download-url points back at the server, mpu answers MLflow's 501.
"""
from __future__ import annotations

import os
import socket
import tempfile
import time
from urllib.parse import urlsplit

import pytest
import requests

from bf_helpers import Api, ServerProcess, assert_error, raw_request
from s3_fixtures import S3ServerProcess, rgw, s3_server, s3_setup  # noqa: F401 (fixtures)
from test_artifacts import ART, put, root_of

MPU = "/api/2.0/mlflow-artifacts/mpu"
DOWNLOAD_URL = "/ajax-api/2.0/bucketflow/artifacts/download-url"
PART = 5 * 1024 * 1024  # S3's minimum size for every part but the last


def _server(s3_setup, **overrides):
    tmp = tempfile.TemporaryDirectory(prefix="bf-e2e-presign-")
    srv = S3ServerProcess(tmp.name, s3_setup.server_args(**overrides), s3_setup.server_env())
    srv.start()
    return tmp, srv


@pytest.fixture(scope="module")
def s3_api(s3_server) -> Api:
    return Api(s3_server.url)


@pytest.fixture(scope="module")
def redirect_server(s3_setup):
    tmp, srv = _server(s3_setup, **{"--artifact-download": "redirect"})
    yield srv
    assert srv.terminate() == 0, srv.log_tail()
    tmp.cleanup()


@pytest.fixture
def run(s3_api) -> dict:
    return s3_api.create_run(s3_api.create_experiment())


def mpu(api: Api, op: str, path: str, body: dict) -> requests.Response:
    return api.raw("POST", f"{MPU}/{op}/{path}", json=body)


def upload_parts(credentials: list[dict], data: bytes) -> list[dict]:
    """What HttpArtifactRepository._upload_part does: PUT each chunk to its URL with its headers."""
    parts = []
    for i, credential in enumerate(credentials):
        r = requests.put(credential["url"], data=data[i * PART:(i + 1) * PART],
                         headers=credential["headers"], timeout=60)
        assert r.status_code == 200, (r.status_code, r.text[:300])
        parts.append({"part_number": credential["part_number"], "etag": r.headers.get("ETag", ""),
                      "url": credential["url"]})
    return parts


def test_direct_multipart_upload_round_trips(s3_api, s3_server, s3_setup, rgw, run):
    root = root_of(run)
    data = os.urandom(2 * PART + 12345)
    local_file = "/home/someone/work/big model.bin"  # the client sends its local path
    created = s3_api.ok(mpu(s3_api, "create", f"{root}/models", {"path": local_file, "num_parts": 3}))
    assert created["upload_id"]
    creds = created["credentials"]
    assert [c["part_number"] for c in creds] == [1, 2, 3]
    endpoint = urlsplit(rgw["BF_RGW_ENDPOINT"])
    for c in creds:
        assert c["headers"] == {}
        url = urlsplit(c["url"])
        assert (url.scheme, url.netloc) == (endpoint.scheme, endpoint.netloc), c["url"]
    parts = upload_parts(creds, data)
    # Not visible before complete.
    key = f"{s3_setup.prefix}/{root}/models/big model.bin"
    assert s3_setup.admin_keys(key) == []
    s3_api.ok(mpu(s3_api, "complete", f"{root}/models",
                  {"path": local_file, "upload_id": created["upload_id"], "parts": parts}))
    assert s3_setup.admin_keys(key) == [key]
    r = s3_api.raw("GET", f"{ART}/{root}/models/big model.bin")
    assert r.status_code == 200 and r.content == data
    # The part bytes never went through the server: its access log has only the mpu calls.
    log = open(s3_server.log_path, encoding="utf-8", errors="replace").read()
    assert "partNumber" not in log and "X-Amz-Signature" not in log


def test_abort_is_denied_by_the_design_policy_and_leaves_no_object(s3_api, s3_setup, run):
    root = root_of(run)
    created = s3_api.ok(mpu(s3_api, "create", root, {"path": "gone.bin", "num_parts": 1}))
    upload_parts(created["credentials"], b"partial bytes")
    r = mpu(s3_api, "abort", root, {"path": "gone.bin", "upload_id": created["upload_id"]})
    # radosgw enforces the policy: DESIGN.md's role has no s3:AbortMultipartUpload.
    assert_error(r, 403, "PERMISSION_DENIED")
    message = r.json()["message"]
    assert "s3:AbortMultipartUpload" in message and "lifecycle" in message, message
    assert s3_setup.admin_keys(f"{s3_setup.prefix}/{root}/gone.bin") == []
    assert s3_api.raw("GET", f"{ART}/{root}/gone.bin").status_code == 404


def test_multipart_bad_input_is_a_clear_4xx(s3_api, s3_setup, run):
    root = root_of(run)
    for body in ({"path": "f.bin", "num_parts": 0}, {"path": "f.bin", "num_parts": 10001},
                 {"path": "f.bin"}, {"num_parts": 1}, {"path": "..", "num_parts": 1}):
        assert_error(mpu(s3_api, "create", root, body), 400, "INVALID_PARAMETER_VALUE")
    for target in (f"{MPU}/create/../escape", f"{MPU}/create/{root}/%2E%2E/%2E%2E/x"):
        hostile = raw_request(s3_api.url, "POST", target, body=b'{"path": "f.bin", "num_parts": 1}',
                              headers={"Content-Type": "application/json"})
        assert_error(hostile, 400, "INVALID_PARAMETER_VALUE")
    created = s3_api.ok(mpu(s3_api, "create", root, {"path": "f.bin", "num_parts": 2}))
    upload_id = created["upload_id"]
    parts = upload_parts(created["credentials"], os.urandom(PART + 10))
    for body in ({"path": "f.bin", "parts": parts},
                 {"path": "f.bin", "upload_id": upload_id, "parts": []},
                 {"path": "f.bin", "upload_id": upload_id, "parts": parts[::-1]}):
        assert_error(mpu(s3_api, "complete", root, body), 400, "INVALID_PARAMETER_VALUE")
    # A wrong ETag: S3's InvalidPart.
    wrong = [dict(parts[0]), dict(parts[1], etag='"0123456789abcdef0123456789abcdef"')]
    assert_error(mpu(s3_api, "complete", root, {"path": "f.bin", "upload_id": upload_id, "parts": wrong}),
                 400, "INVALID_PARAMETER_VALUE")
    # An upload id that does not exist: radosgw says InternalError, the server a 404.
    assert_error(mpu(s3_api, "complete", root,
                     {"path": "f.bin", "upload_id": "2~no-such-upload", "parts": parts}),
                 404, "RESOURCE_DOES_NOT_EXIST")
    assert s3_setup.admin_keys(f"{s3_setup.prefix}/{root}/f.bin") == []
    # The real upload still completes after all that.
    s3_api.ok(mpu(s3_api, "complete", root, {"path": "f.bin", "upload_id": upload_id, "parts": parts}))
    assert s3_api.raw("GET", f"{ART}/{root}/f.bin").status_code == 200


def download_url(api: Api, run_id: str, path: str, prefix: str = DOWNLOAD_URL) -> requests.Response:
    return api.raw("GET", prefix, params={"run_id": run_id, "path": path})


def test_download_url_reads_straight_from_the_bucket_with_cors(s3_api, s3_server, rgw, run):
    root, run_id = root_of(run), run["info"]["run_id"]
    data = b'{"accuracy": 0.93}\n'
    s3_api.ok(put(s3_api, f"{root}/eval/metrics.json", data))
    before = time.time()
    answer = s3_api.ok(download_url(s3_api, run_id, "eval/metrics.json"))
    assert answer["source"] == "bucket"
    assert before * 1000 + 250_000 < answer["expires_at"] <= time.time() * 1000 + 300_000
    url = answer["url"]
    assert url.startswith(rgw["BF_RGW_ENDPOINT"] + "/"), url
    assert "X-Amz-Security-Token=" in url  # signed with the role's temporary credentials
    direct = requests.get(url, timeout=30)
    assert direct.status_code == 200 and direct.content == data
    # Opened from the URL it is a download, never rendered on the bucket's origin (MLflow's XSS
    # defence, as on the proxied path).
    assert direct.headers.get("Content-Disposition", "").startswith("attachment"), direct.headers
    assert "metrics.json" in direct.headers["Content-Disposition"]
    # Also under /api/2.0.
    assert s3_api.ok(download_url(s3_api, run_id, "eval/metrics.json",
                                  "/api/2.0/bucketflow/artifacts/download-url"))["source"] == "bucket"
    # A browser on another origin: preflight, then the GET with Origin (DESIGN.md's CORS rule).
    origin = "http://ui.example.test:3000"
    preflight = requests.options(url, headers={"Origin": origin, "Access-Control-Request-Method": "GET"},
                                 timeout=30)
    assert preflight.status_code == 200, preflight.text[:300]
    assert preflight.headers.get("Access-Control-Allow-Origin") in (origin, "*")
    cors_get = requests.get(url, headers={"Origin": origin}, timeout=30)
    assert cors_get.status_code == 200 and cors_get.content == data
    assert cors_get.headers.get("Access-Control-Allow-Origin") in (origin, "*")
    # One log line per URL, without the signature.
    log = open(s3_server.log_path, encoding="utf-8", errors="replace").read()
    assert f"run '{run_id}' path 'eval/metrics.json'" in log
    assert "X-Amz-Signature" not in log


def test_download_url_errors(s3_api, run):
    root, run_id = root_of(run), run["info"]["run_id"]
    s3_api.ok(put(s3_api, f"{root}/dir/file.txt", b"x"))
    assert_error(download_url(s3_api, run_id, "missing.txt"), 404, "RESOURCE_DOES_NOT_EXIST")
    assert_error(download_url(s3_api, "f" * 32, "dir/file.txt"), 404, "RESOURCE_DOES_NOT_EXIST")
    assert_error(download_url(s3_api, run_id, "dir"), 400, "INVALID_PARAMETER_VALUE")
    for path in ("../../other/artifacts/x", "/etc/passwd", "dir/../../x", ""):
        assert_error(download_url(s3_api, run_id, path), 400, "INVALID_PARAMETER_VALUE")
    assert_error(s3_api.raw("GET", DOWNLOAD_URL, params={"run_id": run_id}), 400, "INVALID_PARAMETER_VALUE")
    assert_error(s3_api.raw("GET", DOWNLOAD_URL, params={"path": "dir/file.txt"}), 400,
                 "INVALID_PARAMETER_VALUE")


def test_expired_url_is_refused_by_radosgw(s3_setup):
    tmp, srv = _server(s3_setup, **{"--presigned-url-ttl": "1"})
    try:
        api = Api(srv.url)
        run = api.create_run(api.create_experiment())
        api.ok(put(api, f"{root_of(run)}/short.txt", b"short-lived"))
        answer = api.ok(download_url(api, run["info"]["run_id"], "short.txt"))
        assert answer["expires_at"] <= time.time() * 1000 + 1000
        time.sleep(max(0.0, answer["expires_at"] / 1000 - time.time()) + 1.5)
        expired = requests.get(answer["url"], timeout=30)
        assert expired.status_code == 403, (expired.status_code, expired.text[:300])
    finally:
        assert srv.terminate() == 0, srv.log_tail()
        tmp.cleanup()


def test_redirect_mode(redirect_server, rgw):
    api = Api(redirect_server.url)
    run = api.create_run(api.create_experiment())
    root, run_id = root_of(run), run["info"]["run_id"]
    data = os.urandom(70_000)
    api.ok(put(api, f"{root}/w/weights.bin", data))
    r = api.raw("GET", f"{ART}/{root}/w/weights.bin", allow_redirects=False)
    assert r.status_code == 302
    assert r.headers["Location"].startswith(rgw["BF_RGW_ENDPOINT"] + "/")
    followed = api.raw("GET", f"{ART}/{root}/w/weights.bin")
    assert followed.status_code == 200 and followed.content == data
    ui = api.raw("GET", "/get-artifact", params={"run_uuid": run_id, "path": "w/weights.bin"})
    assert ui.status_code == 200 and ui.content == data and len(ui.history) == 1
    assert_error(api.raw("GET", f"{ART}/{root}/w/missing.bin", allow_redirects=False), 404,
                 "RESOURCE_DOES_NOT_EXIST")
    assert_error(api.raw("GET", f"{ART}/{root}/w", allow_redirects=False), 400, "INVALID_PARAMETER_VALUE")


@pytest.fixture(scope="module")
def local_server():
    with tempfile.TemporaryDirectory(prefix="bf-e2e-presign-local-") as tmp:
        srv = ServerProcess(tmp)
        srv.start()
        yield srv
        assert srv.terminate() == 0, srv.log_tail()


def test_local_store_download_url_and_501_multipart(local_server):
    api = Api(local_server.url)
    run = api.create_run(api.create_experiment())
    root, run_id = root_of(run), run["info"]["run_id"]
    api.ok(put(api, f"{root}/notes/a&b.txt", b"local bytes"))
    answer = api.ok(download_url(api, run_id, "notes/a&b.txt"))
    assert answer["source"] == "server" and "expires_at" not in answer
    assert answer["url"].startswith("/get-artifact?")
    fetched = api.raw("GET", answer["url"])
    assert fetched.status_code == 200 and fetched.content == b"local bytes"
    assert_error(download_url(api, run_id, "notes/missing"), 404, "RESOURCE_DOES_NOT_EXIST")
    r = mpu(api, "create", root, {"path": "/tmp/big.bin", "num_parts": 2})
    assert_error(r, 501, "NOT_IMPLEMENTED")
    assert r.json()["message"] == "Multipart upload is not supported for the current artifact repository"


def test_redirect_with_local_store_refused_at_startup():
    with tempfile.TemporaryDirectory(prefix="bf-e2e-presign-refused-") as tmp:
        srv = ServerProcess(tmp, extra_args=["--artifact-download", "redirect"])
        with pytest.raises(RuntimeError) as err:
            srv.start()
        assert "--artifact-download redirect" in str(err.value)


@pytest.mark.parametrize("flags", [["--presigned-url-ttl", "0"], ["--presigned-url-ttl", "3601"],
                                   ["--artifact-download", "sideways"]])
def test_bad_presign_flags_refused(flags):
    with tempfile.TemporaryDirectory(prefix="bf-e2e-presign-flags-") as tmp:
        srv = ServerProcess(tmp, extra_args=flags)
        with pytest.raises(RuntimeError) as err:
            srv.start()
        assert flags[0] in str(err.value)


def test_failed_proxy_upload_with_denied_abort_warns_and_keeps_serving(s3_api, s3_server, s3_setup, run):
    """A proxied upload large enough for multipart, cut off mid-body: the server's abort is denied
    by DESIGN.md's policy; it must log a warning, show no object, and keep serving."""
    root = root_of(run)
    target = f"{ART}/{root}/cut-off.bin"
    declared, sent = 64 * 1024 * 1024, 24 * 1024 * 1024
    with socket.create_connection(("127.0.0.1", s3_server.port), timeout=60) as sock:
        sock.sendall(f"PUT {target} HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
                     f"Content-Length: {declared}\r\n\r\n".encode())
        chunk = os.urandom(1024 * 1024)
        for _ in range(sent // len(chunk)):
            sock.sendall(chunk)
    deadline = time.time() + 60
    log = ""
    while time.time() < deadline:
        log = open(s3_server.log_path, encoding="utf-8", errors="replace").read()
        if "could not abort the multipart upload" in log and "cut-off.bin" in log:
            break
        time.sleep(0.2)
    assert "could not abort the multipart upload" in log, log[-3000:]
    assert s3_api.raw("GET", "/health", timeout=10).status_code == 200
    assert s3_setup.admin_keys(f"{s3_setup.prefix}/{root}/cut-off.bin") == []
    assert s3_api.raw("GET", f"{ART}/{root}/cut-off.bin").status_code == 404
    s3_api.ok(put(s3_api, f"{root}/after.txt", b"still serving"))

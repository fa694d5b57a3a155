"""Large and many artifacts through the server's proxied API, stored in radosgw via the role.

A 300 MB file goes up as a generator (chunked request) and comes down in chunks, compared by
SHA-256, while the server's peak RSS stays bounded; 5,000 files uploaded concurrently are all
listed, by the mlflow-artifacts API and by /api/2.0/mlflow/artifacts/list.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor

import pytest

from bf_helpers import Api
from s3_fixtures import S3ServerProcess, rgw, s3_setup  # noqa: F401 (fixtures)
from test_artifacts import ART, listing, put, root_of

MiB = 1024 * 1024


@pytest.fixture(scope="module")
def s3_server(s3_setup):
    """The dev build runs under ASan, whose quarantine keeps up to 256 MB of freed memory
    resident: every 8 MiB part buffer freed would count as growth. A small quarantine (still
    catching recent use-after-free) makes the peak RSS measure the server's own buffers."""
    env = s3_setup.server_env()
    env["ASAN_OPTIONS"] = ":".join(filter(None, [env.get("ASAN_OPTIONS", ""), "quarantine_size_mb=16"]))
    with tempfile.TemporaryDirectory(prefix="bf-e2e-s3-large-") as tmp:
        srv = S3ServerProcess(tmp, s3_setup.server_args(), env)
        srv.start()
        yield srv
        code = srv.terminate()
        assert code == 0, f"server exited with {code} after SIGTERM:\n{srv.log_tail()}"


@pytest.fixture(scope="module")
def s3_api(s3_server) -> Api:
    return Api(s3_server.url)


def generated_body(size: int, sha) -> iter:
    """`size` pseudo-random bytes in 1 MiB pieces (a new piece per MiB, never the whole body)."""
    seed = os.urandom(32)
    sent = 0
    while sent < size:
        n = min(MiB, size - sent)
        piece = (hashlib.sha256(seed + sent.to_bytes(8, "little")).digest() * (MiB // 32))[:n]
        sha.update(piece)
        sent += n
        yield piece


def test_300mb_file_streams_through_with_bounded_memory(s3_server, s3_api, s3_setup):
    size = 300 * MiB + 12345  # not a whole number of parts
    run = s3_api.create_run(s3_api.create_experiment())
    root = root_of(run)
    hwm_before = s3_server.proc_status("VmHWM")
    sent_sha = hashlib.sha256()
    r = s3_api.raw("PUT", f"{ART}/{root}/big/model.bin", data=generated_body(size, sent_sha),
                   headers={"Content-Type": "application/octet-stream"}, timeout=600)
    s3_api.ok(r)
    assert listing(s3_api, f"{root}/big") == [{"path": "model.bin", "is_dir": False, "file_size": size}]
    head = s3_setup.role_s3().head_object(Bucket=s3_setup.bucket, Key=f"{s3_setup.prefix}/{root}/big/model.bin")
    assert head["ContentLength"] == size
    assert "-" in head["ETag"], head["ETag"]  # a multipart upload, not one buffered PutObject

    got = hashlib.sha256()
    received = 0
    with s3_api.raw("GET", f"{ART}/{root}/big/model.bin", stream=True, timeout=600) as r:
        assert r.status_code == 200, r.text[:300]
        assert int(r.headers["Content-Length"]) == size
        for chunk in r.iter_content(4 * MiB):
            got.update(chunk)
            received += len(chunk)
    assert received == size
    assert got.hexdigest() == sent_sha.hexdigest()
    grown_mb = (s3_server.proc_status("VmHWM") - hwm_before) / 1024
    # Parts of 8 MiB and ranged GETs: the peak grows by buffers, never by the 300 MB body.
    assert grown_mb < 64, f"server peak RSS grew by {grown_mb:.0f} MB for a 300 MB upload+download"


def test_5000_files_are_all_listed(s3_api, s3_setup):
    run = s3_api.create_run(s3_api.create_experiment())
    run_id = run["info"]["run_id"]
    root = root_of(run)
    names = [f"part-{i:05d}.json" for i in range(5000)]

    def upload(name: str) -> None:
        r = put(s3_api, f"{root}/shards/{name}", name.encode())
        assert r.status_code == 200, (name, r.status_code, r.text[:200])

    with ThreadPoolExecutor(max_workers=12) as pool:
        list(pool.map(upload, names))
    s3_api.ok(put(s3_api, f"{root}/shards/sub/inner.txt", b"inner"))

    # Five ListObjectsV2 pages behind one answer: every continuation token must be followed.
    files = listing(s3_api, f"{root}/shards")
    assert [f["path"] for f in files] == names + ["sub"]
    assert files[-1] == {"path": "sub", "is_dir": True}
    assert all(f["file_size"] == len(f["path"]) for f in files[:-1])

    resp = s3_api.ok(s3_api.get("/artifacts/list", {"run_id": run_id, "path": "shards"}))
    assert resp["root_uri"] == run["info"]["artifact_uri"]
    assert [f["path"] for f in resp["files"]] == [f"shards/{n}" for n in names] + ["shards/sub"]
    assert resp["files"][1234] == {"path": "shards/part-01234.json", "is_dir": False,
                                   "file_size": len("part-01234.json")}
    # And the bucket really holds them, under the prefix (listed around the server).
    keys = s3_setup.admin_keys(f"{s3_setup.prefix}/{root}/shards/")
    assert len(keys) == 5001

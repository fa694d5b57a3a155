"""The proxied artifact service exactly as the MLflow client uses it, plus artifacts/list and get-artifact."""
import hashlib
import os

import pytest

from bf_helpers import Api, ServerProcess, assert_error, raw_request

ART = "/api/2.0/mlflow-artifacts/artifacts"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c63f8cfc0f01f0005000200a5f0ac3c0000000049454e44ae426082")


def root_of(run):
    """<exp>/<run>/artifacts: what the client appends to .../mlflow-artifacts/artifacts/."""
    uri = run["info"]["artifact_uri"]
    assert uri.startswith("mlflow-artifacts:/"), uri
    return uri[len("mlflow-artifacts:/"):]


def put(api, path, data, content_type="application/octet-stream"):
    return api.raw("PUT", f"{ART}/{path}", data=data, headers={"Content-Type": content_type})


def listing(api, path):
    return api.ok(api.raw("GET", ART, params={"path": path})).get("files", [])


@pytest.fixture
def art_root(api, run):
    return root_of(run)


def test_upload_list_download_delete(api, run, art_root):
    files = {"hello.txt": b"hello world\n", "dir/sub/data.json": b'{"a": 1}\n', "model/MLmodel": b"flavors: {}\n",
             "image.png": PNG, "empty.bin": b"", "with space.txt": b"space\n"}
    for rel, data in files.items():
        api.ok(put(api, f"{art_root}/{rel}", data))
    top = listing(api, art_root)
    assert top == [
        {"path": "dir", "is_dir": True}, {"path": "empty.bin", "is_dir": False},
        {"path": "hello.txt", "is_dir": False, "file_size": 12}, {"path": "image.png", "is_dir": False,
                                                                  "file_size": len(PNG)},
        {"path": "model", "is_dir": True}, {"path": "with space.txt", "is_dir": False, "file_size": 6}]
    assert listing(api, f"{art_root}/dir/sub") == [{"path": "data.json", "is_dir": False, "file_size": 9}]
    assert api.ok(api.raw("GET", ART, params={"path": f"{art_root}/nope"})) == {}
    for rel, data in files.items():
        r = api.raw("GET", f"{ART}/{art_root}/{rel}")
        assert r.status_code == 200, (rel, r.status_code, r.text[:200])
        assert r.content == data
        base = os.path.basename(rel)
        # Werkzeug quotes a filename that is not an HTTP token (e.g. one with a space).
        quoted = f'"{base}"' if " " in base else base
        assert r.headers["Content-Disposition"] == f"attachment; filename={quoted}"
        assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert api.raw("GET", f"{ART}/{art_root}/hello.txt").headers["Content-Type"].startswith("text/plain")
    assert api.raw("GET", f"{ART}/{art_root}/model/MLmodel").headers["Content-Type"].startswith("text/plain")
    assert api.raw("GET", f"{ART}/{art_root}/image.png").headers["Content-Type"].startswith("image/png")
    api.ok(api.raw("DELETE", f"{ART}/{art_root}/hello.txt"))
    api.ok(api.raw("DELETE", f"{ART}/{art_root}/hello.txt"))  # missing file: still 200
    api.ok(api.raw("DELETE", f"{ART}/{art_root}/dir"))  # recursive
    assert [f["path"] for f in listing(api, art_root)] == ["empty.bin", "image.png", "model", "with space.txt"]


def test_overwrite_replaces_content(api, art_root):
    api.ok(put(api, f"{art_root}/f.txt", b"first version, longer"))
    api.ok(put(api, f"{art_root}/f.txt", b"second"))
    assert api.raw("GET", f"{ART}/{art_root}/f.txt").content == b"second"


def test_delete_foo_keeps_foobar(api, art_root):
    for rel in ("foo", "foobar/x.txt", "foo.txt", "foo2/y"):
        api.ok(put(api, f"{art_root}/{rel}", b"data"))
    api.ok(api.raw("DELETE", f"{ART}/{art_root}/foo"))
    assert [f["path"] for f in listing(api, art_root)] == ["foo.txt", "foo2", "foobar"]
    assert api.raw("GET", f"{ART}/{art_root}/foobar/x.txt").content == b"data"
    api.ok(put(api, f"{art_root}/d/foo/a", b"1"))
    api.ok(put(api, f"{art_root}/d/foobar/b", b"2"))
    api.ok(api.raw("DELETE", f"{ART}/{art_root}/d/foo"))
    assert [f["path"] for f in listing(api, f"{art_root}/d")] == ["foobar"]


def test_download_errors(api, art_root):
    api.ok(put(api, f"{art_root}/d/x.txt", b"x"))
    # Deliberate divergences: MLflow answers 500 (leaking its local path) for a missing file and an
    # HTML 500 for a directory.
    assert_error(api.raw("GET", f"{ART}/{art_root}/missing.txt"), 404, "RESOURCE_DOES_NOT_EXIST")
    assert_error(api.raw("GET", f"{ART}/{art_root}/d"), 400, "INVALID_PARAMETER_VALUE")


HOSTILE_TARGETS = [
    f"{ART}/../escape.txt",
    f"{ART}/%2E%2E/escape.txt",
    f"{ART}/%252E%252E%252Fescape.txt",
    f"{ART}/ROOT/d%2F..%2F..%2F..%2Fescape.txt",
    f"{ART}/ROOT/..%2F..%2F..%2F..%2Fescape.txt",
    f"{ART}/ROOT/f%23frag.txt",
    f"{ART}/%2Fetc%2Fescape.txt",
]


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
@pytest.mark.parametrize("method", ["PUT", "GET", "DELETE"])
def test_hostile_paths_are_refused(server, api, art_root, target, method):
    target = target.replace("ROOT", art_root)
    body = b"evil\n" if method == "PUT" else None
    r = raw_request(server.url, method, target, body=body, headers={"Content-Type": "text/plain"} if body else None)
    assert_error(r, 400, "INVALID_PARAMETER_VALUE")
    assert not os.path.exists(os.path.join(server.workdir, "escape.txt"))
    assert not os.path.exists(os.path.join(server.artifacts, "escape.txt"))


@pytest.mark.parametrize("path", ["../", "/etc", "a/../../b", "%2E%2E"])
def test_hostile_list_paths(api, path):
    assert_error(api.raw("GET", ART, params={"path": path}), 400, "INVALID_PARAMETER_VALUE")


def test_absolute_path_in_url_is_not_served(server):
    r = raw_request(server.url, "PUT", f"{ART}//etc/bf-e2e-abs.txt", body=b"evil", headers={"Content-Type": "text/plain"})
    assert r.status_code in (308, 400), r.status_code
    assert not os.path.exists("/etc/bf-e2e-abs.txt")


def test_multipart_not_supported_on_local_store(api, art_root):
    r = api.raw("POST", f"/api/2.0/mlflow-artifacts/mpu/create/{art_root}", json={"path": "big.bin", "num_parts": 2})
    assert_error(r, 501, "NOT_IMPLEMENTED")
    r = raw_request(api.url, "POST", "/api/2.0/mlflow-artifacts/mpu/create/../big.bin",
                    body=b'{"path": "big.bin", "num_parts": 2}', headers={"Content-Type": "application/json"})
    assert_error(r, 400, "INVALID_PARAMETER_VALUE")


def test_tracking_artifacts_list_and_get_artifact(api, run, art_root):
    run_id = run["info"]["run_id"]
    api.ok(put(api, f"{art_root}/hello.txt", b"hello world\n"))
    api.ok(put(api, f"{art_root}/dir/a.txt", b"abc"))
    resp = api.ok(api.get("/artifacts/list", {"run_id": run_id}))
    assert resp["root_uri"] == run["info"]["artifact_uri"]
    assert resp["files"] == [{"path": "dir", "is_dir": True}, {"path": "hello.txt", "is_dir": False, "file_size": 12}]
    sub = api.ok(api.get("/artifacts/list", {"run_id": run_id, "path": "dir"}))
    assert sub["files"] == [{"path": "dir/a.txt", "is_dir": False, "file_size": 3}]
    assert api.ok(api.get("/artifacts/list", {"run_id": run_id, "path": "nope"})) == {"root_uri": resp["root_uri"]}
    assert_error(api.get("/artifacts/list", {"run_id": run_id, "path": "../"}), 400, "INVALID_PARAMETER_VALUE")
    assert_error(api.get("/artifacts/list", {"run_id": "deadbeefdeadbeefdeadbeefdeadbeef"}), 404,
                 "RESOURCE_DOES_NOT_EXIST")
    assert_error(api.get("/artifacts/list"), 400, "INVALID_PARAMETER_VALUE")
    r = api.raw("GET", "/get-artifact", params={"run_id": run_id, "path": "hello.txt"})
    assert r.status_code == 200 and r.content == b"hello world\n"
    assert r.headers["Content-Disposition"] == "attachment; filename=hello.txt"
    assert_error(api.raw("GET", "/get-artifact", params={"run_id": run_id, "path": "../../../etc/passwd"}), 400,
                 "INVALID_PARAMETER_VALUE")


def test_ajax_prefix_artifacts(api, art_root):
    r = api.raw("PUT", f"/ajax-api/2.0/mlflow-artifacts/artifacts/{art_root}/ajax.txt", data=b"ajax",
                headers={"Content-Type": "text/plain"})
    api.ok(r)
    assert api.raw("GET", f"{ART}/{art_root}/ajax.txt").content == b"ajax"


class GeneratedFile:
    """A file-like body of `size` deterministic bytes, produced on the fly (never all in memory).

    Having __len__ makes requests send Content-Length, as the MLflow client does for files."""

    def __init__(self, size: int, seed: bytes = b"bucketflow"):
        self.size = size
        self.sent = 0
        self.sha = hashlib.sha256()
        block = hashlib.sha256(seed).digest() * (1 << 15)  # 1 MiB
        self.block = block

    def __len__(self):
        return self.size

    def read(self, n: int = -1) -> bytes:
        remaining = self.size - self.sent
        if remaining <= 0:
            return b""
        n = remaining if n is None or n < 0 else min(n, remaining)
        n = min(n, len(self.block))
        offset = self.sent % len(self.block)
        chunk = (self.block[offset:] + self.block[:offset])[:n]
        # Vary the content per MiB so a server that repeats a block is caught.
        chunk = chunk[:-8] + (self.sent // len(self.block)).to_bytes(8, "little") if n >= 8 else chunk
        self.sent += len(chunk)
        self.sha.update(chunk)
        return chunk


def round_trip_generated(api, path: str, size: int, timeout: int) -> GeneratedFile:
    """PUTs `size` generated bytes to the artifact `path`, checks its listing entry, and checks that
    the streamed download has the same length and SHA-256. Returns the body that was sent."""
    body = GeneratedFile(size)
    api.ok(api.raw("PUT", f"{ART}/{path}", data=body, headers={"Content-Type": "application/octet-stream"},
                   timeout=timeout))
    assert body.sent == size
    directory, name = path.rsplit("/", 1)
    assert listing(api, directory) == [{"path": name, "is_dir": False, "file_size": size}]
    got = hashlib.sha256()
    n = 0
    with api.raw("GET", f"{ART}/{path}", stream=True, timeout=timeout) as r:
        assert r.status_code == 200
        for chunk in r.iter_content(1 << 20):
            got.update(chunk)
            n += len(chunk)
    assert n == size
    assert got.hexdigest() == body.sha.hexdigest()
    return body


@pytest.fixture
def own_server(fresh_server_dir):
    srv = ServerProcess(fresh_server_dir)
    srv.start()
    yield srv
    code = srv.terminate()
    assert code == 0, f"server exited with {code}:\n{srv.log_tail()}"


def test_large_upload_and_download_stream(own_server):
    size = 200 * 1024 * 1024
    api = Api(own_server.url)
    run = api.create_run(api.create_experiment())
    root = root_of(run)
    hwm_before = own_server.proc_status("VmHWM")
    round_trip_generated(api, f"{root}/big.bin", size, timeout=600)
    grown_mb = (own_server.proc_status("VmHWM") - hwm_before) / 1024
    # Streaming means the peak grows by buffers, not by the 200 MB body.
    assert grown_mb < 64, f"server peak RSS grew by {grown_mb:.0f} MB for a 200 MB upload+download"

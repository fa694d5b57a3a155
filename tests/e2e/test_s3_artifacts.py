"""Proxied artifacts stored in a real S3 (radosgw), reached only through an assumed IAM role.

The server gets the tenant user's keys and a role whose inline policy is exactly DESIGN.md's
(ListBucket on the bucket; Put/Get/DeleteObject on its objects). Every check that the bytes
really are in the bucket goes around the server, with boto3.
"""
from __future__ import annotations

import socket
import tempfile
from concurrent.futures import ThreadPoolExecutor

import pytest

from bf_helpers import Api
from s3_fixtures import S3ServerProcess, rgw, s3_server, s3_setup  # noqa: F401 (fixtures)
from test_artifacts import ART, listing, put, root_of, round_trip_generated


@pytest.fixture(scope="module")
def s3_api(s3_server) -> Api:
    return Api(s3_server.url)


@pytest.fixture
def s3_root(s3_api) -> str:
    return root_of(s3_api.create_run(s3_api.create_experiment()))


def bucket_key(setup, root: str, rel: str) -> str:
    return f"{setup.prefix}/{root}/{rel}"


def test_upload_list_download_delete(s3_api, s3_setup, s3_root):
    files = {"hello.txt": b"hello world\n", "dir/sub/data.json": b'{"a": 1}\n', "empty.bin": b"",
             "with space \u00e9.txt": "unicode \u2713\n".encode()}
    for rel, data in files.items():
        s3_api.ok(put(s3_api, f"{s3_root}/{rel}", data))
    assert listing(s3_api, s3_root) == [
        {"path": "dir", "is_dir": True}, {"path": "empty.bin", "is_dir": False},
        {"path": "hello.txt", "is_dir": False, "file_size": 12},
        {"path": "with space \u00e9.txt", "is_dir": False, "file_size": len(files["with space \u00e9.txt"])}]
    for rel, data in files.items():
        r = s3_api.raw("GET", f"{ART}/{s3_root}/{rel}")
        assert r.status_code == 200, (rel, r.status_code, r.text[:200])
        assert r.content == data
    # Really in the bucket, under the prefix: listed as the bucket owner, read back through the role.
    keys = sorted(s3_setup.admin_keys(f"{s3_setup.prefix}/{s3_root}/"))
    assert keys == sorted(bucket_key(s3_setup, s3_root, rel) for rel in files)
    role_s3 = s3_setup.role_s3()
    for rel, data in files.items():
        body = role_s3.get_object(Bucket=s3_setup.bucket, Key=bucket_key(s3_setup, s3_root, rel))["Body"].read()
        assert body == data, rel
    s3_api.ok(s3_api.raw("DELETE", f"{ART}/{s3_root}/hello.txt"))
    s3_api.ok(s3_api.raw("DELETE", f"{ART}/{s3_root}/hello.txt"))  # missing: still 200
    s3_api.ok(s3_api.raw("DELETE", f"{ART}/{s3_root}/dir"))  # recursive, one DeleteObject per key
    assert [f["path"] for f in listing(s3_api, s3_root)] == ["empty.bin", "with space \u00e9.txt"]
    assert sorted(s3_setup.admin_keys(f"{s3_setup.prefix}/{s3_root}/")) == sorted(
        bucket_key(s3_setup, s3_root, rel) for rel in ("empty.bin", "with space \u00e9.txt"))
    assert s3_api.raw("GET", f"{ART}/{s3_root}/hello.txt").status_code == 404


def test_delete_foo_keeps_foobar(s3_api, s3_setup, s3_root):
    for rel in ("foo", "foo/inner.txt", "foobar/x.txt", "foo.txt"):
        s3_api.ok(put(s3_api, f"{s3_root}/{rel}", b"data"))
    s3_api.ok(s3_api.raw("DELETE", f"{ART}/{s3_root}/foo"))
    assert [f["path"] for f in listing(s3_api, s3_root)] == ["foo.txt", "foobar"]
    assert s3_api.raw("GET", f"{ART}/{s3_root}/foobar/x.txt").content == b"data"
    assert sorted(s3_setup.admin_keys(f"{s3_setup.prefix}/{s3_root}/")) == [
        bucket_key(s3_setup, s3_root, "foo.txt"), bucket_key(s3_setup, s3_root, "foobar/x.txt")]


def test_nested_directory_listing(s3_api, s3_root):
    for rel in ("model/MLmodel", "model/data/weights.bin", "model/data/extra/a.txt", "model/conda.yaml"):
        s3_api.ok(put(s3_api, f"{s3_root}/{rel}", b"x" * 3))
    assert listing(s3_api, s3_root) == [{"path": "model", "is_dir": True}]
    assert listing(s3_api, f"{s3_root}/model") == [
        {"path": "MLmodel", "is_dir": False, "file_size": 3},
        {"path": "conda.yaml", "is_dir": False, "file_size": 3},
        {"path": "data", "is_dir": True}]
    assert listing(s3_api, f"{s3_root}/model/data") == [
        {"path": "extra", "is_dir": True},
        {"path": "weights.bin", "is_dir": False, "file_size": 3}]
    assert s3_api.ok(s3_api.raw("GET", ART, params={"path": f"{s3_root}/nope"})) == {}


def test_multipart_sized_file_round_trips(s3_api, s3_setup, s3_root):
    size = 40 * 1024 * 1024 + 123  # several 8 MiB parts plus a short last one
    round_trip_generated(s3_api, f"{s3_root}/big.bin", size, timeout=300)
    head = s3_setup.role_s3().head_object(Bucket=s3_setup.bucket, Key=bucket_key(s3_setup, s3_root, "big.bin"))
    assert head["ContentLength"] == size
    assert "-" in head["ETag"], head["ETag"]  # "<md5>-<parts>": it went up as a multipart upload


def test_listing_of_1200_files_is_complete(s3_api, s3_root):
    names = [f"f{i:05d}.txt" for i in range(1200)]

    def upload(name):
        r = put(s3_api, f"{s3_root}/many/{name}", name.encode())
        assert r.status_code == 200, (name, r.status_code, r.text[:200])

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(upload, names))
    files = listing(s3_api, f"{s3_root}/many")
    # More than one ListObjectsV2 page (1000 keys): the server must follow the continuation token.
    assert [f["path"] for f in files] == names
    assert all(f["file_size"] == len(f["path"]) for f in files)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def refused_start(s3_setup, **overrides) -> tuple[int, str]:
    with tempfile.TemporaryDirectory(prefix="bf-e2e-s3-bad-") as tmp:
        srv = S3ServerProcess(tmp, s3_setup.server_args(**overrides), s3_setup.server_env())
        return srv.run_to_exit()


def test_wrong_role_arn_refuses_to_start(s3_setup):
    code, out = refused_start(s3_setup, **{"--role-arn": "arn:aws:iam:::role/no-such-role"})
    assert code == 1, out
    lines = [line for line in out.splitlines() if line.startswith("bucketflow:")]
    assert len(lines) == 1 and "cannot assume role arn:aws:iam:::role/no-such-role" in lines[0], out
    assert "bftenantsecretkey" not in out


def test_unreachable_endpoint_refuses_to_start(s3_setup):
    dead = f"http://127.0.0.1:{_free_port()}"
    code, out = refused_start(s3_setup, **{"--s3-endpoint-url": dead, "--sts-endpoint-url": dead})
    assert code == 1, out
    assert "bucketflow: cannot assume role" in out, out
    # Without a role the first S3 call (HeadBucket) is the one that fails.
    code, out = refused_start(s3_setup, **{"--s3-endpoint-url": dead, "--role-arn": None, "--external-id": None})
    assert code == 1, out
    assert f"bucketflow: bucket {s3_setup.bucket} is not reachable at {dead}" in out, out


def test_missing_bucket_refuses_to_start(s3_setup):
    code, out = refused_start(s3_setup, **{"--artifacts-destination": "s3://bf-e2e-no-such-bucket/x"})
    assert code == 1, out
    assert "bucketflow: bucket bf-e2e-no-such-bucket is not reachable" in out, out


@pytest.mark.parametrize("overrides, message", [
    ({"--s3-addressing": "sideways"}, "--s3-addressing sideways is not one of path, virtual, auto"),
    ({"--role-arn": "not-an-arn"}, "--role-arn not-an-arn is not a role ARN"),
    ({"--role-arn": None}, "--external-id needs --role-arn"),
    ({"--external-id": "bad id!"}, "--external-id may hold only"),
    ({"--role-session-name": "x"}, "--role-session-name must be 2 to 64 characters long"),
    ({"--region": "Mars 1"}, "--region Mars 1 is not a region name"),
    ({"--s3-endpoint-url": "ftp://host"}, "--s3-endpoint-url ftp://host"),
    ({"--artifacts-destination": "s3://"}, "--artifacts-destination s3://"),
    ({"--artifacts-destination": "s3://bucket-x/a//c"}, "must not hold empty"),
    ({"--artifacts-destination": "/tmp/local-dir"}, "--role-arn needs --artifacts-destination s3://"),
])
def test_bad_s3_flags_exit_2(s3_setup, overrides, message):
    code, out = refused_start(s3_setup, **overrides)
    assert code == 2, out
    assert out.strip().startswith("bucketflow: ") and message in out, out
    assert len(out.strip().splitlines()) == 1, out

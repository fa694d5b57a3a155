#!/usr/bin/python3
"""S3 artifact benchmarks (issue #3): proxied transfer through the server versus boto3 straight to
the bucket, and listing a large directory through the server versus the raw ListObjectsV2 pages.

Both sides run in the same process, against the same radosgw, with the same role credentials, so
the ratio is meaningful even on a busy machine. Needs a running radosgw (scripts/rgw-up.sh) and a
release build:

  scripts/rgw-up.sh /tmp/bf-rgw && \
  BF_RGW_ENV_FILE=/tmp/bf-rgw/env BUCKETFLOW_BIN=build/release/src/cli/bucketflow \
  /usr/bin/python3 bench/s3_transfer_bench.py --size-mb 1024 --list-count 10000

Prints one line per measurement and a summary table. Not a test: nothing here fails on a number.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
import os
import pathlib
import statistics
import sys
import tempfile
import threading
import time

import boto3.s3.transfer
import requests

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tests" / "e2e"))
from s3_fixtures import S3ServerProcess, S3Setup, rgw_settings  # noqa: E402

MIB = 1 << 20
CHUNK = 8 * MIB


class RssSampler:
    """Samples a process's resident set every 20 ms; reports the peak above the starting value."""

    def __init__(self, pid: int):
        self.pid = pid
        self.baseline = self.read()
        self.peak = self.baseline
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def read(self) -> int:
        with open(f"/proc/{self.pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        return 0

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self.read())

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def make_file(path: str, size: int) -> str:
    """Random bytes (incompressible) written once; returns their SHA-256."""
    digest = hashlib.sha256()
    block = os.urandom(CHUNK)
    with open(path, "wb") as f:
        remaining = size
        while remaining:
            piece = block[: min(CHUNK, remaining)]
            # Vary each block so that no layer can deduplicate.
            piece = remaining.to_bytes(8, "little") + piece[8:]
            f.write(piece)
            digest.update(piece)
            remaining -= len(piece)
    return digest.hexdigest()


def timed(fn) -> float:
    began = time.perf_counter()
    fn()
    return time.perf_counter() - began


def drain(response: requests.Response) -> str:
    response.raise_for_status()
    digest = hashlib.sha256()
    for chunk in response.iter_content(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def bench_transfer(setup: S3Setup, server: S3ServerProcess, path: str, size: int, sha: str) -> dict:
    role_s3 = setup.role_s3()
    direct_key = f"{setup.prefix}/bench/direct.bin"
    config = boto3.s3.transfer.TransferConfig(multipart_chunksize=CHUNK, max_concurrency=10)
    up_direct = timed(lambda: role_s3.upload_file(path, setup.bucket, direct_key, Config=config))

    def direct_download() -> None:
        body = role_s3.get_object(Bucket=setup.bucket, Key=direct_key)["Body"]
        digest = hashlib.sha256()
        for chunk in body.iter_chunks(CHUNK):
            digest.update(chunk)
        assert digest.hexdigest() == sha, "direct download corrupted"

    down_direct = timed(direct_download)
    url = f"{server.url}/api/2.0/mlflow-artifacts/artifacts/bench/proxied.bin"
    with RssSampler(server.pid) as rss:
        with open(path, "rb") as f:
            up_proxied = timed(lambda: requests.put(url, data=f, timeout=600).raise_for_status())
        down_proxied = timed(
            lambda: _check(drain(requests.get(url, stream=True, timeout=600)) == sha, "proxied"))
    role_s3.delete_object(Bucket=setup.bucket, Key=direct_key)
    requests.delete(url, timeout=60).raise_for_status()
    mb = size / MIB
    return {
        "upload_direct_mbps": mb / up_direct, "upload_proxied_mbps": mb / up_proxied,
        "download_direct_mbps": mb / down_direct, "download_proxied_mbps": mb / down_proxied,
        "rss_baseline_mb": rss.baseline / MIB, "rss_growth_mb": (rss.peak - rss.baseline) / MIB,
    }


def _check(ok: bool, what: str) -> None:
    if not ok:
        raise AssertionError(f"{what} download corrupted")


def bench_listing(setup: S3Setup, server: S3ServerProcess, count: int, repeats: int) -> dict:
    role_s3 = setup.role_s3()
    prefix = f"{setup.prefix}/listing/"
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda i: role_s3.put_object(Bucket=setup.bucket, Key=f"{prefix}f{i:06d}.txt",
                                                   Body=b"x"), range(count)))

    def raw() -> None:
        seen = 0
        paginator = role_s3.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=setup.bucket, Prefix=prefix, Delimiter="/"):
            seen += len(page.get("Contents", []))
        _check(seen == count, "raw listing")

    def through_server() -> None:
        r = requests.get(f"{server.url}/api/2.0/mlflow-artifacts/artifacts",
                         params={"path": "listing"}, timeout=120)
        r.raise_for_status()
        _check(len(r.json().get("files", [])) == count, "server listing")

    raw_s = [timed(raw) for _ in range(repeats)]
    server_s = [timed(through_server) for _ in range(repeats)]
    return {"list_raw_ms": statistics.median(raw_s) * 1000,
            "list_server_ms": statistics.median(server_s) * 1000}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--list-count", type=int, default=10000, help="0: skip the listing benchmark")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    setup = S3Setup(rgw_settings())
    setup.create()
    try:
        with tempfile.TemporaryDirectory(prefix="bf-s3-bench-") as tmp:
            server = S3ServerProcess(tmp, setup.server_args(), setup.server_env())
            server.start()
            try:
                path = os.path.join(tmp, "payload.bin")
                size = args.size_mb * MIB
                sha = make_file(path, size)
                results = bench_transfer(setup, server, path, size, sha)
                os.remove(path)
                if args.list_count > 0:
                    results.update(bench_listing(setup, server, args.list_count, args.repeats))
            finally:
                server.terminate()
    finally:
        setup.destroy()

    print(f"\n{args.size_mb} MiB transfer (MiB/s) and {args.list_count}-object listing (ms):")
    for name, value in results.items():
        print(f"  {name:24s} {value:10.1f}")
    print(f"  upload ratio (proxied/direct)    {results['upload_proxied_mbps'] / results['upload_direct_mbps']:.2f}")
    print(f"  download ratio (proxied/direct)  {results['download_proxied_mbps'] / results['download_direct_mbps']:.2f}")
    if "list_raw_ms" in results:
        print(f"  listing ratio (server/raw)       {results['list_server_ms'] / results['list_raw_ms']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

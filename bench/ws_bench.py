#!/usr/bin/python3
"""Workspaces and auth (issue #6): what they cost. Not a test: prints numbers.

(a) log-metric throughput of `bucketflow server` with and without --auth, on this machine in the
    same run: both servers up at once, several rounds, the order alternating every round, the same
    client load each time (processes with one keep-alive connection each, http.client, bodies
    built in advance). bucketflow-bench cannot send an Authorization header, hence Python.
    Target: auth adds <= 5 %.
(b) 1,000 workspaces with buckets on radosgw (one bucket, prefixes ws-0001 ...), each touched once
    so that its role credentials are cached: server RSS (VmRSS) before and after the touches.
    Target: <= 20 MB.

    /usr/bin/python3 bench/ws_bench.py [--bin build/release/src/cli/bucketflow] [--rounds 6]
        [--seconds 5] [--clients 4] [--workspaces 1000] [--skip-throughput] [--skip-workspaces]

(b) needs radosgw (scripts/rgw-up.sh; BF_RGW_* or its env file, as the S3 tests find it).
"""
from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "e2e"))


def _load_worker(port: int, headers: dict, run_id: str, seconds: float, start_at: float, out) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    bodies = [json.dumps({"run_id": run_id, "key": f"m{i % 10}", "value": i * 0.5, "timestamp": 1700000000000 + i,
                          "step": i}).encode() for i in range(1000)]
    hdrs = {"Content-Type": "application/json", **headers}
    while time.time() < start_at:
        time.sleep(0.001)
    done, errors, i = 0, 0, 0
    deadline = start_at + seconds
    while time.time() < deadline:
        conn.request("POST", "/api/2.0/mlflow/runs/log-metric", body=bodies[i % 1000], headers=hdrs)
        resp = conn.getresponse()
        resp.read()
        if resp.status == 200:
            done += 1
        else:
            errors += 1
        i += 1
    conn.close()
    out.put((done, errors))


def measure(port: int, headers: dict, run_id: str, clients: int, seconds: float) -> float:
    """Requests per second over `seconds`, from `clients` processes."""
    out = mp.Queue()
    start_at = time.time() + 0.5
    procs = [mp.Process(target=_load_worker, args=(port, headers, run_id, seconds, start_at, out))
             for _ in range(clients)]
    for p in procs:
        p.start()
    results = [out.get() for _ in procs]
    for p in procs:
        p.join()
    done = sum(r[0] for r in results)
    errors = sum(r[1] for r in results)
    if errors:
        raise SystemExit(f"{errors} log-metric calls failed on port {port}")
    return done / seconds


def throughput(args) -> None:
    from ws_helpers import AuthServer, Client, Deployment

    with tempfile.TemporaryDirectory(prefix="bf-ws-bench-") as tmp:
        plain_dir, auth_dir = os.path.join(tmp, "plain"), os.path.join(tmp, "auth")
        os.makedirs(plain_dir)
        os.makedirs(auth_dir)
        plain = AuthServer(plain_dir, auth=False)
        plain.start()
        dep = Deployment(auth_dir).start()
        try:
            root = dep.root()
            root.create_workspace("bench")
            secret = dep.user("bench-user", {"bench": "editor"})
            authed = dep.client(secret)
            auth_run = authed.create_run(authed.create_experiment("bench"))["info"]["run_id"]
            anon = Client(plain.url)
            plain_run = anon.create_run(anon.create_experiment("bench"))["info"]["run_id"]
            sides = {"no auth": (plain.port, {}, plain_run),
                     "--auth (bearer)": (dep.server.port, {"Authorization": f"Bearer {secret}"}, auth_run)}
            rates = {name: [] for name in sides}
            # Warm up both (page cache, SQLite, the token cache).
            for name, (port, headers, run) in sides.items():
                measure(port, headers, run, args.clients, 1.0)
            for r in range(args.rounds):
                order = list(sides) if r % 2 == 0 else list(reversed(sides))
                for name in order:
                    port, headers, run = sides[name]
                    rate = measure(port, headers, run, args.clients, args.seconds)
                    rates[name].append(rate)
                    print(f"round {r + 1}: {name:16s} {rate:9.0f} req/s", flush=True)
            base = statistics.median(rates["no auth"])
            authd = statistics.median(rates["--auth (bearer)"])
            print(f"\nlog-metric, {args.clients} keep-alive clients, {args.rounds} rounds x {args.seconds}s:")
            for name, values in rates.items():
                print(f"  {name:16s} median {statistics.median(values):9.0f} req/s "
                      f"(min {min(values):.0f}, max {max(values):.0f})")
            print(f"  auth overhead: {100.0 * (base - authd) / base:+.1f} % (target <= 5 %)")
            print(f"  RSS: no auth {plain.proc_status('VmRSS') / 1024:.1f} MB, "
                  f"auth {dep.server.proc_status('VmRSS') / 1024:.1f} MB")
        finally:
            plain.terminate()
            dep.stop()


def workspaces(args) -> None:
    from s3_fixtures import S3Setup, rgw_settings
    from ws_helpers import Deployment

    rgw = rgw_settings()
    setup = S3Setup(rgw)
    setup.create()
    try:
        with tempfile.TemporaryDirectory(prefix="bf-ws-bench-s3-") as tmp:
            dep = Deployment(tmp, env=setup.server_env()).start()
            try:
                root = dep.root()
                names = [f"ws-{i:04d}" for i in range(1, args.workspaces + 1)]
                began = time.monotonic()
                rss_start = dep.server.proc_status("VmRSS")

                def register(name: str) -> None:
                    client = dep.root()
                    client.create_workspace(name)
                    r = client.admin_post("workspaces/bucket/set", {
                        "workspace": name, "bucket": setup.bucket, "prefix": name, "region": rgw["BF_RGW_REGION"],
                        "s3_endpoint": rgw["BF_RGW_ENDPOINT"], "sts_endpoint": rgw["BF_RGW_ENDPOINT"],
                        "addressing": "path", "role_arn": setup.role_arn})
                    if r.status_code != 200:
                        raise SystemExit(f"bucket/set {name}: {r.status_code} {r.text[:500]}")

                with ThreadPoolExecutor(max_workers=2) as pool:
                    list(pool.map(register, names))
                registered_s = time.monotonic() - began
                rss_before = dep.server.proc_status("VmRSS")
                began = time.monotonic()

                def touch(name: str) -> None:
                    client = dep.root(workspace=name)
                    r = client.get("/api/2.0/mlflow-artifacts/artifacts", {"path": ""})
                    if r.status_code != 200:
                        raise SystemExit(f"touch {name}: {r.status_code} {r.text[:500]}")

                with ThreadPoolExecutor(max_workers=4) as pool:
                    list(pool.map(touch, names))
                touched_s = time.monotonic() - began
                rss_after = dep.server.proc_status("VmRSS")
                # A second touch is served from the cached credentials: no AssumeRole.
                began = time.monotonic()
                with ThreadPoolExecutor(max_workers=4) as pool:
                    list(pool.map(touch, names))
                retouch_s = time.monotonic() - began
                rss_final = dep.server.proc_status("VmRSS")
                hwm = dep.server.proc_status("VmHWM")
                print(f"\n{len(names)} workspaces with buckets on radosgw (one bucket, one prefix each):")
                print(f"  registered (REST bucket/set, verification each) in {registered_s:.1f}s")
                print(f"  first touch (AssumeRole + ListObjectsV2 each) in {touched_s:.1f}s; "
                      f"second touch {retouch_s:.1f}s")
                print(f"  RSS at start {rss_start / 1024:.1f} MB, after registration {rss_before / 1024:.1f} MB, "
                      f"after touching all {rss_after / 1024:.1f} MB, after the second touch "
                      f"{rss_final / 1024:.1f} MB (peak {hwm / 1024:.1f} MB)")
                print(f"  cost of {len(names)} cached workspaces: {(rss_after - rss_before) / 1024:.1f} MB "
                      f"(target <= 20 MB)")
            finally:
                dep.stop()
    finally:
        setup.destroy()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=os.environ.get("BUCKETFLOW_BIN") or
                        os.path.join(HERE, "..", "build", "release", "src", "cli", "bucketflow"))
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workspaces", type=int, default=1000)
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--skip-workspaces", action="store_true")
    args = parser.parse_args()
    os.environ["BUCKETFLOW_BIN"] = os.path.abspath(args.bin)
    if not os.access(os.environ["BUCKETFLOW_BIN"], os.X_OK):
        raise SystemExit(f"no bucketflow binary at {args.bin} (build it, or pass --bin)")
    if not args.skip_throughput:
        throughput(args)
    if not args.skip_workspaces:
        workspaces(args)


if __name__ == "__main__":
    main()

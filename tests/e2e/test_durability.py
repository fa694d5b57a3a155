"""Crash durability (SIGKILL) and graceful shutdown (SIGTERM during an upload)."""
import concurrent.futures
import os
import threading
import time

from bf_helpers import Api, ServerProcess

T0 = 1_700_000_000_000
ART = "/api/2.0/mlflow-artifacts/artifacts"


def test_acknowledged_writes_survive_sigkill(fresh_server_dir):
    srv = ServerProcess(fresh_server_dir)
    srv.start()
    try:
        api = Api(srv.url)
        exp_id = api.create_experiment("durable")
        run_id = api.create_run(exp_id)["info"]["run_id"]

        def log_metric(i):
            return api_for_thread().post("/runs/log-metric", {"run_id": run_id, "key": "m", "value": float(i),
                                                              "timestamp": T0 + i, "step": i})

        local = threading.local()

        def api_for_thread():
            if not hasattr(local, "api"):
                local.api = Api(srv.url)
            return local.api

        acked = []
        # Concurrent single writes exercise group commit: each 200 must be durable.
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            for i, r in zip(range(200), pool.map(log_metric, range(200))):
                if r.status_code == 200:
                    acked.append(i)
        assert len(acked) == 200
        api.ok(api.post("/runs/log-parameter", {"run_id": run_id, "key": "lr", "value": "0.01"}))
        api.ok(api.post("/runs/log-batch", {"run_id": run_id, "metrics": [
            {"key": "b", "value": float(i), "timestamp": T0, "step": i} for i in range(1000)]}))
        api.ok(api.post("/runs/set-tag", {"run_id": run_id, "key": "t", "value": "v"}))
        api.ok(api.post("/runs/update", {"run_id": run_id, "status": "FINISHED", "end_time": T0}))
    finally:
        srv.kill()

    again = ServerProcess(fresh_server_dir, port=None)
    again.start()
    try:
        api = Api(again.url)
        run = api.get_run(run_id)
        assert run["info"]["status"] == "FINISHED"
        assert {"key": "lr", "value": "0.01"} in run["data"]["params"]
        assert {"key": "t", "value": "v"} in run["data"]["tags"]
        hist = api.ok(api.get("/metrics/get-history", {"run_id": run_id, "metric_key": "m"}))["metrics"]
        assert sorted(p["step"] for p in hist) == acked
        hist_b = api.ok(api.get("/metrics/get-history", {"run_id": run_id, "metric_key": "b"}))["metrics"]
        assert len(hist_b) == 1000
    finally:
        assert again.terminate() == 0


class SlowBody:
    """A body that trickles out so the upload is in flight when SIGTERM arrives."""

    def __init__(self, size, chunk, started: threading.Event):
        self.size, self.chunk, self.sent, self.started = size, chunk, 0, started

    def __len__(self):
        return self.size

    def read(self, n=-1):
        if self.sent >= self.size:
            return b""
        if self.sent > 0:
            self.started.set()
            time.sleep(0.02)
        n = min(self.chunk, self.size - self.sent)
        self.sent += n
        return b"z" * n


def test_sigterm_during_upload_exits_zero_without_partial_artifact(fresh_server_dir):
    srv = ServerProcess(fresh_server_dir)
    srv.start()
    api = Api(srv.url)
    run = api.create_run(api.create_experiment("shutdown"))
    root = run["info"]["artifact_uri"][len("mlflow-artifacts:/"):]
    size = 8 * 1024 * 1024
    started = threading.Event()
    body = SlowBody(size, 64 * 1024, started)
    result = {}

    def upload():
        try:
            r = Api(srv.url).raw("PUT", f"{ART}/{root}/slow.bin", data=body,
                                 headers={"Content-Type": "application/octet-stream"}, timeout=120)
            result["status"] = r.status_code
        except Exception as e:  # connection closed by the server is an acceptable outcome
            result["error"] = repr(e)

    t = threading.Thread(target=upload)
    t.start()
    assert started.wait(30)
    code = srv.terminate(timeout=90)
    t.join(120)
    assert code == 0, f"exit {code}:\n{srv.log_tail()}"
    final = os.path.join(srv.artifacts, root, "slow.bin")
    if result.get("status") == 200:
        assert os.path.getsize(final) == size  # it was allowed to finish, completely
    else:
        assert not os.path.exists(final), f"partial artifact left behind ({result})"
    # No temp files of a half-written upload are visible in the run's directory either.
    run_dir = os.path.join(srv.artifacts, root)
    if os.path.isdir(run_dir):
        leftovers = [f for f in os.listdir(run_dir) if f != "slow.bin"]
        assert leftovers == [], leftovers

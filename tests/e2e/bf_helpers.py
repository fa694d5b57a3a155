"""Helpers for the end-to-end suite: a real `bucketflow server` driven over HTTP.

The binary comes from $BUCKETFLOW_BIN (scripts/run-tests.sh sets it). Every server runs on a
free loopback port with its database and artifacts in a temporary directory.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import uuid

import pytest
import requests

STARTUP_TIMEOUT_S = 30.0
SHUTDOWN_TIMEOUT_S = 60.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bucketflow_bin() -> str:
    path = os.environ.get("BUCKETFLOW_BIN", "")
    if not path or not os.access(path, os.X_OK):
        pytest.fail(f"BUCKETFLOW_BIN must point at the built bucketflow binary (got {path!r})")
    return path


class ServerProcess:
    """One `bucketflow server` child process bound to a free loopback port."""

    def __init__(self, workdir: str, port: int | None = None, extra_args: list[str] | None = None):
        self.workdir = workdir
        self.port = port or _free_port()
        self.db_path = os.path.join(workdir, "db.sqlite")
        self.artifacts = os.path.join(workdir, "artifacts")
        self.extra_args = extra_args or []
        self.proc: subprocess.Popen | None = None
        self.log_path = os.path.join(workdir, f"server-{self.port}.log")
        self.env: dict | None = None  # None: the test's own environment

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def command(self) -> list[str]:
        return [
            bucketflow_bin(), "server",
            "--host", "127.0.0.1",
            "--port", str(self.port),
            "--backend-store-uri", f"sqlite:///{self.db_path}",
            "--artifacts-destination", self.artifacts,
            *self.extra_args,
        ]

    def start(self) -> float:
        """Starts the server and waits for GET /health; returns the seconds that took."""
        os.makedirs(self.artifacts, exist_ok=True)
        log = open(self.log_path, "ab")
        began = time.monotonic()
        self.proc = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT,
                                     cwd=self.workdir, env=self.env)
        log.close()
        deadline = began + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode} at startup:\n{self.log_tail()}")
            try:
                r = requests.get(self.url + "/health", timeout=1)
                if r.status_code == 200:
                    return time.monotonic() - began
            except requests.RequestException:
                pass
            time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"server did not answer /health within {STARTUP_TIMEOUT_S}s:\n{self.log_tail()}")

    def terminate(self, timeout: float = SHUTDOWN_TIMEOUT_S) -> int:
        """SIGTERM and wait; returns the exit code."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"server ignored SIGTERM for {timeout}s:\n{self.log_tail()}")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def log_tail(self, n: int = 4000) -> str:
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")[-n:]
        except OSError:
            return "<no log>"

    def proc_status(self, field: str) -> int:
        """A kB field (VmRSS, VmHWM) of /proc/<pid>/status."""
        with open(f"/proc/{self.pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        raise KeyError(field)


class Api:
    """Calls the server the way the MLflow 2.17 Python client does (JSON POST, GET query)."""

    def __init__(self, url: str, prefix: str = "/api/2.0/mlflow"):
        self.url = url
        self.prefix = prefix
        self.session = requests.Session()

    def post(self, endpoint: str, body=None, **kw) -> requests.Response:
        return self.session.post(self.url + self.prefix + endpoint, json=body if body is not None else {},
                                 timeout=120, **kw)

    def get(self, endpoint: str, params=None, **kw) -> requests.Response:
        return self.session.get(self.url + self.prefix + endpoint, params=params, timeout=120, **kw)

    def raw(self, method: str, path: str, **kw) -> requests.Response:
        kw.setdefault("timeout", 120)
        return self.session.request(method, self.url + path, **kw)

    # Convenience wrappers that assert success.
    def ok(self, response: requests.Response) -> dict:
        assert response.status_code == 200, f"{response.request.method} {response.url}: " \
            f"{response.status_code} {response.text[:500]}"
        return response.json()

    def create_experiment(self, name: str | None = None, **fields) -> str:
        body = {"name": name or f"e2e-{uuid.uuid4().hex[:12]}", **fields}
        return self.ok(self.post("/experiments/create", body))["experiment_id"]

    def create_run(self, experiment_id: str, **fields) -> dict:
        body = {"experiment_id": experiment_id, "start_time": int(time.time() * 1000), **fields}
        return self.ok(self.post("/runs/create", body))["run"]

    def get_run(self, run_id: str) -> dict:
        return self.ok(self.get("/runs/get", {"run_id": run_id}))["run"]


def _describe(response) -> str:
    req = getattr(response, "request", None)
    where = f"{req.method} {response.url}: " if req is not None else ""
    return f"{where}{response.status_code} {response.content[:500]!r}"


def assert_error(response, status: int, error_code: str | None = None,
                 message_contains: str | None = None) -> dict:
    """Checks an MLflow error answer (requests.Response or RawResponse); returns its JSON."""
    assert response.status_code == status, f"expected {status}, got {_describe(response)}"
    if error_code is None:
        return {}
    ctype = response.headers.get("Content-Type") or response.headers.get("content-type") or ""
    assert ctype.startswith("application/json"), f"not JSON: {_describe(response)}"
    body = response.json()
    assert body.get("error_code") == error_code, f"expected {error_code}: {_describe(response)}"
    assert isinstance(body.get("message"), str) and body["message"], body
    if message_contains:
        assert message_contains in body["message"], body
    return body


class RawResponse:
    def __init__(self, status: int, headers: dict, body: bytes):
        self.status_code = status
        self.headers = headers
        self.content = body

    def json(self):
        import json
        return json.loads(self.content)


def raw_request(url: str, method: str, target: str, body: bytes | None = None,
                headers: dict | None = None) -> RawResponse:
    """Sends `target` byte-for-byte (no URL normalisation, unlike requests/urllib3)."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        conn.putrequest(method, target, skip_accept_encoding=True)
        hdrs = dict(headers or {})
        if body is not None:
            hdrs.setdefault("Content-Length", str(len(body)))
        for k, v in hdrs.items():
            conn.putheader(k, v)
        conn.endheaders(body)
        resp = conn.getresponse()
        return RawResponse(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read())
    finally:
        conn.close()

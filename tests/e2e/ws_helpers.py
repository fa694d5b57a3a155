"""Helpers for the workspace and auth suites (issue #6): a `bucketflow server --auth` on a temp
database, the admin CLI run against the same database, users/workspaces/tokens made through the
CLI or the REST API, and HTTP clients that carry credentials and a workspace selection.

Every client can send from its own loopback source address (127.x.y.z): the server rate-limits
failed sign-ins per address, so tests that fail on purpose use addresses nobody else uses.
"""
from __future__ import annotations

import base64
import itertools
import json
import os
import socket
import sqlite3
import subprocess
import threading
import time
import uuid

import requests
from requests.adapters import HTTPAdapter

from bf_helpers import ServerProcess, bucketflow_bin

CLI_USER = "e2e-runner"  # $USER for CLI runs: their audit actor is "cli:e2e-runner"
ADMIN_PREFIX = "/api/2.0/bucketflow"
ART = "/api/2.0/mlflow-artifacts/artifacts"

# Source addresses handed out to clients that must not share a rate-limit bucket.
_addresses = itertools.count(1)


def fresh_address() -> str:
    n = next(_addresses)
    return f"127.{50 + (n >> 16) % 200}.{(n >> 8) & 255}.{max(1, n & 255)}"


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def bearer(secret: str) -> str:
    return "Bearer " + secret


# ---------------------------------------------------------------------------------------------
# The CLI


def cli(db_path: str, *args: str, stdin: str | None = None, env: dict | None = None,
        timeout: float = 120) -> subprocess.CompletedProcess:
    """`bucketflow ARGS` against the database at db_path (through MLFLOW_BACKEND_STORE_URI)."""
    full_env = dict(env if env is not None else os.environ)
    full_env["MLFLOW_BACKEND_STORE_URI"] = f"sqlite:///{db_path}"
    full_env["USER"] = CLI_USER
    return subprocess.run([bucketflow_bin(), *args], input=stdin, capture_output=True, text=True,
                          env=full_env, timeout=timeout, cwd=os.path.dirname(db_path))


def cli_ok(db_path: str, *args: str, **kw) -> subprocess.CompletedProcess:
    result = cli(db_path, *args, **kw)
    assert result.returncode == 0, f"bucketflow {' '.join(args)} exited {result.returncode}:\n" \
        f"stdout: {result.stdout}\nstderr: {result.stderr}"
    return result


def cli_token(db_path: str, user: str, *extra: str) -> str:
    """`token create`: the secret is alone on the first line of stdout."""
    out = cli_ok(db_path, "token", "create", "--user", user, *extra).stdout
    secret = out.splitlines()[0].strip()
    assert secret.startswith("bft_") and len(secret) == 68, out
    return secret


def cli_user(db_path: str, name: str, *extra: str, password: str | None = None) -> None:
    args = ["user", "add", name, *extra]
    if password is not None:
        args.append("--password-stdin")
    cli_ok(db_path, *args, stdin=(password + "\n") if password is not None else None)


# ---------------------------------------------------------------------------------------------
# The server


class AuthServer(ServerProcess):
    """`bucketflow server --auth` with local artifacts, its workspaces' artifacts under the temp
    dir, and an optional environment (AWS keys for workspaces with buckets)."""

    def __init__(self, workdir: str, cache_seconds: int = 5, auth: bool = True,
                 extra_args: list[str] | None = None, env: dict | None = None):
        args = ["--auth-cache-seconds", str(cache_seconds),
                "--workspace-artifacts-root", os.path.join(workdir, "workspaces")]
        if auth:
            args.insert(0, "--auth")
        super().__init__(workdir, extra_args=args + (extra_args or []))
        self.env = env

    def full_log(self) -> str:
        return self.log_tail(1 << 30)


def init_db(db_path: str) -> None:
    """Creates the database (migrations included) by running a harmless CLI command."""
    cli_ok(db_path, "workspace", "list")


# ---------------------------------------------------------------------------------------------
# HTTP clients


class _SourceAddressAdapter(HTTPAdapter):
    def __init__(self, address: str, **kw):
        self._address = address
        super().__init__(**kw)

    def init_poolmanager(self, *args, **kw):
        kw["source_address"] = (self._address, 0)
        super().init_poolmanager(*args, **kw)


class Client:
    """Calls the server as one caller: `auth` is the whole Authorization value (or None),
    `workspace` goes in X-Bucketflow-Workspace, `scope` is the /w/<name> URL prefix."""

    def __init__(self, url: str, auth: str | None = None, workspace: str | None = None,
                 scope: str | None = None, address: str | None = None):
        self.base = url + (f"/w/{scope}" if scope else "")
        self.auth = auth
        self.workspace = workspace
        self.session = requests.Session()
        if address:
            adapter = _SourceAddressAdapter(address)
            self.session.mount("http://", adapter)

    def headers(self, extra: dict | None = None) -> dict:
        h = {}
        if self.auth is not None:
            h["Authorization"] = self.auth
        if self.workspace is not None:
            h["X-Bucketflow-Workspace"] = self.workspace
        h.update(extra or {})
        return h

    def request(self, method: str, path: str, json_body=None, params=None, data=None,
                headers: dict | None = None, timeout: float = 60) -> requests.Response:
        kw = {"params": params, "headers": self.headers(headers), "timeout": timeout}
        if json_body is not None:
            kw["json"] = json_body
        elif data is not None:
            kw["data"] = data
        return self.session.request(method, self.base + path, **kw)

    def post(self, path: str, body=None, **kw) -> requests.Response:
        return self.request("POST", path, json_body=body if body is not None else {}, **kw)

    def get(self, path: str, params=None, **kw) -> requests.Response:
        return self.request("GET", path, params=params, **kw)

    # MLflow tracking shortcuts (under /api/2.0/mlflow), asserting success.
    def ok(self, response: requests.Response) -> dict:
        assert response.status_code == 200, f"{response.request.method} {response.url}: " \
            f"{response.status_code} {response.text[:500]}"
        return response.json() if response.content else {}

    def mlflow_post(self, endpoint: str, body=None) -> dict:
        return self.ok(self.post("/api/2.0/mlflow" + endpoint, body))

    def mlflow_get(self, endpoint: str, params=None) -> dict:
        return self.ok(self.get("/api/2.0/mlflow" + endpoint, params))

    def create_experiment(self, name: str | None = None) -> str:
        return self.mlflow_post("/experiments/create", {"name": name or f"ws-{uuid.uuid4().hex[:12]}"})[
            "experiment_id"]

    def create_run(self, experiment_id: str) -> dict:
        return self.mlflow_post("/runs/create", {"experiment_id": experiment_id,
                                                 "start_time": int(time.time() * 1000)})["run"]

    def put_artifact(self, rel_path: str, data: bytes) -> requests.Response:
        return self.request("PUT", f"{ART}/{rel_path}", data=data,
                            headers={"Content-Type": "application/octet-stream"})

    # The admin REST API.
    def admin_post(self, endpoint: str, body: dict) -> requests.Response:
        return self.post(f"{ADMIN_PREFIX}/{endpoint}", body)

    def admin_get(self, endpoint: str, params=None) -> requests.Response:
        return self.get(f"{ADMIN_PREFIX}/{endpoint}", params)

    def create_workspace(self, name: str) -> dict:
        return self.ok(self.admin_post("workspaces/create", {"name": name}))["workspace"]

    def create_user(self, name: str, password: str | None = None, is_admin: bool = False) -> dict:
        body = {"name": name, "is_admin": is_admin}
        if password is not None:
            body["password"] = password
        return self.ok(self.admin_post("users/create", body))["user"]

    def set_member(self, workspace: str, user: str, role: str) -> None:
        self.ok(self.admin_post("workspaces/members/set", {"workspace": workspace, "user": user, "role": role}))

    def create_token(self, user: str | None = None, workspace: str | None = None, **extra) -> tuple[str, dict]:
        body = {k: v for k, v in {"user": user, "workspace": workspace, **extra}.items() if v is not None}
        answer = self.ok(self.admin_post("tokens/create", body))
        return answer["token"], answer["token_info"]

    def audit(self, **params) -> list[dict]:
        return self.ok(self.admin_get("audit/list", params)).get("entries", [])


def root_of(run: dict) -> str:
    uri = run["info"]["artifact_uri"]
    assert uri.startswith("mlflow-artifacts:/"), uri
    return uri[len("mlflow-artifacts:/"):]


# ---------------------------------------------------------------------------------------------
# A bootstrapped server: an admin made with the CLI before the server starts.


class Deployment:
    """A server with --auth and a server admin "root" (token from the CLI)."""

    def __init__(self, tmp: str, cache_seconds: int = 5, env: dict | None = None,
                 extra_args: list[str] | None = None):
        self.tmp = tmp
        self.server = AuthServer(tmp, cache_seconds=cache_seconds, env=env, extra_args=extra_args)
        self.db = self.server.db_path
        cli_user(self.db, "root", "--admin", password="root-password-123")
        self.root_secret = cli_token(self.db, "root", "--name", "e2e-root")
        self.secrets = [self.root_secret]  # every secret the tests saw: none may reach the log

    def start(self) -> "Deployment":
        self.server.start()
        return self

    @property
    def url(self) -> str:
        return self.server.url

    def root(self, **kw) -> Client:
        return Client(self.url, bearer(self.root_secret), **kw)

    def client(self, secret: str, **kw) -> Client:
        return Client(self.url, bearer(secret), **kw)

    def token_for(self, user: str, workspace: str | None = None, **extra) -> str:
        secret, _ = self.root().create_token(user=user, workspace=workspace, **extra)
        self.secrets.append(secret)
        return secret

    def user(self, name: str, memberships: dict[str, str], password: str | None = None) -> str:
        """Creates the user over REST with these {workspace: role}; returns an unbound token."""
        root = self.root()
        root.create_user(name, password=password)
        for ws, role in memberships.items():
            root.set_member(ws, name, role)
        return self.token_for(name)

    def stop(self) -> int:
        return self.server.terminate()


# ---------------------------------------------------------------------------------------------
# The database, opened directly (for rows the API refuses to make, e.g. already-expired tokens)


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def find_table(conn: sqlite3.Connection, *needles: str) -> tuple[str, list[str]]:
    """The table whose name contains needles[0] and that has a column for each other needle."""
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    for table in tables:
        if needles[0] not in table.lower():
            continue
        cols = _columns(conn, table)
        if all(any(n in c.lower() for c in cols) for n in needles[1:]):
            return table, cols
    raise AssertionError(f"no table like {needles} in {tables}")


def insert_token_copy(db_path: str, token_id: str, new_hash: str, expiry_ms: int | None) -> None:
    """Copies token row `token_id` with another hash and expiry (no revocation)."""
    with sqlite3.connect(db_path, timeout=30) as conn:
        table, cols = find_table(conn, "token", "hash", "expir")
        id_col = "id" if "id" in cols else cols[0]
        hash_col = next(c for c in cols if "hash" in c.lower())
        expiry_col = next(c for c in cols if "expir" in c.lower())
        revoked_col = next((c for c in cols if "revo" in c.lower()), None)
        copied = [c for c in cols if c != id_col]
        values = []
        for c in copied:
            if c == hash_col:
                values.append("?")
            elif c == expiry_col:
                values.append("?")
            elif c == revoked_col:
                values.append("NULL")
            else:
                values.append(c)
        params = [new_hash if c == hash_col else expiry_ms for c in copied if c in (hash_col, expiry_col)]
        conn.execute(f"INSERT INTO {table} ({', '.join(copied)}) SELECT {', '.join(values)} FROM {table} "
                     f"WHERE {id_col} = ?", (*params, int(token_id)))


# ---------------------------------------------------------------------------------------------
# A black hole: accepts TCP connections and never answers (an STS that hangs)


class BlackHole:
    def __init__(self):
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(128)
        self._held: list[socket.socket] = []
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self.accepted = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}"

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            self._held.append(conn)  # read nothing, answer nothing
            self.accepted += 1

    def __enter__(self) -> "BlackHole":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._closed.set()
        self._sock.close()
        for conn in self._held:
            try:
                conn.close()
            except OSError:
                pass


def error_of(response: requests.Response) -> tuple[int, str | None]:
    try:
        code = response.json().get("error_code")
    except ValueError:
        code = None
    return response.status_code, code


def describe(response: requests.Response) -> str:
    req = response.request
    body = req.body if isinstance(req.body, (str, type(None))) else req.body[:200]
    if isinstance(body, bytes):
        body = body[:200]
    auth = req.headers.get("Authorization", "")
    auth = auth.split(" ", 1)[0] if auth else "-"
    return (f"{req.method} {req.url} [auth {auth}, ws {req.headers.get('X-Bucketflow-Workspace', '-')}] "
            f"body={body!r} -> {response.status_code} {response.text[:300]}")


def dump(obj) -> str:
    return json.dumps(obj, sort_keys=True)

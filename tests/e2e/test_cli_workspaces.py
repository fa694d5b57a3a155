"""The admin CLI (issue #6): `bucketflow workspace|user|token|audit` against a temporary database.

Every command opens the database itself (the server need not run), prints a short result,
exits 1 with one "bucketflow: ..." line on stderr when it fails (2 for bad input), and writes an
audit entry for every change. The bucket tests run against radosgw (s3_fixtures); the last test
checks that a token the CLI creates works against `bucketflow server --auth`, and that a CLI
revocation takes effect within the server's --auth-cache-seconds.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import uuid

import pytest
import requests

from bf_helpers import ServerProcess, bucketflow_bin
from s3_fixtures import S3Setup, rgw_settings

TOKEN_RE = re.compile(r"^bft_[0-9a-f]{64}$")
ACTOR = "cli:e2e-operator"


class Cli:
    """Runs the bucketflow binary against one database file."""

    def __init__(self, db_path: str):
        self.db_path = db_path
        self.uri = f"sqlite:///{db_path}"

    def env(self, extra: dict | None = None) -> dict:
        env = {k: v for k, v in os.environ.items() if k != "MLFLOW_BACKEND_STORE_URI"}
        env["USER"] = ACTOR.removeprefix("cli:")
        env.update(extra or {})
        return env

    def run(self, *args: str, stdin: str | None = None, env: dict | None = None,
            uri: bool = True) -> subprocess.CompletedProcess:
        # Flags go after the leaf command, as an operator types them.
        command = [bucketflow_bin(), *args] + (["--backend-store-uri", self.uri] if uri else [])
        return subprocess.run(command, input=stdin if stdin is not None else "", capture_output=True,
                              text=True, env=self.env(env), timeout=120)

    def ok(self, *args: str, **kw) -> subprocess.CompletedProcess:
        result = self.run(*args, **kw)
        assert result.returncode == 0, f"{args}: exit {result.returncode}\n{result.stdout}{result.stderr}"
        return result

    def json(self, *args: str, **kw):
        return json.loads(self.ok(*args, "--json", **kw).stdout)

    def fails(self, code: int, *args: str, **kw) -> str:
        """Runs a command that must fail with `code`; returns its one stderr line."""
        result = self.run(*args, **kw)
        assert result.returncode == code, f"{args}: exit {result.returncode}\n{result.stdout}{result.stderr}"
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("bucketflow: "), result.stderr
        return lines[0]

    def audit(self, **filters: str) -> list[dict]:
        args = ["audit", "list"]
        for flag, value in filters.items():
            args += [f"--{flag}", value]
        return self.json(*args)["entries"]


@pytest.fixture
def cli():
    with tempfile.TemporaryDirectory(prefix="bf-e2e-cli-") as tmp:
        yield Cli(os.path.join(tmp, "db.sqlite"))


def table(stdout: str) -> list[list[str]]:
    """An aligned table's rows (header included), split on runs of two or more spaces."""
    return [re.split(r"\s{2,}", line.strip()) for line in stdout.strip().splitlines()]


# --- workspace ---------------------------------------------------------------------------------

def test_workspace_create_prints_external_id_and_next_step(cli):
    out = cli.ok("workspace", "create", "team-a").stdout
    external_id = re.search(r"^External ID: ([0-9a-f]{32})$", out, re.M)
    assert external_id, out
    assert f"bucketflow bucket plan --external-id {external_id.group(1)}" in out
    shown = cli.json("workspace", "show", "team-a")
    assert shown["workspace"]["name"] == "team-a"
    assert shown["workspace"]["external_id"] == external_id.group(1)
    assert shown["workspace"]["default_experiment_id"] not in ("", "0")  # its own Default
    assert "bucket" not in shown["workspace"] and shown["members"] == []
    assert "Members:      none" in cli.ok("workspace", "show", "team-a").stdout
    [entry] = cli.audit(action="workspace.create")
    assert (entry["actor"], entry["workspace"], entry["target"]) == (ACTOR, "team-a", "team-a")


def test_workspace_create_with_supplied_external_id_and_errors(cli):
    cli.ok("workspace", "create", "team-b", "--external-id", "owner-chosen-id")
    assert cli.json("workspace", "show", "team-b")["workspace"]["external_id"] == "owner-chosen-id"
    assert "already exists" in cli.fails(1, "workspace", "create", "team-b")
    assert "invalid workspace name" in cli.fails(2, "workspace", "create", "Team_B")
    assert "invalid workspace name" in cli.fails(2, "workspace", "create", "a" * 64)
    assert "--external-id" in cli.fails(2, "workspace", "create", "team-c", "--external-id", "no spaces!")
    cli.fails(2, "workspace", "create")  # the name is required (CLI11's usage error)
    assert [w["name"] for w in cli.json("workspace", "list")["workspaces"]] == ["default", "team-b"]


def test_workspace_list_table_and_show_text(cli):
    cli.ok("workspace", "create", "team-a")
    rows = table(cli.ok("workspace", "list").stdout)
    assert rows[0] == ["NAME", "ID", "CREATED", "ARTIFACTS"]
    assert [row[0] for row in rows[1:]] == ["default", "team-a"]
    assert rows[2][3] == "(local)" and re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", rows[2][2])
    cli.ok("user", "add", "alice", "--workspace", "team-a", "--role", "admin")
    out = cli.ok("workspace", "show", "team-a").stdout
    assert re.search(r"^Workspace:\s+team-a$", out, re.M) and "Bucket:       none" in out
    assert re.search(r"^\s+alice\s+admin$", out, re.M), out
    cli.fails(1, "workspace", "show", "nope")


def test_workspace_delete_needs_yes_and_spares_default(cli):
    cli.ok("workspace", "create", "team-a")
    refusal = cli.fails(1, "workspace", "delete", "team-a")
    assert "without --yes" in refusal and "1 experiment and 0 runs" in refusal, refusal
    assert "artifacts in its bucket are left" in refusal
    assert "team-a" in [w["name"] for w in cli.json("workspace", "list")["workspaces"]]
    assert cli.audit(action="workspace.delete") == []
    out = cli.ok("workspace", "delete", "team-a", "--yes").stdout
    assert out.startswith("Deleted workspace team-a")
    assert [w["name"] for w in cli.json("workspace", "list")["workspaces"]] == ["default"]
    [entry] = cli.audit(action="workspace.delete")
    assert entry["target"] == "team-a" and entry["actor"] == ACTOR
    assert "cannot be deleted" in cli.fails(1, "workspace", "delete", "default", "--yes")
    cli.fails(1, "workspace", "delete", "team-a", "--yes")  # gone


def test_backend_store_uri_from_the_environment(cli):
    cli.run("workspace", "create", "from-env", uri=False, env={"MLFLOW_BACKEND_STORE_URI": cli.uri})
    assert "from-env" in [w["name"] for w in cli.json("workspace", "list")["workspaces"]]
    assert "not supported" in cli.fails(2, "workspace", "list", uri=False,
                                        env={"MLFLOW_BACKEND_STORE_URI": "mysql://x/y"})


# --- user --------------------------------------------------------------------------------------

def test_user_add_with_password_from_stdin(cli):
    out = cli.ok("user", "add", "root", "--admin", "--password-stdin", stdin="correct horse\n").stdout
    assert "Created user root (server admin) with a password" in out
    cli.ok("user", "add", "ci-bot")
    [bot, root] = cli.json("user", "list")["users"]  # by name
    assert (root["name"], root["is_admin"], bot["name"], bot["is_admin"]) == ("root", True, "ci-bot", False)
    rows = table(cli.ok("user", "list").stdout)
    assert rows[0] == ["NAME", "ADMIN", "PASSWORD", "CREATED", "WORKSPACES"]
    assert rows[1][:3] == ["ci-bot", "no", "no"] and rows[2][:3] == ["root", "yes", "yes"]
    # The stored hash is argon2id, never the password.
    import sqlite3
    with sqlite3.connect(cli.db_path) as db:
        [(stored,)] = db.execute("SELECT password_hash FROM users WHERE name = 'root'").fetchall()
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    [entry] = cli.audit(action="user.create", limit="1")
    assert entry["target"] == "ci-bot"
    assert "password must be 8" in cli.fails(2, "user", "add", "shorty", "--password-stdin", stdin="short\n")
    assert "no password" in cli.fails(2, "user", "add", "empty", "--password-stdin", stdin="")
    assert "invalid user name" in cli.fails(2, "user", "add", "bad name")
    assert "already exists" in cli.fails(1, "user", "add", "root")


def test_user_add_sets_membership_and_remove(cli):
    cli.ok("workspace", "create", "team-a")
    assert "User bob is editor of workspace team-a" in cli.ok(
        "user", "add", "bob", "--workspace", "team-a", "--role", "editor").stdout
    # An existing user with --workspace: only the membership changes.
    cli.ok("user", "add", "bob", "--workspace", "team-a", "--role", "admin")
    assert cli.json("workspace", "show", "team-a")["members"] == [{"user": "bob", "role": "admin"}]
    assert [e["detail"] for e in cli.audit(action="member.set")] == ['{"role":"admin"}', '{"role":"editor"}']
    assert cli.json("user", "list")["users"][0]["workspaces"] == [{"name": "team-a", "role": "admin"}]
    assert "--workspace and --role" in cli.fails(2, "user", "add", "bob", "--workspace", "team-a")
    assert "not one of reader, editor, admin" in cli.fails(
        2, "user", "add", "bob", "--workspace", "team-a", "--role", "owner")
    cli.fails(1, "user", "add", "carol", "--workspace", "nope", "--role", "reader")
    assert [u["name"] for u in cli.json("user", "list")["users"]] == ["bob"]  # carol not created
    assert "Removed user bob from workspace team-a" in cli.ok(
        "user", "remove", "bob", "--workspace", "team-a").stdout
    assert cli.json("workspace", "show", "team-a")["members"] == []
    cli.fails(1, "user", "remove", "bob", "--workspace", "team-a")  # no longer a member
    cli.ok("user", "remove", "bob")
    assert cli.json("user", "list")["users"] == []
    cli.fails(1, "user", "remove", "bob")
    actions = [e["action"] for e in cli.audit()]
    assert actions[:3] == ["user.delete", "member.remove", "member.set"], actions


# --- token -------------------------------------------------------------------------------------

def test_token_create_prints_the_secret_once(cli):
    cli.ok("workspace", "create", "team-a")
    cli.ok("user", "add", "alice")
    assert "not a member" in cli.fails(1, "token", "create", "--user", "alice", "--workspace", "team-a")
    cli.ok("user", "add", "alice", "--workspace", "team-a", "--role", "reader")
    result = cli.ok("token", "create", "--user", "alice", "--workspace", "team-a", "--name", "ci",
                    "--expires-in", "30d")
    secret = result.stdout.splitlines()[0]
    assert TOKEN_RE.match(secret) and result.stdout == secret + "\n", result.stdout
    assert "only time" in result.stderr and secret not in result.stderr
    [token] = cli.json("token", "list")["tokens"]
    assert (token["user"], token["workspace"], token["name"]) == ("alice", "team-a", "ci")
    assert "hash" not in token and "revocation_time" not in token
    expected_expiry = token["creation_time"] + 30 * 86400 * 1000
    assert abs(token["expiry_time"] - expected_expiry) < 5000
    listing = cli.ok("token", "list", "--all").stdout + json.dumps(cli.json("token", "list", "--all"))
    assert secret not in listing and hashlib.sha256(secret.encode()).hexdigest() not in listing
    # Stored only as its SHA-256.
    import sqlite3
    with sqlite3.connect(cli.db_path) as db:
        [(stored,)] = db.execute("SELECT hash FROM tokens").fetchall()
    assert stored == hashlib.sha256(secret.encode()).hexdigest()
    [entry] = cli.audit(action="token.create")
    assert (entry["workspace"], entry["target"], entry["actor"]) == ("team-a", token["id"], ACTOR)
    assert secret not in json.dumps(cli.audit())


def test_token_create_errors(cli):
    cli.ok("user", "add", "alice")
    assert "not a duration" in cli.fails(2, "token", "create", "--user", "alice", "--expires-in", "10x")
    assert "between 60s" in cli.fails(2, "token", "create", "--user", "alice", "--expires-in", "30s")
    assert "between 60s" in cli.fails(2, "token", "create", "--user", "alice", "--expires-in", "2000d")
    cli.fails(1, "token", "create", "--user", "nobody")
    cli.fails(1, "token", "create", "--user", "alice", "--workspace", "nope")
    cli.fails(2, "token", "create")  # --user is required
    assert cli.json("token", "list")["tokens"] == []
    # An unbound token of a user without memberships is allowed; 90m and 3600s parse.
    for duration, seconds in (("90m", 5400), ("3600s", 3600), ("12h", 43200)):
        cli.ok("token", "create", "--user", "alice", "--expires-in", duration)
        newest = cli.json("token", "list", "--user", "alice")["tokens"][0]
        assert abs(newest["expiry_time"] - newest["creation_time"] - seconds * 1000) < 5000


def test_token_list_filters_and_revoke(cli):
    cli.ok("workspace", "create", "team-a")
    cli.ok("user", "add", "alice", "--workspace", "team-a", "--role", "editor")
    cli.ok("user", "add", "bob")
    cli.ok("token", "create", "--user", "alice", "--workspace", "team-a", "--name", "bound")
    cli.ok("token", "create", "--user", "bob", "--name", "free")
    assert [t["name"] for t in cli.json("token", "list", "--user", "bob")["tokens"]] == ["free"]
    assert [t["name"] for t in cli.json("token", "list", "--workspace", "team-a")["tokens"]] == ["bound"]
    cli.fails(1, "token", "list", "--user", "nobody")
    rows = table(cli.ok("token", "list").stdout)
    assert rows[0] == ["ID", "NAME", "USER", "WORKSPACE", "CREATED", "EXPIRES", "STATUS"]
    bound_id = next(row[0] for row in rows[1:] if row[1] == "bound")
    assert next(row for row in rows[1:] if row[1] == "free")[3] == "(any)"
    assert "Revoked token" in cli.ok("token", "revoke", bound_id).stdout
    assert [t["name"] for t in cli.json("token", "list")["tokens"]] == ["free"]
    revoked = [t for t in cli.json("token", "list", "--all")["tokens"] if t["id"] == bound_id]
    assert revoked and "revocation_time" in revoked[0]
    assert "already revoked" in cli.ok("token", "revoke", bound_id).stdout
    assert len(cli.audit(action="token.revoke")) == 1
    assert "not a number" in cli.fails(2, "token", "revoke", "abc")
    cli.fails(1, "token", "revoke", "999")
    [entry] = cli.audit(action="token.revoke")
    assert (entry["target"], entry["workspace"]) == (bound_id, "team-a")


# --- audit -------------------------------------------------------------------------------------

def test_audit_list_filters_limit_and_table(cli):
    cli.ok("workspace", "create", "team-a")
    cli.ok("workspace", "create", "team-b")
    cli.ok("user", "add", "alice", "--workspace", "team-b", "--role", "reader")
    entries = cli.audit()
    assert [e["action"] for e in entries] == ["member.set", "user.create", "workspace.create",
                                              "workspace.create"]  # newest first
    assert all(e["actor"] == ACTOR and e["time"] > 0 for e in entries)
    assert [e["action"] for e in cli.audit(workspace="team-b")] == ["member.set", "workspace.create"]
    assert len(cli.audit(limit="2")) == 2
    assert cli.audit(action="token.create") == []
    rows = table(cli.ok("audit", "list", "--workspace", "team-a").stdout)
    assert rows[0] == ["TIME", "ACTOR", "WORKSPACE", "ACTION", "TARGET", "DETAIL"]
    assert rows[1][1:5] == [ACTOR, "team-a", "workspace.create", "team-a"]
    assert "--limit" in cli.fails(2, "audit", "list", "--limit", "0")
    # Without USER the actor is the uid.
    env = {k: v for k, v in cli.env().items() if k != "USER"}
    subprocess.run([bucketflow_bin(), "workspace", "create", "team-c", "--backend-store-uri", cli.uri],
                   env=env, check=True, capture_output=True)
    assert cli.audit(limit="1")[0]["actor"] == f"cli:uid{os.getuid()}"


def test_database_errors_are_one_line(cli):
    blocker = os.path.join(os.path.dirname(cli.db_path), "file")
    open(blocker, "w").close()
    bad = Cli(os.path.join(blocker, "db.sqlite"))  # a directory that cannot exist
    assert "cannot open the backend store" in bad.fails(1, "workspace", "list")


# --- workspace bucket (radosgw) ------------------------------------------------------------------

@pytest.fixture
def rgw_bucket():
    if shutil.which("radosgw") is None and not os.environ.get("BF_RGW_ENDPOINT"):
        pytest.skip("radosgw is not installed")
    setup = S3Setup(rgw_settings())
    setup.create()
    yield setup
    setup.destroy()


def bucket_set(cli: Cli, s: S3Setup, workspace: str, env: dict | None = None,
               **overrides) -> subprocess.CompletedProcess:
    flags = {"--bucket": s.bucket, "--role-arn": s.role_arn, "--prefix": s.prefix,
             "--region": s.rgw["BF_RGW_REGION"], "--s3-endpoint-url": s.rgw["BF_RGW_ENDPOINT"],
             "--sts-endpoint-url": s.rgw["BF_RGW_ENDPOINT"], "--s3-addressing": "path"}
    flags.update(overrides)
    args = ["workspace", "bucket", "set", workspace]
    for flag, value in flags.items():
        if value is not None:
            args += [flag, value]
    return cli.run(*args, env={**s.server_env(), **(env or {})})


def test_bucket_set_registers_a_verified_bucket(cli, rgw_bucket):
    s = rgw_bucket
    cli.ok("workspace", "create", "team-a")
    # Region and endpoints from AWS's environment variables, as for `bucketflow server`.
    result = bucket_set(cli, s, "team-a", env={"AWS_ENDPOINT_URL": s.rgw["BF_RGW_ENDPOINT"],
                                               "AWS_REGION": s.rgw["BF_RGW_REGION"]},
                        **{"--s3-endpoint-url": None, "--sts-endpoint-url": None, "--region": None})
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("PASS  assume role: assumed " + s.role_arn), result.stdout
    assert any(line.startswith("WARN  external id enforced") for line in lines)  # radosgw
    assert not [line for line in lines if line.startswith("FAIL")]
    assert f"Registered s3://{s.bucket}/{s.prefix} for workspace team-a" in result.stdout
    workspace = cli.json("workspace", "show", "team-a")["workspace"]
    bucket = workspace["bucket"]
    assert (bucket["bucket"], bucket["prefix"], bucket["role_arn"], bucket["addressing"]) == (
        s.bucket, s.prefix, s.role_arn, "path")
    assert bucket["external_id"] == workspace["external_id"]  # the workspace's by default
    assert bucket["s3_endpoint"] == bucket["sts_endpoint"] == s.rgw["BF_RGW_ENDPOINT"]
    assert bucket["region"] == s.rgw["BF_RGW_REGION"]
    [entry] = cli.audit(action="bucket.set")
    assert json.loads(entry["detail"]) == {"bucket": s.bucket, "prefix": s.prefix, "role_arn": s.role_arn}
    assert s.admin_keys(".bucketflow-verify/") == [] and s.admin_keys(s.prefix + "/.bucketflow") == []
    # Another workspace may not share the same bucket and prefix.
    cli.ok("workspace", "create", "team-b")
    shared = cli.fails(1, "workspace", "bucket", "set", "team-b", "--bucket", s.bucket, "--role-arn",
                       s.role_arn, "--prefix", s.prefix + "/sub", "--s3-endpoint-url", s.rgw["BF_RGW_ENDPOINT"],
                       env=s.server_env())
    assert (f"bucket not registered: bucket {s.bucket} (prefix {s.prefix}/sub) overlaps the artifact "
            "store of another workspace") in shared, shared
    assert "team-a" not in shared, shared  # nothing about the other workspace
    assert "bucket" not in cli.json("workspace", "show", "team-b")["workspace"]
    # clear
    assert "Cleared the bucket of workspace team-a" in cli.ok("workspace", "bucket", "clear", "team-a").stdout
    assert "bucket" not in cli.json("workspace", "show", "team-a")["workspace"]
    assert "nothing to clear" in cli.ok("workspace", "bucket", "clear", "team-a").stdout
    assert len(cli.audit(action="bucket.clear")) == 1


def test_bucket_set_refuses_a_failing_bucket_and_stores_nothing(cli, rgw_bucket):
    s = rgw_bucket
    cli.ok("workspace", "create", "team-a")
    other = f"bf-e2e-cli-{uuid.uuid4().hex[:8]}"
    s.admin_s3.create_bucket(Bucket=other)
    try:
        result = bucket_set(cli, s, "team-a", **{"--bucket": other})  # the role is for s.bucket
    finally:
        s.admin_s3.delete_bucket(Bucket=other)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"FAIL  bucket: the role cannot reach bucket {other}" in result.stdout, result.stdout
    assert result.stdout.splitlines()[-1].endswith(" failed") and " 0 failed" not in result.stdout
    stderr = result.stderr.strip().splitlines()
    assert len(stderr) == 1 and stderr[0].startswith("bucketflow: bucket not registered: bucket: ")
    assert "bucket" not in cli.json("workspace", "show", "team-a")["workspace"]
    assert cli.audit(action="bucket.set") == []
    # Bad input never reaches the bucket.
    assert "'sideways'" in cli.fails(2, "workspace", "bucket", "set", "team-a", "--bucket", s.bucket,
                                          "--role-arn", s.role_arn, "--s3-addressing", "sideways")
    cli.fails(1, "workspace", "bucket", "set", "nope", "--bucket", s.bucket, "--role-arn", s.role_arn)


# --- a CLI token against a running server ------------------------------------------------------

def test_cli_token_works_against_server_and_revocation_applies(tmp_path):
    srv = ServerProcess(str(tmp_path), extra_args=["--auth", "--auth-cache-seconds", "1"])
    cli = Cli(srv.db_path)
    cli.ok("workspace", "create", "team-a")
    cli.ok("user", "add", "alice", "--workspace", "team-a", "--role", "reader")
    srv.start()
    try:
        secret = cli.ok("token", "create", "--user", "alice", "--workspace", "team-a").stdout.strip()
        url = srv.url + "/api/2.0/mlflow/experiments/search?max_results=10"
        assert requests.get(url, timeout=10).status_code == 401
        answer = requests.get(url, headers={"Authorization": f"Bearer {secret}"}, timeout=10)
        assert answer.status_code == 200, answer.text
        assert [e["name"] for e in answer.json()["experiments"]] == ["Default"]
        token_id = cli.json("token", "list", "--user", "alice")["tokens"][0]["id"]
        revoked_at = time.monotonic()
        cli.ok("token", "revoke", token_id)
        status = 200
        while status == 200 and time.monotonic() < revoked_at + 5:
            status = requests.get(url, headers={"Authorization": f"Bearer {secret}"}, timeout=10).status_code
            if status == 200:
                time.sleep(0.1)
        assert status == 401, "the revoked token still worked 5 s after revocation (cache is 1 s)"
        assert time.monotonic() - revoked_at < 3.0
    finally:
        code = srv.terminate()
    assert code == 0, srv.log_tail()
    assert secret not in srv.log_tail(100000)

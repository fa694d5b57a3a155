"""Tokens and passwords against `bucketflow server --auth` (issue #6): revoked and expired tokens,
basic auth, brute force slowed, malformed headers, no secret in the log or in tokens/list, and the
audit log naming who did what.

The server runs with --auth-cache-seconds 1, so that a change made by the CLI (which writes the
database directly) reaches it within about a second. Every test that fails sign-ins on purpose
sends from its own loopback address: the failure rate limit is per (address, user name) for
passwords and per address for tokens.
"""
from __future__ import annotations

import hashlib
import http.client
import json
import tempfile
import time

import pytest

from ws_helpers import (CLI_USER, Client, Deployment, basic, bearer, cli, cli_ok, cli_token, cli_user, describe,
                        error_of, fresh_address, insert_token_copy)

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def dep():
    with tempfile.TemporaryDirectory(prefix="bf-e2e-ws-auth-") as tmp:
        d = Deployment(tmp, cache_seconds=1).start()
        root = d.root()
        root.create_workspace("team-a")
        d.alice = d.user("alice", {"team-a": "editor"}, password=PASSWORD)
        yield d
        code = d.stop()
        assert code == 0, f"server exited with {code}:\n{d.server.log_tail()}"


def search(client: Client):
    return client.get("/api/2.0/mlflow/experiments/search", {"max_results": 10})


def assert_401(response) -> None:
    assert error_of(response) == (401, "UNAUTHENTICATED"), describe(response)
    assert 'Bearer realm="bucketflow"' in response.headers.get("WWW-Authenticate", ""), describe(response)


def wait_for_status(client: Client, status: int, within_s: float) -> float:
    began = time.monotonic()
    while True:
        r = search(client)
        if r.status_code == status:
            return time.monotonic() - began
        assert time.monotonic() - began < within_s, f"still {describe(r)} after {within_s}s"
        time.sleep(0.1)


def token_id_of(dep, secret_user: str, name: str) -> str:
    root = dep.root()
    tokens = root.ok(root.admin_get("tokens/list", {"user": secret_user}))["tokens"]
    matching = [t for t in tokens if t["name"] == name]
    assert len(matching) == 1, tokens
    return matching[0]["id"]


def test_token_revoked_over_rest_is_refused_at_once(dep):
    secret, info = dep.root().create_token(user="alice", name="rest-revoked")
    dep.secrets.append(secret)
    client = Client(dep.url, bearer(secret), address=fresh_address())
    assert search(client).status_code == 200  # now cached for 1 s
    dep.root().ok(dep.root().admin_post("tokens/revoke", {"token_id": info["id"]}))
    assert_401(search(client))
    listed = dep.root().ok(dep.root().admin_get("tokens/list", {"user": "alice"}))["tokens"]
    revoked = [t for t in listed if t["id"] == info["id"]]
    assert revoked and revoked[0].get("revocation_time"), listed


def test_token_revoked_by_the_cli_is_refused_within_the_cache_time(dep):
    secret = cli_token(dep.db, "alice", "--name", "cli-revoked")
    dep.secrets.append(secret)
    client = Client(dep.url, bearer(secret), address=fresh_address())
    wait_for_status(client, 200, 3)  # the CLI wrote it directly to the database
    token_id = token_id_of(dep, "alice", "cli-revoked")
    cli_ok(dep.db, "token", "revoke", token_id)
    took = wait_for_status(client, 401, 4)
    assert took <= 2.5, f"revocation took {took:.1f}s with --auth-cache-seconds 1"
    assert_401(search(client))


def test_expired_token_is_refused(dep):
    """An already-expired row (the API's minimum is 60 s): copied from a real one with sqlite3."""
    _, info = dep.root().create_token(user="alice", name="template")
    expired = "bft_" + "e" * 64
    insert_token_copy(dep.db, info["id"], hashlib.sha256(expired.encode()).hexdigest(),
                      int(time.time() * 1000) - 60_000)
    future = "bft_" + "f" * 64
    insert_token_copy(dep.db, info["id"], hashlib.sha256(future.encode()).hexdigest(),
                      int(time.time() * 1000) + 3_600_000)
    # The control proves the inserted rows are read: the same row with a future expiry works.
    assert search(Client(dep.url, bearer(future), address=fresh_address())).status_code == 200
    assert_401(search(Client(dep.url, bearer(expired), address=fresh_address())))


def test_expiry_bounds_over_rest_and_cli(dep):
    root = dep.root()
    before = int(time.time() * 1000)
    secret, info = root.create_token(user="alice", expires_in_seconds=60)
    dep.secrets.append(secret)
    assert before + 59_000 <= int(info["expiry_time"]) <= int(time.time() * 1000) + 61_000, info
    for bad in (59, -1, 10 * 365 * 86400):
        r = root.admin_post("tokens/create", {"user": "alice", "expires_in_seconds": bad})
        assert error_of(r) == (400, "INVALID_PARAMETER_VALUE"), describe(r)
    secret = cli_token(dep.db, "alice", "--name", "ninety-minutes", "--expires-in", "90m")
    dep.secrets.append(secret)
    listed = root.ok(root.admin_get("tokens/list", {"user": "alice"}))["tokens"]
    t = [t for t in listed if t["name"] == "ninety-minutes"][0]
    assert abs(int(t["expiry_time"]) - (time.time() * 1000 + 90 * 60_000)) < 120_000, t
    bad = cli(dep.db, "token", "create", "--user", "alice", "--expires-in", "soon")
    assert bad.returncode != 0 and bad.stderr.startswith("bucketflow: "), bad


def test_basic_auth(dep):
    ok = Client(dep.url, basic("alice", PASSWORD), address=fresh_address())
    for _ in range(3):  # the second and third hit the password cache
        assert search(ok).status_code == 200
    assert_401(search(Client(dep.url, basic("alice", PASSWORD + "x"), address=fresh_address())))
    assert_401(search(Client(dep.url, basic("nobody", PASSWORD), address=fresh_address())))
    # A user without a password cannot sign in with an empty one.
    dep.root().create_user("no-password")
    assert_401(search(Client(dep.url, basic("no-password", ""), address=fresh_address())))


def _fresh_connection_get(url: str, address: str, authorization: str):
    """One request on its own connection (a new source port each time)."""
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30, source_address=(address, 0))
    try:
        conn.request("GET", "/api/2.0/mlflow/experiments/search?max_results=10", headers={"Authorization": authorization})
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


def test_brute_force_is_slowed(dep):
    """Password failures are limited per (address, user name): the guessed user is refused from
    that address, even with the right (possibly cached) password, while other users and tokens
    behind the same address (a proxy) carry on."""
    dep.user("erin", {"team-a": "reader"}, password=PASSWORD)
    attacker = fresh_address()
    statuses = []
    for i in range(40):
        status, headers, body = _fresh_connection_get(dep.url, attacker, basic("alice", f"guess-{i}"))
        statuses.append(status)
        if status == 429:
            break
    assert statuses[-1] == 429, f"40 wrong passwords and never limited: {statuses}"
    assert statuses[0] == 401 and set(statuses[:-1]) == {401}, statuses
    assert json.loads(body)["error_code"] == "REQUEST_LIMIT_EXCEEDED", body
    retry_after = int({k.lower(): v for k, v in headers.items()}["retry-after"])
    assert 1 <= retry_after <= 3600, headers
    # The right password for the guessed user is refused too, and says so, even when a client
    # elsewhere has just used it (cached): otherwise a 200 among the 429s would reveal the
    # right guess without slowing the guesser down...
    assert _fresh_connection_get(dep.url, fresh_address(), basic("alice", PASSWORD))[0] == 200
    status, headers, body = _fresh_connection_get(dep.url, attacker, basic("alice", PASSWORD))
    assert status == 429, (status, body)
    assert int({k.lower(): v for k, v in headers.items()}["retry-after"]) >= 1, headers
    # ...while everyone else behind that address is not affected: another user's password,
    # and tokens (limited by their own failures), alice's included.
    status, _, body = _fresh_connection_get(dep.url, attacker, basic("erin", PASSWORD))
    assert status == 200, body
    status, _, body = _fresh_connection_get(dep.url, attacker, bearer(dep.alice))
    assert status == 200, body
    # ...and alice from another address.
    status, _, body = _fresh_connection_get(dep.url, fresh_address(), basic("alice", PASSWORD))
    assert status == 200, body


def test_wrong_tokens_count_as_failures(dep):
    attacker = fresh_address()
    statuses = [_fresh_connection_get(dep.url, attacker, bearer("bft_" + f"{i:064x}"))[0] for i in range(40)]
    assert 429 in statuses and set(statuses) <= {401, 429}, statuses
    assert statuses.index(429) >= 3, statuses  # a small burst is allowed first
    # A token not verified lately is refused unchecked; one verified within the cache time
    # (--auth-cache-seconds 1 here) is no guess and passes.
    unused = dep.token_for("alice")
    assert _fresh_connection_get(dep.url, attacker, bearer(unused))[0] == 429
    assert _fresh_connection_get(dep.url, fresh_address(), bearer(unused))[0] == 200
    status, _, body = _fresh_connection_get(dep.url, attacker, bearer(unused))
    assert status == 200, body
    # Passwords are limited per user, not by the address's token failures.
    status, _, body = _fresh_connection_get(dep.url, attacker, basic("alice", PASSWORD))
    assert status == 200, body


MALFORMED = [
    "Bearer", "Bearer ", "Bearer  ", "Bearer bft_short", "Bearer not-a-token-at-all",
    "Bearer bft_" + "g" * 64, "Bearer bft_" + "a" * 63, "Bearer bft_" + "a" * 65,
    "Basic", "Basic ", "Basic !!!not-base64!!!", "Basic " + "bm9jb2xvbg==",  # "nocolon"
    "Basic Og==",  # ":" (empty user and password)
    "Token abc", "Digest username=alice", "bft_" + "a" * 64, "Bearer\tbft_" + "a" * 64,
    "Bearer " + "x" * 4000,
]


@pytest.mark.parametrize("header", MALFORMED, ids=[f"h{i}" for i in range(len(MALFORMED))])
def test_malformed_authorization_is_401(dep, header):
    r = search(Client(dep.url, header, address=fresh_address()))
    assert_401(r)
    secretish = header.split(" ", 1)[-1]
    if len(secretish) >= 8:
        assert secretish not in r.text, f"the credential was echoed: {describe(r)}"


def test_scheme_is_case_insensitive(dep):
    assert search(Client(dep.url, "bearer " + dep.alice, address=fresh_address())).status_code == 200
    assert search(Client(dep.url, "BASIC " + basic("alice", PASSWORD).split(" ")[1],
                         address=fresh_address())).status_code == 200


def test_tokens_list_never_shows_the_hash_or_the_secret(dep):
    root = dep.root()
    secret, _ = root.create_token(user="alice", name="listed")
    dep.secrets.append(secret)
    for params in ({}, {"user": "alice"}, {"workspace": "team-a"}):
        r = root.admin_get("tokens/list", params)
        root.ok(r)
        text = r.text
        assert "bft_" not in text, text
        for s in dep.secrets:
            assert hashlib.sha256(s.encode()).hexdigest() not in text, text
        for token in r.json()["tokens"]:
            assert set(token) <= {"id", "name", "user", "workspace", "creation_time", "expiry_time",
                                  "revocation_time"}, token
    alice = Client(dep.url, bearer(dep.alice))
    own = alice.ok(alice.admin_get("tokens/list"))["tokens"]
    assert own and {t["user"] for t in own} == {"alice"}, own
    assert "bft_" not in json.dumps(own)
    cli_list = cli_ok(dep.db, "token", "list", "--user", "alice")
    assert "bft_" not in cli_list.stdout + cli_list.stderr
    for s in dep.secrets:
        assert hashlib.sha256(s.encode()).hexdigest() not in cli_list.stdout


def test_audit_names_the_actor(dep):
    root = dep.root()
    root.create_workspace("audited")
    root.create_user("dave")
    root.set_member("audited", "dave", "editor")
    secret, info = root.create_token(user="dave", workspace="audited", name="audited-token")
    dep.secrets.append(secret)
    root.ok(root.admin_post("tokens/revoke", {"token_id": info["id"]}))
    cli_user(dep.db, "erin", "--workspace", "audited", "--role", "reader")
    cli_secret = cli_token(dep.db, "erin", "--workspace", "audited", "--name", "cli-made")
    dep.secrets.append(cli_secret)
    entries = root.audit(workspace="audited")
    by_action = {}
    for e in entries:
        by_action.setdefault(e["action"], []).append(e)
    assert {"member.set", "token.create", "token.revoke"} <= set(by_action), entries
    rest_members = [e for e in by_action["member.set"] if e["actor"] == "root"]
    assert rest_members and "dave" in rest_members[0]["target"] + rest_members[0]["detail"], by_action["member.set"]
    cli_members = [e for e in by_action["member.set"] if e["actor"] == f"cli:{CLI_USER}"]
    assert cli_members and "erin" in cli_members[0]["target"] + cli_members[0]["detail"], by_action["member.set"]
    assert [e for e in by_action["token.revoke"] if e["actor"] == "root" and e["target"] == info["id"]], \
        by_action["token.revoke"]
    creators = {e["actor"] for e in by_action["token.create"]}
    assert {"root", f"cli:{CLI_USER}"} <= creators, by_action["token.create"]
    for e in entries:
        assert e["workspace"] == "audited" and e["time"] > 0, e
        assert "bft_" not in json.dumps(e), e
    # Filter by action; the CLI sees the same log.
    only = root.audit(workspace="audited", action="token.revoke")
    assert only and {e["action"] for e in only} == {"token.revoke"}, only
    cli_json = json.loads(cli_ok(dep.db, "audit", "list", "--workspace", "audited", "--json").stdout)
    cli_entries = cli_json["entries"] if isinstance(cli_json, dict) else cli_json
    assert {e["action"] for e in cli_entries} >= {"member.set", "token.create", "token.revoke"}, cli_json


def test_audit_is_for_admins(dep):
    alice = Client(dep.url, bearer(dep.alice))
    r = alice.admin_get("audit/list", {"workspace": "team-a"})
    assert error_of(r) == (403, "PERMISSION_DENIED"), describe(r)


def test_artifact_location_outside_the_server_root_is_refused(dep):
    alice = Client(dep.url, bearer(dep.alice))
    for location in ("file:///etc", "/etc", "s3://someone-elses-bucket/x"):
        r = alice.post("/api/2.0/mlflow/experiments/create", {"name": f"loc-{time.time_ns()}",
                                                            "artifact_location": location})
        assert error_of(r) == (400, "INVALID_PARAMETER_VALUE"), describe(r)


def test_no_secret_in_the_server_log(dep):
    """Last: every secret and password this module used, searched for in the whole log."""
    log = dep.server.full_log()
    assert "auth on" in log.lower(), log[-2000:]
    for secret in dep.secrets + [dep.alice]:
        assert secret not in log and secret[4:] not in log, "a token secret is in the server log"
        assert hashlib.sha256(secret.encode()).hexdigest() not in log, "a token hash is in the server log"
    assert PASSWORD not in log and "root-password-123" not in log
    assert "plain HTTP" in log or "TLS" in log, "no warning that auth runs over plain HTTP"


def test_auth_without_users_warns(tmp_path):
    from ws_helpers import AuthServer
    srv = AuthServer(str(tmp_path))
    srv.start()
    try:
        assert "no users yet" in srv.full_log(), srv.full_log()
        assert_401(search(Client(srv.url, None, address=fresh_address())))
    finally:
        assert srv.terminate() == 0, srv.log_tail()

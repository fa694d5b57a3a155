"""What the server sends to STS, and how it lives with short-lived role credentials.

radosgw never checks sts:ExternalId, so what the server sends is recorded by a forwarder placed
between the server and STS (--sts-endpoint-url). Short sessions need radosgw started with
`rgw sts min session duration` at most SHORT_SESSION_S (scripts/run-tests.sh sets
BF_RGW_STS_MIN_DURATION for its cluster).
"""
from __future__ import annotations

import hashlib
import re
import tempfile
import threading
import time
from urllib.parse import parse_qs

import pytest

from bf_helpers import Api
from s3_fixtures import S3ServerProcess, rgw, s3_setup  # noqa: F401 (fixtures)
from s3_proxies import Forwarder, slow_put
from test_artifacts import ART, put, root_of

MiB = 1024 * 1024
SHORT_SESSION_S = 4
ASSUMED = re.compile(r"AssumeRole \S+: assumed, Credentials\{access_key_id=(\w+)")


def assume_role_forms(forwarder: Forwarder) -> list[dict]:
    forms = []
    for req in forwarder.snapshot():
        if req.method == "POST" and req.body is not None:
            form = {k: v[0] for k, v in parse_qs(req.body.decode(), keep_blank_values=True).items()}
            if form.get("Action") == "AssumeRole":
                forms.append({**form, "_authorization": req.headers.get("Authorization", "")})
    return forms


def test_server_sends_external_id_session_name_and_duration(rgw, s3_setup):
    with Forwarder(rgw["BF_RGW_ENDPOINT"]) as sts, tempfile.TemporaryDirectory(prefix="bf-e2e-sts-") as tmp:
        args = s3_setup.server_args(**{"--sts-endpoint-url": sts.url, "--role-session-name": "bf-e2e-session",
                                       "--role-session-duration": "1800"})
        srv = S3ServerProcess(tmp, args, s3_setup.server_env())
        srv.start()
        try:
            api = Api(srv.url)
            root = root_of(api.create_run(api.create_experiment()))
            api.ok(put(api, f"{root}/through-role.txt", b"via the assumed role"))
            assert api.raw("GET", f"{ART}/{root}/through-role.txt").content == b"via the assumed role"
        finally:
            assert srv.terminate() == 0, srv.log_tail()
        forms = assume_role_forms(sts)
        assert len(forms) == 1, forms  # assumed once at startup, cached since
        form = forms[0]
        assert form["ExternalId"] == s3_setup.external_id
        assert form["RoleArn"] == s3_setup.role_arn
        assert form["RoleSessionName"] == "bf-e2e-session"
        assert form["DurationSeconds"] == "1800"
        assert form["Version"] == "2011-06-15"
        # Signed by the tenant's own keys (the base credentials), for the sts service.
        assert f"Credential={rgw['BF_RGW_TENANT_ACCESS_KEY']}/" in form["_authorization"]
        assert "/sts/aws4_request" in form["_authorization"]
        log = srv.log_tail(1 << 20)
        assert rgw["BF_RGW_TENANT_SECRET_KEY"] not in log


@pytest.fixture(scope="module")
def short_session_server(s3_setup):
    with tempfile.TemporaryDirectory(prefix="bf-e2e-short-") as tmp:
        args = s3_setup.server_args(**{"--role-session-duration": str(SHORT_SESSION_S)})
        srv = S3ServerProcess(tmp, args, s3_setup.server_env())
        began = time.monotonic()
        try:
            srv.start()
        except RuntimeError as err:
            pytest.fail(f"radosgw refused a {SHORT_SESSION_S}s session; start it with "
                        f"BF_RGW_STS_MIN_DURATION<={SHORT_SESSION_S} (scripts/rgw-up.sh):\n{err}")
        srv.began = began
        yield srv
        assert srv.terminate() == 0, srv.log_tail()


def test_credentials_expiring_mid_upload_are_refreshed(s3_setup, short_session_server):
    srv = short_session_server
    api = Api(srv.url)
    run = api.create_run(api.create_experiment())
    root = root_of(run)
    stop = threading.Event()
    listings: list[int] = []

    def keep_listing():
        # Many S3 calls during the upload: they must share credentials, not assume the role each.
        own = Api(srv.url)
        while not stop.is_set():
            listings.append(own.raw("GET", ART, params={"path": root}).status_code)
            time.sleep(0.1)

    lister = threading.Thread(target=keep_listing)
    lister.start()
    try:
        # 26 MiB over ~3 x SHORT_SESSION_S: parts go up at ~3 s, ~6 s, ~10 s, each signed with
        # whatever credentials are current then.
        total = 26 * MiB
        result = slow_put(srv.url, f"{ART}/{root}/slow.bin", total, MiB, 0.4)
    finally:
        stop.set()
        lister.join()
    assert result.status == 200, result.body[:500]
    assert result.sent == total
    assert result.seconds > 2.5 * SHORT_SESSION_S, result.seconds
    assert listings and set(listings) == {200}, listings

    got = hashlib.sha256()
    with api.raw("GET", f"{ART}/{root}/slow.bin", stream=True) as r:
        assert r.status_code == 200
        for chunk in r.iter_content(MiB):
            got.update(chunk)
    assert got.hexdigest() == result.sha256
    head = s3_setup.role_s3().head_object(Bucket=s3_setup.bucket, Key=f"{s3_setup.prefix}/{root}/slow.bin")
    assert head["ContentLength"] == total and "-" in head["ETag"]

    elapsed = time.monotonic() - srv.began
    keys = ASSUMED.findall(srv.log_tail(1 << 20))
    # Refreshed ahead of expiry, again and again: several distinct sessions...
    assert len(keys) >= 3 and len(set(keys)) == len(keys), keys
    # ...but each one reused for about three quarters of its life, not assumed per S3 call.
    assert len(keys) <= elapsed / (SHORT_SESSION_S / 2) + 2, (len(keys), elapsed, len(listings))


@pytest.mark.parametrize("value, message", [
    ("0", "--role-session-duration 0 must be 1 to 43200 seconds"),
    ("43201", "--role-session-duration 43201 must be 1 to 43200 seconds"),
    ("soon", "--role-session-duration"),
])
def test_bad_session_duration_exits_2(s3_setup, value, message):
    with tempfile.TemporaryDirectory(prefix="bf-e2e-dur-") as tmp:
        srv = S3ServerProcess(tmp, s3_setup.server_args(**{"--role-session-duration": value}), s3_setup.server_env())
        code, out = srv.run_to_exit()
    assert code == 2, out
    assert message in out, out


def test_session_duration_above_the_role_maximum_is_refused_by_sts(s3_setup):
    # The role's MaxSessionDuration is 3600 s: STS itself refuses, and the server says so.
    with tempfile.TemporaryDirectory(prefix="bf-e2e-dur-") as tmp:
        srv = S3ServerProcess(tmp, s3_setup.server_args(**{"--role-session-duration": "7200"}), s3_setup.server_env())
        code, out = srv.run_to_exit()
    assert code == 1, out
    lines = [line for line in out.splitlines() if line.startswith("bucketflow:")]
    assert len(lines) == 1 and f"cannot assume role {s3_setup.role_arn}" in lines[0], out
    assert "service error" in lines[0], out

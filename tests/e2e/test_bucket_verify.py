"""`bucketflow bucket verify` and the server's start-up verification against radosgw.

Each test builds its own bucket and role (s3_fixtures.S3Setup: DESIGN.md's bucket, CORS rule and
inline policy, trust policy without the ExternalId condition because radosgw never checks it),
breaks one thing as the bucket owner, and checks that verify names it with the right fix.
"""
from __future__ import annotations

import json
import subprocess
import tempfile
import uuid

import pytest

from bf_helpers import bucketflow_bin
from s3_fixtures import S3ServerProcess, S3Setup, bucket_policy, compact, rgw  # noqa: F401 (fixture)


@pytest.fixture
def setup(rgw):
    s = S3Setup(rgw)
    s.create()
    yield s
    s.destroy()


def verify(s: S3Setup, *extra: str, **overrides) -> subprocess.CompletedProcess:
    flags = {"--bucket": s.bucket, "--role-arn": s.role_arn, "--external-id": s.external_id,
             "--region": s.rgw["BF_RGW_REGION"], "--s3-endpoint-url": s.rgw["BF_RGW_ENDPOINT"],
             "--sts-endpoint-url": s.rgw["BF_RGW_ENDPOINT"], "--s3-addressing": "path"}
    flags.update(overrides)
    args = [bucketflow_bin(), "bucket", "verify"]
    for flag, value in flags.items():
        if value is not None:
            args += [flag, value]
    return subprocess.run(args + list(extra), capture_output=True, text=True, env=s.server_env(), timeout=60)


def checks(s: S3Setup, *extra: str, **overrides) -> tuple[int, dict]:
    result = verify(s, "--json", *extra, **overrides)
    report = json.loads(result.stdout)
    return result.returncode, {c["name"]: c for c in report["checks"]}


def test_correct_setup_passes_with_the_external_id_warning(setup):
    result = verify(setup)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("PASS  assume role: assumed " + setup.role_arn), result.stdout
    # radosgw never checks sts:ExternalId: always a warning there, with the condition to add.
    assert lines[1].startswith("WARN  external id enforced: AssumeRole succeeded without an External ID"), lines
    assert f'"sts:ExternalId":"{setup.external_id}"' in lines[2] and lines[2].startswith("      fix: ")
    assert not [line for line in lines if line.startswith("FAIL")], result.stdout
    assert lines[-1].endswith(" 0 failed"), lines
    # The probe objects are gone (the owner sees none under the scratch prefix).
    assert setup.admin_keys(".bucketflow-verify/") == []


def test_json_report_parses_and_matches_the_text(setup):
    code, by_name = checks(setup)
    assert code == 0
    assert list(by_name) == ["assume role", "external id enforced", "bucket", "put object", "get object",
                             "list objects", "cors preflight", "cors get", "delete object",
                             "least privilege: bucket configuration", "multipart abort"]
    assert by_name["external id enforced"]["outcome"] == "warn"
    assert by_name["cors get"]["outcome"] == "pass" and by_name["cors get"]["fix"] == ""
    # DESIGN.md's policy has no s3:AbortMultipartUpload: the warning names the lifecycle rule.
    assert by_name["multipart abort"]["outcome"] == "warn"
    assert "AbortIncompleteMultipartUpload" in by_name["multipart abort"]["fix"]
    assert by_name["least privilege: bucket configuration"]["outcome"] == "pass"


def test_missing_cors_rule_fails(setup):
    setup.admin_s3.delete_bucket_cors(Bucket=setup.bucket)
    result = verify(setup, **{"--ui-origin": "https://ui.example.com"})
    assert result.returncode == 1, result.stdout
    assert "FAIL  cors preflight: the preflight (OPTIONS, Access-Control-Request-Method GET) with Origin " \
           "https://ui.example.com got HTTP 403 without Access-Control-Allow-Origin" in result.stdout
    assert "FAIL  cors get:" in result.stdout
    assert '"AllowedOrigins":["https://ui.example.com"]' in result.stdout
    assert setup.admin_keys(".bucketflow-verify/") == []  # cleaned up although a check failed


def test_role_without_the_bucket_policy_fails(setup):
    setup.iam.delete_role_policy(RoleName=setup.role_name, PolicyName="bucketflow-artifacts")
    try:
        code, by_name = checks(setup)
    finally:  # destroy() deletes it
        setup.iam.put_role_policy(RoleName=setup.role_name, PolicyName="bucketflow-artifacts",
                                  PolicyDocument=compact(bucket_policy(setup.bucket)))
    assert code == 1
    bucket = by_name["bucket"]
    assert bucket["outcome"] == "fail"
    assert f"the role cannot reach bucket {setup.bucket}" in bucket["reason"]
    assert "s3:ListBucket" in bucket["fix"] and f"arn:aws:s3:::{setup.bucket}/*" in bucket["fix"], bucket
    assert "put object" not in by_name  # one cause, one FAIL line


def test_over_broad_policy_warns(setup):
    other = f"bf-e2e-other-{uuid.uuid4().hex[:8]}"
    setup.admin_s3.create_bucket(Bucket=other)
    setup.iam.put_role_policy(RoleName=setup.role_name, PolicyName="bucketflow-artifacts", PolicyDocument=compact(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:*"], "Resource": ["*"]}]}))
    cors_before = setup.admin_s3.get_bucket_cors(Bucket=setup.bucket)["CORSRules"]
    try:
        code, by_name = checks(setup, "--other-bucket", other)
    finally:
        setup.admin_s3.delete_bucket(Bucket=other)
    assert code == 0  # warnings only
    config = by_name["least privilege: bucket configuration"]
    assert config["outcome"] == "warn" and "over-privileged" in config["reason"], config
    assert "exactly this permission policy" in config["fix"]
    other_check = by_name["least privilege: other bucket"]
    assert other_check["outcome"] == "warn" and f"list bucket {other}" in other_check["reason"], other_check
    assert by_name["multipart abort"]["outcome"] == "pass"
    # The write probe could change nothing.
    assert setup.admin_s3.get_bucket_cors(Bucket=setup.bucket)["CORSRules"] == cors_before


def test_exact_policy_denies_the_other_bucket(setup):
    other = f"bf-e2e-other-{uuid.uuid4().hex[:8]}"
    setup.admin_s3.create_bucket(Bucket=other)
    try:
        code, by_name = checks(setup, "--other-bucket", other)
    finally:
        setup.admin_s3.delete_bucket(Bucket=other)
    assert code == 0
    assert by_name["least privilege: other bucket"]["outcome"] == "pass"


def test_wrong_role_arn_fails_with_the_sts_error(setup):
    arn = "arn:aws:iam:::role/bf-e2e-no-such-role"
    result = verify(setup, **{"--role-arn": arn})
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"FAIL  assume role: STS refused AssumeRole of {arn}: "), lines
    assert "NoSuchEntity" in lines[0] and "(request id " in lines[0], lines
    assert lines[1].startswith("      fix: check --role-arn"), lines
    assert setup.rgw["BF_RGW_TENANT_SECRET_KEY"] not in result.stdout + result.stderr


def test_bucket_that_does_not_exist_fails(setup):
    missing = f"bf-e2e-missing-{uuid.uuid4().hex[:8]}"
    code, by_name = checks(setup, **{"--bucket": missing})
    assert code == 1
    assert by_name["bucket"]["outcome"] == "fail"
    assert f"bucket {missing} does not exist" in by_name["bucket"]["reason"]
    assert "bucketflow bucket apply" in by_name["bucket"]["fix"]


@pytest.mark.parametrize("overrides, message", [
    ({"--role-arn": "not-an-arn"}, "--role-arn not-an-arn is not a role ARN"),
    ({"--bucket": "a"}, "S3 bucket name 'a' must be 3..255 characters"),
    ({"--s3-addressing": "sideways"}, "--s3-addressing 'sideways'"),
    ({"--s3-endpoint-url": "ftp://host"}, "--s3-endpoint-url ftp://host"),
    ({"--ui-origin": "https://ui.example.com/path"}, "origin"),
])
def test_bad_input_exits_2(setup, overrides, message):
    result = verify(setup, **overrides)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith("bucketflow: ") and message in result.stderr, result.stderr


def test_server_refuses_a_failing_bucket_and_starts_with_skip(setup):
    setup.admin_s3.delete_bucket_cors(Bucket=setup.bucket)
    with tempfile.TemporaryDirectory(prefix="bf-e2e-verify-") as tmp:
        code, out = S3ServerProcess(tmp, setup.server_args(), setup.server_env()).run_to_exit()
    assert code == 1, out
    lines = [line for line in out.splitlines() if line.startswith("bucketflow:")]
    assert len(lines) == 1, out
    assert f"bucketflow: bucket {setup.bucket} failed verification: cors preflight:" in lines[0], out
    assert "--skip-bucket-verify" in lines[0]
    assert "FAIL  cors preflight" in out and "fix: put this CORS rule" in out  # the report is logged
    with tempfile.TemporaryDirectory(prefix="bf-e2e-verify-skip-") as tmp:
        srv = S3ServerProcess(tmp, setup.server_args() + ["--skip-bucket-verify"], setup.server_env())
        srv.start()
        try:
            log = srv.log_tail(1 << 20)
            assert "FAILED verification" in log and "--skip-bucket-verify" in log, log
        finally:
            assert srv.terminate() == 0, srv.log_tail()


def test_server_starts_on_a_correct_bucket_and_logs_the_report(setup):
    with tempfile.TemporaryDirectory(prefix="bf-e2e-verify-ok-") as tmp:
        srv = S3ServerProcess(tmp, setup.server_args(), setup.server_env())
        srv.start()
        try:
            log = srv.log_tail(1 << 20)
        finally:
            assert srv.terminate() == 0, srv.log_tail()
    assert "bucket verify: PASS  cors get" in log, log
    # The server assumes the role once, and leaves no trace in the customer's account at every
    # start: no External ID probes, no denied CORS calls, no multipart upload left to abort.
    assert "external id enforced" not in log
    assert "least privilege" not in log and "multipart abort" not in log, log
    uploads = setup.admin_s3.list_multipart_uploads(Bucket=setup.bucket).get("Uploads", [])
    assert uploads == [], uploads
    assert setup.admin_keys(f"{setup.prefix}/.bucketflow-verify/") == []

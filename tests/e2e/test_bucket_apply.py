"""`bucketflow bucket plan` and `bucketflow bucket apply` against radosgw (issue #4).

apply runs with the admin's keys (the bucket owner) and the tenant user as the service account;
everything is checked afterwards with boto3 as the admin. Every test uses its own bucket and role
names and removes them at the end.
"""
from __future__ import annotations

import json
import os
import subprocess
import uuid

import botocore.exceptions
import pytest

from bf_helpers import bucketflow_bin
from s3_fixtures import DESIGN_CORS_RULES, boto_client, rgw_settings


@pytest.fixture(scope="module")
def rgw() -> dict:
    return rgw_settings()


def admin(rgw: dict, service: str):
    return boto_client(rgw, service, rgw["BF_RGW_ADMIN_ACCESS_KEY"], rgw["BF_RGW_ADMIN_SECRET_KEY"])


def run_cli(rgw: dict, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID=rgw["BF_RGW_ADMIN_ACCESS_KEY"],
               AWS_SECRET_ACCESS_KEY=rgw["BF_RGW_ADMIN_SECRET_KEY"],
               AWS_REGION=rgw["BF_RGW_REGION"],
               AWS_CONFIG_FILE="/nonexistent", AWS_SHARED_CREDENTIALS_FILE="/nonexistent",
               AWS_EC2_METADATA_DISABLED="true")
    return subprocess.run([bucketflow_bin(), "bucket", *args], env=env, capture_output=True,
                          text=True, timeout=60, check=False)


@pytest.fixture
def names(rgw):
    """A fresh bucket and role name; both (and the role's policy) are deleted afterwards."""
    bucket = f"bf-apply-{uuid.uuid4().hex[:12]}"
    role = f"bucketflow-{bucket}"
    yield bucket, role
    s3, iam = admin(rgw, "s3"), admin(rgw, "iam")
    try:
        iam.delete_role_policy(RoleName=role, PolicyName=f"{role}-artifacts")
    except botocore.exceptions.ClientError:
        pass
    try:
        iam.delete_role(RoleName=role)
    except botocore.exceptions.ClientError:
        pass
    try:
        s3.delete_bucket(Bucket=bucket)
    except botocore.exceptions.ClientError:
        pass


def apply_args(rgw: dict, bucket: str, *extra: str) -> list[str]:
    return ["apply", "--bucket", bucket, "--service-account", rgw["BF_RGW_TENANT_USER_ARN"],
            "--s3-endpoint-url", rgw["BF_RGW_ENDPOINT"],
            "--iam-endpoint-url", rgw["BF_RGW_ENDPOINT"], *extra]


def step_lines(stdout: str) -> dict[str, str]:
    """{"bucket": "created", ...} from apply's "name: outcome detail" lines."""
    steps = {}
    for line in stdout.splitlines():
        name, _, rest = line.partition(":")
        if name in {"bucket", "cors", "role", "policy"}:
            steps[name] = rest.split()[0]
    return steps


def summary_value(stdout: str, label: str) -> str:
    for line in stdout.splitlines():
        if line.startswith(label):
            return line[len(label):].strip()
    raise AssertionError(f"no {label!r} line in:\n{stdout}")


def test_apply_creates_everything_then_is_a_no_op(rgw, names):
    bucket, role = names
    first = run_cli(rgw, *apply_args(rgw, bucket, "--external-id", "ext-id-42"))
    assert first.returncode == 0, first.stderr + first.stdout
    assert step_lines(first.stdout) == {
        "bucket": "created", "cors": "created", "role": "created", "policy": "created"}
    assert summary_value(first.stdout, "Role ARN:") == f"arn:aws:iam:::role/{role}"
    assert summary_value(first.stdout, "External ID:") == "ext-id-42"
    assert "nothing to change" not in first.stdout

    s3, iam = admin(rgw, "s3"), admin(rgw, "iam")
    s3.head_bucket(Bucket=bucket)
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"][0]["AllowedOrigins"] == ["*"]
    rule = s3.get_bucket_cors(Bucket=bucket)["CORSRules"][0]
    assert rule["AllowedMethods"] == ["GET"] and rule["AllowedHeaders"] == ["*"]
    assert rule["MaxAgeSeconds"] == DESIGN_CORS_RULES[0]["MaxAgeSeconds"]
    trust = iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]
    trust = json.loads(trust) if isinstance(trust, str) else trust
    statement = trust["Statement"][0]
    assert statement["Condition"] == {"StringEquals": {"sts:ExternalId": "ext-id-42"}}
    assert rgw["BF_RGW_TENANT_USER_ARN"] in json.dumps(statement["Principal"])
    policy = iam.get_role_policy(RoleName=role, PolicyName=f"{role}-artifacts")["PolicyDocument"]
    policy = json.loads(policy) if isinstance(policy, str) else policy
    grants = {(s["Resource"][0], a) for s in policy["Statement"] for a in s["Action"]}
    assert grants == {(f"arn:aws:s3:::{bucket}", "s3:ListBucket"),
                      (f"arn:aws:s3:::{bucket}/*", "s3:PutObject"),
                      (f"arn:aws:s3:::{bucket}/*", "s3:GetObject"),
                      (f"arn:aws:s3:::{bucket}/*", "s3:DeleteObject"),
                      (f"arn:aws:s3:::{bucket}/*", "s3:AbortMultipartUpload")}

    second = run_cli(rgw, *apply_args(rgw, bucket, "--external-id", "ext-id-42"))
    assert second.returncode == 0, second.stderr + second.stdout
    assert set(step_lines(second.stdout).values()) == {"unchanged"}, second.stdout
    assert "nothing to change" in second.stdout


def test_second_apply_keeps_the_generated_external_id(rgw, names):
    bucket, _ = names
    first = run_cli(rgw, *apply_args(rgw, bucket))
    assert first.returncode == 0, first.stderr + first.stdout
    generated = summary_value(first.stdout, "External ID:")
    assert len(generated) == 32 and "Bucketflow operator" in first.stdout
    second = run_cli(rgw, *apply_args(rgw, bucket))
    assert second.returncode == 0, second.stderr + second.stdout
    assert "nothing to change" in second.stdout
    assert summary_value(second.stdout, "External ID:") == generated


def test_apply_updates_only_what_differs(rgw, names):
    bucket, role = names
    assert run_cli(rgw, *apply_args(rgw, bucket, "--external-id", "one-1")).returncode == 0
    changed = run_cli(rgw, *apply_args(rgw, bucket, "--external-id", "two-2",
                                       "--ui-origin", "https://ui.example.com"))
    assert changed.returncode == 0, changed.stderr + changed.stdout
    assert step_lines(changed.stdout) == {
        "bucket": "unchanged", "cors": "updated", "role": "updated", "policy": "unchanged"}
    rule = admin(rgw, "s3").get_bucket_cors(Bucket=bucket)["CORSRules"][0]
    assert rule["AllowedOrigins"] == ["https://ui.example.com"]
    trust = admin(rgw, "iam").get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]
    assert "two-2" in (trust if isinstance(trust, str) else json.dumps(trust))


def test_apply_without_external_id_condition_lets_radosgw_assume_the_role(rgw, names):
    bucket, role = names
    result = run_cli(rgw, *apply_args(rgw, bucket, "--without-external-id-condition"))
    assert result.returncode == 0, result.stderr + result.stdout
    assert "confused-deputy" in result.stdout
    sts = boto_client(rgw, "sts", rgw["BF_RGW_TENANT_ACCESS_KEY"], rgw["BF_RGW_TENANT_SECRET_KEY"])
    creds = sts.assume_role(RoleArn=f"arn:aws:iam:::role/{role}",
                            RoleSessionName="bf-apply-test")["Credentials"]
    as_role = boto_client(rgw, "s3", creds["AccessKeyId"], creds["SecretAccessKey"],
                          creds["SessionToken"])
    as_role.put_object(Bucket=bucket, Key="probe.txt", Body=b"x")
    assert as_role.get_object(Bucket=bucket, Key="probe.txt")["Body"].read() == b"x"
    as_role.delete_object(Bucket=bucket, Key="probe.txt")


def test_apply_on_an_empty_endpoint_then_verify_passes(rgw, names):
    """The issue's onboarding flow end to end: apply as the owner, then verify as the service."""
    bucket, role = names
    applied = run_cli(rgw, *apply_args(rgw, bucket, "--without-external-id-condition"))
    assert applied.returncode == 0, applied.stderr + applied.stdout
    role_arn = summary_value(applied.stdout, "Role ARN:")
    external_id = summary_value(applied.stdout, "External ID:")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID=rgw["BF_RGW_TENANT_ACCESS_KEY"],
               AWS_SECRET_ACCESS_KEY=rgw["BF_RGW_TENANT_SECRET_KEY"],
               AWS_CONFIG_FILE="/nonexistent", AWS_SHARED_CREDENTIALS_FILE="/nonexistent",
               AWS_EC2_METADATA_DISABLED="true")
    verified = subprocess.run(
        [bucketflow_bin(), "bucket", "verify", "--bucket", bucket, "--role-arn", role_arn,
         "--external-id", external_id, "--region", rgw["BF_RGW_REGION"],
         "--s3-endpoint-url", rgw["BF_RGW_ENDPOINT"], "--sts-endpoint-url", rgw["BF_RGW_ENDPOINT"],
         "--s3-addressing", "path", "--json"],
        env=env, capture_output=True, text=True, timeout=60, check=False)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    outcomes = {c["name"]: c["outcome"] for c in json.loads(verified.stdout)["checks"]}
    assert outcomes.pop("external id enforced") == "warn"  # radosgw never checks sts:ExternalId
    assert "fail" not in outcomes.values(), outcomes


def plan_args(*extra: str) -> list[str]:
    return ["plan", "--bucket", "bf-plan-bucket", "--service-account", "123456789012", *extra]


def test_plan_text_contains_every_document(rgw):
    result = run_cli(rgw, *plan_args("--external-id", "plan-ext-1"))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert json.dumps(DESIGN_CORS_RULES, separators=(",", ":")) in out
    assert '"Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::bf-plan-bucket"]' in out
    assert '"Condition":{"StringEquals":{"sts:ExternalId":"plan-ext-1"}}' in out
    assert "RECOMMENDED" in out and "AbortIncompleteMultipartUpload" in out
    for command in ("aws s3api create-bucket", "aws s3api put-bucket-cors", "aws iam create-role",
                    "aws iam put-role-policy", "aws iam create-policy", "aws iam attach-role-policy"):
        assert command in out
    assert "Bucketflow operator" not in out  # the External ID was given, not generated
    generated = run_cli(rgw, *plan_args())
    assert generated.returncode == 0 and "Bucketflow operator" in generated.stdout


def test_plan_json_and_cloudformation_parse(rgw):
    as_json = run_cli(rgw, *plan_args("--external-id", "x-1", "--format", "json"))
    assert as_json.returncode == 0, as_json.stderr
    doc = json.loads(as_json.stdout)
    assert doc["external_id"] == "x-1" and doc["cors_rules"] == DESIGN_CORS_RULES
    assert doc["trust_policy"]["Statement"][0]["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
    cfn = run_cli(rgw, *plan_args("--external-id", "x-1", "--format", "cloudformation"))
    assert cfn.returncode == 0, cfn.stderr
    template = json.loads(cfn.stdout)
    assert template["Resources"]["ArtifactBucket"]["Type"] == "AWS::S3::Bucket"
    role = template["Resources"]["BucketflowRole"]
    assert role["Type"] == "AWS::IAM::Role" and role["Properties"]["Policies"][0]["PolicyDocument"]
    assert set(template["Outputs"]) == {"RoleArn", "ExternalId"}


@pytest.mark.parametrize("command", ["plan", "apply"])
@pytest.mark.parametrize("bucket, rule", [("Bad_Bucket", "lowercase"), ("ab", "3 to 63"),
                                          ("192.168.1.1", "IP address"), ("a..b", "'..'")])
def test_bad_bucket_name_exits_2_naming_the_rule(rgw, command, bucket, rule):
    result = run_cli(rgw, command, "--bucket", bucket, "--service-account", "123456789012")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("bucketflow: --bucket: invalid bucket name")
    assert rule in result.stderr and len(result.stderr.strip().splitlines()) == 1

"""Fixtures for the S3 artifact tests: a radosgw bucket and role, and servers that use them.

scripts/run-tests.sh starts radosgw with scripts/rgw-up.sh and exports the BF_RGW_* variables
from its env file. Without them these tests FAIL (they never skip): an S3 suite that silently
does not run would hide a broken setup.
"""
from __future__ import annotations

import json
import os
import subprocess
import tempfile
import uuid

import boto3
import botocore.config
import pytest
import requests

from bf_helpers import STARTUP_TIMEOUT_S, ServerProcess, bucketflow_bin

RGW_VARS = ("BF_RGW_ENDPOINT", "BF_RGW_REGION", "BF_RGW_ADMIN_ACCESS_KEY", "BF_RGW_ADMIN_SECRET_KEY",
            "BF_RGW_TENANT_ACCESS_KEY", "BF_RGW_TENANT_SECRET_KEY", "BF_RGW_TENANT_USER_ARN")


def _env_file_values(path: str) -> dict:
    values = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line.startswith("export ") and "=" in line:
                name, value = line[len("export "):].split("=", 1)
                values[name] = value
    return values


def rgw_settings() -> dict:
    """BF_RGW_* from the environment, else from $BF_RGW_ENV_FILE or rgw-up.sh's default env file."""
    settings = {name: os.environ[name] for name in RGW_VARS if os.environ.get(name)}
    if len(settings) < len(RGW_VARS):
        path = os.environ.get("BF_RGW_ENV_FILE") or os.path.join(
            os.environ.get("TMPDIR", "/tmp"), "bucketflow-rgw", "env")
        if os.path.exists(path):
            settings = {**_env_file_values(path), **settings}
    missing = [name for name in RGW_VARS if not settings.get(name)]
    if missing:
        pytest.fail(f"radosgw is not configured ({', '.join(missing)} unset): start it with "
                    "scripts/rgw-up.sh and export its env file (scripts/run-tests.sh does both)")
    try:
        requests.get(settings["BF_RGW_ENDPOINT"], timeout=5)
    except requests.RequestException as err:
        pytest.fail(f"radosgw at {settings['BF_RGW_ENDPOINT']} does not answer: {err}")
    return settings


def compact(doc) -> str:
    # radosgw does not decode '+' as a space in form bodies: policies go without spaces.
    return json.dumps(doc, separators=(",", ":"))


def boto_client(rgw: dict, service: str, key: str, secret: str, token: str | None = None, retries: int = 2):
    return boto3.client(
        service, endpoint_url=rgw["BF_RGW_ENDPOINT"], region_name=rgw["BF_RGW_REGION"],
        aws_access_key_id=key, aws_secret_access_key=secret, aws_session_token=token,
        config=botocore.config.Config(s3={"addressing_style": "path"}, retries={"max_attempts": retries},
                                      max_pool_connections=16))


def bucket_policy(bucket: str) -> dict:
    """Exactly DESIGN.md's policy: list the bucket; put, get and delete its objects."""
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": [f"arn:aws:s3:::{bucket}"]},
        {"Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"],
         "Resource": [f"arn:aws:s3:::{bucket}/*"]}]}


# DESIGN.md section 2: the CORS rule S3Setup.create() puts on every test bucket (as the owner).
DESIGN_CORS_RULES = [{"AllowedHeaders": ["*"], "AllowedMethods": ["GET"], "AllowedOrigins": ["*"],
                      "ExposeHeaders": [], "MaxAgeSeconds": 3600}]


class S3Setup:
    """A fresh bucket and a role that the tenant user may assume, with the bucket policy inline."""

    def __init__(self, rgw: dict):
        self.rgw = rgw
        suffix = uuid.uuid4().hex[:10]
        self.bucket = f"bf-e2e-{suffix}"
        self.role_name = f"bf-e2e-role-{suffix}"
        self.prefix = "teams/alpha"
        self.external_id = f"ext-{suffix}"
        self.admin_s3 = boto_client(rgw, "s3", rgw["BF_RGW_ADMIN_ACCESS_KEY"], rgw["BF_RGW_ADMIN_SECRET_KEY"])
        self.iam = boto_client(rgw, "iam", rgw["BF_RGW_ADMIN_ACCESS_KEY"], rgw["BF_RGW_ADMIN_SECRET_KEY"])
        self.role_arn = ""

    def create(self) -> None:
        self.admin_s3.create_bucket(Bucket=self.bucket)
        # DESIGN.md's rule: browsers may GET presigned URLs from any origin. Only the bucket owner
        # sets it; the role may not (test_s3_least_privilege.py).
        self.admin_s3.put_bucket_cors(Bucket=self.bucket, CORSConfiguration={"CORSRules": DESIGN_CORS_RULES})
        # radosgw never checks sts:ExternalId (docs/rgw.md), so the trust policy leaves it out.
        trust = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": [self.rgw["BF_RGW_TENANT_USER_ARN"]]},
            "Action": ["sts:AssumeRole"]}]}
        role = self.iam.create_role(RoleName=self.role_name, AssumeRolePolicyDocument=compact(trust))
        self.role_arn = role["Role"]["Arn"]
        self.iam.put_role_policy(RoleName=self.role_name, PolicyName="bucketflow-artifacts",
                                 PolicyDocument=compact(bucket_policy(self.bucket)))

    def role_s3(self, retries: int = 2):
        """S3 as the tenant with the role assumed: objects the server wrote belong to the tenant."""
        sts = boto_client(self.rgw, "sts", self.rgw["BF_RGW_TENANT_ACCESS_KEY"],
                          self.rgw["BF_RGW_TENANT_SECRET_KEY"])
        creds = sts.assume_role(RoleArn=self.role_arn, RoleSessionName="e2e-check")["Credentials"]
        return boto_client(self.rgw, "s3", creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"],
                           retries=retries)

    def admin_keys(self, prefix: str) -> list[str]:
        keys = []
        for page in self.admin_s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
            keys.extend(obj["Key"] for obj in page.get("Contents", []))
        return keys

    def empty_bucket(self) -> None:
        """Deletes every object and pending multipart upload. The owner may batch-delete the
        tenant's objects (radosgw checks bucket permissions for that), 1,000 keys a call; any key
        it cannot delete is deleted through the role, one call per key."""
        keys = self.admin_keys("")
        refused = []
        for start in range(0, len(keys), 1000):
            batch = [{"Key": key} for key in keys[start:start + 1000]]
            answer = self.admin_s3.delete_objects(Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True})
            refused += [err["Key"] for err in answer.get("Errors", [])]
        if refused:
            role_s3 = self.role_s3()
            for key in refused:
                role_s3.delete_object(Bucket=self.bucket, Key=key)
        uploads = self.admin_s3.list_multipart_uploads(Bucket=self.bucket).get("Uploads", [])
        for upload in uploads:
            self.admin_s3.abort_multipart_upload(Bucket=self.bucket, Key=upload["Key"], UploadId=upload["UploadId"])

    def destroy(self) -> None:
        try:
            self.empty_bucket()
            self.admin_s3.delete_bucket(Bucket=self.bucket)
        finally:
            self.iam.delete_role_policy(RoleName=self.role_name, PolicyName="bucketflow-artifacts")
            self.iam.delete_role(RoleName=self.role_name)

    def server_args(self, **overrides) -> list[str]:
        flags = {"--artifacts-destination": f"s3://{self.bucket}/{self.prefix}", "--role-arn": self.role_arn,
                 "--external-id": self.external_id, "--region": self.rgw["BF_RGW_REGION"],
                 "--s3-endpoint-url": self.rgw["BF_RGW_ENDPOINT"],
                 "--sts-endpoint-url": self.rgw["BF_RGW_ENDPOINT"], "--s3-addressing": "path"}
        flags.update(overrides)
        args = []
        for flag, value in flags.items():
            if value is not None:
                args += [flag, value]
        return args

    def server_env(self) -> dict:
        """Only the tenant's keys: the server must assume the role to reach the bucket."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(AWS_ACCESS_KEY_ID=self.rgw["BF_RGW_TENANT_ACCESS_KEY"],
                   AWS_SECRET_ACCESS_KEY=self.rgw["BF_RGW_TENANT_SECRET_KEY"],
                   AWS_EC2_METADATA_DISABLED="true",
                   AWS_SHARED_CREDENTIALS_FILE="/nonexistent", AWS_CONFIG_FILE="/nonexistent")
        return env


class S3ServerProcess(ServerProcess):
    """A `bucketflow server` whose artifacts live in S3: explicit flags and environment."""

    def __init__(self, workdir: str, args: list[str], env: dict):
        super().__init__(workdir)
        self.args = args
        self.env = env

    def command(self) -> list[str]:
        return [bucketflow_bin(), "server", "--host", "127.0.0.1", "--port", str(self.port),
                "--backend-store-uri", f"sqlite:///{self.db_path}", *self.args]

    def run_to_exit(self, timeout: float = STARTUP_TIMEOUT_S) -> tuple[int, str]:
        """For servers expected to refuse to start: the exit code and everything it printed."""
        result = subprocess.run(self.command(), capture_output=True, text=True, cwd=self.workdir,
                                env=self.env, timeout=timeout)
        return result.returncode, result.stdout + result.stderr


@pytest.fixture(scope="module")
def rgw() -> dict:
    return rgw_settings()


@pytest.fixture(scope="module")
def s3_setup(rgw):
    setup = S3Setup(rgw)
    setup.create()
    yield setup
    setup.destroy()


@pytest.fixture(scope="module")
def s3_server(s3_setup):
    with tempfile.TemporaryDirectory(prefix="bf-e2e-s3-") as tmp:
        srv = S3ServerProcess(tmp, s3_setup.server_args(), s3_setup.server_env())
        srv.start()
        yield srv
        code = srv.terminate()
        assert code == 0, f"server exited with {code} after SIGTERM:\n{srv.log_tail()}"

#!/usr/bin/python3
"""Smoke check for the radosgw that scripts/rgw-up.sh starts (S3 + IAM + STS).

Not a pytest module on purpose (no test_ prefix): it needs a running radosgw.
Run:  . "${TMPDIR:-/tmp}/bucketflow-rgw/env" && /usr/bin/python3 tests/e2e/rgw_smoke_check.py
Exits 0 when every step passed, 1 on the first failure (naming the step).
"""

import json
import os
import sys
import time
import uuid

import boto3
import botocore.config
import botocore.exceptions


def env(name):
    value = os.environ.get(name)
    if not value:
        sys.exit(f"rgw_smoke_check: {name} is not set; source the env file rgw-up.sh printed")
    return value


def client(service, access_key, secret_key, session_token=None):
    return boto3.client(
        service,
        endpoint_url=env("BF_RGW_ENDPOINT"),
        region_name=env("BF_RGW_REGION"),
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        aws_session_token=session_token,
        # No DNS wildcard for virtual-host buckets on loopback.
        config=botocore.config.Config(s3={"addressing_style": "path"},
                                      retries={"max_attempts": 1}),
    )


def compact(doc):
    # radosgw does not decode '+' as a space in form bodies, so policies must have no spaces.
    return json.dumps(doc, separators=(",", ":"))


def step(name, fn):
    started = time.monotonic()
    try:
        result = fn()
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError,
            AssertionError) as err:
        print(f"FAIL {name}: {err}")
        sys.exit(1)
    print(f"ok   {name} ({(time.monotonic() - started) * 1000:.0f} ms)")
    return result


def main():
    admin_key, admin_secret = env("BF_RGW_ADMIN_ACCESS_KEY"), env("BF_RGW_ADMIN_SECRET_KEY")
    tenant_key, tenant_secret = env("BF_RGW_TENANT_ACCESS_KEY"), env("BF_RGW_TENANT_SECRET_KEY")
    suffix = uuid.uuid4().hex[:8]
    bucket, role_name = f"smoke-{suffix}", f"smoke-role-{suffix}"
    s3 = client("s3", admin_key, admin_secret)
    iam = client("iam", admin_key, admin_secret)

    step("create bucket", lambda: s3.create_bucket(Bucket=bucket))
    step("put object", lambda: s3.put_object(Bucket=bucket, Key="a/b.txt", Body=b"hello"))
    body = step("get object", lambda: s3.get_object(Bucket=bucket, Key="a/b.txt")["Body"].read())
    step("object body matches", lambda: _check(body == b"hello", f"got {body!r}"))

    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": [env("BF_RGW_TENANT_USER_ARN")]},
        "Action": ["sts:AssumeRole"]}]}
    role = step("create role", lambda: iam.create_role(
        RoleName=role_name, AssumeRolePolicyDocument=compact(trust)))
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": [f"arn:aws:s3:::{bucket}"]},
        {"Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"],
         "Resource": [f"arn:aws:s3:::{bucket}/*"]}]}
    step("put role policy", lambda: iam.put_role_policy(
        RoleName=role_name, PolicyName="bucket-rw", PolicyDocument=compact(policy)))

    sts = client("sts", tenant_key, tenant_secret)
    creds = step("assume role as tenant", lambda: sts.assume_role(
        RoleArn=role["Role"]["Arn"], RoleSessionName="smoke")["Credentials"])
    temp = client("s3", creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
    step("put object with temporary credentials",
         lambda: temp.put_object(Bucket=bucket, Key="from-role.txt", Body=b"role"))
    got = step("get it back with temporary credentials",
               lambda: temp.get_object(Bucket=bucket, Key="from-role.txt")["Body"].read())
    step("role object body matches", lambda: _check(got == b"role", f"got {got!r}"))
    step("role policy denies other buckets", lambda: _expect_denied(
        lambda: temp.create_bucket(Bucket=f"{bucket}-other")))

    for key in ("a/b.txt", "from-role.txt"):
        step(f"delete {key}", lambda k=key: temp.delete_object(Bucket=bucket, Key=k))
    step("delete role policy", lambda: iam.delete_role_policy(RoleName=role_name,
                                                              PolicyName="bucket-rw"))
    step("delete role", lambda: iam.delete_role(RoleName=role_name))
    step("delete bucket", lambda: s3.delete_bucket(Bucket=bucket))
    print("all steps passed")


def _check(condition, message):
    assert condition, message


def _expect_denied(call):
    try:
        call()
    except botocore.exceptions.ClientError as err:
        status = err.response["ResponseMetadata"]["HTTPStatusCode"]
        assert status == 403, f"expected 403, got {status}"
        return
    raise AssertionError("expected AccessDenied, the call succeeded")


if __name__ == "__main__":
    main()

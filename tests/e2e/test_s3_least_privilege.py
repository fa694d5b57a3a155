"""The role the server assumes holds exactly DESIGN.md's policy, and radosgw enforces it: its
credentials reach the artifact bucket's objects and nothing else (another bucket, the bucket's
CORS). These calls go straight to radosgw with the role's credentials, as the server would.
"""
from __future__ import annotations

import uuid

import botocore.exceptions
import pytest

from s3_fixtures import DESIGN_CORS_RULES, rgw, s3_setup  # noqa: F401 (fixtures)


@pytest.fixture(scope="module")
def other_bucket(s3_setup):
    """A second bucket of the same owner, with one object in it."""
    name = f"bf-e2e-other-{uuid.uuid4().hex[:10]}"
    s3_setup.admin_s3.create_bucket(Bucket=name)
    s3_setup.admin_s3.put_object(Bucket=name, Key="secret.txt", Body=b"not for the role")
    yield name
    for key in ("secret.txt", "planted.txt"):
        s3_setup.admin_s3.delete_object(Bucket=name, Key=key)
    s3_setup.admin_s3.delete_bucket(Bucket=name)


@pytest.fixture(scope="module")
def role_s3(s3_setup):
    return s3_setup.role_s3(retries=1)


def error_code(call) -> str:
    with pytest.raises(botocore.exceptions.ClientError) as info:
        call()
    return info.value.response["Error"]["Code"] or str(info.value.response["ResponseMetadata"]["HTTPStatusCode"])


def test_role_works_on_its_own_bucket(role_s3, s3_setup):
    key = f"{s3_setup.prefix}/least-privilege/ok.txt"
    role_s3.put_object(Bucket=s3_setup.bucket, Key=key, Body=b"ok")
    assert role_s3.get_object(Bucket=s3_setup.bucket, Key=key)["Body"].read() == b"ok"
    listed = role_s3.list_objects_v2(Bucket=s3_setup.bucket, Prefix=f"{s3_setup.prefix}/least-privilege/")
    assert [o["Key"] for o in listed["Contents"]] == [key]
    role_s3.delete_object(Bucket=s3_setup.bucket, Key=key)


def test_second_bucket_cannot_be_listed_read_or_written(role_s3, s3_setup, other_bucket):
    assert error_code(lambda: role_s3.list_objects_v2(Bucket=other_bucket)) == "AccessDenied"
    assert error_code(lambda: role_s3.get_object(Bucket=other_bucket, Key="secret.txt")) == "AccessDenied"
    # HEAD answers carry no body: the status is all there is.
    assert error_code(lambda: role_s3.head_object(Bucket=other_bucket, Key="secret.txt")) == "403"
    assert error_code(lambda: role_s3.put_object(Bucket=other_bucket, Key="planted.txt", Body=b"x")) == "AccessDenied"
    assert error_code(lambda: role_s3.delete_object(Bucket=other_bucket, Key="secret.txt")) == "AccessDenied"
    # Nothing changed there (checked with the owner's keys).
    keys = [o["Key"] for o in s3_setup.admin_s3.list_objects_v2(Bucket=other_bucket).get("Contents", [])]
    assert keys == ["secret.txt"]
    assert s3_setup.admin_s3.get_object(Bucket=other_bucket, Key="secret.txt")["Body"].read() == b"not for the role"


def test_bucket_cors_cannot_be_changed_or_read_by_the_role(role_s3, s3_setup):
    wide_open = [{"AllowedHeaders": ["*"], "AllowedMethods": ["GET", "PUT", "DELETE"], "AllowedOrigins": ["*"]}]
    code = error_code(lambda: role_s3.put_bucket_cors(Bucket=s3_setup.bucket,
                                                      CORSConfiguration={"CORSRules": wide_open}))
    assert code == "AccessDenied"
    assert error_code(lambda: role_s3.delete_bucket_cors(Bucket=s3_setup.bucket)) == "AccessDenied"
    assert error_code(lambda: role_s3.get_bucket_cors(Bucket=s3_setup.bucket)) == "AccessDenied"
    # The owner's rule (DESIGN.md) is still the one in force. radosgw leaves out an empty list.
    rules = s3_setup.admin_s3.get_bucket_cors(Bucket=s3_setup.bucket)["CORSRules"]
    expected = [{k: v for k, v in rule.items() if v != []} for rule in DESIGN_CORS_RULES]
    assert [{k: v for k, v in rule.items() if v != []} for rule in rules] == expected


def test_role_cannot_create_buckets_or_policies(role_s3, s3_setup):
    name = f"bf-e2e-rogue-{uuid.uuid4().hex[:8]}"
    assert error_code(lambda: role_s3.create_bucket(Bucket=name)) == "AccessDenied"
    assert error_code(lambda: role_s3.put_bucket_policy(
        Bucket=s3_setup.bucket, Policy='{"Version":"2012-10-17","Statement":[]}')) == "AccessDenied"
    assert error_code(lambda: role_s3.list_buckets()) == "AccessDenied"

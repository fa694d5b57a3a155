"""Makes (and removes) what the browser's S3 suite needs, reusing tests/e2e/s3_fixtures.py:
a radosgw bucket with DESIGN.md's CORS rule and a role the server assumes.

    python3 s3_helper.py create            -> JSON {bucket, role_name, server_args, server_env, endpoint}
    python3 s3_helper.py destroy BUCKET ROLE_NAME
Reads the BF_RGW_* settings like the pytest suites (environment or $BF_RGW_ENV_FILE).
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "e2e"))

from s3_fixtures import S3Setup, rgw_settings  # noqa: E402


def main() -> int:
    rgw = rgw_settings()
    if sys.argv[1:2] == ["create"]:
        setup = S3Setup(rgw)
        setup.create()
        env = setup.server_env()
        print(json.dumps({"bucket": setup.bucket, "role_name": setup.role_name,
                          "server_args": setup.server_args(), "endpoint": rgw["BF_RGW_ENDPOINT"],
                          "server_env": {k: v for k, v in env.items() if k.startswith("AWS_")}}))
        return 0
    if sys.argv[1:2] == ["destroy"] and len(sys.argv) == 4:
        setup = S3Setup(rgw)
        setup.bucket, setup.role_name = sys.argv[2], sys.argv[3]
        setup.destroy()
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env bash
# Runs every test suite against a built tree and ends with one line "N passed, N failed".
# Usage: scripts/run-tests.sh BUILD_DIR
# Starts (and stops) whatever real components the suites need through the scripts in scripts/:
# a private radosgw (scripts/rgw-up.sh) for the S3 end-to-end tests, always stopped and purged
# on exit. If it cannot start, the S3 tests fail (they never skip).
set -uo pipefail
build_dir=$(realpath "${1:?usage: run-tests.sh BUILD_DIR}")
root=$(cd "$(dirname "$0")/.." && pwd)
out_dir="$root/test-output"
mkdir -p "$out_dir"

passed=0
failed=0

# C++ unit and integration tests.
ctest --test-dir "$build_dir" --output-on-failure -j 2 --output-junit "$out_dir/ctest.xml" \
  | tee "$out_dir/ctest.log"
ctest_total=$(grep -oE 'tests passed, [0-9]+ tests failed out of [0-9]+' "$out_dir/ctest.log" \
  | grep -oE '[0-9]+$' || echo 0)
ctest_failed=$(grep -oE '[0-9]+ tests failed out of' "$out_dir/ctest.log" | grep -oE '^[0-9]+' || echo 0)
if [[ -z "$ctest_total" || "$ctest_total" == 0 ]]; then
  echo "run-tests: ctest ran no tests" >&2
  ctest_failed=1
  ctest_total=1
fi
passed=$((passed + ctest_total - ctest_failed))
failed=$((failed + ctest_failed))

# radosgw for the S3 suites (tests/e2e/test_s3_*.py, test_bucket_*.py, web/e2e), in its own directory and on free ports so that it
# never collides with a developer's cluster (rgw-up.sh's default directory and ports).
rgw_dir="${BF_RGW_TEST_DIR:-$(mktemp -d -u "${TMPDIR:-/tmp}/bucketflow-rgw-tests.XXXXXX")}"
free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
stop_rgw() {
  [[ -d $rgw_dir ]] || return 0
  "$root/scripts/rgw-down.sh" "$rgw_dir" --purge >"$out_dir/rgw-down.log" 2>&1 \
    || echo "run-tests: rgw-down.sh failed; see $out_dir/rgw-down.log" >&2
}
trap stop_rgw EXIT
# Short STS sessions let tests/e2e/test_s3_credentials.py watch credentials expire mid-upload.
if BF_RGW_PORT="${BF_RGW_PORT:-$(free_port)}" BF_RGW_MON_PORT="${BF_RGW_MON_PORT:-$(free_port)}" \
    BF_RGW_STS_MIN_DURATION="${BF_RGW_STS_MIN_DURATION:-2}" BF_RGW_MEMSTORE_BYTES="${BF_RGW_MEMSTORE_BYTES:-4294967296}" \
    "$root/scripts/rgw-up.sh" "$rgw_dir" >"$out_dir/rgw-up.log" 2>&1; then
  # shellcheck disable=SC1091
  . "$rgw_dir/env"
  export BF_RGW_ENV_FILE="$rgw_dir/env"
else
  tail -n 20 "$out_dir/rgw-up.log" >&2
  echo "run-tests: radosgw did not start; the S3 tests will fail" >&2
  # Never let the tests fall back to some other cluster's env file.
  unset BF_RGW_ENDPOINT
  export BF_RGW_ENV_FILE=/nonexistent
fi

# End-to-end tests: the built server over HTTP.
export BUCKETFLOW_BIN="$build_dir/src/cli/bucketflow"
/usr/bin/python3 -m pytest -q -p no:cacheprovider "$root/tests/e2e" \
  --junitxml="$out_dir/e2e.xml" 2>&1 | tee "$out_dir/e2e.log"
e2e_line=$(tail -n 1 "$out_dir/e2e.log")
e2e_passed=$(grep -oE '[0-9]+ passed' <<<"$e2e_line" | grep -oE '[0-9]+' || echo 0)
e2e_failed=$(grep -oE '[0-9]+ (failed|error|errors)' <<<"$e2e_line" | awk '{s += $1} END {print s + 0}')
if [[ "$e2e_passed" == 0 && "${e2e_failed:-0}" == 0 ]]; then
  echo "run-tests: pytest ran no tests" >&2
  e2e_failed=1
fi
passed=$((passed + e2e_passed))
failed=$((failed + ${e2e_failed:-0}))

# Web UI: unit tests (vitest), then the browser suite (chromium) against a real server, local
# and S3 (this radosgw). BF_UI_BUCKETFLOW_BIN picks the server for the browser suite (make test
# passes the release build, whose paint times are what users see); default: the tested build.
strip_ansi() { sed 's/\x1b\[[0-9;]*m//g'; }
(cd "$root/web" && npm exec --no -- vitest run) 2>&1 | tee "$out_dir/vitest.log"
vitest_line=$(strip_ansi <"$out_dir/vitest.log" | grep -E '^ *Tests +[0-9]' | tail -n 1)
vitest_passed=$(grep -oE '[0-9]+ passed' <<<"$vitest_line" | grep -oE '[0-9]+' || echo 0)
vitest_failed=$(grep -oE '[0-9]+ failed' <<<"$vitest_line" | grep -oE '[0-9]+' || echo 0)
if [[ "$vitest_passed" == 0 && "$vitest_failed" == 0 ]]; then
  echo "run-tests: vitest ran no tests" >&2
  vitest_failed=1
fi
ui_bin=$(realpath "${BF_UI_BUCKETFLOW_BIN:-$BUCKETFLOW_BIN}")
(cd "$root/web" && BUCKETFLOW_BIN="$ui_bin" node e2e/run.mjs) 2>&1 \
  | tee "$out_dir/ui-e2e.log"
ui_line=$(grep -E '^ui-e2e: [0-9]+ passed, [0-9]+ failed' "$out_dir/ui-e2e.log" | tail -n 1)
ui_passed=$(grep -oE '[0-9]+ passed' <<<"$ui_line" | grep -oE '[0-9]+' || echo 0)
ui_failed=$(grep -oE '[0-9]+ failed' <<<"$ui_line" | grep -oE '[0-9]+' || echo 0)
if [[ -z "$ui_line" ]]; then
  echo "run-tests: the browser suite did not finish" >&2
  ui_failed=1
fi
passed=$((passed + vitest_passed + ui_passed))
failed=$((failed + vitest_failed + ui_failed))

echo "${passed} passed, ${failed} failed"
[[ $failed -eq 0 ]]

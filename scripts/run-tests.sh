#!/usr/bin/env bash
# Runs every test suite against a built tree and ends with one line "N passed, N failed".
# Usage: scripts/run-tests.sh BUILD_DIR
# Starts (and stops) whatever real components the suites need; each suite that needs a
# component starts it itself through the scripts in scripts/.
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

echo "${passed} passed, ${failed} failed"
[[ $failed -eq 0 ]]

#!/usr/bin/env bash
# Installs every Debian package the build, the tests and `make serve` need, and only what is
# missing (a no-op on a machine that has them). Debian 12, as root.
set -euo pipefail

build_pkgs=(
  g++ cmake ninja-build make pkg-config git
  libboost1.81-dev libboost-json1.81-dev libboost-system1.81-dev
  libssl-dev libcurl4-openssl-dev libsqlite3-dev libpq-dev libpugixml-dev libargon2-dev
  libspdlog-dev libfmt-dev libcli11-dev libgtest-dev libgmock-dev libbenchmark-dev
)
# chromium: the web UI's browser tests drive Debian's build (playwright-core never downloads one).
test_pkgs=(python3 python3-pytest python3-requests python3-boto3 python3-botocore clang-format chromium)

want=("${build_pkgs[@]}")
# The web UI builds with Node.js 18+ and npm; a node installed some other way (nodesource, nvm) is
# used as it is.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  want+=(nodejs npm)
fi
if [[ "${1:-}" == "--test" ]]; then
  want+=("${test_pkgs[@]}")
fi

missing=()
for pkg in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: missing packages: ${missing[*]} (run as root, or install them)" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"

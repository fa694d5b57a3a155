#!/usr/bin/env bash
# rgw-down.sh [DIR] [--purge] — stop the daemons that rgw-up.sh started in DIR.
#
# Only pids from DIR/run/*.pid whose command line names DIR/ceph.conf are signalled: SIGTERM
# first, SIGKILL after a timeout. --purge then deletes DIR, but only if rgw-up.sh made it.
set -euo pipefail

readonly MARKER=.bucketflow-rgw
readonly RGW_NAME=client.rgw.bf

die() { echo "rgw-down: error: $*" >&2; exit 1; }

# Prints the pid in DIR/run/NAME.pid if that process is alive and runs with our ceph.conf.
our_pid() {
  local pid_file=$DIR/run/$1.pid pid
  [[ -s $pid_file ]] || return 1
  pid=$(<"$pid_file")
  [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$CONF" || return 1
  echo "$pid"
}

# stop_all TIMEOUT_SECONDS NAME... : SIGTERM them together, wait, SIGKILL whatever is left.
stop_all() {
  local timeout=$1 name pid waited
  shift
  local -A pids=()
  for name in "$@"; do
    pid=$(our_pid "$name") || continue
    pids[$name]=$pid
    kill -TERM "$pid" 2>/dev/null || true
  done
  for name in "${!pids[@]}"; do
    pid=${pids[$name]}
    for ((waited = 0; waited < timeout * 20; waited++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.05
    done
    if kill -0 "$pid" 2>/dev/null; then
      kill -KILL "$pid" 2>/dev/null || true
      echo "rgw-down: $name (pid $pid) needed SIGKILL after ${timeout}s" >&2
    else
      echo "rgw-down: $name (pid $pid) stopped" >&2
    fi
    rm -f "$DIR/run/$name.pid"
  done
}

main() {
  local purge=0 arg
  DIR=${TMPDIR:-/tmp}/bucketflow-rgw
  for arg in "$@"; do
    case $arg in
      --purge) purge=1 ;;
      -*) die "unknown option $arg (usage: rgw-down.sh [DIR] [--purge])" ;;
      *) DIR=$arg ;;
    esac
  done
  if [[ ! -d $DIR ]]; then
    echo "rgw-down: $DIR does not exist; nothing to stop" >&2
    return 0
  fi
  DIR=$(cd "$DIR" && pwd)
  CONF=$DIR/ceph.conf
  [[ -e $DIR/$MARKER ]] || die "$DIR was not made by rgw-up.sh; not touching it"

  # radosgw first: it hangs for many seconds if the mon and OSD disappear underneath it.
  stop_all 4 "$RGW_NAME"
  stop_all 8 osd.0 mon.a

  if ((purge)); then
    rm -rf "${DIR:?}"
    echo "rgw-down: removed $DIR" >&2
  fi
}

main "$@"

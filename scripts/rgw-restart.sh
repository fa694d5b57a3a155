#!/usr/bin/env bash
# rgw-restart.sh DIR [stop|start|restart] — stop and/or start only the radosgw daemon of a
# cluster that rgw-up.sh built in DIR, leaving the mon and the OSD (and so every bucket, user and
# role) in place. The fault tests use it to take S3 away in the middle of an upload.
#
#   stop     SIGTERM radosgw (SIGKILL after 4 s) and wait until its port refuses connections
#   start    start radosgw exactly as rgw-up.sh does and wait until it answers (default 30 s)
#   restart  both (the default)
#
# Only a pid from DIR/run/client.rgw.bf.pid whose command line names DIR/ceph.conf is signalled.
set -euo pipefail

readonly MARKER=.bucketflow-rgw
readonly RGW_NAME=client.rgw.bf

die() { echo "rgw-restart: error: $*" >&2; exit 1; }

# Prints radosgw's pid if it is alive and runs with our ceph.conf (pid reuse guard).
rgw_pid() {
  local pid_file=$DIR/run/$RGW_NAME.pid pid
  [[ -s $pid_file ]] || return 1
  pid=$(<"$pid_file")
  [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$CONF" || return 1
  echo "$pid"
}

rgw_answers() { curl -fsS -o /dev/null --max-time 1 "$ENDPOINT/" 2>/dev/null; }

stop_rgw() {
  local pid waited
  if ! pid=$(rgw_pid); then
    echo "rgw-restart: radosgw is not running" >&2
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for ((waited = 0; waited < 80; waited++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
    echo "rgw-restart: radosgw (pid $pid) needed SIGKILL" >&2
  fi
  rm -f "$DIR/run/$RGW_NAME.pid"
  # The listening socket goes with the process; make sure before telling the caller it is down.
  for ((waited = 0; waited < 100; waited++)); do
    rgw_answers || { echo "rgw-restart: radosgw (pid $pid) stopped" >&2; return 0; }
    sleep 0.05
  done
  die "radosgw still answers on $ENDPOINT after it was stopped"
}

start_rgw() {
  if rgw_pid >/dev/null && rgw_answers; then
    echo "rgw-restart: radosgw already running" >&2
    return 0
  fi
  # 9>&-: the daemon must not inherit (and hold) the lock fd.
  radosgw -c "$CONF" -n "$RGW_NAME" 9>&- || die "radosgw did not start; see $DIR/log/$RGW_NAME.log"
  local tries
  for ((tries = 0; tries < 300; tries++)); do
    rgw_answers && { echo "rgw-restart: radosgw answering on $ENDPOINT" >&2; return 0; }
    sleep 0.1
  done
  die "radosgw not answering on $ENDPOINT after 30 s; see $DIR/log/$RGW_NAME.log"
}

main() {
  DIR=${1:?usage: rgw-restart.sh DIR [stop|start|restart]}
  local action=${2:-restart}
  [[ -d $DIR ]] || die "$DIR does not exist"
  DIR=$(cd "$DIR" && pwd)
  CONF=$DIR/ceph.conf
  [[ -e $DIR/$MARKER && -s $DIR/env ]] || die "$DIR was not made by rgw-up.sh"
  ENDPOINT=$(sed -n 's/^export BF_RGW_ENDPOINT=//p' "$DIR/env")
  [[ -n $ENDPOINT ]] || die "$DIR/env names no BF_RGW_ENDPOINT"

  exec 9>"$DIR/.lock"
  flock -w 120 9 || die "another rgw script holds $DIR/.lock (waited 120 s)"
  case $action in
    stop) stop_rgw ;;
    start) start_rgw ;;
    restart) stop_rgw && start_rgw ;;
    *) die "unknown action $action (stop, start or restart)" ;;
  esac
}

main "$@"

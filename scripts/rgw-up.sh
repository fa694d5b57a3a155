#!/usr/bin/env bash
# rgw-up.sh [DIR] — start a throwaway single-node Ceph cluster (1 mon, 1 memstore OSD, radosgw)
# on 127.0.0.1 that serves S3, STS and IAM for Bucketflow's integration tests.
#
# DIR defaults to ${TMPDIR:-/tmp}/bucketflow-rgw. Settings (environment):
#   BF_RGW_PORT           S3/STS/IAM port             (default 17580)
#   BF_RGW_MON_PORT       monitor (msgr2) port         (default 13400)
#   BF_RGW_MEMSTORE_BYTES OSD capacity, kept in RAM    (default 2 GiB)
#   BF_RGW_DEBUG          radosgw log level            (default 1/5; 10 logs STS request bodies)
#   BF_RGW_STS_MIN_DURATION  smallest AssumeRole DurationSeconds (default 900, as on AWS)
#
# Prints `export ...` lines and writes them to DIR/env. Re-running while the cluster is up only
# prints them again. memstore keeps nothing, so a cluster that is down is rebuilt empty (apart
# from the users "admin" and "tenant"). Stop it with scripts/rgw-down.sh DIR.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
readonly SCRIPT_DIR
readonly RGW_PORT=${BF_RGW_PORT:-17580}
readonly MON_PORT=${BF_RGW_MON_PORT:-13400}
readonly MEMSTORE_BYTES=${BF_RGW_MEMSTORE_BYTES:-2147483648}
readonly RGW_NAME=client.rgw.bf
readonly MARKER=.bucketflow-rgw

# Fixed test-only keys: this cluster is private to one machine's loopback and holds no real data.
readonly ADMIN_ACCESS_KEY=BFADMINACCESSKEY0001
readonly ADMIN_SECRET_KEY=bfadminsecretkey00000000000000000000001
readonly TENANT_ACCESS_KEY=BFTENANTACCESSKEY001
readonly TENANT_SECRET_KEY=bftenantsecretkey0000000000000000000001
# radosgw encrypts session tokens with AES-128, so this must be exactly 16 bytes.
readonly STS_KEY=bfstskey01234567

START_NS=$(date +%s%N)
readonly START_NS
say() { printf 'rgw-up [%6.2fs] %s\n' "$(( $(date +%s%N) - START_NS ))e-9" "$*" >&2; }
die() { echo "rgw-up: error: $*" >&2; exit 1; }

install_missing_packages() {
  local missing=() cmd pkg
  for pair in ceph-mon:ceph-mon ceph-osd:ceph-osd radosgw:radosgw ceph:ceph-common \
              uuidgen:uuid-runtime curl:curl flock:util-linux; do
    cmd=${pair%%:*}
    pkg=${pair#*:}
    command -v "$cmd" >/dev/null || missing+=("$pkg")
  done
  ((${#missing[@]} == 0)) && return 0
  [[ $(id -u) -eq 0 ]] || die "missing packages ${missing[*]}; run as root or install them"
  say "installing ${missing[*]}"
  local apt_log
  apt_log=$(mktemp)
  # Other jobs may hold the dpkg lock; wait for it instead of failing.
  export DEBIAN_FRONTEND=noninteractive
  if ! { apt-get -o DPkg::Lock::Timeout=600 update &&
         apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${missing[@]}"; } \
       >"$apt_log" 2>&1; then
    tail -n 20 "$apt_log" >&2
    die "apt-get install failed (full log: $apt_log)"
  fi
  rm -f "$apt_log"
  say "packages installed"
}

# True if DIR/run/NAME.pid names a live process started with our ceph.conf (pid reuse guard).
is_ours() {
  local pid_file=$DIR/run/$1.pid pid
  [[ -s $pid_file ]] || return 1
  pid=$(<"$pid_file")
  [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$CONF"
}

rgw_answers() { curl -fsS -o /dev/null --max-time "${1:-2}" "$ENDPOINT/" 2>/dev/null; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

write_env() {
  cat >"$DIR/env" <<EOF
export BF_RGW_DIR=$DIR
export BF_RGW_CEPH_CONF=$CONF
export BF_RGW_ENDPOINT=$ENDPOINT
export BF_RGW_REGION=us-east-1
export BF_RGW_ADMIN_ACCESS_KEY=$ADMIN_ACCESS_KEY
export BF_RGW_ADMIN_SECRET_KEY=$ADMIN_SECRET_KEY
export BF_RGW_TENANT_ACCESS_KEY=$TENANT_ACCESS_KEY
export BF_RGW_TENANT_SECRET_KEY=$TENANT_SECRET_KEY
export BF_RGW_TENANT_USER_ARN=arn:aws:iam:::user/tenant
EOF
  cat "$DIR/env"
}

prepare_dir() {
  # Never wipe a directory this script did not create.
  local entries
  entries=$(find "$DIR" -mindepth 1 -maxdepth 1 ! -name .lock -print -quit)
  if [[ -n $entries && ! -e $DIR/$MARKER ]]; then
    die "$DIR is not empty and was not made by rgw-up.sh; choose another DIR"
  fi
  if [[ -e $DIR/$MARKER ]]; then
    "$SCRIPT_DIR/rgw-down.sh" "$DIR" >/dev/null 2>&1 || true
  fi
  rm -rf "${DIR:?}"/{mon,osd,run,log,rgw,keyring,monmap,ceph.conf,env}
  local port
  for port in "$MON_PORT" "$RGW_PORT"; do
    port_in_use "$port" && die "127.0.0.1:$port is in use; set BF_RGW_PORT / BF_RGW_MON_PORT"
  done
  mkdir -p "$DIR"/{mon/ceph-a,osd/ceph-0,run,log,rgw}
  touch "$DIR/$MARKER"
}

write_conf() {
  cat >"$CONF" <<EOF
[global]
fsid = $1
mon initial members = a
mon host = [v2:127.0.0.1:$MON_PORT]
public addr = 127.0.0.1
cluster addr = 127.0.0.1
public network = 127.0.0.0/8
cluster network = 127.0.0.0/8
ms bind msgr1 = false
ms bind ipv6 = false
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
keyring = $DIR/keyring
run dir = $DIR/run
admin socket = $DIR/run/\$name.asok
pid file = $DIR/run/\$name.pid
log file = $DIR/log/\$name.log
mon data = $DIR/mon/\$cluster-\$id
osd data = $DIR/osd/\$cluster-\$id
osd objectstore = memstore
memstore device bytes = $MEMSTORE_BYTES
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon warn on pool no redundancy = false
# The mon shuts itself down on a nearly full disk by default; tests run on busy machines.
mon data avail warn = 1
mon data avail crit = 0
# Pool creation waits on paxos; the 1 s default makes radosgw's first start take ~9 s.
paxos propose interval = 0.05
paxos min wait = 0.01
osd fast shutdown notify mon = false

[$RGW_NAME]
# Without tcp_nodelay every request on a keep-alive connection stalls ~40 ms.
rgw frontends = beast endpoint=127.0.0.1:$RGW_PORT tcp_nodelay=1
debug rgw = ${BF_RGW_DEBUG:-1/5}
rgw data = $DIR/rgw
rgw sts key = $STS_KEY
rgw s3 auth use sts = true
rgw sts min session duration = ${BF_RGW_STS_MIN_DURATION:-900}
# radosgw frees a deleted object's data after 2 hours by default; memstore keeps it in RAM, so
# repeated large-upload suites would fill the OSD (radosgw then hangs on writes). Reclaim soon.
rgw gc obj min wait = 30
rgw gc processor period = 30
EOF
}

# mon --mkfs imports every key (with its caps) from one keyring, so no `ceph auth` calls are needed.
write_keyring() {
  local keyring=$DIR/keyring
  ceph-authtool "$keyring" --create-keyring --gen-key -n mon. --cap mon 'allow *' >/dev/null
  ceph-authtool "$keyring" --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' \
    --cap mgr 'allow *' --cap mds 'allow *' >/dev/null
  ceph-authtool "$keyring" --gen-key -n osd.0 --cap mon 'allow profile osd' \
    --cap mgr 'allow profile osd' --cap osd 'allow *' >/dev/null
  ceph-authtool "$keyring" --gen-key -n "$RGW_NAME" --cap mon 'allow rw' --cap osd 'allow rwx' \
    --cap mgr 'allow rw' >/dev/null
}

# Daemons get 9>&- so they do not inherit the lock fd and hold the lock after we exit.
start_daemons() {
  local fsid=$1 osd_uuid
  osd_uuid=$(uuidgen)
  monmaptool --create --addv a "[v2:127.0.0.1:$MON_PORT]" --fsid "$fsid" "$DIR/monmap" \
    >/dev/null || die "monmaptool failed"
  ceph-mon -c "$CONF" --mkfs -i a --monmap "$DIR/monmap" --keyring "$DIR/keyring" \
    >>"$DIR/log/setup.log" 2>&1 || die "ceph-mon --mkfs failed; see $DIR/log/setup.log"
  ceph-mon -c "$CONF" -i a 9>&- || die "ceph-mon did not start; see $DIR/log/mon.a.log"
  say "mon started"
  ceph -c "$CONF" --connect-timeout 30 osd new "$osd_uuid" 0 >>"$DIR/log/setup.log" 2>&1 \
    || die "mon did not answer 'osd new'; see $DIR/log/mon.a.log"
  ceph-osd -c "$CONF" -i 0 --mkfs --osd-uuid "$osd_uuid" >>"$DIR/log/setup.log" 2>&1 \
    || die "ceph-osd --mkfs failed; see $DIR/log/setup.log"
  ceph-osd -c "$CONF" -i 0 9>&- >>"$DIR/log/setup.log" 2>&1 \
    || die "ceph-osd did not start; see $DIR/log/osd.0.log"
  say "osd started"
  radosgw -c "$CONF" -n "$RGW_NAME" 9>&- || die "radosgw did not start; see $DIR/log/$RGW_NAME.log"
}

# The first start creates radosgw's pools, which takes a few seconds.
wait_for_rgw() {
  local tries
  for tries in $(seq 1 600); do
    rgw_answers 1 && { say "radosgw answering on $ENDPOINT"; return 0; }
    if ((tries > 30)) && ! is_ours "$RGW_NAME"; then
      die "radosgw exited; see $DIR/log/$RGW_NAME.log"
    fi
    sleep 0.1
  done
  die "radosgw not answering on $ENDPOINT after 60 s; see $DIR/log/$RGW_NAME.log"
}

create_users() {
  local admin=(radosgw-admin -c "$CONF" -n client.admin)
  # IAM role and policy calls need these caps; without them radosgw answers 403.
  "${admin[@]}" user create --uid=admin --display-name=Admin \
    --access-key="$ADMIN_ACCESS_KEY" --secret-key="$ADMIN_SECRET_KEY" \
    --caps="roles=*;users=*;user-policy=*;buckets=*;metadata=*;usage=*;oidc-provider=*" \
    >/dev/null || die "could not create user admin"
  "${admin[@]}" user create --uid=tenant --display-name=Tenant \
    --access-key="$TENANT_ACCESS_KEY" --secret-key="$TENANT_SECRET_KEY" >/dev/null \
    || die "could not create user tenant"
  say "users admin and tenant created"
}

main() {
  DIR=${1:-${TMPDIR:-/tmp}/bucketflow-rgw}
  install_missing_packages
  mkdir -p "$DIR" || die "cannot create $DIR"
  DIR=$(cd "$DIR" && pwd)
  CONF=$DIR/ceph.conf
  ENDPOINT=http://127.0.0.1:$RGW_PORT

  exec 9>"$DIR/.lock"
  flock -w 120 9 || die "another rgw-up.sh holds $DIR/.lock (waited 120 s)"

  if is_ours mon.a && is_ours osd.0 && is_ours "$RGW_NAME" && rgw_answers 2; then
    say "already running"
    write_env
    return 0
  fi
  prepare_dir
  local fsid
  fsid=$(uuidgen)
  write_conf "$fsid"
  write_keyring
  start_daemons "$fsid"
  wait_for_rgw
  create_users
  say "up; stop with: $SCRIPT_DIR/rgw-down.sh $DIR"
  write_env
}

main "$@"

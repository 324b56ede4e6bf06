#!/usr/bin/env bash
# Installer (tools/README.md contract): a local Docker engine for the engine tests and benchmarks (idempotent, CI-safe).
#
# - If `docker info` already answers, do nothing.
# - Otherwise install Debian's docker.io (+ debootstrap, used by standins.sh) if missing,
#   and start dockerd with settings that work on these sandboxes: vfs storage (no
#   overlayfs needed), no bridge and no iptables (containers run with --network none
#   or --network host only).
#
# Env:
#   DOCKERD_LOG      log file of dockerd (default /tmp/projen-containers-dockerd.log)
#   DOCKERD_WAIT     seconds to wait for the daemon (default 60)
#   ENGINE_CACHE     the lock's folder (default /var/cache/projen-containers-docker-engine; the packages are apt's)
#
# Logs the client/daemon versions on stderr; its last line on stdout is the engine's socket. After running,
# `docker` on PATH talks to the daemon (API version negotiation; see test/e2e/NOTES.md).
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
LOG="${DOCKERD_LOG:-/tmp/projen-containers-dockerd.log}"
WAIT="${DOCKERD_WAIT:-60}"
CACHE="${ENGINE_CACHE:-/var/cache/projen-containers-docker-engine}"
SOCKET="${DOCKER_HOST:-unix:///var/run/docker.sock}"

log() { echo "[docker-engine] $*" >&2; }
die() { echo "[docker-engine] ERROR: $*" >&2; exit 1; }
versions() { docker version --format 'client {{.Client.Version}} (API {{.Client.APIVersion}}), server {{.Server.Version}} (API {{.Server.APIVersion}})' >&2 || true; }

# One start at a time: a second caller (bench:build beside e2e) waits here, then finds the engine answering.
mkdir -p "$CACHE"
exec 9>"$CACHE/install.lock"
flock 9

if docker info >/dev/null 2>&1; then
  log "docker engine already answers; nothing to do"
  versions
  echo "${SOCKET#unix://}"
  exit 0
fi

[ "$(id -u)" = 0 ] || die "must run as root to install and start dockerd"

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then
    log "apt-get update"
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    apt_updated=1
  fi
  log "apt-get install -y $*"
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "$@" >/dev/null
}

missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
if [ "${#missing[@]}" -gt 0 ]; then
  apt_install "${missing[@]}"
fi
command -v dockerd >/dev/null 2>&1 || die "dockerd not found after installing docker.io"

# A client binary may exist at /usr/local/bin/docker (newer than Debian's daemon).
# API version negotiation normally makes them talk; if not, we fall back below.

if pgrep -x dockerd >/dev/null 2>&1; then
  log "a dockerd process already runs (pid $(pgrep -x dockerd | tr '\n' ' ')); waiting for it"
else
  log "starting dockerd (log: $LOG)"
  # setsid + nohup: the daemon outlives this script and its shell; without the lock's descriptor (9) nor any other
  # it inherited (a caller's `flock /work/heavy.lock ...` lock), which it would otherwise hold for its whole life.
  (
    for fd in /proc/self/fd/*; do fd=${fd##*/}; if [ "$fd" -gt 2 ]; then eval "exec $fd>&-" 2>/dev/null || true; fi; done
    exec setsid nohup dockerd \
      --storage-driver=vfs \
      --bridge=none \
      --iptables=false \
      --ip6tables=false \
      >"$LOG" 2>&1 </dev/null
  ) &
  started=$!
fi

i=0
until docker info >/dev/null 2>&1; do
  i=$((i + 1))
  if [ "$i" -ge "$WAIT" ]; then
    # The daemon may be up but the client may fail to talk to it: try Debian's client.
    if [ -x /usr/bin/docker ] && /usr/bin/docker info >/dev/null 2>&1; then
      die "dockerd answers /usr/bin/docker but not '$(command -v docker)': put /usr/bin first on PATH or set DOCKER_API_VERSION"
    fi
    log "last lines of $LOG:"
    tail -n 30 "$LOG" >&2 || true
    die "docker engine did not answer within ${WAIT}s"
  fi
  # Alive: the process started above (setsid and nohup exec into dockerd, so its pid is dockerd's, but only once
  # they have: `pgrep -x dockerd` right after the start can miss it), or any dockerd.
  if ! { [ -n "${started:-}" ] && kill -0 "$started" 2>/dev/null; } && ! pgrep -x dockerd >/dev/null 2>&1; then
    log "dockerd exited; last lines of $LOG:"
    tail -n 30 "$LOG" >&2 || true
    die "dockerd failed to start"
  fi
  sleep 1
done

log "docker engine is up after ~${i}s"
versions
echo "${SOCKET#unix://}"

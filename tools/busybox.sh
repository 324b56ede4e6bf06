#!/usr/bin/env bash
# Installer (tools/README.md contract): prints the path of a BusyBox binary, so the tests can run the generated start
# scripts with BusyBox ash (Alpine's /bin/sh) beside dash: Debian's busybox unpacked (dpkg -x, nothing installed)
# into $BUSYBOX_CACHE (default /var/cache/projen-containers-busybox), downloaded once with `apt-get download` (runs
# `apt-get update` first when the package is unknown).
set -euo pipefail
cache=${BUSYBOX_CACHE:-/var/cache/projen-containers-busybox}
bin="$cache/root/bin/busybox"
mkdir -p "$cache"
# One download at a time per cache (jest's workers may ask at once): a second caller waits, then finds it unpacked.
exec 9>"$cache/install.lock"
flock 9
if [ ! -x "$bin" ]; then
  mkdir -p "$cache/debs" "$cache/root"
  cd "$cache/debs"
  if ! apt-get download busybox >/dev/null 2>&1; then
    apt-get update >/dev/null
    apt-get download busybox >/dev/null
  fi
  for deb in ./*.deb; do dpkg -x "$deb" "$cache/root"; done
fi
"$bin" true || { echo "busybox: $bin does not run (missing libraries?)" >&2; exit 1; }
echo "$bin"

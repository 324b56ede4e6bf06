#!/usr/bin/env bash
# Installer (tools/README.md contract): prints the path of a BusyBox binary, so the tests can run the generated start
# scripts with BusyBox ash (Alpine's /bin/sh) beside dash: Debian's busybox unpacked (dpkg -x, nothing installed)
# into $BUSYBOX_CACHE (default /var/cache/projen-containers-busybox), downloaded once (tools/_deb-unpack.sh).
set -euo pipefail
. "$(dirname "$0")/_deb-unpack.sh"
cache=${BUSYBOX_CACHE:-/var/cache/projen-containers-busybox}
deb_unpack "$cache" bin/busybox busybox
bin="$cache/root/bin/busybox"
"$bin" true || { echo "busybox: $bin does not run (missing libraries?)" >&2; exit 1; }
echo "$bin"

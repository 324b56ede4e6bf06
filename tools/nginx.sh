#!/usr/bin/env bash
# Installer (tools/README.md contract): prints the path of an nginx binary for `nginx -t` in the tests: the system's
# when installed, else Debian's nginx unpacked (dpkg -x, nothing installed or started) into
# $NGINX_CACHE (default /var/cache/projen-containers-nginx), downloaded once (tools/_deb-unpack.sh).
set -euo pipefail
if command -v nginx >/dev/null 2>&1; then command -v nginx; exit 0; fi
. "$(dirname "$0")/_deb-unpack.sh"
cache=${NGINX_CACHE:-/var/cache/projen-containers-nginx}
deb_unpack "$cache" usr/sbin/nginx nginx nginx-common
bin="$cache/root/usr/sbin/nginx"
"$bin" -v >/dev/null 2>&1 || { echo "nginx: $bin does not run (missing libraries?)" >&2; exit 1; }
echo "$bin"

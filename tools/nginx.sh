#!/usr/bin/env bash
# Installer (tools/README.md contract): prints the path of an nginx binary for `nginx -t` in the tests: the system's
# when installed, else Debian's nginx unpacked (dpkg -x, nothing installed or started) into
# $NGINX_CACHE (default /var/cache/projen-containers-nginx), downloaded once with `apt-get download` (runs
# `apt-get update` first when the package is unknown).
set -euo pipefail
if command -v nginx >/dev/null 2>&1; then command -v nginx; exit 0; fi
cache=${NGINX_CACHE:-/var/cache/projen-containers-nginx}
bin="$cache/root/usr/sbin/nginx"
mkdir -p "$cache"
# One download at a time per cache (jest's workers may ask at once): a second caller waits, then finds it unpacked.
exec 9>"$cache/install.lock"
flock 9
if [ ! -x "$bin" ]; then
  mkdir -p "$cache/debs" "$cache/root"
  cd "$cache/debs"
  if ! apt-get download nginx nginx-common >/dev/null 2>&1; then
    apt-get update >/dev/null
    apt-get download nginx nginx-common >/dev/null
  fi
  for deb in ./*.deb; do dpkg -x "$deb" "$cache/root"; done
fi
"$bin" -v >/dev/null 2>&1 || { echo "nginx: $bin does not run (missing libraries?)" >&2; exit 1; }
echo "$bin"

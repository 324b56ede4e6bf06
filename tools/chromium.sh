#!/usr/bin/env bash
# Installer (tools/README.md contract): prints the path of a headless browser for `npx projen report-screenshot`:
# Debian's chromium, installed with apt-get when missing (apt keeps the package; $CHROMIUM_CACHE, default
# /var/cache/projen-containers-chromium, holds the lock only).
set -euo pipefail
cache=${CHROMIUM_CACHE:-/var/cache/projen-containers-chromium}
mkdir -p "$cache"
exec 9>"$cache/install.lock"
flock 9
if ! command -v chromium >/dev/null 2>&1; then
  echo "chromium: apt-get install chromium" >&2
  apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq chromium >&2
fi
command -v chromium

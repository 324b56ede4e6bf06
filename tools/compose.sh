#!/usr/bin/env bash
# Installer (tools/README.md contract): the Docker Compose CLI that e2e:compose runs, built once per machine from its
# Go module (the Go module proxy) into a cache outside the repository:
#   docker-compose  github.com/docker/compose/v5 v5.6.0, package ./cmd (the Compose CLI's main package)
# v5.6.0 is the newest release whose go.mod this machine's Go (1.26.8, GOTOOLCHAIN=local) accepts: v5.7.0 and v5.7.1
# say `go 1.26.10`, v5.7.2 (the newest the proxy serves) `go 1.26.11`, and a Go older than a module's go line
# refuses to build it ("go.mod requires go >= 1.26.11 (running go 1.26.8; GOTOOLCHAIN=local)"). Pin a newer one with
# COMPOSE_VERSION once the machine's Go is newer.
# It is installed as a Docker CLI plugin in a Docker config folder of its own, <cache>/docker-config/cli-plugins/
# docker-compose: `DOCKER_CONFIG=<cache>/docker-config docker compose ...` uses it, and ~/.docker is never touched.
# The same binary also runs standalone (`docker-compose ...`).
# Usage: bash tools/compose.sh. Last line: the docker-compose binary (its folder's parent is the DOCKER_CONFIG).
# Cache: $COMPOSE_CACHE (default /var/cache/projen-containers-compose), lock <cache>/build.lock; a binary whose
# .version file names the pin is not rebuilt (warm: no network). Go's default module and build caches are shared with
# the other Go installers. The build logs "compose: built docker-compose <version> in N s".
# Needs Go (GOTOOLCHAIN=local) and the Go module proxy.
set -euo pipefail
export GOTOOLCHAIN=local PATH=/usr/local/go/bin:$PATH CGO_ENABLED=0 GOWORK=off GOFLAGS="-mod=mod -buildvcs=false"
VERSION=${COMPOSE_VERSION:-v5.6.0}
MODULE=github.com/docker/compose/v5
CACHE=${COMPOSE_CACHE:-/var/cache/projen-containers-compose}
PLUGINS=$CACHE/docker-config/cli-plugins
OUT=$PLUGINS/docker-compose
mkdir -p "$PLUGINS" "$CACHE/logs"

# One build at a time: a second caller (e2e:compose while .ci/run's background prebuild builds) waits here, then
# finds it built.
exec 9>"$CACHE/build.lock"
flock 9
if [ -x "$OUT" ] && [ "$(cat "$OUT.version" 2>/dev/null)" = "$MODULE@$VERSION" ]; then
  echo "compose: docker-compose $VERSION cached" >&2
  echo "$OUT"
  exit 0
fi

t0=$SECONDS
echo "compose: building docker-compose $VERSION (log $CACHE/logs/build.log)" >&2
dir=$(go mod download -json "$MODULE@$VERSION" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
[ -d "$dir" ] || { echo "compose: go mod download $MODULE@$VERSION gave no source" >&2; exit 1; }
# A writable copy: the module cache is read-only and -mod=mod may update go.sum.
src=$CACHE/build
rm -rf "$src"; cp -r "$dir" "$src"; chmod -R u+w "$src"
# The version `docker compose version` reports, stamped as the project's Makefile does.
if ! (cd "$src" && nice -n 10 go build -trimpath -ldflags "-s -w -X $MODULE/internal.Version=$VERSION" -o "$OUT.new" ./cmd) \
    >"$CACHE/logs/build.log" 2>&1; then
  echo "compose: building docker-compose $VERSION failed:" >&2; tail -20 "$CACHE/logs/build.log" >&2; exit 1
fi
mv "$OUT.new" "$OUT"; echo "$MODULE@$VERSION" >"$OUT.version"; rm -rf "$src"
echo "compose: built docker-compose $VERSION in $((SECONDS - t0)) s" >&2
exec 9>&-
echo "$OUT"

#!/usr/bin/env bash
# Installer (tools/README.md contract): the pinned real linters of `npx projen lint:real`, built from their Go modules,
# and kubeconform's schemas from the Kubernetes OpenAPI document, into a cache folder outside the repository.
# Usage: bash tools/linters.sh [tool ...]   (no tool: all of them; the schemas with kubeconform). Last line: the bin folder.
# Cache: $LINTERS_CACHE (default /var/cache/projen-containers-linters): bin/<tool> beside bin/<tool>.version, and
# schemas/v<k8s>-standalone-strict/. A tool whose .version file names its pin is not rebuilt; schemas whose SOURCE
# file names the pinned Kubernetes release are not regenerated. Each module comes through the Go module proxy
# (go mod download) and is built in a writable copy, so a module with replace directives or a vanity path
# (kube-linter declares golang.stackrox.io/kube-linter, which the proxy serves as github.com/stackrox/kube-linter)
# builds the same way. Needs Go >= 1.26 (GOTOOLCHAIN=local), the Go module proxy and node (ts-node, for the schemas).
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
CACHE=${LINTERS_CACHE:-/var/cache/projen-containers-linters}
BIN=$CACHE/bin
export GOMODCACHE=$CACHE/gomod GOCACHE=$CACHE/gocache
mkdir -p "$BIN" "$CACHE/build" "$CACHE/logs"
# One install at a time per cache: a second one (lint:real while .ci/run's background prebuild builds) waits here,
# then finds the tools cached.
exec 9>"$CACHE/install.lock"
flock 9

# tool  module@version  package-inside-module  GOEXPERIMENT (- for none)  version ldflags (%s = version)
# Trivy builds with GOEXPERIMENT=jsonv2 (encoding/json/v2), as its own release build does.
PINS=(
  "kubeconform github.com/yannh/kubeconform@v0.8.0 ./cmd/kubeconform - -X=main.version=%s"
  "kube-score github.com/zegl/kube-score@v1.20.0 ./cmd/kube-score - -X=main.version=%s"
  "kube-linter github.com/stackrox/kube-linter@v0.8.3 ./cmd/kube-linter - -X=golang.stackrox.io/kube-linter/internal/version.version=%s"
  "trivy github.com/aquasecurity/trivy@v0.74.0 ./cmd/trivy jsonv2 -X=github.com/aquasecurity/trivy/pkg/version/app.ver=%s"
)
# The Kubernetes release whose OpenAPI document (api/openapi-spec/swagger.json of its Go module) kubeconform checks against.
K8S=1.37.2
ONLY=" $* "

build() {
  local tool=$1 modver=$2 pkg=$3 experiment=$4 ldfmt=$5
  local version=${modver##*@}
  if [ "$ONLY" != "  " ] && [[ "$ONLY" != *" $tool "* ]]; then return 0; fi
  if [ -x "$BIN/$tool" ] && [ "$(cat "$BIN/$tool.version" 2>/dev/null)" = "$modver" ]; then
    echo "linters: $tool $version cached"; return 0
  fi
  local t0=$SECONDS dir src
  echo "linters: building $tool $version (log $CACHE/logs/$tool.log)"
  dir=$(go mod download -json "$modver" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  [ -d "$dir" ] || { echo "linters: go mod download $modver gave no source"; return 1; }
  src=$CACHE/build/$tool
  rm -rf "$src"; cp -r "$dir" "$src"; chmod -R u+w "$src"
  [ "$experiment" = - ] && experiment=
  if ! (cd "$src" && GOEXPERIMENT=$experiment nice -n 10 go build -trimpath -ldflags "-s -w ${ldfmt//%s/$version}" -o "$BIN/$tool.new" "$pkg") \
      >"$CACHE/logs/$tool.log" 2>&1; then
    echo "linters: building $tool failed:"; tail -20 "$CACHE/logs/$tool.log"; return 1
  fi
  mv "$BIN/$tool.new" "$BIN/$tool"; echo "$modver" >"$BIN/$tool.version"; rm -rf "$src"
  echo "linters: built $tool $version in $((SECONDS - t0))s"
}

for pin in "${PINS[@]}"; do
  # shellcheck disable=SC2086
  build $pin
done

if [ "$ONLY" = "  " ] || [[ "$ONLY" = *" kubeconform "* ]]; then
  schemas=$CACHE/schemas/v$K8S-standalone-strict
  if [ "$(cat "$schemas/SOURCE" 2>/dev/null)" != "k8s.io/kubernetes v$K8S api/openapi-spec/swagger.json" ]; then
    dir=$(go mod download -json "k8s.io/kubernetes@v$K8S" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
    npx ts-node --project projenrc/tsconfig.json test/lint-real/k8s-schemas.ts "$dir/api/openapi-spec/swagger.json" "$K8S" "$CACHE/schemas"
  else
    echo "linters: kubeconform schemas of Kubernetes v$K8S cached"
  fi
fi
# The build cache is only needed while building; the module cache stays for a later change of pin.
[ "$ONLY" != "  " ] || rm -rf "$GOCACHE" "$CACHE/build"
echo "$BIN"

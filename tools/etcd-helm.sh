#!/usr/bin/env bash
# Installer (tools/README.md contract): the Go programs e2e:apiserver runs beside the Kubernetes binaries of
# tools/kubernetes.sh, built once per machine from their Go modules (the Go module proxy) into a cache outside the
# repository:
#   etcd   go.etcd.io/etcd/server/v3 v3.6.5, the etcd release Kubernetes v1.34 is built and tested with
#          (build/dependencies.yaml of k8s.io/kubernetes v1.34.4)
#   helm   helm.sh/helm/v4 v4.3.2, the current Helm
#   helm3  helm.sh/helm/v3 v3.22.1, the last Helm 3
# Usage: bash tools/etcd-helm.sh [tool ...]   (no tool: all of them). Last line: the bin folder.
# Cache: $ETCD_HELM_CACHE (default /var/cache/projen-containers-etcd-helm): bin/<tool> beside bin/<tool>.version, a
# lock per tool (<tool>.lock);
# a tool whose .version file names its pin is not rebuilt (warm: no network). Each module is built in a writable
# copy of its module zip: etcd's server module replaces its sibling modules with ../ paths that the zip lacks, so
# those replaces are dropped and the versions its go.mod requires (the same release) are used. Go's default module
# and build caches are shared with tools/kubernetes.sh. Each build logs "etcd-helm: built <tool> <version> in N s".
# Needs Go >= 1.26 (GOTOOLCHAIN=local) and the Go module proxy.
set -euo pipefail
export GOTOOLCHAIN=local PATH=/usr/local/go/bin:$PATH CGO_ENABLED=0 GOWORK=off GOFLAGS="-mod=mod -buildvcs=false"
CACHE=${ETCD_HELM_CACHE:-/var/cache/projen-containers-etcd-helm}
BIN=$CACHE/bin
mkdir -p "$BIN" "$CACHE/build" "$CACHE/logs"

# tool  module@version  package-inside-module  ldflags (%s = version)
PINS=(
  "etcd go.etcd.io/etcd/server/v3@v3.6.5 ."
  "helm helm.sh/helm/v4@v4.3.2 ./cmd/helm -X=helm.sh/helm/v4/internal/version.version=%s -X=helm.sh/helm/v4/internal/version.metadata= -X=helm.sh/helm/v4/internal/version.gitTreeState=clean"
  "helm3 helm.sh/helm/v3@v3.22.1 ./cmd/helm -X=helm.sh/helm/v3/internal/version.version=%s -X=helm.sh/helm/v3/internal/version.metadata= -X=helm.sh/helm/v3/internal/version.gitTreeState=clean -X=helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X=helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=37"
)
ALL="etcd helm helm3"
WANT=" ${*:-$ALL} "
for t in $WANT; do
  [[ " $ALL " == *" $t "* ]] || { echo "etcd-helm: unknown tool $t (known: $ALL)" >&2; exit 2; }
done

build() {
  local tool=$1 modver=$2 pkg=$3
  shift 3
  local ldflags="$*" version=${modver##*@}
  [[ "$WANT" == *" $tool "* ]] || return 0
  # One build of a tool at a time (a lock per tool, <cache>/<tool>.lock): a second caller (e2e:apiserver while
  # .ci/run's background prebuild builds) waits here, then finds it built; a caller of etcd and helm does not wait
  # for the prebuild's helm3.
  exec 9>"$CACHE/$tool.lock"
  flock 9
  if [ -x "$BIN/$tool" ] && [ "$(cat "$BIN/$tool.version" 2>/dev/null)" = "$modver" ]; then
    echo "etcd-helm: $tool $version cached"; exec 9>&-; return 0
  fi
  local t0=$SECONDS dir src
  echo "etcd-helm: building $tool $version (log $CACHE/logs/$tool.log)"
  dir=$(go mod download -json "$modver" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
  [ -d "$dir" ] || { echo "etcd-helm: go mod download $modver gave no source" >&2; return 1; }
  src=$CACHE/build/$tool
  rm -rf "$src"; cp -r "$dir" "$src"; chmod -R u+w "$src"
  # Replaces by relative path point into the module's repository, outside the zip: use the required versions.
  local r
  for r in $(sed -nE 's#^\s*([^ ]+) => \.\.?/.*$#\1#p' "$src/go.mod"); do (cd "$src" && go mod edit -dropreplace="$r"); done
  if ! (cd "$src" && nice -n 15 go build -trimpath -ldflags "-s -w ${ldflags//%s/$version}" -o "$BIN/$tool.new" "$pkg") \
      >"$CACHE/logs/$tool.log" 2>&1; then
    echo "etcd-helm: building $tool $version failed:" >&2; tail -20 "$CACHE/logs/$tool.log" >&2; return 1
  fi
  mv "$BIN/$tool.new" "$BIN/$tool"; echo "$modver" >"$BIN/$tool.version"; rm -rf "$src"
  echo "etcd-helm: built $tool $version in $((SECONDS - t0)) s"
  exec 9>&-
}

for pin in "${PINS[@]}"; do
  # shellcheck disable=SC2086
  build $pin
done
echo "$BIN"

#!/usr/bin/env bash
# Installer (tools/README.md contract): builds, once per machine, what the kubelet e2e needs into a cache outside the
# repository: the kubelet
# (k8s.io/kubernetes from the Go module proxy, staging modules taken at their published k8s.io/* versions)
# and a static pause binary (the kubelet source's build/pause/linux/pause.c).
# containerd and runc are Debian's (dependencies of docker.io, installed by tools/docker-engine.sh).
# Later runs find the binaries and return at once. Usage: bash tools/kubelet.sh. Last line: the bin folder.
# Env: KUBELET_CACHE, the cache folder (default /var/cache/projen-containers-kubelet); K8S_VERSION (default v1.34.4).
set -euo pipefail
K8S_VERSION=${K8S_VERSION:-v1.34.4}
STAGING_VERSION=v0.${K8S_VERSION#v1.}
CACHE=${KUBELET_CACHE:-/var/cache/projen-containers-kubelet}
export GOTOOLCHAIN=local PATH=/usr/local/go/bin:$PATH CGO_ENABLED=0 GOWORK=off GOFLAGS="-mod=mod -buildvcs=false"
mkdir -p "$CACHE/bin" "$CACHE/src"
# One build at a time per cache: a second one (e2e:kubelet while .ci/run's background prebuild builds) waits here,
# then finds the binaries built.
exec 9>"$CACHE/build.lock"
flock 9
kubelet=$CACHE/bin/kubelet-$K8S_VERSION
src=$CACHE/src/kubernetes-$K8S_VERSION

fetch_source() {
  # The module zip has no staging/ (each staging module has its own go.mod): point its replaces at the
  # published versions of the same release instead of ./staging/src/k8s.io/*.
  [ -f "$src/.prepared" ] && return 0
  local dir
  dir=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
  [ -d "$dir" ] || { echo "kubelet: go mod download k8s.io/kubernetes@$K8S_VERSION gave no directory" >&2; exit 1; }
  rm -rf "$src"; cp -r "$dir" "$src"; chmod -R u+w "$src"
  sed -E -i "s#^(\s*)(k8s\.io/[a-z0-9-]+) => \./staging/src/k8s\.io/[a-z0-9-]+\s*\$#\1\2 => \2 $STAGING_VERSION#" "$src/go.mod"
  if grep -q '=> ./staging' "$src/go.mod"; then echo "kubelet: unrewritten staging replace in $src/go.mod" >&2; exit 1; fi
  touch "$src/.prepared"
}

if [ ! -x "$kubelet" ]; then
  start=$(date +%s)
  fetch_source
  ld="-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1"
  ld="$ld -X k8s.io/component-base/version.gitMinor=$(echo "$K8S_VERSION" | cut -d. -f2) -X k8s.io/component-base/version.gitTreeState=clean"
  (cd "$src" && nice go build -trimpath -ldflags "$ld" -o "$kubelet.tmp" ./cmd/kubelet)
  mv "$kubelet.tmp" "$kubelet"
  echo "kubelet: kubelet $K8S_VERSION built in $(( $(date +%s) - start )) s: $kubelet"
else
  echo "kubelet: kubelet $K8S_VERSION cached"
fi

if [ ! -x "$CACHE/bin/pause" ]; then
  fetch_source
  command -v gcc >/dev/null && [ -f /usr/lib/x86_64-linux-gnu/libc.a ] || {
    apt-get -o DPkg::Lock::Timeout=600 update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends gcc libc6-dev; }
  gcc -Os -Wall -Werror -static -DVERSION="v3.10-projen-containers" -o "$CACHE/bin/pause.tmp" "$src/build/pause/linux/pause.c"
  mv "$CACHE/bin/pause.tmp" "$CACHE/bin/pause"
fi
ln -sfn "kubelet-$K8S_VERSION" "$CACHE/bin/kubelet"
echo "$CACHE/bin"

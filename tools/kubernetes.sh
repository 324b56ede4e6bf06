#!/usr/bin/env bash
# Installer (tools/README.md contract): the Kubernetes binaries of the e2e suites, built once per machine from ONE
# source tree, k8s.io/kubernetes from the Go module proxy (its staging modules taken at their published k8s.io/*
# versions), into a cache outside the repository:
#   kubelet                  e2e:kubelet
#   pause                    e2e:kubelet (static, gcc, from the source's build/pause/linux/pause.c)
#   kube-apiserver           e2e:apiserver
#   kube-controller-manager  e2e:apiserver (ReplicaSets create Pods, service accounts)
#   kubectl                  e2e:apiserver (the machine's /usr/bin/kubectl, Google Cloud SDK's v1.32, is two minors
#                            behind the server: outside kubectl's supported skew of one minor)
# Usage: bash tools/kubernetes.sh [component ...]   (no component: all of them). Last line: the bin folder.
# Later runs find the binaries (bin/<name>-<version>, linked as bin/<name>) and return at once. Each build logs
# "kubernetes: <name> <version> built in N s"; every build shares the source tree and Go's default build cache, so the
# ones after the first (the kubelet, in .ci/run's prebuild) reuse the packages they share with it.
# Env: KUBERNETES_CACHE, the cache folder (default /var/cache/projen-containers-kubelet, the folder's older name from
# when it held the kubelet alone, kept so that warm machines stay warm; KUBELET_CACHE is read too);
# K8S_VERSION (default v1.34.4). Needs Go (GOTOOLCHAIN=local) and the Go module proxy; gcc for pause.
set -euo pipefail
K8S_VERSION=${K8S_VERSION:-v1.34.4}
STAGING_VERSION=v0.${K8S_VERSION#v1.}
CACHE=${KUBERNETES_CACHE:-${KUBELET_CACHE:-/var/cache/projen-containers-kubelet}}
export GOTOOLCHAIN=local PATH=/usr/local/go/bin:$PATH CGO_ENABLED=0 GOWORK=off GOFLAGS="-mod=mod -buildvcs=false"
ALL="kubelet pause kube-apiserver kube-controller-manager kubectl"
WANT=${*:-$ALL}
for c in $WANT; do
  [[ " $ALL " == *" $c "* ]] || { echo "kubernetes: unknown component $c (known: $ALL)" >&2; exit 2; }
done
mkdir -p "$CACHE/bin" "$CACHE/src"
# One build at a time per cache: a second caller (an e2e suite while .ci/run's background prebuild builds) waits
# here, then finds the binaries built.
exec 9>"$CACHE/build.lock"
flock 9
src=$CACHE/src/kubernetes-$K8S_VERSION

fetch_source() {
  # The module zip has no staging/ (each staging module has its own go.mod): point its replaces at the
  # published versions of the same release instead of ./staging/src/k8s.io/*.
  [ -f "$src/.prepared" ] && return 0
  local dir
  dir=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
  [ -d "$dir" ] || { echo "kubernetes: go mod download k8s.io/kubernetes@$K8S_VERSION gave no directory" >&2; exit 1; }
  rm -rf "$src"; cp -r "$dir" "$src"; chmod -R u+w "$src"
  sed -E -i "s#^(\s*)(k8s\.io/[a-z0-9-]+) => \./staging/src/k8s\.io/[a-z0-9-]+\s*\$#\1\2 => \2 $STAGING_VERSION#" "$src/go.mod"
  if grep -q '=> ./staging' "$src/go.mod"; then echo "kubernetes: unrewritten staging replace in $src/go.mod" >&2; exit 1; fi
  touch "$src/.prepared"
}

build_go() {
  local name=$1 out=$CACHE/bin/$1-$K8S_VERSION start ld
  if [ -x "$out" ]; then
    echo "kubernetes: $name $K8S_VERSION cached"
  else
    start=$(date +%s)
    fetch_source
    # The version the binaries report (kubectl version, the server's /version), as the release build stamps it.
    ld="-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1"
    ld="$ld -X k8s.io/component-base/version.gitMinor=$(echo "$K8S_VERSION" | cut -d. -f2) -X k8s.io/component-base/version.gitTreeState=clean"
    ld="$ld -X k8s.io/client-go/pkg/version.gitVersion=$K8S_VERSION -X k8s.io/client-go/pkg/version.gitMajor=1"
    ld="$ld -X k8s.io/client-go/pkg/version.gitMinor=$(echo "$K8S_VERSION" | cut -d. -f2)"
    (cd "$src" && nice -n 15 go build -trimpath -ldflags "$ld" -o "$out.tmp" "./cmd/$name")
    mv "$out.tmp" "$out"
    echo "kubernetes: $name $K8S_VERSION built in $(( $(date +%s) - start )) s: $out"
  fi
  ln -sfn "$name-$K8S_VERSION" "$CACHE/bin/$name"
}

build_pause() {
  if [ -x "$CACHE/bin/pause" ]; then echo "kubernetes: pause cached"; return 0; fi
  fetch_source
  command -v gcc >/dev/null && [ -f /usr/lib/x86_64-linux-gnu/libc.a ] || {
    apt-get -o DPkg::Lock::Timeout=600 update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends gcc libc6-dev; }
  gcc -Os -Wall -Werror -static -DVERSION="v3.10-projen-containers" -o "$CACHE/bin/pause.tmp" "$src/build/pause/linux/pause.c"
  mv "$CACHE/bin/pause.tmp" "$CACHE/bin/pause"
  echo "kubernetes: pause built: $CACHE/bin/pause"
}

for c in $WANT; do
  if [ "$c" = pause ]; then build_pause; else build_go "$c"; fi
done
echo "$CACHE/bin"

#!/usr/bin/env bash
# The API server e2e (`npx projen e2e:apiserver`): kube-apiserver, kube-controller-manager and kubectl (built once
# by tools/kubernetes.sh), etcd (tools/etcd-helm.sh; Helm 4 and 3 beside the run), then apiserver.ts in a private network namespace
# with a work folder of its own under the system temp folder, removed at exit. Ends with
# `e2e:apiserver: N passed, M failed` (test-reports/e2e-apiserver.json). APISERVER_E2E_KEEP=1 keeps the work folder.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
# A setup failure before apiserver.ts runs is the suite's one failed step (test/harness/harness.sh).
# shellcheck source=../../harness/harness.sh
source "$root/test/harness/harness.sh"
fail() { echo "FAIL $1"; harness_start e2e:apiserver; harness_record e2e:apiserver setup fail "$1"; harness_summary e2e:apiserver; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/pc-apiserver-XXXXXX")
# apiserver.ts stops what it started by pid, also on SIGINT/SIGTERM; should it be killed outright, this does.
cleanup() {
  if [ -n "${helm_build:-}" ] && kill -0 "$helm_build" 2>/dev/null; then
    echo "e2e:apiserver: stopping the Helm build (pid $helm_build)"; kill -- "-$helm_build"
  fi
  if [ -f "$work/pids" ]; then
    while read -r pid name; do
      if kill -0 "$pid" 2>/dev/null; then echo "e2e:apiserver: stopping $name (pid $pid), left running"; kill -9 "$pid"; fi
    done <"$work/pids"
  fi
  if [ "${APISERVER_E2E_KEEP:-}" = 1 ]; then echo "e2e:apiserver: work folder kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
start=$(date +%s)
build() { # <script> <log> [args]: the tool's bin folder (its last line), or the suite's one failed step
  local script=$1 log=$2
  shift 2
  if ! bash "$root/tools/$script" "$@" >"$log" 2>&1; then
    tail -20 "$log" >&2
    fail "build: tools/$script failed (log $log)" >&2
  fi
  grep -E '^(kubernetes|etcd-helm):' "$log" >&2 || true
  tail -1 "$log"
}
mkdir -p "$work/logs"
k8s_bin=$(build kubernetes.sh "$work/logs/build-kubernetes.log" kube-apiserver kube-controller-manager kubectl) || exit 1
etcd_helm_bin=$(build etcd-helm.sh "$work/logs/build-etcd.log" etcd) || exit 1
# Helm 4, then Helm 3, in the background (outside the network namespace below: a build needs the Go module proxy),
# since .ci/run's prebuild builds them last: the suite starts without them, and apiserver.ts waits for
# <work>/<tool>.status before each Helm's steps. Its own process group, stopped by its pid at exit should it still run.
setsid bash -c 'for t in helm helm3; do bash "$1/tools/etcd-helm.sh" $t >"$2/logs/build-$t.log" 2>&1; echo $? >"$2/$t.status"; done' \
  helm "$root" "$work" </dev/null &
helm_build=$!
echo "e2e:apiserver: binaries ready after $(( $(date +%s) - start ))s ($k8s_bin, $etcd_helm_bin)"
cd "$root"
# The built kubectl (in skew with the server) first on PATH: lint:real's layout code runs `kubectl kustomize` too.
export APISERVER_WORK=$work K8S_BIN=$k8s_bin ETCD_HELM_BIN=$etcd_helm_bin PATH="$k8s_bin:$PATH"
cmd=(node "$root/node_modules/ts-node/dist/bin.js" --project "$root/projenrc/tsconfig.json" "$here/apiserver.ts")
# A private network namespace: its own loopback, where etcd, the API server and the controller-manager listen;
# nothing outside can reach them, and they clash with nothing. Where unshare is not allowed, loopback of the machine.
if unshare --net true 2>/dev/null; then
  unshare --net -- bash -c 'ip link set lo up && exec "$@"' run "${cmd[@]}"
else
  echo "e2e:apiserver: unshare --net not allowed here: on the machine's loopback (ports the kernel picks)"
  "${cmd[@]}"
fi

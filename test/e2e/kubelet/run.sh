#!/usr/bin/env bash
# The kubelet e2e (`npx projen e2e:kubelet`): a Docker engine (for the images), the kubelet and pause
# binaries (built once into /var/cache/projen-containers-kubelet by tools/kubelet.sh), the engine test's images (built by
# `npx projen e2e` when missing), then kubelet.ts. Ends with `e2e:kubelet: N passed, M failed` (test-reports/e2e-kubelet.json).
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
# A setup failure before kubelet.ts runs is the suite's one failed step (test/harness/harness.sh).
# shellcheck source=../../harness/harness.sh
source "$root/test/harness/harness.sh"
fail() { echo "FAIL $1"; harness_start e2e:kubelet; harness_record e2e:kubelet setup fail "$1"; harness_summary e2e:kubelet; exit 1; }
start=$(date +%s)
bash "$root/tools/docker-engine.sh" >/dev/null || fail "docker engine: tools/docker-engine.sh failed (log /tmp/projen-containers-dockerd.log)"
build_log=/tmp/projen-containers-kubelet-build.log
if ! bash "$root/tools/kubelet.sh" >"$build_log" 2>&1; then
  tail -20 "$build_log"
  fail "kubelet build: tools/kubelet.sh failed (log $build_log)"
fi
grep '^kubernetes:' "$build_log" || true
echo "e2e:kubelet: kubelet and pause ready after $(( $(date +%s) - start ))s (cache /var/cache/projen-containers-kubelet)"
missing=""
for image in backend-test frontend-test api-test server-test; do
  docker image inspect "$image" >/dev/null 2>&1 || missing="$missing $image"
done
if [ -n "$missing" ] && [ "${KUBELET_E2E_BUILD_IMAGES:-1}" = 1 ]; then
  echo "e2e:kubelet: images missing from the engine:$missing; running the engine test (npx projen e2e) to build them"
  bash "$here/../run.sh" >/tmp/projen-containers-kubelet-e2e-build.log 2>&1 || echo "e2e:kubelet: the engine test failed (log /tmp/projen-containers-kubelet-e2e-build.log)"
fi
cd "$root"
# kubelet.ts stops what it started by pid, also on SIGINT/SIGTERM; should it be killed outright, this does.
pids=/tmp/projen-containers-kubelet/pids
cleanup() {
  [ -f "$pids" ] || return 0
  while read -r pid name; do
    if kill -0 "$pid" 2>/dev/null; then echo "e2e:kubelet: stopping $name (pid $pid), left running"; kill "$pid"; fi
  done <"$pids"
}
trap cleanup EXIT
# The test runs in a private network namespace: its own loopback, with the node IP (192.0.2.1, see _runtime.ts
# NODE_IP) on it as well. Kubelet 1.34 refuses a loopback node IP; this one reaches nothing outside, and the pods'
# host-network ports cannot clash with other tests on the machine. Docker and containerd are reached by unix sockets.
unshare --net -- bash -c 'ip link set lo up && ip addr add 192.0.2.1/32 dev lo && exec "$@"' run \
  node "$root/node_modules/ts-node/dist/bin.js" --project "$root/projenrc/tsconfig.json" "$here/kubelet.ts"

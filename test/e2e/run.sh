#!/usr/bin/env bash
# The engine tests (`npx projen e2e`): starts a Docker engine unless one answers, builds the local
# stand-in base images, then runs test/e2e/e2e.ts on the example's generated files (test-reports/e2e.json).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
start=$(date +%s)
# A setup failure before e2e.ts runs is the suite's one failed step (test/harness/harness.sh).
# shellcheck source=../harness/harness.sh
source "$root/test/harness/harness.sh"
fail() { echo "FAIL $1"; harness_start e2e; harness_record e2e setup fail "$1"; harness_summary e2e; exit 1; }
bash "$root/tools/docker-engine.sh" >/dev/null || fail "docker engine: tools/docker-engine.sh failed (log /tmp/projen-containers-dockerd.log)"
bash "$root/tools/standins.sh" >/dev/null || fail "stand-in images: tools/standins.sh failed"
echo "e2e: engine and stand-ins ready after $(( $(date +%s) - start ))s"
# Images an earlier run left untagged (each rebuild of backend-test etc. leaves the old one): with the vfs storage
# driver each keeps full copies of its layers, and repeated runs on one machine would fill its disk.
docker image prune -f | tail -1 | sed 's/^/e2e: dangling images removed: /'
cd "$root"
node "$root/node_modules/ts-node/dist/bin.js" --project "$root/projenrc/tsconfig.json" "$here/e2e.ts"
# The runtime cost of each health check tool (docs/performance.md); its own step, after the checks above.
exec node "$root/node_modules/ts-node/dist/bin.js" --project "$root/projenrc/tsconfig.json" "$here/check-cost.ts"

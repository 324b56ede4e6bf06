#!/usr/bin/env bash
# The engine tests (`npx projen e2e`): starts a Docker engine unless one answers, builds the local
# stand-in base images, then runs test/e2e/e2e.ts on the example's generated files.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
start=$(date +%s)
bash "$root/tools/docker-engine.sh" >/dev/null
bash "$root/tools/standins.sh" >/dev/null
echo "e2e: engine and stand-ins ready after $(( $(date +%s) - start ))s"
# Images an earlier run left untagged (each rebuild of backend-test etc. leaves the old one): with the vfs storage
# driver each keeps full copies of its layers, and repeated runs on one machine would fill its disk.
docker image prune -f | tail -1 | sed 's/^/e2e: dangling images removed: /'
cd "$root"
node "$root/node_modules/ts-node/dist/bin.js" --project "$root/projenrc/tsconfig.json" "$here/e2e.ts"
# The runtime cost of each health check tool (docs/performance.md); its own step, after the checks above.
exec node "$root/node_modules/ts-node/dist/bin.js" --project "$root/projenrc/tsconfig.json" "$here/check-cost.ts"

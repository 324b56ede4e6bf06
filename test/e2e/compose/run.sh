#!/usr/bin/env bash
# The Compose e2e (`npx projen e2e:compose`): real Docker Compose (tools/compose.sh, built once from the Go module
# proxy) runs both examples' Compose files. The machine's engine (tools/docker-engine.sh, as `npx projen e2e`; no
# bridge, no iptables) builds the images from the stand-in base images (tools/standins.sh); compose.ts then starts a
# private dockerd in a network namespace of its own, loads the images there, and runs `docker compose config` and
# `docker compose up --wait` against it (docs/outputs/compose.md "Run for real"). Work folder under the system temp
# folder, removed at exit; COMPOSE_E2E_KEEP=1 keeps it. Ends with `e2e:compose: N passed, M failed`
# (test-reports/e2e-compose.json).
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
# A setup failure before compose.ts runs is the suite's one failed step (test/harness/harness.sh).
# shellcheck source=../../harness/harness.sh
source "$root/test/harness/harness.sh"
fail() { echo "FAIL $1"; harness_start e2e:compose; harness_record e2e:compose setup fail "$1"; harness_summary e2e:compose; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/pc-compose-XXXXXX")
# compose.ts stops the private dockerd by its pid, also on SIGINT/SIGTERM; should it be killed outright, this does.
cleanup() {
  if [ -f "$work/dockerd.pid" ]; then
    pid=$(cat "$work/dockerd.pid")
    if kill -0 "$pid" 2>/dev/null; then
      echo "e2e:compose: stopping the private dockerd (pid $pid), left running"; kill "$pid"
      for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
      kill -9 "$pid" 2>/dev/null
    fi
  fi
  if [ "${COMPOSE_E2E_KEEP:-}" = 1 ]; then echo "e2e:compose: work folder kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
start=$(date +%s)
compose=$(bash "$root/tools/compose.sh" 2>"$work/build-compose.log" | tail -1) || { tail -20 "$work/build-compose.log" >&2; fail "build: tools/compose.sh failed"; }
grep -E '^compose:' "$work/build-compose.log" || true
[ -x "$compose" ] || fail "build: tools/compose.sh printed no binary ($compose)"
bash "$root/tools/docker-engine.sh" >/dev/null || fail "docker engine: tools/docker-engine.sh failed (log /tmp/projen-containers-dockerd.log)"
bash "$root/tools/standins.sh" >/dev/null || fail "stand-in images: tools/standins.sh failed"
unshare --net true 2>/dev/null || fail "unshare --net is not allowed here: the private engine needs a network namespace of its own"
echo "e2e:compose: Compose, engine and stand-ins ready after $(( $(date +%s) - start ))s ($compose)"
cd "$root"
COMPOSE_WORK=$work COMPOSE_BIN=$compose \
  node "$root/node_modules/ts-node/dist/bin.js" --project "$root/projenrc/tsconfig.json" "$here/compose.ts"

# The step runner for shell suites (source it): harness_start, harness_record and harness_summary write the same
# steps file and summary as test/harness/index.ts (test-reports/<suite>.steps.jsonl, then test-reports/<suite>.json).
#   harness_start <suite>; harness_record <suite> <name> pass|fail [detail]; harness_summary <suite> (prints
#   `<suite>: N passed, M failed`; its status is 1 when M > 0)
HARNESS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# HARNESS_REPORTS moves test-reports/ (as for index.ts).
harness_dir() { echo "${HARNESS_REPORTS:-$HARNESS_ROOT/test-reports}"; }
harness_steps() { echo "$(harness_dir)/$(echo "$1" | sed 's/[^A-Za-z0-9_.-]/-/g').steps.jsonl"; }
harness_start() { mkdir -p "$(harness_dir)"; : >"$(harness_steps "$1")"; }
# One JSON line per step (node JSON-encodes the arguments; no ts-node start per step).
harness_record() {
  node -e 'const [f, name, outcome, detail] = process.argv.slice(1);
    require("fs").appendFileSync(f, JSON.stringify({ name, ok: outcome === "pass", detail: detail || "" }) + "\n");' \
    "$(harness_steps "$1")" "$2" "$3" "${4:-}"
}
harness_summary() {
  node "$HARNESS_ROOT/node_modules/ts-node/dist/bin.js" --transpile-only --project "$HARNESS_ROOT/projenrc/tsconfig.json" \
    "$HARNESS_ROOT/test/harness/cli.ts" summary "$1"
}

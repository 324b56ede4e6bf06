#!/usr/bin/env bash
# Python bindings: generates the Python module with jsii-pacmak (code only) and checks it exposes the API.
#
#   bash scripts/python-bindings.sh     (from the repository root; `npx projen python-bindings`)
#
# 1. `npx projen compile` (the .jsii assembly, with its python target from .projenrc.ts publishToPypi).
# 2. `jsii-pacmak --target python --code-only --outdir .python-bindings` (ignored by git). `--code-only` writes
#    the sources of the distribution; building the wheel (`npx projen package:python`) needs PyPI for its build
#    tools, which this network does not reach.
# 3. `python3 scripts/check_python_module.py`: every type of the assembly is a class of the module, with its
#    members under their Python names, the key static factories are classmethods, and the module compiles.
#
# Needs: node >= 20, python3 (standard library only). Each check is a step of the harness (test/harness/harness.sh):
# test-reports/python-bindings.json, and last line `python-bindings: N passed, M failed`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/.python-bindings"
cd "$ROOT"
# shellcheck source=../test/harness/harness.sh
source "$ROOT/test/harness/harness.sh"
harness_start python-bindings

fail_setup() {
  echo "python-bindings: ERROR: $1"
  harness_record python-bindings "$1" fail
  harness_summary python-bindings
  exit 1
}

command -v python3 >/dev/null || fail_setup "python3 not found"
npx projen compile >"$ROOT/.python-bindings.log" 2>&1 || { cat "$ROOT/.python-bindings.log"; fail_setup "npx projen compile failed"; }
rm -rf "$OUT"
npx jsii-pacmak --target python --code-only --outdir "$OUT" >>"$ROOT/.python-bindings.log" 2>&1 ||
  { tail -n 40 "$ROOT/.python-bindings.log"; fail_setup "jsii-pacmak --target python --code-only failed"; }
rm -f "$ROOT/.python-bindings.log"
python3 scripts/check_python_module.py .jsii "$OUT/python" "$(harness_steps python-bindings)" ||
  harness_record python-bindings "scripts/check_python_module.py ran to its end" fail "exit $?"
harness_summary python-bindings

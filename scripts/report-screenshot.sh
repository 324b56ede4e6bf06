#!/usr/bin/env bash
# Renders an alignment report in headless Chromium and writes a PNG screenshot of it.
#
#   bash scripts/report-screenshot.sh [report.md] [out.png]
#     (defaults: examples/fullstack/docs/health-alignment.md, /tmp/projen-containers-report.png)
#
# The page (scripts/report-page.mjs) loads mermaid from node_modules by a file:// URL; Chromium runs with a
# fresh profile, no network features, and only opens that file. Needs `npm ci` and Debian's chromium
# (tools/chromium.sh installs it when missing). Fails unless mermaid drew one SVG per ```mermaid block.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPORT="$(realpath "${1:-$ROOT/examples/fullstack/docs/health-alignment.md}")"
OUT="$(realpath -m "${2:-/tmp/projen-containers-report.png}")"
CHROMIUM="$(bash "$ROOT/tools/chromium.sh" | tail -1)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/projen-containers-report.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
PAGE="$WORK/report.html"
(cd "$ROOT" && node scripts/report-page.mjs "$REPORT" "$PAGE")
CHARTS="$(grep -c '^```mermaid$' "$REPORT" || true)"
chrome() {
  "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$WORK/profile-$1" \
    --allow-file-access-from-files --virtual-time-budget=20000 --window-size=1100,"${HEIGHT:-2600}" "${@:2}" "file://$PAGE"
}
chrome dom --dump-dom >"$WORK/dom.html" 2>"$WORK/chromium-dom.log"
RENDERED="$(grep -o 'data-rendered="[0-9]*"' "$WORK/dom.html" | grep -o '[0-9]*' || true)"
if grep -q 'data-error=' "$WORK/dom.html"; then
  echo "report-screenshot: mermaid failed: $(grep -o 'data-error="[^"]*"' "$WORK/dom.html")" >&2
  exit 1
fi
if [ "${RENDERED:-0}" != "$CHARTS" ]; then
  echo "report-screenshot: mermaid drew ${RENDERED:-0} of $CHARTS charts" >&2
  tail -20 "$WORK/chromium-dom.log" >&2
  exit 1
fi
chrome shot --screenshot="$OUT" >"$WORK/chromium-shot.log" 2>&1
test -s "$OUT"
echo "report-screenshot: $CHARTS of $CHARTS mermaid charts drawn; screenshot $OUT ($(du -k "$OUT" | cut -f1) KiB)"

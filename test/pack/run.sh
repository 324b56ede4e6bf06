#!/usr/bin/env bash
# Pack test: the packed package installs into a fresh projen TypeScript project and synthesizes there.
#
#   bash test/pack/run.sh        (from the repository root; CI-safe, idempotent)
#
# 1. `npx projen compile` (jsii) and `npm pack` of this repository into a temp dir; checks what the
#    tarball holds (lib/index.js, lib/index.d.ts, .jsii, README.md in; examples/, test/ out).
# 2. `npx projen@<the repo's projen version> new typescript` in a fresh temp dir outside the repo,
#    then, through the consumer's .projenrc.ts only:
#      a. adds `projen-containers@file:<tarball>` to devDeps and runs `npx projen` (which installs it:
#         .projenrc.ts cannot import the package before it is installed);
#      b. adds `new FastApiBackend(project, 'backend', { port: 8001 })` and
#         `new StaticFrontend(project, 'frontend')` imported from 'projen-containers' and runs
#         `npx projen` again.
# 3. Asserts the generated files and their key lines; `npx projen-containers check` (the package's bin)
#    reports zero findings on them and exit 1 on a drifted copy; a third `npx projen` must change nothing.
# 4. Removes the temp dirs on exit.
#
# Needs: node >= 20, npm, the npm registry. Writes in the repo only what `projen compile` writes
# (lib/, .jsii).
#
# Env:
#   PACK_TEST_KEEP=1   keep the temp dir (printed) for inspection
#
# Last line: `pack-test: N passed, M failed`; exit status 0 only when M is 0.
set -euo pipefail

START=$SECONDS
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/projen-containers-pack-test.XXXXXX")"
WORK="$(cd "$WORK" && pwd -P)"
PACK_DIR="$WORK/pack"
CONSUMER="$WORK/consumer"
LOGS="$WORK/logs"
mkdir -p "$PACK_DIR" "$CONSUMER" "$LOGS"

cleanup() {
  if [ "${PACK_TEST_KEEP:-0}" != 1 ]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

PASSED=0
FAILED=0

log() { echo "[pack-test] $*"; }
pass() { PASSED=$((PASSED + 1)); echo "  ok   $*"; }
fail() { FAILED=$((FAILED + 1)); echo "  FAIL $*"; }

finish() {
  echo "pack-test: elapsed $((SECONDS - START))s"
  echo "pack-test: $PASSED passed, $FAILED failed"
  if [ "$FAILED" -gt 0 ]; then exit 1; fi
  exit 0
}

# A step that must succeed for the rest to make sense: its output goes to a log, shown on failure.
step() {
  local name="$1"
  shift
  local logfile="$LOGS/$name.log"
  if "$@" >"$logfile" 2>&1; then
    pass "$name"
  else
    local rc=$?
    fail "$name (exit $rc): $*"
    echo "---- last 60 lines of $name output ----"
    tail -n 60 "$logfile" | sed 's/^/  | /'
    echo "----"
    echo "pack-test: ERROR: step '$name' failed; later checks skipped"
    finish
  fi
}

# An assertion; `check <description> <command...>`.
check() {
  local name="$1"
  shift
  if "$@" >/dev/null 2>&1; then pass "$name"; else fail "$name"; fi
}

# The pipeline is stopped at the first failed assertion group when the next stage depends on it.
stop_if_failed() {
  if [ "$FAILED" -gt 0 ]; then
    echo "pack-test: ERROR: $1; later checks skipped"
    finish
  fi
}

case "$WORK/" in
  "$ROOT"/*) echo "pack-test: ERROR: temp dir $WORK is inside the repository $ROOT" >&2; exit 1 ;;
esac
command -v node >/dev/null || { echo "pack-test: ERROR: node not found" >&2; exit 1; }
command -v npm >/dev/null || { echo "pack-test: ERROR: npm not found" >&2; exit 1; }
NODE_MAJOR="$(node -p 'process.versions.node.split(".")[0]')"
[ "$NODE_MAJOR" -ge 20 ] || { echo "pack-test: ERROR: node >= 20 needed, found $(node -v)" >&2; exit 1; }

# The projen version the library is built against: the installed one, else the package.json spec.
if [ -f "$ROOT/node_modules/projen/package.json" ]; then
  PROJEN_VERSION="$(node -p "require('$ROOT/node_modules/projen/package.json').version")"
else
  PROJEN_VERSION="$(node -p "(require('$ROOT/package.json').devDependencies.projen || 'latest').replace(/^[\\^~]/, '')")"
fi
PKG_NAME="$(node -p "require('$ROOT/package.json').name")"
PKG_VERSION="$(node -p "require('$ROOT/package.json').version")"
log "repo $ROOT ($PKG_NAME@$PKG_VERSION), projen $PROJEN_VERSION, node $(node -v), npm $(npm -v)"
log "temp dir $WORK$([ "${PACK_TEST_KEEP:-0}" = 1 ] && echo ' (kept: PACK_TEST_KEEP=1)')"

# The consumer's projen must install with `npm install`, not a frozen `npm ci` (projen picks the
# latter when CI is set, and the consumer has no lock file yet).
consumer() { (cd "$CONSUMER" && env -u CI "$@"); }

# ---------------------------------------------------------------------------------------------------
log "1. compile and pack"
step compile bash -c "cd '$ROOT' && npx projen compile"
step npm-pack bash -c "cd '$ROOT' && npm pack --pack-destination '$PACK_DIR'"
TGZ="$PACK_DIR/$PKG_NAME-$PKG_VERSION.tgz"
check "tarball $(basename "$TGZ") written" test -s "$TGZ"
stop_if_failed "no tarball"

tar -tzf "$TGZ" | sed 's#^package/##' | sort >"$WORK/tarball.txt"
has() { grep -qxF "$1" "$WORK/tarball.txt"; }
has_none_under() { ! grep -q "^$1" "$WORK/tarball.txt"; }
for f in package.json README.md LICENSE .jsii lib/index.js lib/index.d.ts; do
  check "tarball contains $f" has "$f"
done
for d in examples/ test/ .projen/ projenrc/; do
  check "tarball has nothing under $d" has_none_under "$d"
done
# Bundled dependencies (package.json bundledDependencies) are the only node_modules in the tarball.
BUNDLED="$(node -p "(require('$ROOT/package.json').bundledDependencies || []).join(' ')")"
check "tarball bundles its bundledDependencies ($BUNDLED)" bash -c "for b in $BUNDLED; do grep -qxF \"node_modules/\$b/package.json\" '$WORK/tarball.txt' || exit 1; done"
# ... and the packages they depend on (dockerfile-ast brings vscode-languageserver-textdocument and -types).
BUNDLED_TREE="$BUNDLED $(node -p "(require('$ROOT/package.json').bundledDependencies || []).flatMap((b) => Object.keys(require('$ROOT/node_modules/' + b + '/package.json').dependencies || {})).join(' ')")"
check "tarball has no node_modules but the bundled ones and their dependencies" bash -c "! grep '^node_modules/' '$WORK/tarball.txt' | grep -vE '^node_modules/($(echo $BUNDLED_TREE | tr ' ' '|'))/'"
check "tarball has no .projenrc.ts" bash -c "! grep -qxF .projenrc.ts '$WORK/tarball.txt'"

mkdir -p "$WORK/unpacked"
tar -xzf "$TGZ" -C "$WORK/unpacked"
check "tarball .jsii declares FastApiBackend and StaticFrontend" node -e "
  const fs = require('fs'), zlib = require('zlib'), dir = '$WORK/unpacked/package/';
  let a = JSON.parse(fs.readFileSync(dir + '.jsii', 'utf8'));
  if (a.schema === 'jsii/file-redirect') a = JSON.parse(zlib.gunzipSync(fs.readFileSync(dir + a.filename)).toString());
  for (const t of ['FastApiBackend', 'StaticFrontend']) {
    if (!a.types[a.name + '.' + t]) throw new Error('missing ' + t);
  }"
for f in lib/presets/fastapi-backend.js lib/presets/static-frontend.js lib/check/cli.js; do
  check "tarball contains $f" has "$f"
done

{
  echo "  tarball: $(wc -l <"$WORK/tarball.txt") files, $(du -k "$TGZ" | cut -f1) KiB packed"
  echo "  top level:"
  sed 's#/.*#/#' "$WORK/tarball.txt" | sort | uniq -c | sed 's/^/    /'
  echo "  lib/: $(grep -c '^lib/.*\.js$' "$WORK/tarball.txt") .js, $(grep -c '^lib/.*\.d\.ts$' "$WORK/tarball.txt") .d.ts"
  echo "  src/*.ts sources: $(grep -c '^src/' "$WORK/tarball.txt" || true)"
}
stop_if_failed "the tarball is incomplete"

# ---------------------------------------------------------------------------------------------------
log "2. fresh projen TypeScript project in $CONSUMER"
step projen-new consumer npx -y "projen@$PROJEN_VERSION" new typescript \
  --no-git --projenrc-ts --name consumer --no-post --projen-version "$PROJEN_VERSION"
check "consumer .projenrc.ts written" test -f "$CONSUMER/.projenrc.ts"
stop_if_failed "projen new wrote no .projenrc.ts"
step consumer-npm-install consumer npm install --no-audit --no-fund

# 2a. The devDependency only (the constructs cannot be imported before it is installed).
step edit-projenrc-devdeps node - "$CONSUMER/.projenrc.ts" "$PKG_NAME@file:$TGZ" <<'EOF'
const fs = require('fs');
const [file, spec] = process.argv.slice(2);
let s = fs.readFileSync(file, 'utf8');
const anchor = 'new typescript.TypeScriptProject({';
if (s.split(anchor).length !== 2) throw new Error(`expected one "${anchor}" in ${file}:\n${s}`);
s = s.replace(anchor, `${anchor}\n  devDeps: [${JSON.stringify(spec)}],`);
fs.writeFileSync(file, s);
EOF
step synth-1-install consumer npx projen
check "package.json devDependencies has $PKG_NAME@file:<tarball>" node -e "
  const p = require('$CONSUMER/package.json');
  if (p.devDependencies['$PKG_NAME'] !== 'file:$TGZ') throw new Error(JSON.stringify(p.devDependencies));"
check "$PKG_NAME installed in the consumer" test -f "$CONSUMER/node_modules/$PKG_NAME/lib/index.js"
check "installed $PKG_NAME has its .jsii" test -f "$CONSUMER/node_modules/$PKG_NAME/.jsii"
# The peer dependencies must be the consumer's own copies: one projen, one constructs.
check "no nested projen/constructs under $PKG_NAME (peers shared)" bash -c "
  ! test -e '$CONSUMER/node_modules/$PKG_NAME/node_modules/projen' &&
  ! test -e '$CONSUMER/node_modules/$PKG_NAME/node_modules/constructs'"
stop_if_failed "the packed package did not install"

# 2b. The constructs, imported from the installed package.
step edit-projenrc-constructs node - "$CONSUMER/.projenrc.ts" "$PKG_NAME" <<'EOF'
const fs = require('fs');
const [file, pkg] = process.argv.slice(2);
let s = fs.readFileSync(file, 'utf8');
const synth = 'project.synth();';
if (s.split(synth).length !== 2) throw new Error(`expected one "${synth}" in ${file}:\n${s}`);
s = `import { FastApiBackend, StaticFrontend } from '${pkg}';\n` + s;
s = s.replace(synth, [
  "new FastApiBackend(project, 'backend', { port: 8001 });",
  "new StaticFrontend(project, 'frontend');",
  synth,
].join('\n'));
fs.writeFileSync(file, s);
EOF
cp "$CONSUMER/.projenrc.ts" "$LOGS/consumer.projenrc.ts"
step synth-2-constructs consumer npx projen

# ---------------------------------------------------------------------------------------------------
log "3. generated files"
C="$CONSUMER"
for f in backend/Dockerfile frontend/Dockerfile frontend/nginx.conf k8s/backend.yaml k8s/frontend.yaml; do
  check "$f exists and is not empty" test -s "$C/$f"
done
contains() { grep -qF -- "$2" "$C/$1"; }
check "backend/Dockerfile: HEALTHCHECK --interval=30s --timeout=10s --start-period=10s --retries=3" \
  contains backend/Dockerfile 'HEALTHCHECK --interval=30s --timeout=10s --start-period=10s --retries=3'
check "backend/Dockerfile: EXPOSE 8001/tcp" contains backend/Dockerfile 'EXPOSE 8001/tcp'
check "backend/Dockerfile: USER 1000:1000" contains backend/Dockerfile 'USER 1000:1000'
check "backend/Dockerfile: no EXPOSE 8000 (the port option is applied)" bash -c "! grep -qF 'EXPOSE 8000' '$C/backend/Dockerfile'"
check "k8s/backend.yaml: containerPort: 8001" contains k8s/backend.yaml 'containerPort: 8001'
check "frontend/Dockerfile: HEALTHCHECK" contains frontend/Dockerfile 'HEALTHCHECK '
check "frontend/Dockerfile: numeric USER" grep -qE '^USER [0-9]+:[0-9]+$' "$C/frontend/Dockerfile"
check "k8s/frontend.yaml: containerPort" contains k8s/frontend.yaml 'containerPort: '
check "backend/Dockerfile carries the projen marker" contains backend/Dockerfile 'Generated by projen'
check "generated files are listed in .projen/files.json" node -e "
  const f = require('$C/.projen/files.json').files;
  for (const x of ['backend/Dockerfile', 'frontend/Dockerfile', 'frontend/nginx.conf', 'k8s/backend.yaml', 'k8s/frontend.yaml'])
    if (!f.includes(x)) throw new Error('not in files.json: ' + x);"

# The checker, through the package's bin in the packed install: zero findings on the generated files,
# and exit 1 with a PC001 finding once the snippet's containerPort disagrees with EXPOSE.
step check-bin-installed test -x "$C/node_modules/.bin/projen-containers"
step check-generated consumer npx projen-containers check --strict backend frontend k8s
check "npx projen-containers check reports zero findings" grep -qF '0 error(s), 0 warning(s), 0 info; checked 2 Dockerfile(s), 2 container(s), 2 paired' "$LOGS/check-generated.log"
mkdir -p "$WORK/drift/k8s" && cp -r "$C/backend" "$WORK/drift/backend" && sed 's/containerPort: 8001/containerPort: 9000/' "$C/k8s/backend.yaml" >"$WORK/drift/k8s/backend.yaml"
check "npx projen-containers check exits 1 on a drifted containerPort" bash -c "cd '$C' && out=\$(npx projen-containers check --format json '$WORK/drift'; echo rc=\$?) && echo \"\$out\" | grep -q '\"rule\": \"PC001\"' && echo \"\$out\" | grep -qx 'rc=1'"

# A third synthesis must be a no-op on the generated files.
GEN=(backend/Dockerfile frontend/Dockerfile frontend/nginx.conf k8s/backend.yaml k8s/frontend.yaml)
(cd "$C" && cat "${GEN[@]}") | cksum >"$WORK/before.sum"
step synth-3-stable consumer npx projen
(cd "$C" && cat "${GEN[@]}") | cksum >"$WORK/after.sum"
check "re-running npx projen leaves the generated files unchanged" cmp -s "$WORK/before.sum" "$WORK/after.sum"

finish

#!/usr/bin/env bash
# Pack test: the packed package installs into a fresh projen TypeScript project and synthesizes there.
#
#   bash test/pack/run.sh        (from the repository root; CI-safe, idempotent)
#
# 1. `npx projen compile` (jsii) and `npm pack` of this repository into a temp dir; checks what the
#    tarball holds: lib/index.js, lib/index.d.ts, .jsii, README.md and every docs/*.md in; examples/, test/
#    out; every `docs/<page>.md` that the compiled code, the .d.ts docstrings or the .jsii name is in the
#    tarball; every relative link of every .md in the tarball resolves inside the tarball, and every link
#    to this repository's GitHub tree names a file of the repository.
# 2. The README test (a new project, with the repo's locked projen): `npx projen@<the repo's projen version> new
#    typescript` in a fresh temp dir outside the repo (named my-app), then the README's blocks from the tarball
#    (test/pack/readme-blocks.js) as a reader adds them to the .projenrc.ts projen new wrote: step 1 (devDeps, with
#    only `'projen-containers'` replaced by `projen-containers@file:<tarball>`) into the project's options, step 2
#    (the import at the top, the containers above project.synth()), `npx projen` after each. The project keeps its
#    name and npm (no yarn anywhere, no deprecation warning), and `tsc -p projenrc/tsconfig.json` type-checks the
#    final .projenrc.ts.
# 3. Asserts the generated files and their key lines; `npx projen-containers check` (the package's bin)
#    reports zero findings on them and exit 1 on a drifted copy; its --help names a docs page that exists
#    in the install; a third `npx projen` must change nothing.
# 4. Errors: a .projenrc.ts with a bad port stops `npx projen` with the one-line message, the installed
#    docs page and the user's own line, and no stack frame inside the package.
# 5. `npx projen build` in the consumer: its npm package (dist/js/*.tgz) holds none of the generated files.
# 6. The README's existing-repository path (with today's registry versions) on a copy of test/pack/existing-repo,
#    a polyglot app with its own .gitignore, LICENSE, docker-compose.yml, Helm chart and kustomize overlays: the
#    README's commands as written, its step 1 and existing-repository step 2; every file the app had stays
#    byte-identical (sha256) after projen new, npx projen and npx projen build; the generated files are where the
#    docs say; the kustomize Component of docs/getting-started.md applies to the app's overlay (real kubectl).
# 7. Removes the temp dirs on exit.
#
# Needs: node >= 20, npm, the npm registry. Writes in the repo only what `projen compile` writes
# (lib/, .jsii).
#
# Env:
#   PACK_TEST_KEEP=1   keep the temp dir (printed) for inspection
#   PACK_TEST_ONLY=existing   after step 1, run step 6 only
#   PACK_TEST_EXISTING_SH=<file>   step 6 runs these commands instead of the README's (to see the step fail on
#                      the old start, `npx projen new typescript` at the repository's root)
#
# Every check is a step of the harness (test/harness/harness.sh): test-reports/pack-test.json, and last line
# `pack-test: N passed, M failed`; exit status 0 only when M is 0.
set -euo pipefail

START=$SECONDS
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/projen-containers-pack-test.XXXXXX")"
WORK="$(cd "$WORK" && pwd -P)"
PACK_DIR="$WORK/pack"
CONSUMER="$WORK/consumer"
LOGS="$WORK/logs"
mkdir -p "$PACK_DIR" "$CONSUMER" "$LOGS" "$WORK/tmp"
# Everything this test starts (npm, projen, the user's own jest in `npx projen build`, whose cache would otherwise
# be jest_<uid> in the system temp folder) takes a temp folder of the test's own, removed with $WORK.
export TMPDIR="$WORK/tmp"

cleanup() {
  if [ "${PACK_TEST_KEEP:-0}" != 1 ]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# shellcheck source=../harness/harness.sh
source "$ROOT/test/harness/harness.sh"
harness_start pack-test
FAILED=0

log() { echo "[pack-test] $*"; }
pass() { harness_record pack-test "$*" pass; echo "  ok   $*"; }
fail() { FAILED=$((FAILED + 1)); harness_record pack-test "$*" fail; echo "  FAIL $*"; }

finish() {
  echo "pack-test: elapsed $((SECONDS - START))s"
  harness_summary pack-test
  exit $?
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

# The docs ship: every page of docs/ (the CLI help, the errors and the docstrings point into it).
for f in $(cd "$ROOT" && find docs -name '*.md' | sort); do
  check "tarball contains $f" has "$f"
done
check "tarball has no generated example file (no Dockerfile, nginx.conf, compose.yaml, *.values.yaml)" \
  bash -c "! grep -E '(^|/)(Dockerfile|nginx\.conf|compose\.yaml|[^/]*\.values\.yaml)$' '$WORK/tarball.txt'"
# Every docs page named by the compiled code, its .d.ts docstrings or the .jsii is in the tarball.
step docs-named-in-package node - "$WORK/unpacked/package" "$WORK/tarball.txt" <<'EOF'
const fs = require('fs'), path = require('path'), zlib = require('zlib');
const [dir, list] = process.argv.slice(2);
const files = new Set(fs.readFileSync(list, 'utf8').split('\n').filter(Boolean));
const texts = [...files].filter((f) => /^lib\/.*\.(js|d\.ts)$/.test(f)).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]);
let jsii = JSON.parse(fs.readFileSync(path.join(dir, '.jsii'), 'utf8'));
if (jsii.schema === 'jsii/file-redirect') jsii = JSON.parse(zlib.gunzipSync(fs.readFileSync(path.join(dir, jsii.filename))).toString());
texts.push(['.jsii', JSON.stringify(jsii)]);
const named = new Map();
for (const [f, t] of texts) for (const m of t.matchAll(/\bdocs\/[A-Za-z0-9_/-]+\.md\b/g)) named.set(m[0], f);
// path.join(__dirname, '..', 'docs', 'x.md') in compiled code: 'docs', '<page>.md'
for (const [f, t] of texts) for (const m of t.matchAll(/'docs', '([A-Za-z0-9_-]+\.md)'/g)) named.set(`docs/${m[1]}`, f);
const missing = [...named].filter(([d]) => !files.has(d) && !d.startsWith('docs/health-alignment.md'));
console.log(`${named.size} docs pages named: ${[...named.keys()].sort().join(', ')}`);
if (missing.length) throw new Error('named but not in the tarball: ' + missing.map(([d, f]) => `${d} (in ${f})`).join(', '));
EOF
check "the package names at least docs/inputs.md and docs/check.md" grep -q 'docs/check.md.*docs/inputs.md' "$LOGS/docs-named-in-package.log"
# Every relative link of every .md in the tarball resolves inside it; links to this repository's GitHub
# tree (https://github.com/<repo>/(blob|tree)/main/<path>) name a path of the repository.
step md-links-resolve node - "$WORK/unpacked/package" "$WORK/tarball.txt" "$ROOT" <<'EOF'
const fs = require('fs'), path = require('path');
const [dir, list, root] = process.argv.slice(2);
const files = fs.readFileSync(list, 'utf8').split('\n').filter(Boolean);
const repo = require(path.join(root, 'package.json')).repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
const bad = [];
let n = 0;
for (const f of files.filter((x) => x.endsWith('.md') && !x.startsWith('node_modules/'))) {
  const text = fs.readFileSync(path.join(dir, f), 'utf8').replace(/```[\s\S]*?```/g, '');
  for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    const link = m[1].split('#')[0];
    if (!link) continue;
    n++;
    if (link.startsWith(repo + '/')) {
      const rel = link.slice(repo.length).replace(/^\/(blob|tree)\/main\//, '');
      if (!fs.existsSync(path.join(root, rel))) bad.push(`${f}: ${m[1]} (not in the repository)`);
    } else if (!/^[a-z]+:/.test(link)) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(f), link));
      if (!fs.existsSync(path.join(dir, target))) bad.push(`${f}: ${m[1]} (not in the tarball)`);
    }
  }
}
console.log(`${n} links checked`);
if (bad.length) throw new Error('broken links:\n' + bad.join('\n'));
EOF

{
  echo "  tarball: $(wc -l <"$WORK/tarball.txt") files, $(du -k "$TGZ" | cut -f1) KiB packed"
  echo "  top level:"
  sed 's#/.*#/#' "$WORK/tarball.txt" | sort | uniq -c | sed 's/^/    /'
  echo "  lib/: $(grep -c '^lib/.*\.js$' "$WORK/tarball.txt") .js, $(grep -c '^lib/.*\.d\.ts$' "$WORK/tarball.txt") .d.ts"
  echo "  src/*.ts sources: $(grep -c '^src/' "$WORK/tarball.txt" || true)"
}
stop_if_failed "the tarball is incomplete"

# The README's blocks, from the README in the tarball (what npm shows): step 1 (devDeps, into the options) and
# step 2 (the import and the containers, above project.synth()), applied to the .projenrc.ts projen new wrote.
step readme-blocks node "$ROOT/test/pack/readme-blocks.js" extract "$WORK/unpacked/package/README.md" \
  "$WORK/unpacked/package/docs/getting-started.md" "$WORK/readme"
# Only the package spec changes: the tarball instead of the registry (the package is not published).
with_tarball() { sed "s#devDeps: \\['$PKG_NAME'\\]#devDeps: ['$PKG_NAME@file:$TGZ']#" "$1" >"$2" && grep -qF "$PKG_NAME@file:" "$2"; }
step readme-step-1-tarball with_tarball "$WORK/readme/step1.ts" "$WORK/readme/step1.tarball.ts"
check "README: the new-project block runs npx projen new typescript" grep -qx "npx projen new typescript" "$WORK/readme/new.sh"

# ---------------------------------------------------------------------------------------------------
# 6. The README's existing-repository path, on a copy of test/pack/existing-repo (a polyglot app with its own
#    .gitignore, MIT LICENSE, docker-compose.yml, Helm chart and kustomize overlays), with today's registry
#    versions: the README's ```sh block of "### An existing repository", run as written from the repository's root
#    (npx answers its install prompt through npm_config_yes, and asks the registry through npm_config_prefer_online),
#    then the README's step 1 and its existing-repository step 2 in the folder the block ends in, `npx projen` after
#    each and `npx projen build`. Every file the app had is byte-identical after each of them, and the generated
#    files are where the README and docs/getting-started.md say.
#    PACK_TEST_EXISTING_SH=<file> runs that file instead of the README's block (the old README's start is
#    `npx projen new typescript` at the root: it breaks the app's .gitignore, LICENSE and test/e2e/*.ts).
existing_repository() {
  log "6. the README's existing-repository path on test/pack/existing-repo, with today's registry versions"
  local repo="$WORK/repo" sums="$WORK/app.sha256" block="${PACK_TEST_EXISTING_SH:-$WORK/readme/existing.sh}"
  cp -r "$ROOT/test/pack/existing-repo" "$repo"
  # The app's secrets, ignored by its own .gitignore (so never in a repository, nor in the fixture).
  printf 'MAIL_API_KEY=pack-test-not-a-secret\n' >"$repo/.env"
  step existing-git-init bash -c "cd '$repo' && git init -q -b main && git add -A && git -c user.name=pack-test -c user.email=pack-test@localhost commit -qm 'the app'"
  check "the fixture's .env is ignored by its own .gitignore" bash -c "cd '$repo' && git check-ignore -q .env"
  (cd "$repo" && find . -path ./.git -prune -o -type f -print | LC_ALL=C sort | xargs -d '\n' sha256sum) >"$sums"
  local nfiles
  nfiles="$(wc -l <"$sums")"
  # Every file the app had, byte for byte; the changed ones are named in the step.
  app_intact() {
    local changed
    changed="$(cd "$repo" && { sha256sum --quiet -c "$sums" 2>/dev/null || true; } | sed 's/: .*//' | tr '\n' ' ')"
    if [ -z "$changed" ]; then pass "after $1: the app's $nfiles files are byte-identical"; else fail "after $1: the app's files changed: $changed"; fi
  }
  # Nothing of the app's is modified or deleted in git's eyes, .env stays ignored, and every new file is in the
  # projen folder or one of the generated files beside the apps.
  app_git_clean() {
    local bad
    bad="$(cd "$repo" && git status --porcelain --untracked-files=all | grep -v '^?? ' || true)"
    if [ -z "$bad" ]; then pass "after $1: git status shows no file of the app modified or deleted"; else fail "after $1: git status: $(echo "$bad" | tr '\n' ' ')"; fi
    check "after $1: .env is still ignored (git check-ignore)" bash -c "cd '$repo' && git check-ignore -q .env"
  }

  local rc=0
  (cd "$repo" && env -u CI npm_config_yes=true npm_config_prefer_online=true bash -e -c '. "$0"; pwd >"$1"' "$block" "$WORK/projen-dir") >"$LOGS/existing-readme-block.log" 2>&1 || rc=$?
  if [ "$rc" = 0 ]; then pass "the README's existing-repository block ran: $(tr '\n' ';' <"$block")"; else fail "the README's existing-repository block (exit $rc): $(tr '\n' ';' <"$block")"; tail -n 30 "$LOGS/existing-readme-block.log" | sed 's/^/  | /'; fi
  app_intact "projen new"
  app_git_clean "projen new"
  stop_if_failed "the existing-repository path damaged the app or failed"
  local dir
  dir="$(cat "$WORK/projen-dir")"
  check "the projen project is in containers/ (the folder the README's block ends in)" test "$dir" = "$repo/containers"
  local rel="${dir#"$repo"/}"

  # Today's registry versions: projen as npm's latest; TypeScript as projen resolves it (it pins its own range).
  local reg_projen reg_ts got_projen got_ts
  reg_projen="$(npm view projen version 2>/dev/null || echo unknown)"
  reg_ts="$(npm view typescript version 2>/dev/null || echo unknown)"
  got_projen="$(node -p "require('$dir/node_modules/projen/package.json').version" 2>/dev/null || echo none)"
  got_ts="$(node -p "require('$dir/node_modules/typescript/package.json').version" 2>/dev/null || echo none)"
  check "projen new used the registry's latest projen ($reg_projen; installed $got_projen; TypeScript $got_ts installed, registry latest $reg_ts)" test "$reg_projen" = "$got_projen"
  check "projen new wrote no LICENSE, .github, .git or .mergify.yml in $rel/" bash -c "cd '$dir' && ! test -e LICENSE && ! test -e .github && ! test -e .git && ! test -e .mergify.yml"
  check "$rel/package.json: license UNLICENSED (--licensed false)" node -e "if (require('$dir/package.json').license !== 'UNLICENSED') process.exit(1)"

  local inrepo=(bash -c 'cd "$0" && env -u CI "$@"' "$dir")
  step existing-step-1-add node "$ROOT/test/pack/readme-blocks.js" apply options "$WORK/readme/step1.tarball.ts" "$dir/.projenrc.ts"
  step existing-step-1-synth "${inrepo[@]}" npx projen
  app_intact "step 1 and npx projen"
  step existing-step-2-add node "$ROOT/test/pack/readme-blocks.js" apply body "$WORK/readme/existing-step2.ts" "$dir/.projenrc.ts"
  cp "$dir/.projenrc.ts" "$LOGS/existing.projenrc.ts"
  step existing-step-2-synth "${inrepo[@]}" npx projen
  app_intact "step 2 and npx projen"
  app_git_clean "step 2 and npx projen"
  check "no [DEPRECATED] warning from npx projen" bash -c "! grep -qF '[DEPRECATED]' '$LOGS/existing-step-2-synth.log'"

  # Where the README and docs/getting-started.md say the files go: Dockerfiles beside the apps, the rest in containers/.
  local f
  for f in services/orders/Dockerfile services/orders/.dockerignore services/catalog/Dockerfile \
    services/catalog/cmd/healthcheck/main.go services/recommendations/Dockerfile frontend/shop/Dockerfile \
    frontend/shop/nginx.conf "$rel/k8s/orders.yaml" "$rel/k8s/catalog.yaml" \
    "$rel/k8s/recommendations.yaml" "$rel/k8s/shop.yaml" "$rel/k8s/patches/orders.yaml" "$rel/helm/orders.values.yaml" \
    "$rel/docs/health-alignment.md"; do
    check "generated: $f" grep -qF 'Generated by projen' "$repo/$f"
  done
  check "every new file is in $rel/ or a generated file beside an app" bash -c "cd '$repo' && ! git status --porcelain --untracked-files=all | sed 's/^?? //' | grep -vE '^($rel/|services/(orders|catalog|recommendations)/(Dockerfile|\\.dockerignore|cmd/healthcheck/main\\.go)$|frontend/shop/(Dockerfile|\\.dockerignore|nginx\\.conf)$)'"
  check "no compose.yaml at the root: the app's docker-compose.yml is what docker compose runs" bash -c "! test -e '$repo/compose.yaml' && ! test -e '$repo/compose.yml'"
  # The README's block has `compose: false`: the app's docker-compose.yml (environment, database, queue) stays its
  # Compose file (docs/getting-started.md says how to turn the generated one on).
  check "no compose.yaml in $rel/ (compose: false)" bash -c "! test -e '$dir/compose.yaml'"
  check "services/orders/Dockerfile: the app's MIT licence in its label, from labels (not Apache-2.0)" grep -qF 'org.opencontainers.image.licenses="MIT"' "$repo/services/orders/Dockerfile"
  check "services/orders/Dockerfile: CMD runs src/server.js" grep -qF 'src/server.js' "$repo/services/orders/Dockerfile"
  # The app's routes have no trailing slash (frontend/shop/nginx/default.conf: `location /api/orders { rewrite
  # ^/api(/.*)$ $1 break; ... }`): the README's block carries them as `/api/orders` with `upstreamPath: '/orders'`.
  local shop="$repo/frontend/shop/nginx.conf"
  check "frontend/shop/nginx.conf: /api/orders and /api/orders/ (no 301 between them) to orders:3000, /api taken off" \
    grep -qxF '        location = /api/orders {' "$shop"
  check "frontend/shop/nginx.conf: location ^~ /api/orders/" grep -qxF '        location ^~ /api/orders/ {' "$shop"
  check "frontend/shop/nginx.conf: upstream orders:3000" grep -qF 'set $pc_upstream_0 orders$pc_dns_suffix:3000;' "$shop"
  check "frontend/shop/nginx.conf: /api/orders/<x> sent as /orders/<x>" grep -qF 'rewrite ^/api/orders(/.*)$ /orders$1 break;' "$shop"
  check "frontend/shop/nginx.conf: client_max_body_size 10m, as the app's own conf" grep -qF 'client_max_body_size 10m;' "$shop"
  # The generated conf and start command on a real nginx (tools/nginx.sh) in a network namespace of its own (loopback
  # only, so the model's ports 3000 and 8080 are free there), the upstreams on loopback, their names from a DNS stub:
  # the frontend's own calls, `fetch('/api/products')` and `POST /api/orders`, reach the services with method, path
  # and body unchanged, never a redirect.
  cat >"$WORK/shop-checks.json" <<'JSON'
[
  { "method": "GET", "path": "/api/products", "upstream": "catalog", "seen": "/products" },
  { "method": "GET", "path": "/api/products/42?lang=de", "upstream": "catalog", "seen": "/products/42?lang=de" },
  { "method": "POST", "path": "/api/orders", "body": "{\"sku\":\"42\",\"qty\":2}", "upstream": "orders", "seen": "/orders" },
  { "method": "DELETE", "path": "/api/orders/7", "upstream": "orders", "seen": "/orders/7" }
]
JSON
  step existing-shop-routes unshare --net sh -c 'ip link set lo up && exec "$@"' sh \
    node "$ROOT/node_modules/ts-node/dist/bin.js" --transpile-only --project "$ROOT/test/tsconfig.json" \
    "$ROOT/test/pack/shop-routes.ts" "$shop" "$repo/frontend/shop/Dockerfile" "$WORK/shop-checks.json"
  sed 's/^/  | /' "$LOGS/existing-shop-routes.log"

  step existing-build "${inrepo[@]}" npx projen build
  app_intact "npx projen build"
  app_git_clean "npx projen build"
  step existing-synth-stable bash -c "cd '$repo' && git add -A && git -c user.name=pack-test -c user.email=pack-test@localhost commit -qm containers && cd '$dir' && env -u CI npx projen && cd '$repo' && test -z \"\$(git status --porcelain)\""

  # kustomize: the Component of docs/getting-started.md in containers/k8s/, named in the app's overlay (the user's own
  # edit, after the checks above).
  cp "$WORK/readme/component.yaml" "$dir/k8s/kustomization.yaml"
  cat "$WORK/readme/overlay.yaml" >>"$repo/deploy/k8s/overlays/prod/kustomization.yaml"
  if command -v kubectl >/dev/null; then
    step existing-kustomize bash -c "kubectl kustomize '$repo/deploy/k8s/overlays/prod' >'$WORK/kustomized.yaml'"
    check "kustomized: the orders container has the generated readinessProbe and port 3000" node -e "
      const YAML = require('$ROOT/node_modules/yaml');
      const d = YAML.parseAllDocuments(require('fs').readFileSync('$WORK/kustomized.yaml', 'utf8')).map((x) => x.toJS()).find((x) => x.kind === 'Deployment');
      const c = d.spec.template.spec.containers.find((x) => x.name === 'orders');
      if (!c.readinessProbe || !c.ports.some((p) => p.containerPort === 3000)) throw new Error(JSON.stringify(c));"
    check "kustomized: the log-shipper sidecar is still there" grep -qF 'name: log-shipper' "$WORK/kustomized.yaml"
    # The patch touches only its container: the pod's own grace period (45 s; the model needs 30 s at most), the
    # metrics port, the sidecar and its ConfigMap volume named tmp stay as the app wrote them.
    check "kustomized: only the orders container changed (grace 45, metrics 9090 kept, the sidecar's tmp still a ConfigMap alone, /tmp on orders-tmp)" node -e "
      const YAML = require('$ROOT/node_modules/yaml');
      const d = YAML.parseAllDocuments(require('fs').readFileSync('$WORK/kustomized.yaml', 'utf8')).map((x) => x.toJS()).find((x) => x.kind === 'Deployment');
      const pod = d.spec.template.spec;
      const c = pod.containers.find((x) => x.name === 'orders');
      const tmp = pod.volumes.find((v) => v.name === 'tmp');
      const own = pod.volumes.find((v) => v.name === 'orders-tmp');
      const problems = [];
      if (pod.terminationGracePeriodSeconds !== 45) problems.push('grace ' + pod.terminationGracePeriodSeconds);
      if (!c.ports.some((p) => p.name === 'metrics' && p.containerPort === 9090)) problems.push('metrics port gone');
      if (JSON.stringify(Object.keys(tmp).sort()) !== JSON.stringify(['configMap', 'name'])) problems.push('tmp volume ' + JSON.stringify(tmp));
      if (!own || !own.emptyDir || !c.volumeMounts.some((m) => m.name === 'orders-tmp' && m.mountPath === '/tmp')) problems.push('orders /tmp ' + JSON.stringify(own));
      if (pod.containers.length !== 2) problems.push(pod.containers.length + ' containers');
      if (problems.length) throw new Error(problems.join('; '));"
    # The guard: with the Deployment's container named otherwise, kustomize fails (the patch alone would add an
    # image-less container and exit 0).
    # (A copy beside deploy/, so that the overlay's relative path to the Component still holds: kustomize refuses an
    # absolute one.)
    cp -r "$repo/deploy" "$repo/deploy-renamed"
    sed -i 's/- name: orders$/- name: orders-app/' "$repo/deploy-renamed/k8s/base/orders.yaml"
    check "kustomize fails on a Deployment whose container is not named orders (the guard)" bash -c "
      ! kubectl kustomize '$repo/deploy-renamed/k8s/overlays/prod' >/dev/null 2>'$WORK/guard.err' && grep -qF 'containers.[name=orders]' '$WORK/guard.err'"
    rm -rf "$repo/deploy-renamed"
  else
    echo "  kubectl not found: the kustomize check is skipped"
  fi
}

if [ "${PACK_TEST_ONLY:-}" = existing ]; then
  existing_repository
  finish
fi

# ---------------------------------------------------------------------------------------------------
log "2. the README, pasted into a fresh projen TypeScript project in $CONSUMER"
step projen-new consumer npx -y "projen@$PROJEN_VERSION" new typescript \
  --no-git --projenrc-ts --name my-app --no-post --projen-version "$PROJEN_VERSION"
check "consumer .projenrc.ts written" test -f "$CONSUMER/.projenrc.ts"
stop_if_failed "projen new wrote no .projenrc.ts"
step consumer-npm-install consumer npm install --no-audit --no-fund

step readme-step-1-add node "$ROOT/test/pack/readme-blocks.js" apply options "$WORK/readme/step1.tarball.ts" "$CONSUMER/.projenrc.ts"
step readme-step-1-synth consumer npx projen
check "README step 1: no [DEPRECATED] warning from npx projen (packageManager is set)" bash -c "! grep -qF '[DEPRECATED]' '$LOGS/readme-step-1-synth.log'"
step readme-step-2-add node "$ROOT/test/pack/readme-blocks.js" apply body "$WORK/readme/step2.ts" "$CONSUMER/.projenrc.ts"
step readme-step-2-synth consumer npx projen
check "README step 2: no [DEPRECATED] warning from npx projen" bash -c "! grep -qF '[DEPRECATED]' '$LOGS/readme-step-2-synth.log'"
cp "$CONSUMER/.projenrc.ts" "$LOGS/consumer.projenrc.ts"
check "package.json devDependencies has $PKG_NAME@file:<tarball>" node -e "
  const p = require('$CONSUMER/package.json');
  if (p.devDependencies['$PKG_NAME'] !== 'file:$TGZ') throw new Error(JSON.stringify(p.devDependencies));"
check "the project keeps its name (my-app)" node -e "if (require('$CONSUMER/package.json').name !== 'my-app') process.exit(1)"
check "the project stays on npm: no yarn in its tasks, package.json or workflows" \
  bash -c "! grep -rqi yarn '$CONSUMER/.projen/tasks.json' '$CONSUMER/package.json' '$CONSUMER/.github' && test -f '$CONSUMER/package-lock.json' && ! test -e '$CONSUMER/yarn.lock'"
check "$PKG_NAME installed in the consumer" test -f "$CONSUMER/node_modules/$PKG_NAME/lib/index.js"
check "installed $PKG_NAME has its .jsii and docs/inputs.md" test -f "$CONSUMER/node_modules/$PKG_NAME/.jsii" -a -f "$CONSUMER/node_modules/$PKG_NAME/docs/inputs.md"
# The peer dependencies must be the consumer's own copies: one projen, one constructs.
check "no nested projen/constructs under $PKG_NAME (peers shared)" bash -c "
  ! test -e '$CONSUMER/node_modules/$PKG_NAME/node_modules/projen' &&
  ! test -e '$CONSUMER/node_modules/$PKG_NAME/node_modules/constructs'"
# docs/getting-started.md: how to type-check .projenrc.ts.
step typecheck-projenrc consumer npx tsc -p projenrc/tsconfig.json
stop_if_failed "the README's .projenrc.ts did not synthesize"

# ---------------------------------------------------------------------------------------------------
log "3. generated files"
C="$CONSUMER"
for f in backend/Dockerfile frontend/Dockerfile frontend/nginx.conf k8s/backend.yaml k8s/frontend.yaml; do
  check "$f exists and is not empty" test -s "$C/$f"
done
contains() { grep -qF -- "$2" "$C/$1"; }
check "backend/Dockerfile: HEALTHCHECK --interval=30s --timeout=10s --start-period=10s --retries=3" \
  contains backend/Dockerfile 'HEALTHCHECK --interval=30s --timeout=10s --start-period=10s --retries=3'
check "backend/Dockerfile: EXPOSE 8000/tcp" contains backend/Dockerfile 'EXPOSE 8000/tcp'
check "backend/Dockerfile: USER 1000:1000" contains backend/Dockerfile 'USER 1000:1000'
check "k8s/backend.yaml: containerPort: 8000" contains k8s/backend.yaml 'containerPort: 8000'
check "frontend/Dockerfile: HEALTHCHECK" contains frontend/Dockerfile 'HEALTHCHECK '
check "frontend/Dockerfile: numeric USER" grep -qE '^USER [0-9]+:[0-9]+$' "$C/frontend/Dockerfile"
check "k8s/frontend.yaml: containerPort" contains k8s/frontend.yaml 'containerPort: '
check "backend/Dockerfile carries the projen marker" contains backend/Dockerfile 'Generated by projen'
GENERATED="backend/Dockerfile backend/.dockerignore frontend/Dockerfile frontend/.dockerignore frontend/nginx.conf k8s/backend.yaml k8s/frontend.yaml compose.yaml k8s/patches/backend.yaml k8s/patches/frontend.yaml helm/backend.values.yaml helm/frontend.values.yaml docs/health-alignment.md"
check "generated files are listed in .projen/files.json" node -e "
  const f = require('$C/.projen/files.json').files;
  for (const x of '$GENERATED'.split(' '))
    if (!f.includes(x)) throw new Error('not in files.json: ' + x);"

# The checker, through the package's bin in the packed install: zero findings on the generated files,
# and exit 1 with a PC001 finding once the snippet's containerPort disagrees with EXPOSE.
step check-bin-installed test -x "$C/node_modules/.bin/projen-containers"
step check-generated consumer npx projen-containers check --strict backend frontend k8s/backend.yaml k8s/frontend.yaml
step check-help consumer npx projen-containers check --help
check "check --help names the installed docs/check.md, which exists" bash -c "
  f=\$(grep -oE '/[^ ]*/docs/check\.md' '$LOGS/check-help.log') && test -f \"\$f\" && case \"\$f\" in '$C/node_modules/$PKG_NAME/'*) ;; *) exit 1 ;; esac"
check "npx projen-containers check reports zero findings" grep -qF '0 error(s), 0 warning(s), 0 info; checked 2 Dockerfile(s), 2 container(s), 2 paired' "$LOGS/check-generated.log"
mkdir -p "$WORK/drift/k8s" && cp -r "$C/backend" "$WORK/drift/backend" && sed 's/containerPort: 8000/containerPort: 9000/' "$C/k8s/backend.yaml" >"$WORK/drift/k8s/backend.yaml"
check "npx projen-containers check reports PC001 and exits 1 under --strict on a drifted containerPort (PC001 is a warning by default)" bash -c "cd '$C' && out=\$(npx projen-containers check --strict --format json '$WORK/drift'; echo rc=\$?) && echo \"\$out\" | grep -q '\"rule\": \"PC001\"' && echo \"\$out\" | grep -qx 'rc=1'"

# A third synthesis must be a no-op on the generated files.
read -r -a GEN <<<"$GENERATED"
(cd "$C" && cat "${GEN[@]}") | cksum >"$WORK/before.sum"
step synth-3-stable consumer npx projen
(cd "$C" && cat "${GEN[@]}") | cksum >"$WORK/after.sum"
check "re-running npx projen leaves the generated files unchanged" cmp -s "$WORK/before.sum" "$WORK/after.sum"


# ---------------------------------------------------------------------------------------------------
log "4. a validation error, as npx projen shows it"
cp "$C/.projenrc.ts" "$WORK/good.projenrc.ts"
sed -i "s/const backend = new FastApiBackend(project, 'backend', {/const backend = new FastApiBackend(project, 'backend', { port: 80,/" "$C/.projenrc.ts"
check "the bad .projenrc.ts sets port 80" grep -qF "{ port: 80," "$C/.projenrc.ts"
BAD_RC=0
(cd "$C" && env -u CI npx projen) >"$LOGS/bad-port.log" 2>&1 || BAD_RC=$?
echo "rc=$BAD_RC" >>"$LOGS/bad-port.log"
cp "$WORK/good.projenrc.ts" "$C/.projenrc.ts"
BAD="$LOGS/bad-port.log"
check "npx projen fails on port 80" grep -qx 'rc=1' "$BAD"
check "the message: ValidationError: backend.port: must be from 1024 to 65535 ...; received 80" grep -qE '^ValidationError: backend\.port: must be from 1024 to 65535 .*; received 80$' "$BAD"
check "the docs line names the installed docs/inputs.md, which exists" bash -c "f=\$(sed -n 's/^  docs: //p' '$BAD') && test -f \"\$f\" && case \"\$f\" in '$C/node_modules/$PKG_NAME/docs/inputs.md') ;; *) exit 1 ;; esac"
check "the source line shown is the user's .projenrc.ts" grep -qE "^$C/\.projenrc\.ts:[0-9]+$" "$BAD"
check "no stack frame or source line inside the package" bash -c "! grep -F 'node_modules/$PKG_NAME/lib' '$BAD'"
echo "  output of npx projen with port 80:"; sed 's/^/    | /' "$BAD"

# ---------------------------------------------------------------------------------------------------
log "5. npx projen build: the user's npm package holds none of the generated files"
step consumer-build consumer npx projen build
PKG_TGZ="$(ls "$C"/dist/js/*.tgz 2>/dev/null | head -n 1)"
check "npx projen build wrote dist/js/my-app-*.tgz" test -s "$PKG_TGZ"
tar -tzf "$PKG_TGZ" | sed 's#^package/##' | sort >"$WORK/consumer-tarball.txt"
for f in "${GEN[@]}"; do
  check "the user's package has no $f" bash -c "! grep -qxF '$f' '$WORK/consumer-tarball.txt'"
done
check "the user's package has its own lib/index.js" grep -qxF lib/index.js "$WORK/consumer-tarball.txt"
echo "  the user's package: $(tr '\n' ' ' <"$WORK/consumer-tarball.txt")"

existing_repository
finish

#!/usr/bin/env bash
# The isolation check (`npx projen test:isolation`, a step of test:all; issue 24): the unit tests, run from a clone
# under the system temp folder, leave the clone intact and unchanged and nothing in the temp folder.
#
#   bash test/isolation/run.sh [jest args...]     (from anywhere; args narrow the jest run, e.g. test/user-facing.test.ts)
#
# 1. Makes one folder of its own in the system temp folder (os.tmpdir()), pc-isolation.XXXXXX, and in it `tmp/`,
#    the temp folder the tests will see, and `git clone`s this checkout's HEAD (ISOLATION_REF to choose another
#    commit) into tmp/clone. Without ISOLATION_REF the working tree's changes (tracked files changed or deleted,
#    untracked files git does not ignore) are carried into the clone and committed there, so the run tests what is
#    in the working tree, not only HEAD: this is how test:all runs the unit tests (once, here). node_modules is this checkout's, copied as hard links (`cp -al`, else `cp -a`; no
#    jest cache), or installed with `npm ci` when package-lock.json differs from the commit's (or ISOLATION_NPM_CI=1).
# 2. Runs `npx projen test` (jest, then eslint) in the clone, in a private mount namespace whose /tmp is tmp/ (the
#    clone is /tmp/clone there: a checkout under the system temp folder, as a contributor's could be), so that
#    nothing else on the machine writes into the folder it checks. Without mount namespaces (no root, no user
#    namespaces) TMPDIR=tmp/ instead, which does not see a path written to /tmp by name.
# 3. Asserts: the tests passed; the clone is there with its .git at the same commit; `git status --porcelain` is
#    empty in it; and the temp folder holds nothing but the clone.
# 4. Copies the clone's jest report (test-reports/junit.xml) into this checkout's test-reports/, which .ci/run sums.
# 5. Removes its folder on exit (ISOLATION_KEEP=1 keeps it, printed).
#
# Last line: `isolation: N passed, M failed` (test-reports/isolation.json, test/harness); exit status 0 only when M is 0.
set -uo pipefail

START=$SECONDS
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SYSTMP="$(node -p 'require("os").tmpdir()')"
COMMIT="$(git -C "$ROOT" rev-parse --verify "${ISOLATION_REF:-HEAD}^{commit}")" || { echo "isolation: ISOLATION_REF: must name a commit; received ${ISOLATION_REF:-HEAD}"; echo "isolation: 0 passed, 1 failed"; exit 1; }
WORK="$(mktemp -d "$SYSTMP/pc-isolation.XXXXXX")"
WORK="$(cd "$WORK" && pwd -P)"
TMP="$WORK/tmp"
CLONE="$TMP/clone"
LOG="$WORK/test.log"
mkdir "$TMP"

cleanup() {
  if [ "${ISOLATION_KEEP:-0}" = 1 ]; then echo "isolation: kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Every check is a step of the harness (test/harness/harness.sh): test-reports/isolation.json, and the last line.
# shellcheck source=../harness/harness.sh
source "$ROOT/test/harness/harness.sh"
harness_start isolation
pass() { harness_record isolation "$*" pass; echo "  ok   $*"; }
fail() { harness_record isolation "$*" fail; echo "  FAIL $*"; }
finish() {
  echo "isolation: elapsed $((SECONDS - START))s"
  harness_summary isolation
  exit $?
}

echo "[isolation] clone of ${COMMIT:0:12} into $CLONE"
if ! git clone -q --no-checkout "$ROOT" "$CLONE" || ! git -C "$CLONE" checkout -q --detach "$COMMIT"; then
  fail "git clone of $COMMIT into $CLONE"; finish
fi
# The working tree's changes, committed in the clone (not with ISOLATION_REF: that names what to test).
if [ -z "${ISOLATION_REF:-}" ] && [ -n "$(git -C "$ROOT" status --porcelain)" ]; then
  carry() {
    local f
    while IFS= read -r -d '' f; do
      if [ -e "$ROOT/$f" ] || [ -L "$ROOT/$f" ]; then cp --parents -a -t "$CLONE" -- "$f" || return 1; else rm -f -- "$CLONE/$f"; fi
    done < <(git ls-files -z --modified --deleted --others --exclude-standard)
  }
  (cd "$ROOT" && carry) \
    && git -C "$CLONE" add -A \
    && git -C "$CLONE" -c user.name=isolation -c user.email=isolation@localhost commit -q --no-verify -m "isolation: the working tree of $ROOT" \
    || { fail "carrying the working tree's changes into the clone"; finish; }
  COMMIT="$(git -C "$CLONE" rev-parse HEAD)"
  echo "[isolation] the working tree's changes committed in the clone as ${COMMIT:0:12}"
fi
# The checkout's node_modules fits when the clone's package-lock.json is the working tree's.
if [ "${ISOLATION_NPM_CI:-0}" != 1 ] && [ -d "$ROOT/node_modules" ] && cmp -s "$ROOT/package-lock.json" "$CLONE/package-lock.json"; then
  # Hard links when the temp folder is on the checkout's file system; new files (jest's cache) go into the copy's
  # own folders, and no step of the tests rewrites a file of node_modules.
  cp -al "$ROOT/node_modules" "$CLONE/node_modules" 2>/dev/null || { rm -rf "$CLONE/node_modules"; cp -a "$ROOT/node_modules" "$CLONE/node_modules"; }
  rm -rf "$CLONE/node_modules/.cache"
else
  echo "[isolation] npm ci in the clone"
  (cd "$CLONE" && npm ci --no-audit --no-fund >"$WORK/npm-ci.log" 2>&1) || { fail "npm ci in the clone (log: $WORK/npm-ci.log)"; ISOLATION_KEEP=1; finish; }
fi

# The tests' environment: the system temp folder as the default (no TMPDIR), nothing of a test run around this one.
clean_env=(env -u TMPDIR -u TMP -u TEMP -u PC_TEST_TMPDIR -u PC_TEST_SAVED_TMP_ENV -u JEST_WORKER_ID)
args=""
for a in "$@"; do args="$args '${a//\'/\'\\\'\'}'"; done
inner="mount --bind '$TMP' /tmp && cd /tmp/clone && exec npx projen test$args"
if unshare --mount true 2>/dev/null; then
  how="a private mount namespace, /tmp = $TMP"
  ns=(unshare --mount)
elif unshare --mount --map-root-user true 2>/dev/null; then
  how="a private user and mount namespace, /tmp = $TMP"
  ns=(unshare --mount --map-root-user)
else
  how="TMPDIR=$TMP (no mount namespace here: paths written to /tmp by name are not seen)"
  ns=()
fi
echo "[isolation] npx projen test$args in the clone ($how); log: $LOG"
# A bound on the run (ISOLATION_TIMEOUT seconds, default 3600: the unit tests take 10-20 minutes on 2 cores): a test that
# leaves a handle open keeps jest from exiting, and the run would otherwise wait until CI's own limit.
limit=(timeout --kill-after=30 "${ISOLATION_TIMEOUT:-3600}")
if [ ${#ns[@]} -gt 0 ]; then
  "${limit[@]}" "${clean_env[@]}" "${ns[@]}" sh -c "$inner" >"$LOG" 2>&1 </dev/null
else
  (cd "$CLONE" && "${limit[@]}" "${clean_env[@]}" TMPDIR="$TMP" sh -c "exec npx projen test$args") >"$LOG" 2>&1 </dev/null
fi
status=$?
# A jest summary that counts failures fails the run whatever the exit status (a jest stopped by a signal may exit 0).
if [ "$status" -eq 0 ] && grep -qE '^Tests: .*[1-9][0-9]* failed' "$LOG"; then status=1; fi
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
  fail "npx projen test did not end within ${ISOLATION_TIMEOUT:-3600} s in the clone (a test left a handle open? jest: \"did not exit\"); its last lines:"
  tail -40 "$LOG" | sed 's/^/       /'
elif [ "$status" -eq 0 ]; then
  pass "npx projen test passed in the clone ($(grep -E '^Tests: ' "$LOG" | tail -1))"
else
  fail "npx projen test exited $status in the clone; its last lines:"
  tail -40 "$LOG" | sed 's/^/       /'
fi

# The jest report, for .ci/run's sums (test:all runs the unit tests here only).
if [ -f "$CLONE/test-reports/junit.xml" ]; then mkdir -p "$ROOT/test-reports" && cp "$CLONE/test-reports/junit.xml" "$ROOT/test-reports/junit.xml"; fi

if [ -d "$CLONE/.git" ] && [ "$(git -C "$CLONE" rev-parse HEAD 2>/dev/null)" = "$COMMIT" ]; then
  pass "the clone is intact: $CLONE with its .git, at ${COMMIT:0:12}"
else
  fail "the clone is gone or moved: $CLONE$( [ -d "$CLONE" ] && echo " (left: $(ls -A "$CLONE" | head -20 | tr '\n' ' '))" || echo ' does not exist')"
fi

changes="$(git -C "$CLONE" status --porcelain 2>&1)"
if [ -d "$CLONE/.git" ] && [ -z "$changes" ]; then
  pass "git status is clean in the clone"
else
  fail "git status in the clone:"; echo "$changes" | head -40 | sed 's/^/       /'
fi

left="$(ls -A "$TMP" | grep -vx clone)"
if [ -z "$left" ]; then
  pass "the temp folder holds nothing but the clone"
else
  fail "the temp folder holds, beside the clone:"; echo "$left" | head -40 | sed 's/^/       /'
fi

finish

#!/usr/bin/env bash
# API compatibility: jsii-diff of this repository's assembly against the last published one.
#
#   bash scripts/compat.sh               (`npx projen compat`; part of `npx projen release:check`)
#   COMPAT_BASELINE=<dir|npm:projen-containers@x.y.z> bash scripts/compat.sh
#
# The baseline is COMPAT_BASELINE when set (a directory holding a .jsii, such as an unpacked earlier release or a
# compiled checkout of a tag), else `npm:projen-containers@latest` when the registry has a version, else there is
# nothing to compare against: the script says so and passes (the first release).
# Breaking changes to stable APIs fail (exit 1) and print their suppression keys (-k); a change that is meant to
# break goes, one key a line with the reason in the CHANGELOG, into .compatignore.
# Needs: a compiled assembly (`npx projen compile`, run first here), the npm registry for the published baseline.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PKG="$(node -p "require('./package.json').name")"

npx projen compile >/dev/null

if [ -n "${COMPAT_BASELINE:-}" ]; then
  BASELINE="$COMPAT_BASELINE"
else
  # `npm view` answers E404 for a name the registry does not have (nothing published yet); any other error
  # (no network, a registry outage) fails rather than passing unchecked.
  ERR="$(mktemp)"
  trap 'rm -f "$ERR"' EXIT
  if PUBLISHED="$(npm view "$PKG@latest" version 2>"$ERR")" && [ -n "$PUBLISHED" ]; then
    BASELINE="npm:$PKG@$PUBLISHED"
  elif grep -q 'E404' "$ERR"; then
    echo "compat: $PKG has no published version on $(npm config get registry) (E404); nothing to compare against (first release)."
    echo "compat: skipped, passes. Set COMPAT_BASELINE=<dir with a .jsii> to compare with a local build."
    exit 0
  else
    cat "$ERR" >&2
    echo "compat: ERROR: could not ask the registry for $PKG@latest" >&2
    exit 1
  fi
fi

echo "compat: jsii-diff $BASELINE -> $ROOT"
npx jsii-diff "$BASELINE" "$ROOT" --keys --ignore-file .compatignore "$@"
echo "compat: no breaking change to the stable API against $BASELINE"

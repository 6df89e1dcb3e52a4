#!/usr/bin/env bash
# Runs every test: type check, lint (incl. the dependency-direction check), unit,
# integration and golden tests. Usage: npm test [-- FILTER]   (FILTER: a path substring)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ]; then
  echo "node_modules missing: run 'npm install' first" >&2
  exit 2
fi
echo "== typecheck"
npx tsc -p . --noEmit
echo "== lint"
npx oxlint --quiet compiler corpus playback store cli bench scripts test
echo "== tests"
filter="${1:-}"
files=$(find test -name '*.test.ts' | grep -F -- "$filter" | sort)
if [ -z "$files" ]; then echo "no test files match '$filter'" >&2; exit 2; fi
# shellcheck disable=SC2086
exec node --import tsx --test --test-concurrency=2 --test-reporter=spec $files

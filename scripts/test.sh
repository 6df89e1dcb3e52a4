#!/usr/bin/env bash
# Runs every test: type check, lint (incl. the dependency-direction check), unit,
# integration and golden tests. Usage: npm test [-- FILTER]   (FILTER: a path substring)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ]; then
  echo "node_modules missing: run 'npm install' first" >&2
  exit 2
fi
# system parts the tests use, each with a one-line instruction when missing
command -v redis-server >/dev/null || { echo "redis-server not found (BullMQ tests run a private one): apt-get install -y redis-server" >&2; exit 2; }
command -v python3 >/dev/null || { echo "python3 not found (the command-build fixture is a Python program): apt-get install -y python3" >&2; exit 2; }
# the dashboard's browser tests drive Debian's Chromium (Playwright cannot download browsers here)
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing chromium for the browser tests (apt-get)"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/dev/null 2>&1 || { echo "could not install chromium for the browser tests: run 'apt-get update && apt-get install -y chromium' as root" >&2; exit 2; }
  else
    echo "chromium not found (the dashboard's browser tests use /usr/bin/chromium): run 'sudo apt-get update && sudo apt-get install -y chromium'" >&2; exit 2
  fi
fi
command -v git >/dev/null || { echo "git not found (reference@<ref> builds use git worktrees): apt-get install -y git" >&2; exit 2; }
echo "== typecheck"
npx tsc -p . --noEmit
echo "== typecheck ui/ (the web app: its own tsconfig, DOM types, no Node)"
npx tsc -p ui --noEmit
echo "== lint"
npx oxlint --quiet ui/src
npx oxlint --quiet compiler corpus playback flighting store server cli bench scripts test bin
echo "== build dist/ (the JavaScript the CLI and build processes run; tests themselves run the sources)"
node bin/dist.js
echo "== build ui/dist (the web app the dashboard serves and the browser tests drive)"
npx vite build --config ui/vite.config.ts --logLevel warn
if [ -z "${1:-}" ]; then
  echo "== dogfood: playback of the shipped workloads, base ref vs work tree, gated"
  bash scripts/dogfood.sh
fi
echo "== tests"
filter="${1:-}"
# the longest files first (seconds each in a full run on 2 cores, 2026-12-03), the rest by name: with three
# files at a time, a long file started last would run on alone at the end
slow_first="test/flighting/flight/flight-e2e.test.ts test/playback/playback-bullmq.test.ts
test/flighting/cli-desensitize.test.ts test/e2e/dashboard.test.ts test/cli/corpus-import.test.ts
test/flighting/perf/verdict.test.ts test/cli/store-readonly.test.ts test/cli/cli.test.ts"
files=$( { for f in $slow_first; do [ -f "$f" ] && echo "$f"; done; find test -name '*.test.ts' | sort; } | awk '!seen[$0]++' | grep -F -- "$filter" || true)
if [ -z "$files" ]; then echo "no test files match '$filter'" >&2; exit 2; fi
# shellcheck disable=SC2086
exec node --import tsx --test --test-concurrency=3 --test-reporter=spec $files

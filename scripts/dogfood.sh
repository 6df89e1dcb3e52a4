#!/usr/bin/env bash
# Dogfood: flightdeck gates its own compiler. Playback of the shipped workloads
# (TPC-H + analytics) with the reference compiler at the base ref against the
# work tree; fails on new errors, crashes, timeouts and unapproved regressions
# (.ci/policy.json). Approve an intended plan change with
#   flightdeck approve --run RUN --template FP --by NAME --why "..."
# and commit flightdeck.approvals.json.
# Base ref: $FLIGHTDECK_BASE_REF, default HEAD~1 (the commit before this one).
set -euo pipefail
cd "$(dirname "$0")/.."
base="${FLIGHTDECK_BASE_REF:-HEAD~1}"
if ! git rev-parse --verify -q "${base}^{commit}" >/dev/null; then
  echo "dogfood: base ref '$base' does not exist here; nothing to compare"
  exit 0
fi
if ! git cat-file -e "${base}:compiler/builds/reference-server.ts" 2>/dev/null; then
  echo "dogfood: base ref '$base' predates the build protocol; nothing to compare"
  exit 0
fi
work=$(mktemp -d)
keep=0
trap '[ "$keep" = 1 ] || rm -rf "$work"' EXIT
export FLIGHTDECK_STORE="$work/store.duckdb"
fd() { node bin/flightdeck.js "$@"; }
fd corpus generate tpch --scale 0.01 --out "$work/tpch" >/dev/null 2>&1
fd corpus import corpus/tpch/queries corpus/workloads/analytics --workload shipped
fd playback --workload shipped --catalog "$work/tpch/tpch.duckdb" --base "reference@$base" --head reference --out "${FLIGHTDECK_REPORT_DIR:-$work/report}" 2>/dev/null
run=$(fd runs | head -1 | cut -d' ' -f1)
if ! fd gate --run "$run" --policy .ci/policy.json --approvals flightdeck.approvals.json; then
  keep=1
  echo "dogfood: the gate failed; the run is kept in $work (report: ${FLIGHTDECK_REPORT_DIR:-$work/report}/report.md)"
  echo "dogfood: if a change is intended, approve it and commit flightdeck.approvals.json:"
  echo "  node bin/flightdeck.js approve --store $work/store.duckdb --run $run --template FINGERPRINT --by NAME --why \"...\""
  exit 1
fi

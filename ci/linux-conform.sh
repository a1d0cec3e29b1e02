#!/usr/bin/env bash
# Linux + Wine: cross-build with mingw-w64 and run the suite under Wine for every --os profile
# (vista win7 win8 win10 win11), against rmref.dll and Wine's own rstrtmgr.dll. Runs on Debian 12
# (a CI container or a developer's machine); ./rmc installs what is missing.
#
#   ci/linux-conform.sh [OUT]      copies each run folder into OUT (default build/ci/linux-wine)
#
# Extra arguments for the runner: RMC_RUNNER_ARGS="--case 'session.*'".
# Exit: 0 when every run completed (failing cases are the report's business), else ./rmc's code.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/build/ci/linux-wine}

cd "$root"
rc=0
read -r -a extra <<<"${RMC_RUNNER_ARGS:-}"   # split on blanks, no glob expansion
if [ "${#extra[@]}" -gt 0 ]; then set -- -- "${extra[@]}"; else set --; fi
./rmc conform --matrix "$@" || rc=$?

# Copy what exists even when a run was killed: its results.jsonl still counts.
mkdir -p "$out"
copied=0
for run in build/reports/*/; do
    [ -f "$run/results.json" ] || [ -f "$run/results.jsonl" ] || continue
    rm -rf "${out:?}/$(basename "$run")"
    cp -R "$run" "$out/"
    copied=$((copied + 1))
done
echo "linux-conform: $copied run(s) in $out"
[ "$copied" -gt 0 ] || { echo "linux-conform: no results were written" >&2; [ "$rc" -ne 0 ] || rc=2; }
exit "$rc"

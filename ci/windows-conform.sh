#!/usr/bin/env bash
# Windows: run the suite against the native rstrtmgr.dll (--system), then against each DLL
# given (default: the rmref.dll just built), writing OUT/<name>-<os>-<arch>/ per run.
#
#   ci/windows-conform.sh OUT [DLL...]
#
# Environment:
#   RMC_RUNNER        rmconform.exe to use (default build/msys2-$MSYSTEM/bin/rmconform.exe)
#   RMC_RUNNER_ARGS   extra runner arguments, e.g. "--case session.* --timeout 60"
#   RMC_SKIP_NATIVE=1 do not run the native DLL
#   RMC_RUN_LIMIT     seconds one run may take in all (default 2700); past it the run is killed
#                     and counts as incomplete
#   RMC_FAIL_ON_CASES=0  exit 0 even when a DLL fails cases (default 1: a fail, crash or
#                     timeout of a DLL under test fails this script; the native DLL's never do)
# Exit: 2 when the runner could not run (bad input, missing file) or a run did not complete (no
# `end` record in its results.jsonl, whatever the runner's exit code), 1 when a DLL under test
# failed cases (see above), else 0.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 1 ] || { echo "usage: ci/windows-conform.sh OUT [DLL...]" >&2; exit 2; }
out=$1; shift
runner=${RMC_RUNNER:-$root/build/msys2-${MSYSTEM:-MINGW64}/bin/rmconform.exe}
[ -x "$runner" ] || [ -f "$runner" ] || { echo "windows-conform: runner not found: $runner (run ci/windows-build.sh)" >&2; exit 2; }
if [ $# -eq 0 ]; then set -- "$(dirname "$runner")/rmref.dll"; fi

# Native Windows programs want Windows paths; MSYS2 has cygpath, elsewhere paths pass as they are.
winpath() { if command -v cygpath >/dev/null 2>&1; then cygpath -w "$1"; else printf '%s\n' "$1"; fi; }

# Split on blanks without glob expansion: "--case session.*" reaches the runner as written.
read -r -a extra <<<"${RMC_RUNNER_ARGS:-}"
limit=${RMC_RUN_LIMIT:-2700}
case "$limit" in ''|*[!0-9]*) echo "windows-conform: RMC_RUN_LIMIT must be a number of seconds" >&2; exit 2;; esac
limiter=()
if command -v timeout >/dev/null 2>&1; then limiter=(timeout -k 30 "$limit"); fi
mkdir -p "$out"
broken=0 failing=0
run_suite() { # label, runner arguments...
    local label=$1 rc=0; shift
    echo "windows-conform: $label"
    "${limiter[@]}" "$runner" "$@" --out-root "$(winpath "$out")" "${extra[@]}" || rc=$?
    case $rc in
        0) ;;
        1) echo "windows-conform: $label: some cases did not pass"; return 1;;
        124|137) echo "windows-conform: $label: stopped after the run limit of $limit s" >&2; broken=1;;
        *) echo "windows-conform: $label: the runner exited with $rc" >&2; broken=1;;
    esac
    return 0
}

if [ "${RMC_SKIP_NATIVE:-0}" != 1 ]; then
    run_suite "native rstrtmgr.dll" --system || true
fi
for dll in "$@"; do
    if [ ! -f "$dll" ]; then echo "windows-conform: DLL not found: $dll" >&2; broken=1; continue; fi
    run_suite "$dll" --dll "$(winpath "$dll")" || failing=1
done

# A run is complete only with its end record, whatever the runner's exit code said.
while IFS= read -r -d '' jsonl; do
    if ! grep -Eq '"record": *"end"' "$jsonl"; then
        echo "windows-conform: incomplete run (no end record): $jsonl" >&2
        broken=1
    fi
done < <(find "$out" -name results.jsonl -print0)
[ "$broken" = 0 ] || exit 2
if [ "$failing" = 1 ] && [ "${RMC_FAIL_ON_CASES:-1}" != 0 ]; then exit 1; fi
exit 0

#!/usr/bin/env bash
# Validates every baseline in baselines/ (ci/validate_baseline.py) against the case list of
# this checkout's runner (`rmconform.exe --list`, through Wine when cross-built). A pull request
# that adds a baseline runs it in `./rmc test` (CTest baselines.valid).
#
#   ci/validate-baselines.sh RMCONFORM-EXE [EMULATOR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
[ $# -ge 1 ] || { echo "usage: ci/validate-baselines.sh RMCONFORM-EXE [EMULATOR]" >&2; exit 2; }
exe=$1 emulator=${2:-}
shopt -s nullglob
files=()
for f in "$root"/baselines/*.json; do
    case "$f" in *.machine.json) ;; *) files+=("$f");; esac
done
if [ "${#files[@]}" -eq 0 ]; then echo "validate-baselines: no baseline in baselines/ yet"; exit 0; fi
list=$(mktemp)
trap 'rm -f "$list"' EXIT
if [ -n "$emulator" ]; then "$emulator" "$exe" --list >"$list"; else "$exe" --list >"$list"; fi
python3 "$here/validate_baseline.py" --cases "$list" "${files[@]}"

#!/usr/bin/env bash
# Merges every run found under ARTIFACTS (any depth; e.g. one folder per downloaded CI
# artifact) into OUT/index.html and OUT/summary.md, and diffs each implementation against the
# native rstrtmgr.dll run of the same runner (same folder, OS profile and architecture).
#
#   ci/merge-reports.sh ARTIFACTS OUT
#
# Environment:
#   PYTHON                  Python 3 to use (default python3)
#   RMC_FAIL_ON_REGRESSION=0  exit 0 even when a diff finds a regression (default 1)
#   GITHUB_STEP_SUMMARY     when set (GitHub Actions), summary.md is appended to it
# Exit: 1 on a regression against the native DLL, 2 when there is nothing to merge or a
# results file is unusable, else 0.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
[ $# -eq 2 ] || { echo "usage: ci/merge-reports.sh ARTIFACTS OUT" >&2; exit 2; }
artifacts=$1 out=$2
py=${PYTHON:-python3}
# Windows' Python may have no working python3 in Git Bash (or only the Store's stub).
"$py" -c '' >/dev/null 2>&1 || py=python
[ -d "$artifacts" ] || { echo "merge-reports: no such folder: $artifacts" >&2; exit 2; }
mkdir -p "$out"
rmreport() { PYTHONPATH="$root/reports" "$py" -m rmreport "$@"; }

# Python's lines end in CRLF on Windows: drop the CRs here rather than count on the shell.
mapfile -t runs < <("$py" "$here/collect_runs.py" list "$artifacts" | tr -d '\r')
[ "${#runs[@]}" -gt 0 ] || { echo "merge-reports: no results under $artifacts" >&2; exit 2; }
echo "merge-reports: ${#runs[@]} run(s)"

rmreport html "${runs[@]}" -o "$out"
rmreport markdown "${runs[@]}" | tr -d '\r' >"$out/summary.md"

regressions=0
mapfile -t pairs < <("$py" "$here/collect_runs.py" pairs "$artifacts" | tr -d '\r')
if [ "${#pairs[@]}" -gt 0 ]; then
    {
        echo
        echo "### Against the native rstrtmgr.dll of the same runner"
        echo
    } >>"$out/summary.md"
    : >"$out/diffs.txt"
    for pair in "${pairs[@]}"; do
        native=${pair%%$'\t'*} candidate=${pair#*$'\t'}
        rc=0
        text=$(rmreport diff "$native" "$candidate" | tr -d '\r') || rc=$?
        [ "$rc" -le 1 ] || { echo "merge-reports: diff failed on $candidate" >&2; exit 2; }
        [ "$rc" = 0 ] || regressions=$((regressions + 1))
        printf '%s\n\n' "$text" >>"$out/diffs.txt"
        label=$(printf '%s\n' "$text" | sed -n 's/^candidate: *//p')
        label=${label% ("$candidate")}
        verdict=$(printf '%s\n' "$text" | sed -n 's/^result: //p')
        {
            echo "<details><summary>$label: $verdict</summary>"
            echo
            echo '```'
            printf '%s\n' "$text" | head -n 200
            echo '```'
            echo
            echo "</details>"
            echo
        } >>"$out/summary.md"
    done
fi

if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then cat "$out/summary.md" >>"$GITHUB_STEP_SUMMARY"; fi
echo "merge-reports: $out/index.html, $out/summary.md"
if [ "$regressions" -gt 0 ]; then
    echo "merge-reports: $regressions run(s) regress against the native DLL (see $out/diffs.txt)" >&2
    [ "${RMC_FAIL_ON_REGRESSION:-1}" = 0 ] || exit 1
fi
exit 0

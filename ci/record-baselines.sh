#!/usr/bin/env bash
# Copies every complete native run (rmconform --system on Windows) found under ARTIFACTS into
# OUT as <os>-<build>-<arch>.json, the names baselines/ uses (see baselines/README.md), with the
# machine facts of its runner (the artifact's machine.json, ci/machine-facts.ps1) beside it as
# <os>-<build>-<arch>.machine.json. When two runners give the same name (two images of the same
# build), the later one is kept beside the first as <os>-<build>-<arch>-<n>.json and a warning
# says so.
#
#   ci/record-baselines.sh ARTIFACTS OUT
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ $# -eq 2 ] || { echo "usage: ci/record-baselines.sh ARTIFACTS OUT" >&2; exit 2; }
artifacts=$1 out=$2
py=${PYTHON:-python3}
# Windows' Python may have no working python3 in Git Bash (or only the Store's stub).
"$py" -c '' >/dev/null 2>&1 || py=python
mkdir -p "$out"
count=0
while IFS=$'\t' read -r results name machine; do
    target=$out/$name n=2
    while [ -e "$target" ]; do
        target=$out/${name%.json}-$n.json; n=$((n + 1))
    done
    [ "$target" = "$out/$name" ] || echo "record-baselines: warning: two native runs are $name; kept $results as $(basename "$target")" >&2
    cp "$results" "$target"
    if [ "$machine" != - ]; then
        cp "$machine" "${target%.json}.machine.json"
    else
        echo "record-baselines: warning: no machine.json beside $results; $(basename "$target") has no machine facts" >&2
    fi
    echo "record-baselines: $results -> $target"
    count=$((count + 1))
done < <("$py" "$here/collect_runs.py" baselines "$artifacts" | tr -d '\r')
[ "$count" -gt 0 ] || { echo "record-baselines: no complete native run under $artifacts" >&2; exit 2; }

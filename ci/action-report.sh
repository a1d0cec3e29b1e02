#!/usr/bin/env bash
# The composite action's report step (ci/action/action.yml): the HTML report and the step
# summary of every run under RMC_OUT (ci/merge-reports.sh), then the verdict of the input
# `fail-on` (ci/action_gate.py), and the step outputs `report` and `artifact`.
#
#   RMC_OUT=rmconform-results RMC_FAIL_ON=regression ci/action-report.sh
#
# Environment: RMC_OUT, RMC_FAIL_ON (fail|regression|never), RMC_ARTIFACT (a name, 'auto' or
# 'none'), RMC_ARCH and RMC_JOB_INDEX (for the 'auto' name), GITHUB_OUTPUT, GITHUB_STEP_SUMMARY,
# GITHUB_JOB, ImageOS (set by GitHub Actions), PYTHON.
# Exit: 1 when fail-on fails the step (or an incomplete run), 2 when there is nothing to report.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${RMC_OUT:-rmconform-results}
py=${PYTHON:-python3}
# Windows' Python may have no working python3 in Git Bash (or only the Store's stub).
"$py" -c '' >/dev/null 2>&1 || py=python
export PYTHON=$py

# A unique default name: upload-artifact@v4 refuses a second artifact of the same name in a run,
# and a matrix runs this action once per image and arch.
case "${RMC_ARTIFACT:-auto}" in
    none|'') artifact=;;
    auto) artifact=rmconform-${GITHUB_JOB:-job}-${ImageOS:-${RUNNER_OS:-windows}}-${RMC_ARCH:-x64}-${RMC_JOB_INDEX:-0};;
    *) artifact=$RMC_ARTIFACT;;
esac
if [ -n "${GITHUB_OUTPUT:-}" ]; then
    { echo "report=$out/report/index.html"; echo "artifact=$artifact"; } >>"$GITHUB_OUTPUT"
fi

rc=0
[ -d "$out" ] || { echo "action-report: no results folder $out: the suite did not run" >&2; exit 2; }
RMC_FAIL_ON_REGRESSION=0 "$here/merge-reports.sh" "$out" "$out/report" || rc=$?
[ "$rc" = 0 ] || { echo "action-report: the report could not be written (exit $rc)" >&2; exit 2; }
verdict=$("$py" "$here/action_gate.py" "$out" --fail-on "${RMC_FAIL_ON:-fail}" | tr -d '\r') || rc=$?
printf '%s\n' "$verdict"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    { echo; echo "### Verdict (fail-on: ${RMC_FAIL_ON:-fail})"; echo; echo '```'; printf '%s\n' "$verdict"; echo '```'; } >>"$GITHUB_STEP_SUMMARY"
fi
exit "$rc"

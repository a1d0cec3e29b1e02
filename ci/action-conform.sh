#!/usr/bin/env bash
# The composite action's run step (ci/action/action.yml): turns the action's inputs, passed as
# environment variables, into a ci/windows-conform.sh call. Also usable by hand in MSYS2:
#
#   RMC_DLLS=path/to/my.dll RMC_OUT=rmconform-results ci/action-conform.sh
#
# Environment: RMC_DLLS (DLL paths, one per line or blank-separated), RMC_OUT (results folder),
# RMC_CASES (case globs, blank-separated), RMC_OS (profile), RMC_TIMEOUT (seconds),
# RMC_NATIVE (true/false: also run the native DLL), RMC_FAIL_ON (fail|regression|never).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${RMC_OUT:-rmconform-results}

read -r -d '' -a dlls <<<"${RMC_DLLS:-}" || true
[ "${#dlls[@]}" -gt 0 ] || { echo "action-conform: no DLL given (input 'dll')" >&2; exit 2; }

args=()
read -r -a cases <<<"${RMC_CASES:-}"
for c in "${cases[@]}"; do args+=(--case "$c"); done
if [ -n "${RMC_OS:-}" ]; then
    case "$RMC_OS" in vista|win7|win8|win10|win11) ;; *) echo "action-conform: unknown os '$RMC_OS' (vista win7 win8 win10 win11)" >&2; exit 2;; esac
    args+=(--os "$RMC_OS")
fi
if [ -n "${RMC_TIMEOUT:-}" ]; then
    case "$RMC_TIMEOUT" in *[!0-9]*) echo "action-conform: timeout must be a number of seconds" >&2; exit 2;; esac
    args+=(--timeout "$RMC_TIMEOUT")
fi
case "${RMC_FAIL_ON:-fail}" in
    fail) export RMC_FAIL_ON_CASES=1;;
    regression|never) export RMC_FAIL_ON_CASES=0;;
    *) echo "action-conform: fail-on must be fail, regression or never" >&2; exit 2;;
esac
case "${RMC_NATIVE:-true}" in
    true) export RMC_SKIP_NATIVE=0;;
    false) export RMC_SKIP_NATIVE=1;;
    *) echo "action-conform: native must be true or false" >&2; exit 2;;
esac
export RMC_RUNNER_ARGS="${args[*]}"
exec "$here/windows-conform.sh" "$out" "${dlls[@]}"

#!/usr/bin/env bash
# The composite action's run step (ci/action/action.yml): turns the action's inputs, passed as
# environment variables, into a ci/windows-conform.sh call. Runs in any bash on Windows (the
# runner's Git Bash, or MSYS2). Also usable by hand:
#
#   RMC_DLLS=path/to/my.dll RMC_OUT=rmconform-results ci/action-conform.sh
#
# Environment: RMC_DLLS (DLL paths, one per line; a path may contain blanks), RMC_ARCH (x64|x86),
# RMC_BUNDLE (a bundle .zip of ./rmc dist, or the folder it unpacks to; empty: the rmconform
# built from source by ci/windows-build.sh), RMC_OUT (results folder), RMC_CASES (case globs,
# blank-separated), RMC_OS (profile whose expectations apply; the OS itself does not change),
# RMC_TIMEOUT (seconds per case), RMC_RUN_LIMIT (seconds per run, default 2700),
# RMC_NATIVE (true/false: also run the native DLL), RMC_FAIL_ON (fail|regression|never: checked
# here, applied by ci/action_gate.py in the report step), PYTHON (default python3, else python).
# Exit: 2 on bad input or when a run could not run or complete, else 0 (verdicts are the report
# step's business).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
out=${RMC_OUT:-rmconform-results}
arch=${RMC_ARCH:-x64}
die() { echo "action-conform: $*" >&2; exit 2; }
unix_path() { if command -v cygpath >/dev/null 2>&1; then cygpath -u "$1"; else printf '%s\n' "$1"; fi; }
py=${PYTHON:-}
if [ -z "$py" ]; then
    # A python3 that runs (Windows may offer only the Store's stub under that name), else python.
    for p in python3 python; do if "$p" -c '' >/dev/null 2>&1; then py=$p; break; fi; done
fi

case "$arch" in x64|x86) ;; *) die "arch must be x64 or x86, not '$arch'";; esac
case "${RMC_FAIL_ON:-fail}" in fail|regression|never) ;; *) die "fail-on must be fail, regression or never";; esac
case "${RMC_NATIVE:-true}" in
    true) export RMC_SKIP_NATIVE=0;;
    false) export RMC_SKIP_NATIVE=1;;
    *) die "native must be true or false";;
esac

# One DLL per line: blanks belong to the path. CRs (a workflow file with CRLF) are dropped.
dlls=()
while IFS= read -r line; do
    line=${line%$'\r'}
    line=$(printf '%s' "$line" | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//')
    [ -n "$line" ] && dlls+=("$(unix_path "$line")")
done <<<"${RMC_DLLS:-}"
[ "${#dlls[@]}" -gt 0 ] || die "no DLL given (input 'dll')"

args=()
read -r -a cases <<<"${RMC_CASES:-}"
for c in "${cases[@]}"; do args+=(--case "$c"); done
if [ -n "${RMC_OS:-}" ]; then
    case "$RMC_OS" in vista|win7|win8|win10|win11) ;; *) die "unknown os '$RMC_OS' (vista win7 win8 win10 win11)";; esac
    args+=(--os "$RMC_OS")
fi
if [ -n "${RMC_TIMEOUT:-}" ]; then
    case "$RMC_TIMEOUT" in ''|*[!0-9]*) die "timeout must be a number of seconds";; esac
    args+=(--timeout "$RMC_TIMEOUT")
fi

# The runner: from the bundle, or the one ci/windows-build.sh built for this architecture.
if [ -n "${RMC_BUNDLE:-}" ]; then
    bundle=$(unix_path "$RMC_BUNDLE")
    if [ -f "$bundle" ]; then
        [ -n "$py" ] || die "no python to unpack $bundle"
        mkdir -p "$out"
        rm -rf "$out/.bundle"
        "$py" -m zipfile -e "$bundle" "$out/.bundle" || die "cannot unpack $bundle"
        bundle=$out/.bundle
    fi
    runner=$(find "$bundle" -maxdepth 2 -name rmconform.exe | head -n 1)
    [ -n "$runner" ] || die "no rmconform.exe in the bundle $RMC_BUNDLE"
    chmod +x "$runner" 2>/dev/null || true     # unzipped without permissions (only matters off Windows)
    bundle_arch=$(sed -n 's/^set "RMC_BUNDLE_ARCH=\([a-z0-9]*\)".*/\1/p' "$(dirname "$runner")/bundle.cmd" 2>/dev/null | tr -d '\r')
    [ "$bundle_arch" = "$arch" ] || die "the bundle is for '${bundle_arch:-unknown}', arch is $arch (use the -win32.zip for x86, -win64.zip for x64)"
else
    if [ "$arch" = x86 ]; then msystem=MINGW32; else msystem=MINGW64; fi
    runner=$root/build/msys2-$msystem/bin/rmconform.exe
fi

# A DLL of the other architecture cannot be loaded: say so before a whole run fails on it.
if [ -n "$py" ]; then
    for dll in "${dlls[@]}"; do
        [ -f "$dll" ] || die "DLL not found: $dll"
        got=$("$py" "$here/pe_arch.py" "$dll" | tr -d '\r') || die "$dll is not a PE file"
        [ "$got" = "$arch" ] || die "$dll is an $got DLL, arch is $arch"
    done
fi

export RMC_RUNNER=$runner
export RMC_RUNNER_ARGS="${args[*]}"
export RMC_FAIL_ON_CASES=0
exec "$here/windows-conform.sh" "$out" "${dlls[@]}"

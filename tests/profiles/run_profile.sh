#!/bin/sh
# run_profile.sh PROFILE BIN WORK: the suite against rmref.dll in a Wine prefix of its own that
# reports Windows PROFILE, or Wine's default version for PROFILE "default" (so the suite runs
# beside the runner tests and the other profiles without sharing their wineserver, sessions,
# services or user settings). Fails unless the prefix really reports that profile and every
# applicable case passes.
set -eu
profile=$1 bin=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=cmake/wine-env.sh
. "$here/../../cmake/wine-env.sh"
prefix=$work/prefix
mkdir -p "$work"
rmc_wine_prefix_init "$prefix"
os_args=
if [ "$profile" != default ]; then
    # Set once per prefix: winecfg is slow, and the detected version is checked below anyway.
    if [ "$(cat "$prefix/.rmc-profile" 2>/dev/null)" != "$profile" ]; then
        rm -f "$prefix/.rmc-profile"
        rmc_wine_set_profile "$prefix" "$profile"
        echo "$profile" >"$prefix/.rmc-profile"
    fi
    os_args="--os $profile"
fi
rmc_wine_env "$prefix"
rmc_wine_server_start
trap 'wineserver -k >/dev/null 2>&1 || true' EXIT
# Watched (cmake/wine-env.sh): when Wine's server crashes under the run (exit 125), the run does
# not count; it is run once more, from scratch, and that run's verdicts are the test's.
for attempt in 1 2; do
    rm -rf "$work/results"   # a results.json of an earlier run must not answer for this one
    set +e
    # shellcheck disable=SC2086
    rmc_wine_run_watched "$bin/rmconform.exe" --dll "$bin/rmref.dll" $os_args --jobs "${RMC_PROFILE_JOBS:-2}" --quiet --out "$work/results"
    rc=$?
    set -e
    if [ $rc != 125 ] || [ $attempt = 2 ]; then break; fi
    echo "run_profile: Wine's server failed during the run (the line above says how); running the suite again" >&2
    rmc_wine_server_start
done
if [ "$profile" != default ]; then
    detected=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['os']['detected'])" "$work/results/results.json")
    if [ "$detected" != "$profile" ]; then
        echo "run_profile: the prefix reports $detected, not $profile" >&2
        exit 1
    fi
fi
exit "$rc"

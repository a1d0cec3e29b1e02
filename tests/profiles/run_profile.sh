#!/bin/sh
# run_profile.sh PROFILE BIN WORK: the suite against rmref.dll in a Wine prefix of its own that
# reports Windows PROFILE (so tests of other profiles can run beside it). Fails unless the prefix
# really reports that profile and every applicable case passes.
set -eu
profile=$1 bin=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=cmake/wine-env.sh
. "$here/../../cmake/wine-env.sh"
prefix=$work/prefix
mkdir -p "$work"
rmc_wine_prefix_init "$prefix"
rmc_wine_set_profile "$prefix" "$profile"
rmc_wine_env "$prefix"
rmc_wine_server_start
trap 'wineserver -k >/dev/null 2>&1 || true' EXIT
set +e
wine "$bin/rmconform.exe" --dll "$bin/rmref.dll" --os "$profile" --jobs 2 --quiet --out "$work/results"
rc=$?
set -e
detected=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['os']['detected'])" "$work/results/results.json")
if [ "$detected" != "$profile" ]; then
    echo "run_profile: the prefix reports $detected, not $profile" >&2
    exit 1
fi
exit $rc

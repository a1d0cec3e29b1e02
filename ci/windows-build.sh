#!/usr/bin/env bash
# Windows: build rmconform, its fixtures and rmref.dll natively in an MSYS2 MINGW64 (x64) or
# MINGW32 (x86) shell with the `msys2` CMake preset, against the cmocka of ci/windows-cmocka.sh
# (or any other: RMC_CMOCKA_ROOT), then check that every binary is self-contained. Packages:
# mingw-w64-<arch>-gcc, -cmake, -ninja (see .github/workflows/conformance.yml).
#
#   ci/windows-build.sh            builds into build/msys2-$MSYSTEM
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
case "${MSYSTEM:-}" in
    MINGW64|MINGW32) ;;
    *) echo "windows-build: run this in an MSYS2 MINGW64 or MINGW32 shell (MSYSTEM='${MSYSTEM:-}')" >&2; exit 2;;
esac
cmocka=${RMC_CMOCKA_ROOT:-$root/build/cmocka-$MSYSTEM}
[ -d "$cmocka" ] || { echo "windows-build: no cmocka in $cmocka (run ci/windows-cmocka.sh)" >&2; exit 2; }

cd "$root"
cmake --preset msys2 -DRMC_CMOCKA_ROOT="$(cygpath -m "$cmocka")"
cmake --build "build/msys2-$MSYSTEM"
"$here/check-self-contained.sh" "build/msys2-$MSYSTEM/bin"
echo "windows-build: build/msys2-$MSYSTEM/bin/rmconform.exe"

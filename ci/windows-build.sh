#!/usr/bin/env bash
# Windows: build rmconform, its fixtures and rmref.dll natively in an MSYS2 MINGW64 (x64) or
# MINGW32 (x86) shell with the `msys2` CMake preset. Packages: mingw-w64-<arch>-gcc, -cmake,
# -ninja, -cmocka (see .github/workflows/conformance.yml).
#
#   ci/windows-build.sh            builds into build/msys2-$MSYSTEM
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
case "${MSYSTEM:-}" in
    MINGW64|MINGW32) ;;
    *) echo "windows-build: run this in an MSYS2 MINGW64 or MINGW32 shell (MSYSTEM='${MSYSTEM:-}')" >&2; exit 2;;
esac

cd "$root"
cmake --preset msys2
cmake --build "build/msys2-$MSYSTEM"
echo "windows-build: build/msys2-$MSYSTEM/bin/rmconform.exe"

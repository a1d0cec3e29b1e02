#!/usr/bin/env bash
# Checks that the executables and DLLs in BIN can be copied to any Windows machine and run:
# none imports a toolchain runtime DLL (lib*.dll such as libgcc_s_*, libwinpthread-1,
# libcmocka; or cmocka.dll). Windows' own DLLs and the folder's own DLLs are fine.
#
#   ci/check-self-contained.sh BIN        OBJDUMP: the objdump to use (default: objdump, or the
#                                         mingw-w64 one for BIN's architecture when cross-built)
set -euo pipefail
if [ $# -ne 1 ] || [ ! -d "$1" ]; then echo "usage: ci/check-self-contained.sh BIN-FOLDER" >&2; exit 2; fi
bin=$1
objdump=${OBJDUMP:-}
if [ -z "$objdump" ]; then
    for o in objdump x86_64-w64-mingw32-objdump; do
        if command -v "$o" >/dev/null 2>&1; then objdump=$o; break; fi
    done
fi
[ -n "$objdump" ] || { echo "check-self-contained: no objdump found (set OBJDUMP)" >&2; exit 2; }
bad=0 checked=0
while IFS= read -r -d '' file; do
    checked=$((checked + 1))
    while read -r dll; do
        case "$(printf '%s' "$dll" | tr '[:upper:]' '[:lower:]')" in
            lib*.dll|*cmocka*.dll)
                echo "check-self-contained: $file imports $dll, a toolchain DLL the target machine lacks" >&2
                bad=1;;
        esac
    done < <("$objdump" -p "$file" | sed -n 's/^[[:space:]]*DLL Name: //p')
done < <(find "$bin" -type f \( -iname '*.exe' -o -iname '*.dll' \) -print0)
[ "$checked" -gt 0 ] || { echo "check-self-contained: no .exe or .dll in $bin" >&2; exit 2; }
[ "$bad" = 0 ] || exit 1
echo "check-self-contained: $checked binaries in $bin import only Windows DLLs"

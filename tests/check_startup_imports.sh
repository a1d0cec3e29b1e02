#!/usr/bin/env bash
# Checks that the programs a run starts over and over load neither user32 nor shell32 at start:
# rmconform.exe (once per case) and the fixtures (many times per run). Under Wine either DLL
# adds ~30-40 ms to every start; they reach user32 and shell32 through delay-load libraries
# (cmake/delay_load.cmake) and take their arguments from wmain. A function added to the code
# but not to its .def file brings the import back, and this names the program.
#
#   tests/check_startup_imports.sh BIN      OBJDUMP: the objdump for BIN's architecture
set -euo pipefail
if [ $# -ne 1 ] || [ ! -d "$1" ] || [ -z "${OBJDUMP:-}" ]; then
    echo "usage: OBJDUMP=... tests/check_startup_imports.sh BIN-FOLDER" >&2
    exit 2
fi
bad=0
for program in rmconform rmfx-app rmfx-con rmfx-ps rmfx-svc rmfx-secondary; do
    file=$1/$program.exe
    [ -f "$file" ] || { echo "check_startup_imports: $file is missing" >&2; exit 2; }
    for dll in $("$OBJDUMP" -p "$file" | sed -n 's/^[[:space:]]*DLL Name: //p'); do
        case "$(printf '%s' "$dll" | tr '[:upper:]' '[:lower:]')" in
            user32.dll|shell32.dll)
                echo "check_startup_imports: $program.exe imports $dll at start: add the function it calls to its .def file (cmake/delay_load.cmake)" >&2
                bad=1;;
        esac
    done
done
exit "$bad"

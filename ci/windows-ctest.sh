#!/usr/bin/env bash
# Windows CI: the CTest tests that run on Windows, natively in MSYS2 after ci/windows-build.sh:
# rmref's unit tests, the runner's tests, the fixtures' and the reports' unit tests. Left out:
# the conformance runs (ci/windows-conform.sh does them), the page in Chromium and the Linux
# tools (actionlint, shellcheck, Wine).
#
#   ci/windows-ctest.sh            RMC_WINDOWS_TESTS: another regular expression of test names
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tests=${RMC_WINDOWS_TESTS:-'^(rmref\.unit\.|runner\.|fixtures\.|reports\.unit$)'}
dir=$root/build/msys2-${MSYSTEM:-MINGW64}
[ -f "$dir/CTestTestfile.cmake" ] || { echo "windows-ctest: no build in $dir (run ci/windows-build.sh)" >&2; exit 2; }
cd "$dir"
ctest --output-on-failure --timeout 900 -R "$tests"

#!/usr/bin/env bash
# Lints the project's shell scripts with shellcheck (Debian's; ./rmc setup installs it): rmc,
# ci/*.sh, cmake/*.sh, bench/*.sh, tests/*.sh, tests/profiles/*.sh. Run from anywhere; sourced
# files are followed (-x) from the repository root. No finding is silenced here: a false
# positive gets an inline directive with its reason, next to the line.
#
#   ci/lint-shell.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
command -v shellcheck >/dev/null 2>&1 || { echo "lint-shell: shellcheck not found (./rmc setup installs it)" >&2; exit 2; }
files=(rmc ci/*.sh cmake/*.sh bench/*.sh tests/*.sh tests/profiles/*.sh)
shellcheck -x "${files[@]}"
echo "lint-shell: ${#files[@]} scripts, no finding"

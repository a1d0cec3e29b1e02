#!/usr/bin/env bash
# Linux CI job: every test of the project (./rmc test: unit, runner, fixtures, conformance of
# rmref, reports, CI files, lint, the Windows bundle under Wine), in a Debian 12 container.
# Keeps apt's downloaded packages so the job's cache can hold them (Debian's container image
# deletes them after each install).
#
#   ci/linux-test.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [ -f /etc/apt/apt.conf.d/docker-clean ] && [ "$(id -u)" = 0 ]; then
    rm -f /etc/apt/apt.conf.d/docker-clean
    echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' >/etc/apt/apt.conf.d/01rmconform-keep-debs
fi
cd "$root"
exec ./rmc test

#!/usr/bin/env bash
# Windows CI: build cmocka (a static library, so the unit tests stay self-contained) from its
# release tarball (MSYS2 packages: curl, tar, xz) in an MSYS2 MINGW64 or MINGW32 shell, into
# build/cmocka-$MSYSTEM, which the workflow caches. MSYS2's mingw-w64-i686-cmocka cannot be
# relied on (MINGW32's package set keeps shrinking), so both environments build the same pinned
# version, the one Debian 12's source package has (./rmc setup builds it for the cross builds).
#
#   ci/windows-cmocka.sh           prints the install prefix; does nothing when it is ready
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
version=1.1.5
sha256=f0ccd8242d55e2fd74b16ba518359151f6f8383ff8aef4976e48393f77bba8b6
case "${MSYSTEM:-}" in
    MINGW64|MINGW32) ;;
    *) echo "windows-cmocka: run this in an MSYS2 MINGW64 or MINGW32 shell (MSYSTEM='${MSYSTEM:-}')" >&2; exit 2;;
esac
prefix=$root/build/cmocka-$MSYSTEM
if [ -f "$prefix/.rmc-ready" ]; then echo "windows-cmocka: cached: $prefix"; exit 0; fi

work=$root/build/cmocka-work-$MSYSTEM
rm -rf "$work" "$prefix"
mkdir -p "$work"
curl -fsSL --retry 3 -o "$work/cmocka.tar.xz" "https://cmocka.org/files/1.1/cmocka-$version.tar.xz"
echo "$sha256  $work/cmocka.tar.xz" | sha256sum -c -
tar -xJf "$work/cmocka.tar.xz" -C "$work"
cmake -S "$work/cmocka-$version" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DWITH_STATIC_LIB=ON -DWITH_EXAMPLES=OFF -DUNIT_TESTING=OFF -DCMAKE_INSTALL_PREFIX="$(cygpath -m "$prefix")"
cmake --build "$work/build"
cmake --install "$work/build"
touch "$prefix/.rmc-ready"
rm -rf "$work"
echo "windows-cmocka: $prefix"

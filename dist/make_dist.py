"""Makes the Windows bundles (./rmc dist): one zip per architecture with everything needed to run
the suite on a Windows machine that has no toolchain and no Python.

    python3 dist/make_dist.py --version 0.1.0 --out build/dist x64=build/x64/bin x86=build/x86/bin

Each ARCH=BIN pair gives OUT/rmconform-<version>-win64.zip (x64) or -win32.zip (x86), holding one
folder rmconform-<version>-<win64|win32>/ with every .exe and .dll at the top of BIN (the runner,
the fixture programs it starts, rmref.dll; a new helper program lands there and is taken along)
except the benchmark and unit tests (LEFT_OUT), and run-native.cmd, viewer.html, README.txt and bundle.cmd (the version and
architecture for run-native.cmd). BIN's clients/ folder comes along (the clients area runs those programs); its other subfolders (the test DLLs, the drop-in) stay out. Text files get CRLF line endings, as cmd.exe and Notepad want. The zips are
reproducible: fixed timestamps and order.
"""

import argparse
import fnmatch
import os
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
# What the runner needs beside itself: every program and DLL of BIN's top level but these.
BINARIES = ["*.exe", "*.dll"]
LEFT_OUT = ["rmbench*", "*unit*", "*test*"]     # ./rmc bench's, and unit tests: not the suite's
REQUIRED = ["rmconform.exe", "rmref.dll", "rmfx-app.exe"]
# Subfolders of BIN the cases start programs from: the clients area's client programs.
SUBFOLDERS = ["clients"]
TEXT_FILES = ["run-native.cmd", "viewer.html", "README.txt"]
WINDOWS_NAME = {"x64": "win64", "x86": "win32"}
PE_MACHINE = {"x64": 0x8664, "x86": 0x14C}
FIXED_TIME = (2020, 1, 1, 0, 0, 0)


class DistError(Exception):
    pass


def pe_machine(path):
    """The COFF machine field of a PE file, or None if it is not one."""
    with open(path, "rb") as f:
        head = f.read(4096)
    if head[:2] != b"MZ" or len(head) < 0x40:
        return None
    offset = int.from_bytes(head[0x3C:0x40], "little")
    if head[offset:offset + 4] != b"PE\0\0":
        return None
    return int.from_bytes(head[offset + 4:offset + 6], "little")


def binaries(bin_dir, arch):
    names = top_binaries(bin_dir, arch)
    for need in REQUIRED:
        if need not in names:
            raise DistError("%s is missing from %s (build first)" % (need, bin_dir))
    for sub in SUBFOLDERS:
        if os.path.isdir(os.path.join(bin_dir, sub)):
            names += ["%s/%s" % (sub, n) for n in top_binaries(os.path.join(bin_dir, sub), arch)]
    return names


def top_binaries(bin_dir, arch):
    names = sorted(n for n in os.listdir(bin_dir)
                   if os.path.isfile(os.path.join(bin_dir, n)) and any(fnmatch.fnmatch(n, p) for p in BINARIES)
                   and not any(fnmatch.fnmatch(n, p) for p in LEFT_OUT))
    for n in names:
        machine = pe_machine(os.path.join(bin_dir, n))
        if machine != PE_MACHINE[arch]:
            raise DistError("%s is not an %s PE file (machine %r)" % (os.path.join(bin_dir, n), arch, machine))
    return names


def crlf(data):
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def add(zf, name, data):
    info = zipfile.ZipInfo(name, FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    zf.writestr(info, data)


def make(version, arch, bin_dir, out_dir):
    if arch not in WINDOWS_NAME:
        raise DistError("unknown architecture %r (x64 or x86)" % arch)
    folder = "rmconform-%s-%s" % (version, WINDOWS_NAME[arch])
    path = os.path.join(out_dir, folder + ".zip")
    names = binaries(bin_dir, arch)
    os.makedirs(out_dir, exist_ok=True)
    tmp = path + ".tmp"
    with zipfile.ZipFile(tmp, "w") as zf:
        for n in names:
            with open(os.path.join(bin_dir, n), "rb") as f:
                add(zf, "%s/%s" % (folder, n), f.read())
        for n in TEXT_FILES:
            with open(os.path.join(HERE, n), "rb") as f:
                data = f.read()
            if n.endswith(".html"):
                add(zf, "%s/%s" % (folder, n), data)     # the page keeps its bytes: data is appended to it
            else:
                add(zf, "%s/%s" % (folder, n), crlf(data.replace(b"@VERSION@", version.encode())))
        bundle = "@echo off\nrem Written by ./rmc dist: what run-native.cmd reports about this bundle.\n" \
                 "set \"RMC_BUNDLE_VERSION=%s\"\nset \"RMC_BUNDLE_ARCH=%s\"\n" % (version, arch)
        add(zf, "%s/bundle.cmd" % folder, crlf(bundle.encode()))
    os.replace(tmp, path)
    return path


def main(argv=None):
    ap = argparse.ArgumentParser(description="make the Windows bundles")
    ap.add_argument("--version", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("builds", nargs="+", metavar="ARCH=BIN")
    args = ap.parse_args(argv)
    try:
        for pair in args.builds:
            arch, _, bin_dir = pair.partition("=")
            if not bin_dir or not os.path.isdir(bin_dir):
                raise DistError("not ARCH=BIN-FOLDER: %s" % pair)
            print(make(args.version, arch, bin_dir, args.out))
    except (DistError, OSError) as e:
        sys.stderr.write("make_dist: %s\n" % e)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

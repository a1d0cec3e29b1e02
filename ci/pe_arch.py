"""Prints the architecture of a PE file (x64, x86, arm64, or machine-0xNNNN); exit 2 when the
file is not a PE file. ci/action-conform.sh uses it to refuse a DLL of the wrong architecture
before the runner fails on it.

    pe_arch.py FILE
"""

import sys

MACHINES = {0x8664: "x64", 0x14C: "x86", 0xAA64: "arm64"}


def pe_arch(path):
    with open(path, "rb") as f:
        head = f.read(4096)
    if head[:2] != b"MZ" or len(head) < 0x40:
        return None
    offset = int.from_bytes(head[0x3C:0x40], "little")
    if head[offset:offset + 4] != b"PE\0\0":
        return None
    machine = int.from_bytes(head[offset + 4:offset + 6], "little")
    return MACHINES.get(machine, "machine-0x%04x" % machine)


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: pe_arch.py FILE\n")
        return 2
    try:
        arch = pe_arch(argv[1])
    except OSError as e:
        sys.stderr.write("pe_arch: %s\n" % e)
        return 2
    if arch is None:
        sys.stderr.write("pe_arch: %s is not a PE file\n" % argv[1])
        return 2
    print(arch)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

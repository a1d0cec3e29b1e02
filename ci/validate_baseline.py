"""Checks a baseline file before it joins baselines/ (see baselines/README.md).

    validate_baseline.py [--cases LIST] [--tool-version V] BASELINE.json...

A baseline is the results.json of one complete run of the native rstrtmgr.dll on real Windows,
named <os>-<build>-<arch>.json, with the machine's facts beside it in
<os>-<build>-<arch>.machine.json (run-native.cmd of the bundle writes both). Checked:
  - the results schema is the one the reports read (rmreport.results.SCHEMA);
  - the tool is rmconform at the version of this checkout (or --tool-version);
  - the run is the native DLL (implementation "system"), not under Wine, and complete;
  - no case is missing, none is unknown and none appears twice: against LIST, the output of
    `rmconform.exe --list` of this checkout (one case id first on each line);
  - every status is one of the results format's;
  - the file name agrees with the run (os.name, os.build, tool.arch);
  - the machine file exists and agrees with the run (build, bundle architecture).
Exit 0 when every file is valid, 1 when one is not (each problem on its own line), 2 on bad
usage.
"""

import argparse
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "reports"))

from rmreport import results as rmresults  # noqa: E402

# The statuses of the results format, schema 2 (design.md); a reader of schema 1 knows fewer.
KNOWN_STATUSES = set(getattr(rmresults, "STATUSES", ())) | {
    "pass", "fail", "crash", "timeout", "blocked", "observed", "unsupported", "skip"}
NAME = re.compile(r"^(vista|win7|win8|win10|win11)-(\d+)-(x64|x86)\.json$")
MACHINE_FIELDS = ("product", "edition", "build", "ubr", "architecture", "elevated", "bundle_arch")


def project_version():
    with open(os.path.join(ROOT, "CMakeLists.txt"), encoding="utf-8") as f:
        m = re.search(r"project\(rmconform\s+VERSION\s+([0-9.]+)", f.read())
    return m.group(1) if m else None


def read_case_list(path):
    """Case ids from `rmconform --list` output: the first word of each line but the count."""
    ids = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            words = line.split()
            if not words or (len(words) == 2 and words[1] == "cases" and words[0].isdigit()):
                continue
            ids.append(words[0])
    return ids


def problems(path, case_ids=None, tool_version=None):
    """Every problem with the baseline at PATH, as one-line strings (empty: valid)."""
    found = []
    name = os.path.basename(path)
    try:
        with open(path, encoding="utf-8") as f:
            run = json.load(f)
    except (OSError, ValueError) as e:
        return ["not a readable JSON file (%s); a baseline is a run's results.json" % e]
    if not isinstance(run, dict) or "cases" not in run:
        return ["not a results.json (no 'cases'); results.jsonl or other files are not baselines"]
    if run.get("schema") != rmresults.SCHEMA:
        found.append("results schema %r, the reports read schema %r" % (run.get("schema"), rmresults.SCHEMA))
    tool = run.get("tool") or {}
    if tool.get("name") != "rmconform":
        found.append("tool.name is %r, not 'rmconform'" % tool.get("name"))
    if tool_version and tool.get("version") != tool_version:
        found.append("recorded with rmconform %s, this checkout is %s: record it again with the current bundle"
                     % (tool.get("version"), tool_version))
    impl = run.get("implementation") or {}
    osi = run.get("os") or {}
    if impl.get("name") != "system":
        found.append("implementation is %r: a baseline is the native DLL (rmconform --system)" % impl.get("name"))
    if osi.get("wine"):
        found.append("the run is under Wine %s: Wine's rstrtmgr.dll is never a baseline" % osi.get("wine"))
    if run.get("complete") is not True:
        found.append("the run is not complete")
    ids = []
    for i, case in enumerate(run.get("cases") or []):
        if not isinstance(case, dict) or not case.get("id"):
            found.append("case #%d has no id" % i)
            continue
        ids.append(case["id"])
        if case.get("status") not in KNOWN_STATUSES:
            found.append("case %s has an unknown status %r" % (case["id"], case.get("status")))
    dupes = sorted(set(i for i in ids if ids.count(i) > 1))
    if dupes:
        found.append("cases listed twice: %s" % " ".join(dupes))
    if case_ids is not None:
        missing = [c for c in case_ids if c not in set(ids)]
        unknown = sorted(set(ids) - set(case_ids))
        if missing:
            found.append("%d case(s) missing (a run filtered with --case, or an older suite): %s"
                         % (len(missing), " ".join(missing[:20]) + (" ..." if len(missing) > 20 else "")))
        if unknown:
            found.append("%d case(s) this suite does not have: %s" % (len(unknown), " ".join(unknown[:20])))
    m = NAME.match(name)
    expected = "%s-%s-%s.json" % (osi.get("name"), osi.get("build"), tool.get("arch"))
    if not m:
        found.append("the file name is not <os>-<build>-<arch>.json (this run: %s)" % expected)
    elif name != expected:
        found.append("the file name says %s, the run says %s" % (name, expected))
    found.extend(machine_problems(path, osi, tool))
    return found


def machine_problems(path, osi, tool):
    machine_path = path[:-len(".json")] + ".machine.json"
    if not os.path.isfile(machine_path):
        return ["no machine file %s beside it (run-native.cmd writes it)" % os.path.basename(machine_path)]
    try:
        with open(machine_path, encoding="utf-8-sig") as f:
            machine = json.load(f)
    except (OSError, ValueError) as e:
        return ["the machine file is not readable JSON (%s)" % e]
    found = []
    for field in MACHINE_FIELDS:
        if field not in machine:
            found.append("the machine file has no %r" % field)
    if "build" in machine and machine["build"] != osi.get("build"):
        found.append("the machine file says build %r, the run says %r" % (machine["build"], osi.get("build")))
    if "bundle_arch" in machine and machine["bundle_arch"] != tool.get("arch"):
        found.append("the machine file says arch %r, the run says %r" % (machine["bundle_arch"], tool.get("arch")))
    return found


def main(argv=None):
    ap = argparse.ArgumentParser(description="check baseline files before they join baselines/")
    ap.add_argument("--cases", metavar="LIST", help="output of `rmconform.exe --list` (the suite's cases)")
    ap.add_argument("--tool-version", help="the rmconform version required (default: this checkout's)")
    ap.add_argument("files", nargs="+", metavar="BASELINE.json")
    args = ap.parse_args(argv)
    case_ids = read_case_list(args.cases) if args.cases else None
    if case_ids is not None and not case_ids:
        sys.stderr.write("validate_baseline: no case ids in %s\n" % args.cases)
        return 2
    version = args.tool_version or project_version()
    bad = 0
    # A machine file is checked with its baseline: `baselines/*.json` may name both.
    for path in [f for f in args.files if not f.endswith(".machine.json")]:
        found = problems(path, case_ids, version)
        if found:
            bad += 1
            for p in found:
                print("%s: %s" % (path, p))
        else:
            print("%s: valid baseline" % path)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

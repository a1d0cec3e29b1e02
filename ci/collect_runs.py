"""Finds rmconform runs under a folder of CI artifacts, for the ci/*.sh scripts.

    collect_runs.py list ROOT       every run: its results.json, or results.jsonl if the run
                                    was killed before writing results.json; one path a line
    collect_runs.py pairs ROOT      "NATIVE<TAB>CANDIDATE" for each non-native run that has a
                                    native run (implementation "system", not under Wine) of the
                                    same OS profile and architecture in the same folder
    collect_runs.py baselines ROOT  "RESULTS<TAB><os>-<build>-<arch>.json<TAB>MACHINE" for each
                                    complete native run; MACHINE is the machine.json of its
                                    artifact (ci/machine-facts.ps1), or "-" when there is none

A run is a folder holding results.json or results.jsonl (rmconform --out-root ROOT writes
ROOT/<name>-<os>-<arch>/). "The same folder" is the folder holding the run folders: one
artifact, i.e. one runner. Unreadable files are reported on stderr and left out.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reports"))

from rmreport.results import ResultsError, load  # noqa: E402


def run_files(root):
    found = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        if "results.json" in files:
            found.append(os.path.join(folder, "results.json"))
        elif "results.jsonl" in files:
            found.append(os.path.join(folder, "results.jsonl"))
    return found


def loaded(root):
    runs = []
    for path in run_files(root):
        try:
            runs.append(load(path))
        except ResultsError as e:
            sys.stderr.write("collect_runs: skipped: %s\n" % e)
    return runs


def is_native(run):
    return run.name == "system" and not run.os.get("wine")


def main(argv):
    if len(argv) != 3 or argv[1] not in ("list", "pairs", "baselines") or not os.path.isdir(argv[2]):
        sys.stderr.write("usage: collect_runs.py list|pairs|baselines ARTIFACTS-FOLDER\n")
        return 2
    command, root = argv[1], argv[2]
    if command == "list":
        for path in run_files(root):
            print(path)
        return 0
    runs = loaded(root)
    if command == "pairs":
        for run in runs:
            if is_native(run):
                continue
            group = os.path.dirname(os.path.dirname(run.path))
            for native in runs:
                if (is_native(native) and os.path.dirname(os.path.dirname(native.path)) == group
                        and (native.os_name, native.arch) == (run.os_name, run.arch)):
                    print("%s\t%s" % (native.path, run.path))
        return 0
    for run in runs:
        if is_native(run) and run.complete and run.path.endswith("results.json"):
            machine = os.path.join(os.path.dirname(os.path.dirname(run.path)), "machine.json")
            print("%s\t%s-%s-%s.json\t%s" % (run.path, run.os_name, run.os.get("build", "unknown"), run.arch,
                                              machine if os.path.isfile(machine) else "-"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""The composite action's verdict (ci/action/action.yml, input `fail-on`): reads every run under
a results folder and says whether the step fails, with rmreport's own rules (rmreport.gate for
incomplete and gated runs, rmreport.compare for regressions).

    action_gate.py RESULTS-FOLDER --fail-on fail|regression|never

Runs are found as ci/merge-reports.sh finds them (collect_runs.py); the native run is the one of
the implementation "system" not under Wine. Whatever the mode, a run without its `end` record
(killed, timed out, or the runner died) fails the step, whatever the runner's exit code was.
  fail        any fail, crash, timeout or blocked case of a DLL under test fails the step
              (`rmreport gate --no-gate system`);
  regression  a DLL under test regresses against the native run of the same runner (profile
              and architecture), as `rmreport diff` counts it: a case that passes natively and
              not with the DLL, a new crash or timeout, a case lost. Without a native run
              (input `native: false`) there is nothing to regress against: only a crash or a
              timeout of the DLL counts;
  never       only an incomplete run fails the step.
Exit 0: the step passes; 1: it fails (the reasons on stdout); 2: bad usage or unreadable files.
"""

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "reports"))
sys.path.insert(0, HERE)

from collect_runs import is_native, run_files  # noqa: E402
from rmreport.compare import DIED, compare  # noqa: E402
from rmreport.gate import gate  # noqa: E402
from rmreport.results import ResultsError, load  # noqa: E402


def reasons(runs, mode):
    """The lines that fail the step (empty: it passes)."""
    if mode == "fail":
        return gate(runs, None, {"system"}).reasons
    every_name = set(r.name for r in runs)
    found = list(gate(runs, None, every_name).reasons)      # incomplete runs only
    if mode == "never":
        return found
    natives = [r for r in runs if is_native(r)]
    for run in runs:
        if is_native(run):
            continue
        native = [n for n in natives if (n.os_name, n.arch) == (run.os_name, run.arch)]
        if native:
            items = ["%s %s -> %s" % (case_id, before or "absent", after or "not run")
                     for case_id, before, after in compare(native[0], run).regressions]
            against = "against the native run %s" % native[0].path
        else:
            items = ["%s %s" % (c["id"], c["status"]) for c in run.cases if c["status"] in DIED]
            against = "(no native run: crashes and timeouts only)"
        if items:
            found.append("%s (%s): %d regression(s) %s: %s" % (run.base_label, run.path, len(items), against,
                                                                ", ".join(items)))
    return found


def main(argv=None):
    ap = argparse.ArgumentParser(description="the composite action's verdict")
    ap.add_argument("folder")
    ap.add_argument("--fail-on", required=True, choices=("fail", "regression", "never"))
    args = ap.parse_args(argv)
    if not os.path.isdir(args.folder):
        sys.stderr.write("action_gate: no such folder: %s\n" % args.folder)
        return 2
    paths = run_files(args.folder)
    if not paths:
        print("action_gate: no run under %s: the suite did not run" % args.folder)
        return 1
    try:
        runs = [load(p) for p in paths]
    except ResultsError as e:
        sys.stderr.write("action_gate: %s\n" % e)
        return 2
    for run in runs:
        run.label = run.base_label
    found = reasons(runs, args.fail_on)
    for line in found:
        print("action_gate: " + line)
    if not found:
        print("action_gate: %d run(s), fail-on %s: nothing fails the step" % (len(runs), args.fail_on))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())

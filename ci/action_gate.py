"""The composite action's verdict (ci/action/action.yml, input `fail-on`): reads every run under
a results folder and says whether the step fails.

    action_gate.py RESULTS-FOLDER --fail-on fail|regression|never

Runs are found as ci/merge-reports.sh finds them (collect_runs.py); the native run is the one of
the implementation "system" not under Wine. Whatever the mode, a run without its `end` record
(killed, timed out, or the runner died) fails the step, whatever the runner's exit code was.
  fail        any fail, crash, timeout or blocked case of a DLL under test fails the step;
  regression  a case of a DLL under test regresses against the native run of the same runner:
              it passes natively and not with the DLL, or it crashes or times out with the DLL
              and did not natively (a new crash or timeout). Without a native run (input
              `native: false`) there is nothing to regress against: only a crash or a timeout
              of the DLL counts;
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
from rmreport.results import ResultsError, load  # noqa: E402

GATED = ("fail", "crash", "timeout", "blocked")
NEW_IN_CANDIDATE = ("crash", "timeout")


def statuses(run):
    return dict((c.get("id"), c.get("status")) for c in run.cases)


def reasons(runs, mode):
    found = []
    for run in runs:
        if not run.complete:
            found.append("%s: incomplete run (no end record): %d case(s) finished" % (run.path, len(run.cases)))
    natives = [r for r in runs if is_native(r)]
    for run in runs:
        if is_native(run) or mode == "never":
            continue
        mine = statuses(run)
        if mode == "fail":
            bad = sorted("%s (%s)" % (i, s) for i, s in mine.items() if s in GATED)
            if bad:
                found.append("%s: %d case(s) not passing: %s" % (run.base_label, len(bad), ", ".join(bad)))
            continue
        native = [n for n in natives if (n.os_name, n.arch) == (run.os_name, run.arch)]
        theirs = statuses(native[0]) if native else {}
        bad = []
        for case_id, status in sorted(mine.items()):
            was = theirs.get(case_id)
            if native and was == "pass" and status != "pass":
                bad.append("%s: native pass, %s" % (case_id, status))
            elif status in NEW_IN_CANDIDATE and was != status:
                bad.append("%s: %s%s" % (case_id, status, ", native %s" % was if native else ""))
        if native:
            for case_id, was in sorted(theirs.items()):
                if was == "pass" and case_id not in mine:
                    bad.append("%s: native pass, not run" % case_id)
        if bad:
            against = "against the native run" if native else "(no native run: crashes and timeouts only)"
            found.append("%s: %d regression(s) %s: %s" % (run.base_label, len(bad), against, "; ".join(bad)))
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

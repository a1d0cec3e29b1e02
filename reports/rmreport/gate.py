"""`rmreport gate`: the pass/fail decision of a conformance run, for ./rmc conform and CI.

A gate fails (exit 1, one line per reason on stdout) when
- any run is incomplete (no `end` record in results.jsonl, or `"complete": false`): a run that
  did not finish proves nothing, whichever implementation it ran;
- a gated run (every run whose implementation.name is not named by --no-gate) has any case
  `fail`, `crash`, `timeout` or `blocked`;
- a gated run regresses against --baseline (rules in compare.py). The baseline is compared with
  the gated runs of its own OS profile and architecture; when none has them, with every gated
  run (the output says so), never with none.
Runs named by --no-gate (the platform's own DLL) are reported on a "reported, not gated" line
and never change the exit code. Unreadable input is exit 2 with one line (on stderr), as in
every rmreport command.
"""

from .compare import compare
from .results import GATED_STATUSES

MAX_IDS = 5     # cases named per line; the rest are counted


class GateResult:
    def __init__(self):
        self.reasons = []     # lines that fail the gate
        self.reports = []     # lines that only inform

    @property
    def passed(self):
        return not self.reasons

    def lines(self):
        out = ["gate: FAIL: " + r for r in self.reasons]
        out.extend("gate: " + r for r in self.reports)
        return out


def _case_list(cases):
    ids = ["%s (%s)" % (c["id"], c["status"]) for c in cases[:MAX_IDS]]
    if len(cases) > MAX_IDS:
        ids.append("and %d more" % (len(cases) - MAX_IDS))
    return ", ".join(ids)


def _bad_counts(run):
    counts = run.counts()
    return ", ".join("%d %s" % (counts[s], s) for s in GATED_STATUSES if counts[s])


def _where(run):
    return "%s (%s)" % (run.label or run.base_label, run.path)


def gate(runs, baseline=None, no_gate=()):
    """runs: loaded Run objects (labelled); baseline: a Run or None; no_gate: implementation
    names that are reported, not gated."""
    result = GateResult()
    gated = [r for r in runs if r.name not in no_gate]
    for run in runs:
        if not run.complete:
            result.reasons.append("%s: incomplete run (%s; no end record): the runner did not finish"
                                  % (_where(run), run.progress()))
    for run in runs:
        bad = [c for c in run.cases if c["status"] in GATED_STATUSES]
        if run in gated:
            if bad:
                result.reasons.append("%s: %s: %s" % (_where(run), _bad_counts(run), _case_list(bad)))
            else:
                result.reports.append("%s: gated, %s" % (_where(run), run.headline()))
        else:
            result.reports.append("%s: reported, not gated (--no-gate %s): %s"
                                  % (_where(run), run.name, run.headline()))
    if baseline is not None:
        _gate_baseline(result, runs, gated, baseline)
    if result.passed:
        result.reports.append("passed: %d run%s gated, %d reported only"
                              % (len(gated), "" if len(gated) == 1 else "s", len(runs) - len(gated)))
    return result


def _gate_baseline(result, runs, gated, baseline):
    same = [r for r in runs if r.os_name == baseline.os_name and r.arch == baseline.arch]
    if not same:
        result.reports.append("baseline %s (%s): no run of profile %s-%s; compared with every run"
                              % (baseline.base_label, baseline.path, baseline.os_name, baseline.arch))
        same = list(runs)
    for run in same:
        comparison = compare(baseline, run)
        if not comparison.regressions:
            continue
        items = ["%s %s -> %s" % (case_id, before or "absent", after or "not run")
                 for case_id, before, after in comparison.regressions[:MAX_IDS]]
        if len(comparison.regressions) > MAX_IDS:
            items.append("and %d more" % (len(comparison.regressions) - MAX_IDS))
        line = "%s: %d regression%s against the baseline %s: %s" % (
            _where(run), len(comparison.regressions), "" if len(comparison.regressions) == 1 else "s",
            baseline.path, ", ".join(items))
        if run in gated:
            result.reasons.append(line)
        else:
            result.reports.append("reported, not gated: " + line)

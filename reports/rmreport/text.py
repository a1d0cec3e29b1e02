"""Plain-text and Markdown output: `rmreport diff` and `rmreport markdown`."""

import json

from .compare import ABSENT, compare
from .results import GATED_STATUSES, STATUSES

SYMBOLS = {"pass": "✓", "fail": "✗", "crash": "☠", "timeout": "◷", "blocked": "⊘", "observed": "◉",
           "unsupported": "∅", "skip": "↷", None: "·"}
MAX_LISTED = 30     # failing cases or regressions listed per run in the Markdown summary
MAX_MESSAGE = 200


def _value(v):
    return "(absent)" if v is ABSENT else json.dumps(v, ensure_ascii=False, sort_keys=True)


def _status(s):
    return "not run" if s is None else s


def _base_status(s):
    return "not in the baseline" if s is None else s


def diff_lines(comparison):
    """Every difference between baseline and candidate, one per line."""
    c = comparison
    out = ["baseline:  %s (%s)" % (c.baseline.label or c.baseline.base_label, c.baseline.path),
           "candidate: %s (%s)" % (c.candidate.label or c.candidate.base_label, c.candidate.path)]
    out.extend("note: " + n for n in c.notes())
    messages = dict((case["id"], case["message"]) for case in c.candidate.cases)

    def section(title, rows, fmt):
        if rows:
            out.append("%s: %d" % (title, len(rows)))
            out.extend("  " + fmt(r) for r in rows)

    def with_message(r):
        line = "%s: %s -> %s" % (r[0], _base_status(r[1]), _status(r[2]))
        msg = messages.get(r[0])
        return line + (": " + _one_line(msg) if msg else "")

    section("regressions", c.regressions, with_message)
    section("improvements", c.improvements, with_message)
    section("other status changes", c.other_changes, with_message)
    missing = [i for i in c.only_in_baseline if not c.regressed(i)]
    section("only in the baseline", missing, lambda i: i)
    new = [i for i in c.only_in_candidate if not c.improved(i) and not c.regressed(i)]
    section("only in the candidate", new, lambda i: i)
    section("observations that differ", c.observations,
            lambda o: "%s: %s: %s -> %s" % (o[0], o[1], _value(o[2]), _value(o[3])))
    if c.has_regressions:
        out.append("result: %d regression%s" % (len(c.regressions), "" if len(c.regressions) == 1 else "s"))
    else:
        out.append("result: no regression")
    return out


def _one_line(text, limit=None):
    text = " ".join(str(text).split())
    if limit and len(text) > limit:
        text = text[:limit - 1] + "…"
    return text


def _md_text(text, limit=MAX_MESSAGE):
    """Text safe inside a Markdown list item or table cell (GitHub also renders inline HTML)."""
    text = _one_line(text, limit)
    for a, b in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("|", "\\|")):
        text = text.replace(a, b)
    return text


def _code(text):
    return "`%s`" % str(text).replace("`", "'")


def markdown(runs, baseline=None):
    """A short summary for a CI step summary."""
    out = ["## rmconform results", ""]
    if not runs:
        return "\n".join(out + ["No runs.", ""])
    # The headline: contract conformance (pass / applicable doc+obs cases), probes apart.
    out.append("| run | contract conformance | fail | crash | timeout | blocked | probes observed | state |")
    out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for run in runs:
        counts = run.contract_counts()
        passed, applicable = run.conformance()
        observed, probes = run.probes()
        state = "complete" if run.complete else "**incomplete** (%s)" % run.progress()
        out.append("| %s | **%d / %d** | %d | %d | %d | %d | %d / %d | %s |" % (
            _code(run.label), passed, applicable, counts["fail"], counts["crash"], counts["timeout"],
            counts["blocked"], observed, probes, state))
    out.append("")
    out.append("<details><summary>Every status</summary>")
    out.append("")
    out.append("| run | " + " | ".join(SYMBOLS[s] + " " + s for s in STATUSES) + " | state |")
    out.append("| --- |" + " ---: |" * len(STATUSES) + " --- |")
    for run in runs:
        counts = run.counts()
        state = "complete" if run.complete else "**incomplete** (%s)" % run.progress()
        out.append("| %s | %s | %s |" % (_code(run.label), " | ".join(str(counts[s]) for s in STATUSES), state))
    out.append("")
    out.append("</details>")
    out.append("")

    failing = [(run, [c for c in run.cases if c["status"] in GATED_STATUSES]) for run in runs]
    failing = [(run, cases) for run, cases in failing if cases]
    out.append("### Failing cases")
    out.append("")
    if not failing:
        out.append("None: every case passed or was observed, unsupported or skipped.")
        out.append("")
    for run, cases in failing:
        out.append("<details><summary>%s: %d failing</summary>" % (_md_text(run.label), len(cases)))
        out.append("")
        for case in cases[:MAX_LISTED]:
            msg = _md_text(case["message"]) if case["message"] else ""
            out.append("- %s %s %s%s" % (SYMBOLS[case["status"]], case["status"], _code(case["id"]),
                                         ": " + msg if msg else ""))
        if len(cases) > MAX_LISTED:
            out.append("- … and %d more (see the HTML report)" % (len(cases) - MAX_LISTED))
        out.append("")
        out.append("</details>")
        out.append("")

    if baseline is not None:
        out.extend(_markdown_baseline(runs, baseline))
    return "\n".join(out)


def _markdown_baseline(runs, baseline):
    out = ["### Against the baseline %s (%s)" % (_code(baseline.base_label), _md_text(baseline.path)), ""]
    comparisons = [compare(baseline, run) for run in runs]
    out.append("| run | regressions | improvements | observations that differ | notes |")
    out.append("| --- | ---: | ---: | ---: | --- |")
    for comp in comparisons:
        out.append("| %s | %s | %d | %d | %s |" % (
            _code(comp.candidate.label), ("**%d**" % len(comp.regressions)) if comp.regressions else "0",
            len(comp.improvements), len(comp.observations), _md_text("; ".join(comp.notes()))))
    out.append("")
    for comp in comparisons:
        if not comp.regressions:
            continue
        n = len(comp.regressions)
        out.append("<details><summary>%s: %d regression%s</summary>"
                   % (_md_text(comp.candidate.label), n, "" if n == 1 else "s"))
        out.append("")
        for case_id, before, after in comp.regressions[:MAX_LISTED]:
            out.append("- %s: %s → %s" % (_code(case_id), _base_status(before), _status(after)))
        if len(comp.regressions) > MAX_LISTED:
            out.append("- … and %d more" % (len(comp.regressions) - MAX_LISTED))
        out.append("")
        out.append("</details>")
        out.append("")
    return out

"""The HTML report: one self-contained page (inline CSS, JS and SVG; a Content-Security-Policy
that forbids loading anything else), with the runs, a per-area chart, the case × run matrix
and the behaviour atlas of the probe cases."""

import datetime
from html import escape

from . import __version__
from .compare import compare
from .html_assets import ERROR_HOOK_JS, FILTER_JS, STATUS_STYLE, css
from .results import STATUSES, case_rows, format_value, same_value
from .svg_chart import chart

CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"


def _e(value):
    return escape("" if value is None else str(value), quote=True)


def _symbol(status, extra=""):
    sym, _bg, _fg, _chart, why = STATUS_STYLE[status]
    word = "not in this run" if status == "missing" else status
    return ('<span class="sym" aria-hidden="true">%s</span><span class="sr">%s</span>%s'
            % (sym, _e(word), extra))


def render(runs, baseline=None, generated=None):
    """The whole page as a string. `runs` in display order (results.order_runs)."""
    columns = ([baseline] if baseline is not None else []) + list(runs)
    rows = case_rows(columns)
    comparisons = dict((id(run), compare(baseline, run)) for run in runs) if baseline is not None else {}
    generated = generated or datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    n_cases = sum(len(cases) for _, cases in rows)

    out = ['<!DOCTYPE html>', '<html lang="en">', '<head>', '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           '<meta http-equiv="Content-Security-Policy" content="%s">' % CSP,
           '<title>rmconform report</title>',
           '<script>%s</script>' % ERROR_HOOK_JS,
           '<style>%s</style>' % css(), '</head>', '<body>']
    out.append('<header><h1>rmconform report</h1><p class="meta">%d run%s, %d case%s; generated %s by rmreport %s'
               '</p></header>' % (len(runs), "" if len(runs) == 1 else "s", n_cases, "" if n_cases == 1 else "s",
                                  _e(generated), _e(__version__)))
    out.append('<nav><a href="#runs">Runs</a><a href="#chart">Pass counts</a><a href="#matrix">Matrix</a>'
               '<a href="#atlas">Behaviour atlas</a></nav>')
    out.extend(_runs_section(runs, baseline, comparisons))
    out.append('<section id="chart"><h2>Pass counts by area</h2><div class="scroll">%s</div></section>'
               % chart(columns, rows))
    out.extend(_matrix_section(runs, baseline, rows, comparisons))
    out.extend(_atlas_section(columns, baseline, rows))
    out.append('<script>%s</script>' % FILTER_JS)
    out.append('</body></html>')
    return "\n".join(out) + "\n"


# -- runs ----------------------------------------------------------------------------------------

def _runs_section(runs, baseline, comparisons):
    out = ['<section id="runs"><h2>Runs</h2><div class="scroll"><table class="runs">',
           '<thead><tr><th>run</th><th title="pass / applicable doc and obs cases (not unsupported or skipped); '
           'probes apart">contract conformance</th><th>implementation</th><th>OS</th><th>time</th>%s<th>state</th>%s'
           '</tr></thead>'
           % ("".join('<th title="%s">%s</th>' % (_e(s), _symbol(s)) for s in STATUSES),
              "<th>vs baseline</th>" if baseline is not None else ""),
           "<tbody>"]
    for run in ([baseline] if baseline is not None else []) + list(runs):
        is_base = run is baseline
        counts = run.counts()
        impl = run.implementation
        os_info = run.os
        version = ".".join(str(os_info[k]) for k in ("major", "minor", "build") if os_info.get(k) is not None)
        os_text = "%s %s" % (run.os_name, version)
        if os_info.get("detected") and os_info.get("detected") != run.os_name:
            os_text += " (detected %s)" % os_info["detected"]
        os_text += "; Wine %s" % os_info["wine"] if os_info.get("wine") else "; Windows"
        sha = str(impl.get("sha256") or "")
        impl_text = '<code>%s</code>' % _e(impl.get("path") or run.name)
        if impl.get("file_version"):
            impl_text += " %s" % _e(impl["file_version"])
        if sha:
            impl_text += ' <span class="mono" title="sha256 %s">%s…</span>' % (_e(sha), _e(sha[:12]))
        state = "complete" if run.complete else '<span class="incomplete">incomplete: %s</span>' % _e(run.progress())
        vs = ""
        if baseline is not None:
            if is_base:
                vs = "<td>this is the baseline</td>"
            else:
                c = comparisons[id(run)]
                vs = "<td>%d regression%s, %d improvement%s, %d observation difference%s%s</td>" % (
                    len(c.regressions), "" if len(c.regressions) == 1 else "s",
                    len(c.improvements), "" if len(c.improvements) == 1 else "s",
                    len(c.observations), "" if len(c.observations) == 1 else "s",
                    "".join("; " + _e(n) for n in c.notes()))
        passed, applicable = run.conformance()
        contract = run.contract_counts()
        observed, probes = run.probes()
        headline = ('<b class="headline">%d / %d</b>%s<br><span class="meta">fail %d, crash %d, timeout %d, '
                    'blocked %d<br>probes observed %d / %d</span>' % (
                        passed, applicable, " (%.0f%%)" % (100.0 * passed / applicable) if applicable else "",
                        contract["fail"], contract["crash"], contract["timeout"], contract["blocked"], observed, probes))
        out.append('<tr%s><th><code>%s</code>%s<br><span class="meta">%s</span></th><td data-headline="%s">%s</td>'
                   '<td>%s</td><td>%s</td>'
                   '<td>%s<br>%s</td>%s<td>%s</td>%s</tr>' % (
                       ' class="baseline"' if is_base else "", _e(run.label),
                       " (baseline)" if is_base else "", _e(run.path), _e(run.headline()), headline,
                       impl_text, _e(os_text),
                       _e(run.started or ""), _e(run.finished or ""),
                       "".join('<td class="num">%d</td>' % counts[s] for s in STATUSES), state, vs))
    out.append("</tbody></table></div></section>")
    return out


# -- matrix --------------------------------------------------------------------------------------

def _legend(with_baseline):
    items = []
    for status, (_sym, _bg, _fg, _chart, why) in STATUS_STYLE.items():
        items.append('<li><span class="sym st-%s">%s</span> <b>%s</b> %s</li>'
                     % (status, STATUS_STYLE[status][0], _e("not in run" if status == "missing" else status), _e(why)))
    if with_baseline:
        items.append('<li><span class="mark">▼</span> passes in the baseline, not here</li>')
        items.append('<li><span class="mark">▲</span> passes here, not in the baseline</li>')
        items.append('<li><span class="mark">≠</span> observations differ from the baseline</li>')
    return '<ul class="legend">%s</ul>' % "".join(items)


def _filters(rows):
    areas = "".join('<label><input type="checkbox" name="area" value="%s" checked> %s (%d)</label>'
                    % (_e(area), _e(area), len(cases)) for area, cases in rows)
    statuses = "".join('<label><input type="checkbox" name="status" value="%s" checked> %s %s</label>'
                       % (s, STATUS_STYLE[s][0], "not in run" if s == "missing" else s)
                       for s in list(STATUSES) + ["missing"])

    def buttons(group):
        return (' <button type="button" data-group="%s" data-set="all">all</button>'
                '<button type="button" data-group="%s" data-set="none">none</button>' % (group, group))
    return ('<form id="filters"><fieldset><legend>Areas%s</legend>%s</fieldset>'
            '<fieldset><legend>Show cases where some run is%s</legend>%s</fieldset>'
            '<fieldset><legend>Other</legend><label><input type="checkbox" name="differs" value="1"> '
            'only cases where the runs disagree</label></fieldset></form>'
            % (buttons("area"), areas, buttons("status"), statuses))


def _matrix_section(runs, baseline, rows, comparisons):
    ncols = len(runs) + (1 if baseline is not None else 0) + 1
    out = ['<section id="matrix"><h2>Matrix</h2>',
           '<p class="meta">One row per case, one column per run. Click a cell for its message and observations.</p>',
           _legend(baseline is not None), _filters(rows), '<p id="shown"></p>', '<div class="scroll"><table class="matrix">',
           "<thead><tr><th>case</th>"]
    if baseline is not None:
        out.append('<th class="run baseline" title="%s">baseline: %s</th>' % (_e(baseline.path), _e(baseline.label)))
    for run in runs:
        out.append('<th class="run" title="%s">%s%s</th>' % (
            _e(run.path), _e(run.label), "" if run.complete else " ⚠ incomplete: %s" % _e(_short_progress(run))))
    out.append("</tr></thead>")
    for area, cases in rows:
        out.append('<tbody class="area" data-area="%s">' % _e(area))
        out.append('<tr class="area-row"><th colspan="%d">%s <span class="meta">%s</span></th></tr>'
                   % (ncols, _e(area), _e(_area_summary(runs, [cid for cid, _ in cases]))))
        for case_id, meta in cases:
            out.append(_case_row(case_id, meta, area, runs, baseline, comparisons))
        out.append("</tbody>")
    out.append("</table></div></section>")
    return out


def _short_progress(run):
    if isinstance(run.selected, int):
        return "%d/%d" % (len(run.cases), run.selected)
    return "%d cases" % len(run.cases)


def _area_summary(runs, case_ids):
    parts = []
    for run in runs:
        passed = sum(1 for cid in case_ids if run.case(cid) and run.case(cid)["status"] == "pass")
        parts.append("%d" % passed)
    return "passed: %s of %d" % (" / ".join(parts), len(case_ids))


def _case_row(case_id, meta, area, runs, baseline, comparisons):
    statuses = []
    for run in runs:
        case = run.case(case_id)
        statuses.append(case["status"] if case else "missing")
    present = set(s for s in statuses if s != "missing")
    differs = len(present) > 1 or _observations_differ(case_id, runs)
    prov = meta.get("provenance") or ""
    head = ('<th class="case-name"><code>%s</code><span class="prov prov-%s">%s</span>'
            '<span class="spec">%s</span><div class="title">%s</div></th>'
            % (_e(case_id), _e(prov), _e(prov or "?"), _e(meta.get("spec")), _e(meta.get("title"))))
    cells = []
    if baseline is not None:
        cells.append(_cell(case_id, baseline, None, is_baseline=True))
    for run in runs:
        cells.append(_cell(case_id, run, comparisons.get(id(run))))
    return ('<tr class="case" id="case-%s" data-area="%s" data-statuses="%s" data-differs="%s">%s%s</tr>'
            % (_e(case_id), _e(area), " ".join(sorted(set(statuses))), "1" if differs else "0", head, "".join(cells)))


def _observations_differ(case_id, runs):
    seen = None
    for run in runs:
        case = run.case(case_id)
        if case is None:
            continue
        obs = case["observations"]
        if seen is None:
            seen = obs
        elif set(seen) != set(obs) or any(not same_value(seen[k], obs[k]) for k in obs):
            return True
    return False


def _cell(case_id, run, comparison, is_baseline=False):
    case = run.case(case_id)
    status = case["status"] if case else "missing"
    marks, classes = "", ["cell", "st-" + status]
    diff_keys = set()
    if comparison is not None:
        if comparison.regressed(case_id):
            marks += '<span class="mark" title="passes in the baseline, not here">▼</span>'
            classes.append("regressed")
        elif comparison.improved(case_id):
            marks += '<span class="mark" title="passes here, not in the baseline">▲</span>'
        diff_keys = set(comparison.differing_keys(case_id))
        if diff_keys:
            marks += '<span class="mark" title="observations differ from the baseline">≠</span>'
    attrs = ('data-baseline-cell="%s"' % _e(case_id)) if is_baseline else ('data-cell="%s"' % _e(case_id))
    return ('<td class="%s" %s data-run="%s" data-status="%s"><details><summary title="%s: %s">%s</summary>'
            '<div class="pop">%s</div></details></td>'
            % (" ".join(classes), attrs, _e(run.label), status, _e(run.label),
               _e(status if case else "not in this run"), _symbol(status, marks),
               _cell_details(case, run, diff_keys)))


def _cell_details(case, run, diff_keys):
    if case is None:
        why = ("the run was stopped before this case" if not run.complete else "this run did not include the case")
        return '<p><b>not in this run</b> · <code>%s</code></p><p class="none">%s</p>' % (_e(run.label), _e(why))
    head = '<p><b>%s</b> · <code>%s</code>' % (_e(case["status"]), _e(run.label))
    if isinstance(case.get("duration_ms"), (int, float)):
        head += " · %s ms" % _e(case["duration_ms"])
    head += "</p>"
    parts = [head]
    if case["message"]:
        parts.append('<p class="msg">%s</p>' % _e(case["message"]))
    parts.append(_observation_table(case["observations"], diff_keys))
    return "".join(parts)


def _observation_table(observations, diff_keys=()):
    if not observations:
        return '<p class="none">no observations</p>'
    rows = []
    for key, value in observations.items():
        rows.append('<tr%s><th>%s</th><td>%s</td></tr>'
                    % (' class="obs-diff" title="differs from the baseline"' if key in diff_keys else "",
                       _e(key), _e(format_value(value))))
    return '<table class="obs">%s</table>' % "".join(rows)


# -- behaviour atlas -----------------------------------------------------------------------------

def _atlas_section(columns, baseline, rows):
    probes = [(area, cid, meta) for area, cases in rows for cid, meta in cases
              if _provenance(cid, meta, columns) == "probe"]
    out = ['<section id="atlas"><h2>Behaviour atlas</h2>',
           '<p class="meta">Every probe case (a question the spec marks UNCONFIRMED): what each run observed, side '
           'by side. Rows where the runs disagree are highlighted.</p>']
    if not probes:
        out.append('<p class="none">No probe cases in these runs.</p></section>')
        return out
    out.append('<div class="scroll"><table class="atlas"><thead><tr><th>case / observation</th>')
    for run in columns:
        out.append('<th class="run%s" title="%s">%s%s</th>' % (
            " baseline" if run is baseline else "", _e(run.path),
            "baseline: " if run is baseline else "", _e(run.label)))
    out.append("</tr><tr><th>probes observed (ran to the end)</th>")
    for run in columns:
        observed, ran = run.probes()
        out.append('<td class="num" data-probes="%d/%d">%d / %d</td>' % (observed, ran, observed, ran))
    out.append("</tr></thead>")
    for area, case_id, meta in probes:
        cases = [run.case(case_id) for run in columns]
        keys = []
        for case in cases:
            for key in (case["observations"] if case else {}):
                if key not in keys:
                    keys.append(key)
        body_rows = []
        any_differs = False
        status_cells = []
        for case in cases:
            s = case["status"] if case else "missing"
            status_cells.append('<td class="st-%s">%s %s</td>' % (s, STATUS_STYLE[s][0],
                                                                 _e(s if case else "not in run")))
        body_rows.append('<tr><th class="key">status</th>%s</tr>' % "".join(status_cells))
        for key in keys:
            values = [c["observations"][key] for c in cases if c and key in c["observations"]]
            present = [c for c in cases if c]
            differs = len(values) < len(present) or any(not same_value(values[0], v) for v in values[1:])
            any_differs = any_differs or differs
            cells = []
            for case in cases:
                if case is None:
                    cells.append('<td class="absent">·</td>')
                elif key not in case["observations"]:
                    cells.append('<td class="absent">—</td>')
                else:
                    cells.append("<td>%s</td>" % _e(format_value(case["observations"][key])))
            body_rows.append('<tr%s><th class="key"><code>%s</code></th>%s</tr>'
                             % (' class="differs"' if differs else "", _e(key), "".join(cells)))
        out.append('<tbody class="atlas-case" data-area="%s" data-differs="%s">' % (_e(area), "1" if any_differs else "0"))
        out.append('<tr class="atlas-head"><th colspan="%d"><a href="#case-%s"><code>%s</code></a> %s '
                   '<span class="spec">%s</span> · %s</th></tr>'
                   % (len(columns) + 1, _e(case_id), _e(case_id), _e(meta.get("title")), _e(meta.get("spec")),
                      "runs disagree" if any_differs else "runs agree"))
        out.extend(body_rows)
        out.append("</tbody>")
    out.append("</table></div></section>")
    return out


def _provenance(case_id, meta, columns):
    """A case's provenance as any run reports it (all runs of one suite version agree)."""
    if meta.get("provenance"):
        return meta["provenance"]
    for run in columns:
        case = run.case(case_id)
        if case and case.get("provenance"):
            return case["provenance"]
    return ""


def write(path, runs, baseline=None):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(render(runs, baseline))

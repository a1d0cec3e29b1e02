"""The per-area pass-count chart: an inline SVG grid, one row per area, one column per run,
each cell a bar split by status with the pass count written beside it."""

from html import escape

from .html_assets import STATUS_STYLE
from .results import STATUSES

LABEL_W = 140     # area names
COL_W = 128       # one run
BAR_W = 76
ROW_H = 22
HEAD_H = 40


def _short(text, limit):
    return text if len(text) <= limit else text[:limit - 1] + "…"


def area_counts(run, case_ids):
    counts = dict((s, 0) for s in STATUSES)
    counts["missing"] = 0
    for case_id in case_ids:
        case = run.case(case_id)
        counts[case["status"] if case else "missing"] += 1
    return counts


def chart(runs, rows):
    """rows: [(area, [(case_id, meta)])] as from results.case_rows()."""
    groups = [(area, [cid for cid, _ in cases]) for area, cases in rows]
    groups.append(("all areas", [cid for _, cases in rows for cid, _ in cases]))
    width = LABEL_W + COL_W * max(1, len(runs)) + 8
    height = HEAD_H + ROW_H * len(groups) + 6
    out = ['<svg xmlns="http://www.w3.org/2000/svg" role="img" width="%d" height="%d" viewBox="0 0 %d %d" '
           'aria-labelledby="chart-title" data-chart="areas">' % (width, height, width, height),
           '<title id="chart-title">Cases passed per area and run</title>']
    for col, run in enumerate(runs):
        x = LABEL_W + col * COL_W
        out.append('<text x="%d" y="%d" font-size="11" font-weight="600">%s<title>%s</title></text>'
                   % (x, HEAD_H - 22, escape(_short(run.name, 20)), escape(run.label)))
        sub = "%s %s" % (run.os_name, run.arch) + ("" if run.complete else " (incomplete)")
        out.append('<text x="%d" y="%d" font-size="10" fill="%s">%s</text>'
                   % (x, HEAD_H - 8, "#a40e26" if not run.complete else "#57606a", escape(_short(sub, 22))))
    for row, (area, case_ids) in enumerate(groups):
        y = HEAD_H + row * ROW_H
        if row == len(groups) - 1:
            out.append('<line x1="0" x2="%d" y1="%d" y2="%d" stroke="#d0d7de"/>' % (width, y - 1, y - 1))
        out.append('<text x="4" y="%d" font-size="12"%s>%s</text>'
                   % (y + 15, ' font-weight="600"' if row == len(groups) - 1 else "", escape(_short(area, 22))))
        for col, run in enumerate(runs):
            out.extend(_bar(LABEL_W + col * COL_W, y + 4, area, run, area_counts(run, case_ids), len(case_ids)))
    out.append("</svg>")
    return "\n".join(out)


def _bar(x, y, area, run, counts, total):
    parts = ['<g data-area="%s" data-run="%s">' % (escape(area), escape(run.label))]
    tip = "%s, %s: %s" % (area, run.label, ", ".join("%d %s" % (counts[s], s) for s in counts if counts[s]))
    parts.append("<title>%s</title>" % escape(tip))
    parts.append('<rect x="%d" y="%d" width="%d" height="14" fill="#ffffff" stroke="#d0d7de"/>' % (x, y, BAR_W))
    offset = 0.0
    for status in list(STATUSES) + ["missing"]:
        n = counts[status]
        if not n or not total:
            continue
        w = BAR_W * n / total
        parts.append('<rect x="%.1f" y="%d" width="%.1f" height="14" fill="%s"/>'
                     % (x + offset, y, w, STATUS_STYLE[status][3]))
        offset += w
    parts.append('<text x="%d" y="%d" font-size="11">%d/%d</text>' % (x + BAR_W + 4, y + 11, counts["pass"], total))
    parts.append("</g>")
    return parts

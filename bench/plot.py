"""bench/plot.py — bench.svg from the figures report.py computed, written by hand (no plotting
library): left, RmGetList and the floor against the number of registered files, one colour
per locker count, log-log, min-max bars; right, the ratio to the floor with the 1.5x target."""
import math
from xml.sax.saxutils import escape

COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]
W, H = 1040, 620
PANEL_W, PANEL_H = 400, 340
TOP = 88


def _log_ticks(lo, hi):
    ticks = []
    e = math.floor(math.log10(lo))
    while 10 ** e <= hi * 1.0001:
        for m in (1, 2, 5):
            v = m * 10 ** e
            if lo <= v <= hi:
                ticks.append(v)
        e += 1
    return ticks or [lo, hi]


def _fmt(v):
    return ("%g" % v) if v < 10000 else "%.0e" % v


class Axes:
    def __init__(self, x0, y0, xs, ys, ylog=True):
        self.x0, self.y0 = x0, y0
        self.xlo, self.xhi = min(xs), max(xs)
        if self.xlo == self.xhi:
            self.xlo, self.xhi = self.xlo / 2, self.xhi * 2
        self.ylog = ylog
        lo, hi = min(ys), max(ys)
        if ylog:
            lo, hi = max(lo, 1e-4), max(hi, 1e-4)
            lo, hi = 10 ** math.floor(math.log10(lo)), 10 ** math.ceil(math.log10(hi))
            if lo == hi:
                hi = lo * 10
        else:
            lo, hi = 0.0, max(hi * 1.15, 1.0)
        self.ylo, self.yhi = lo, hi

    def x(self, v):
        a, b = math.log10(self.xlo), math.log10(self.xhi)
        return self.x0 + 20 + (math.log10(v) - a) / (b - a) * (PANEL_W - 40)

    def y(self, v):
        if self.ylog:
            v = max(v, self.ylo)
            a, b = math.log10(self.ylo), math.log10(self.yhi)
            f = (math.log10(v) - a) / (b - a)
        else:
            f = (v - self.ylo) / (self.yhi - self.ylo)
        return self.y0 + PANEL_H - f * PANEL_H


def _frame(out, ax, xticks, yticks, xlabel, ylabel, title):
    x0, y0 = ax.x0, ax.y0
    out.append('<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#444"/>' % (x0, y0, PANEL_W, PANEL_H))
    out.append('<text x="%d" y="%d" font-size="14" font-weight="bold">%s</text>' % (x0, y0 - 12, escape(title)))
    for t in xticks:
        x = ax.x(t)
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>' % (x, y0, x, y0 + PANEL_H))
        out.append('<text x="%.1f" y="%d" font-size="11" text-anchor="middle">%s</text>' % (x, y0 + PANEL_H + 15, _fmt(t)))
    for t in yticks:
        y = ax.y(t)
        out.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>' % (x0, y, x0 + PANEL_W, y))
        out.append('<text x="%d" y="%.1f" font-size="11" text-anchor="end">%s</text>' % (x0 - 4, y + 4, _fmt(t)))
    out.append('<text x="%d" y="%d" font-size="12" text-anchor="middle">%s</text>'
               % (x0 + PANEL_W // 2, y0 + PANEL_H + 34, escape(xlabel)))
    out.append('<text x="%d" y="%d" font-size="12" text-anchor="middle" transform="rotate(-90 %d %d)">%s</text>'
               % (x0 - 46, y0 + PANEL_H // 2, x0 - 46, y0 + PANEL_H // 2, escape(ylabel)))


def _series(out, ax, pts, colour, dashed, value, spread=None):
    pts = sorted(pts, key=lambda p: p["files"])
    coords = [(ax.x(p["files"]), ax.y(value(p))) for p in pts if value(p) is not None]
    if len(coords) > 1:
        out.append('<polyline fill="none" stroke="%s" stroke-width="2"%s points="%s"/>'
                   % (colour, (' stroke-dasharray="%s"' % (dashed if isinstance(dashed, str) else "6 4")) if dashed else "",
                      " ".join("%.1f,%.1f" % c for c in coords)))
    for p in pts:
        v = value(p)
        if v is None:
            continue
        x, y = ax.x(p["files"]), ax.y(v)
        if spread and spread(p):
            lo, hi = spread(p)
            out.append('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s"/>' % (x, ax.y(lo), x, ax.y(hi), colour))
        shape = ('<path d="M%.1f %.1fl4 7h-8z" fill="white" stroke="%s"/>' % (x, y - 4, colour)) if isinstance(dashed, str) \
            else ('<rect x="%.1f" y="%.1f" width="7" height="7" fill="white" stroke="%s"/>' % (x - 3.5, y - 3.5, colour)) if dashed \
            else ('<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"/>' % (x, y, colour))
        out.append(shape)


def svg(res):
    rm = res["getlist"].get("rmref", {}).get("points", [])
    fl = res["floor"]["points"]
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif">'
           % (W, H, W, H),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="20" y="28" font-size="17" font-weight="bold">rmconform bench: rmref.dll RmGetList against the '
           'enumeration floor%s</text>' % (" (smoke run)" if res.get("smoke") else ""),
           '<text x="20" y="48" font-size="12">median of %d repetitions, bars min-max; N = locker processes, '
           'M = registered files; solid = rmref, dashed = floor</text>' % res.get("reps", 0)]
    lockers = sorted({p["lockers"] for p in rm + fl})
    colour = {n: COLOURS[i % len(COLOURS)] for i, n in enumerate(lockers)}
    files = [p["files"] for p in rm + fl] or [1]

    times = [v for p in rm + fl if p.get("time_ms") for v in (p["time_ms"]["min"], p["time_ms"]["max"])] or [1.0]
    ax = Axes(90, TOP, files, times, ylog=True)
    ylo, yhi = ax.ylo, ax.yhi
    _frame(out, ax, _log_ticks(ax.xlo, ax.xhi), [10 ** e for e in range(int(math.log10(ylo)), int(math.log10(yhi)) + 1)],
           "registered files M", "time per call (ms)", "RmGetList (solid) and floor (dashed)")
    tm = lambda p: p["time_ms"]["median"] if p.get("time_ms") else None  # noqa: E731
    sp = lambda p: (p["time_ms"]["min"], p["time_ms"]["max"]) if p.get("time_ms") else None  # noqa: E731
    # every other implementation that found what it should: its own series, each its own dash
    # pattern (triangles); one that did not is listed below, flagged, never drawn as a time
    dashes = ("1 3", "8 3 1 3", "2 2", "12 4", "4 1 1 1")
    others = [(n, g) for n, g in res["getlist"].items() if n != "rmref"]
    timed = [(n, g, dashes[i % len(dashes)]) for i, (n, g) in enumerate(others) if g.get("finder", True)]
    for n in lockers:
        _series(out, ax, [p for p in fl if p["lockers"] == n], colour[n], True, tm, sp)
        _series(out, ax, [p for p in rm if p["lockers"] == n], colour[n], False, tm, sp)
        for _, g, dash in timed:
            _series(out, ax, [p for p in g["points"] if p["lockers"] == n], colour[n], dash, tm, sp)

    ratios = [p["ratio_to_floor"] for p in rm if p.get("ratio_to_floor")] + [1.5]
    ratios += [r for p in rm if p.get("ratio_range") for r in p["ratio_range"]]
    ax2 = Axes(590, TOP, files, ratios, ylog=False)
    step = 0.5 if ax2.yhi <= 4 else 1 if ax2.yhi <= 8 else 2 if ax2.yhi <= 16 else 5
    yt = [i * step for i in range(int(ax2.yhi / step) + 1)]
    _frame(out, ax2, _log_ticks(ax2.xlo, ax2.xhi), yt, "registered files M", "rmref / floor",
           "Ratio to the floor (target: at most 1.5x)")
    y15 = ax2.y(1.5)
    out.append('<line x1="590" y1="%.1f" x2="%d" y2="%.1f" stroke="#000" stroke-dasharray="3 3"/>' % (y15, 590 + PANEL_W, y15))
    out.append('<text x="%d" y="%.1f" font-size="11" text-anchor="end">1.5x</text>' % (590 + PANEL_W - 4, y15 - 4))
    for n in lockers:
        _series(out, ax2, [p for p in rm if p["lockers"] == n], colour[n], False, lambda p: p.get("ratio_to_floor"),
                lambda p: p.get("ratio_range"))

    # legend
    lx = 90
    for n in lockers:
        out.append('<rect x="%d" y="%d" width="14" height="4" fill="%s"/>' % (lx, TOP + PANEL_H + 52, colour[n]))
        out.append('<text x="%d" y="%d" font-size="12">N=%d</text>' % (lx + 18, TOP + PANEL_H + 58, n))
        lx += 80
    for i, (name, _, dash) in enumerate(timed):
        y = TOP + PANEL_H + 74 + 16 * i
        out.append('<line x1="90" y1="%d" x2="120" y2="%d" stroke="#000" stroke-width="2" stroke-dasharray="%s"/>'
                   % (y, y, dash))
        out.append('<text x="126" y="%d" font-size="12">%s RmGetList</text>' % (y + 4, escape(name)))
    flagged = ["%s: %s" % (n, i.get("note", "")) for n, i in res.get("impls", {}).items()
               if n != "rmref" and not i.get("finder")]
    for i, text in enumerate(flagged):
        out.append('<text x="590" y="%d" font-size="11" fill="#a00">%s</text>'
                   % (TOP + PANEL_H + 74 + 14 * i, escape(text)))
    # the other figures, one line each
    notes = []
    reg = res.get("register", {}).get("rmref", [])
    if reg and reg[0].get("per_1000_files_ms"):
        notes.append("RmRegisterResources: %.0f ms per 1000 files (batches of %d)"
                     % (reg[0]["per_1000_files_ms"]["median"], reg[0]["batch"]))
    mem = res.get("memory", {}).get("rmref", {}).get("holding_session", {})
    if mem.get("peak_working_set_mb"):
        notes.append("peak working set holding %d files: %.1f MB" % (res["memory"]["rmref"]["files"],
                                                                     mem["peak_working_set_mb"]["median"]))
    s = res.get("suite") or {}
    if s.get("wall_s"):
        notes.append("full suite: %.1f s for %d cases" % (s["wall_s"]["median"], s["cases"]))
    out.append('<text x="20" y="%d" font-size="12">%s</text>' % (H - 14, escape("; ".join(notes))))
    out.append("</svg>")
    return "\n".join(out) + "\n"

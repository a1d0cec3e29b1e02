"""report_impls.py — the parts of the bench report added for issue 16: every implementation
benched with `--dll` beside rmref and the floor (a found/expected verdict per point, so one that
finds nobody is flagged instead of timed as if fast; one that cannot be loaded is listed as
unusable), and the runner's per-case overhead step by step (`rmbench overhead`)."""

import statistics

# The runner's steps in the order a case takes them, with what each one is.
OVERHEAD_STEPS = (
    ("case_process", "rmconform.exe started and ended (--help), in a kill-on-close job"),
    ("dll_load", "LoadLibraryW(rmref.dll) in a fresh process"),
    ("fixture_ready", "rmfx-app.exe --lock started until its ready event"),
    ("fixture_stop", "the fixture ended through its job"),
    ("scratch_setup", "case scratch folder + 4 files (harness make_dirs)"),
    ("scratch_remove", "scratch folder removed (harness remove_tree)"),
    ("service_install", "rmfx-svc.exe --install run to its end"),
    ("service_start", "StartServiceW + 50 ms polls until RUNNING"),
    ("service_remove", "svc_remove(): stop, wait, delete"),
)

# The implementations that are not one more DLL of the user's: rmref and the platform's.
BUILTIN = ("rmref",)


def _stat(samples):
    if not samples:
        return None
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples), "n": len(samples)}


def point_verdict(p):
    """'ok' when RmGetList succeeded and found the expected processes, else why its time is not a
    finder's time."""
    if p["rc"]:
        return "RmGetList failed (error %d): not timed" % p["rc"]
    if p["found"] != p["expected"]:
        return "found %d of %d lockers: not timed as a finder" % (p["found"], p["expected"])
    return "ok"


def impl_figures(raw, getlist):
    """Adds a verdict to every point of every implementation in getlist (results.json's
    "getlist") and returns results.json's "impls": each implementation asked for, with its path,
    whether it could be loaded and, in a word, what the bench makes of it."""
    impls = {}
    for r in raw:
        if r["kind"] == "impl":
            impls[r["impl"]] = {"path": r["path"], "load_rc": r["load_rc"], "usable": r["load_rc"] == 0}
            if "trial" in r:
                impls[r["impl"]]["trial"] = r["trial"]
    for name, g in getlist.items():
        for p in g["points"]:
            p["verdict"] = point_verdict(p)
        bad = [p for p in g["points"] if p["verdict"] != "ok"]
        g["finder"] = bool(g["points"]) and not bad
        info = impls.setdefault(name, {"path": g.get("path"), "load_rc": 0, "usable": True})
        if not g["points"]:
            info["note"] = "no RmGetList timings"
        elif not bad:
            info["note"] = "found the expected processes at every point: timed"
        elif len(bad) == len(g["points"]):
            worst = max(bad, key=lambda p: p["expected"] - p["found"])
            info["note"] = "flagged at every point (%s)" % worst["verdict"]
        else:
            info["note"] = "flagged at %d of %d points (e.g. N=%d M=%d: %s)" % (
                len(bad), len(g["points"]), bad[0]["lockers"], bad[0]["files"], bad[0]["verdict"])
        info["finder"] = g["finder"]
    for name, info in impls.items():
        if not info["usable"]:
            info["finder"] = False
            if info.get("trial") in ("crashed", "hung"):
                info["note"] = "%s in its trial run in a child process (%#x): not timed" % (info["trial"], int(info["load_rc"]))
            else:
                info["note"] = "cannot be loaded or lacks RmStartSession/RmEndSession/RmRegisterResources/RmGetList " \
                               "(error %d): not timed" % info["load_rc"]
    return impls


def overhead_figures(raw):
    out = {}
    for r in raw:
        if r["kind"] == "overhead":
            out[r["step"]] = {"rc": r["rc"], "time_ms": _stat(r["samples_ms"])}
    order = [s for s, _ in OVERHEAD_STEPS]
    return {k: out[k] for k in sorted(out, key=lambda s: order.index(s) if s in order else len(order))}


def others(res):
    """The implementations shown beside rmref: every one but rmref, in the order asked."""
    return [n for n in res.get("impls", {}) if n not in BUILTIN]


def cell(p, fmt_stat):
    """A table cell for another implementation at one point: its time and ratio, or its flag."""
    if not p:
        return "-"
    if p.get("verdict", "ok") != "ok":
        return "found %d of %d: not timed" % (p["found"], p["expected"]) if not p["rc"] else "error %d" % p["rc"]
    return fmt_stat(p["time_ms"]) + ((" %.2fx" % p["ratio_to_floor"]) if p.get("ratio_to_floor") else "")


def table_lines(res, fmt_stat, fmt_num):
    lines = []
    impls = res.get("impls", {})
    names = others(res)
    if names:
        lines.append("")
        lines.append("Implementations (found/expected checked at every point; a wrong count is flagged, not timed)")
        for n in names:
            lines.append("  %-12s %s: %s" % (n, impls[n].get("path") or "-", impls[n].get("note", "")))
    ov = res.get("overhead") or {}
    if ov:
        lines.append("")
        lines.append("The runner's per-case overhead, step by step (ms: median [min-max])")
        what = dict(OVERHEAD_STEPS)
        for step, f in ov.items():
            val = fmt_stat(f["time_ms"]) if not f["rc"] else "not measured (error %d)" % f["rc"]
            lines.append("  %-16s %-24s %s" % (step, val, what.get(step, "")))
        med = {s: f["time_ms"]["median"] for s, f in ov.items() if f["time_ms"] and not f["rc"]}
        bare = [s for s in ("case_process", "dll_load", "scratch_setup", "scratch_remove") if s in med]
        if bare:
            lines.append("  a case with no fixture: about %s ms of these steps; one locking app adds %s ms, one service %s ms"
                         % (fmt_num(sum(med[s] for s in bare)),
                            fmt_num(med["fixture_ready"] + med.get("fixture_stop", 0)) if "fixture_ready" in med else "-",
                            fmt_num(sum(med[s] for s in ("service_install", "service_start", "service_remove")))
                            if "service_install" in med else "-"))
    return lines


def check(res):
    """The smoke test's assertions on these parts (shapes and verdicts, never timings)."""
    problems = []
    impls = res.get("impls")
    if not isinstance(impls, dict) or "rmref" not in impls:
        problems.append("results.json: no impls (or rmref missing from them)")
        impls = {}
    for name, info in impls.items():
        if "note" not in info or "finder" not in info:
            problems.append("results.json: impl %s has no note/finder" % name)
        g = res.get("getlist", {}).get(name)
        if info.get("usable") and name != "rmref" and not g:
            problems.append("results.json: %s was loaded but has no RmGetList figures" % name)
        for p in (g or {}).get("points", []):
            if p.get("verdict") != point_verdict(p):
                problems.append("results.json: %s N=%d M=%d: verdict %r" % (name, p["lockers"], p["files"], p.get("verdict")))
            if p["expected"] and p["found"] == 0 and p.get("verdict") == "ok":
                problems.append("results.json: %s found nobody and is not flagged" % name)
    if impls.get("rmref", {}).get("finder") is not True:
        problems.append("results.json: rmref is not a finder")
    ov = res.get("overhead")
    if not ov:
        problems.append("results.json: no overhead figures")
    else:
        for step, _ in OVERHEAD_STEPS:
            f = ov.get(step)
            if not f:
                problems.append("results.json: no overhead step %s" % step)
            elif not f["rc"] and (not f["time_ms"] or f["time_ms"]["n"] < 1 or f["time_ms"]["min"] < 0):
                problems.append("results.json: overhead step %s has no samples" % step)
        for step in ("case_process", "dll_load", "fixture_ready", "scratch_setup", "scratch_remove"):
            if ov.get(step, {}).get("rc"):
                problems.append("results.json: overhead step %s failed (error %d)" % (step, ov[step]["rc"]))
    return problems

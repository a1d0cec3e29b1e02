#!/usr/bin/env python3
"""bench/report.py — turns rmbench.exe's raw samples (and the suite timings bench/run.sh took)
into build/bench/results.json, a console table (also table.txt) and bench.svg. Python's
standard library only. It reports targets as met or not; it never fails because of them.

    report.py --raw RAW.jsonl [--suite SUITE.jsonl] [--long LONG.jsonl] --out DIR [--smoke]
    report.py --check DIR        are results.json and bench.svg there and well-formed?
"""
import argparse
import datetime
import json
import os
import statistics
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plot  # noqa: E402  (bench/plot.py: the SVG)
import report_impls  # noqa: E402  (bench/report_impls.py: --dll implementations, per-case overhead)
import report_long  # noqa: E402  (bench/report_long.py: suite, --matrix and --ctest rows and their targets)

SCHEMA = 3    # 2: "impls", "overhead", a verdict per RmGetList point; 3: "long", first_call_ms
RATIO_TARGET = 1.25
# The interaction share (see additivity()) above which cost is said to grow with the product.
INTERACTION_LIMIT = 0.25


def stat(samples):
    """median/min/max of a list of numbers (None when there is none)."""
    if not samples:
        return None
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples), "n": len(samples)}


def read_jsonl(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                rows.append(json.loads(line))
    return rows


# ---- figures --------------------------------------------------------------------------------

def grid_figures(raw, variant="grid"):
    floor = {}
    impls = {}
    for r in raw:
        if r.get("variant", "grid") != variant:
            continue
        key = (int(r.get("lockers", 0)), int(r.get("files", 0)))
        if r["kind"] == "floor":
            floor[key] = {
                "lockers": key[0], "files": key[1], "time_ms": stat(r["samples_ms"]),
                "parts_ms": {p: stat(r[p + "_ms"]) for p in ("snapshot", "modules", "resolve", "match")},
                "handles": r["handles"], "candidates": r["candidates"], "resolved": r["resolved"],
                "modules": r["modules"], "found": r["found"], "expected": r["expected"], "rc": r["rc"],
                "_samples": r["samples_ms"],
            }
        elif r["kind"] == "getlist":
            impls.setdefault(r["impl"], {})[key] = {
                "lockers": key[0], "files": key[1], "time_ms": stat(r["samples_ms"]),
                "found": r["found"], "expected": r["expected"], "rc": r["rc"],
                "correct": r["rc"] == 0 and r["found"] == r["expected"], "path": r["path"],
                "first_call_ms": r.get("first_ms"),
                "_samples": r["samples_ms"],
            }
    for points in impls.values():
        for key, p in points.items():
            f = floor.get(key)
            p["ratio_to_floor"] = None
            if f and f["time_ms"] and p["time_ms"] and f["time_ms"]["median"] > 0:
                p["ratio_to_floor"] = p["time_ms"]["median"] / f["time_ms"]["median"]
                # repetitions were interleaved: the per-repetition ratios show the spread
                pairs = [a / b for a, b in zip(p["_samples"], f["_samples"]) if b > 0]
                p["ratio_range"] = [min(pairs), max(pairs)] if pairs else None
    for points in [floor] + list(impls.values()):
        for p in points.values():
            p.pop("_samples", None)
    return floor, impls


# rmref's RmGetList steps as the bench replays them (profile.c), in rmref's order; a step rmref
# skips at a point (no SCM listing when no found process was started by services.exe) has no
# samples there and is shown as skipped. RmRegisterResources' path work is shown apart.
PROFILE_STEPS = ("store_read", "dir_recheck", "handle_snapshot", "handle_names", "images_modules", "scm_children",
                 "services", "process_facts", "image_facts", "window_pass")
PROFILE_COUNTS = ("found", "rmref_found", "file_handles", "handles_named", "processes", "rechecked", "long_paths",
                  "images", "windows", "scm_children", "services_listed", "services")


def profile_figures(raw, floor, rm):
    """Where RmGetList's time goes: its current steps replayed (rmbench profile.c), with what
    the replay counted, RmGetList's own median and the floor's at the same point."""
    out = []
    for r in raw:
        if r["kind"] != "profile":
            continue
        key = (int(r["lockers"]), int(r["files"]))
        steps = {k: stat(v) for k, v in r["steps_ms"].items()}
        total = sum(steps[k]["median"] for k in PROFILE_STEPS if steps.get(k))
        g, f = rm.get(key), floor.get(key)
        p = {"lockers": key[0], "files": key[1]}
        p.update({k: r.get(k) for k in PROFILE_COUNTS})
        p.update({"steps_ms": steps, "steps_total_ms": total,
                  "rmref_ms": g["time_ms"]["median"] if g and g.get("time_ms") else None,
                  "floor_ms": f["time_ms"]["median"] if f and f.get("time_ms") else None})
        out.append(p)
    return out


def additivity(points, one_found=None):
    """Does the cost grow with lockers plus files, or with their product? Model-free, on the
    medians at the corners of the grid: the double difference
        t(Nmax,Mmax) - t(Nmax,Mmin) - t(Nmin,Mmax) + t(Nmin,Mmin)
    is ~0 for an additive cost (a + b·N + c·M) and carries the whole N·M term otherwise; its
    share of t(Nmax,Mmax) is the interaction share. In the grid the result grows too (min(N, M)
    processes found, each classified), so the same difference is also taken with the
    "one_found" point at (Nmax, Mmax) — the same N lockers and M files, one of them held — which
    leaves only enumeration and matching: that one is the target's measure."""
    if not points:
        return None
    ns = sorted({k[0] for k in points})
    ms = sorted({k[1] for k in points})
    if len(ns) < 2 or len(ms) < 2:
        return {"measurable": False, "detail": "needs at least two locker counts and two file counts"}
    t = {k: v["time_ms"]["median"] for k, v in points.items() if v.get("time_ms")}
    n0, n1, m0, m1 = ns[0], ns[-1], ms[0], ms[-1]
    if not all(k in t for k in ((n0, m0), (n0, m1), (n1, m0), (n1, m1))):
        return {"measurable": False, "detail": "corner points missing"}

    def dd(top):
        d = top - t[(n1, m0)] - t[(n0, m1)] + t[(n0, m0)]
        return d, (d / top if top > 0 else None)

    raw_dd, raw_share = dd(t[(n1, m1)])
    # the double difference adds four medians: half the min-max spread of each bounds its noise
    half = {k: (v["time_ms"]["max"] - v["time_ms"]["min"]) / 2 for k, v in points.items() if v.get("time_ms")}
    corner_noise = half[(n1, m0)] + half[(n0, m1)] + half[(n0, m0)]
    res = {
        "measurable": True, "corners": {"lockers": [n0, n1], "files": [m0, m1]},
        "grid": {"double_difference_ms": raw_dd, "interaction_share": raw_share,
                 "noise_ms": corner_noise + half[(n1, m1)],
                 "found_at_corner": points[(n1, m1)]["found"]},
        "files_cost_by_lockers_ms": {str(n): t[(n, m1)] - t[(n, m0)] for n in ns if (n, m0) in t and (n, m1) in t},
        "lockers_cost_by_files_ms": {str(m): t[(n1, m)] - t[(n0, m)] for m in ms if (n0, m) in t and (n1, m) in t},
        "product_would_scale_files_cost_by": n1 / n0,
    }
    one = (one_found or {}).get((n1, m1))
    if one and one.get("time_ms"):
        top = one["time_ms"]["median"]
        d, share = dd(top)
        res["one_found"] = {"time_ms": top, "double_difference_ms": d, "interaction_share": share,
                            "noise_ms": corner_noise + (one["time_ms"]["max"] - one["time_ms"]["min"]) / 2,
                            "files_cost_at_most_lockers_ms": top - t[(n1, m0)],
                            "files_cost_at_fewest_lockers_ms": t[(n0, m1)] - t[(n0, m0)]}
        found = points[(n1, m1)]["found"]
        if found > 1:
            res["cost_per_reported_process_ms"] = (t[(n1, m1)] - top) / (found - 1)
    return res


def register_figures(raw):
    out = {}
    for r in raw:
        if r["kind"] != "register":
            continue
        s = stat(r["samples_ms"])
        per1000 = None
        if s and r["files"]:
            k = 1000.0 / r["files"]
            per1000 = {"median": s["median"] * k, "min": s["min"] * k, "max": s["max"] * k, "n": s["n"]}
        out.setdefault(r["impl"], []).append({"files": r["files"], "batch": r["batch"], "rc": r["rc"],
                                              "time_ms": s, "per_1000_files_ms": per1000})
    return out


def memory_figures(raw):
    by_impl = {}
    for r in raw:
        if r["kind"] == "memory":
            by_impl.setdefault(r["impl"], []).append(r)
    out = {}
    for name, rows in by_impl.items():
        ok = [r for r in rows if r["rc"] == 0 and "holding_session" in r]
        mb = 1024.0 * 1024.0
        fig = {"files": rows[0]["files"], "runs": len(rows), "failed_runs": len(rows) - len(ok)}
        for phase in ("before_load", "holding_session", "after_getlist"):
            vals = [r[phase] for r in ok if phase in r]
            fig[phase] = {
                "peak_working_set_mb": stat([v["peak_working_set"] / mb for v in vals]),
                "peak_pagefile_mb": stat([v["peak_pagefile"] / mb for v in vals]),
            }
        out[name] = fig
    return out


def peak_concurrency(cases):
    """How many cases ran at once at most, from their start_ms and duration_ms (None when the
    runner does not say when each case started): the runner's default --jobs, as it ran."""
    events = []
    for c in cases:
        if c.get("start_ms") is None:
            return None
        events += [(c["start_ms"] + c.get("duration_ms", 0), -1), (c["start_ms"], 1)]
    peak = now = 0
    for _, step in sorted(events):
        now += step
        peak = max(peak, now)
    return peak or None


def suite_figures(rows):
    if not rows:
        return None
    walls, per_case, overhead, durations, counts, summaries, jobs_seen = [], [], [], [], [], [], []
    for r in rows:
        wall = r["end"] - r["start"]
        try:
            with open(r["results"], encoding="utf-8") as f:
                res = json.load(f)
        except (OSError, ValueError):
            continue
        cases = [c for c in res.get("cases", []) if c.get("status") != "skip"]
        if not cases:
            continue
        walls.append(wall)
        total = sum(c.get("duration_ms", 0) for c in cases)
        per_case.append(wall * 1000.0 / len(cases))
        jobs = r.get("jobs") or peak_concurrency(cases)
        jobs_seen.append(jobs)
        # wall time the runner spent beyond its case processes, per case, with `jobs` slots
        if jobs:
            overhead.append((wall * 1000.0 * jobs - total) / len(cases))
        durations.extend(c.get("duration_ms", 0) for c in cases)
        counts.append(len(cases))
        summaries.append(res.get("summary", {}))
    if not walls:
        return {"runs": len(rows), "usable_runs": 0}
    return {
        "runs": len(rows), "usable_runs": len(walls), "jobs": jobs_seen[-1],
        "jobs_given": rows[0].get("jobs"),
        "cases": max(counts), "wall_s": stat(walls), "per_case_wall_ms": stat(per_case),
        "runner_overhead_per_case_ms": stat(overhead), "case_duration_ms": stat(durations),
        "summary_last_run": summaries[-1],
    }


def targets(impls, add, suite, long_figs, smoke):
    out = []
    rm = impls.get("rmref", {})
    ratios = [(p["ratio_to_floor"], k) for k, p in rm.items() if p.get("ratio_to_floor") is not None]
    if ratios:
        worst, at = max(ratios)
        over = sorted(k for r, k in ratios if r > RATIO_TARGET)
        out.append({"name": "RmGetList within %.2fx of the floor at every point" % RATIO_TARGET,
                    "met": None if smoke else not over,
                    "detail": "worst %.2fx at N=%d M=%d; %d of %d points over %.2fx"
                    % (worst, at[0], at[1], len(over), len(ratios), RATIO_TARGET)
                    + (" (smoke run, not judged)" if smoke else "")})
    if add and add.get("measurable"):
        c = add["corners"]
        of = add.get("one_found")
        if of:
            share = of["interaction_share"]
            detail = ("with one process found: interaction share %.0f%% at N=%d M=%d (limit %.0f%%); adding %d files costs "
                      "%.0f ms at N=%d and %.0f ms at N=%d (a product would scale it %.0fx)"
                      % (100 * share, c["lockers"][1], c["files"][1], 100 * INTERACTION_LIMIT, c["files"][1] - c["files"][0],
                         of["files_cost_at_fewest_lockers_ms"], c["lockers"][0], of["files_cost_at_most_lockers_ms"],
                         c["lockers"][1], add["product_would_scale_files_cost_by"]))
            if "cost_per_reported_process_ms" in add:
                detail += "; in the grid (%d found) the share is %.0f%%, from %.1f ms per reported process" % (
                    add["grid"]["found_at_corner"], 100 * add["grid"]["interaction_share"], add["cost_per_reported_process_ms"])
        else:
            share = add["grid"]["interaction_share"]
            detail = "interaction share %.0f%% at N=%d M=%d (limit %.0f%%; includes the growing result)" % (
                100 * share, c["lockers"][1], c["files"][1], 100 * INTERACTION_LIMIT)
        judged = of or add["grid"]
        met = None if smoke else (share is not None and share < INTERACTION_LIMIT)
        if met is False and abs(judged["double_difference_ms"]) <= judged["noise_ms"]:
            # a share over the limit that the spread of the repetitions could produce alone
            met = None
            detail = "INCONCLUSIVE, the difference (%.0f ms) is within the spread of the repetitions (%.0f ms): %s" % (
                judged["double_difference_ms"], judged["noise_ms"], detail)
        out.append({"name": "cost grows with handles plus files, not their product", "met": met, "detail": detail})
    else:
        out.append({"name": "cost grows with handles plus files, not their product", "met": None,
                    "detail": "not measurable from this grid" + (" (smoke run)" if smoke else "")})
    suite_fig = None
    if suite and suite.get("wall_s"):
        jobs = ("--jobs %s" % suite["jobs"]) if suite.get("jobs_given") else "the runner's default --jobs" + (
            " (%s cases at once at most)" % suite["jobs"] if suite.get("jobs") else "")
        suite_fig = {"time_s": suite["wall_s"], "jobs": jobs, "failed_runs": 0}
    out.append(report_long.verdict("suite", suite_fig, smoke))
    for kind in ("matrix", "ctest"):
        out.append(report_long.verdict(kind, long_figs.get(kind), smoke))
    return out


def system_note(impls):
    sys_pts = impls.get("system", {})
    if not sys_pts:
        return "not measured"
    missed = [p for p in sys_pts.values() if p["expected"] and p["found"] == 0]
    if len(missed) == len([p for p in sys_pts.values() if p["expected"]]) and missed:
        return ("finds nothing: every RmGetList succeeded with 0 processes where %s were expected — "
                "the platform's rstrtmgr.dll is a stub here (Wine's builtin); its times are those of a call "
                "that does no work, not a detection" % "/".join(sorted({str(p["expected"]) for p in missed}, key=int)))
    wrong = [p for p in sys_pts.values() if not p["correct"]]
    return "found the expected processes at every point" if not wrong else \
        "differs from the expected count at %d points" % len(wrong)


# ---- console table ----------------------------------------------------------------------------

def fmt_stat(s, unit=""):
    if not s:
        return "-"
    return "%s [%s-%s]%s" % (fmt_num(s["median"]), fmt_num(s["min"]), fmt_num(s["max"]), unit)


def fmt_num(v):
    if v is None:
        return "-"
    if abs(v) >= 100:
        return "%.0f" % v
    if abs(v) >= 10:
        return "%.1f" % v
    if abs(v) >= 0.1:
        return "%.2f" % v
    return "%.4f" % v


def table(res):
    lines = []
    reps = res["reps"]
    lines.append("RmGetList and the floor, ms: median [min-max] of %d repetitions%s" % (reps, " (SMOKE RUN)" if res["smoke"] else ""))
    names = [n for n in report_impls.others(res) if n in res["getlist"]]
    head = ("N", "M", "floor", "rmref RmGetList", "ratio") + tuple(names) + ("found r/f/exp",)
    rows = [head]
    rm = res["getlist"].get("rmref", {}).get("points", [])
    other = {n: {(p["lockers"], p["files"]): p for p in res["getlist"][n]["points"]} for n in names}
    fl = {(p["lockers"], p["files"]): p for p in res["floor"]["points"]}
    for p in rm:
        k = (p["lockers"], p["files"])
        f = fl.get(k)
        rows.append((str(k[0]), str(k[1]), fmt_stat(f and f["time_ms"]), fmt_stat(p["time_ms"]),
                     ("%.2fx" % p["ratio_to_floor"]) if p.get("ratio_to_floor") else "-")
                    + tuple(report_impls.cell(other[n].get(k), fmt_stat) for n in names)
                    + ("%d/%s/%d" % (p["found"], f["found"] if f else "-", p["expected"]),))
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    for r in rows:
        lines.append("  " + "  ".join(c.rjust(w) if i != 3 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
    lines.append("  floor = one handle snapshot + one module scan + every process's File handles that are uses named"
                 " (GetFileType, GetFinalPathNameByHandleW), matched by name, else by index, then identity (bench/floor.c)")
    parts = res["floor"]["points"]
    if parts:
        big = max(parts, key=lambda p: (p["lockers"], p["files"]))
        lines.append("  floor at N=%d M=%d: snapshot %s, module scan %s, name resolution %s, matching %s ms"
                     % (big["lockers"], big["files"], *(fmt_num(big["parts_ms"][x]["median"]) if big["parts_ms"][x] else "-"
                                                         for x in ("snapshot", "modules", "resolve", "match"))))
    lines.append("  system: " + res["getlist"].get("system", {}).get("note", "not measured"))
    one = {(p["lockers"], p["files"]): p for p in res["one_found"]["getlist"].get("rmref", [])}
    onef = {(p["lockers"], p["files"]): p for p in res["one_found"]["floor"]}
    firsts = [p for p in rm if p.get("first_call_ms") is not None]
    if firsts:
        lines.append("  rmref's first RmGetList of each session (not in the samples: it reads the identities of the"
                     " registered files its process has not kept yet, idcache.c): "
                     + ", ".join("N=%d M=%d %s ms" % (p["lockers"], p["files"], fmt_num(p["first_call_ms"])) for p in firsts))
    for k in sorted(one):
        lines.append("  one found (N=%d M=%d, one locker's file among them): rmref %s, floor %s, ratio %s"
                     % (k[0], k[1], fmt_stat(one[k]["time_ms"]), fmt_stat(onef[k]["time_ms"]) if k in onef else "-",
                        ("%.2fx" % one[k]["ratio_to_floor"]) if one[k].get("ratio_to_floor") else "-"))
    if res["profile"]:
        lines.append("")
        lines.append("Where RmGetList's time goes (rmref's current steps replayed and timed by the bench, median ms;"
                     " skip = not taken at that point)")
        head = ("N", "M", "found") + PROFILE_STEPS + ("sum", "RmGetList", "floor")
        rows = [head]
        for p in res["profile"]:
            rows.append((str(p["lockers"]), str(p["files"]), str(p["found"]))
                        + tuple(fmt_num(p["steps_ms"][x]["median"]) if p["steps_ms"].get(x) else "skip"
                                for x in PROFILE_STEPS)
                        + (fmt_num(p["steps_total_ms"]), fmt_num(p["rmref_ms"]), fmt_num(p["floor_ms"])))
        widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
        for r in rows:
            lines.append("  " + "  ".join(c.rjust(w) for c, w in zip(r, widths)))
        for p in res["profile"]:
            scm = p.get("scm_children")
            lines.append("  N=%d M=%d: the replay found %s process(es) (RmGetList %s); %s File handles in the snapshot,"
                         " %s named; %s processes' modules scanned; %s of %d paths re-checked; %s distinct images;"
                         " %s top-level windows in the window pass; SCM %s"
                         % (p["lockers"], p["files"], p["found"], p["rmref_found"], p["file_handles"],
                            p["handles_named"], p["processes"], p["rechecked"], p["files"], p["images"], p["windows"],
                            "not asked (nothing found)" if scm is None or scm < 0 else
                            "listed: %s services (%s found processes started by services.exe)" % (p["services"], scm)
                            if p.get("services_listed") else
                            "not listed (none of the found processes was started by services.exe)"))
            if p["steps_ms"].get("register_paths"):
                lines.append("    RmRegisterResources' path work for %d files (GetFullPathNameW, GetLongPathNameW for"
                             " %s with a '~', normalisation, GetFileAttributesW): %s ms"
                             % (p["files"], p["long_paths"], fmt_stat(p["steps_ms"]["register_paths"])))
    lines.append("")
    lines.append("RmRegisterResources")
    for name, regs in res["register"].items():
        for r in regs:
            lines.append("  %-12s %5d files in batches of %-5d %s ms total, %s ms per 1000 files"
                         % (name, r["files"], r["batch"], fmt_stat(r["time_ms"]), fmt_stat(r["per_1000_files_ms"])))
    lines.append("Peak memory of a process holding a session (PeakWorkingSetSize / PeakPagefileUsage, MB)")
    for name, m in res["memory"].items():
        for phase in ("before_load", "holding_session", "after_getlist"):
            ph = m.get(phase, {})
            lines.append("  %-12s %5d files  %-16s %s / %s" % (name, m["files"], phase,
                                                             fmt_stat(ph.get("peak_working_set_mb")), fmt_stat(ph.get("peak_pagefile_mb"))))
    s = res.get("suite")
    if s and s.get("wall_s"):
        lines.append("Full suite against rmref.dll (--jobs %s, %d cases, %d runs)" % (
            s["jobs"] if s.get("jobs_given") else "not given: the runner's default"
            + (", %s at once at most" % s["jobs"] if s.get("jobs") else ""),
            s["cases"], s["usable_runs"]))
        lines.append("  wall time %s s; per case %s ms of wall time; runner overhead per case %s ms; case duration %s ms"
                     % (fmt_stat(s["wall_s"]), fmt_stat(s["per_case_wall_ms"]), fmt_stat(s["runner_overhead_per_case_ms"]),
                        fmt_stat(s["case_duration_ms"])))
    if res["lockers"]:
        lines.append("Lockers: " + ", ".join("%d started in %.0f ms, %d left alive" % (l["lockers"], l["start_ms"], l["left_alive"])
                                              for l in res["lockers"]))
    lines.extend(report_impls.table_lines(res, fmt_stat, fmt_num))
    lines.append("")
    lines.append("Targets")
    for t in res["targets"]:
        mark = "MET    " if t["met"] else ("NOT MET" if t["met"] is False else "n/a    ")
        lines.append("  [%s] %s: %s" % (mark, t["name"], t["detail"]))
    return "\n".join(lines) + "\n"


# ---- main -------------------------------------------------------------------------------------

def build(raw, suite_rows, smoke, long_rows=()):
    run = next((r for r in raw if r["kind"] == "run"), {})
    end = next((r for r in raw if r["kind"] == "end"), None)
    floor, impls = grid_figures(raw)
    floor_one, impls_one = grid_figures(raw, "one_found")
    add = additivity(impls.get("rmref", {}), impls_one.get("rmref"))
    suite = suite_figures(suite_rows)
    long_figs = report_long.figures(list(long_rows))

    def ordered(points):
        return [points[k] for k in sorted(points)]

    res = {
        "schema": SCHEMA, "tool": "rmbench", "smoke": smoke,
        "generated": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "complete": bool(end and end.get("complete")), "reps": int(run.get("reps", 0)),
        "machine": {"cpus": run.get("cpus"), "wine": os.environ.get("RMC_BENCH_WINE_VERSION")},
        "register_batch": run.get("batch"),
        "floor": {"what": "one NtQuerySystemInformation(64) snapshot, one module scan of every process (loader lists read as rmref does, module_walk.c), "
                          "DuplicateHandle + GetFileType + GetFinalPathNameByHandleW for every process's File handles "
                          "that are uses, hash-set matching by name, else by file index (FileInternalInformation) and on a hit by identity (GetFileInformationByHandle) "
                          "against the registered files' identities read once per point",
                  "points": ordered(floor)},
        "getlist": {name: {"path": next(iter(pts.values()))["path"] if pts else None, "points": ordered(pts)}
                    for name, pts in impls.items()},
        "register": register_figures(raw),
        "memory": memory_figures(raw),
        "suite": suite,
        "long": long_figs,
        "lockers": [{"lockers": r["lockers"], "start_ms": r["start_ms"], "left_alive": r["left_alive"]}
                    for r in raw if r["kind"] == "lockers"],
        "additivity": add,
        "one_found": {"floor": ordered(floor_one),
                      "getlist": {name: ordered(pts) for name, pts in impls_one.items()}},
        "profile": profile_figures(raw, floor, impls.get("rmref", {})),
    }
    res["impls"] = report_impls.impl_figures(raw, res["getlist"])
    res["overhead"] = report_impls.overhead_figures(raw)
    if "system" in res["getlist"]:
        res["getlist"]["system"]["note"] = system_note(impls)
    res["targets"] = targets(impls, add, suite, long_figs, smoke)
    return res


def check(out_dir, dlls=None):
    """The smoke test's assertions: the outputs exist and are well-formed (never timings)."""
    problems = []
    try:
        with open(os.path.join(out_dir, "results.json"), encoding="utf-8") as f:
            res = json.load(f)
    except (OSError, ValueError) as e:
        return ["results.json: %s" % e]
    if res.get("schema") != SCHEMA:
        problems.append("results.json: schema %r" % res.get("schema"))
    if not res.get("complete"):
        problems.append("results.json: the grid did not complete")
    for key in ("floor", "getlist", "register", "memory", "targets", "lockers"):
        if key not in res:
            problems.append("results.json: no %s" % key)
    pts = res.get("getlist", {}).get("rmref", {}).get("points", [])
    if not pts or not pts[0].get("time_ms") or pts[0]["time_ms"]["n"] < 1:
        problems.append("results.json: no rmref RmGetList timings")
    elif not pts[0]["correct"]:
        problems.append("results.json: rmref found %s processes, expected %s" % (pts[0]["found"], pts[0]["expected"]))
    if not res.get("floor", {}).get("points") or res["floor"]["points"][0]["found"] != res["floor"]["points"][0]["expected"]:
        problems.append("results.json: the floor is missing or found the wrong number of lockers")
    if any(l["left_alive"] for l in res.get("lockers", [])):
        problems.append("results.json: lockers survived the bench")
    if not res.get("lockers"):
        problems.append("results.json: no locker runs")
    if "rmref" not in res.get("memory", {}):
        problems.append("results.json: no memory figure for rmref")
    problems += report_impls.check(res)
    asked = [n for n in res.get("impls", {}) if n not in ("rmref", "system")]
    if dlls is not None and len(asked) != dlls:
        problems.append("results.json: %d --dll implementation(s) asked for, %d reported (%s)" % (dlls, len(asked), asked))
    if not res.get("suite") or not res["suite"].get("wall_s"):
        problems.append("results.json: no suite timing")
    names = [t.get("name", "") for t in res.get("targets", [])]
    for kind, (limit, what, flag) in report_long.TARGETS.items():
        row = next((t for t in res.get("targets", []) if t.get("name", "").startswith(what)), None)
        if row is None:
            problems.append("results.json: no target row for %s (%s)" % (kind, names))
        elif kind in (res.get("long") or {}) and res.get("smoke") and row.get("met") is not None:
            problems.append("results.json: the %s row is judged in a smoke run" % kind)
        elif kind != "suite" and kind not in (res.get("long") or {}) and row.get("met") is not None:
            problems.append("results.json: the %s row is judged without being measured" % kind)
    for kind, fig in (res.get("long") or {}).items():
        if not fig.get("time_s") or fig["time_s"]["n"] != fig["runs"]:
            problems.append("results.json: %s: %d run(s), %s timed" % (kind, fig["runs"], fig.get("timed_runs")))
    try:
        root = ET.parse(os.path.join(out_dir, "bench.svg")).getroot()
        if not root.tag.endswith("svg") or len(list(root.iter())) < 10:
            problems.append("bench.svg: not an SVG with content")
    except (OSError, ET.ParseError) as e:
        problems.append("bench.svg: %s" % e)
    try:
        with open(os.path.join(out_dir, "table.txt"), encoding="utf-8") as f:
            if "Targets" not in f.read():
                problems.append("table.txt: no targets section")
    except OSError as e:
        problems.append("table.txt: %s" % e)
    return problems


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--raw")
    ap.add_argument("--suite")
    ap.add_argument("--long", help="long.jsonl: the --matrix and --ctest runs of bench/run.sh")
    ap.add_argument("--out")
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--check", metavar="DIR")
    ap.add_argument("--dlls", type=int, help="with --check: how many --dll implementations the run was given")
    a = ap.parse_args(argv)
    if a.check:
        problems = check(a.check, a.dlls)
        for p in problems:
            print("bench: check: " + p, file=sys.stderr)
        print("bench: outputs %s" % ("well-formed" if not problems else "NOT well-formed"), file=sys.stderr)
        return 1 if problems else 0
    if not a.raw or not a.out:
        ap.error("--raw and --out are needed")
    try:
        raw = read_jsonl(a.raw)
    except (OSError, ValueError) as e:
        print("bench: cannot read the raw samples: %s" % e, file=sys.stderr)
        return 1
    suite_rows = read_jsonl(a.suite) if a.suite and os.path.exists(a.suite) else []
    long_rows = read_jsonl(a.long) if a.long and os.path.exists(a.long) else []
    res = build(raw, suite_rows, a.smoke, long_rows)
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "results.json"), "w", encoding="utf-8") as f:
        json.dump(res, f, indent=1)
        f.write("\n")
    text = table(res)
    with open(os.path.join(a.out, "table.txt"), "w", encoding="utf-8") as f:
        f.write(text)
    with open(os.path.join(a.out, "bench.svg"), "w", encoding="utf-8") as f:
        f.write(plot.svg(res))
    sys.stdout.write(text)
    print("results: %s\nplot: %s" % (os.path.join(a.out, "results.json"), os.path.join(a.out, "bench.svg")))
    return 0 if res["complete"] else 1


if __name__ == "__main__":
    sys.exit(main())

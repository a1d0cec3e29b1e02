"""bench/report_long.py — the long, opt-in rows of `./rmc bench` (issue 16): the full suite
against rmref at the runner's default --jobs, `./rmc conform --matrix` (bench/run.sh --matrix)
and `./rmc test`'s CTest time (--ctest). Each is judged on the median of at least MIN_RUNS runs
against its target, shown as met or not, and never fails the bench. A row that was not asked
for is listed as not measured, with the flag that measures it."""
import statistics

MIN_RUNS = 3
# name in long.jsonl / results.json → (target seconds, what the row is, the flag that measures it)
TARGETS = {
    "suite": (30.0, "full suite against rmref at the runner's default --jobs", None),
    "matrix": (300.0, "./rmc conform --matrix (5 profiles x 2 implementations, one report)", "--matrix"),
    "ctest": (240.0, "./rmc test: CTest's own time on a built tree", "--ctest"),
}


def figures(rows):
    """long.jsonl rows ({"kind": "matrix"|"ctest", "rep", "wall_s", "ctest_s"?, "rc"}) by kind."""
    out = {}
    for kind in ("matrix", "ctest"):
        mine = [r for r in rows if r.get("kind") == kind]
        if not mine:
            continue
        # CTest's figure is its own "Total Test time (real)"; the matrix's is the wall time
        times = [r["ctest_s"] if kind == "ctest" else r["wall_s"] for r in mine
                 if (r.get("ctest_s") if kind == "ctest" else r.get("wall_s")) is not None]
        out[kind] = {"runs": len(mine), "timed_runs": len(times),
                     "failed_runs": sum(1 for r in mine if r.get("rc")),
                     "time_s": {"median": statistics.median(times), "min": min(times), "max": max(times),
                                "n": len(times)} if times else None,
                     "wall_s": [r.get("wall_s") for r in mine]}
    return out


def verdict(kind, fig, smoke=False):
    """A target row for `kind` from its figure (None when the row was not run)."""
    limit, what, flag = TARGETS[kind]
    name = "%s in at most %.0f s (median of at least %d runs)" % (what, limit, MIN_RUNS)
    if not fig or not fig.get("time_s"):
        return {"name": name, "met": None,
                "detail": "not measured" + (" (opt-in: %s)" % flag if flag else "")}
    t = fig["time_s"]
    detail = "%.1f s median [%.1f-%.1f] of %d run(s)" % (t["median"], t["min"], t["max"], t["n"])
    if fig.get("jobs") is not None:
        detail += ", %s" % fig["jobs"]
    if fig.get("failed_runs"):
        detail += "; %d run(s) ended with a failure (timed all the same)" % fig["failed_runs"]
    if smoke:
        return {"name": name, "met": None, "detail": detail + " (smoke run, not judged)"}
    if t["n"] < MIN_RUNS:
        return {"name": name, "met": None, "detail": detail + ": fewer than %d runs, not judged" % MIN_RUNS}
    return {"name": name, "met": t["median"] <= limit, "detail": detail}

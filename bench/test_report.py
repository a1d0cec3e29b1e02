"""test_report.py — CTest bench.report: the bench report on raw samples made up here (no Wine,
no timings judged). An implementation benched with --dll that finds nobody is flagged, not
timed; one that could not be loaded is listed as unusable; every implementation gets its own
table column and results.json entry; the overhead steps come out in the runner's order; the
suite, --matrix and --ctest rows are judged on the median of at least three runs against 30 s,
5 min and 4 min, listed as not measured when not asked for, and never judged in a smoke run."""

import json
import os
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402
import report_impls  # noqa: E402
import report_long  # noqa: E402


def raw_rows():
    rows = [{"kind": "run", "reps": 2, "batch": 100, "cpus": 2}]
    for name, path, rc in (("rmref", "C:\\b\\rmref.dll", 0), ("system", "C:\\windows\\system32\\rstrtmgr.dll", 0),
                           ("rmt_blind", "Z:\\b\\rmt_blind.dll", 0), ("rmt_partial", "Z:\\b\\rmt_partial.dll", 127)):
        rows.append({"kind": "impl", "impl": name, "path": path, "load_rc": rc})
    rows.append({"kind": "impl", "impl": "rmt_crash", "path": "Z:\\b\\rmt_crash.dll", "load_rc": 0xC0000005,
                 "trial": "crashed"})
    for n in (1, 8):
        rows.append({"kind": "floor", "variant": "grid", "lockers": n, "files": 100, "expected": n, "found": n, "rc": 0,
                     "handles": 500, "candidates": n, "resolved": n, "modules": 40, "samples_ms": [10.0, 12.0],
                     "snapshot_ms": [1, 1], "modules_ms": [5, 6], "resolve_ms": [3, 4], "match_ms": [0.1, 0.1]})
        for name, found, ms in (("rmref", n, [12.0, 13.0]), ("system", 0, [0.01, 0.02]), ("rmt_blind", 0, [0.01, 0.01])):
            rows.append({"kind": "getlist", "impl": name, "variant": "grid", "path": "x", "lockers": n, "files": 100,
                         "expected": n, "found": found, "rc": 0, "register_ms": 1.0, "samples_ms": ms})
    for step, _ in report_impls.OVERHEAD_STEPS[::-1]:
        rows.append({"kind": "overhead", "step": step, "rc": 5 if step.startswith("service") else 0,
                     "samples_ms": [] if step.startswith("service") else [3.0, 4.0, 8.0]})
    rows.append({"kind": "lockers", "lockers": 8, "start_ms": 900.0, "left_alive": 0})
    mem = {"peak_working_set": 8 << 20, "peak_pagefile": 4 << 20, "working_set": 8 << 20}
    rows.append({"kind": "memory", "impl": "rmref", "files": 100, "rc": 0, "before_load": mem, "holding_session": mem,
                 "after_getlist": mem})
    rows.append({"kind": "end", "complete": 1})
    return rows


class ReportTest(unittest.TestCase):
    def setUp(self):
        self.res = report.build(raw_rows(), [], True)

    def test_nobody_found_is_flagged_not_timed(self):
        blind = self.res["getlist"]["rmt_blind"]
        self.assertFalse(blind["finder"])
        self.assertEqual(blind["points"][1]["verdict"], "found 0 of 8 lockers: not timed as a finder")
        self.assertIn("flagged at every point", self.res["impls"]["rmt_blind"]["note"])
        self.assertTrue(self.res["impls"]["rmref"]["finder"])

    def test_unloadable_is_listed_as_unusable(self):
        partial = self.res["impls"]["rmt_partial"]
        self.assertFalse(partial["usable"])
        self.assertFalse(partial["finder"])
        self.assertIn("127", partial["note"])

    def test_crash_in_the_trial_run_is_listed_as_crashed(self):
        crash = self.res["impls"]["rmt_crash"]
        self.assertFalse(crash["usable"])
        self.assertIn("crashed in its trial run", crash["note"])
        self.assertIn("0xc0000005", crash["note"])

    def test_table_has_a_column_per_implementation(self):
        text = report.table(self.res)
        head = next(line for line in text.splitlines() if "rmref RmGetList" in line)
        for name in ("system", "rmt_blind"):
            self.assertIn(name, head)
        self.assertIn("found 0 of 8: not timed", text)
        self.assertIn("rmt_partial", text)
        self.assertIn("dll_load", text)

    def test_overhead_in_runner_order_with_failures_kept(self):
        ov = self.res["overhead"]
        self.assertEqual(list(ov), [s for s, _ in report_impls.OVERHEAD_STEPS])
        self.assertEqual(ov["case_process"]["time_ms"]["median"], 4.0)
        self.assertEqual(ov["service_install"]["rc"], 5)
        self.assertIsNone(ov["service_install"]["time_ms"])

    def test_check_accepts_these_outputs_and_catches_an_unflagged_blind(self):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "results.json"), "w") as f:
                json.dump(self.res, f)
            with open(os.path.join(d, "table.txt"), "w") as f:
                f.write(report.table(self.res))
            with open(os.path.join(d, "bench.svg"), "w") as f:
                f.write(report.plot.svg(self.res))
            ET.parse(os.path.join(d, "bench.svg"))
            problems = report.check(d, 3)
            self.assertEqual([p for p in problems if "suite" not in p], [])
            self.assertTrue(any("4 --dll" in p for p in report.check(d, 4)))
            self.res["getlist"]["rmt_blind"]["points"][0]["verdict"] = "ok"
            with open(os.path.join(d, "results.json"), "w") as f:
                json.dump(self.res, f)
            self.assertTrue(any("rmt_blind" in p for p in report.check(d, 3)))


def long_rows(kind, seconds, rc=0):
    key = "ctest_s" if kind == "ctest" else "wall_s"
    return [{"kind": kind, "rep": i + 1, key: t, "wall_s": t + 20.0 if kind == "ctest" else t, "rc": rc}
            for i, t in enumerate(seconds)]


def suite_rows(tmp, walls):
    rows = []
    for i, w in enumerate(walls):
        path = os.path.join(tmp, "results-%d.json" % i)
        with open(path, "w") as f:
            json.dump({"cases": [{"id": "a", "status": "pass", "duration_ms": 100}]}, f)
        rows.append({"kind": "suite", "rep": i + 1, "start": 0.0, "end": w, "rc": 0, "jobs": 2, "results": path})
    return rows


class LongRowsTest(unittest.TestCase):
    def target(self, res, kind):
        what = report_long.TARGETS[kind][1]
        return next(t for t in res["targets"] if t["name"].startswith(what))

    def test_met_over_and_too_few_runs(self):
        res = report.build(raw_rows(), [], False, long_rows("matrix", [290, 310, 280]) + long_rows("ctest", [250, 230]))
        self.assertIs(self.target(res, "matrix")["met"], True)            # median 290 <= 300
        self.assertIsNone(self.target(res, "ctest")["met"])                # 2 runs: not judged
        self.assertIn("fewer than 3 runs", self.target(res, "ctest")["detail"])
        res = report.build(raw_rows(), [], False, long_rows("ctest", [250, 230, 260], rc=8))
        self.assertIs(self.target(res, "ctest")["met"], False)             # CTest's own time, not the wall
        self.assertIn("3 run(s) ended with a failure", self.target(res, "ctest")["detail"])
        self.assertEqual(res["long"]["ctest"]["time_s"]["median"], 250)

    def test_not_asked_for_is_not_measured_and_smoke_is_not_judged(self):
        res = report.build(raw_rows(), [], False)
        for kind, flag in (("matrix", "--matrix"), ("ctest", "--ctest")):
            self.assertIsNone(self.target(res, kind)["met"])
            self.assertIn("opt-in: " + flag, self.target(res, kind)["detail"])
        res = report.build(raw_rows(), [], True, long_rows("matrix", [100, 100, 100]))
        self.assertIsNone(self.target(res, "matrix")["met"])

    def test_suite_judged_against_30_s(self):
        with tempfile.TemporaryDirectory() as d:
            res = report.build(raw_rows(), suite_rows(d, [29.0, 31.0, 28.0]), False)
            self.assertIs(self.target(res, "suite")["met"], True)
            res = report.build(raw_rows(), suite_rows(d, [29.0, 31.0, 32.0]), False)
            self.assertIs(self.target(res, "suite")["met"], False)
            self.assertIn("--jobs 2", self.target(res, "suite")["detail"])

    def test_default_jobs_read_from_when_the_cases_ran(self):
        cases = [{"id": "a", "status": "pass", "start_ms": 0, "duration_ms": 100},
                 {"id": "b", "status": "pass", "start_ms": 50, "duration_ms": 100},
                 {"id": "c", "status": "pass", "start_ms": 60, "duration_ms": 10},
                 {"id": "d", "status": "pass", "start_ms": 150, "duration_ms": 10}]
        self.assertEqual(report.peak_concurrency(cases), 3)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "results.json")
            with open(path, "w") as f:
                json.dump({"cases": cases}, f)
            row = {"kind": "suite", "rep": 1, "start": 0.0, "end": 20.0, "rc": 0, "jobs": None, "results": path}
            res = report.build(raw_rows(), [row] * 3, False)
            self.assertIn("the runner's default --jobs (3 cases at once at most)", self.target(res, "suite")["detail"])
            self.assertIs(self.target(res, "suite")["met"], True)

    def test_ratio_target_is_1_25(self):
        res = report.build(raw_rows(), [], False)
        row = next(t for t in res["targets"] if t["name"].startswith("RmGetList"))
        self.assertIn("1.25x", row["name"])
        self.assertIs(row["met"], True)                # 13/12 = 1.08x and 12.5/11 = 1.14x
        raw = raw_rows()
        for r in raw:
            if r["kind"] == "getlist" and r["impl"] == "rmref" and r["lockers"] == 8:
                r["samples_ms"] = [14.0, 15.0]         # 14.5/11 = 1.32x
        row = next(t for t in report.build(raw, [], False)["targets"] if t["name"].startswith("RmGetList"))
        self.assertIs(row["met"], False)

    def test_check_catches_a_row_judged_without_being_measured(self):
        res = report.build(raw_rows(), [], True)
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "results.json"), "w") as f:
                json.dump(res, f)
            self.assertFalse([p for p in report.check(d) if "row" in p])
            self.target(res, "ctest")["met"] = True
            with open(os.path.join(d, "results.json"), "w") as f:
                json.dump(res, f)
            self.assertTrue(any("ctest row is judged without being measured" in p for p in report.check(d)))


if __name__ == "__main__":
    unittest.main()

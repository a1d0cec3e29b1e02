"""`rmreport gate`: exit 1 for an incomplete run, a gated run with fail/crash/timeout/blocked, or a
regression against --baseline; runs named by --no-gate are reported, never gated; exit 2 with one
line for unreadable input."""

import json
import os
import shutil
import tempfile
import unittest

from rmreport.gate import gate
from rmreport.results import load_all
from tests.test_cli import rmreport

HEADER = {"tool": {"name": "rmconform", "version": "0.2.0", "arch": "x64"},
          "os": {"name": "win10", "major": 10, "minor": 0, "build": 19043, "wine": "8.0"},
          "platform": {}}


def case(case_id, status, provenance="doc", **extra):
    c = {"id": case_id, "title": case_id, "area": case_id.split(".")[0], "spec": "§1",
         "provenance": provenance, "status": status, "duration_ms": 1, "message": "",
         "observations": {}}
    c.update(extra)
    return c


GOOD = [case("session.a", "pass"), case("session.b", "pass"), case("detect.p", "observed", "probe"),
        case("detect.u", "unsupported")]


class Gate(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.dir)

    def results(self, name, cases, impl="rmref", complete=True, jsonl=False, os_name="win10"):
        header = dict(HEADER, implementation={"name": impl, "path": "C:\\x\\%s.dll" % impl, "arch": "x64"})
        header["os"] = dict(header["os"], name=os_name)
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            if jsonl:
                f.write(json.dumps(dict(header, record="run", schema=2, selected=len(cases) + 1)) + "\n")
                for c in cases:
                    f.write(json.dumps(dict(c, record="case")) + "\n")
                if complete:
                    f.write(json.dumps({"record": "end", "finished": "x", "summary": {}}) + "\n")
            else:
                json.dump(dict(header, schema=2, started="s", finished="f", complete=complete, cases=cases), f)
        return path

    def run_gate(self, *args):
        r = rmreport("gate", *args)
        return r.returncode, r.stdout.decode("utf-8").splitlines(), r.stderr.decode("utf-8")

    def test_clean_runs_pass(self):
        rc, out, err = self.run_gate(self.results("a.json", GOOD), self.results("b.jsonl", GOOD, jsonl=True))
        self.assertEqual(rc, 0, out + [err])
        self.assertIn("gate: passed: 2 runs gated, 0 reported only", out)
        self.assertTrue(any("contract conformance 2/2 (fail 0, crash 0, timeout 0, blocked 0); probes observed 1/1"
                            in line for line in out), out)

    def test_each_bad_status_fails_the_gate(self):
        for status in ("fail", "crash", "timeout", "blocked"):
            with self.subTest(status=status):
                path = self.results(status + ".json", GOOD + [case("register.x", status)])
                rc, out, _ = self.run_gate(path)
                self.assertEqual(rc, 1)
                reasons = [l for l in out if l.startswith("gate: FAIL: ")]
                self.assertEqual(len(reasons), 1, out)
                self.assertIn("1 %s: register.x (%s)" % (status, status), reasons[0])

    def test_probe_failing_its_documented_half_fails(self):
        rc, out, _ = self.run_gate(self.results("p.json", GOOD + [case("x.probe", "fail", "probe")]))
        self.assertEqual(rc, 1, out)

    def test_incomplete_run_fails_even_when_not_gated(self):
        for jsonl in (False, True):
            with self.subTest(jsonl=jsonl):
                path = self.results("k.jsonl" if jsonl else "k.json", GOOD, impl="system", complete=False,
                                    jsonl=jsonl)
                rc, out, _ = self.run_gate(path, "--no-gate", "system")
                self.assertEqual(rc, 1, out)
                self.assertTrue(any(l.startswith("gate: FAIL: ") and "incomplete run" in l for l in out), out)

    def test_no_gate_runs_are_reported_not_gated(self):
        bad = self.results("system.json", [case("session.a", "crash"), case("session.b", "blocked")], impl="system")
        rc, out, _ = self.run_gate(self.results("rmref.json", GOOD), bad, "--no-gate", "system")
        self.assertEqual(rc, 0, out)
        line = [l for l in out if "system.json" in l]
        self.assertEqual(len(line), 1, out)
        self.assertIn("reported, not gated", line[0])
        self.assertIn("crash 1", line[0])
        # Without --no-gate the same run fails the gate.
        rc, out, _ = self.run_gate(self.results("rmref.json", GOOD), bad)
        self.assertEqual(rc, 1, out)

    def test_regression_against_baseline(self):
        base = self.results("base.json", GOOD, impl="system")
        cand = self.results("cand.json", [case("session.a", "pass"), case("detect.p", "observed", "probe"),
                                          case("detect.u", "unsupported")])
        rc, out, _ = self.run_gate(cand, "--baseline", base)
        self.assertEqual(rc, 1, out)
        self.assertTrue(any("1 regression against the baseline" in l and "session.b pass -> not run" in l
                            for l in out if l.startswith("gate: FAIL: ")), out)
        # Same cases: no regression.
        rc, out, _ = self.run_gate(self.results("same.json", GOOD), "--baseline", base)
        self.assertEqual(rc, 0, out)

    def test_baseline_regression_of_an_ungated_run_is_reported_only(self):
        base = self.results("base.json", GOOD, impl="system")
        cand = self.results("sys.json", GOOD[:1] + GOOD[2:], impl="system")
        rc, out, _ = self.run_gate(cand, "--baseline", base, "--no-gate", "system")
        self.assertEqual(rc, 0, out)
        self.assertTrue(any(l.startswith("gate: reported, not gated: ") and "regression" in l for l in out), out)

    def test_baseline_of_another_profile_is_still_compared(self):
        base = self.results("base7.json", GOOD, impl="system", os_name="win7")
        cand = self.results("cand.json", GOOD[1:])
        rc, out, _ = self.run_gate(cand, "--baseline", base)
        self.assertEqual(rc, 1, out)
        self.assertTrue(any("compared with every run" in l for l in out), out)

    def test_unreadable_input_is_exit_2_with_one_line(self):
        bad = os.path.join(self.dir, "bad.json")
        with open(bad, "w") as f:
            f.write("{")
        for args in ([bad], [self.results("a.json", GOOD), "--baseline", bad],
                     [os.path.join(self.dir, "missing.json")]):
            rc, out, err = self.run_gate(*args)
            self.assertEqual(rc, 2)
            self.assertEqual(out, [])
            self.assertEqual(len(err.strip().splitlines()), 1, err)
            self.assertNotIn("Traceback", err)

    def test_api(self):
        runs = load_all([self.results("a.json", GOOD + [case("x.y", "blocked", blocked_by="detect.locked_file")])])
        result = gate(runs)
        self.assertFalse(result.passed)
        self.assertEqual(runs[0].case("x.y")["blocked_by"], "detect.locked_file")


if __name__ == "__main__":
    unittest.main()

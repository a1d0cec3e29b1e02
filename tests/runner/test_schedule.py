"""The runner's schedule (harness/schedule.c, runner.c): how many cases run at once by default,
the order they start in, and who may run beside whom.

Environment (set by CTest): RMC_BIN (folder of rmconform.exe), RMC_EMULATOR (the Wine wrapper
when cross-compiling, empty on Windows), RMC_WORK (scratch folder).
"""
import json
import os
import unittest

from runproc import run_program
# The runner tests' helpers (the module, not its names: its test classes stay out of this one).
import test_runner as common

BIN = common.BIN
EMULATOR = common.EMULATOR
run = common.run
RMREF = os.path.join(BIN, "rmref.dll")
# A DLL without a single RM export: every case is decided at once ("missing export"), without a
# process of its own, so a run shows the order the runner takes the cases in and nothing else.
NO_EXPORTS = os.path.join(BIN, "rmfx-module.dll")


def fresh(name):
    return common.fresh(os.path.join("schedule", name))


def reg_value(key, value):
    """The registry value as `reg query` prints it (None when absent)."""
    p = run_program(([EMULATOR] if EMULATOR else []) + ["reg", "query", key, "/v", value], 120, None)
    for line in p.stdout.splitlines():
        if line.strip().startswith(value):
            return line.split()[-1]
    return None


def records(out):
    with open(os.path.join(out, "results.jsonl"), encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def cases_by_start(out):
    return sorted((r for r in records(out) if r["record"] == "case"), key=lambda r: r["start_ms"])


class Schedule(unittest.TestCase):
    def order_of(self, out, case_ids):
        """The order one case at a time runs case_ids in, against the DLL without exports."""
        args = ["--dll", NO_EXPORTS, "--jobs", "1", "--out", out]
        for case_id in case_ids:
            args += ["--case", case_id]
        p = run(*args)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        return [r["id"] for r in records(out) if r["record"] == "case"]

    def test_default_jobs_follow_the_core_count(self):
        out = fresh("default-jobs")
        p = run("--dll", NO_EXPORTS, "--case", "session.start_returns_key", "--out", out)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        cores = os.cpu_count() or 1
        if not EMULATOR:
            cores = int(os.environ.get("NUMBER_OF_PROCESSORS", cores))
        self.assertEqual(records(out)[0]["jobs"], min(max(2 * cores, 2), 8))
        p = run("--dll", NO_EXPORTS, "--case", "session.start_returns_key", "--jobs", "3", "--out", out)
        self.assertEqual(records(out)[0]["jobs"], 3)

    def test_help_documents_the_default(self):
        p = run("--help")
        self.assertIn("default: 2 per processor, at least 2, at most 8", p.stdout)

    def test_exclusive_first_then_lowered_timeouts_then_longest(self):
        out = fresh("order")
        # Given in table order; each kind and hint differs (cases/*.c).
        given = ["exports.documented",                   # no hint
                 "session.start_returns_key",            # no hint
                 "session.limit_64",                     # RMC_EXCLUSIVE
                 "shutdown.hung_forced_terminated",      # RMC_LOWERED_TIMEOUTS
                 "moredata.churn_retry_loop",            # 90 s
                 "detect.concurrent_listing",            # 180 s
                 "robustness.threads_one_session"]       # 150 s
        self.assertEqual(self.order_of(out, given), ["session.limit_64", "shutdown.hung_forced_terminated", "detect.concurrent_listing",
                               "robustness.threads_one_session", "moredata.churn_retry_loop",
                               "exports.documented", "session.start_returns_key"])

    def test_previous_run_durations_order_the_next(self):
        out = fresh("previous")
        # A previous run in the same folder: the short-hinted case took longest there.
        took = {"exports.documented": 9000, "moredata.churn_retry_loop": 10, "detect.concurrent_listing": 500}
        with open(os.path.join(out, "results.jsonl"), "w", encoding="utf-8") as f:
            f.write(json.dumps({"record": "run", "schema": 2}) + "\n")
            for case_id, ms in took.items():
                f.write(json.dumps({"record": "case", "id": case_id, "title": "t", "status": "pass",
                                    "start_ms": 0, "duration_ms": ms}) + "\n")
        # session.start_returns_key is not in the previous run: its hint (none: 0 ms) places it.
        self.assertEqual(self.order_of(out, ["session.start_returns_key"] + list(took)), ["exports.documented", "detect.concurrent_listing", "moredata.churn_retry_loop",
                               "session.start_returns_key"])

    def test_lowered_timeout_cases_run_together_and_alone(self):
        out = fresh("lowered")
        p = run("--dll", RMREF, "--jobs", "4", "--out", out,
                "--case", "shutdown.hung_fails_without_force", "--case", "shutdown.console_ignores_without_force",
                "--case", "exports.documented", "--case", "session.start_returns_key")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        cases = cases_by_start(out)
        lowered = [c for c in cases if c["id"].startswith("shutdown.")]
        others = [c for c in cases if not c["id"].startswith("shutdown.")]
        self.assertEqual(len(lowered), 2)
        for c in lowered:
            self.assertEqual(c["status"], "pass", c)
            # The runner lowered the timeouts for them; they did not have to.
            self.assertEqual(c["observations"]["timeouts.lowered_by_case"], False, c)
            self.assertEqual(c["observations"]["hung_app_timeout_ms"], 1000, c)
        first, second = lowered
        self.assertLess(second["start_ms"], first["start_ms"] + first["duration_ms"],
                        "the two lowered-timeout cases did not run side by side: %s" % lowered)
        group_end = max(c["start_ms"] + c["duration_ms"] for c in lowered)
        for c in others:
            self.assertGreaterEqual(c["start_ms"], group_end,
                                    "%s ran beside the lowered-timeout cases: %s" % (c["id"], cases))

    def test_lowered_timeouts_are_put_back(self):
        keys = [("HKCU\\Control Panel\\Desktop", "HungAppTimeout"),
                ("HKLM\\SYSTEM\\CurrentControlSet\\Control", "WaitToKillServiceTimeout")]
        before = [reg_value(k, v) for k, v in keys]
        out = fresh("lowered-restored")
        p = run("--dll", RMREF, "--out", out, "--case", "shutdown.console_ignores_without_force",
                "--case", "shutdown.service_refuses_stop_fails")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        for c in cases_by_start(out):
            self.assertEqual(c["observations"]["service_timeout_ms"], 1000, c)
        self.assertEqual([reg_value(k, v) for k, v in keys], before)

if __name__ == "__main__":
    unittest.main()

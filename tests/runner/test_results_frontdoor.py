"""./rmc conform gates: exit 1 when the reference has a fail, crash, timeout or blocked case or a
run did not finish (the overall time limit stops a runner that hangs); the platform's own DLL is
reported, not gated. The reference is replaced by a test DLL through RMC_REF_DLL; one case each,
to stay cheap.

Environment: RMC_BIN (folder of rmconform.exe), RMC_WORK (scratch folder), RMC_ROOT (the
source tree holding ./rmc)."""
import os
import shutil
import subprocess
import unittest

BIN = os.environ["RMC_BIN"]
ROOT = os.environ.get("RMC_ROOT", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
WORK = os.environ.get("RMC_WORK", os.path.join(BIN, "..", "test-work", "frontdoor"))


def conform(name, ref_dll, *runner_args, limit=None):
    reports = os.path.join(WORK, name)
    shutil.rmtree(reports, ignore_errors=True)
    env = dict(os.environ, RMC_REF_DLL=ref_dll, RMC_REPORTS=reports, RMC_NO_BUILD="1", RMC_KEEP_WINESERVER="1")
    if limit:
        env["RMC_CONFORM_LIMIT"] = str(limit)
    p = subprocess.run([os.path.join(ROOT, "rmc"), "conform", "--"] + list(runner_args), env=env,
                       capture_output=True, text=True, timeout=600)
    return p, p.stdout + p.stderr


class FrontDoorGate(unittest.TestCase):
    def test_broken_reference_fails_the_gate(self):
        p, out = conform("broken", os.path.join(BIN, "testdlls", "rmt_crash.dll"),
                         "--case", "session.start_returns_key")
        self.assertEqual(p.returncode, 1, out)
        self.assertIn("gate: FAIL: rmt_crash-", out)
        self.assertIn("1 crash: session.start_returns_key (crash)", out)
        self.assertIn("reported, not gated (--no-gate system)", out)
        self.assertIn("rmc: gate FAILED", out)

    def test_good_reference_passes_whatever_the_platform_dll_does(self):
        p, out = conform("good", os.path.join(BIN, "rmref.dll"), "--case", "session.start_returns_key")
        self.assertEqual(p.returncode, 0, out)
        self.assertIn("gate: passed: 1 run gated, 1 reported only", out)
        self.assertIn("the platform's own rstrtmgr.dll (system) is reported, not gated", out)

    def test_a_run_that_never_ends_is_stopped_and_fails_the_gate(self):
        p, out = conform("limit", os.path.join(BIN, "testdlls", "rmt_hang.dll"),
                         "--case", "session.start_returns_key", "--timeout", "300", limit=10)
        self.assertEqual(p.returncode, 1, out)
        self.assertIn("did not finish within 10 s", out)
        self.assertIn("incomplete run", out)

    def test_a_run_stopped_before_it_wrote_anything_fails_the_gate(self):
        # 1 s is less than the runner's start-up (Wine, then the fixtures' preflight), so the run
        # is stopped before it writes results: still an incomplete run, exit 1 (not "did not
        # run", exit 2). On a machine fast enough to write them first, the gate's own
        # incomplete-run check gives the same verdict.
        p, out = conform("stopped", os.path.join(BIN, "testdlls", "rmt_hang.dll"),
                         "--case", "session.start_returns_key", "--timeout", "300", limit=1)
        self.assertEqual(p.returncode, 1, out)
        self.assertIn("did not finish within 1 s", out)
        self.assertIn("incomplete run", out)
        self.assertIn("rmc: gate FAILED", out)


if __name__ == "__main__":
    unittest.main()

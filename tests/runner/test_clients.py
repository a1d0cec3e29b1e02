"""The clients area (cases/clients.c, harness/client_run.c) against DLLs that misbehave on purpose:
what happens to a client program (crash, hang, a key written too far, nobody found, a secondary
that dies) becomes the case's verdict, with the client named. Every DLL here is run by the
clients as rstrtmgr.dll copied beside them, so these tests also show that the copy is what the
client loads (otherwise the cases would be `unsupported`).

Environment (set by CTest): RMC_BIN, RMC_EMULATOR, RMC_WORK (as test_runner.py).
"""
import json
import os
import shutil
import time
import unittest

from runproc import run_program

BIN = os.environ["RMC_BIN"]
EMULATOR = os.environ.get("RMC_EMULATOR", "")
WORK = os.environ.get("RMC_WORK", os.path.join(BIN, "..", "test-work", "clients"))
RUNNER = os.path.join(BIN, "rmconform.exe")
DLLS = os.path.join(BIN, "testdlls")


def run_cases(name, dll, *cases):
    out = os.path.join(WORK, name)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    args = [RUNNER, "--dll", os.path.join(DLLS, dll), "--out", out, "--jobs", "2"]
    for c in cases:
        args += ["--case", c]
    start = time.monotonic()
    p = run_program(([EMULATOR] if EMULATOR else []) + args, 600)
    elapsed = time.monotonic() - start
    if not os.path.exists(os.path.join(out, "results.json")):
        raise AssertionError("no results.json (exit %d):\n%s\n%s" % (p.returncode, p.stdout[-3000:], p.stderr[-3000:]))
    with open(os.path.join(out, "results.json"), encoding="utf-8") as f:
        res = json.load(f)
    return p, {c["id"]: c for c in res["cases"]}, elapsed


class ClientVerdicts(unittest.TestCase):
    def test_client_crash_is_crash_with_exception_and_module(self):
        p, cases, _ = run_cases("crash", "rmt_crash.dll", "clients.key_buffers")
        c = cases["clients.key_buffers"]
        self.assertEqual(c["status"], "crash", c["message"])
        self.assertIn("the client key-buffers.exe crashed", c["message"])
        self.assertIn("EXCEPTION_ACCESS_VIOLATION (0xC0000005)", c["message"])
        self.assertIn("rstrtmgr.dll+0x", c["message"].lower())
        self.assertEqual(c["observations"]["client.key-buffers.exe.exit_code"], "0xc0000005")

    def test_hung_client_is_killed_by_the_case(self):
        p, cases, elapsed = run_cases("hang", "rmt_hang.dll", "clients.key_buffers")
        c = cases["clients.key_buffers"]
        self.assertEqual(c["status"], "fail", c["message"])
        self.assertIn("key-buffers.exe did not finish within 30000 ms and was killed", c["message"])
        self.assertLess(elapsed, 120)

    def test_key_written_past_33_wchars(self):
        p, cases, _ = run_cases("overflow", "rmt_overflow.dll", "clients.key_buffers")
        c = cases["clients.key_buffers"]
        self.assertEqual(c["status"], "fail", c["message"])
        self.assertIn("changed the 36-WCHAR key buffer up to index 35", c["message"])

    def test_an_implementation_that_finds_nobody(self):
        p, cases, _ = run_cases("blind", "rmt_blind.dll", "clients.who_is_locking_*", "clients.key_buffers",
                                "clients.many_paths_one_held", "clients.running_check_*")
        finds = cases["clients.who_is_locking_finds_locker"]
        self.assertEqual(finds["status"], "fail", finds["message"])
        self.assertIn("returned ERROR_SUCCESS (0) with needed 0", finds["message"])
        self.assertIn("concludes nobody locks it", finds["message"])
        running = cases["clients.running_check_running"]
        self.assertEqual(running["status"], "fail", running["message"])
        self.assertIn("reads that as 'free, go ahead'", running["message"])
        many = cases["clients.many_paths_one_held"]
        self.assertEqual(many["status"], "blocked", many["message"])
        self.assertIn("(see detect.locked_file)", many["message"])
        for ok in ("clients.who_is_locking_nobody", "clients.running_check_free", "clients.key_buffers"):
            self.assertEqual(cases[ok]["status"], "pass", cases[ok]["message"])

    def test_secondary_installer_crash_is_crash(self):
        p, cases, _ = run_cases("joincrash", "rmt_joincrash.dll", "clients.installer_primary_secondary")
        c = cases["clients.installer_primary_secondary"]
        self.assertEqual(c["status"], "crash", c["message"])
        self.assertIn("the secondary installer crashed with exit code 0xC0000005", c["message"])

    def test_client_that_ran_another_image_is_unsupported(self):
        p, cases, _ = run_cases("relabel", "rmt_relabel.dll", "clients.key_buffers")
        c = cases["clients.key_buffers"]
        self.assertEqual(c["status"], "unsupported", c["message"])
        self.assertIn("whose PE header differs", c["message"])


if __name__ == "__main__":
    unittest.main()

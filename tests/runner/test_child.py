"""The case process and the runner's defences, against DLLs that misbehave on purpose: crash
verdicts a developer can act on (the call in progress, the first frame in the implementation, the
fill pattern), the secondary installer's private protocol, services left behind, heap corruption,
a case process that ends the runner, a crafted PE header.

Environment (set by CTest): RMC_BIN, RMC_EMULATOR, RMC_WORK (see test_runner.py).
"""
import json
import os
import re
import shutil
import subprocess
import unittest

from runproc import run_program

BIN = os.environ["RMC_BIN"]
EMULATOR = os.environ.get("RMC_EMULATOR", "")
WORK = os.environ.get("RMC_WORK", os.path.join(BIN, "..", "test-work", "runner-child"))
RUNNER = os.path.join(BIN, "rmconform.exe")
DLLS = os.path.join(BIN, "testdlls")
RMREF = os.path.join(BIN, "rmref.dll")


def run(*args, timeout=300):
    return run_program(([EMULATOR] if EMULATOR else []) + [RUNNER] + list(args), timeout)


def fresh(name):
    path = os.path.join(WORK, name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def dll(name):
    return os.path.join(DLLS, name + ".dll")


def results(out):
    with open(os.path.join(out, "results.json"), encoding="utf-8") as f:
        return json.load(f)


def case(res, case_id):
    for c in res["cases"]:
        if c["id"] == case_id:
            return c
    raise AssertionError(f"{case_id} missing from results")


def run_one(name, dll_name, case_id, *extra, timeout=300):
    out = fresh(name)
    p = run("--dll", dll(dll_name), "--case", case_id, "--out", out, *extra, timeout=timeout)
    if not os.path.exists(os.path.join(out, "results.json")):
        raise AssertionError("no results.json (exit %d):\n%s\n%s" % (p.returncode, p.stdout[-3000:], p.stderr[-3000:]))
    return p, case(results(out), case_id), out


def wine_cmd(*args):
    """A Windows command in the runner's prefix (sc.exe for services)."""
    cmd = ([EMULATOR] if EMULATOR else []) + list(args)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, errors="replace")


class CrashDetail(unittest.TestCase):
    def test_fill_pattern_pointer_in_runtime_function(self):
        # RmGetList's copy loop memcpy's through a pointer read from the caller's uninitialised
        # (fill-pattern) array: the fault is in msvcrt, the culprit is the DLL.
        p, c, _ = run_one("fillptr", "rmt_fillptr", "register.missing_file")
        self.assertEqual(c["status"], "crash", c)
        msg = c["message"]
        self.assertIn("EXCEPTION_ACCESS_VIOLATION (0xC0000005) during RmGetList", msg)
        self.assertRegex(msg, r"first frame in the implementation: rmt_fillptr\.dll\+0x[0-9a-f]+")
        self.assertIn("dereferenced a pointer read from a buffer it was given uninitialised", msg)
        self.assertNotRegex(msg, r", at rmt_fillptr\.dll")   # the fault itself is in the runtime

    def test_raise_exception_located_in_the_dll(self):
        p, c, _ = run_one("raise", "rmt_raise", "session.start_returns_key")
        self.assertEqual(c["status"], "crash", c)
        self.assertIn("(0xE0524D54) during RmStartSession", c["message"])
        self.assertRegex(c["message"], r"first frame in the implementation: rmt_raise\.dll\+0x[0-9a-f]+")

    def test_stack_overflow_names_the_call(self):
        p, c, _ = run_one("recurse", "rmt_recurse", "session.start_returns_key")
        self.assertEqual(c["status"], "crash", c)
        self.assertIn("RmStartSession", c["message"])
        # Windows runs the crash filter on the reserved stack (SetThreadStackGuarantee); under Wine
        # the tripwire guard page above the stack's end leaves it room (child.c).
        self.assertIn("EXCEPTION_STACK_OVERFLOW (0xC00000FD) during RmStartSession", c["message"])
        self.assertIn("at rmt_recurse.dll+0x", c["message"])

    def test_exit_process_during_a_call(self):
        p, c, _ = run_one("exit", "rmt_exit", "session.start_returns_key")
        self.assertEqual(c["status"], "crash", c)
        self.assertIn("during RmStartSession", c["message"])
        self.assertIn("ended the case process with ExitProcess(0)", c["message"])

    def test_double_free_is_heap_corruption(self):
        p, c, _ = run_one("doublefree", "rmt_doublefree", "session.start_returns_key")
        self.assertEqual(c["status"], "crash", c)
        self.assertIn("STATUS_HEAP_CORRUPTION (0xC0000374)", c["message"])

    def test_non_ascii_module_name_stays_utf8(self):
        folder = fresh("non-ascii")
        path = os.path.join(folder, "rmt_crash_\u00f1\u65e5\u672c.dll")
        shutil.copy(dll("rmt_crash"), path)
        out = os.path.join(folder, "out")
        run("--dll", path, "--case", "session.start_returns_key", "--out", out)
        with open(os.path.join(out, "results.json"), "rb") as f:
            res = json.loads(f.read().decode("utf-8"))   # strict: invalid UTF-8 fails here
        c = case(res, "session.start_returns_key")
        self.assertEqual(c["status"], "crash", c)
        self.assertIn("at rmt_crash_\u00f1\u65e5\u672c.dll+0x", c["message"])

    def test_closed_record_channel_is_named(self):
        # The DLL closes every file handle it did not open, the record channel among them: the
        # verdict is lost, and the runner says why instead of "exited with code 0".
        p, c, _ = run_one("closehandles", "rmt_closehandles", "session.start_returns_key")
        self.assertEqual(c["status"], "crash", c)
        self.assertIn("the record channel was closed by the case process", c["message"])

    def test_random_arguments_of_the_crashing_call(self):
        p, c, _ = run_one("fuzzargs", "rmt_fillptr", "robustness.random_args.RmGetList")
        self.assertEqual(c["status"], "crash", c)
        # The label names the iteration and every argument of the call that crashed.
        self.assertRegex(c["message"], r"during RmGetList \(iteration \d+: RmGetList\(0x[0-9a-f]+, ")
        self.assertIn("rgAffectedApps=", c["message"])


class Secondary(unittest.TestCase):
    def secondary_cases(self):
        # The fixture's own checks (selftest.secondary_*) judge no implementation: the secondary.*
        # cases are the ones that drive rmfx-secondary against the DLL under test.
        listed = run("--list", "--case", "secondary.*", "--case", "join.*")
        ids = [line.split()[0] for line in listed.stdout.strip().splitlines()[:-1]]
        return [i for i in ids if i.startswith("secondary.")]

    def test_printing_dll_leaves_protocol_and_results_intact(self):
        ids = self.secondary_cases()
        self.assertTrue(ids, "no case drives rmfx-secondary")
        globs = [a for i in ids for a in ("--case", i)]
        ref_out, out = fresh("secondary-ref"), fresh("secondary-printf")
        run("--dll", RMREF, "--out", ref_out, "--jobs", "2", *globs, timeout=600)
        run("--dll", dll("rmt_printf"), "--out", out, "--jobs", "2", *globs, timeout=600)
        ref, got = results(ref_out), results(out)   # both parse: valid JSON
        with open(os.path.join(out, "results.jsonl"), encoding="utf-8") as f:
            for line in f:
                json.loads(line)
        for i in ids:
            self.assertEqual(case(got, i)["status"], case(ref, i)["status"], (i, case(got, i)))
        printed = [c["observations"].get("secondary_printed", "") for c in got["cases"]]
        self.assertTrue(any("rmt_printf: entering RmJoinSession" in p for p in printed), printed)

    def test_crash_inside_the_secondary_is_a_crash(self):
        ids = self.secondary_cases()
        out = fresh("secondary-crash")
        run("--dll", dll("rmt_seccrash"), "--out", out, "--jobs", "2", *[a for i in ids for a in ("--case", i)],
            timeout=600)
        res = results(out)
        crashed = [c for c in res["cases"] if "rmfx-secondary" in (c.get("message") or "")]
        self.assertTrue(crashed, [(c["id"], c["status"], c.get("message")) for c in res["cases"]])
        for c in crashed:
            self.assertEqual(c["status"], "crash", c)
            self.assertIn("during RmJoinSession", c["message"])
            self.assertIn("EXCEPTION_ACCESS_VIOLATION (0xC0000005)", c["message"])
            self.assertIn("at rmt_seccrash.dll+0x", c["message"])
            self.assertNotIn('{"', c["message"])   # no raw protocol JSON


class Defences(unittest.TestCase):
    SERVICE = "rmfx-rmt-leftover"

    def tearDown(self):
        if self._testMethodName.startswith("test_service"):
            wine_cmd("sc", "delete", self.SERVICE)

    def service_exists(self):
        return wine_cmd("sc", "query", self.SERVICE).returncode == 0   # Wine's sc has no qc

    def test_service_left_behind_is_reported_not_removed(self):
        wine_cmd("sc", "delete", self.SERVICE)
        p, c, _ = run_one("service", "rmt_service", "session.start_returns_key")
        self.assertEqual(c["status"], "fail", c)
        self.assertIn("services left installed after the case: " + self.SERVICE, c["message"])
        self.assertIn("left in place", c["message"])
        left = c["observations"]["services_left_installed"]
        self.assertEqual(left[0]["name"], self.SERVICE)
        self.assertIn("rmt_service.dll", left[0]["binary"])
        self.assertFalse(left[0]["removed"])
        self.assertTrue(self.service_exists())

    def test_service_left_behind_removed_on_request(self):
        wine_cmd("sc", "delete", self.SERVICE)
        p, c, _ = run_one("service-remove", "rmt_service", "session.start_returns_key", "--remove-leftover-services")
        self.assertEqual(c["status"], "fail", c)
        self.assertIn("removed (--remove-leftover-services)", c["message"])
        self.assertTrue(c["observations"]["services_left_installed"][0]["removed"])
        self.assertFalse(self.service_exists())

    def test_case_process_cannot_end_the_runner(self):
        out = fresh("killparent")
        p = run("--dll", dll("rmt_killparent"), "--case", "session.start_returns_key", "--case", "exports.documented",
                "--out", out)
        # The runner survives and finishes: its exit code and results say what happened.
        self.assertTrue(os.path.exists(os.path.join(out, "results.json")), p.stdout + p.stderr)
        res = results(out)
        self.assertTrue(res["complete"])
        self.assertEqual(len(res["cases"]), 2)

    def test_case_processes_and_secondaries_have_no_console(self):
        # A console per process is a console host process each (conhost.exe), started and ended
        # hundreds of times a suite: cases and the secondaries they start run without one.
        p, c, _ = run_one("console", "rmt_console", "session.start_returns_key")
        self.assertEqual(c["status"], "pass", "the case process has a console: " + c.get("message", ""))
        p, c, _ = run_one("console-secondary", "rmt_console", "secondary.cross_process_join")
        self.assertEqual(c["status"], "pass", "the secondary has a console: " + c.get("message", ""))

    def test_wrapped_e_lfanew_is_bad_input(self):
        path = os.path.join(fresh("lfanew"), "wrapped.dll")
        shutil.copy(dll("rmt_partial"), path)
        with open(path, "r+b") as f:
            f.seek(0x3C)
            f.write((0xFFFFFFF0).to_bytes(4, "little"))   # + 24 wraps to 8: inside the header
        try:
            p = run("--dll", path, timeout=90)
        except subprocess.TimeoutExpired:
            self.fail("the runner hung on a wrapped e_lfanew")
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
        self.assertIn("is not a PE file", p.stderr)


if __name__ == "__main__":
    unittest.main()

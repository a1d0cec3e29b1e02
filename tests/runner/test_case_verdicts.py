"""The cases' honesty: rmconform.exe against realistic defective implementations.

Each DLL is rmref with exactly one defect (tests/dlls/rmv_*.c, one function replaced through the
linker). The cases must name that defect where it is, never decide on the guard's fill pattern,
never allocate what an implementation claims, and block — naming the case that checks the root
defect — instead of failing on a consequence.

Environment (set by CTest): RMC_BIN, RMC_EMULATOR, RMC_WORK (see test_runner.py).
"""
import json
import os
import shutil
import unittest

from runproc import run_program

BIN = os.environ["RMC_BIN"]
EMULATOR = os.environ.get("RMC_EMULATOR", "")
WORK = os.environ.get("RMC_WORK", os.path.join(BIN, "..", "test-work", "cases"))
RUNNER = os.path.join(BIN, "rmconform.exe")
DLLS = os.path.join(BIN, "testdlls")


def run_cases(dll, name, patterns, jobs=2, timeout=900):
    out = os.path.join(WORK, name)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    args = ["--dll", os.path.join(DLLS, dll + ".dll"), "--out", out, "--jobs", str(jobs)]
    for p in patterns:
        args += ["--case", p]
    cmd = ([EMULATOR] if EMULATOR else []) + [RUNNER] + args
    p = run_program(cmd, timeout)
    with open(os.path.join(out, "results.json"), encoding="utf-8") as f:
        res = json.load(f)
    return p, {c["id"]: c for c in res["cases"]}


class OutParameters(unittest.TestCase):
    def test_reasons_left_unwritten_fail_the_reason_cases(self):
        # rmref that never writes *lpdwRebootReasons: the reason checks used to be decided by the
        # fill pattern 0xA5A5A5A5 (bit 0x10 clear, so detected_self_* failed for the wrong reason).
        p, cases = run_cases("rmv_noreasons", "noreasons",
                             ["reboot.detected_self_process", "reboot.detected_self_module", "reboot.none_for_own_app",
                              "getlist.empty_session", "session.start_returns_key"])
        for cid in ("reboot.detected_self_process", "reboot.detected_self_module", "reboot.none_for_own_app",
                    "getlist.empty_session"):
            c = cases[cid]
            self.assertEqual(c["status"], "fail", (cid, c))
            self.assertIn("RmGetList returned 0 and left *lpdwRebootReasons unwritten", c["message"], cid)
        # a case that does not use the reasons is not blamed for them
        self.assertEqual(cases["session.start_returns_key"]["status"], "pass")

    def test_zero_instead_of_350_fails(self):
        p, cases = run_cases("rmv_noaction0", "noaction0", ["reboot.noaction_reboot_touches_nothing"])
        c = cases["reboot.noaction_reboot_touches_nothing"]
        if c["status"] == "unsupported":
            self.skipTest(c["message"])
        self.assertEqual(c["status"], "fail", c)
        self.assertIn("returned ERROR_SUCCESS (0), expected ERROR_FAIL_NOACTION_REBOOT (350)", c["message"])

    def test_key_written_past_33_wchars(self):
        # 64 WCHARs into the key: every key buffer is a guarded buffer, so the write is reported as
        # such, inside the call, and never as a crash of rmconform.exe's stack.
        p, cases = run_cases("rmv_longkey", "longkey",
                             ["session.start_returns_key", "session.two_sessions_distinct", "getlist.empty_session",
                              "join.in_process_with_primary_key"])
        for cid, c in cases.items():
            self.assertIn(c["status"], ("fail", "crash"), (cid, c))
            self.assertIn("wrote past the end of RmStartSession strSessionKey (33 WCHARs)", c["message"], cid)
            self.assertNotIn("rmconform.exe", c["message"], cid)

    def test_huge_needed_count_is_refused_not_allocated(self):
        p, cases = run_cases("rmv_hugecount", "hugecount",
                             ["detect.registered_process", "moredata.sizing_call", "reboot.detected_self_process",
                              "moredata.churn_retry_loop"])
        for cid, c in cases.items():
            self.assertEqual(c["status"], "fail", (cid, c))
            self.assertIn("RmGetList claims 3000000 entries", c["message"], cid)


class CasesThatMustBeAbleToFail(unittest.TestCase):
    def test_churn_loop_does_not_pass_an_implementation_that_finds_nobody(self):
        # rmt_blind answers every RmGetList at once with nobody: the churn loop used to finish its
        # 25 rounds before the first locker existed and pass on empty lists.
        p, cases = run_cases("rmt_blind", "churn-blind", ["moredata.churn_retry_loop"])
        c = cases["moredata.churn_retry_loop"]
        self.assertNotIn(c["status"], ("pass", "observed"), c)
        self.assertEqual(c["status"], "blocked", c)


class Preconditions(unittest.TestCase):
    """rmref that never detects plain open handles: one fail, in the case that tests it."""

    AREAS = ["detect.*", "moredata.*", "register.*", "filters.*"]

    def test_no_handle_detection_blames_one_case(self):
        p, cases = run_cases("rmv_nohandles", "nohandles", self.AREAS)
        failed = sorted(cid for cid, c in cases.items() if c["status"] in ("fail", "crash", "timeout"))
        self.assertEqual(failed, ["detect.locked_file"], {cid: cases[cid]["message"] for cid in failed})
        self.assertIn("does not list pid", cases["detect.locked_file"]["message"])
        blocked = {cid: c for cid, c in cases.items() if c["status"] == "blocked"}
        # the cases that need a file held open detected: blocked, naming the case that checks it
        must_block = ["detect.shared_open_file", "detect.child_same_file", "detect.list_recomputed",
                      "moredata.sizing_call", "moredata.exact_buffer", "moredata.larger_buffer",
                      "moredata.needed_equals_count", "moredata.smaller_buffer", "moredata.race_new_locker",
                      "register.cumulative_files", "register.cumulative_kinds", "register.duplicates_one_entry",
                      "register.batch_1000_files", "register.mostly_missing_2000"]
        if cases["filters.no_shutdown_by_process"]["status"] != "unsupported":
            must_block += ["filters.no_shutdown_by_process", "filters.latest_wins", "filters.remove_restores_shutdown"]
        for cid in must_block:
            self.assertIn(cid, blocked, (cid, cases[cid]))
            self.assertIn("(see detect.locked_file)", blocked[cid]["message"], cid)
        # what does not depend on handles is still judged
        for cid in ("detect.registered_process", "detect.loaded_module", "detect.running_image"):
            self.assertEqual(cases[cid]["status"], "pass", (cid, cases[cid]))



class PlatformFound(unittest.TestCase):
    @unittest.skipUnless(EMULATOR, "Wine's shell: under Wine only")
    def test_wine_s_shell_is_found(self):
        # Wine runs its shell (explorer.exe /desktop) only while a process of the session uses
        # the desktop. Since the case process loads user32 late (delay-load), the case asks for
        # the desktop window first; without that it said "the platform runs no shell" every time.
        p, cases = run_cases(os.path.join("..", "rmref"), "shell", ["detect.explorer_typed_explorer"], jobs=1)
        c = cases["detect.explorer_typed_explorer"]
        self.assertEqual(c["status"], "pass", c)


if __name__ == "__main__":
    unittest.main()

"""The runner's own tests: rmconform.exe against DLLs that misbehave on purpose.

Environment (set by CTest): RMC_BIN (folder of rmconform.exe), RMC_EMULATOR (the Wine wrapper
when cross-compiling, empty on Windows), RMC_WORK (scratch folder).
"""
import json
import os
import shutil
import signal
import subprocess
import time
import unittest
import xml.etree.ElementTree as ET

from runproc import run_program

BIN = os.environ["RMC_BIN"]
EMULATOR = os.environ.get("RMC_EMULATOR", "")
WORK = os.environ.get("RMC_WORK", os.path.join(BIN, "..", "test-work", "runner"))
RUNNER = os.path.join(BIN, "rmconform.exe")
DLLS = os.path.join(BIN, "testdlls")


def run(*args, timeout=300):
    return run_env(None, *args, timeout=timeout)


# The last run's process, so a test that finds no results says what that run printed (a CI run
# once failed with a bare FileNotFoundError and nothing else to go on).
_last_run = [None]


def run_env(env, *args, timeout=300):
    p = run_program(([EMULATOR] if EMULATOR else []) + [RUNNER] + list(args), timeout, env)
    _last_run[0] = p
    return p


def windows_path(path):
    """The path as the runner sees it: Wine maps Z: to the Unix root."""
    if not EMULATOR:
        return path
    return "Z:" + os.path.abspath(path).replace("/", "\\")


def fresh(name):
    path = os.path.join(WORK, name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def results(out):
    path = os.path.join(out, "results.json")
    if not os.path.exists(path):
        p = _last_run[0]
        raise AssertionError("no results.json in %s%s" % (out, "" if p is None else (
            "; the last run (%s) ended with exit code %s\n--- stdout:\n%s\n--- stderr:\n%s\n--- files there: %s" % (
                " ".join(p.args), p.returncode, p.stdout[-3000:], p.stderr[-3000:],
                sorted(os.listdir(out)) if os.path.isdir(out) else "(no folder)"))))
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def case(res, case_id):
    for c in res["cases"]:
        if c["id"] == case_id:
            return c
    raise AssertionError(f"{case_id} missing from results")


def wine_processes_of(out, within):
    """Under Wine: the pids of the Windows processes whose command line names the folder OUT (a
    run's case processes carry it in --record), waiting up to WITHIN seconds for them to end.
    Elsewhere: [] (no /proc)."""
    if not EMULATOR or not os.path.isdir("/proc"):
        return []
    needle = windows_path(out).encode()
    deadline = time.monotonic() + within
    while True:
        pids = []
        for pid in os.listdir("/proc"):
            try:
                with open("/proc/%s/cmdline" % pid, "rb") as f:
                    if needle in f.read():
                        pids.append(int(pid))
            except (OSError, ValueError):
                continue
        if not pids or time.monotonic() > deadline:
            return pids
        time.sleep(0.5)


def end_wine_processes(pids):
    """Ends what a failed check left behind, so no later test shares the prefix with it."""
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


class Verdicts(unittest.TestCase):
    def test_crash_in_implementation_is_crash_with_code(self):
        out = fresh("crash")
        p = run("--dll", os.path.join(DLLS, "rmt_crash.dll"), "--case", "session.start_returns_key",
                "--case", "exports.documented", "--out", out)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        res = results(out)
        c = case(res, "session.start_returns_key")
        self.assertEqual(c["status"], "crash")
        self.assertIn("EXCEPTION_ACCESS_VIOLATION (0xC0000005)", c["message"])
        self.assertIn("rmt_crash.dll", c["message"])
        self.assertEqual(case(res, "exports.documented")["status"], "pass")
        self.assertEqual(res["summary"]["crash"], 1)
        self.assertEqual(res["implementation"]["name"], "rmt_crash")

    def test_hang_is_timeout_and_run_goes_on(self):
        out = fresh("hang")
        start = time.monotonic()
        p = run("--dll", os.path.join(DLLS, "rmt_hang.dll"), "--case", "session.start_returns_key",
                "--case", "exports.documented", "--timeout", "3", "--out", out)
        self.assertLess(time.monotonic() - start, 60)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        res = results(out)
        c = case(res, "session.start_returns_key")
        self.assertEqual(c["status"], "timeout")
        self.assertIn("no verdict within 3 s", c["message"])
        self.assertEqual(case(res, "exports.documented")["status"], "pass")

    def test_missing_export_fails_only_cases_that_need_it(self):
        out = fresh("partial")
        p = run("--dll", os.path.join(DLLS, "rmt_partial.dll"), "--case", "getlist.empty_session",
                "--case", "session.start_returns_key", "--out", out)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        res = results(out)
        c = case(res, "getlist.empty_session")
        self.assertEqual(c["status"], "fail")
        self.assertEqual(c["message"], "missing export RmGetList")
        self.assertEqual(case(res, "session.start_returns_key")["status"], "pass")

    def test_write_past_buffer_is_reported_as_such(self):
        out = fresh("overflow")
        p = run("--dll", os.path.join(DLLS, "rmt_overflow.dll"), "--case", "session.start_returns_key",
                "--case", "badargs.invalid_handle.RmGetList", "--out", out)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        res = results(out)
        key = case(res, "session.start_returns_key")
        self.assertEqual(key["status"], "fail")
        self.assertIn("wrote past the end of RmStartSession strSessionKey (33 WCHARs) (66 bytes declared)", key["message"])
        reasons = case(res, "badargs.invalid_handle.RmGetList")
        self.assertEqual(reasons["status"], "fail")
        self.assertIn("wrote past the end of RmGetList lpdwRebootReasons (4 bytes declared)", reasons["message"])

    def test_observations_recorded_before_a_failure_are_kept(self):
        out = fresh("observations")
        run("--dll", os.path.join(DLLS, "rmt_partial.dll"), "--case", "session.two_sessions_distinct", "--out", out)
        c = case(results(out), "session.two_sessions_distinct")
        self.assertEqual(c["status"], "pass")
        self.assertEqual(c["observations"]["handle1"], "0x1")
        self.assertEqual(c["observations"]["handle2"], "0x2")


class BadInput(unittest.TestCase):
    def assert_bad_input(self, p, text):
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertIn(text, p.stderr)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
        self.assertNotIn("Traceback", p.stderr)

    def test_dllmain_failure(self):
        self.assert_bad_input(run("--dll", os.path.join(DLLS, "rmt_initfail.dll"), "--out", fresh("initfail")),
                              "its DllMain returned FALSE")

    def test_missing_file(self):
        self.assert_bad_input(run("--dll", os.path.join(WORK, "no-such.dll")), "no such file")

    def test_not_a_pe_file(self):
        path = os.path.join(fresh("notpe"), "text.dll")
        with open(path, "w") as f:
            f.write("this is not a DLL\n" * 20)
        self.assert_bad_input(run("--dll", path), "is not a PE file")

    def test_program_not_dll(self):
        self.assert_bad_input(run("--dll", RUNNER), "is a program, not a DLL")

    def test_other_architecture(self):
        # The same DLL with its COFF machine field set to the other architecture.
        path = os.path.join(fresh("arch"), "other-arch.dll")
        shutil.copy(os.path.join(DLLS, "rmt_partial.dll"), path)
        with open(path, "r+b") as f:
            data = bytearray(f.read())
            pe = int.from_bytes(data[0x3C:0x40], "little")
            machine = int.from_bytes(data[pe + 4:pe + 6], "little")
            other = 0x14C if machine == 0x8664 else 0x8664
            data[pe + 4:pe + 6] = other.to_bytes(2, "little")
            f.seek(0)
            f.write(data)
        self.assert_bad_input(run("--dll", path), "DLL; this rmconform.exe is")

    def test_unknown_case(self):
        self.assert_bad_input(run("--dll", os.path.join(DLLS, "rmt_partial.dll"), "--case", "nosuch.*"),
                              "no case matches 'nosuch.*'")

    def test_unknown_option(self):
        self.assert_bad_input(run("--frobnicate"), "unknown option '--frobnicate'")

    def test_no_implementation(self):
        self.assert_bad_input(run("--case", "exports.*"), "name the implementation")


class Outputs(unittest.TestCase):
    def test_list(self):
        p = run("--list", "--case", "session.*")
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = p.stdout.strip().splitlines()
        self.assertTrue(all(l.startswith("session.") for l in lines[:-1]))
        self.assertRegex(lines[-1], r"^\d+ cases$")

    def test_results_jsonl_json_and_junit_agree(self):
        out = fresh("files")
        p = run("--dll", os.path.join(DLLS, "rmt_partial.dll"), "--case", "exports.*", "--case", "getlist.*",
                "--jobs", "2", "--out", out)
        self.assertEqual(p.returncode, 1)
        with open(os.path.join(out, "results.jsonl"), encoding="utf-8") as f:
            records = [json.loads(line) for line in f]
        self.assertEqual(records[0]["record"], "run")
        self.assertEqual(records[0]["schema"], 2)
        self.assertEqual(records[-1]["record"], "end")
        cases = [r for r in records if r["record"] == "case"]
        self.assertEqual(len(cases), records[0]["selected"])
        res = results(out)
        self.assertTrue(res["complete"])
        self.assertEqual(sorted(c["id"] for c in cases), sorted(c["id"] for c in res["cases"]))
        self.assertEqual(sum(res["summary"].values()), len(res["cases"]))
        for c in res["cases"]:
            self.assertIn(c["status"], ("pass", "fail", "crash", "timeout", "blocked", "observed", "unsupported", "skip"))
            self.assertEqual(c["area"], c["id"].split(".")[0])
        suite = ET.parse(os.path.join(out, "junit.xml")).getroot().find("testsuite")
        self.assertEqual(int(suite.get("tests")), len(res["cases"]))
        self.assertEqual(int(suite.get("failures")), res["summary"]["fail"])
        for cap in ("windows", "services", "restart_registration", "handle_enumeration", "admin"):
            self.assertIn(cap, res["platform"])
        self.assertIn("[", p.stdout)

    def test_os_profile_selects_expectations(self):
        out = fresh("profile")
        run("--dll", os.path.join(DLLS, "rmt_partial.dll"), "--case", "exports.documented", "--os", "vista", "--out", out)
        self.assertEqual(results(out)["os"]["name"], "vista")

    def test_app_restart_cases_need_an_unelevated_runner(self):
        # RmRestart never restarts elevated applications (spec §8.7): on an elevated runner the
        # fixtures are elevated too, so a case expecting a restart must not judge the DLL there.
        out = fresh("unelevated")
        run("--dll", os.path.join(BIN, "rmref.dll"), "--case", "restart.registered_app_restarted", "--out", out)
        res = results(out)
        self.assertIn("unelevated", res["platform"])
        c = case(res, "restart.registered_app_restarted")
        self.assertEqual(c["status"], "unsupported", c)
        if not res["platform"]["unelevated"]["available"]:
            self.assertIn("never restarts elevated applications", c["message"])

    def test_killed_run_keeps_finished_cases(self):
        out = fresh("killed")
        cmd = ([EMULATOR] if EMULATOR else []) + [RUNNER, "--dll", os.path.join(DLLS, "rmt_hang.dll"),
                                                  "--case", "exports.*", "--case", "session.start_returns_key",
                                                  "--timeout", "120", "--out", out]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        jsonl = os.path.join(out, "results.jsonl")
        # The hanging case runs once its record exists: the child writes it first thing, and the
        # runner resumes the child only after putting it in its job. Killing the runner earlier
        # (as soon as the 2 exports records are there, while it is still starting the third case)
        # left a case process suspended outside any job in the prefix for good.
        hang_record = os.path.join(out, "cases", "session.start_returns_key.rec")
        deadline = time.monotonic() + 120
        done = 0
        while time.monotonic() < deadline and (done < 2 or not os.path.exists(hang_record)):
            time.sleep(0.2)
            if os.path.exists(jsonl):
                with open(jsonl, encoding="utf-8") as f:
                    done = sum(1 for line in f if '"record": "case"' in line)
        # The hanging case is still running; kill the whole runner.
        if hasattr(os, "killpg"):
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
        proc.wait(timeout=30)
        left = wine_processes_of(out, within=30)
        end_wine_processes(left)
        self.assertEqual(done, 2, "the 2 exports cases should have finished before the kill")
        self.assertTrue(os.path.exists(hang_record), "the hanging case never ran")
        # Its job (kill on close) ends the case process with the runner.
        self.assertEqual(left, [], "case processes of the killed runner still running 30 s after it")
        self.assertFalse(os.path.exists(os.path.join(out, "results.json")))
        with open(jsonl, encoding="utf-8") as f:
            records = [json.loads(line) for line in f]
        self.assertEqual(records[0]["record"], "run")
        self.assertNotIn("end", [r["record"] for r in records])
        self.assertEqual(sum(1 for r in records if r["record"] == "case"), 2)


class FixturePreflight(unittest.TestCase):
    """A fixture that fails its preflight is the suite's problem: the cases that need it are
    `unsupported` with the reason, the others run, and --selftest reports it as a failure."""

    RMREF = os.path.join(BIN, "rmref.dll")

    def broken_app_env(self):
        # Test-only hook (harness/preflight.h): the preflight checks rmfx-ps.exe in place of
        # rmfx-app.exe; it does not understand --ready-event and exits with 2.
        env = dict(os.environ)
        env["RMC_PREFLIGHT_IMAGE_OVERRIDE"] = "rmfx-app.exe=" + windows_path(os.path.join(BIN, "rmfx-ps.exe"))
        env["WINEDEBUG"] = "-all"
        return env

    def test_broken_fixture_makes_its_cases_unsupported(self):
        out = fresh("preflight")
        p = run_env(self.broken_app_env(), "--dll", self.RMREF, "--case", "detect.locked_file",
                    "--case", "detect.type_console", "--case", "session.two_sessions_distinct", "--out", out)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("rmfx-app.exe failed", p.stderr)
        res = results(out)
        locked = case(res, "detect.locked_file")
        self.assertEqual(locked["status"], "unsupported", locked["message"])
        self.assertIn("the rmfx-app fixture failed its preflight: exited with code 2", locked["message"])
        # rmfx-con passed its preflight, and a case with no fixture is not affected.
        self.assertEqual(case(res, "detect.type_console")["status"], "pass")
        self.assertEqual(case(res, "session.two_sessions_distinct")["status"], "pass")
        fixtures = res["platform"]["fixtures"]
        self.assertFalse(fixtures["rmfx-app.exe"]["ok"])
        self.assertTrue(fixtures["rmfx-con.exe"]["ok"])
        self.assertIn("ms", fixtures)

    def test_clean_run_records_every_fixture_ok(self):
        out = fresh("preflight-ok")
        p = run("--dll", self.RMREF, "--case", "session.two_sessions_distinct", "--out", out)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        fixtures = results(out)["platform"]["fixtures"]
        for image in ("rmfx-app.exe", "rmfx-con.exe", "rmfx-secondary.exe", "rmfx-ps.exe", "rmfx-module.dll"):
            self.assertTrue(fixtures[image]["ok"], (image, fixtures[image]))

    def test_selftest_fails_on_a_broken_fixture(self):
        p = run_env(self.broken_app_env(), "--selftest", "--case", "selftest.app_in_job")
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("fixture(s) failed the preflight", p.stdout)

    def test_selftest_is_no_conformance_case(self):
        self.assert_no_case(run("--list", "--case", "selftest.*"))
        self.assert_no_case(run("--list", "--case", "fixtures.*"))
        self.assert_no_case(run("--list", "--case", "meta.*"))

    def assert_no_case(self, p):
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertIn("no case matches", p.stderr)


class WineBuiltin(unittest.TestCase):
    """The platform's own DLL gets a verdict for every case and the run ends normally."""

    def test_every_case_gets_a_verdict(self):
        out = fresh("system")
        p = run("--system", "--jobs", "2", "--out", out, "--case", "exports.*", "--case", "session.*",
                "--case", "join.*", "--case", "getlist.*", "--case", "badargs.*", "--case", "restart.*",
                timeout=600)
        self.assertIn(p.returncode, (0, 1), p.stderr)
        res = results(out)
        self.assertTrue(res["complete"])
        listed = run("--list", "--case", "exports.*", "--case", "session.*", "--case", "join.*", "--case", "getlist.*",
                     "--case", "badargs.*", "--case", "restart.*")
        self.assertEqual(len(res["cases"]), len(listed.stdout.strip().splitlines()) - 1)
        if res["os"]["wine"]:
            # Wine 8's rstrtmgr leaves RmJoinSession unimplemented: a crash with the exception code.
            join = case(res, "join.unknown_key_credential_conflict")
            self.assertEqual(join["status"], "crash")
            self.assertIn("0x80000100", join["message"])
            self.assertIn("RmJoinSession", join["message"])


if __name__ == "__main__":
    unittest.main()

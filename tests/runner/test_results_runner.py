"""The results contract against DLLs that misbehave at exit, print too much, or have names and
strings that are not plain ASCII; deep output folders; stale files of an earlier run; output
folders of two DLLs with one name (issues 11 and 15).

Environment as test_runner.py (RMC_BIN, RMC_EMULATOR, RMC_WORK)."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import unittest
import xml.etree.ElementTree as ET

from test_runner import DLLS, EMULATOR, RUNNER, WORK, case, fresh, results, run

REPORTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "reports")
REF = os.path.join(os.path.dirname(DLLS), "rmref.dll")


def no_lone_surrogates(value, where):
    """Every string in a parsed JSON value encodes as UTF-8 (json.loads lets "\\ud800" through)."""
    if isinstance(value, str):
        value.encode("utf-8")
    elif isinstance(value, list):
        for v in value:
            no_lone_surrogates(v, where)
    elif isinstance(value, dict):
        for k, v in value.items():
            no_lone_surrogates(k, where)
            no_lone_surrogates(v, where)


def statuses(out):
    return dict((c["id"], c["status"]) for c in results(out)["cases"])


class AfterTheVerdict(unittest.TestCase):
    def test_crash_in_detach_after_a_pass_is_crash(self):
        out = fresh("detach-crash")
        p = run("--dll", os.path.join(DLLS, "rmt_detach_crash.dll"), "--case", "session.end_returns_success",
                "--out", out)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        c = case(results(out), "session.end_returns_success")
        self.assertEqual(c["status"], "crash", c)
        self.assertIn("passed its checks, then EXCEPTION_ACCESS_VIOLATION (0xC0000005) while unloading the "
                      "implementation", c["message"])
        self.assertIn("rmt_detach_crash.dll+0x", c["message"])
        # The load probe met the same crash at its own exit: a warning, not a refusal.
        self.assertIn("warning: the load probe loaded", p.stderr)

    def test_hang_in_detach_after_a_pass_says_so(self):
        out = fresh("detach-hang")
        start = time.monotonic()
        p = run("--dll", os.path.join(DLLS, "rmt_detach_hang.dll"), "--case", "session.end_returns_success",
                "--timeout", "3", "--out", out)
        self.assertLess(time.monotonic() - start, 60, "the load probe must not wait a minute for the unload")
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        c = case(results(out), "session.end_returns_success")
        self.assertEqual(c["status"], "timeout", c)
        self.assertIn("passed its checks and then hung while unloading the implementation", c["message"])
        self.assertIn("then hung while unloading it", p.stderr)


class Encodings(unittest.TestCase):
    def test_non_ascii_dll_name_and_lone_surrogates_give_valid_files(self):
        out = fresh("unicode")
        folder = fresh("unicode-dll")
        dll = os.path.join(folder, "rmt_\u00fcn\u00efcode.dll")
        shutil.copy(os.path.join(DLLS, "rmt_surrogate.dll"), dll)
        p = run("--dll", dll, "--case", "detect.app_name_filled", "--case", "session.end_returns_success", "--out", out)
        self.assertIn(p.returncode, (0, 1), p.stdout + p.stderr)
        for name in ("results.json", "results.jsonl", "junit.xml"):
            with open(os.path.join(out, name), "rb") as f:
                raw = f.read()
            raw.decode("utf-8")    # strict: raises on any invalid byte
            if name == "results.json":
                no_lone_surrogates(json.loads(raw), name)
            elif name == "results.jsonl":
                lines = raw.decode("utf-8").splitlines()
                # One record per line for every line-oriented reader (splitlines also breaks at
                # NEL and U+2028): a returned name must not split a record.
                self.assertEqual(len(lines), raw.count(b"\n"), lines)
                for line in lines:
                    no_lone_surrogates(json.loads(line), name)
            else:
                ET.fromstring(raw)
        res = results(out)
        self.assertEqual(res["implementation"]["name"], "rmt_\u00fcn\u00efcode")
        self.assertTrue(res["implementation"]["path"].endswith("rmt_\u00fcn\u00efcode.dll"), res["implementation"])
        name = case(res, "detect.app_name_filled")["observations"]["strAppName"]
        # Lone surrogates become U+FFFD; the C1 control is escaped; the valid pair is the emoji.
        self.assertEqual(name, "bad\ufffd-\x85-\ufffd\U0001F600")
        html = fresh("unicode-html")
        env = dict(os.environ, PYTHONPATH=REPORTS, PYTHONIOENCODING="utf-8")
        r = subprocess.run([sys.executable, "-m", "rmreport", "html", out, "-o", html], env=env,
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_case_log_is_capped_with_head_and_tail(self):
        out = fresh("chatty")
        p = run("--dll", os.path.join(DLLS, "rmt_chatty.dll"), "--case", "session.end_returns_success", "--out", out)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(case(results(out), "session.end_returns_success")["status"], "pass")
        log = os.path.join(out, "cases", "session.end_returns_success.log")
        self.assertLess(os.path.getsize(log), 600 * 1024)
        with open(log, "rb") as f:
            text = f.read().decode("utf-8", "replace")
        self.assertIn("rmt_chatty line 000000", text)          # the head
        self.assertIn("rmt_chatty: the last line", text)       # the tail
        self.assertRegex(text, r"\[rmconform: \d+ bytes cut here: the case process wrote \d+ bytes")


class Paths(unittest.TestCase):
    def test_deep_output_folder_gives_the_same_verdicts(self):
        short = fresh("p")
        deep = fresh("deep")
        while len(deep) < 230:
            deep = os.path.join(deep, "d" * min(40, max(1, 230 - len(deep) - 1)))
        os.makedirs(deep, exist_ok=True)
        args = ["--dll", REF, "--case", "session.*", "--case", "detect.locked_file", "--jobs", "2"]
        a = run(*(args + ["--out", short]))
        b = run(*(args + ["--out", deep]))
        self.assertEqual(a.returncode, 0, a.stdout + a.stderr)
        self.assertEqual(b.returncode, 0, b.stdout + b.stderr)
        self.assertEqual(statuses(deep), statuses(short))
        self.assertNotIn("crash", statuses(deep).values())

    def test_output_folder_too_long_is_refused_in_one_line(self):
        p = run("--dll", REF, "--case", "session.end_returns_success", "--out", "C:\\" + "x" * 1500)
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
        self.assertIn("characters long", p.stderr)

    def test_dll_path_over_max_path_is_named_not_missing(self):
        p = run("--dll", "C:\\" + "\\".join(["y" * 50] * 6) + "\\rmx.dll", "--out", fresh("longdll"))
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
        self.assertNotIn("no such file: \n", p.stderr + "\n")
        self.assertIn("characters long", p.stderr)
        self.assertIn("yyyy", p.stderr)

    def test_two_dlls_with_one_name_keep_their_own_folders(self):
        root = fresh("outroot")
        paths = []
        for sub in ("a", "b"):
            folder = fresh(os.path.join("outroot-dlls", sub))
            paths.append(os.path.join(folder, "rmx.dll"))
            shutil.copy(os.path.join(DLLS, "rmt_partial.dll"), paths[-1])
        for dll in paths + paths[:1]:
            p = run("--dll", dll, "--case", "session.end_returns_success", "--out-root", root)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        folders = sorted(os.listdir(root))
        self.assertEqual(len(folders), 2, folders)
        held = sorted(results(os.path.join(root, f))["implementation"]["path"].lower() for f in folders)
        self.assertEqual(len(set(held)), 2, held)
        self.assertTrue(all(f.startswith("rmx-") for f in folders), folders)


class StaleFiles(unittest.TestCase):
    def test_killed_run_leaves_no_results_of_the_run_before(self):
        out = fresh("stale")
        p = run("--dll", os.path.join(DLLS, "rmt_partial.dll"), "--case", "session.end_returns_success",
                "--case", "session.two_sessions_distinct", "--out", out)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        for name in ("results.json", "junit.xml", "cases/session.two_sessions_distinct.log",
                     "cases/session.two_sessions_distinct.rec"):
            self.assertTrue(os.path.exists(os.path.join(out, name)), name)
        cmd = ([EMULATOR] if EMULATOR else []) + [RUNNER, "--dll", os.path.join(DLLS, "rmt_hang.dll"),
                                                  "--case", "session.start_returns_key", "--timeout", "120",
                                                  "--out", out]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        jsonl = os.path.join(out, "results.jsonl")
        deadline = time.monotonic() + 60
        started = False
        while time.monotonic() < deadline and not started:
            time.sleep(0.5)
            if os.path.exists(jsonl):
                with open(jsonl, encoding="utf-8") as f:
                    started = '"rmt_hang"' in f.read()
        time.sleep(2)
        if hasattr(os, "killpg"):
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
        proc.wait(timeout=30)
        self.assertTrue(started, "the second run did not start")
        self.assertFalse(os.path.exists(os.path.join(out, "results.json")), "the earlier run's results.json is left")
        self.assertFalse(os.path.exists(os.path.join(out, "junit.xml")), "the earlier run's junit.xml is left")
        self.assertFalse(os.path.exists(os.path.join(out, "cases", "session.two_sessions_distinct.log")))
        self.assertFalse(os.path.exists(os.path.join(out, "cases", "session.two_sessions_distinct.rec")))

    def test_results_file_that_cannot_be_written_is_exit_2_naming_it(self):
        out = fresh("unwritable")
        os.makedirs(os.path.join(out, "results.json", "in-the-way"))
        p = run("--dll", os.path.join(DLLS, "rmt_partial.dll"), "--case", "session.end_returns_success", "--out", out)
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
        self.assertIn("results.json", p.stderr)


if __name__ == "__main__":
    unittest.main()

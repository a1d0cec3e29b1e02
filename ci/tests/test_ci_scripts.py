"""The ci/*.sh scripts run here as they run in CI: on result files laid out like downloaded
artifacts, and (for the Windows ones) with a stand-in for rmconform.exe."""

import os
import shutil
import stat
import subprocess
import tempfile
import unittest

CI = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(CI)
DATA = os.path.join(ROOT, "reports", "tests", "data")

# Records its arguments, one per line, then exits with FAKE_RC_SYSTEM or FAKE_RC_DLL.
FAKE_RUNNER = """#!/usr/bin/env bash
printf '%s\\n' "$@" >>"$FAKE_LOG"
echo "--" >>"$FAKE_LOG"
case " $* " in *" --system "*) exit "${FAKE_RC_SYSTEM:-0}";; *) exit "${FAKE_RC_DLL:-0}";; esac
"""


def place(root, artifact, run, source, name="results.json"):
    folder = os.path.join(root, artifact, run)
    os.makedirs(folder, exist_ok=True)
    shutil.copy(os.path.join(DATA, source), os.path.join(folder, name))


class Base(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="rmc-ci-test-")
        self.addCleanup(shutil.rmtree, self.tmp)

    def sh(self, script, *args, **env):
        full = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        full.pop("GITHUB_STEP_SUMMARY", None)
        full.update(env)
        return subprocess.run(["bash", os.path.join(CI, script)] + list(args), env=full, cwd=self.tmp,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)

    def artifacts(self):
        """Two runners' artifacts: Windows (native + rmref with a regression), Linux (Wine)."""
        root = os.path.join(self.tmp, "artifacts")
        place(root, "rmconform-windows-2022-x64", "system-win10-x64", "baseline-win10-x64.json")
        place(root, "rmconform-windows-2022-x64", "rmref-win10-x64", "rmref-win10-x64.json")
        place(root, "rmconform-linux-wine", "system-win10-x64", "system-win10-x64.json")
        place(root, "rmconform-linux-wine", "system-win7-x64", "system-win7-x64.truncated.jsonl", "results.jsonl")
        place(root, "rmconform-linux-wine", "rmref-win10-x64", "rmref-win10-x64.jsonl", "results.jsonl")
        return root


class MergeReports(Base):
    def test_merge_and_diff_against_native(self):
        summary = os.path.join(self.tmp, "step-summary.md")
        out = os.path.join(self.tmp, "report")
        r = self.sh("merge-reports.sh", self.artifacts(), out, GITHUB_STEP_SUMMARY=summary)
        self.assertEqual(r.returncode, 1, r.stderr.decode())     # rmref regresses against native
        self.assertIn(b"regress against the native DLL", r.stderr)
        self.assertIn(b"5 run(s)", r.stdout)
        with open(os.path.join(out, "index.html"), encoding="utf-8") as f:
            page = f.read()
        self.assertEqual(page.count("data-cell="), 14 * 5)
        with open(os.path.join(out, "summary.md"), encoding="utf-8") as f:
            md = f.read()
        self.assertIn("### Against the native rstrtmgr.dll of the same runner", md)
        # Only the Windows runner has a native run: one diff, rmref against it.
        self.assertEqual(md.count("rmref-win10-x64 (wine): 1 regression</summary>"), 1)
        self.assertIn("register.zero_resources: pass -> fail", md)
        self.assertIn("1 regression", md)
        with open(summary, encoding="utf-8") as f:
            self.assertEqual(f.read(), md)
        with open(os.path.join(out, "diffs.txt"), encoding="utf-8") as f:
            self.assertEqual(f.read().count("baseline: "), 1)

    def test_python_with_crlf_output(self):
        # Windows' Python ends its lines with CRLF; the scripts must not count on MSYS2 dropping
        # the CRs (a path ending in CR names no file).
        crlf_python = os.path.join(self.tmp, "crlf-python")
        with open(crlf_python, "w", encoding="utf-8") as f:
            f.write("#!/usr/bin/env bash\nset -o pipefail\npython3 \"$@\" | sed 's/$/\\r/'\n")
        os.chmod(crlf_python, 0o755)
        out = os.path.join(self.tmp, "report")
        r = self.sh("merge-reports.sh", self.artifacts(), out, PYTHON=crlf_python, RMC_FAIL_ON_REGRESSION="0")
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        self.assertIn(b"5 run(s)", r.stdout)
        with open(os.path.join(out, "summary.md"), "rb") as f:
            md = f.read()
        self.assertNotIn(b"\r", md)
        self.assertIn(b"rmref-win10-x64 (wine): 1 regression</summary>", md)
        root = self.artifacts()
        r = self.sh("record-baselines.sh", root, os.path.join(self.tmp, "b"), PYTHON=crlf_python)
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        self.assertEqual(os.listdir(os.path.join(self.tmp, "b")), ["win10-20348-x64.json"])

    def test_regressions_can_be_reported_without_failing(self):
        r = self.sh("merge-reports.sh", self.artifacts(), os.path.join(self.tmp, "r"), RMC_FAIL_ON_REGRESSION="0")
        self.assertEqual(r.returncode, 0, r.stderr.decode())

    def test_no_native_run_no_diff(self):
        root = os.path.join(self.tmp, "a")
        place(root, "rmconform-linux-wine", "rmref-win10-x64", "rmref-win10-x64.json")
        r = self.sh("merge-reports.sh", root, os.path.join(self.tmp, "r"))
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        with open(os.path.join(self.tmp, "r", "summary.md"), encoding="utf-8") as f:
            self.assertNotIn("Against the native", f.read())

    def test_nothing_to_merge_and_bad_files(self):
        os.makedirs(os.path.join(self.tmp, "empty"))
        r = self.sh("merge-reports.sh", os.path.join(self.tmp, "empty"), os.path.join(self.tmp, "r"))
        self.assertEqual(r.returncode, 2)
        root = os.path.join(self.tmp, "bad")
        place(root, "x", "rmref-win10-x64", "unknown-schema.json")
        r = self.sh("merge-reports.sh", root, os.path.join(self.tmp, "r"))
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"unknown results schema 3", r.stderr)
        self.assertNotIn(b"Traceback", r.stderr)


class RecordBaselines(Base):
    def test_native_runs_named_os_build_arch_with_machine_facts(self):
        root = self.artifacts()
        place(root, "rmconform-windows-2025-x64", "system-win10-x64", "baseline-win10-x64.json")
        machine = os.path.join(root, "rmconform-windows-2022-x64", "machine.json")
        with open(machine, "w", encoding="utf-8") as f:
            f.write('{"record": "machine", "build": 20348, "bundle_arch": "x64"}\r\n')
        out = os.path.join(self.tmp, "baselines")
        r = self.sh("record-baselines.sh", root, out)
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        # Wine runs are not baselines; the second image of the same build is kept apart.
        self.assertEqual(sorted(os.listdir(out)), ["win10-20348-x64-2.json", "win10-20348-x64.json",
                                                   "win10-20348-x64.machine.json"])
        self.assertIn(b"two native runs are win10-20348-x64.json", r.stderr)
        self.assertIn(b"win10-20348-x64-2.json has no machine facts", r.stderr)
        with open(os.path.join(out, "win10-20348-x64.json"), "rb") as a, \
                open(os.path.join(DATA, "baseline-win10-x64.json"), "rb") as b:
            self.assertEqual(a.read(), b.read())
        with open(os.path.join(out, "win10-20348-x64.machine.json"), "rb") as a, open(machine, "rb") as b:
            self.assertEqual(a.read(), b.read())

    def test_no_native_run(self):
        root = os.path.join(self.tmp, "a")
        place(root, "rmconform-linux-wine", "system-win10-x64", "system-win10-x64.json")
        r = self.sh("record-baselines.sh", root, os.path.join(self.tmp, "b"))
        self.assertEqual(r.returncode, 2)


class WindowsConform(Base):
    def setUp(self):
        super().setUp()
        self.runner = os.path.join(self.tmp, "rmconform.exe")
        with open(self.runner, "w", encoding="utf-8") as f:
            f.write(FAKE_RUNNER)
        os.chmod(self.runner, os.stat(self.runner).st_mode | stat.S_IXUSR)
        self.log = os.path.join(self.tmp, "calls.log")
        self.dll = os.path.join(self.tmp, "myrm.dll")
        open(self.dll, "w").close()
        open(os.path.join(self.tmp, "session.glob_bait"), "w").close()   # "session.*" must not expand

    def calls(self):
        if not os.path.exists(self.log):
            return []
        with open(self.log, encoding="utf-8") as f:
            return [c.strip("\n").split("\n") for c in f.read().split("--\n") if c.strip()]

    def conform(self, *args, **env):
        return self.sh("windows-conform.sh", *args, RMC_RUNNER=self.runner, FAKE_LOG=self.log, **env)

    def test_native_then_each_dll(self):
        r = self.conform("out", self.dll, RMC_RUNNER_ARGS="--case session.* --timeout 60")
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        calls = self.calls()
        self.assertEqual(calls[0], ["--system", "--out-root", "out", "--case", "session.*", "--timeout", "60"])
        self.assertEqual(calls[1], ["--dll", self.dll, "--out-root", "out", "--case", "session.*", "--timeout", "60"])

    def test_default_dll_is_the_built_rmref(self):
        open(os.path.join(self.tmp, "rmref.dll"), "w").close()
        self.assertEqual(self.conform("out").returncode, 0)
        self.assertEqual(self.calls()[1][:2], ["--dll", os.path.join(self.tmp, "rmref.dll")])

    def test_exit_codes(self):
        self.assertEqual(self.conform("out", self.dll, FAKE_RC_SYSTEM="1").returncode, 0)   # native failures are data
        self.assertEqual(self.conform("out", self.dll, FAKE_RC_DLL="1").returncode, 1)
        self.assertEqual(self.conform("out", self.dll, FAKE_RC_DLL="1", RMC_FAIL_ON_CASES="0").returncode, 0)
        self.assertEqual(self.conform("out", self.dll, FAKE_RC_SYSTEM="2").returncode, 2)
        self.assertEqual(self.conform("out", os.path.join(self.tmp, "missing.dll")).returncode, 2)
        r = self.sh("windows-conform.sh", "out", RMC_RUNNER=os.path.join(self.tmp, "nope.exe"))
        self.assertEqual(r.returncode, 2)

    def test_run_limit(self):
        # A runner that never ends is stopped at the limit and the run counts as broken.
        with open(self.runner, "w", encoding="utf-8") as f:
            f.write("#!/usr/bin/env bash\nexec sleep 60\n")
        r = self.conform("out", self.dll, RMC_RUN_LIMIT="1")
        self.assertEqual(r.returncode, 2, r.stderr.decode())
        self.assertIn(b"stopped after the run limit of 1 s", r.stderr)

    def test_a_run_without_its_end_record_fails_whatever_the_exit_code(self):
        run = os.path.join(self.tmp, "out", "rmref-win10-x64")
        os.makedirs(run)
        shutil.copy(os.path.join(DATA, "system-win7-x64.truncated.jsonl"), os.path.join(run, "results.jsonl"))
        r = self.conform("out", self.dll)                     # the stand-in exits 0 for both runs
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"incomplete run (no end record)", r.stderr)
        shutil.copy(os.path.join(DATA, "rmref-win10-x64.jsonl"), os.path.join(run, "results.jsonl"))
        self.assertEqual(self.conform("out", self.dll).returncode, 0)


if __name__ == "__main__":
    unittest.main()

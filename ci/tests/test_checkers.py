"""The checkers themselves can fail: ci/lint_workflows.py reports what actionlint finds and drops
only the runner labels .github/actionlint.yaml lists; ci/check-self-contained.sh refuses a
binary that imports a toolchain DLL; ci/lint-shell.sh covers every shell script."""

import glob
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

CI = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(CI)
sys.path.insert(0, CI)

import lint_workflows  # noqa: E402

BAD_WORKFLOW = """on: push
jobs:
  a:
    runs-on: windows-2030
    steps:
      - run: echo ${{ no_such_context.x }}
  b:
    runs-on: windows-2025
    needs: [nope]
    steps:
      - uses: actions/checkout@v4
  c:
    runs-on: ubuntu-latest
    steps:
      - run: cd $WORK_DIR && ls
"""

# Prints what `objdump -p` prints for the imports of a file named in FAKE_IMPORTS_<basename>.
FAKE_OBJDUMP = """#!/usr/bin/env bash
f=$(basename "$2"); v=FAKE_IMPORTS_${f//[^A-Za-z0-9]/_}
for dll in ${!v}; do printf '\\tDLL Name: %s\\n' "$dll"; done
"""


class Checkers(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="rmc-checkers-")
        self.addCleanup(shutil.rmtree, self.tmp)

    def test_actionlint_findings_and_config(self):
        path = os.path.join(self.tmp, "bad.yml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(BAD_WORKFLOW)
        raw = lint_workflows.raw_findings([path])
        found = lint_workflows.without_configured(raw, lint_workflows.config_labels())
        messages = "\n".join(f["message"] for f in found)
        self.assertIn('label "windows-2030" is unknown', messages)
        self.assertNotIn("windows-2025", messages)                 # listed in .github/actionlint.yaml
        self.assertIn('undefined variable "no_such_context"', messages)
        self.assertIn('"nope"', messages)                          # needs a job that does not exist
        # Without the config the newer image is unknown too: the config is what accepts it.
        self.assertIn("windows-2025", "\n".join(f["message"] for f in raw))
        r = subprocess.run([sys.executable, os.path.join(CI, "lint_workflows.py"), path],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertEqual(r.returncode, 1)
        self.assertIn(b"4 finding(s)", r.stdout)             # and shellcheck on job c's bash script
        self.assertIn(b"job c step 1", r.stdout)
        self.assertIn(b"SC2086", r.stdout)

    def test_self_contained_refuses_toolchain_dlls(self):
        objdump = os.path.join(self.tmp, "objdump")
        with open(objdump, "w", encoding="utf-8") as f:
            f.write(FAKE_OBJDUMP)
        os.chmod(objdump, 0o755)
        bin_dir = os.path.join(self.tmp, "bin")
        os.makedirs(os.path.join(bin_dir, "testdlls"))
        for name in ("rmconform.exe", "rmref.dll", os.path.join("testdlls", "rmt_crash.dll")):
            open(os.path.join(bin_dir, name), "wb").close()
        env = dict(os.environ, OBJDUMP=objdump, FAKE_IMPORTS_rmconform_exe="KERNEL32.dll msvcrt.dll ADVAPI32.dll",
                   FAKE_IMPORTS_rmref_dll="KERNEL32.dll VERSION.dll", FAKE_IMPORTS_rmt_crash_dll="KERNEL32.dll")
        script = os.path.join(CI, "check-self-contained.sh")
        r = subprocess.run(["bash", script, bin_dir], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        self.assertIn(b"3 binaries", r.stdout)
        for bad in ("libwinpthread-1.dll", "libgcc_s_dw2-1.dll", "libcmocka.dll", "cmocka.dll"):
            with self.subTest(bad=bad):
                env["FAKE_IMPORTS_rmt_crash_dll"] = "KERNEL32.dll " + bad
                r = subprocess.run(["bash", script, bin_dir], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                self.assertEqual(r.returncode, 1)
                self.assertIn(("imports %s" % bad).encode(), r.stderr)

    def test_lint_shell_covers_every_script(self):
        with open(os.path.join(CI, "lint-shell.sh"), encoding="utf-8") as f:
            text = f.read()
        listed = [line for line in text.splitlines() if line.startswith("files=(")][0]
        patterns = listed[len("files=("):-1].split()
        covered = set()
        for p in patterns:
            covered.update(os.path.relpath(x, ROOT) for x in glob.glob(os.path.join(ROOT, p)))
        shells = set()
        for folder, dirs, files in os.walk(ROOT):
            # build outputs, and dot folders (.git; .ci belongs to the machinery that runs CI, not this project)
            dirs[:] = [d for d in dirs if not d.startswith((".", "build")) and d != "node_modules"]
            for name in files:
                path = os.path.join(folder, name)
                rel = os.path.relpath(path, ROOT)
                if name.endswith(".in"):
                    continue                 # templates configured by CMake (wine-run.sh.in)
                with open(path, "rb") as f:
                    first = f.readline()
                if name.endswith(".sh") or first.startswith((b"#!/bin/sh", b"#!/usr/bin/env bash", b"#!/bin/bash")):
                    shells.add(rel)
        self.assertEqual(sorted(shells - covered), [], "shell scripts shellcheck does not see")


if __name__ == "__main__":
    unittest.main()

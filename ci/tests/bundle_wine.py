"""The Windows bundles of ./rmc dist, made from this build and used as a Windows user would:
the win64 zip unpacked into a folder whose path has a blank, `wine cmd /c run-native.cmd` in a
fresh Wine prefix, then both result sets, the baseline file, the machine file and report.html
(in headless Chromium: one cell per case and run) checked. The win32 zip cannot run here (this
Wine is 64-bit only), so its content is checked: every binary an i386 PE file.

Registered in CTest as dist.bundle (ci/CMakeLists.txt). Environment: RMC_BIN_X64, RMC_BIN_X86
(the builds' bin folders), RMC_WORK (a scratch folder), RMC_BUNDLE_CASES (case globs for the
runs, blank-separated: a few cases keep the test cheap).
"""

import json
import os
import shutil
import subprocess
import sys
import unittest
import zipfile

CI = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(CI)
sys.path.insert(0, os.path.join(ROOT, "dist"))
sys.path.insert(0, os.path.join(ROOT, "reports"))
sys.path.insert(0, CI)

import make_dist  # noqa: E402
import validate_baseline  # noqa: E402
from tests.chromium_check import Dom, console_lines, dump_dom, find_chromium  # noqa: E402

CASES = os.environ.get("RMC_BUNDLE_CASES", "session.start_returns_key session.end_twice_invalid_handle").split()
WORK = os.environ.get("RMC_WORK") or os.path.join(ROOT, "build", "x64", "test-work", "dist")
BIN = {"x64": os.environ.get("RMC_BIN_X64", os.path.join(ROOT, "build", "x64", "bin")),
       "x86": os.environ.get("RMC_BIN_X86", os.path.join(ROOT, "build", "x86", "bin"))}
WINE_ENV = os.path.join(ROOT, "cmake", "wine-env.sh")


def sh_quote(s):
    return "'" + s.replace("'", "'\\''") + "'"


class Bundles(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.version = validate_baseline.project_version()
        shutil.rmtree(WORK, ignore_errors=True)
        os.makedirs(WORK)
        cls.zips = {}
        for arch in ("x64", "x86"):
            if not os.path.isfile(os.path.join(BIN[arch], "rmconform.exe")):
                raise AssertionError("no %s build in %s (./rmc test builds both)" % (arch, BIN[arch]))
            cls.zips[arch] = make_dist.make(cls.version, arch, BIN[arch], os.path.join(WORK, "zips"))

    def test_zip_contents(self):
        for arch, winname in (("x64", "win64"), ("x86", "win32")):
            with self.subTest(arch=arch):
                path = self.zips[arch]
                self.assertEqual(os.path.basename(path), "rmconform-%s-%s.zip" % (self.version, winname))
                with zipfile.ZipFile(path) as zf:
                    names = zf.namelist()
                    folder = "rmconform-%s-%s/" % (self.version, winname)
                    self.assertTrue(all(n.startswith(folder) for n in names), names)
                    short = sorted(n[len(folder):] for n in names)
                    for need in ("rmconform.exe", "rmref.dll", "rmfx-app.exe", "rmfx-svc.exe", "run-native.cmd",
                                 "viewer.html", "README.txt", "bundle.cmd"):
                        self.assertIn(need, short)
                    # Nothing that needs a toolchain or Python on the target, no test DLL, no bench.
                    self.assertEqual([n for n in short if n.endswith((".py", ".sh", ".a", ".h"))], [])
                    self.assertEqual([n for n in short if n.startswith(("rmt_", "rmbench")) or "unit" in n], [])
                    # The only subfolder: the clients area's programs, which its cases start.
                    self.assertEqual(sorted({n.split("/")[0] for n in short if "/" in n}), ["clients"])
                    self.assertIn("clients/who-is-locking.exe", short)
                    for n in short:
                        data = zf.read(folder + n)
                        if n.endswith((".exe", ".dll")):
                            machine = int.from_bytes(data[data.index(b"PE\0\0") + 4:][:2], "little")
                            self.assertEqual(machine, make_dist.PE_MACHINE[arch], n)
                        elif n.endswith((".cmd", ".txt")):
                            self.assertNotIn(b"\n", data.replace(b"\r\n", b""), n + " has a bare LF")
                    self.assertIn(b'RMC_BUNDLE_ARCH=%s"' % arch.encode(), zf.read(folder + "bundle.cmd"))

    def unpacked(self):
        """The win64 bundle unpacked (once) into a folder whose path has a blank."""
        unpacked = os.path.join(WORK, "unpacked here")        # as in "My Downloads"
        bundle = os.path.join(unpacked, "rmconform-%s-win64" % self.version)
        if not os.path.isdir(bundle):
            with zipfile.ZipFile(self.zips["x64"]) as zf:
                zf.extractall(unpacked)
        return bundle

    def run_native(self, args, out=None):
        """`wine cmd /c run-native.cmd ARGS` in the bundle, in a prefix of this test (fresh: WORK
        was emptied above); returns (exit code, output)."""
        prefix = os.path.join(WORK, "prefix")
        env = ("RMC_OUT=%s " % sh_quote(out)) if out else ""
        script = ". %s; rmc_wine_prefix_init %s; rmc_wine_env %s; rmc_wine_server_start; " \
                 "cd %s && %swine cmd /c run-native.cmd %s; rc=$?; wineserver -k; exit $rc" % (
                     sh_quote(WINE_ENV), sh_quote(prefix), sh_quote(prefix), sh_quote(self.unpacked()), env, args)
        r = subprocess.run(["sh", "-c", script], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL, timeout=900)
        return r.returncode, r.stdout.decode("utf-8", "replace")

    def test_run_native_says_when_a_run_did_not_complete(self):
        # The runner refuses the arguments: neither run completes, no baseline, exit 2.
        rc, out = self.run_native("--jobs 0")
        self.assertEqual(rc, 2, out[-4000:])
        self.assertIn("native:   INCOMPLETE", out)
        self.assertIn("the native run did not complete", out)
        self.assertNotIn("baseline:", out)

    def test_run_native_under_wine(self):
        bundle = self.unpacked()
        rc, out = self.run_native(" ".join("--case %s" % c for c in CASES))
        self.assertEqual(rc, 0, out[-4000:])
        for line in ("[1/2] the suite against this machine's rstrtmgr.dll",
                     "[2/2] the suite against the reference implementation rmref.dll",
                     "==== summary ====", "native:   complete", "rmref:   complete"):
            self.assertIn(line, out)
        contribute = os.path.join(bundle, "contribute")

        runs = {}
        for name, impl in (("native", "system"), ("rmref", "rmref")):
            with open(os.path.join(contribute, name, "results.json"), encoding="utf-8") as f:
                runs[name] = json.load(f)
            self.assertEqual(runs[name]["implementation"]["name"], impl)
            self.assertIs(runs[name]["complete"], True)
            self.assertEqual(sorted(c["id"] for c in runs[name]["cases"]), sorted(CASES))
        native = runs["native"]
        base = "%s-%s-x64" % (native["os"]["name"], native["os"]["build"])
        with open(os.path.join(contribute, base + ".json"), "rb") as a, \
                open(os.path.join(contribute, "native", "results.json"), "rb") as b:
            self.assertEqual(a.read(), b.read(), "the baseline file is the native results.json, unedited")
        with open(os.path.join(contribute, base + ".machine.json"), encoding="utf-8") as f:
            machine = json.load(f)
        self.assertEqual(machine["build"], native["os"]["build"])
        self.assertEqual(machine["bundle_arch"], "x64")
        self.assertEqual(machine["bundle_version"], self.version)
        self.assertEqual(machine["architecture"], "AMD64")
        self.assertIn(machine["elevated"], (True, False))

        # The validator accepts everything but the one thing a Wine run cannot be: native Windows.
        case_list = os.path.join(WORK, "cases.txt")
        with open(case_list, "w", encoding="utf-8") as f:
            f.write("".join("%s doc -- title\n" % c for c in CASES) + "%d cases\n" % len(CASES))
        problems = validate_baseline.problems(os.path.join(contribute, base + ".json"),
                                              validate_baseline.read_case_list(case_list), self.version)
        self.assertEqual(len(problems), 1, problems)
        self.assertIn("under Wine", problems[0])

        self.check_page(os.path.join(contribute, "report.html"), runs)

    def check_page(self, page, runs):
        chromium = find_chromium()
        self.assertIsNotNone(chromium, "chromium not found (./rmc setup installs Debian's chromium)")
        dom_text, stderr = dump_dom(chromium, page)
        dom = Dom()
        dom.feed(dom_text)
        self.assertEqual(console_lines(stderr), [], "the page wrote to the console")
        self.assertNotIn("data-page-errors", dom.root, dom.root.get("data-last-error"))
        self.assertEqual(dom.root.get("data-ready"), "1", "the page's script did not run to its end")
        self.assertEqual(dom.root.get("data-runs"), "2")
        self.assertEqual(len(dom.cells), len(CASES) * 2)
        self.assertEqual(len(set((c, r) for c, r, _ in dom.cells)), len(CASES) * 2)
        for case_id, run, status in dom.cells:
            name = "native" if run.startswith("system-") else "rmref"
            want = [c["status"] for c in runs[name]["cases"] if c["id"] == case_id]
            self.assertEqual([status], want, (case_id, run))
        self.assertIn('id="machine"', dom_text)
        self.assertNotIn('"record": "case"', dom_text, "the raw results stayed in the page")


if __name__ == "__main__":
    unittest.main()

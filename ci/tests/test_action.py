"""The composite action (ci/action/action.yml) run here as GitHub runs it: each `run` step's
script and env taken from the file, the ${{ }} expressions filled in with real input values,
the script run with bash. A stand-in rmconform.exe in a stand-in bundle writes results the way
the runner does; DLLs are minimal PE files of the architecture a case needs.

Covered: a DLL path with a blank, an x86 DLL (what can be checked without running it: its
architecture against the bundle's and the `arch` input, the MINGW32 build path), `native:
false`, each `fail-on`, an incomplete run, the default artifact name unique per image and arch.
"""

import copy
import json
import os
import re
import shutil
import stat
import subprocess
import tempfile
import unittest

import yaml

CI = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(CI)
ACTION_DIR = os.path.join(CI, "action")
DATA = os.path.join(ROOT, "reports", "tests", "data")

# Writes OUT-ROOT/<name>-win10-<arch>/results.json and .jsonl from FAKE_DATA/<system|dll>.json
# (the run as a results.json dict; "incomplete": true leaves out results.json and the end record),
# logs its own path and its arguments one per line, and exits as the real runner would (1: a case did not pass).
FAKE_RUNNER = r"""#!/usr/bin/env bash
printf '%s\n' "$0" "$@" >>"$FAKE_LOG"; echo -- >>"$FAKE_LOG"
kind=dll; root=
while [ $# -gt 0 ]; do
    case "$1" in --system) kind=system;; --out-root) root=$2; shift;; esac; shift
done
exec python3 "$FAKE_WRITER" "$FAKE_DATA/$kind.json" "$root"
"""

FAKE_WRITER = r"""
import json, os, sys
run = json.load(open(sys.argv[1]))
name = "%s-%s-%s" % (run["implementation"]["name"], run["os"]["name"], run["tool"]["arch"])
out = os.path.join(sys.argv[2], name)
os.makedirs(out, exist_ok=True)
incomplete = run.pop("incomplete", False)
head = dict((k, v) for k, v in run.items() if k not in ("cases", "summary", "finished", "complete"))
with open(os.path.join(out, "results.jsonl"), "w") as f:
    f.write(json.dumps(dict(record="run", selected=len(run["cases"]), **head)) + "\n")
    for c in run["cases"]:
        f.write(json.dumps(dict(record="case", **c)) + "\n")
    if not incomplete:
        f.write(json.dumps({"record": "end", "finished": run.get("finished"), "summary": run["summary"]}) + "\n")
if not incomplete:
    json.dump(run, open(os.path.join(out, "results.json"), "w"))
sys.exit(0 if all(c["status"] == "pass" for c in run["cases"]) else 1)
"""

FAKE_CYGPATH = """#!/usr/bin/env bash
# cygpath -u/-w/-m PATH: paths here are already what every tool wants.
printf '%s\\n' "$2"
"""


def pe_file(path, machine):
    """The smallest file pe_arch.py reads as a PE of MACHINE (0x8664 x64, 0x14c x86)."""
    head = bytearray(0x100)
    head[0:2] = b"MZ"
    head[0x3C:0x40] = (0x80).to_bytes(4, "little")
    head[0x80:0x84] = b"PE\0\0"
    head[0x84:0x86] = machine.to_bytes(2, "little")
    with open(path, "wb") as f:
        f.write(bytes(head))


def load_data(name):
    with open(os.path.join(DATA, name), encoding="utf-8") as f:
        return json.load(f)


class ActionSteps(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(os.path.join(ACTION_DIR, "action.yml"), encoding="utf-8") as f:
            cls.action = yaml.safe_load(f)
        cls.steps = cls.action["runs"]["steps"]

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="rmc action test ")      # a blank in every path
        self.addCleanup(shutil.rmtree, self.tmp)
        self.fakebin = os.path.join(self.tmp, "fakebin")
        os.makedirs(self.fakebin)
        self.write_exec(os.path.join(self.fakebin, "cygpath"), FAKE_CYGPATH)
        self.writer = os.path.join(self.tmp, "writer.py")
        with open(self.writer, "w", encoding="utf-8") as f:
            f.write(FAKE_WRITER)
        self.log = os.path.join(self.tmp, "calls.log")
        self.data = os.path.join(self.tmp, "data")
        os.makedirs(self.data)
        self.workspace = os.path.join(self.tmp, "work space")
        os.makedirs(os.path.join(self.workspace, "my dlls"))
        self.dll64 = os.path.join("my dlls", "my rm.dll")           # relative to the workspace
        pe_file(os.path.join(self.workspace, self.dll64), 0x8664)
        self.dll32 = os.path.join("my dlls", "my rm32.dll")
        pe_file(os.path.join(self.workspace, self.dll32), 0x14C)
        self.bundles = {arch: self.bundle(arch) for arch in ("x64", "x86")}
        self.set_runs(load_data("baseline-win10-x64.json"), load_data("rmref-win10-x64.json"))

    def write_exec(self, path, text):
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)

    def bundle(self, arch):
        folder = os.path.join(self.tmp, "bundle %s" % arch, "rmconform-0.1.0-%s" % {"x64": "win64", "x86": "win32"}[arch])
        os.makedirs(folder)
        self.write_exec(os.path.join(folder, "rmconform.exe"), FAKE_RUNNER)
        with open(os.path.join(folder, "bundle.cmd"), "w", encoding="utf-8", newline="\r\n") as f:
            f.write('@echo off\nset "RMC_BUNDLE_VERSION=0.1.0"\nset "RMC_BUNDLE_ARCH=%s"\n' % arch)
        return os.path.dirname(folder)

    def set_runs(self, system, dll):
        for kind, run in (("system", system), ("dll", dll)):
            with open(os.path.join(self.data, kind + ".json"), "w", encoding="utf-8") as f:
                json.dump(run, f)

    # -- running a step as GitHub does ------------------------------------------------------
    def inputs(self, given):
        values = dict((k, str(v.get("default", ""))) for k, v in self.action["inputs"].items())
        for k, v in given.items():
            self.assertIn(k, values, "not an input of the action: " + k)
            values[k] = v
        return values

    def expand(self, text, inputs, job_index="0"):
        def one(m):
            expr = m.group(1).strip()
            if expr == "github.action_path":
                return ACTION_DIR
            if expr == "strategy.job-index":
                return job_index
            m2 = re.match(r"^inputs\.([A-Za-z0-9_-]+)$", expr)
            self.assertTrue(m2, "an env value the test cannot evaluate: " + expr)
            return inputs[m2.group(1)]
        return re.sub(r"\$\{\{(.*?)\}\}", one, str(text))

    def step(self, name_part):
        found = [s for s in self.steps if "run" in s and name_part in s.get("name", "")]
        self.assertEqual(len(found), 1, name_part)
        return found[0]

    def run_step(self, name_part, given, extra_env=None, job_index="0"):
        step = self.step(name_part)
        self.assertEqual(step["shell"], "bash", "run and report use the runner's bash (no MSYS2 with a bundle)")
        inputs = self.inputs(given)
        env = dict(os.environ)
        for k in ("GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "RMC_RUNNER", "RMC_RUNNER_ARGS"):
            env.pop(k, None)
        env.update(PATH=self.fakebin + os.pathsep + os.environ["PATH"], FAKE_LOG=self.log, FAKE_DATA=self.data,
                   FAKE_WRITER=self.writer, PYTHONDONTWRITEBYTECODE="1", GITHUB_JOB="conformance",
                   ImageOS="win22", RUNNER_OS="Windows")
        for k, v in step.get("env", {}).items():
            env[k] = self.expand(v, inputs, job_index)
        env.update(extra_env or {})
        r = subprocess.run(["bash", "-eo", "pipefail", "-c", step["run"]], cwd=self.workspace, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=180)
        return r.returncode, r.stdout.decode("utf-8", "replace") + r.stderr.decode("utf-8", "replace")

    def run_action(self, given, **env):
        """The run step, then the report step (which runs whatever the run step did)."""
        given = dict({"bundle": self.bundles[given.get("arch", "x64")]}, **given)
        rc_run, out_run = self.run_step("Run the suite", given)
        outputs = os.path.join(self.tmp, "outputs-%d" % len(os.listdir(self.tmp)))
        summary = outputs + ".md"
        rc_report, out_report = self.run_step("Report", given, dict(env, GITHUB_OUTPUT=outputs, GITHUB_STEP_SUMMARY=summary))
        values = {}
        if os.path.exists(outputs):
            with open(outputs, encoding="utf-8") as f:
                values = dict(line.rstrip("\n").split("=", 1) for line in f if "=" in line)
        return rc_run, out_run, rc_report, out_report, values

    def runners(self):
        """The runner each call used."""
        return [c[0] for c in self.logged()]

    def calls(self):
        """Each call's arguments."""
        return [c[1:] for c in self.logged()]

    def logged(self):
        if not os.path.exists(self.log):
            return []
        with open(self.log, encoding="utf-8") as f:
            return [c.strip("\n").split("\n") for c in f.read().split("--\n") if c.strip()]

    # -- the cases -----------------------------------------------------------------------
    def test_defaults_with_a_blank_in_the_dll_path(self):
        rc_run, out_run, rc_report, out_report, outputs = self.run_action({"dll": self.dll64 + "\n", "cases": "session.* getlist.*"})
        self.assertEqual(rc_run, 0, out_run)
        calls = self.calls()
        self.assertEqual(calls[0][0], "--system")
        self.assertEqual(calls[1][:2], ["--dll", self.dll64])             # one argument, blank kept
        self.assertEqual(calls[1][-4:], ["--case", "session.*", "--case", "getlist.*"])
        # fail-on fail: rmref's one failing case fails the step.
        self.assertEqual(rc_report, 1, out_report)
        self.assertIn("register.zero_resources (fail)", out_report)
        self.assertEqual(outputs["report"], "rmconform-results/report/index.html")
        self.assertTrue(os.path.isfile(os.path.join(self.workspace, outputs["report"])))
        self.assertEqual(outputs["artifact"], "rmconform-conformance-win22-x64-0")

    def test_fail_on_regression_counts_a_new_crash_or_timeout(self):
        native = load_data("baseline-win10-x64.json")
        native["cases"][3]["status"] = "fail"                           # session.limit_64 fails natively
        same = copy.deepcopy(native)
        same["implementation"] = load_data("rmref-win10-x64.json")["implementation"]
        self.set_runs(native, same)
        self.assertEqual(self.run_action({"dll": self.dll64, "fail-on": "regression"})[2], 0)
        for worse in ("crash", "timeout"):
            with self.subTest(worse=worse):
                candidate = copy.deepcopy(same)
                candidate["cases"][3]["status"] = worse                  # fail natively, crash here: new
                self.set_runs(native, candidate)
                rc, out = self.run_action({"dll": self.dll64, "fail-on": "regression"})[2:4]
                self.assertEqual(rc, 1, out)
                self.assertIn("session.limit_64 fail -> %s" % worse, out)
        # and a case passing natively, failing here
        self.set_runs(load_data("baseline-win10-x64.json"), load_data("rmref-win10-x64.json"))
        rc, out = self.run_action({"dll": self.dll64, "fail-on": "regression"})[2:4]
        self.assertEqual(rc, 1, out)
        self.assertIn("register.zero_resources pass -> fail", out)

    def test_fail_on_never_and_an_incomplete_run(self):
        self.assertEqual(self.run_action({"dll": self.dll64, "fail-on": "never"})[2], 0)
        cut = load_data("rmref-win10-x64.json")
        cut["incomplete"] = True
        cut["cases"] = cut["cases"][:5]
        for c in cut["cases"]:
            c["status"] = "pass"
        self.set_runs(load_data("baseline-win10-x64.json"), cut)
        rc_run, out_run, rc_report, out_report, _ = self.run_action({"dll": self.dll64, "fail-on": "never",
                                                                     "results": "second results"})
        self.assertEqual(rc_run, 2, out_run)                  # the runner exited 0, the run is still incomplete
        self.assertIn("incomplete run", out_run)
        self.assertEqual(rc_report, 1, out_report)
        self.assertIn("incomplete run", out_report)
        self.assertIn("no end record", out_report)

    def test_native_false(self):
        candidate = load_data("rmref-win10-x64.json")           # one plain fail, no native run to regress against
        self.set_runs(load_data("baseline-win10-x64.json"), candidate)
        rc_run, out_run, rc, out, _ = self.run_action({"dll": self.dll64, "native": "false", "fail-on": "regression"})
        self.assertEqual(rc_run, 0, out_run)
        self.assertEqual([c[0] for c in self.calls()], ["--dll"])
        self.assertEqual(rc, 0, out)
        candidate["cases"][0]["status"] = "crash"
        self.set_runs(load_data("baseline-win10-x64.json"), candidate)
        rc, out = self.run_action({"dll": self.dll64, "native": "false", "fail-on": "regression"})[2:4]
        self.assertEqual(rc, 1, out)
        self.assertIn("no native run: crashes and timeouts only", out)
        self.assertEqual(self.run_action({"dll": self.dll64, "native": "false", "fail-on": "fail"})[2], 1)

    def test_x86(self):
        rc_run, out_run = self.run_action({"dll": self.dll32, "arch": "x86", "fail-on": "never"})[:2]
        self.assertEqual(rc_run, 0, out_run)
        self.assertEqual(self.runners(), [os.path.join(self.bundles["x86"], "rmconform-0.1.0-win32", "rmconform.exe")] * 2)
        # An x64 DLL with arch x86, and the x64 bundle with arch x86: refused before any run.
        rc, out = self.run_step("Run the suite", {"dll": self.dll64, "arch": "x86", "bundle": self.bundles["x86"]})
        self.assertEqual(rc, 2)
        self.assertIn("is an x64 DLL, arch is x86", out)
        rc, out = self.run_step("Run the suite", {"dll": self.dll32, "arch": "x86", "bundle": self.bundles["x64"]})
        self.assertEqual(rc, 2)
        self.assertIn("the bundle is for 'x64', arch is x86", out)
        # Built from source: the MINGW32 build's runner.
        rc, out = self.run_step("Run the suite", {"dll": self.dll32, "arch": "x86", "bundle": ""})
        self.assertEqual(rc, 2)
        self.assertIn("build/msys2-MINGW32/bin/rmconform.exe", out)

    def test_a_zipped_bundle(self):
        archive = shutil.make_archive(os.path.join(self.tmp, "rmconform-0.1.0-win64"), "zip", self.bundles["x64"])
        rc_run, out_run = self.run_action({"dll": self.dll64, "bundle": archive, "fail-on": "never"})[:2]
        self.assertEqual(rc_run, 0, out_run)
        self.assertEqual(len(self.calls()), 2)

    def test_default_artifact_names_are_unique_in_a_matrix(self):
        names = set()
        for index, (image, arch) in enumerate([("win22", "x64"), ("win22", "x86"), ("win25", "x64"), ("win25", "x86")]):
            dll = self.dll64 if arch == "x64" else self.dll32
            names.add(self.artifact_name({"dll": dll, "arch": arch, "fail-on": "never"}, image, index))
        self.assertEqual(len(names), 4, names)
        self.assertEqual(self.artifact_name({"dll": self.dll64, "artifact": "none"}, "win22", 0), "")
        self.assertEqual(self.artifact_name({"dll": self.dll64, "artifact": "mine"}, "win22", 0), "mine")
        upload = self.steps[-1]
        self.assertEqual(str(upload["uses"]).split("@")[0], "actions/upload-artifact")
        self.assertIn("steps.report.outputs.artifact != ''", upload["if"])
        self.assertEqual(upload["with"]["name"], "${{ steps.report.outputs.artifact }}")

    def artifact_name(self, given, image, index):
        """The artifact output of the report step on runner image IMAGE, matrix job INDEX (the
        outputs are written first: no suite run is needed for them)."""
        given = dict({"bundle": self.bundles[given.get("arch", "x64")]}, **given)
        outputs = os.path.join(self.tmp, "outputs-%s-%d" % (image, index))
        self.run_step("Report", given, {"GITHUB_OUTPUT": outputs, "ImageOS": image}, job_index=str(index))
        with open(outputs, encoding="utf-8") as f:
            return dict(line.rstrip("\n").split("=", 1) for line in f if "=" in line)["artifact"]

    def test_bad_inputs(self):
        for bad in ({"os": "win95"}, {"timeout": "soon"}, {"fail-on": "maybe"}, {"native": "yes"}, {"dll": ""},
                    {"arch": "arm64"}, {"dll": "my dlls/missing.dll"}):
            with self.subTest(bad=bad):
                given = dict({"dll": self.dll64, "bundle": self.bundles["x64"]}, **bad)
                rc, out = self.run_step("Run the suite", given)
                self.assertEqual(rc, 2, out)
        self.assertEqual(self.calls(), [])

    def test_os_is_expectations_only(self):
        self.assertIn("Expectations only", self.action["inputs"]["os"]["description"])
        self.assertIn("does not change", self.action["inputs"]["os"]["description"])
        rc, out = self.run_step("Run the suite", {"dll": self.dll64, "bundle": self.bundles["x64"], "os": "win7"})
        self.assertEqual(rc, 0, out)
        self.assertEqual(self.calls()[1][-2:], ["--os", "win7"])


if __name__ == "__main__":
    unittest.main()

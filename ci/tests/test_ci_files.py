"""Structure of the CI files, which cannot run here: the workflow's jobs, matrix, artifacts and
the scripts it calls; the composite action's inputs and steps; the scripts themselves."""

import fnmatch
import json
import os
import re
import shutil
import subprocess
import unittest

from yaml_subset import loads

CI = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(CI)
WORKFLOW = os.path.join(ROOT, ".github", "workflows", "conformance.yml")
ACTION = os.path.join(CI, "action", "action.yml")
SCRIPT_REF = re.compile(r"(?:^|[\s\"'/])((?:ci/|\.\./)[A-Za-z0-9_./-]+\.(?:sh|py))")


def read_yaml(path):
    with open(path, encoding="utf-8") as f:
        return loads(f.read())


def steps_using(job, action):
    return [s for s in job.get("steps", []) if str(s.get("uses", "")).split("@")[0] == action]


def run_texts(steps):
    return [s["run"] for s in steps if "run" in s]


def expand_matrix(matrix):
    """GitHub's expansion: the product of the list-valued keys, then each `include` entry
    merged into every combination it agrees with (or added alone if it agrees with none)."""
    combos = [{}]
    for key, values in matrix.items():
        if key in ("include", "exclude"):
            continue
        combos = [dict(c, **{key: v}) for c in combos for v in values]
    for extra in matrix.get("include", []):
        matched = False
        for c in combos:
            if all(c[k] == v for k, v in extra.items() if k in c and k in matrix):
                c.update(extra)
                matched = True
        if not matched:
            combos.append(dict(extra))
    return combos


def render(text, matrix):
    """Substitutes ${{ matrix.KEY }} with the combination's values."""
    return re.sub(r"\$\{\{\s*matrix\.([A-Za-z0-9_-]+)\s*\}\}", lambda m: str(matrix[m.group(1)]), text)


def artifact_glob(name):
    """An artifact name with its ${{ }} expressions as wildcards."""
    return re.sub(r"\$\{\{[^}]*\}\}", "*", name)


class Workflow(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.wf = read_yaml(WORKFLOW)
        cls.jobs = cls.wf["jobs"]

    def test_triggers(self):
        on = self.wf["on"]
        self.assertIn("push", on)
        self.assertIn("pull_request", on)
        record = on["workflow_dispatch"]["inputs"]["record_baselines"]
        self.assertEqual(record["type"], "boolean")
        self.assertIs(record["default"], False)

    def test_jobs(self):
        self.assertEqual(set(self.jobs), {"linux-wine", "windows", "report", "record-baselines"})
        for name, job in self.jobs.items():
            self.assertIn("runs-on", job, name)
            self.assertTrue(job.get("steps"), name)

    def test_linux_job_runs_every_profile_under_wine(self):
        job = self.jobs["linux-wine"]
        self.assertEqual(job["container"], "debian:12")
        self.assertEqual(run_texts(job["steps"]), ["ci/linux-conform.sh build/ci/linux-wine"])
        with open(os.path.join(CI, "linux-conform.sh"), encoding="utf-8") as f:
            self.assertIn("./rmc conform --matrix", f.read())

    def test_windows_matrix(self):
        job = self.jobs["windows"]
        matrix = job["strategy"]["matrix"]
        self.assertIs(job["strategy"]["fail-fast"], False)
        self.assertEqual(job["runs-on"], "${{ matrix.image }}")
        self.assertGreaterEqual(len(matrix["image"]), 2)
        self.assertTrue(all(re.match(r"^windows-20\d\d$", i) for i in matrix["image"]), matrix["image"])
        self.assertEqual(sorted(matrix["arch"]), ["x64", "x86"])
        combos = expand_matrix(matrix)
        self.assertEqual(len(combos), len(matrix["image"]) * 2)
        env = {"x64": ("MINGW64", "mingw-w64-x86_64"), "x86": ("MINGW32", "mingw-w64-i686")}
        for c in combos:
            self.assertEqual((c.get("msystem"), c.get("packages")), env[c["arch"]], c)

    def test_windows_steps(self):
        job = self.jobs["windows"]
        self.assertEqual(job["defaults"]["run"]["shell"], "msys2 {0}")
        steps = job["steps"]
        uses = [str(s.get("uses", "")).split("@")[0] for s in steps]
        # LF line endings for the scripts: autocrlf is switched off before the checkout.
        crlf = [i for i, s in enumerate(steps) if "core.autocrlf false" in s.get("run", "")]
        self.assertTrue(crlf and crlf[0] < uses.index("actions/checkout"))
        self.assertEqual(steps[crlf[0]].get("shell"), "pwsh")
        setup = steps_using(job, "msys2/setup-msys2")[0]["with"]
        self.assertEqual(setup["msystem"], "${{ matrix.msystem }}")
        for combo in expand_matrix(job["strategy"]["matrix"]):
            packages = render(setup["install"], combo).split()
            prefix = {"MINGW64": "mingw-w64-x86_64", "MINGW32": "mingw-w64-i686"}[render(setup["msystem"], combo)]
            for tool in ("gcc", "cmake", "ninja", "cmocka"):
                self.assertIn("%s-%s" % (prefix, tool), packages)
        order = [s.get("run", s.get("uses", "")).split("@")[0] for s in steps]
        self.assertLess(order.index("msys2/setup-msys2"), order.index("ci/windows-build.sh"))
        self.assertLess(order.index("ci/windows-build.sh"), order.index("ci/windows-conform.sh build/reports"))
        upload = steps_using(job, "actions/upload-artifact")[0]
        self.assertEqual(upload["with"]["name"], "rmconform-${{ matrix.image }}-${{ matrix.arch }}")
        self.assertEqual(upload["with"]["path"], "build/reports")
        self.assertIn("!cancelled()", upload["if"])

    def test_windows_scripts_use_the_preset_and_the_runner_cli(self):
        with open(os.path.join(CI, "windows-build.sh"), encoding="utf-8") as f:
            build = f.read()
        self.assertIn("cmake --preset msys2", build)
        self.assertIn('cmake --build "build/msys2-$MSYSTEM"', build)
        with open(os.path.join(CI, "windows-conform.sh"), encoding="utf-8") as f:
            conform = f.read()
        self.assertIn("build/msys2-${MSYSTEM:-MINGW64}/bin/rmconform.exe", conform)
        for flag in ("--system", "--dll", "--out-root"):
            self.assertIn(flag, conform)
        with open(os.path.join(ROOT, "CMakePresets.json"), encoding="utf-8") as f:
            presets = json.load(f)
        msys2 = [p for p in presets["configurePresets"] if p["name"] == "msys2"]
        self.assertEqual(len(msys2), 1, "CMakePresets.json has no msys2 preset")
        self.assertEqual(msys2[0]["binaryDir"], "${sourceDir}/build/msys2-$env{MSYSTEM}")

    def test_report_job_merges_every_artifact(self):
        job = self.jobs["report"]
        self.assertEqual(sorted(job["needs"]), ["linux-wine", "windows"])
        self.assertTrue("!cancelled()" in job["if"] or "always()" in job["if"])
        pattern = steps_using(job, "actions/download-artifact")[0]["with"]["pattern"]
        uploads = self.uploaded_artifacts()
        for name in uploads["linux-wine"] + uploads["windows"]:
            self.assertTrue(fnmatch.fnmatch(artifact_glob(name).replace("*", "x"), pattern), name)
        for name in uploads["report"] + uploads["record-baselines"]:
            self.assertFalse(fnmatch.fnmatch(name, pattern), name)
        self.assertIn("ci/merge-reports.sh build/ci/artifacts build/ci/report", run_texts(job["steps"]))

    def test_record_baselines_is_manual_and_takes_windows_runs_only(self):
        job = self.jobs["record-baselines"]
        self.assertEqual(job["needs"], ["windows"])
        self.assertIn("workflow_dispatch", job["if"])
        self.assertIn("inputs.record_baselines", job["if"])
        pattern = steps_using(job, "actions/download-artifact")[0]["with"]["pattern"]
        uploads = self.uploaded_artifacts()
        for name in uploads["windows"]:
            self.assertTrue(fnmatch.fnmatch(artifact_glob(name).replace("*", "windows-2022"), pattern))
        for name in uploads["linux-wine"]:
            self.assertFalse(fnmatch.fnmatch(name, pattern), name)
        self.assertIn("ci/record-baselines.sh build/ci/artifacts build/ci/baselines", run_texts(job["steps"]))

    def uploaded_artifacts(self):
        return dict((name, [s["with"]["name"] for s in steps_using(job, "actions/upload-artifact")])
                    for name, job in self.jobs.items())

    def test_actions_are_pinned_to_a_version(self):
        for name, job in self.jobs.items():
            for step in job["steps"]:
                if "uses" in step:
                    self.assertRegex(step["uses"], r"^[\w.-]+/[\w./-]+@v\d+$", name)

    def test_every_script_called_exists(self):
        for name, job in self.jobs.items():
            for text in run_texts(job["steps"]):
                for ref in SCRIPT_REF.findall(text):
                    path = os.path.join(ROOT, ref)
                    self.assertTrue(os.path.isfile(path), "%s calls %s, which does not exist" % (name, ref))
                    self.assertTrue(os.access(path, os.X_OK), "%s is not executable" % ref)


class Action(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.action = read_yaml(ACTION)
        with open(ACTION, encoding="utf-8") as f:
            cls.text = f.read()

    def test_composite_with_inputs(self):
        self.assertEqual(self.action["runs"]["using"], "composite")
        inputs = self.action["inputs"]
        self.assertIs(inputs["dll"]["required"], True)
        for name, spec in inputs.items():
            self.assertTrue(spec.get("description"), name)
        used = set(re.findall(r"inputs\.([A-Za-z0-9_-]+)", self.text))
        self.assertEqual(used - set(inputs), set(), "inputs used but not declared")
        self.assertEqual(set(inputs) - used, set(), "inputs declared but never used")

    def test_steps(self):
        steps = self.action["runs"]["steps"]
        for step in steps:
            if "run" in step:
                self.assertEqual(step.get("shell"), "msys2 {0}", step.get("name"))
                # Inputs reach scripts through env, never pasted into the script text.
                self.assertNotIn("${{", step["run"], step.get("name"))
        self.assertEqual(str(steps[0]["uses"]).split("@")[0], "msys2/setup-msys2")
        install = steps[0]["with"]["install"]
        for tool in ("gcc", "cmake", "ninja", "cmocka", "python"):
            self.assertIn("-" + tool, install)
        self.assertIn("MINGW32", steps[0]["with"]["msystem"])
        self.assertEqual(str(steps[-1]["uses"]).split("@")[0], "actions/upload-artifact")
        self.assertIn("report", self.action["outputs"])

    def test_every_script_called_exists(self):
        refs = []
        for step in self.action["runs"]["steps"]:
            refs.extend(SCRIPT_REF.findall(step.get("run", "")))
        self.assertEqual(sorted(set(os.path.basename(r) for r in refs)),
                         ["action-conform.sh", "merge-reports.sh", "windows-build.sh"])
        for ref in refs:
            path = os.path.normpath(os.path.join(CI, "action", ref))
            self.assertTrue(os.path.isfile(path), ref)
            self.assertTrue(os.access(path, os.X_OK), ref)


class Scripts(unittest.TestCase):
    def scripts(self):
        return sorted(os.path.join(CI, f) for f in os.listdir(CI) if f.endswith(".sh"))

    def test_bash_scripts_parse_and_are_executable(self):
        self.assertGreaterEqual(len(self.scripts()), 6)
        for path in self.scripts():
            with open(path, "rb") as f:
                content = f.read()
            self.assertTrue(content.startswith(b"#!/usr/bin/env bash\n"), path)
            self.assertNotIn(b"\r", content, path)
            self.assertIn(b"set -euo pipefail", content, path)
            self.assertTrue(os.access(path, os.X_OK), path)
            r = subprocess.run(["bash", "-n", path], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            self.assertEqual(r.returncode, 0, r.stderr.decode())

    def test_shellcheck_when_available(self):
        # Not installed by ./rmc setup, so optional here; bash -n above always runs.
        shellcheck = shutil.which("shellcheck")
        if shellcheck is None:
            self.skipTest("shellcheck is not installed")
        r = subprocess.run([shellcheck, "-x"] + self.scripts(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertEqual(r.returncode, 0, r.stdout.decode() + r.stderr.decode())


if __name__ == "__main__":
    unittest.main()

"""Structure of the CI files, which cannot run here: the workflow's jobs, matrix, artifacts and
the scripts it calls; the composite action's inputs and steps; the scripts themselves. Read
with a real YAML parser (Debian's python3-yaml); actionlint lints the workflow too
(ci/lint_workflows.py, CTest lint.actionlint), and test_action.py runs the action's steps."""

import fnmatch
import json
import os
import re
import shutil
import subprocess
import unittest

import yaml

CI = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(CI)
WORKFLOW = os.path.join(ROOT, ".github", "workflows", "conformance.yml")
ACTION = os.path.join(CI, "action", "action.yml")
SCRIPT_REF = re.compile(r"(?:^|[\s\"'/])((?:ci/|\.\./)[A-Za-z0-9_./-]+\.(?:sh|py|ps1))")


def read_yaml(path):
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    # YAML 1.1 reads the workflow's `on:` key as the boolean true.
    if True in doc:
        doc["on"] = doc.pop(True)
    return doc


# The status functions of GitHub's expressions. A job `if` without one is ANDed with success():
# the job is then skipped whenever a job it needs failed.
STATUS_FUNCTIONS = re.compile(r"\b(always|cancelled|failure)\(\)")


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

    def test_linux_job_runs_every_test_then_every_profile_under_wine(self):
        job = self.jobs["linux-wine"]
        self.assertEqual(job["container"], "debian:12")
        self.assertEqual(run_texts(job["steps"]), ["ci/linux-test.sh", "ci/linux-conform.sh build/ci/linux-wine"])
        with open(os.path.join(CI, "linux-test.sh"), encoding="utf-8") as f:
            self.assertIn("exec ./rmc test", f.read())
        with open(os.path.join(CI, "linux-conform.sh"), encoding="utf-8") as f:
            self.assertIn("./rmc conform --matrix", f.read())
        cache = steps_using(job, "actions/cache")[0]["with"]
        self.assertIn("~/.cache/rmconform", cache["path"])          # cmocka for mingw, actionlint
        self.assertIn("/var/cache/apt/archives", cache["path"])
        self.assertIn("hashFiles('rmc')", cache["key"])

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
        env = {"x64": ("MINGW64", "mingw-w64-x86_64", "mingw-w64-x86_64-python"),
               "x86": ("MINGW32", "mingw-w64-i686", "python")}     # MSYS's python: MINGW32's may be gone
        for c in combos:
            self.assertEqual((c.get("msystem"), c.get("packages"), c.get("python")), env[c["arch"]], c)

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
        self.assertIs(setup.get("update", False), False, "update: true costs minutes and is not needed")
        for combo in expand_matrix(job["strategy"]["matrix"]):
            packages = render(setup["install"], combo).split()
            prefix = {"MINGW64": "mingw-w64-x86_64", "MINGW32": "mingw-w64-i686"}[render(setup["msystem"], combo)]
            for tool in ("gcc", "cmake", "ninja"):
                self.assertIn("%s-%s" % (prefix, tool), packages)
            self.assertNotIn("%s-cmocka" % prefix, packages)      # built by ci/windows-cmocka.sh, cached
        cache = steps_using(job, "actions/cache")[0]["with"]
        self.assertEqual(cache["path"], "build/cmocka-${{ matrix.msystem }}")
        self.assertIn("hashFiles('ci/windows-cmocka.sh')", cache["key"])
        order = [s.get("run", s.get("uses", "")).split("@")[0].split(" -")[0] for s in steps]
        for earlier, later in (("msys2/setup-msys2", "ci/windows-cmocka.sh"), ("actions/cache", "ci/windows-cmocka.sh"),
                               ("ci/windows-cmocka.sh", "ci/windows-build.sh"), ("ci/windows-build.sh", "ci/windows-ctest.sh"),
                               ("ci/windows-ctest.sh", "./ci/machine-facts.ps1"),
                               ("./ci/machine-facts.ps1", "ci/windows-conform.sh build/reports")):
            self.assertLess(order.index(earlier), order.index(later), (earlier, later))
        # The suite runs even when a Windows test failed, as long as the build succeeded.
        conform = [st for st in steps if st.get("run") == "ci/windows-conform.sh build/reports"][0]
        self.assertIn("!cancelled()", conform["if"])
        self.assertIn("steps.build.outcome == 'success'", conform["if"])
        upload = steps_using(job, "actions/upload-artifact")[0]
        self.assertEqual(upload["with"]["name"], "rmconform-${{ matrix.image }}-${{ matrix.arch }}")
        self.assertEqual(upload["with"]["path"], "build/reports")
        self.assertIn("!cancelled()", upload["if"])

    def test_windows_tests_are_the_ones_that_run_there(self):
        with open(os.path.join(CI, "windows-ctest.sh"), encoding="utf-8") as f:
            text = f.read()
        pattern = re.search(r"RMC_WINDOWS_TESTS:-'([^']+)'", text).group(1)
        runs = ["rmref.unit.text", "rmref.unit.getlist", "runner.selftest", "fixtures.smoke", "reports.unit"]
        stays = ["reports.chromium", "conformance.rmref", "conformance.rmref.win8", "ci.files", "lint.shellcheck",
                 "lint.actionlint", "dist.bundle", "bench.smoke", "baselines.valid"]
        for name in runs:
            self.assertTrue(re.search(pattern, name), name)
        for name in stays:
            self.assertFalse(re.search(pattern, name), name)

    def test_windows_scripts_use_the_preset_and_the_runner_cli(self):
        with open(os.path.join(CI, "windows-build.sh"), encoding="utf-8") as f:
            build = f.read()
        self.assertIn("cmake --preset msys2", build)
        self.assertIn("check-self-contained.sh", build)
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

    def test_jobs_that_must_run_after_failures_have_a_status_function(self):
        # report and record-baselines must run when the jobs they need ran, whatever their
        # verdicts: without always()/cancelled()/failure() GitHub adds success() and skips them.
        for name in ("report", "record-baselines"):
            job = self.jobs[name]
            self.assertTrue(job.get("needs"), name)
            self.assertRegex(job["if"], STATUS_FUNCTIONS, name)
            self.assertIn("!cancelled()", job["if"], name)

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
                    if not ref.endswith(".ps1"):      # pwsh runs a script by its path, bash needs +x
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
                # Inputs reach scripts through env, never pasted into the script text.
                self.assertNotIn("${{", step["run"], step.get("name"))
        self.assertEqual(str(steps[0]["uses"]).split("@")[0], "msys2/setup-msys2")
        install = steps[0]["with"]["install"]
        for tool in ("gcc", "cmake", "ninja"):
            self.assertIn("-" + tool, install)
        self.assertNotIn("-cmocka", install)                     # built by ci/windows-cmocka.sh
        self.assertIn("MINGW32", steps[0]["with"]["msystem"])
        self.assertIs(steps[0]["with"].get("update", False), False)
        # With a bundle, nothing is built: MSYS2 and the build are skipped, the rest runs in bash.
        build = [st for st in steps if "windows-build.sh" in st.get("run", "")]
        self.assertEqual(len(build), 1)
        for st in (steps[0], build[0]):
            self.assertEqual(st["if"], "${{ inputs.bundle == '' }}")
        self.assertEqual(build[0]["shell"], "msys2 {0}")
        for st in steps:
            if "run" in st and st is not build[0]:
                self.assertEqual(st["shell"], "bash", st.get("name"))
        self.assertEqual(str(steps[-1]["uses"]).split("@")[0], "actions/upload-artifact")
        self.assertIn("report", self.action["outputs"])

    def test_documented_semantics(self):
        inputs = self.action["inputs"]
        self.assertEqual(inputs["artifact"]["default"], "auto")
        self.assertIn("unique", inputs["artifact"]["description"])
        self.assertIn("Expectations only", inputs["os"]["description"])
        fail_on = inputs["fail-on"]["description"]
        for words in ("new crash or timeout", "with native false", "incomplete run always"):
            self.assertIn(words, fail_on)
        self.assertIn("one per line", inputs["dll"]["description"])

    def test_every_script_called_exists(self):
        refs = []
        for step in self.action["runs"]["steps"]:
            refs.extend(SCRIPT_REF.findall(step.get("run", "")))
        self.assertEqual(sorted(set(os.path.basename(r) for r in refs)),
                         ["action-conform.sh", "action-report.sh", "windows-build.sh", "windows-cmocka.sh"])
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


if __name__ == "__main__":
    unittest.main()

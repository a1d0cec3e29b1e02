"""ci/validate_baseline.py: a baseline is accepted only when it is what baselines/README.md
promises (schema, tool version, no case missing, the native DLL on real Windows, complete,
named after the run, machine facts beside it), and each defect is named."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

CI = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(CI)
sys.path.insert(0, CI)

import validate_baseline  # noqa: E402

DATA = os.path.join(ROOT, "reports", "tests", "data")
NAME = "win10-20348-x64"      # the data file's os.name, os.build and tool.arch


class ValidateBaseline(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="rmc-baseline-test-")
        self.addCleanup(shutil.rmtree, self.tmp)
        with open(os.path.join(DATA, "baseline-win10-x64.json"), encoding="utf-8") as f:
            self.run_doc = json.load(f)
        self.run_doc["schema"] = validate_baseline.rmresults.SCHEMA     # the data file predates it
        self.machine = {"record": "machine", "product": "Windows Server 2022 Datacenter", "edition": "ServerDatacenter",
                        "display_version": "21H2", "build": 20348, "ubr": "2700", "architecture": "AMD64",
                        "elevated": True, "bundle_version": "0.1.0", "bundle_arch": "x64",
                        "baseline": NAME + ".json"}
        self.cases = os.path.join(self.tmp, "cases.txt")
        with open(self.cases, "w", encoding="utf-8") as f:
            f.write("".join("%-52s doc    §4      a title\n" % c["id"] for c in self.run_doc["cases"]))
            f.write("%d cases\n" % len(self.run_doc["cases"]))
        self.version = self.run_doc["tool"]["version"]

    def write(self, name=NAME, machine=True):
        path = os.path.join(self.tmp, name + ".json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(self.run_doc, f)
        if machine:
            with open(os.path.join(self.tmp, name + ".machine.json"), "w", encoding="utf-8") as f:
                json.dump(self.machine, f)
        return path

    def problems(self, path=None, version=None):
        return validate_baseline.problems(path or self.write(), validate_baseline.read_case_list(self.cases),
                                          version or self.version)

    def assertOneProblem(self, words, **kw):
        found = self.problems(**kw)
        self.assertEqual(len(found), 1, found)
        self.assertIn(words, found[0])

    def test_valid(self):
        self.assertEqual(self.problems(), [])

    def test_each_defect_is_named(self):
        defects = [
            (lambda doc: doc.update(schema=99), "results schema 99"),
            (lambda doc: doc["tool"].update(version="0.0.1"), "recorded with rmconform 0.0.1"),
            (lambda doc: doc["implementation"].update(name="rmref"), "a baseline is the native DLL"),
            (lambda doc: doc["os"].update(wine="8.0"), "under Wine 8.0"),
            (lambda doc: doc.update(complete=False), "not complete"),
            (lambda doc: doc["cases"].pop(3), "1 case(s) missing"),
            (lambda doc: doc["cases"].append(dict(doc["cases"][0], id="made.up")), "does not have: made.up"),
            (lambda doc: doc["cases"].append(dict(doc["cases"][0])), "cases listed twice"),
            (lambda doc: doc["cases"][0].update(status="great"), "unknown status 'great'"),
        ]
        for change, words in defects:
            with self.subTest(words=words):
                self.setUp()
                change(self.run_doc)
                self.assertOneProblem(words)

    def test_name_and_machine_file(self):
        self.assertOneProblem("the file name says win10-19045-x64.json, the run says win10-20348-x64.json",
                              path=self.write("win10-19045-x64"))
        self.assertOneProblem("not <os>-<build>-<arch>.json", path=self.write("win10-x64"))
        self.assertOneProblem("no machine file", path=self.write(machine=False))
        self.machine["build"] = 17763
        self.assertOneProblem("machine file says build 17763")
        self.setUp()
        del self.machine["ubr"]
        self.assertOneProblem("no 'ubr'")

    def test_not_a_results_json(self):
        path = os.path.join(self.tmp, NAME + ".json")
        shutil.copy(os.path.join(DATA, "rmref-win10-x64.jsonl"), path)
        self.assertIn("not a readable JSON file", self.problems(path)[0])

    def test_command_line(self):
        good = self.write()
        bad = os.path.join(self.tmp, "win7-7601-x64.json")
        shutil.copy(os.path.join(DATA, "system-win10-x64.json"), bad)
        cmd = [sys.executable, os.path.join(CI, "validate_baseline.py"), "--cases", self.cases,
               "--tool-version", self.version]
        r = subprocess.run(cmd + [good, good[:-5] + ".machine.json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertEqual(r.returncode, 0, r.stdout.decode() + r.stderr.decode())
        self.assertEqual(r.stdout.decode().count("valid baseline"), 1)     # the machine file goes with it
        r = subprocess.run(cmd + [good, bad], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertEqual(r.returncode, 1)
        self.assertIn("win7-7601-x64.json: the run is under Wine", r.stdout.decode())
        # The default version is this checkout's (CMakeLists.txt).
        self.assertRegex(validate_baseline.project_version(), r"^\d+\.\d+\.\d+$")


if __name__ == "__main__":
    unittest.main()

"""Reading results files: both forms, incomplete runs, and every kind of bad input."""

import os
import shutil
import tempfile
import unittest

from rmreport.results import ResultsError, case_rows, load, load_all, order_runs

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


def data(name):
    return os.path.join(DATA, name)


class CompleteRuns(unittest.TestCase):
    def test_json_run(self):
        run = load(data("rmref-win10-x64.json"))
        self.assertTrue(run.complete)
        self.assertEqual((run.name, run.os_name, run.arch), ("rmref", "win10", "x64"))
        self.assertEqual(len(run.cases), 14)
        self.assertEqual(run.schema, 2)
        self.assertEqual(run.counts()["pass"], 10)
        self.assertEqual(run.counts()["observed"], 3)
        self.assertEqual(run.counts()["fail"], 1)
        self.assertEqual(run.conformance(), (10, 11))
        self.assertEqual(run.probes(), (3, 3))
        case = run.case("getlist.more_data_reports_needed")
        self.assertEqual(case["observations"]["rc.sizing"], "ERROR_MORE_DATA (234)")
        self.assertEqual(case["area"], "getlist")

    def test_jsonl_with_end_record_equals_json(self):
        a = load(data("rmref-win10-x64.json"))
        b = load(data("rmref-win10-x64.jsonl"))
        self.assertTrue(b.complete)
        self.assertEqual(b.selected, 14)
        self.assertEqual([c["id"] for c in a.cases], [c["id"] for c in b.cases])
        self.assertEqual([c["observations"] for c in a.cases], [c["observations"] for c in b.cases])
        self.assertEqual(a.finished, b.finished)

    def test_every_status_is_counted(self):
        counts = load(data("system-win10-x64.json")).counts()
        self.assertEqual(counts, {"pass": 3, "fail": 4, "crash": 2, "timeout": 1, "blocked": 1, "observed": 1,
                                  "unsupported": 1, "skip": 1})

    def test_headline_is_contract_conformance(self):
        run = load(data("system-win10-x64.json"))
        # doc+obs cases: 11, of which 1 unsupported and 1 skipped → 9 applicable, 3 pass.
        self.assertEqual(run.conformance(), (3, 9))
        # Probes: observed 1, crash 1, timeout 1.
        self.assertEqual(run.probes(), (1, 3))
        # Beside pass / applicable stand the other statuses of the same doc/obs cases: 3+4+1+0+1 = 9
        # (the probe that crashed and the one that timed out are not in it).
        self.assertEqual(run.headline(), "contract conformance 3/9 (fail 4, crash 1, timeout 0, blocked 1); "
                                         "probes observed 1/3")
        self.assertEqual(run.case("getlist.more_data_reports_needed")["blocked_by"], "register.files_then_getlist")

    def test_schema_1_is_read_as_schema_2(self):
        run = load(data("baseline-win10-x64.json"))
        self.assertEqual(run.schema, 1)
        # A schema-1 probe that ran to the end was `pass`; it reads as `observed`.
        self.assertEqual(run.case("session.key_charset")["status"], "observed")
        self.assertEqual(run.case("session.limit_64")["status"], "pass")
        self.assertEqual(run.counts()["observed"], 3)

    def test_schema_1_cannot_say_blocked_or_observed(self):
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        with open(data("baseline-win10-x64.json"), encoding="utf-8") as f:
            text = f.read()
        path = os.path.join(tmp, "x.json")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace('"status": "fail"', '"status": "blocked"', 1).replace('"status": "pass"', '"status": "blocked"', 1))
        with self.assertRaises(ResultsError):
            load(path)

    def test_folder_holding_a_run(self):
        tmp = tempfile.mkdtemp()
        try:
            shutil.copy(data("system-win7-x64.truncated.jsonl"), os.path.join(tmp, "results.jsonl"))
            self.assertFalse(load(tmp).complete)
            shutil.copy(data("rmref-win10-x64.json"), os.path.join(tmp, "results.json"))
            self.assertTrue(load(tmp).complete)   # results.json wins when both exist
        finally:
            shutil.rmtree(tmp)

    def test_unknown_fields_are_accepted(self):
        tmp = tempfile.mkdtemp()
        try:
            path = os.path.join(tmp, "extra.jsonl")
            with open(data("rmref-win10-x64.jsonl"), encoding="utf-8") as f:
                lines = f.read().splitlines()
            lines.insert(2, '{"record": "note", "text": "a record kind added later"}')
            lines[1] = lines[1][:-1] + ', "new_field": {"x": 1}}'
            with open(path, "w", encoding="utf-8") as f:
                f.write("\n".join(lines) + "\n")
            run = load(path)
            self.assertTrue(run.complete)
            self.assertEqual(len(run.cases), 14)
        finally:
            shutil.rmtree(tmp)


class IncompleteRuns(unittest.TestCase):
    def test_truncated_jsonl_keeps_finished_cases(self):
        run = load(data("system-win7-x64.truncated.jsonl"))
        self.assertFalse(run.complete)
        self.assertEqual(len(run.cases), 5)       # the cut-off sixth line is dropped
        self.assertEqual(run.selected, 14)
        self.assertEqual(run.progress(), "5 of 14 cases")
        self.assertIsNone(run.finished)

    def test_jsonl_ending_cleanly_without_end_record(self):
        tmp = tempfile.mkdtemp()
        try:
            path = os.path.join(tmp, "results.jsonl")
            with open(data("rmref-win10-x64.jsonl"), encoding="utf-8") as f:
                lines = f.read().splitlines()
            with open(path, "w", encoding="utf-8") as f:
                f.write("\n".join(lines[:4]) + "\n")
            run = load(path)
            self.assertFalse(run.complete)
            self.assertEqual(len(run.cases), 3)
        finally:
            shutil.rmtree(tmp)


class BadInput(unittest.TestCase):
    def assert_error(self, name, *fragments):
        with self.assertRaises(ResultsError) as ctx:
            load(data(name))
        message = str(ctx.exception)
        self.assertTrue(message.startswith(data(name) + ": "), message)
        self.assertNotIn("\n", message)
        for fragment in fragments:
            self.assertIn(fragment, message)

    def test_malformed_json(self):
        self.assert_error("malformed.json", "not valid JSON")

    def test_unknown_schema(self):
        self.assert_error("unknown-schema.json", "unknown results schema 3")
        self.assert_error("unknown-schema.jsonl", "unknown results schema 3")

    def test_broken_line_in_the_middle(self):
        self.assert_error("malformed-line.jsonl", "line 4")

    def test_unknown_status(self):
        self.assert_error("bad-status.json", "session.end_invalid_handle", '"passed"')

    def test_not_a_results_object(self):
        self.assert_error("not-results.json", "not a results object")

    def test_missing_file(self):
        self.assert_error("no-such-file.json", "cannot read")

    def test_empty_and_binary_files(self):
        tmp = tempfile.mkdtemp()
        try:
            for name, content, fragment in (("empty.json", b"", "empty file"),
                                            ("binary.jsonl", b"\xff\xfe\x00garbage", "not UTF-8"),
                                            ("noschema.json", b'{"cases": []}', "no 'schema'"),
                                            ("caseonly.jsonl", b'{"record": "case", "id": "a.b"}\n', "'run' record first")):
                path = os.path.join(tmp, name)
                with open(path, "wb") as f:
                    f.write(content)
                with self.assertRaises(ResultsError) as ctx:
                    load(path)
                self.assertIn(fragment, str(ctx.exception))
                self.assertIn(path, str(ctx.exception))
        finally:
            shutil.rmtree(tmp)


class SeveralRuns(unittest.TestCase):
    def test_order_and_unique_labels(self):
        runs = load_all([data("rmref-win10-x64.json"), data("system-win10-x64.json"),
                         data("system-win7-x64.truncated.jsonl"), data("rmref-win10-x64.jsonl")])
        self.assertEqual([r.label for r in runs],
                         ["system-win7-x64 (wine)", "system-win10-x64 (wine)", "rmref-win10-x64 (wine)",
                          "rmref-win10-x64 (wine) #2"])

    def test_native_runs_of_one_profile_told_apart_by_build(self):
        a, b, c = (load(data("baseline-win10-x64.json")) for _ in range(3))
        b.os["build"] = 26100
        runs = load_all([data("baseline-win10-x64.json")])
        self.assertEqual(runs[0].label, "system-win10-x64")   # native: no suffix
        self.assertEqual(sorted(r.label for r in order_runs([a, b])),
                         ["system-win10-x64 build 20348", "system-win10-x64 build 26100"])
        self.assertEqual([r.label for r in order_runs([a, c])], ["system-win10-x64", "system-win10-x64 #2"])

    def test_case_rows_grouped_by_area_in_runner_order(self):
        runs = load_all([data("system-win7-x64.truncated.jsonl"), data("rmref-win10-x64.json")])
        rows = case_rows(runs)
        self.assertEqual([area for area, _ in rows], ["exports", "session", "join", "register", "getlist", "badargs"])
        self.assertEqual(sum(len(cases) for _, cases in rows), 14)


if __name__ == "__main__":
    unittest.main()

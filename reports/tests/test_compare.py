"""Baseline comparison: what counts as a regression, and which observations differ."""

import os
import unittest

from rmreport.compare import ABSENT, compare
from rmreport.results import load

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


def data(name):
    return load(os.path.join(DATA, name))


class Compare(unittest.TestCase):
    def test_regression_against_native_baseline(self):
        c = compare(data("baseline-win10-x64.json"), data("rmref-win10-x64.json"))
        self.assertEqual(c.regressions, [("register.zero_resources", "pass", "fail")])
        self.assertTrue(c.has_regressions)
        self.assertEqual(c.notes(), [])

    def test_every_differing_observation_is_listed(self):
        c = compare(data("baseline-win10-x64.json"), data("rmref-win10-x64.json"))
        got = [(o[0], o[1]) for o in c.observations]
        self.assertEqual(got, [("session.key_charset", "key.sample"),
                               ("join.from_same_process", "handles.distinct"),
                               ("register.zero_resources", "rc.register"),
                               ("getlist.order_of_processes", "order"),
                               ("getlist.order_of_processes", "order.by")])
        absent = dict(((o[0], o[1]), o) for o in c.observations)
        self.assertIs(absent[("session.key_charset", "key.sample")][2], ABSENT)
        self.assertIs(absent[("join.from_same_process", "handles.distinct")][3], ABSENT)

    def test_same_run_has_no_difference(self):
        c = compare(data("rmref-win10-x64.json"), data("rmref-win10-x64.jsonl"))
        self.assertFalse(c.has_regressions)
        self.assertEqual(c.observations, [])
        self.assertEqual(c.improvements, [])

    def test_every_non_pass_status_is_a_regression(self):
        c = compare(data("baseline-win10-x64.json"), data("system-win10-x64.json"))
        after = dict((r[0], r[2]) for r in c.regressions)
        self.assertEqual(sorted(set(after.values())), ["blocked", "crash", "fail", "skip", "timeout", "unsupported"])

    def test_new_crash_or_timeout_is_a_regression_whatever_the_baseline_said(self):
        base, cand = data("system-win10-x64.json"), data("system-win10-x64.json")
        # The baseline failed these; the candidate dies in them.
        cand.case("session.start_returns_key")["status"] = "crash"
        cand.case("session.end_invalid_handle")["status"] = "timeout"
        # Crash to timeout (and back) is not a new death.
        cand.case("join.same_key_joins")["status"] = "timeout"
        c = compare(base, cand)
        self.assertEqual(c.regressions, [("session.start_returns_key", "fail", "crash"),
                                         ("session.end_invalid_handle", "fail", "timeout")])

    def test_crash_in_a_case_the_baseline_lacks_is_a_regression(self):
        base, cand = data("rmref-win10-x64.json"), data("rmref-win10-x64.json")
        cand.add_case(dict(cand.case("session.limit_64"), id="session.new_case", status="crash"))
        cand.add_case(dict(cand.case("session.limit_64"), id="session.other_new_case", status="pass"))
        c = compare(base, cand)
        self.assertEqual(c.regressions, [("session.new_case", None, "crash")])
        self.assertEqual(c.improvements, [("session.other_new_case", None, "pass")])

    def test_a_lost_case_is_a_regression_whatever_its_baseline_status(self):
        base = data("system-win10-x64.json")
        cand = data("system-win10-x64.json")
        for lost in ("session.start_returns_key", "getlist.reasons_for_service", "badargs.null_handle_ptr"):
            cand.cases.remove(cand.case(lost))
            del cand._by_id[lost]
        cand.case("register.zero_resources")["status"] = "skip"
        c = compare(base, cand)
        # badargs.null_handle_ptr was `skip` in the baseline: it never ran there, so it is not lost.
        self.assertEqual(c.regressions, [("session.start_returns_key", "fail", None),
                                         ("register.zero_resources", "pass", "skip"),
                                         ("getlist.reasons_for_service", "unsupported", None)])

    def test_observed_probe_that_fails_is_a_regression(self):
        base, cand = data("rmref-win10-x64.json"), data("rmref-win10-x64.json")
        cand.case("session.key_charset")["status"] = "fail"
        self.assertEqual(compare(base, cand).regressions, [("session.key_charset", "observed", "fail")])

    def test_schema_1_probe_pass_matches_schema_2_observed(self):
        c = compare(data("baseline-win10-x64.json"), data("rmref-win10-x64.json"))
        self.assertNotIn("session.key_charset", [r[0] for r in c.regressions + c.other_changes])

    def test_improvement_is_not_a_regression(self):
        c = compare(data("rmref-win10-x64.json"), data("baseline-win10-x64.json"))
        self.assertFalse(c.has_regressions)
        self.assertEqual(c.improvements, [("register.zero_resources", "fail", "pass")])

    def test_cases_missing_from_an_incomplete_run_are_regressions(self):
        c = compare(data("baseline-win10-x64.json"), data("system-win7-x64.truncated.jsonl"))
        not_run = [r[0] for r in c.regressions if r[2] is None]
        self.assertEqual(len(not_run), 9)
        self.assertIn("the candidate run is incomplete (5 of 14 cases)", c.notes())
        self.assertIn("OS profiles differ: baseline win10, candidate win7", c.notes())

    def test_values_compare_as_exact_json(self):
        base, cand = data("rmref-win10-x64.json"), data("rmref-win10-x64.json")
        cand.case("join.from_same_process")["observations"]["handles.equal"] = 0   # false vs 0
        cand.case("session.start_returns_key")["observations"]["key.length"] = 32.0
        c = compare(base, cand)
        self.assertEqual([(o[0], o[1]) for o in c.observations],
                         [("session.start_returns_key", "key.length"), ("join.from_same_process", "handles.equal")])


if __name__ == "__main__":
    unittest.main()

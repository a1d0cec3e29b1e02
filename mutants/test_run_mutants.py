#!/usr/bin/env python3
"""test_run_mutants.py — unit tests of run_mutants.py's verdicts that need no build or Wine:
which cases can kill a mutant here, and the "not judgeable here" verdict (a mutant whose every
case is unsupported on this platform is neither killed nor survived, and stays out of the kill
rate). Python 3 stdlib (unittest)."""
import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_mutants as rm  # noqa: E402

KNOWN = {"restart.registered_app_restarted": "doc", "restart.service_restarted": "doc",
         "restart.no_patch": "probe", "join.other_user_fails": "doc"}
BASELINE = {"restart.registered_app_restarted": {"status": "unsupported", "message": "GetApplicationRestartSettings: E_NOTIMPL"},
            "restart.service_restarted": {"status": "pass"},
            "restart.no_patch": {"status": "pass"},
            "join.other_user_fails": {"status": "unsupported", "message": "no second user account"}}


class Judgeable(unittest.TestCase):
    def test_only_doc_obs_cases_passing_on_the_baseline_can_kill(self):
        self.assertEqual(rm.judgeable_cases(KNOWN, BASELINE, ["restart.*"]), ["restart.service_restarted"])

    def test_unsupported_and_probe_cases_cannot(self):
        self.assertEqual(rm.judgeable_cases(KNOWN, BASELINE, ["restart.registered_*", "restart.no_patch"]), [])
        self.assertEqual(rm.judgeable_cases(KNOWN, BASELINE, ["join.other_user_fails"]), [])

    def test_note_names_each_case_and_why(self):
        note = rm.not_judgeable_note(KNOWN, BASELINE, ["join.other_user_fails", "restart.no_patch"])
        self.assertIn("join.other_user_fails unsupported: no second user account", note)
        self.assertNotIn("no_patch", note)   # a probe could never kill: not named as a reason


class Report(unittest.TestCase):
    def test_not_judgeable_is_outside_the_kill_rate_and_listed(self):
        results = [{"id": "a.killed", "verdict": "killed", "kills": [{"case": "x", "status": "fail", "message": "m"}],
                    "cases": ["x"]},
                   {"id": "b.survived", "verdict": "survived", "cases": ["y"]},
                   {"id": "c.windows_only", "verdict": "not-judgeable", "cases": ["z"], "defect": "d",
                    "note": "no case that could notice it passes on the baseline here: z unsupported"}]
        with tempfile.TemporaryDirectory() as out:
            rm.write_report(out, results, {})
            run = json.load(open(os.path.join(out, "report.json")))["run"]
            md = open(os.path.join(out, "report.md")).read()
        self.assertEqual((run["killed"], run["judged"]), (1, 2))
        self.assertIn("1 of 2 killed (50%)", md)
        self.assertIn("## Not judgeable here", md)
        self.assertIn("**c.windows_only**", md)



class DefsApply(unittest.TestCase):
    """Every mutant's edit still applies to reference-impl/ as it is now: a change to rmref that
    moves a mutant's original text is caught here, in seconds, not as `stale` in the next
    half-hour `./rmc mutants` (detect.modules_ignored went stale that way in session 3)."""

    def test_every_def_applies(self):
        here = os.path.dirname(os.path.abspath(__file__))
        refimpl = os.path.join(here, "..", "reference-impl")
        mutants = rm.load_mutants(os.path.join(here, "defs"))
        self.assertGreaterEqual(len(mutants), 60)
        stale = []
        for m in mutants:
            try:
                rm.apply_edits(refimpl, m)
            except rm.MutantError as e:
                stale.append("%s: %s" % (m["id"], e))
        self.assertEqual(stale, [], "mutants whose edit no longer applies (update their original text)")

if __name__ == "__main__":
    unittest.main()

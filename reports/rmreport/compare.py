"""Comparing a candidate run with a baseline run, case by case and observation by observation.

A regression is a case that passes in the baseline and does not pass in the candidate,
including a case the candidate never reported (filtered out, or the run was killed first).
"""

from .results import same_value

ABSENT = object()   # an observation or case one side does not have


class Comparison:
    def __init__(self, baseline, candidate):
        self.baseline = baseline
        self.candidate = candidate
        self.regressions = []        # (case_id, baseline_status, candidate_status or None)
        self.improvements = []       # (case_id, baseline_status or None, "pass")
        self.other_changes = []      # (case_id, baseline_status, candidate_status): neither side passes
        self.only_in_baseline = []   # case ids (also listed in regressions when they passed)
        self.only_in_candidate = []  # case ids
        self.observations = []       # (case_id, key, baseline_value|ABSENT, candidate_value|ABSENT)
        self._cache = None

    @property
    def has_regressions(self):
        return bool(self.regressions)

    def regressed(self, case_id):
        return case_id in self._index()[0]

    def improved(self, case_id):
        return case_id in self._index()[1]

    def differing_keys(self, case_id):
        """The observation keys of a case that differ between the two runs."""
        return self._index()[2].get(case_id, ())

    def _index(self):
        # Built on first use, after compare() has filled the lists.
        if self._cache is None:
            keys = {}
            for case_id, key, _b, _c in self.observations:
                keys.setdefault(case_id, []).append(key)
            self._cache = (set(r[0] for r in self.regressions), set(i[0] for i in self.improvements), keys)
        return self._cache

    def notes(self):
        """Why the comparison may be apples to oranges (different OS or architecture)."""
        notes = []
        b, c = self.baseline, self.candidate
        if b.os_name != c.os_name:
            notes.append("OS profiles differ: baseline %s, candidate %s" % (b.os_name, c.os_name))
        if b.arch != c.arch:
            notes.append("architectures differ: baseline %s, candidate %s" % (b.arch, c.arch))
        if not c.complete:
            notes.append("the candidate run is incomplete (%s)" % c.progress())
        if not b.complete:
            notes.append("the baseline run is incomplete (%s)" % b.progress())
        return notes


def compare(baseline, candidate):
    result = Comparison(baseline, candidate)
    for base_case in baseline.cases:
        case_id = base_case["id"]
        cand_case = candidate.case(case_id)
        base_status = base_case["status"]
        if cand_case is None:
            result.only_in_baseline.append(case_id)
            if base_status == "pass":
                result.regressions.append((case_id, base_status, None))
            continue
        cand_status = cand_case["status"]
        if base_status == "pass" and cand_status != "pass":
            result.regressions.append((case_id, base_status, cand_status))
        elif base_status != "pass" and cand_status == "pass":
            result.improvements.append((case_id, base_status, cand_status))
        elif base_status != cand_status:
            result.other_changes.append((case_id, base_status, cand_status))
        _compare_observations(result, case_id, base_case["observations"], cand_case["observations"])
    for cand_case in candidate.cases:
        if not baseline.has_case(cand_case["id"]):
            result.only_in_candidate.append(cand_case["id"])
            if cand_case["status"] == "pass":
                result.improvements.append((cand_case["id"], None, "pass"))
    return result


def _compare_observations(result, case_id, base_obs, cand_obs):
    keys = list(base_obs)
    keys.extend(k for k in cand_obs if k not in base_obs)
    for key in keys:
        b = base_obs.get(key, ABSENT)
        c = cand_obs.get(key, ABSENT)
        if b is ABSENT or c is ABSENT or not same_value(b, c):
            result.observations.append((case_id, key, b, c))

"""Comparing a candidate run with a baseline run, case by case and observation by observation.

A regression is any of:
- a case that passes (or, for a probe, is observed) in the baseline and does not in the candidate;
- a case that crashes or times out in the candidate where the baseline had no crash or timeout
  (whatever the baseline's status was, and also when the baseline does not have the case);
- a case the baseline ran (any status but `skip`) that the candidate lost: not reported at all
  (filtered out, or the run was killed first) or reported as `skip`.
"""

from .results import same_value

ABSENT = object()   # an observation or case one side does not have
GOOD = ("pass", "observed")         # a case that did what it is for
DIED = ("crash", "timeout")


def is_regression(base_status, cand_status):
    """base_status/cand_status: a status, or None when that side does not have the case."""
    if cand_status in DIED and base_status not in DIED:
        return True
    if base_status is None:
        return False
    if base_status != "skip" and cand_status in (None, "skip"):
        return True
    return base_status in GOOD and cand_status not in GOOD


class Comparison:
    def __init__(self, baseline, candidate):
        self.baseline = baseline
        self.candidate = candidate
        self.regressions = []        # (case_id, baseline_status, candidate_status or None)
        self.improvements = []       # (case_id, baseline_status or None, "pass" or "observed")
        self.other_changes = []      # (case_id, baseline_status, candidate_status): neither a
                                     # regression nor an improvement
        self.only_in_baseline = []   # case ids (also listed in regressions unless baseline skipped them)
        self.only_in_candidate = []  # case ids (also listed in regressions when they crash or time out)
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
            if is_regression(base_status, None):
                result.regressions.append((case_id, base_status, None))
            continue
        cand_status = cand_case["status"]
        if is_regression(base_status, cand_status):
            result.regressions.append((case_id, base_status, cand_status))
        elif base_status not in GOOD and cand_status in GOOD:
            result.improvements.append((case_id, base_status, cand_status))
        elif base_status != cand_status:
            result.other_changes.append((case_id, base_status, cand_status))
        _compare_observations(result, case_id, base_case["observations"], cand_case["observations"])
    for cand_case in candidate.cases:
        if not baseline.has_case(cand_case["id"]):
            result.only_in_candidate.append(cand_case["id"])
            if is_regression(None, cand_case["status"]):
                result.regressions.append((cand_case["id"], None, cand_case["status"]))
            elif cand_case["status"] in GOOD:
                result.improvements.append((cand_case["id"], None, cand_case["status"]))
    return result


def _compare_observations(result, case_id, base_obs, cand_obs):
    keys = list(base_obs)
    keys.extend(k for k in cand_obs if k not in base_obs)
    for key in keys:
        b = base_obs.get(key, ABSENT)
        c = cand_obs.get(key, ABSENT)
        if b is ABSENT or c is ABSENT or not same_value(b, c):
            result.observations.append((case_id, key, b, c))

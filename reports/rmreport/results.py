"""Reading rmconform results files (schemas 1 and 2, see docs/results-format.md).

Both forms are accepted: ``results.json`` (the whole run, written at the end) and
``results.jsonl`` (one record per line, written while running; a run killed midway has only
this, without its ``end`` record). Anything unreadable becomes a :class:`ResultsError` whose
message is one line naming the file, so the command line can print it instead of a traceback.
"""

import json
import os

SCHEMA = 2                 # the schema this reader was written for
SCHEMAS = (1, 2)           # the schemas it accepts
STATUSES = ("pass", "fail", "crash", "timeout", "blocked", "observed", "unsupported", "skip")
# Statuses that mean the implementation did something wrong (as opposed to "could not tell").
BAD_STATUSES = ("fail", "crash", "timeout")
# Statuses a gate refuses: the wrong-doings, and `blocked` (a precondition on the implementation
# did not hold, so the case could not check what it is for: never green).
GATED_STATUSES = ("fail", "crash", "timeout", "blocked")
# Cases that are not part of the contract score: not applicable on this platform, or filtered out.
NOT_APPLICABLE = ("unsupported", "skip")
PROFILES = ("vista", "win7", "win8", "win10", "win11")


class ResultsError(Exception):
    """A results file that cannot be used; str() is a one-line message naming the file."""

    def __init__(self, path, what):
        super().__init__("%s: %s" % (path, what))
        self.path = path


class Run:
    """One implementation on one OS profile and architecture, as read from one file."""

    def __init__(self, path):
        self.path = path
        self.tool = {}
        self.implementation = {}
        self.os = {}
        self.platform = {}
        self.started = None
        self.finished = None
        self.complete = True
        self.selected = None      # how many cases the run meant to run (jsonl `run` record)
        self.schema = SCHEMA      # the schema the file was written in
        self.cases = []           # case dicts, in file order
        self.label = ""           # set by order_runs() so that labels are unique
        self._by_id = {}

    # -- identity ------------------------------------------------------------------------
    @property
    def name(self):
        return str(self.implementation.get("name") or "unknown")

    @property
    def os_name(self):
        return str(self.os.get("name") or "unknown")

    @property
    def arch(self):
        return str(self.implementation.get("arch") or self.tool.get("arch") or "unknown")

    @property
    def base_label(self):
        return "%s-%s-%s" % (self.name, self.os_name, self.arch)

    # -- cases -----------------------------------------------------------------------------
    def add_case(self, case):
        self._by_id[case["id"]] = case
        self.cases.append(case)

    def case(self, case_id):
        return self._by_id.get(case_id)

    def has_case(self, case_id):
        return case_id in self._by_id

    def counts(self):
        """Cases per status, counted from the cases themselves (a killed run has no summary)."""
        counts = dict((s, 0) for s in STATUSES)
        for case in self.cases:
            counts[case["status"]] += 1
        return counts

    def conformance(self):
        """Contract conformance: (pass, applicable) over the doc and obs cases, where applicable
        leaves out the unsupported and skipped ones; probes are not part of it."""
        passed = applicable = 0
        for case in self.cases:
            if case["provenance"] == "probe" or case["status"] in NOT_APPLICABLE:
                continue
            applicable += 1
            passed += case["status"] == "pass"
        return passed, applicable

    def contract_counts(self):
        """Statuses of the doc and obs cases that apply: what the headline puts beside its
        pass / applicable, so its numbers add up (probes are counted apart)."""
        counts = dict((s, 0) for s in STATUSES)
        for case in self.cases:
            if case["provenance"] != "probe" and case["status"] not in NOT_APPLICABLE:
                counts[case["status"]] += 1
        return counts

    def probes(self):
        """Probes: (observed, probe cases that are not unsupported or skipped)."""
        observed = ran = 0
        for case in self.cases:
            if case["provenance"] != "probe" or case["status"] in NOT_APPLICABLE:
                continue
            ran += 1
            observed += case["status"] == "observed"
        return observed, ran

    def headline(self):
        """One line: 'contract conformance 120/124 (fail 2, crash 0, timeout 0, blocked 2);
        probes observed 30/31'. Fail, crash, timeout and blocked count the doc and obs cases that
        apply, so pass + fail + crash + timeout + blocked = applicable."""
        passed, applicable = self.conformance()
        counts = self.contract_counts()
        observed, probes = self.probes()
        return "contract conformance %d/%d (fail %d, crash %d, timeout %d, blocked %d); probes observed %d/%d" % (
            passed, applicable, counts["fail"], counts["crash"], counts["timeout"], counts["blocked"],
            observed, probes)

    def progress(self):
        """'12 of 41 cases' for an incomplete run, or '' when complete."""
        if self.complete:
            return ""
        if isinstance(self.selected, int):
            return "%d of %d cases" % (len(self.cases), self.selected)
        return "%d cases" % len(self.cases)


def load(path):
    """Reads a results.json, a results.jsonl, or a run folder holding one of them."""
    if os.path.isdir(path):
        for name in ("results.json", "results.jsonl"):
            candidate = os.path.join(path, name)
            if os.path.isfile(candidate):
                return load(candidate)
        raise ResultsError(path, "folder holds neither results.json nor results.jsonl")
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise ResultsError(path, "cannot read (%s)" % (e.strerror or e))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ResultsError(path, "not UTF-8 text (byte %d)" % e.start)
    if not text.strip():
        raise ResultsError(path, "empty file")
    if _looks_like_jsonl(path, text):
        return _load_jsonl(path, text)
    return _load_json(path, text)


def _looks_like_jsonl(path, text):
    if path.endswith(".jsonl"):
        return True
    if path.endswith(".json"):
        return False
    # Unknown extension: a jsonl file starts with a `record` object on its first line.
    first = text.lstrip().split("\n", 1)[0]
    try:
        rec = json.loads(first)
    except ValueError:
        return False
    return isinstance(rec, dict) and "record" in rec


def _load_json(path, text):
    try:
        doc = json.loads(text)
    except ValueError as e:
        raise ResultsError(path, "not valid JSON (%s)" % _json_error(e))
    if not isinstance(doc, dict):
        raise ResultsError(path, "not a results object (top level is %s)" % _type_name(doc))
    schema = _check_schema(path, doc)
    run = Run(path)
    run.schema = schema
    _read_header(path, run, doc)
    run.finished = doc.get("finished")
    complete = doc.get("complete", True)
    run.complete = complete if isinstance(complete, bool) else True
    if isinstance(doc.get("selected"), int):
        run.selected = doc["selected"]
    cases = doc.get("cases")
    if not isinstance(cases, list):
        raise ResultsError(path, "'cases' is missing or not a list")
    for i, case in enumerate(cases):
        _add_case(path, run, case, "case #%d" % (i + 1))
    return run


def _load_jsonl(path, text):
    lines = text.split("\n")
    ends_cleanly = text.endswith("\n")
    run = None
    ended = False
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except ValueError as e:
            if number == len(lines) and not ends_cleanly and run is not None:
                # The last line was cut off when the run was killed: everything before it stands.
                run.complete = False
                break
            raise ResultsError(path, "line %d is not valid JSON (%s)" % (number, _json_error(e)))
        if not isinstance(rec, dict):
            raise ResultsError(path, "line %d is not a JSON object" % number)
        kind = rec.get("record")
        if run is None:
            if kind != "run":
                raise ResultsError(path, "line %d: expected the 'run' record first, found %s"
                                   % (number, _describe_kind(kind)))
            schema = _check_schema(path, rec)
            run = Run(path)
            run.schema = schema
            _read_header(path, run, rec)
            if isinstance(rec.get("selected"), int):
                run.selected = rec["selected"]
            continue
        if ended:
            raise ResultsError(path, "line %d: record after the 'end' record" % number)
        if kind == "case":
            _add_case(path, run, rec, "line %d" % number)
        elif kind == "end":
            ended = True
            run.finished = rec.get("finished")
        elif kind == "run":
            raise ResultsError(path, "line %d: a second 'run' record" % number)
        # Other record kinds may be added within a schema; they are ignored here.
    if run is None:
        raise ResultsError(path, "no 'run' record")
    if not ended:
        run.complete = False
    return run


def _check_schema(path, doc):
    if "schema" not in doc:
        raise ResultsError(path, "no 'schema' field: not an rmconform results file")
    schema = doc["schema"]
    if isinstance(schema, bool) or schema not in SCHEMAS:
        raise ResultsError(path, "unknown results schema %s (this rmreport reads schemas %s)"
                           % (json.dumps(schema), " and ".join(map(str, SCHEMAS))))
    return schema


def _read_header(path, run, doc):
    for field in ("tool", "implementation", "os", "platform"):
        value = doc.get(field, {})
        if value is None:
            value = {}
        if not isinstance(value, dict):
            raise ResultsError(path, "'%s' is not an object" % field)
        setattr(run, field, value)
    run.started = doc.get("started")


def _add_case(path, run, case, where):
    if not isinstance(case, dict):
        raise ResultsError(path, "%s is not a JSON object" % where)
    case_id = case.get("id")
    if not isinstance(case_id, str) or not case_id:
        raise ResultsError(path, "%s has no case id" % where)
    status = case.get("status")
    if status not in STATUSES or (run.schema == 1 and status in ("blocked", "observed")):
        raise ResultsError(path, "%s (%s) has unknown status %s" % (where, case_id, json.dumps(status)))
    if run.has_case(case_id):
        raise ResultsError(path, "%s repeats case %s" % (where, case_id))
    observations = case.get("observations", {})
    if observations is None:
        observations = {}
    if not isinstance(observations, dict):
        raise ResultsError(path, "%s (%s): 'observations' is not an object" % (where, case_id))
    clean = dict(case)
    clean.pop("record", None)
    clean["observations"] = observations
    clean["area"] = str(case.get("area") or case_id.split(".", 1)[0])
    for field in ("title", "spec", "provenance", "message", "blocked_by"):
        clean[field] = "" if case.get(field) is None else str(case.get(field))
    if run.schema == 1 and clean["provenance"] == "probe" and status == "pass":
        # Schema 1 called a probe that ran to the end `pass`; schema 2 calls it `observed`.
        # Read as schema 2 so that runs of both schemas compare case by case.
        clean["status"] = "observed"
    run.add_case(clean)


def _json_error(e):
    if isinstance(e, json.JSONDecodeError):
        return "%s, line %d column %d" % (e.msg, e.lineno, e.colno)
    return str(e).split("\n", 1)[0]


def _type_name(value):
    return {list: "an array", str: "a string", int: "a number", float: "a number",
            bool: "a boolean", type(None): "null"}.get(type(value), type(value).__name__)


def _describe_kind(kind):
    return "record %s" % json.dumps(kind) if kind is not None else "a line without 'record'"


def load_all(paths):
    """Loads every path and gives each run a unique label; returns them in display order."""
    return order_runs([load(p) for p in paths])


def order_runs(runs):
    """Orders runs for display: by OS profile, then architecture, then the native DLL first,
    the reference implementation next, others by name; labels made unique."""
    def key(run):
        os_index = PROFILES.index(run.os_name) if run.os_name in PROFILES else len(PROFILES)
        impl_rank = {"system": 0, "rmref": 1}.get(run.name, 2)
        return (os_index, run.os_name, run.arch, impl_rank, run.name)
    ordered = sorted(runs, key=key)
    # Under Wine, "system" is Wine's own rstrtmgr.dll, not Windows': the label says so.
    for run in ordered:
        run.label = run.base_label + (" (wine)" if run.os.get("wine") else "")
    # Runs of one label from different machines (two runner images reporting the same
    # profile) are told apart by the OS build, then by a counter.
    groups = {}
    for run in ordered:
        groups.setdefault(run.label, []).append(run)
    for label, group in groups.items():
        builds = [r.os.get("build") for r in group]
        if len(group) > 1 and None not in builds and len(set(map(str, builds))) == len(group):
            for run in group:
                run.label = "%s build %s" % (label, run.os.get("build"))
    seen = {}
    for run in ordered:
        n = seen.get(run.label, 0) + 1
        seen[run.label] = n
        if n > 1:
            run.label = "%s #%d" % (run.label, n)
    return ordered


def case_rows(runs):
    """Every case id seen in any run, grouped by area: [(area, [(case_id, case_meta)])].

    Areas and cases keep the order in which the runs list them (the runner's order)."""
    areas = []
    by_area = {}
    seen = set()
    for run in runs:
        for case in run.cases:
            if case["id"] in seen:
                continue
            seen.add(case["id"])
            if case["area"] not in by_area:
                by_area[case["area"]] = []
                areas.append(case["area"])
            by_area[case["area"]].append((case["id"], case))
    return [(area, by_area[area]) for area in areas]


def format_value(value):
    """An observation value as text: strings as they are, anything else as JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def same_value(a, b):
    """Exact JSON equality (True is not 1, 1 is not 1.0 written differently)."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)

"""The command line as ./rmc and CI call it: outputs, exit codes, one-line errors."""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from html.parser import HTMLParser

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
REPORTS = os.path.dirname(HERE)
STATUSES = {"pass", "fail", "crash", "timeout", "blocked", "observed", "unsupported", "skip", "missing"}


def data(name):
    return os.path.join(DATA, name)


def rmreport(*args):
    env = dict(os.environ, PYTHONPATH=REPORTS, PYTHONDONTWRITEBYTECODE="1", PYTHONIOENCODING="ascii")
    env.pop("RMREPORT_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "rmreport"] + list(args), env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)


class PageScan(HTMLParser):
    """Collects what the tests look at in the generated page."""

    def __init__(self):
        super().__init__()
        self.cells = []            # (case, run, status) of run cells
        self.baseline_cells = []
        self.urls = []             # every src/href value
        self.tags = set()
        self.atlas_cases = 0
        self.csp = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.add(tag)
        for key in ("src", "href"):
            if key in a:
                self.urls.append(a[key])
        if "data-cell" in a:
            self.cells.append((a["data-cell"], a.get("data-run"), a.get("data-status")))
        if "data-baseline-cell" in a:
            self.baseline_cells.append(a["data-baseline-cell"])
        if tag == "tbody" and "atlas-case" in (a.get("class") or ""):
            self.atlas_cases += 1
        if tag == "meta" and a.get("http-equiv") == "Content-Security-Policy":
            self.csp = a.get("content")


class Html(unittest.TestCase):
    def setUp(self):
        self.out = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.out)

    def page(self, *args):
        r = rmreport("html", *(list(args) + ["-o", self.out]))
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(self.out, "index.html"), encoding="utf-8") as f:
            text = f.read()
        scan = PageScan()
        scan.feed(text)
        return text, scan

    def test_one_cell_per_case_and_run(self):
        text, scan = self.page(data("rmref-win10-x64.json"), data("system-win10-x64.json"),
                               data("system-win7-x64.truncated.jsonl"))
        self.assertEqual(len(scan.cells), 14 * 3)
        self.assertEqual(len(set((c, r) for c, r, _ in scan.cells)), 14 * 3)
        self.assertTrue(all(s in STATUSES for _, _, s in scan.cells))
        # The killed run: 5 cases reported, 9 shown as not in the run, and flagged incomplete.
        win7 = [s for _, r, s in scan.cells if r == "system-win7-x64 (wine)"]
        self.assertEqual(win7.count("missing"), 9)
        self.assertIn("incomplete: 5 of 14 cases", text)
        self.assertEqual(scan.baseline_cells, [])

    def test_headline_is_contract_conformance(self):
        text, _ = self.page(data("system-win10-x64.json"))
        self.assertIn('data-headline="contract conformance 3/9 (fail 4, crash 1, timeout 0, blocked 1); '
                      'probes observed 1/3"', text)
        self.assertIn('data-probes="1/3"', text)

    def test_self_contained(self):
        text, scan = self.page(data("system-win10-x64.json"))
        self.assertTrue(all(u.startswith("#") for u in scan.urls), scan.urls)
        self.assertIn("default-src 'none'", scan.csp)
        self.assertIn("svg", scan.tags)
        self.assertNotIn("<link", text)

    def test_untrusted_text_is_escaped(self):
        text, _ = self.page(data("system-win10-x64.json"))
        self.assertIn("&lt;reading 0x0&gt;", text)
        self.assertNotIn("<reading 0x0>", text)

    def test_atlas_lists_every_probe_case(self):
        text, scan = self.page(data("rmref-win10-x64.json"), data("system-win10-x64.json"))
        self.assertEqual(scan.atlas_cases, 3)
        self.assertIn("start time descending", text)

    def test_baseline_column_and_markers(self):
        text, scan = self.page(data("rmref-win10-x64.json"), "--baseline", data("baseline-win10-x64.json"))
        self.assertEqual(len(scan.baseline_cells), 14)
        self.assertEqual(len(scan.cells), 14)
        self.assertIn('class="cell st-fail regressed"', text)
        self.assertIn("1 regression, 0 improvements, 5 observation differences", text)

    def test_filters_cover_every_area_and_status(self):
        text, _ = self.page(data("system-win10-x64.json"))
        for area in ("exports", "session", "join", "register", "getlist", "badargs"):
            self.assertIn('name="area" value="%s"' % area, text)
        for status in STATUSES:
            self.assertIn('name="status" value="%s"' % status, text)


class Markdown(unittest.TestCase):
    def test_summary(self):
        r = rmreport("markdown", data("rmref-win10-x64.json"), data("system-win10-x64.json"),
                     data("system-win7-x64.truncated.jsonl"))
        self.assertEqual(r.returncode, 0, r.stderr)
        out = r.stdout.decode("utf-8")
        # The headline comes first: contract conformance, then fail/crash/timeout/blocked, probes apart.
        self.assertIn("| `system-win10-x64 (wine)` | **3 / 9** | 4 | 1 | 0 | 1 | 1 / 3 | complete |", out)
        self.assertLess(out.index("contract conformance"), out.index("Every status"))
        self.assertIn("⊘ blocked `getlist.more_data_reports_needed`", out)
        self.assertIn("| `rmref-win10-x64 (wine)` | 10 | 1 | 0 | 0 | 0 | 3 | 0 | 0 | complete |", out)
        self.assertIn("| `system-win10-x64 (wine)` | 3 | 4 | 2 | 1 | 1 | 1 | 1 | 1 | complete |", out)
        self.assertIn("**incomplete** (5 of 14 cases)", out)
        self.assertIn("`register.zero_resources`", out)
        self.assertIn("☠ crash `join.same_key_joins`", out)
        self.assertNotIn("Against the baseline", out)
        self.assertLess(len(out.splitlines()), 80)

    def test_summary_with_baseline(self):
        r = rmreport("markdown", data("rmref-win10-x64.json"), "--baseline", data("baseline-win10-x64.json"))
        self.assertEqual(r.returncode, 0, r.stderr)
        out = r.stdout.decode("utf-8")
        self.assertIn("### Against the baseline `system-win10-x64`", out)
        self.assertIn("| `rmref-win10-x64 (wine)` | **1** | 0 | 5 |", out)
        self.assertIn("- `register.zero_resources`: pass → fail", out)


class Diff(unittest.TestCase):
    def test_regression_exits_1_and_lists_observations(self):
        r = rmreport("diff", data("baseline-win10-x64.json"), data("rmref-win10-x64.json"))
        self.assertEqual(r.returncode, 1, r.stderr)
        out = r.stdout.decode("utf-8")
        self.assertIn("regressions: 1", out)
        self.assertIn("register.zero_resources: pass -> fail", out)
        self.assertIn("observations that differ: 5", out)
        self.assertIn('getlist.order_of_processes: order: ["fixture_a", "fixture_b"] -> ["fixture_b", "fixture_a"]', out)
        self.assertIn("session.key_charset: key.sample: (absent) -> ", out)

    def test_no_regression_exits_0(self):
        r = rmreport("diff", data("rmref-win10-x64.json"), data("baseline-win10-x64.json"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("improvements: 1", r.stdout.decode("utf-8"))
        r = rmreport("diff", data("rmref-win10-x64.json"), data("rmref-win10-x64.jsonl"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("result: no regression", r.stdout.decode("utf-8"))


class Errors(unittest.TestCase):
    def assert_one_line_error(self, result, name):
        self.assertEqual(result.returncode, 2)
        err = result.stderr.decode("utf-8")
        self.assertNotIn("Traceback", err)
        self.assertEqual(len(err.strip().splitlines()), 1, err)
        self.assertIn(name, err)

    def test_bad_files_in_every_command(self):
        for bad in ("malformed.json", "unknown-schema.json", "unknown-schema.jsonl", "malformed-line.jsonl",
                    "bad-status.json", "not-results.json", "missing.json"):
            with self.subTest(bad=bad):
                tmp = tempfile.mkdtemp()
                self.addCleanup(shutil.rmtree, tmp)
                self.assert_one_line_error(rmreport("html", data("rmref-win10-x64.json"), data(bad), "-o", tmp), bad)
                self.assertFalse(os.path.exists(os.path.join(tmp, "index.html")))
                self.assert_one_line_error(rmreport("markdown", data(bad)), bad)
                self.assert_one_line_error(rmreport("diff", data(bad), data("rmref-win10-x64.json")), bad)
                self.assert_one_line_error(rmreport("diff", data("rmref-win10-x64.json"), data(bad)), bad)
                self.assert_one_line_error(rmreport("markdown", data("rmref-win10-x64.json"),
                                                    "--baseline", data(bad)), bad)

    def test_bad_arguments(self):
        r = rmreport("html", data("rmref-win10-x64.json"))   # no -o
        self.assertEqual(r.returncode, 2)
        self.assertNotIn(b"Traceback", r.stderr)
        r = rmreport("frobnicate")
        self.assertEqual(r.returncode, 2)


if __name__ == "__main__":
    unittest.main()

"""The HTML report opened in headless Chromium: it loads with no console output or page
error, shows one cell per case and run, and its filters work.

Registered in CTest as reports.chromium. Chromium is installed by ./rmc setup (Debian's
`chromium`), so its absence is a failure with a clear message, not a skip. RMC_CHROMIUM may
name another Chromium-like browser.

Two signals are checked, so that neither a quiet console nor a quiet DOM alone is trusted:
Chromium's own log (`--enable-logging=stderr --v=0` prints every console message, and the
page itself never writes to the console), and the error hook of the page, which records
uncaught errors and Content-Security-Policy violations as attributes of <html>. A control
page with a deliberate error checks that both signals still work with this Chromium.
"""

import os
import re
import shutil
import signal
import subprocess
import tempfile
import unittest
from html.parser import HTMLParser

from rmreport.html_report import write
from rmreport.results import load, load_all

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
RUNS = ["rmref-win10-x64.json", "system-win10-x64.json", "system-win7-x64.truncated.jsonl"]
BASELINE = "baseline-win10-x64.json"
N_CASES = 14
CONSOLE_LINE = re.compile(r"CONSOLE[(:]")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--enable-logging=stderr", "--v=0"]


def find_chromium():
    for name in (os.environ.get("RMC_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


class Dom(HTMLParser):
    def __init__(self):
        super().__init__()
        self.root = {}
        self.cells = []
        self.visible_rows = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.root = a
        if tag == "td" and "data-cell" in a:
            self.cells.append((a["data-cell"], a.get("data-run"), a.get("data-status")))


def dump_dom(chromium, page):
    """Runs Chromium on the page; returns (dumped DOM, Chromium's stderr)."""
    profile = tempfile.mkdtemp(prefix="rmreport-chromium-")
    try:
        proc = subprocess.Popen([chromium] + FLAGS + ["--user-data-dir=" + profile, "--dump-dom",
                                                      "file://" + os.path.abspath(page)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        try:
            out, err = proc.communicate(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)   # the group this test started, nothing else
            proc.communicate()
            raise AssertionError("chromium did not finish within 90 s on " + page)
        if proc.returncode != 0:
            raise AssertionError("chromium exited with %d on %s:\n%s"
                                 % (proc.returncode, page, err.decode("utf-8", "replace")[-2000:]))
        return out.decode("utf-8", "replace"), err.decode("utf-8", "replace")
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def console_lines(stderr):
    return [line for line in stderr.splitlines() if CONSOLE_LINE.search(line)]


class ChromiumPage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.chromium = find_chromium()
        cls.tmp = tempfile.mkdtemp(prefix="rmreport-page-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        if self.chromium is None:
            self.fail("chromium not found (it is installed by ./rmc setup: Debian's 'chromium' package; "
                      "or set RMC_CHROMIUM to a Chromium binary)")

    def report(self, name, extra_script=None):
        path = os.path.join(self.tmp, name)
        write(path, load_all([os.path.join(DATA, r) for r in RUNS]), load(os.path.join(DATA, BASELINE)))
        if extra_script:
            with open(path, encoding="utf-8") as f:
                text = f.read()
            text = text.replace("</body>", "<script>%s</script></body>" % extra_script)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        return path

    def test_page_loads_cleanly_with_one_cell_per_case_and_run(self):
        dom_text, stderr = dump_dom(self.chromium, self.report("index.html"))
        dom = Dom()
        dom.feed(dom_text)
        self.assertEqual(console_lines(stderr), [], "the page wrote to the console")
        self.assertNotIn("data-page-errors", dom.root, dom.root.get("data-last-error"))
        self.assertEqual(dom.root.get("data-ready"), "1", "the page's script did not run to its end")
        self.assertEqual(len(dom.cells), N_CASES * len(RUNS))
        self.assertEqual(len(set((c, r) for c, r, _ in dom.cells)), N_CASES * len(RUNS))
        runs = set(r for _, r, _ in dom.cells)
        self.assertEqual(runs, {"rmref-win10-x64 (wine)", "system-win10-x64 (wine)", "system-win7-x64 (wine)"})

    def test_filters(self):
        # Ticks only "crash", reads how many rows stay visible, then only the "join" area with
        # every status, and records both counts into the DOM for the dump.
        script = """
(function () {
  var f = document.getElementById("filters"), i;
  function tick(name, keep) {
    var boxes = f.querySelectorAll("input[name='" + name + "']");
    for (i = 0; i < boxes.length; i++) { boxes[i].checked = keep(boxes[i].value); }
    f.dispatchEvent(new Event("change"));
  }
  function visible() { return document.querySelectorAll("#matrix tr.case:not([hidden])").length; }
  tick("status", function (v) { return v === "crash"; });
  var crashRows = visible();
  tick("status", function () { return true; });
  tick("area", function (v) { return v === "join"; });
  document.documentElement.setAttribute("data-test-counts", crashRows + "," + visible() + "," +
    document.querySelectorAll("#atlas tbody.atlas-case:not([hidden])").length);
})();
"""
        dom_text, stderr = dump_dom(self.chromium, self.report("filters.html", script))
        dom = Dom()
        dom.feed(dom_text)
        self.assertEqual(console_lines(stderr), [])
        self.assertNotIn("data-page-errors", dom.root, dom.root.get("data-last-error"))
        # 2 cases crash in system-win10-x64; the join area has 2 cases, one of them a probe.
        self.assertEqual(dom.root.get("data-test-counts"), "2,2,1")

    def test_control_page_errors_are_detected(self):
        # If this fails, the two signals above prove nothing with this Chromium.
        path = os.path.join(self.tmp, "control.html")
        with open(self.report("control-base.html"), encoding="utf-8") as f:
            text = f.read()
        text = text.replace("</body>", '<img src="https://example.invalid/x.png">'
                                       '<script>console.log("control"); no_such_function();</script></body>')
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        dom_text, stderr = dump_dom(self.chromium, path)
        dom = Dom()
        dom.feed(dom_text)
        self.assertTrue(any("control" in line for line in console_lines(stderr)),
                        "chromium's log no longer shows console messages; stderr:\n" + stderr[-2000:])
        # At least the blocked image (CSP violation, failed load) and the ReferenceError.
        self.assertGreaterEqual(int(dom.root.get("data-page-errors", "0")), 2, dom.root)


if __name__ == "__main__":
    unittest.main()

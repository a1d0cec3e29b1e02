"""The inline CSS and JavaScript of the HTML report (the page loads nothing from elsewhere)."""

# Each status has a colour and a symbol, so the matrix also reads in grey scale or when
# printed; the symbols are listed in the legend. `missing` is a case the run did not report.
STATUS_STYLE = {
    # status: (symbol, cell background, cell text, chart colour, explanation)
    "pass": ("✓", "#dafbe1", "#116329", "#2da44e", "passed"),
    "fail": ("✗", "#ffebe9", "#a40e26", "#cf222e", "a check failed"),
    "crash": ("☠\ufe0e", "#eddcff", "#5a2aa8", "#8250df", "the case's process died"),
    "timeout": ("◷", "#fff1b8", "#6f4400", "#d4a72c", "the watchdog stopped the case"),
    "blocked": ("⊘", "#ffe2cc", "#8a3300", "#e16f24",
                "a precondition on the implementation did not hold; the case named checks it"),
    "observed": ("◉", "#ddf4ff", "#0a3069", "#54aeff", "a probe ran to the end: what it saw is recorded"),
    "unsupported": ("∅", "#eaeef2", "#424a53", "#8c959f", "the platform lacks something the case needs"),
    "skip": ("↷", "#f6f8fa", "#57606a", "#d0d7de", "filtered out"),
    "missing": ("·", "#ffffff", "#6e7781", "#f0f0f0", "not in this run (not run, or the run was stopped first)"),
}

# Recorded into the DOM so a headless browser (and a curious reader) can see that the page
# ran cleanly: uncaught errors, failed loads and anything the Content-Security-Policy blocked.
ERROR_HOOK_JS = """
(function () {
  var root = document.documentElement, count = 0;
  function record(what) {
    count += 1;
    root.setAttribute("data-page-errors", String(count));
    root.setAttribute("data-last-error", String(what).slice(0, 300));
  }
  window.addEventListener("error", function (e) {
    var t = e.target, src = t && (t.src || t.href);
    record(e.message || ("failed to load " + (src || "a resource")));
  }, true);
  window.addEventListener("unhandledrejection", function (e) { record("unhandled rejection: " + e.reason); });
  document.addEventListener("securitypolicyviolation", function (e) { record("blocked " + e.blockedURI); });
})();
"""

FILTER_JS = """
(function () {
  "use strict";
  var root = document.documentElement;
  var form = document.getElementById("filters");
  function ticked(name) {
    var set = {}, boxes = form.querySelectorAll("input[name='" + name + "']");
    for (var i = 0; i < boxes.length; i++) { if (boxes[i].checked) { set[boxes[i].value] = true; } }
    return set;
  }
  function apply() {
    var areas = ticked("area"), statuses = ticked("status");
    var onlyDiffering = form.querySelector("input[name='differs']").checked;
    var rows = document.querySelectorAll("#matrix tr.case"), shown = 0, i;
    for (i = 0; i < rows.length; i++) {
      var row = rows[i], show = areas[row.getAttribute("data-area")] === true;
      if (show) {
        show = row.getAttribute("data-statuses").split(" ").some(function (s) { return statuses[s] === true; });
      }
      if (show && onlyDiffering) { show = row.getAttribute("data-differs") === "1"; }
      row.hidden = !show;
      if (show) { shown += 1; }
    }
    var groups = document.querySelectorAll("#matrix tbody.area");
    for (i = 0; i < groups.length; i++) {
      groups[i].hidden = groups[i].querySelector("tr.case:not([hidden])") === null;
    }
    var atlas = document.querySelectorAll("#atlas tbody.atlas-case");
    for (i = 0; i < atlas.length; i++) {
      var a = atlas[i];
      a.hidden = areas[a.getAttribute("data-area")] !== true ||
        (onlyDiffering && a.getAttribute("data-differs") !== "1");
    }
    document.getElementById("shown").textContent = shown + " of " + rows.length + " cases shown";
  }
  form.addEventListener("change", apply);
  form.addEventListener("click", function (e) {
    var button = e.target.closest("button[data-group]");
    if (!button) { return; }
    e.preventDefault();
    var on = button.getAttribute("data-set") === "all";
    var boxes = form.querySelectorAll("input[name='" + button.getAttribute("data-group") + "']");
    for (var i = 0; i < boxes.length; i++) { boxes[i].checked = on; }
    apply();
  });
  // One cell's details open at a time in the matrix.
  document.addEventListener("toggle", function (e) {
    var d = e.target;
    if (!d.open || !d.closest || !d.closest("#matrix")) { return; }
    var open = document.querySelectorAll("#matrix details[open]");
    for (var i = 0; i < open.length; i++) { if (open[i] !== d) { open[i].open = false; } }
  }, true);
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") { return; }
    var open = document.querySelectorAll("#matrix details[open]");
    for (var i = 0; i < open.length; i++) { open[i].open = false; }
  });
  apply();
  root.setAttribute("data-ready", "1");
})();
"""

CSS_BASE = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 1.5rem 3rem;
       color: #1f2328; background: #fff; }
h1 { font-size: 1.5rem; margin: 1rem 0 0.2rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 0.5rem; border-bottom: 1px solid #d0d7de; padding-bottom: 0.2rem; }
code, .mono { font-family: ui-monospace, "Cascadia Mono", Consolas, "DejaVu Sans Mono", monospace; font-size: 12px; }
nav a { margin-right: 1rem; }
.meta { color: #57606a; margin: 0; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; }
th, td { border: 1px solid #d0d7de; padding: 2px 6px; vertical-align: top; }
th { background: #f6f8fa; text-align: left; font-weight: 600; }
table.runs td, table.runs th { padding: 4px 8px; }
.incomplete { color: #a40e26; font-weight: 600; }
.legend { display: flex; flex-wrap: wrap; gap: 0.3rem 1rem; margin: 0.5rem 0; padding: 0; list-style: none; }
.legend li { display: flex; align-items: center; gap: 0.3rem; }
.sym { display: inline-block; min-width: 1.6em; text-align: center; font-weight: 700; border-radius: 3px;
       padding: 0 2px; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
form#filters { display: flex; flex-wrap: wrap; gap: 0.5rem 2rem; background: #f6f8fa; border: 1px solid #d0d7de;
               padding: 0.5rem 0.8rem; border-radius: 6px; margin: 0.5rem 0; }
form#filters fieldset { border: 0; margin: 0; padding: 0; }
form#filters legend { font-weight: 600; padding: 0; }
form#filters label { margin-right: 0.7rem; white-space: nowrap; }
form#filters button { font-size: 11px; padding: 0 4px; }
#shown { color: #57606a; margin: 0.3rem 0; }
table.matrix th.run { font-family: ui-monospace, Consolas, monospace; font-size: 11px;
  writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; text-align: left;
  vertical-align: bottom; padding: 6px 2px; }
th.baseline { background: #fff8c5; }
table.atlas th.run { font-family: ui-monospace, Consolas, monospace; font-size: 11px; white-space: nowrap; }
tr.area-row th { background: #ddf4ff; font-size: 13px; }
th.case-name { font-weight: normal; background: #fff; max-width: 34rem; }
th.case-name .title { color: #57606a; font-size: 12px; }
.prov { font-size: 10px; border-radius: 8px; padding: 0 5px; border: 1px solid #d0d7de; color: #57606a;
        margin-left: 0.3rem; }
.prov-probe { border-color: #8250df; color: #6e40c9; }
.prov-obs { border-color: #0969da; color: #0550ae; }
.spec { color: #57606a; font-size: 11px; margin-left: 0.3rem; }
td.cell { text-align: center; padding: 0; position: relative; min-width: 2.2em; }
td.cell > details > summary { list-style: none; cursor: pointer; padding: 2px 4px; white-space: nowrap; }
td.cell > details > summary::-webkit-details-marker { display: none; }
td.cell > details > summary:focus-visible { outline: 2px solid #0969da; }
.mark { font-size: 10px; font-weight: 700; margin-left: 1px; }
td.regressed { outline: 2px solid #a40e26; outline-offset: -2px; }
.pop { position: absolute; z-index: 10; top: 100%; left: 0; min-width: 22rem; max-width: 40rem; text-align: left;
       background: #fff; border: 1px solid #8c959f; border-radius: 6px; box-shadow: 0 4px 12px rgba(0,0,0,.2);
       padding: 0.5rem 0.7rem; white-space: normal; color: #1f2328; font-weight: normal; }
.pop p { margin: 0 0 0.3rem; }
.pop .msg { font-family: ui-monospace, Consolas, monospace; font-size: 12px; white-space: pre-wrap;
            word-break: break-word; }
table.obs td, table.obs th { font-size: 12px; border-color: #eaeef2; }
table.obs th { font-family: ui-monospace, Consolas, monospace; font-weight: normal; }
tr.obs-diff td, tr.obs-diff th { background: #fff8c5; }
table.atlas td { font-family: ui-monospace, Consolas, monospace; font-size: 12px; max-width: 18rem;
                 word-break: break-word; }
table.atlas tr.atlas-head th { background: #ddf4ff; font-weight: normal; }
table.atlas tr.differs th.key { background: #fff8c5; }
table.atlas tr.differs td { background: #fffbe6; }
.absent { color: #8c959f; }
.none { color: #57606a; font-style: italic; }
svg text { font-family: system-ui, "Segoe UI", sans-serif; }
"""


def status_css():
    rules = []
    for status, (_sym, bg, fg, _chart, _why) in STATUS_STYLE.items():
        rules.append(".st-%s { background: %s; color: %s; }" % (status, bg, fg))
    return "\n".join(rules)


def css():
    return CSS_BASE + status_css() + "\n"

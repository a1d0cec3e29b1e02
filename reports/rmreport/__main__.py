"""Command line: python3 -m rmreport {html,markdown,diff,gate} ...

Exit codes: 0 fine; 1 `diff` found a regression, or `gate` refused the runs; 2 bad input (unreadable, malformed or
unknown-schema results file, bad arguments), always with a one-line message, never a traceback.
"""

import argparse
import os
import sys

from . import __version__
from .compare import compare
from .gate import gate
from .html_report import write as write_html
from .results import ResultsError, load, load_all
from .text import diff_lines, markdown


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        sys.stderr.write("rmreport: error: %s\n" % message)
        sys.exit(2)


def _parser():
    p = _Parser(prog="rmreport", description="Reports from rmconform results (results.json or results.jsonl).")
    p.add_argument("--version", action="version", version="rmreport " + __version__)
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    h = sub.add_parser("html", help="write DIR/index.html: matrix, chart, behaviour atlas")
    h.add_argument("results", nargs="+", metavar="RESULTS")
    h.add_argument("--baseline", metavar="FILE")
    h.add_argument("-o", "--out", metavar="DIR", required=True)

    m = sub.add_parser("markdown", help="print a short Markdown summary (CI step summary)")
    m.add_argument("results", nargs="+", metavar="RESULTS")
    m.add_argument("--baseline", metavar="FILE")

    d = sub.add_parser("diff", help="compare a run with a baseline; exit 1 on a regression")
    d.add_argument("baseline", metavar="BASELINE")
    d.add_argument("candidate", metavar="CANDIDATE")

    g = sub.add_parser("gate", help="exit 1 when a run is incomplete, a gated run has a fail, crash, "
                                    "timeout or blocked case, or regresses against --baseline")
    g.add_argument("results", nargs="+", metavar="RESULTS")
    g.add_argument("--baseline", metavar="FILE")
    g.add_argument("--no-gate", metavar="NAME", action="append", default=[],
                   help="implementation.name of a run that is reported, not gated (repeatable)")
    return p


def _out(text):
    # Symbols (✓ ✗ …) must not fail on a console that is not UTF-8 (e.g. cp1252 on Windows).
    data = (text if text.endswith("\n") else text + "\n").encode("utf-8")
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.flush()


def run(argv):
    args = _parser().parse_args(argv)
    if args.command == "html":
        runs = load_all(args.results)
        baseline = load_all([args.baseline])[0] if args.baseline else None
        try:
            os.makedirs(args.out, exist_ok=True)
            path = os.path.join(args.out, "index.html")
            write_html(path, runs, baseline)
        except OSError as e:
            raise ResultsError(args.out, "cannot write the report (%s)" % (e.strerror or e))
        _out(path)
        return 0
    if args.command == "markdown":
        runs = load_all(args.results)
        baseline = load_all([args.baseline])[0] if args.baseline else None
        _out(markdown(runs, baseline))
        return 0
    if args.command == "diff":
        baseline = load_all([args.baseline])[0]
        candidate = load_all([args.candidate])[0]
        comparison = compare(baseline, candidate)
        _out("\n".join(diff_lines(comparison)))
        return 1 if comparison.has_regressions else 0
    if args.command == "gate":
        runs = load_all(args.results)
        baseline = load_all([args.baseline])[0] if args.baseline else None
        result = gate(runs, baseline, set(args.no_gate))
        _out("\n".join(result.lines()))
        return 0 if result.passed else 1
    return 2


def main(argv=None):
    try:
        return run(sys.argv[1:] if argv is None else argv)
    except ResultsError as e:
        sys.stderr.write("rmreport: error: %s\n" % e)
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # a bug here, or input shaped in a way no check foresaw
        if os.environ.get("RMREPORT_DEBUG"):
            raise
        sys.stderr.write("rmreport: internal error: %s: %s (RMREPORT_DEBUG=1 shows the traceback)\n"
                         % (type(e).__name__, " ".join(str(e).split())))
        return 2


if __name__ == "__main__":
    sys.exit(main())

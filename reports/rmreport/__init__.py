"""rmreport: reads rmconform results (schema 1) and turns them into reports.

Standard library only, so it runs on a stock Windows runner as well as here. Entry point:
``python3 -m rmreport {html,markdown,diff} ...`` with ``reports/`` on PYTHONPATH.
"""

__version__ = "0.1.0"

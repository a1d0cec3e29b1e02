#!/usr/bin/env python3
"""run_mutants.py — the suite's kill rate: build copies of rmref that each carry one deliberate,
spec-derived defect (a mutant, described by one file in mutants/defs/), run the cases that could
notice it, and report which mutants the suite kills, by which cases and with which message.

A mutant is killed when a `doc` or `obs` case that passes against the unmodified rmref (the
baseline, built and run the same way) fails, crashes or times out against the mutant; when a
single case does, it is rerun and must fail again (a timing flake under load is not a kill). Probes never kill. reference-impl/
is never touched: each mutant is a copy in <out>/src/<id>/; one shared work tree is synced to it
and rebuilt, so only the edited file is recompiled.

Exit status: 0 when the run completed (survivors are reported, never an error: this is a
measurement, not a gate); 1 with --smoke when the machinery check fails; 2 on usage or
build-system errors. Python 3 stdlib only.
"""
import argparse
import filecmp
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
KILL_STATUSES = ("fail", "crash", "timeout")
SMOKE_IDS = ("getlist.reasons_never_written", "session.key_31_chars")
SMOKE_STALE = os.path.join(HERE, "smoke", "stale.mutant")


# ---- mutant files ---------------------------------------------------------------------------

class MutantError(Exception):
    pass


def parse_mutant(path):
    """One mutant: `key: value` header lines (id, spec, defect, areas, cases), then one or more
    edits, each `edit: <file under reference-impl/>` followed by `--- original`, the exact text,
    `--- replacement`, the new text, `--- end`."""
    m = {"path": path, "edits": [], "cases": []}
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("edit:"):
            edit = {"file": line[5:].strip()}
            for part in ("original", "replacement"):
                if i >= len(lines) or lines[i].strip() != "--- " + part:
                    raise MutantError("%s: expected '--- %s' after line %d" % (path, part, i))
                i += 1
                body = []
                while i < len(lines) and lines[i].strip() not in ("--- replacement", "--- end"):
                    body.append(lines[i])
                    i += 1
                edit[part] = "\n".join(body)
            if i >= len(lines) or lines[i].strip() != "--- end":
                raise MutantError("%s: edit of %s lacks '--- end'" % (path, edit["file"]))
            i += 1
            m["edits"].append(edit)
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise MutantError("%s: line %d is neither 'key: value' nor an edit" % (path, i))
        key = key.strip()
        if key == "cases":
            m["cases"] += value.split()
        else:
            m[key] = value.strip()
    for key in ("id", "spec", "defect", "cases"):
        if not m.get(key):
            raise MutantError("%s: missing '%s:'" % (path, key))
    if not m["edits"]:
        raise MutantError("%s: no edit" % path)
    return m


def load_mutants(defs_dir):
    out = []
    for name in sorted(os.listdir(defs_dir)):
        if name.endswith(".mutant"):
            out.append(parse_mutant(os.path.join(defs_dir, name)))
    ids = [m["id"] for m in out]
    dup = sorted({x for x in ids if ids.count(x) > 1})
    if dup:
        raise MutantError("duplicate mutant ids: %s" % ", ".join(dup))
    return out


# ---- source trees ---------------------------------------------------------------------------

IGNORE = shutil.ignore_patterns("tests", "scenario", "*.orig", "*.rej")


def copy_pristine(refimpl, dest):
    if os.path.isdir(dest):
        shutil.rmtree(dest)
    shutil.copytree(refimpl, dest, ignore=IGNORE)


def apply_edits(pristine, mutant):
    """{relative file: new text}, or raises MutantError naming the stale edit."""
    changed = {}
    for e in mutant["edits"]:
        path = os.path.join(pristine, e["file"])
        if e["file"] in changed:
            text = changed[e["file"]]
        elif os.path.isfile(path):
            text = open(path, encoding="utf-8", newline="").read()
        else:
            raise MutantError("stale: %s does not exist" % e["file"])
        n = text.count(e["original"])
        if n != 1:
            raise MutantError("stale: the original text occurs %d times in %s (must be exactly once)"
                              % (n, e["file"]))
        changed[e["file"]] = text.replace(e["original"], e["replacement"])
    return changed


def write_tree(pristine, dest, changed):
    copy_pristine(pristine, dest)
    for rel, text in changed.items():
        with open(os.path.join(dest, rel), "w", encoding="utf-8", newline="") as f:
            f.write(text)


def sync_tree(src, work):
    """Make `work` hold exactly `src`'s files, rewriting only those that differ (new mtime, so
    the build recompiles just them)."""
    os.makedirs(work, exist_ok=True)
    for dirpath, dirnames, filenames in os.walk(src):
        rel = os.path.relpath(dirpath, src)
        os.makedirs(os.path.join(work, rel), exist_ok=True)
        for name in filenames:
            s, w = os.path.join(dirpath, name), os.path.join(work, rel, name)
            if not os.path.isfile(w) or not filecmp.cmp(s, w, shallow=False):
                shutil.copyfile(s, w)
    for dirpath, dirnames, filenames in os.walk(work):
        rel = os.path.relpath(dirpath, work)
        for name in filenames:
            if not os.path.exists(os.path.join(src, rel, name)):
                os.remove(os.path.join(dirpath, name))


# ---- building -------------------------------------------------------------------------------

def run(cmd, log, **kw):
    with open(log, "a") as f:
        f.write("$ %s\n" % " ".join(cmd))
        f.flush()
        return subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, **kw).returncode


class Builder:
    def __init__(self, root, out, toolchain, jobs):
        self.root, self.out, self.jobs = root, out, jobs
        self.work = os.path.join(out, "work", "reference-impl")
        self.bdir = os.path.join(out, "work", "build")
        self.log = os.path.join(out, "build.log")
        self.toolchain = toolchain
        self.configured = False

    def build(self, src_tree, dll_dest):
        sync_tree(src_tree, self.work)
        if not self.configured and not os.path.isfile(os.path.join(self.bdir, "CMakeCache.txt")):
            cmd = ["cmake", "-S", os.path.join(HERE, "rmref-project"), "-B", self.bdir,
                   "-DCMAKE_TOOLCHAIN_FILE=" + self.toolchain, "-DRMREF_SRC=" + self.work,
                   "-DRMC_ROOT=" + self.root]
            if shutil.which("ninja"):
                cmd += ["-G", "Ninja"]
            if run(cmd, self.log):
                raise RuntimeError("configuring the mutant build failed; see " + self.log)
        self.configured = True
        if run(["cmake", "--build", self.bdir, "--target", "rmref", "-j", str(self.jobs)], self.log):
            return False
        os.makedirs(os.path.dirname(dll_dest), exist_ok=True)
        shutil.copyfile(os.path.join(self.bdir, "bin", "rmref.dll"), dll_dest)
        return True


# ---- running the suite ------------------------------------------------------------------------

def run_cases(args, dll, globs, out_dir, os_profile=None):
    """{case id: case record} from rmconform.exe run against `dll` with `globs` (with the
    expectations of profile `os_profile` when given: rmconform --os)."""
    if os.path.isdir(out_dir):
        shutil.rmtree(out_dir)
    cmd = [args.wine] if args.wine else []
    cmd += [args.runner, "--dll", dll, "--out", out_dir, "--jobs", str(args.jobs), "--quiet"]
    if os_profile:
        cmd += ["--os", os_profile]
    for g in globs:
        cmd += ["--case", g]
    os.makedirs(os.path.dirname(out_dir), exist_ok=True)
    log = out_dir + ".log"
    for attempt in range(2):
        # A runner that could not start at all (no results, nothing logged: seen once under a load
        # average of 12) is retried once; a verdict is never made of it.
        with open(log, "w") as f:
            rc = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL).returncode
        if os.path.isfile(os.path.join(out_dir, "results.json")) or os.path.isfile(os.path.join(out_dir, "results.jsonl")):
            break
    cases = {}
    res = os.path.join(out_dir, "results.json")
    if os.path.isfile(res):
        for c in json.load(open(res, encoding="utf-8")).get("cases", []):
            cases[c["id"]] = c
    else:
        jl = os.path.join(out_dir, "results.jsonl")
        if os.path.isfile(jl):
            for line in open(jl, encoding="utf-8"):
                try:
                    c = json.loads(line)
                except ValueError:
                    continue
                if isinstance(c, dict) and "id" in c and "status" in c:
                    cases[c["id"]] = c
    if not cases:
        raise RuntimeError("rmconform produced no results (exit %d); see %s" % (rc, log))
    return cases


def list_cases(args):
    """{case id: provenance} from `rmconform.exe --list`."""
    cmd = ([args.wine] if args.wine else []) + [args.runner, "--list"]
    out = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL).stdout
    cases = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 2 and "." in f[0] and f[1] in ("doc", "obs", "probe"):
            cases[f[0]] = f[1]
    if not cases:
        raise RuntimeError("rmconform --list listed no cases")
    return cases


def matching(cases, globs):
    return [cid for cid in cases if any(fnmatch.fnmatchcase(cid, g) for g in globs)]


def kills_in(cases, baseline, globs):
    out = []
    for cid in matching(cases, globs):
        c = cases[cid]
        if c.get("provenance") not in ("doc", "obs") or c.get("status") not in KILL_STATUSES:
            continue
        if baseline.get(cid, {}).get("status") != "pass":
            continue
        out.append({"case": cid, "provenance": c.get("provenance"), "status": c.get("status"),
                    "message": (c.get("message") or "").strip()})
    return sorted(out, key=lambda k: glob_rank(k["case"], globs))


def judgeable_cases(known, baseline, globs):
    """The doc/obs cases among `globs` that pass on the baseline: only they can kill. A mutant
    with none is not judgeable here (every case that could notice its defect is unsupported on
    this platform, e.g. one that needs Windows' GetApplicationRestartSettings, a second user
    account or the 32-bit runner): it is reported as such, never as killed or survived."""
    return [cid for cid in matching(known, globs)
            if known[cid] in ("doc", "obs") and baseline.get(cid, {}).get("status") == "pass"]


def not_judgeable_note(known, baseline, globs):
    """Why: each doc/obs case the mutant names, with its baseline status and message."""
    parts = []
    for cid in matching(known, globs):
        if known[cid] not in ("doc", "obs"):
            continue
        b = baseline.get(cid, {})
        msg = (b.get("message") or "").strip().replace("\n", " ")
        if len(msg) > 160:
            msg = msg[:157] + "..."
        parts.append("%s %s%s" % (cid, b.get("status", "not run"), (": " + msg) if msg else ""))
    return "no case that could notice it passes on the baseline here: " + "; ".join(parts)


def glob_rank(cid, globs):
    """Kills in the order the mutant file names its cases: the most specific one first."""
    for i, g in enumerate(globs):
        if fnmatch.fnmatchcase(cid, g):
            return i
    return len(globs)


# ---- the report -------------------------------------------------------------------------------

def write_report(out, results, meta):
    judged = [r for r in results if r["verdict"] in ("killed", "survived")]
    killed = [r for r in judged if r["verdict"] == "killed"]
    meta = dict(meta)
    meta["killed"] = len(killed)
    meta["judged"] = len(judged)
    meta["kill_rate"] = (len(killed) / len(judged)) if judged else None
    with open(os.path.join(out, "report.json"), "w", encoding="utf-8") as f:
        json.dump({"schema": 1, "run": meta, "mutants": results}, f, indent=1)
    md = ["# Mutants: the suite's kill rate", ""]
    rate = "%d of %d killed (%.0f%%)" % (len(killed), len(judged), 100.0 * len(killed) / len(judged)) if judged else "none judged"
    md.append("- kill rate: **%s**" % rate)
    for k in ("started", "wall_seconds", "rmref_commit", "jobs"):
        if k in meta:
            md.append("- %s: %s" % (k.replace("_", " "), meta[k]))
    other = [r for r in results if r["verdict"] not in ("killed", "survived")]
    if other:
        md.append("- not judged (outside the kill rate): " + ", ".join("%s (%s)" % (r["id"], r["verdict"]) for r in other))
    md += ["", "| mutant | spec | verdict | killed by | message |", "| --- | --- | --- | --- | --- |"]
    for r in results:
        if r.get("kills") and r.get("cases"):
            r["kills"] = sorted(r["kills"], key=lambda k: glob_rank(k["case"], r["cases"]))
        by = ", ".join("%s (%s)" % (k["case"], k["status"]) for k in r.get("kills", [])[:4])
        msg = r.get("kills")[0]["message"] if r.get("kills") else r.get("note", "")
        msg = msg.replace("|", "\\|").replace("\n", " ")
        if len(msg) > 240:
            msg = msg[:237] + "..."
        md.append("| %s | %s | %s | %s | %s |" % (r["id"], r.get("spec", ""), r["verdict"], by, msg))
    survivors = [r for r in results if r["verdict"] == "survived"]
    if survivors:
        md += ["", "## Survivors", ""]
        for r in survivors:
            md.append("- **%s** (%s): %s. Cases run: %s%s" % (
                r["id"], r.get("spec", ""), r.get("defect", ""), " ".join(r.get("cases", [])),
                ("; " + r["note"]) if r.get("note") else ""))
    unjudged = [r for r in results if r["verdict"] == "not-judgeable"]
    if unjudged:
        md += ["", "## Not judgeable here", "",
               "Every case that could notice these defects is unsupported on this platform; they need a run on "
               "Windows (or the capability named) to be judged.", ""]
        for r in unjudged:
            md.append("- **%s** (%s): %s. %s" % (r["id"], r.get("spec", ""), r.get("defect", ""), r.get("note", "")))
    with open(os.path.join(out, "report.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(md) + "\n")


# ---- main -------------------------------------------------------------------------------------

def git_head(root):
    try:
        return subprocess.run(["git", "-C", root, "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True).stdout.strip() or None
    except OSError:
        return None


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", default=os.path.dirname(HERE), help="the repository")
    ap.add_argument("--bin", required=True, help="the build's bin/ (rmconform.exe and its fixtures)")
    ap.add_argument("--wine", default="", help="launcher for Windows programs (the build's wine-run)")
    ap.add_argument("--toolchain", default="", help="CMake toolchain file (default: x86_64 mingw)")
    ap.add_argument("--out", required=True, help="output folder (build/mutants)")
    ap.add_argument("--defs", default=os.path.join(HERE, "defs"))
    ap.add_argument("--jobs", type=int, default=2, help="cases at once (rmconform --jobs) and compile jobs")
    ap.add_argument("--smoke", action="store_true", help="two mutants and one stale one: checks the machinery")
    ap.add_argument("--no-confirm", action="store_true", help="do not rerun killing cases")
    ap.add_argument("--list", action="store_true", help="list the mutants and exit")
    ap.add_argument("ids", nargs="*", help="only these mutant ids (globs)")
    args = ap.parse_args(argv)
    args.root = os.path.abspath(args.root)
    args.out = os.path.abspath(args.out)
    args.runner = os.path.join(os.path.abspath(args.bin), "rmconform.exe")
    toolchain = args.toolchain or os.path.join(args.root, "cmake", "toolchain-x86_64-w64-mingw32.cmake")

    try:
        mutants = load_mutants(args.defs)
        if args.smoke:
            mutants = [m for m in mutants if m["id"] in SMOKE_IDS] + [parse_mutant(SMOKE_STALE)]
        elif args.ids:
            mutants = [m for m in mutants if any(fnmatch.fnmatchcase(m["id"], g) for g in args.ids)]
    except MutantError as e:
        print("mutants: error: %s" % e, file=sys.stderr)
        return 2
    if args.list:
        for m in mutants:
            print("%-48s %-8s %s" % (m["id"], m["spec"], m["defect"]))
        return 0
    if not mutants:
        print("mutants: error: no mutant selected", file=sys.stderr)
        return 2
    if not os.path.isfile(args.runner):
        print("mutants: error: %s not found (build first)" % args.runner, file=sys.stderr)
        return 2

    started = time.time()
    os.makedirs(args.out, exist_ok=True)
    open(os.path.join(args.out, "build.log"), "w").close()
    pristine = os.path.join(args.out, "src", "_pristine")
    copy_pristine(os.path.join(args.root, "reference-impl"), pristine)
    builder = Builder(args.root, args.out, toolchain, args.jobs)
    meta = {"started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(started)),
            "rmref_commit": git_head(args.root), "jobs": args.jobs, "smoke": args.smoke}

    # Which edits still apply (stale ones are reported, never silently skipped).
    results, live = [], []
    for m in mutants:
        r = {k: m.get(k) for k in ("id", "spec", "defect", "areas", "cases", "notice", "os")}
        r["file"] = os.path.relpath(m["path"], args.root) if m["path"].startswith(args.root) else m["path"]
        try:
            m["changed"] = apply_edits(pristine, m)
            r["verdict"] = "pending"
            live.append((m, r))
        except MutantError as e:
            r["verdict"], r["note"] = "stale", str(e)
        results.append(r)

    # Globs that match no case (a case renamed or removed since the mutant was written) are
    # dropped and reported; the runner refuses a glob that matches nothing.
    known = list_cases(args)
    for m, r in live:
        dead = [g for g in m["cases"] if not matching(known, [g])]
        if dead:
            m["cases"] = [g for g in m["cases"] if g not in dead]
            r["unmatched_globs"] = dead
        r["could_kill"] = len([c for c in matching(known, m["cases"]) if known[c] in ("doc", "obs")])

    # The baseline: the unmodified rmref, built the same way, on every case any mutant runs.
    all_globs = sorted({g for m, _ in live for g in m["cases"]})
    base_dll = os.path.join(args.out, "dll", "_baseline", "rmref.dll")
    print("mutants: building the baseline rmref", file=sys.stderr)
    if not builder.build(pristine, base_dll):
        print("mutants: error: the unmodified rmref does not build; see %s" % builder.log, file=sys.stderr)
        return 2
    baseline = {}
    if all_globs:
        print("mutants: baseline run (%d case globs)" % len(all_globs), file=sys.stderr)
        baseline = run_cases(args, base_dll, all_globs, os.path.join(args.out, "runs", "_baseline"))
    not_passing = sorted(cid for cid, c in baseline.items()
                         if c.get("provenance") in ("doc", "obs") and c.get("status") != "pass")
    meta["baseline_not_passing"] = {cid: baseline[cid].get("status") for cid in not_passing}
    if not_passing:
        print("mutants: note: %d doc/obs cases do not pass on the baseline and cannot kill: %s"
              % (len(not_passing), ", ".join(not_passing)), file=sys.stderr)
    # A mutant whose cases apply only to another profile (`os: win10`: e.g. a behaviour documented
    # from Windows 10 on) runs them with rmconform --os, against a baseline run the same way.
    baselines = {None: baseline}
    for prof in sorted({m["os"] for m, _ in live if m.get("os")}):
        globs = sorted({g for m, _ in live if m.get("os") == prof for g in m["cases"]})
        print("mutants: baseline run for profile %s (%d case globs)" % (prof, len(globs)), file=sys.stderr)
        baselines[prof] = run_cases(args, base_dll, globs, os.path.join(args.out, "runs", "_baseline." + prof), prof)
    write_report(args.out, results, meta)

    for n, (m, r) in enumerate(live, 1):
        baseline = baselines[m.get("os")]
        t0 = time.time()
        src = os.path.join(args.out, "src", m["id"])
        write_tree(pristine, src, m["changed"])
        dll = os.path.join(args.out, "dll", m["id"], "rmref.dll")
        if not m["cases"]:
            r["verdict"], r["note"] = "survived", "none of its case globs matches a case any more"
        elif m.get("equivalent-here"):
            # stated in the mutant file with the reason: on this platform the defect changes nothing
            # a case could see (rmref's other path covers it); judged where that path is not taken
            r["verdict"], r["note"] = "not-judgeable", "equivalent on this platform: " + m["equivalent-here"]
        elif not judgeable_cases(known, baseline, m["cases"]):
            r["verdict"], r["note"] = "not-judgeable", not_judgeable_note(known, baseline, m["cases"])
        elif not builder.build(src, dll):
            r["verdict"], r["note"] = "build-failed", "the mutant does not compile; see build.log"
        else:
            cases = run_cases(args, dll, m["cases"], os.path.join(args.out, "runs", m["id"]), m.get("os"))
            r["cases_run"] = len(matching(cases, m["cases"]))
            kills = kills_in(cases, baseline, m["cases"])
            if len(kills) == 1 and not args.no_confirm:
                # a kill by a single case is rerun once: only a failure that repeats counts (two
                # or more cases failing independently are not a timing flake)
                first = [kills[0]["case"]]
                again = run_cases(args, dll, first, os.path.join(args.out, "runs", m["id"] + ".confirm"), m.get("os"))
                confirmed = {k["case"] for k in kills_in(again, baseline, first)}
                if len(confirmed) < len(first):
                    r["unconfirmed"] = [c for c in first if c not in confirmed]
                kills = [k for k in kills if k["case"] in confirmed or (confirmed and k["case"] not in first)]
            r["kills"] = kills
            r["verdict"] = "killed" if kills else "survived"
            if not kills:
                # what a survivor's cases did: those the platform could not run, those blocked
                sel = [c for c in matching(cases, m["cases"]) if cases[c].get("provenance") in ("doc", "obs")]
                notes = []
                for st in ("unsupported", "blocked", "skip"):
                    hit = [c for c in sel if cases[c].get("status") == st]
                    if hit:
                        notes.append("%s here: %s" % (st, ", ".join(hit)))
                gone = [c for c in sel if cases[c].get("status") in KILL_STATUSES and c not in
                        [k for k, v in baseline.items() if v.get("status") == "pass"]]
                if gone:
                    notes.append("failing on the baseline too: " + ", ".join(gone))
                if r.get("unconfirmed"):
                    notes.append("failed once but passed when rerun: " + ", ".join(r["unconfirmed"]))
                if notes:
                    r["note"] = "; ".join(notes)
            if not kills and not r["cases_run"]:
                r["note"] = "no case matched " + " ".join(m["cases"])
        r["seconds"] = round(time.time() - t0, 1)
        print("mutants: [%d/%d] %-44s %s%s" % (n, len(live), m["id"], r["verdict"],
              (" by " + r["kills"][0]["case"]) if r.get("kills") else ""), file=sys.stderr)
        meta["wall_seconds"] = round(time.time() - started)
        write_report(args.out, results, meta)

    meta["wall_seconds"] = round(time.time() - started)
    write_report(args.out, results, meta)
    judged = [r for r in results if r["verdict"] in ("killed", "survived")]
    killed = [r for r in judged if r["verdict"] == "killed"]
    print("kill rate: %d/%d mutants killed%s; report: %s" % (
        len(killed), len(judged), (" (%.0f%%)" % (100.0 * len(killed) / len(judged))) if judged else "",
        os.path.join(args.out, "report.md")))
    for r in results:
        if r["verdict"] not in ("killed",):
            print("  %s: %s%s" % (r["verdict"], r["id"], (" — " + r["note"]) if r.get("note") else ""))

    if args.smoke:
        return smoke_check(args.out, results)
    return 0


def smoke_check(out, results):
    problems = []
    by_id = {r["id"]: r for r in results}
    for mid in SMOKE_IDS:
        r = by_id.get(mid)
        if not r:
            problems.append("smoke mutant %s is missing from mutants/defs" % mid)
        elif r["verdict"] != "killed":
            problems.append("smoke mutant %s was not killed (%s)" % (mid, r["verdict"]))
    stale = [r for r in results if r["id"] not in SMOKE_IDS]
    if len(stale) != 1 or stale[0]["verdict"] != "stale":
        problems.append("the deliberately stale mutant was not reported stale: %s"
                        % [(r["id"], r["verdict"]) for r in stale])
    for name in ("report.md", "report.json"):
        if not os.path.isfile(os.path.join(out, name)):
            problems.append("%s was not written" % name)
    rep = json.load(open(os.path.join(out, "report.json"), encoding="utf-8"))
    if rep["run"].get("killed") != len(SMOKE_IDS):
        problems.append("report.json counts %s killed, not %d" % (rep["run"].get("killed"), len(SMOKE_IDS)))
    for p in problems:
        print("mutants smoke: FAIL: " + p, file=sys.stderr)
    if not problems:
        print("mutants smoke: ok (both killed, the stale one reported stale, the report written)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

"""Running a Windows program (through Wine when cross-compiling) from the runner's tests.

Output goes through files, not pipes: a Wine process that outlives the program (a fixture, Wine's
own session processes) and inherited its standard handles would otherwise keep the pipes open,
and the test would wait for that process instead of the program (seen in CI as a runner test
"hanging" for 300 s after the runner had finished).

A program that does not end in time is a test failure that says where it stood: what it had
printed, and which Windows processes were alive (a clean-clone CI run had two runner tests hang
for 300 and 600 s with nothing to go on but Python's TimeoutExpired)."""
import os
import subprocess
import sys
import tempfile


class ProgramHung(AssertionError):
    pass


def wine_prefix_of(pid):
    """The WINEPREFIX in a process's environment, or None (none, or the process is gone)."""
    try:
        with open("/proc/%s/environ" % pid, "rb") as f:
            for var in f.read().split(b"\0"):
                if var.startswith(b"WINEPREFIX="):
                    return var[11:].decode("utf-8", "replace")
    except OSError:
        pass
    return None


def _wine_processes():
    try:
        ps = subprocess.run(["ps", "-eo", "pid,ppid,etimes,stat,args"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, timeout=10).stdout.decode("utf-8", "replace")
    except (OSError, subprocess.SubprocessError) as e:
        return "(ps failed: %s)" % e
    lines = ps.splitlines()
    keep = []
    for line in lines[1:]:
        if ".exe" not in line.lower() and "wineserver" not in line and "wine-run" not in line:
            continue
        keep.append("%s   [%s]" % (line, wine_prefix_of(line.split()[0]) or "?"))
    return "\n".join(lines[:1] + keep)


def run_program(cmd, timeout, env=None):
    """Runs cmd; when Wine's server failed under it (crashed, or ended a thread for a protocol
    error; wine-run's watcher says so through RMC_WINE_SERVER_DIED_FILE: cmake/wine-env.sh),
    runs it once more and says so on stderr. The program's verdicts then come from the second
    run as a whole."""
    with tempfile.TemporaryDirectory() as tmp:
        died = os.path.join(tmp, "wineserver-died")
        env = dict(os.environ if env is None else env, RMC_WINE_SERVER_DIED_FILE=died)
        p = _run_once(cmd, timeout, env)
        if os.path.exists(died):
            os.remove(died)
            sys.stderr.write("runproc: Wine's server failed while %s ran (%s); running it again\n"
                             % (os.path.basename(cmd[min(1, len(cmd) - 1)]), p.stderr.strip().splitlines()[-1:]))
            p = _run_once(cmd, timeout, env)
            if os.path.exists(died):
                raise ProgramHung("Wine's server failed twice while %s ran:\n%s" % (" ".join(cmd), p.stderr[-3000:]))
        return p


def _run_once(cmd, timeout, env):
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env)
        try:
            code = proc.wait(timeout)
        except subprocess.TimeoutExpired:
            procs = _wine_processes()   # before the kill: what the program was waiting for
            # TERM first: wine-run passes it on to the Windows program (SIGKILL would leave that
            # running without its parent).
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            out.seek(0)
            err.seek(0)
            raise ProgramHung("%s did not end within %s s\n--- its stdout (last 3000 characters):\n%s\n"
                              "--- its stderr (last 3000 characters):\n%s\n--- Windows processes then:\n%s" % (
                                  " ".join(cmd), timeout, out.read().decode("utf-8", "replace")[-3000:],
                                  err.read().decode("utf-8", "replace")[-3000:], procs)) from None
        out.seek(0)
        err.seek(0)
        return subprocess.CompletedProcess(cmd, code, out.read().decode("utf-8", "replace"),
                                           err.read().decode("utf-8", "replace"))

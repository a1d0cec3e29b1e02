"""Running a Windows program (through Wine when cross-compiling) from the runner's tests.

Output goes through files, not pipes: a Wine process that outlives the program (a fixture, Wine's
own session processes) and inherited its standard handles would otherwise keep the pipes open,
and the test would wait for that process instead of the program (seen in CI as a runner test
"hanging" for 300 s after the runner had finished).

A program that does not end in time is a test failure that says where it stood: what it had
printed, and which Windows processes were alive (a clean-clone CI run had two runner tests hang
for 300 and 600 s with nothing to go on but Python's TimeoutExpired)."""
import subprocess
import tempfile


class ProgramHung(AssertionError):
    pass


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
        prefix = "?"
        try:
            with open("/proc/%s/environ" % line.split()[0], "rb") as f:
                for var in f.read().split(b"\0"):
                    if var.startswith(b"WINEPREFIX="):
                        prefix = var[11:].decode("utf-8", "replace")
        except OSError:
            pass
        keep.append("%s   [%s]" % (line, prefix))
    return "\n".join(lines[:1] + keep)


def run_program(cmd, timeout, env=None):
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env)
        try:
            code = proc.wait(timeout)
        except subprocess.TimeoutExpired:
            procs = _wine_processes()   # before the kill: what the program was waiting for
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

"""Running a Windows program (through Wine when cross-compiling) from the runner's tests.

Output goes through files, not pipes: a Wine process that outlives the program (a fixture, Wine's
own session processes) and inherited its standard handles would otherwise keep the pipes open,
and the test would wait for that process instead of the program (seen in CI as a runner test
"hanging" for 300 s after the runner had finished)."""
import subprocess
import tempfile


def run_program(cmd, timeout, env=None):
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        code = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err, timeout=timeout,
                              env=env).returncode
        out.seek(0)
        err.seek(0)
        return subprocess.CompletedProcess(cmd, code, out.read().decode("utf-8", "replace"),
                                           err.read().decode("utf-8", "replace"))

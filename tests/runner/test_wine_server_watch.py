"""When Wine's server crashes under a program (Wine 8's wineserver does now and then under the
tests' load: docs/wine-notes.md), the program must not hang the test: wine-run's watcher
(cmake/wine-env.sh, rmc_wine_watch_server) stops it within seconds and says why, and
runproc.run_program runs it once more.

Environment (set by CTest): RMC_BIN, RMC_EMULATOR (wine-run), RMC_WORK, RMC_WINEPREFIX (this
test's own prefix: it kills that prefix's server)."""
import os
import shutil
import signal
import stat
import subprocess
import tempfile
import time
import unittest

import runproc

BIN = os.environ["RMC_BIN"]
EMULATOR = os.environ.get("RMC_EMULATOR", "")
WORK = os.environ.get("RMC_WORK", os.path.join(BIN, "..", "test-work", "wine-server-watch"))
PREFIX = os.environ.get("RMC_WINEPREFIX", "")


def prefix_processes(prefix):
    """The processes whose environment names this Wine prefix, as {pid: command name}."""
    found = {}
    for d in os.listdir("/proc"):
        if not d.isdigit() or runproc.wine_prefix_of(d) != prefix:
            continue
        try:
            with open("/proc/%s/comm" % d) as f:
                found[int(d)] = f.read().strip()
        except OSError:
            pass
    return found


def live_servers(prefix):
    """The pids of the prefix's wineservers that still run (a zombie has no /proc/PID/exe)."""
    return [pid for pid, name in prefix_processes(prefix).items()
            if name.startswith("wineserver") and os.path.exists("/proc/%d/exe" % pid)]


def is_wine_program(pid):
    try:
        exe = os.readlink("/proc/%d/exe" % pid)
    except OSError:
        return False
    return "/wine" in exe and "wineserver" not in exe


@unittest.skipUnless(EMULATOR and PREFIX, "needs Wine (RMC_EMULATOR) and a prefix of its own (RMC_WINEPREFIX)")
class ServerCrash(unittest.TestCase):
    def tearDown(self):
        # The programs of a server that died stay blocked for good: end every one of the prefix.
        for pid in [pid for pid in prefix_processes(PREFIX) if is_wine_program(pid)]:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass

    def crash_a_run(self):
        """Starts a run that hangs, crashes its server; returns (seconds until the run ended,
        its exit code, its stderr, whether the watcher flagged the crash)."""
        def crash(servers):
            for pid in servers:
                os.kill(pid, signal.SIGSEGV)   # what Wine's crash looks like from outside
        return self.disturb_a_run(crash)

    def disturb_a_run(self, disturb):
        """Starts a run that hangs, calls disturb(the prefix's server pids) once it runs; returns
        (seconds until the run ended, its exit code, its stderr, whether the watcher flagged it)."""
        out = os.path.join(WORK, "crash")
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(out)
        died = os.path.join(out, "died")
        env = dict(os.environ, RMC_WINE_SERVER_DIED_FILE=died)
        with tempfile.TemporaryFile() as err:
            # A case that hangs for good (rmt_hang: RmStartSession never returns), so only the
            # crash can end the run before its 300 s timeout.
            p = subprocess.Popen([EMULATOR, os.path.join(BIN, "rmconform.exe"),
                                  "--dll", os.path.join(BIN, "testdlls", "rmt_hang.dll"),
                                  "--case", "session.start_returns_key", "--timeout", "300", "--out", out],
                                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err, env=env)
            try:
                deadline = time.monotonic() + 120
                while not os.path.exists(os.path.join(out, "results.jsonl")) and time.monotonic() < deadline:
                    time.sleep(0.2)
                self.assertTrue(os.path.exists(os.path.join(out, "results.jsonl")), "the run never started")
                servers = live_servers(PREFIX)
                self.assertTrue(servers, "no wineserver for %s" % PREFIX)
                disturb(servers)
                killed_at = time.monotonic()
                code = p.wait(60)
                took = time.monotonic() - killed_at
            finally:
                if p.poll() is None:
                    p.kill()
                    p.wait()
            err.seek(0)
            text = err.read().decode("utf-8", "replace")
        return took, code, text, os.path.exists(died)

    def test_a_program_whose_server_crashes_is_stopped_and_named(self):
        took, code, text, flagged = self.crash_a_run()
        self.assertLess(took, 15, text)
        self.assertNotEqual(code, 0, text)
        self.assertIn("ended while this program", text)
        self.assertIn("Wine's server crashed", text)
        self.assertTrue(flagged, text)
        # The programs the dead server served (services.exe, explorer.exe, the case process...)
        # would stay blocked for good: none is left.
        left = {pid: name for pid, name in prefix_processes(PREFIX).items() if is_wine_program(pid)}
        self.assertEqual(left, {}, text)

    def test_the_server_s_complaints_go_to_its_log(self):
        # Without a log, a client the server ended for a protocol error (exit code 1) is a
        # mystery: a CI run once showed only a runner that ended with 1 and no results.
        p = runproc.run_program([EMULATOR, os.path.join(BIN, "rmconform.exe"), "--list"], 120)
        self.assertEqual(p.returncode, 0, p.stderr[-2000:])
        servers = live_servers(PREFIX)
        self.assertEqual(len(servers), 1, servers)
        self.assertEqual(os.readlink("/proc/%d/fd/2" % servers[0]), PREFIX + ".server-log")

    def test_a_protocol_error_stops_the_run_and_names_it(self):
        # The server ends a client thread it cannot understand with exit code 1 and a line on its
        # stderr (Wine's server/request.c). The line is written here as the server would.
        def protocol_error(servers):
            with open(PREFIX + ".server-log", "a") as log:
                log.write("Protocol error:0123: simulated by the test\n")
        took, code, text, flagged = self.disturb_a_run(protocol_error)
        self.assertLess(took, 15, text)
        self.assertEqual(code, 125, text)
        self.assertIn("ended a thread of this run for a protocol error", text)
        self.assertIn("Protocol error:0123: simulated by the test", text)
        self.assertTrue(flagged, text)

    def test_the_next_program_gets_a_new_server(self):
        # After the crash the prefix still works: wine-run starts a server again.
        self.crash_a_run()
        self.tearDown()
        p = runproc.run_program([EMULATOR, os.path.join(BIN, "rmconform.exe"), "--list"], 120)
        self.assertEqual(p.returncode, 0, p.stderr[-2000:])
        self.assertIn("session.start_returns_key", p.stdout)


    def test_a_server_killed_outright_is_replaced_by_the_project_s_own(self):
        # SIGKILL leaves the server's socket behind. wine-run must still see that no server runs
        # and start one itself (persistent, under its lock), not leave that to the program.
        p = runproc.run_program([EMULATOR, os.path.join(BIN, "rmconform.exe"), "--list"], 120)
        self.assertEqual(p.returncode, 0, p.stderr[-2000:])
        for pid in live_servers(PREFIX):
            os.kill(pid, signal.SIGKILL)
        time.sleep(1)
        p = runproc.run_program([EMULATOR, os.path.join(BIN, "rmconform.exe"), "--list"], 120)
        self.assertEqual(p.returncode, 0, p.stderr[-2000:])
        servers = []
        for pid in live_servers(PREFIX):
            with open("/proc/%d/cmdline" % pid, "rb") as f:
                servers.append(f.read().replace(b"\0", b" ").decode())
        self.assertEqual(len(servers), 1, servers)
        self.assertIn("-p300", servers[0])


    def test_conform_makes_a_crashed_run_again_then_fails_the_gate(self):
        # ./rmc conform runs watched too: the run under a crashed server is made again, and when
        # the server crashes again the run does not count and the gate fails (exit 1), naming it.
        root = os.environ.get("RMC_ROOT", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
        reports = os.path.join(WORK, "conform")
        shutil.rmtree(reports, ignore_errors=True)
        env = dict(os.environ, RMC_REF_DLL=os.path.join(BIN, "testdlls", "rmt_hang.dll"), RMC_REPORTS=reports,
                   RMC_NO_BUILD="1", RMC_KEEP_WINESERVER="1")
        log_path = os.path.join(WORK, "conform.log")
        with open(log_path, "w") as log:
            p = subprocess.Popen([os.path.join(root, "rmc"), "conform", "--", "--case", "session.start_returns_key",
                                  "--timeout", "300"], stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                 env=env, start_new_session=True)
        try:
            for attempt in (1, 2):
                # The runner's lines reach rmc's output as they come (they once sat in a pipe
                # buffer until the run ended), so the run's start shows while the case hangs.
                deadline, started = time.monotonic() + 90, False
                while time.monotonic() < deadline and p.poll() is None and not started:
                    time.sleep(0.2)
                    with open(log_path, encoding="utf-8", errors="replace") as f:
                        started = f.read().count("results in ") >= attempt
                self.assertTrue(started, "attempt %d: the runner's 'results in' line never reached rmc's output" % attempt)
                time.sleep(1)
                for pid in live_servers(PREFIX):
                    os.kill(pid, signal.SIGSEGV)
            code = p.wait(240)
        finally:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        with open(log_path, encoding="utf-8", errors="replace") as f:
            out = f.read()
        self.assertEqual(code, 1, out[-4000:])
        self.assertIn("Wine's server failed during the run against rmt_hang.dll", out)
        self.assertIn("making the run again", out)
        self.assertIn("failed again during the run against rmt_hang.dll: its results do not count", out)
        self.assertIn("rmt_hang.dll: incomplete run (Wine's server failed during both attempts)", out)
        self.assertIn("rmc: gate FAILED", out)


@unittest.skipUnless(os.path.isdir("/proc"), "needs /proc")
class ServerPid(unittest.TestCase):
    """rmc_wine_server_pid (cmake/wine-env.sh) names the prefix's server, never a `wineserver -k`
    or `-w` client of it: the watcher would take that client's exit for a crash."""

    def server_pid_with(self, args):
        d = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, d, True)
        fake = os.path.join(d, "wineserver64")      # a process named as Debian's server is
        with open(fake, "w") as f:
            f.write("#!/bin/sh\nsleep 60\n")
        os.chmod(fake, stat.S_IRWXU)
        prefix = os.path.join(d, "prefix")
        p = subprocess.Popen([fake] + args, env=dict(os.environ, WINEPREFIX=prefix), start_new_session=True)
        self.addCleanup(lambda: (os.killpg(p.pid, signal.SIGKILL), p.wait()))
        time.sleep(0.3)
        root = os.environ.get("RMC_ROOT", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
        found = subprocess.run(["sh", "-c", '. "$1"; WINEPREFIX=$2; rmc_wine_server_pid', "sh",
                                os.path.join(root, "cmake", "wine-env.sh"), prefix],
                               stdout=subprocess.PIPE, universal_newlines=True, timeout=30).stdout.strip()
        return p.pid, found

    def test_the_server_is_found(self):
        pid, found = self.server_pid_with(["-p0", "-p300"])
        self.assertEqual(found, str(pid))

    def test_a_kill_or_wait_client_is_not_the_server(self):
        for arg in ("-k", "-w"):
            _, found = self.server_pid_with([arg])
            self.assertEqual(found, "", arg)


class RunAgain(unittest.TestCase):
    """runproc.run_program runs a program again when the watcher flagged a crash, once."""

    def script(self, body):
        d = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, d, True)
        path = os.path.join(d, "prog.sh")
        with open(path, "w") as f:
            f.write("#!/bin/sh\n" + body)
        os.chmod(path, stat.S_IRWXU)
        return path, d

    def test_crash_in_the_first_run_gives_the_second_runs_result(self):
        prog, d = self.script('if [ ! -f "$0.ran" ]; then : >"$0.ran"; : >"$RMC_WINE_SERVER_DIED_FILE"; '
                              'echo crashed >&2; exit 137; fi\necho second\n')
        p = runproc.run_program([prog], 30)
        self.assertEqual(p.returncode, 0)
        self.assertEqual(p.stdout, "second\n")

    def test_a_crash_every_time_fails_rather_than_loops(self):
        prog, _ = self.script(': >"$RMC_WINE_SERVER_DIED_FILE"; exit 137\n')
        with self.assertRaises(runproc.ProgramHung) as ctx:
            runproc.run_program([prog], 30)
        self.assertIn("failed twice", str(ctx.exception))

    def test_no_crash_no_second_run(self):
        prog, _ = self.script('if [ -f "$0.ran" ]; then echo again; exit 3; fi; : >"$0.ran"; echo once; exit 5\n')
        p = runproc.run_program([prog], 30)
        self.assertEqual((p.returncode, p.stdout), (5, "once\n"))


if __name__ == "__main__":
    unittest.main()

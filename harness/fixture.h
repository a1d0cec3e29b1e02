/* fixture.h — what a case uses to drive the fixture programs (fixtures/README.md):
 * applications (rmfx-app.exe, rmfx-con.exe), services (rmfx-svc.exe) and a secondary
 * installer in its own process (rmfx-secondary.exe).
 *
 * Lifetime: everything a case starts is stopped after the case body, also when it failed
 * (rmc_defer). Every process is created suspended, put in a kill-on-close job object owned by
 * the case process (nested in the runner's per-case job) and only then resumed, so it cannot
 * outlive the case even when the case process is killed. Services are not processes of ours:
 * their names carry rmc_run_id() and the runner calls fixture_services_cleanup() after every
 * case process ends; a service also deletes itself when the case process that installed it
 * is gone (rmfx-svc --owner).
 *
 * Functions that cannot do what they say fail the case with a message naming what went wrong
 * (rmc_fail); those returning an error code say so. Command-line options are printf-style
 * wide strings (%ls for WCHAR *); quote paths: L"--lock \"%ls\"". */
#ifndef RMC_FIXTURE_H
#define RMC_FIXTURE_H

#include "rmcase.h"

#define FIXTURE_READY_TIMEOUT_MS 20000u   /* start-up of a fixture under a loaded Wine */

/* ---- journals: what a fixture saw, one line per event ---------------------------------------
 * "EVENT pid=N key=value ...", e.g. "WM_QUERYENDSESSION pid=40 wParam=0x0 lParam=0x1 answer=1".
 * Lines are read fresh from the file; a returned journal stays valid until the next read of
 * the same fixture's journal or the end of the case. */
typedef struct fixture_journal {
    size_t count;
    char **lines;
} fixture_journal;

/* Index of the first line at or after `from` whose event (first word) is `event`, or -1. */
int fixture_journal_find(const fixture_journal *j, const char *event, size_t from);
/* How many lines have that event; when pid is non-zero, only lines of that process. */
size_t fixture_journal_count(const fixture_journal *j, const char *event, DWORD pid);
/* Copies the value of key=value from a line into out ("" and 0 when absent). A value runs to
 * the next space, except cmdline= and path=, which run to the end of the line. */
int fixture_journal_field(const char *line, const char *key, char *out, size_t size);
/* The value as a number (decimal or 0x hex); `missing` when absent. */
unsigned long long fixture_journal_number(const char *line, const char *key, unsigned long long missing);

/* ---- applications -----------------------------------------------------------------------------
 * Starts the application fixture with the given options (see fixtures/README.md; the harness
 * adds --journal and --ready-event) and waits until it holds everything and its window or
 * console handler is live. `--console` among the options selects rmfx-con.exe, a console-
 * subsystem image started with a console of its own; otherwise rmfx-app.exe (GUI subsystem).
 * Fails the case when the fixture exits or is not ready within FIXTURE_READY_TIMEOUT_MS. */
typedef struct fixture_app fixture_app;
fixture_app *fixture_app_start(const WCHAR *options_fmt, ...);
/* Same, with the image chosen by the case: L"rmfx-app.exe" or L"rmfx-con.exe" (e.g. a GUI
 * image that allocates a console: fixture_app_start_image(L"rmfx-app.exe", L"--console")). */
/* Creates `name` in the case folder (full path into file) and starts an application fixture
 * that holds it locked, with further options. */
fixture_app *fixture_locker_start(WCHAR file[MAX_PATH], const WCHAR *name, const WCHAR *options);
fixture_app *fixture_app_start_image(const WCHAR *image, const WCHAR *options_fmt, ...);

DWORD fixture_app_pid(const fixture_app *app);
HANDLE fixture_app_process(const fixture_app *app);      /* owned by the fixture; do not close */
RM_UNIQUE_PROCESS fixture_app_unique_process(const fixture_app *app);  /* PID + creation time */
HWND fixture_app_window(fixture_app *app);               /* its window (NULL for --window none) */
DWORD fixture_app_child_pid(fixture_app *app);           /* the --child process, 0 if none */
const WCHAR *fixture_app_journal_path(const fixture_app *app);

const fixture_journal *fixture_app_journal(fixture_app *app);
/* Waits until the journal has at least `nth` (1-based) lines with `event`, returns the nth.
 * Fails the case after timeout_ms, quoting the journal. */
const char *fixture_app_wait_line(fixture_app *app, const char *event, unsigned nth, DWORD timeout_ms);
/* Records the journal under key as a JSON array of its lines without the values that differ
 * from run to run (pid, handles, paths, command lines): comparable between implementations. */
void fixture_app_obs_journal(fixture_app *app, const char *key);

/* Returns 1 and the exit code once the process has exited within timeout_ms, else 0. */
int fixture_app_wait_exit(fixture_app *app, DWORD timeout_ms, DWORD *exit_code);
/* Waits until the application has run uptime_ms since it was created (RmRestart restarts only
 * applications that ran 60 s, §10.5). */
void fixture_app_wait_uptime(fixture_app *app, DWORD uptime_ms);
/* Ends process pid after the case: for a process RM started (a restarted instance), which is not
 * in the case's job object. 0 is ignored. */
void fixture_end_pid_later(DWORD pid);
/* Ends it (and its --child) now if it still runs. Done anyway after the case. */
void fixture_app_stop(fixture_app *app);

/* RM_UNIQUE_PROCESS of any process by PID (fails the case when it cannot be opened). */
RM_UNIQUE_PROCESS fixture_unique_process(DWORD pid);

/* Sends a console control event (CTRL_C_EVENT...) to the console of process pid the way RM
 * does (§10.2): FreeConsole, AttachConsole(pid), GenerateConsoleCtrlEvent(event, 0). The case
 * process ignores the event itself and has no console afterwards. Returns ERROR_SUCCESS or
 * the error of the call that failed. */
DWORD fixture_console_ctrl(DWORD pid, DWORD event);

/* Copies rmfx-module.dll into the case's scratch folder as `name` (for --load-module); out
 * receives its full path. */
void fixture_module_copy(WCHAR out[MAX_PATH], const WCHAR *name);

/* ---- services ---------------------------------------------------------------------------------
 * Installs rmfx-svc as service "rmfx-<run id>-<tag>" (demand start, own process) with the
 * given options (--lock PATH, --depends NAME, --stop fast|slow MS|refuse); it is stopped and
 * deleted after the case. Fails the case when the SCM refuses. */
typedef struct fixture_service fixture_service;
fixture_service *fixture_service_install(const WCHAR *tag, const WCHAR *options_fmt, ...);
const WCHAR *fixture_service_name(const fixture_service *svc);
/* StartService, then waits until SERVICE_RUNNING (fails the case otherwise). */
void fixture_service_start(fixture_service *svc);
/* ControlService(STOP); returns its error (ERROR_SUCCESS, ERROR_INVALID_SERVICE_CONTROL, ...)
 * and, when it was accepted, waits up to timeout_ms for SERVICE_STOPPED. */
DWORD fixture_service_stop(fixture_service *svc, DWORD timeout_ms);
DWORD fixture_service_state(fixture_service *svc);       /* SERVICE_RUNNING, ...; 0 if unknown */
/* Polls until the service is in `state`; 1 when it got there within timeout_ms, else 0. */
int fixture_service_wait(fixture_service *svc, DWORD state, DWORD timeout_ms);
DWORD fixture_service_pid(fixture_service *svc);         /* 0 when not running */
RM_UNIQUE_PROCESS fixture_service_unique_process(fixture_service *svc);
/* Stops (ending the process when it will not stop) and deletes it now. */
void fixture_service_delete(fixture_service *svc);
const fixture_journal *fixture_service_journal(fixture_service *svc);
const char *fixture_service_wait_line(fixture_service *svc, const char *event, unsigned nth, DWORD timeout_ms);

/* The runner's hook, called in the runner process after every case process has ended
 * (normally, crashed or timed out): stops and deletes every service whose name starts with
 * "rmfx-<run_id>-". Service names are "rmfx-<rmc_run_id()>-<case PID in hex>-<tag>", so
 * run_id may be "<run id>" (the whole run) or "<run id>-<case PID in hex>" (one case).
 * With run_id NULL: every "rmfx-" service whose owner process (the case that installed it)
 * no longer exists, for a runner starting after a killed run.
 * Uses no case context; never fails, prints what it removed on stderr. */
void fixture_services_cleanup(const WCHAR *run_id);

/* ---- the secondary installer ------------------------------------------------------------------
 * Starts rmfx-secondary.exe --dll <rmc_impl_path()> --key KEY <options>, with pipes for its
 * stdin and stdout. Each call it makes prints one JSON line ({"seq":1,"call":"RmJoinSession",
 * "rc":0,"error":"ERROR_SUCCESS",...}); events print {"event":"stay"|"exit"|"crash",...}. */
typedef struct fixture_secondary fixture_secondary;
fixture_secondary *fixture_secondary_start(const WCHAR *key, const WCHAR *options_fmt, ...);
/* The next line it printed, waiting up to timeout_ms; NULL at its end of output or timeout. */
const char *fixture_secondary_next(fixture_secondary *sec, DWORD timeout_ms);
/* Reads lines until one is {"event":"stay"} or the output ends; returns that line or NULL. */
const char *fixture_secondary_wait_stay(fixture_secondary *sec, DWORD timeout_ms);
/* A command line for a secondary started with --then stay, e.g. "--call getlist". */
void fixture_secondary_send(fixture_secondary *sec, const char *line);
/* Reads everything until it exits; returns its exit code; fails the case after timeout_ms. */
DWORD fixture_secondary_wait(fixture_secondary *sec, DWORD timeout_ms);
size_t fixture_secondary_count(const fixture_secondary *sec);          /* lines read so far */
const char *fixture_secondary_line(const fixture_secondary *sec, size_t i);
/* Return code of the nth (1-based) line whose "call" is `call` ("RmJoinSession"); fails the
 * case when there is none (quoting the lines read). */
DWORD fixture_secondary_rc(fixture_secondary *sec, const char *call, unsigned nth);
/* Records every line read so far as a JSON array under key. */
void fixture_secondary_obs(fixture_secondary *sec, const char *key);

/* Copies the value of "key" from one of the fixtures' JSON lines (string without quotes, or
 * the number's text); returns 0 when absent. */
int fixture_json_field(const char *json_line, const char *key, char *out, size_t size);

#endif

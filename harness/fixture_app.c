/* fixture_app.c — the application fixtures (rmfx-app.exe, rmfx-con.exe): start, wait until ready, journal, stop. */
#include "fixture_internal.h"

/* ---- applications ------------------------------------------------------------------------------ */

struct fixture_app {
    char name[32];              /* "rmfx-app 1234", for messages */
    HANDLE process;
    DWORD pid;
    FILETIME created;
    journal_file journal;
};

static unsigned fixture_counter;

static void app_cleanup(void *arg)
{
    fixture_app *app = arg;
    fixture_app_stop(app);
    CloseHandle(app->process);
    fx_journal_release(&app->journal);
    free(app);
}

static fixture_app *app_start(const WCHAR *image, const WCHAR *options)
{
    fixture_app *app = fx_calloc(1, sizeof(*app));
    WCHAR exe[MAX_PATH], journal_name[32], ready_name[96];
    unsigned n = ++fixture_counter;
    int console_image = !_wcsicmp(image, L"rmfx-con.exe");

    fx_bin_path(exe, image);
    _snwprintf(journal_name, 32, L"app-%u.journal", n);
    rmc_case_file(app->journal.path, journal_name, 0);
    _snwprintf(ready_name, 96, L"Local\\rmfx-%ls-%lu-%u-ready", rmc_run_id(), GetCurrentProcessId(), n);
    HANDLE ready = CreateEventW(NULL, TRUE, FALSE, ready_name);
    if (!ready) rmc_fail("CreateEvent(%s) failed: %s", fx_utf8(ready_name), rmc_rc_str(GetLastError()));

    size_t len = wcslen(exe) + wcslen(app->journal.path) + wcslen(ready_name) + wcslen(options) + 64;
    WCHAR *cmd = fx_calloc(len, sizeof(WCHAR));
    _snwprintf(cmd, len, L"\"%ls\" --journal \"%ls\" --ready-event %ls %ls", exe, app->journal.path, ready_name, options);
    STARTUPINFOW si = { .cb = sizeof(si) };
    PROCESS_INFORMATION pi;
    /* A console program gets a console of its own, as when a user starts it: the realistic
     * target for RmConsole, and control events sent to it stay away from the case. */
    fx_spawn(image, cmd, console_image ? CREATE_NEW_CONSOLE : 0, &si, FALSE, &pi);
    free(cmd);
    app->process = pi.hProcess;
    app->pid = pi.dwProcessId;
    snprintf(app->name, sizeof(app->name), "%.12s %lu", console_image ? "rmfx-con" : "rmfx-app", app->pid);
    FILETIME exit_time, kernel, user;
    GetProcessTimes(app->process, &app->created, &exit_time, &kernel, &user);
    rmc_defer(app_cleanup, app);

    HANDLE waits[2] = { ready, app->process };
    DWORD w = WaitForMultipleObjects(2, waits, FALSE, FIXTURE_READY_TIMEOUT_MS), code = 0;
    CloseHandle(ready);
    if (w == WAIT_OBJECT_0 + 1) {
        GetExitCodeProcess(app->process, &code);
        rmc_fail("%s exited with code %lu before it was ready; journal: %s", app->name, code,
                 fx_journal_tail(&app->journal));
    }
    if (w != WAIT_OBJECT_0)
        rmc_fail("%s not ready after %u ms; journal: %s", app->name, FIXTURE_READY_TIMEOUT_MS,
                 fx_journal_tail(&app->journal));
    return app;
}

/* Whole-word match, so "--console" is not found inside "--consoles". */
static int has_option(const WCHAR *options, const WCHAR *option)
{
    size_t n = wcslen(option);
    for (const WCHAR *p = wcsstr(options, option); p; p = wcsstr(p + 1, option))
        if ((p == options || p[-1] == L' ') && (p[n] == 0 || p[n] == L' ')) return 1;
    return 0;
}

fixture_app *fixture_app_start(const WCHAR *options_fmt, ...)
{
    va_list ap;
    va_start(ap, options_fmt);
    WCHAR *options = fx_vformat(options_fmt, ap);
    va_end(ap);
    fixture_app *app = app_start(has_option(options, L"--console") ? L"rmfx-con.exe" : L"rmfx-app.exe", options);
    free(options);
    return app;
}

fixture_app *fixture_locker_start(WCHAR file[MAX_PATH], const WCHAR *name, const WCHAR *options)
{
    rmc_case_file(file, name, 1);
    return fixture_app_start(L"--lock \"%ls\" %ls", file, options);
}

fixture_app *fixture_app_start_image(const WCHAR *image, const WCHAR *options_fmt, ...)
{
    va_list ap;
    va_start(ap, options_fmt);
    WCHAR *options = fx_vformat(options_fmt, ap);
    va_end(ap);
    fixture_app *app = app_start(image, options);
    free(options);
    return app;
}

DWORD fixture_app_pid(const fixture_app *app) { return app->pid; }
HANDLE fixture_app_process(const fixture_app *app) { return app->process; }
const WCHAR *fixture_app_journal_path(const fixture_app *app) { return app->journal.path; }

RM_UNIQUE_PROCESS fixture_app_unique_process(const fixture_app *app)
{
    RM_UNIQUE_PROCESS up = { .dwProcessId = app->pid, .ProcessStartTime = app->created };
    return up;
}

const fixture_journal *fixture_app_journal(fixture_app *app) { return fx_journal_read(&app->journal); }

const char *fixture_app_wait_line(fixture_app *app, const char *event, unsigned nth, DWORD timeout_ms)
{
    return fx_journal_wait(&app->journal, app->name, event, nth, timeout_ms);
}

void fixture_app_obs_journal(fixture_app *app, const char *key) { fx_journal_obs(&app->journal, key); }

/* The line `event` written by the app's own process (not its child or a restarted one). */
static const char *own_line(fixture_app *app, const char *event)
{
    const fixture_journal *j = fx_journal_read(&app->journal);
    for (int i = fixture_journal_find(j, event, 0); i >= 0; i = fixture_journal_find(j, event, (size_t)i + 1))
        if (fixture_journal_number(j->lines[i], "pid", 0) == app->pid) return j->lines[i];
    return NULL;
}

HWND fixture_app_window(fixture_app *app)
{
    const char *ready = own_line(app, "ready");
    return ready ? (HWND)(ULONG_PTR)fixture_journal_number(ready, "hwnd", 0) : NULL;
}

DWORD fixture_app_child_pid(fixture_app *app)
{
    const char *child = own_line(app, "child");
    return child ? (DWORD)fixture_journal_number(child, "child_pid", 0) : 0;
}

int fixture_app_wait_exit(fixture_app *app, DWORD timeout_ms, DWORD *exit_code)
{
    if (WaitForSingleObject(app->process, timeout_ms) != WAIT_OBJECT_0) return 0;
    if (exit_code) GetExitCodeProcess(app->process, exit_code);
    return 1;
}

void fixture_app_wait_uptime(fixture_app *app, DWORD uptime_ms)
{
    FILETIME now;
    GetSystemTimeAsFileTime(&now);
    unsigned long long created = fx_filetime_u64(app->created), t = fx_filetime_u64(now);
    unsigned long long up_ms = t > created ? (t - created) / 10000 : 0;
    if (up_ms < uptime_ms) Sleep((DWORD)(uptime_ms - up_ms));
}

static void end_pid(void *arg)
{
    HANDLE p = OpenProcess(PROCESS_TERMINATE | SYNCHRONIZE, FALSE, (DWORD)(ULONG_PTR)arg);
    if (p) {
        TerminateProcess(p, 0xF4);
        WaitForSingleObject(p, FIXTURE_STOP_WAIT_MS);
        CloseHandle(p);
    }
}

void fixture_end_pid_later(DWORD pid)
{
    if (pid) rmc_defer(end_pid, (void *)(ULONG_PTR)pid);
}

void fixture_app_stop(fixture_app *app)
{
    DWORD child = fixture_app_child_pid(app);
    if (WaitForSingleObject(app->process, 0) == WAIT_TIMEOUT) {
        TerminateProcess(app->process, 0xF3);
        WaitForSingleObject(app->process, FIXTURE_STOP_WAIT_MS);
    }
    if (child) {
        /* The PID could have been reused once the child ended: only a process started after
         * the app can be its child. */
        HANDLE h = OpenProcess(PROCESS_TERMINATE | PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE, FALSE, child);
        FILETIME created, exit_time, kernel, user;
        if (h && GetProcessTimes(h, &created, &exit_time, &kernel, &user) &&
            fx_filetime_u64(created) >= fx_filetime_u64(app->created)) {
            TerminateProcess(h, 0xF3);
            WaitForSingleObject(h, FIXTURE_STOP_WAIT_MS);
        }
        if (h) CloseHandle(h);
    }
}

/* fixture.c — the case side of the fixture programs (fixture.h, fixtures/README.md): starts
 * them inside a job object, waits for them to be ready, reads their journals and output,
 * and stops them after the case. fixture_services_cleanup() also runs in the runner. */
#include "fixture.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define FIXTURE_STOP_WAIT_MS 5000u

/* ---- small helpers -------------------------------------------------------------------------- */

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p) rmc_fail("out of memory");
    return p;
}

static char *utf8(const WCHAR *s)
{
    int n = WideCharToMultiByte(CP_UTF8, 0, s, -1, NULL, 0, NULL, NULL);
    char *out = xcalloc(n > 0 ? (size_t)n : 1, 1);
    if (n > 0) WideCharToMultiByte(CP_UTF8, 0, s, -1, out, n, NULL, NULL);
    return out;
}

static WCHAR *vformat(const WCHAR *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = _vscwprintf(fmt, copy);
    va_end(copy);
    if (n < 0) rmc_fail("bad fixture options format");
    WCHAR *s = xcalloc((size_t)n + 1, sizeof(WCHAR));
    vswprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

static unsigned long long filetime_u64(FILETIME t)
{
    return ((unsigned long long)t.dwHighDateTime << 32) | t.dwLowDateTime;
}

RM_UNIQUE_PROCESS fixture_unique_process(DWORD pid)
{
    RM_UNIQUE_PROCESS up = { .dwProcessId = pid };
    FILETIME exit_time, kernel, user;
    HANDLE h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
    if (!h) rmc_fail("OpenProcess(%lu) failed: %s", pid, rmc_rc_str(GetLastError()));
    BOOL ok = GetProcessTimes(h, &up.ProcessStartTime, &exit_time, &kernel, &user);
    DWORD err = GetLastError();
    CloseHandle(h);
    if (!ok) rmc_fail("GetProcessTimes(%lu) failed: %s", pid, rmc_rc_str(err));
    return up;
}

/* ---- processes: every one in a kill-on-close job the case process owns ---------------------------
 * The runner's per-case job already covers what we start (children inherit the job); our own
 * job, nested in it, also ends the fixtures when only this case process dies, and does not
 * depend on how the runner was started. Processes are never created with
 * CREATE_BREAKAWAY_FROM_JOB. */

static HANDLE case_job;

static void close_case_job(void *unused)
{
    (void)unused;
    if (!case_job) return;
    TerminateJobObject(case_job, 0xF1);
    CloseHandle(case_job);
    case_job = NULL;
}

static HANDLE fixture_job(void)
{
    if (case_job) return case_job;
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION lim = { 0 };
    lim.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
    case_job = CreateJobObjectW(NULL, NULL);
    if (case_job && !SetInformationJobObject(case_job, JobObjectExtendedLimitInformation, &lim, sizeof(lim))) {
        CloseHandle(case_job);
        case_job = NULL;
    }
    if (case_job) rmc_defer(close_case_job, NULL);   /* registered first, so it runs last */
    return case_job;
}

/* Creates the process suspended, puts it in a job, then lets it run. `inherit`: whether
 * inheritable handles (std handles, pipes made inheritable for this call) pass on. */
static void spawn(const WCHAR *what, WCHAR *cmdline, DWORD flags, STARTUPINFOW *si, BOOL inherit,
                  PROCESS_INFORMATION *pi)
{
    if (!CreateProcessW(NULL, cmdline, NULL, NULL, inherit, flags | CREATE_SUSPENDED, NULL, NULL, si, pi))
        rmc_fail("CreateProcess(%s) failed: %s", utf8(what), rmc_rc_str(GetLastError()));
    HANDLE job = fixture_job();
    BOOL in_job = FALSE;
    if (!job || !AssignProcessToJobObject(job, pi->hProcess)) {
        /* No nested jobs (before Windows 8): the runner's job, inherited, must hold it. */
        if (!IsProcessInJob(pi->hProcess, NULL, &in_job) || !in_job) {
            TerminateProcess(pi->hProcess, 0xF2);
            CloseHandle(pi->hThread);
            CloseHandle(pi->hProcess);
            rmc_fail("%s could not be put in a job object (error %lu); it could outlive the case",
                     utf8(what), GetLastError());
        }
    }
    ResumeThread(pi->hThread);
    CloseHandle(pi->hThread);
    pi->hThread = NULL;
}

static void bin_path(WCHAR out[MAX_PATH], const WCHAR *image)
{
    _snwprintf(out, MAX_PATH, L"%ls%ls", rmc_bin_dir(), image);
    out[MAX_PATH - 1] = 0;
    if (GetFileAttributesW(out) == INVALID_FILE_ATTRIBUTES)
        rmc_fail("fixture %s not found next to rmconform.exe (build the fixtures)", utf8(out));
}

/* ---- journals ------------------------------------------------------------------------------------ */

typedef struct journal_file {
    WCHAR path[MAX_PATH];
    char *text;
    fixture_journal j;
} journal_file;

static void journal_release(journal_file *f)
{
    free(f->text);
    free(f->j.lines);
    f->text = NULL;
    f->j.lines = NULL;
    f->j.count = 0;
}

/* Only complete lines count: a fixture may be writing the next one right now. */
static const fixture_journal *journal_read(journal_file *f)
{
    journal_release(f);
    HANDLE h = CreateFileW(f->path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                           NULL, OPEN_EXISTING, 0, NULL);
    LARGE_INTEGER size = { 0 };
    DWORD got = 0;
    if (h != INVALID_HANDLE_VALUE && GetFileSizeEx(h, &size) && size.QuadPart < (64 << 20)) {
        f->text = xcalloc((size_t)size.QuadPart + 1, 1);
        if (!ReadFile(h, f->text, (DWORD)size.QuadPart, &got, NULL)) got = 0;
    }
    if (h != INVALID_HANDLE_VALUE) CloseHandle(h);
    if (!f->text) f->text = xcalloc(1, 1);
    size_t lines = 0;
    for (DWORD i = 0; i < got; i++) lines += f->text[i] == '\n';
    f->j.lines = xcalloc(lines, sizeof(char *));
    char *p = f->text, *end = f->text + got;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) break;
        *nl = 0;
        if (nl > p && nl[-1] == '\r') nl[-1] = 0;
        f->j.lines[f->j.count++] = p;
        p = nl + 1;
    }
    return &f->j;
}

static int is_event(const char *line, const char *event)
{
    size_t n = strlen(event);
    return !strncmp(line, event, n) && (line[n] == ' ' || line[n] == 0);
}

int fixture_journal_find(const fixture_journal *j, const char *event, size_t from)
{
    for (size_t i = from; i < j->count; i++)
        if (is_event(j->lines[i], event)) return (int)i;
    return -1;
}

size_t fixture_journal_count(const fixture_journal *j, const char *event, DWORD pid)
{
    size_t n = 0;
    for (size_t i = 0; i < j->count; i++)
        if (is_event(j->lines[i], event) && (!pid || fixture_journal_number(j->lines[i], "pid", 0) == pid)) n++;
    return n;
}

int fixture_journal_field(const char *line, const char *key, char *out, size_t size)
{
    size_t klen = strlen(key);
    if (size) out[0] = 0;
    for (const char *p = strchr(line, ' '); p; p = strchr(p + 1, ' ')) {
        if (strncmp(p + 1, key, klen) || p[1 + klen] != '=') continue;
        const char *v = p + 2 + klen;
        int to_end = !strcmp(key, "cmdline") || !strcmp(key, "path");
        size_t n = to_end ? strlen(v) : strcspn(v, " ");
        if (size) {
            if (n >= size) n = size - 1;
            memcpy(out, v, n);
            out[n] = 0;
        }
        return 1;
    }
    return 0;
}

unsigned long long fixture_journal_number(const char *line, const char *key, unsigned long long missing)
{
    char v[64];
    return fixture_journal_field(line, key, v, sizeof(v)) && v[0] ? strtoull(v, NULL, 0) : missing;
}

/* The last lines, for failure messages. */
static const char *journal_tail(journal_file *f)
{
    static char tail[1536];
    const fixture_journal *j = journal_read(f);
    size_t first = j->count > 8 ? j->count - 8 : 0, n = 0;
    tail[0] = 0;
    if (!j->count) return "(empty)";
    for (size_t i = first; i < j->count && n < sizeof(tail) - 1; i++)
        n += (size_t)snprintf(tail + n, sizeof(tail) - n, "%s%.180s", i == first ? "" : " | ", j->lines[i]);
    return tail;
}

static const char *journal_wait(journal_file *f, const char *who, const char *event, unsigned nth, DWORD timeout_ms)
{
    DWORD start = GetTickCount();
    for (;;) {
        const fixture_journal *j = journal_read(f);
        unsigned seen = 0;
        for (size_t i = 0; i < j->count; i++)
            if (is_event(j->lines[i], event) && ++seen >= (nth ? nth : 1)) return j->lines[i];
        if (GetTickCount() - start >= timeout_ms)
            rmc_fail("%s: no %u. '%s' line in its journal after %lu ms; journal: %s", who, nth ? nth : 1,
                     event, timeout_ms, journal_tail(f));
        Sleep(20);
    }
}

/* Keeps the event and, in their order, the fields that mean the same in every run. */
static void journal_obs(journal_file *f, const char *key)
{
    static const char *const stable[] = { "wParam", "lParam", "answer", "action", "event", "code",
                                          "hr", "flags", "what", "exit", "wait_hint", "error" };
    const fixture_journal *j = journal_read(f);
    char **lines = xcalloc(j->count, sizeof(char *));
    for (size_t i = 0; i < j->count; i++) {
        const char *line = j->lines[i];
        char *s = xcalloc(strlen(line) + 1, 1);
        size_t n = strcspn(line, " ");
        memcpy(s, line, n);
        for (const char *p = line + n; *p == ' '; p += 1 + strcspn(p + 1, " ")) {
            size_t len = strcspn(p + 1, " "), klen = strcspn(p + 1, "= ");
            if (!strncmp(p + 1, "cmdline=", 8) || !strncmp(p + 1, "path=", 5)) break;   /* run to the end */
            for (size_t k = 0; k < sizeof(stable) / sizeof(stable[0]); k++)
                if (strlen(stable[k]) == klen && !strncmp(p + 1, stable[k], klen)) {
                    memcpy(s + n, p, len + 1);
                    n += len + 1;
                }
        }
        s[n] = 0;
        lines[i] = s;
    }
    rmc_obs_strs(key, (const char *const *)lines, j->count);
    for (size_t i = 0; i < j->count; i++) free(lines[i]);
    free(lines);
}

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
    journal_release(&app->journal);
    free(app);
}

static fixture_app *app_start(const WCHAR *image, const WCHAR *options)
{
    fixture_app *app = xcalloc(1, sizeof(*app));
    WCHAR exe[MAX_PATH], journal_name[32], ready_name[96];
    unsigned n = ++fixture_counter;
    int console_image = !_wcsicmp(image, L"rmfx-con.exe");

    bin_path(exe, image);
    _snwprintf(journal_name, 32, L"app-%u.journal", n);
    rmc_case_file(app->journal.path, journal_name, 0);
    _snwprintf(ready_name, 96, L"Local\\rmfx-%ls-%lu-%u-ready", rmc_run_id(), GetCurrentProcessId(), n);
    HANDLE ready = CreateEventW(NULL, TRUE, FALSE, ready_name);
    if (!ready) rmc_fail("CreateEvent(%s) failed: %s", utf8(ready_name), rmc_rc_str(GetLastError()));

    size_t len = wcslen(exe) + wcslen(app->journal.path) + wcslen(ready_name) + wcslen(options) + 64;
    WCHAR *cmd = xcalloc(len, sizeof(WCHAR));
    _snwprintf(cmd, len, L"\"%ls\" --journal \"%ls\" --ready-event %ls %ls", exe, app->journal.path, ready_name, options);
    STARTUPINFOW si = { .cb = sizeof(si) };
    PROCESS_INFORMATION pi;
    /* A console program gets a console of its own, as when a user starts it: the realistic
     * target for RmConsole, and control events sent to it stay away from the case. */
    spawn(image, cmd, console_image ? CREATE_NEW_CONSOLE : 0, &si, FALSE, &pi);
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
                 journal_tail(&app->journal));
    }
    if (w != WAIT_OBJECT_0)
        rmc_fail("%s not ready after %u ms; journal: %s", app->name, FIXTURE_READY_TIMEOUT_MS,
                 journal_tail(&app->journal));
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
    WCHAR *options = vformat(options_fmt, ap);
    va_end(ap);
    fixture_app *app = app_start(has_option(options, L"--console") ? L"rmfx-con.exe" : L"rmfx-app.exe", options);
    free(options);
    return app;
}

fixture_app *fixture_app_start_image(const WCHAR *image, const WCHAR *options_fmt, ...)
{
    va_list ap;
    va_start(ap, options_fmt);
    WCHAR *options = vformat(options_fmt, ap);
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

const fixture_journal *fixture_app_journal(fixture_app *app) { return journal_read(&app->journal); }

const char *fixture_app_wait_line(fixture_app *app, const char *event, unsigned nth, DWORD timeout_ms)
{
    return journal_wait(&app->journal, app->name, event, nth, timeout_ms);
}

void fixture_app_obs_journal(fixture_app *app, const char *key) { journal_obs(&app->journal, key); }

/* The line `event` written by the app's own process (not its child or a restarted one). */
static const char *own_line(fixture_app *app, const char *event)
{
    const fixture_journal *j = journal_read(&app->journal);
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
            filetime_u64(created) >= filetime_u64(app->created)) {
            TerminateProcess(h, 0xF3);
            WaitForSingleObject(h, FIXTURE_STOP_WAIT_MS);
        }
        if (h) CloseHandle(h);
    }
}

/* ---- console control events ---------------------------------------------------------------- */

static BOOL WINAPI ignore_ctrl(DWORD event)
{
    (void)event;
    return TRUE;   /* the case process shares the console for a moment: never let it end us */
}

DWORD fixture_console_ctrl(DWORD pid, DWORD event)
{
    DWORD err = ERROR_SUCCESS;
    SetConsoleCtrlHandler(ignore_ctrl, TRUE);
    /* A process has at most one console: leave ours to attach to the target's. The event is
     * delivered asynchronously, so the ignoring handler stays for the rest of the case. */
    FreeConsole();
    if (!AttachConsole(pid)) return GetLastError();
    if (!GenerateConsoleCtrlEvent(event, 0)) err = GetLastError();
    FreeConsole();
    return err;
}

void fixture_module_copy(WCHAR out[MAX_PATH], const WCHAR *name)
{
    WCHAR src[MAX_PATH];
    bin_path(src, L"rmfx-module.dll");
    rmc_case_file(out, name, 0);
    if (!CopyFileW(src, out, FALSE))
        rmc_fail("CopyFile(rmfx-module.dll -> %s) failed: %s", utf8(out), rmc_rc_str(GetLastError()));
}

/* ---- services ------------------------------------------------------------------------------------ */

struct fixture_service {
    WCHAR name[128];
    char uname[128];
    journal_file journal;
    int deleted;
};

/* Stop, end the process if it does not stop, delete. Shared with the runner's cleanup, so it
 * uses no case context. Returns 0 or the error of DeleteService. */
static DWORD service_remove(SC_HANDLE scm, const WCHAR *name)
{
    SERVICE_STATUS_PROCESS st = { 0 };
    SERVICE_STATUS ss;
    DWORD got, err = ERROR_SUCCESS;
    SC_HANDLE svc = OpenServiceW(scm, name, SERVICE_STOP | SERVICE_QUERY_STATUS | DELETE);
    if (!svc) return GetLastError();
    /* A service that refuses the stop is ended at once; one that is slow gets 3 s. */
    int refused = !ControlService(svc, SERVICE_CONTROL_STOP, &ss) && GetLastError() != ERROR_SERVICE_NOT_ACTIVE;
    for (int i = 0; i < 60; i++) {
        if (!QueryServiceStatusEx(svc, SC_STATUS_PROCESS_INFO, (BYTE *)&st, sizeof(st), &got)) break;
        if (st.dwCurrentState == SERVICE_STOPPED) break;
        if (i == (refused ? 0 : 30) && st.dwProcessId) {
            /* Refused or too slow: end it. The SCM may take a while to notice (Wine's does),
             * so the process's end is what we wait for. */
            HANDLE p = OpenProcess(PROCESS_TERMINATE | SYNCHRONIZE, FALSE, st.dwProcessId);
            if (p) {
                TerminateProcess(p, 0xF4);
                WaitForSingleObject(p, 5000);
                CloseHandle(p);
            }
            break;
        }
        Sleep(100);
    }
    if (!DeleteService(svc) && (err = GetLastError()) == ERROR_SERVICE_MARKED_FOR_DELETE) err = ERROR_SUCCESS;
    CloseServiceHandle(svc);
    return err;
}

static void service_cleanup(void *arg)
{
    fixture_service *svc = arg;
    if (!svc->deleted) fixture_service_delete(svc);
    journal_release(&svc->journal);
    free(svc);
}

/* "rmfx-<run id>-<case process id>-": every service of this case, and nothing else. */
static const WCHAR *case_service_prefix(void)
{
    static WCHAR prefix[64];
    if (!prefix[0]) _snwprintf(prefix, 63, L"rmfx-%ls-%lx-", rmc_run_id(), GetCurrentProcessId());
    return prefix;
}

static fixture_service *service_install(const WCHAR *tag, const WCHAR *options)
{
    fixture_service *svc = xcalloc(1, sizeof(*svc));
    WCHAR exe[MAX_PATH], journal_name[160];

    bin_path(exe, L"rmfx-svc.exe");
    _snwprintf(svc->name, 128, L"%ls%ls", case_service_prefix(), tag);
    svc->name[127] = 0;
    WideCharToMultiByte(CP_UTF8, 0, svc->name, -1, svc->uname, sizeof(svc->uname), NULL, NULL);
    _snwprintf(journal_name, 160, L"svc-%ls.journal", tag);
    rmc_case_file(svc->journal.path, journal_name, 0);

    size_t len = wcslen(exe) + wcslen(svc->name) + wcslen(svc->journal.path) + wcslen(options) + 96;
    WCHAR *cmd = xcalloc(len, sizeof(WCHAR));
    _snwprintf(cmd, len, L"\"%ls\" --install %ls --journal \"%ls\" --owner %lu %ls", exe, svc->name,
               svc->journal.path, GetCurrentProcessId(), options);
    /* Its error messages go to the case's log (inherited std handles). */
    STARTUPINFOW si = { .cb = sizeof(si), .dwFlags = STARTF_USESTDHANDLES,
                        .hStdInput = GetStdHandle(STD_INPUT_HANDLE), .hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE),
                        .hStdError = GetStdHandle(STD_ERROR_HANDLE) };
    PROCESS_INFORMATION pi;
    spawn(L"rmfx-svc.exe --install", cmd, CREATE_NO_WINDOW, &si, TRUE, &pi);
    free(cmd);
    DWORD code = 0;
    BOOL done = WaitForSingleObject(pi.hProcess, 30000) == WAIT_OBJECT_0 && GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hProcess);
    rmc_defer(service_cleanup, svc);   /* also removes a half-installed service */
    if (!done) rmc_fail("rmfx-svc --install %s did not finish in 30 s", svc->uname);
    if (code) rmc_fail("rmfx-svc --install %s failed: %s", svc->uname, rmc_rc_str(code));
    return svc;
}

/* A stopped service has no process that could notice the case is gone, and this process's
 * jobs end everything it starts: so before its first service, a case starts a guard service
 * (the SCM runs it, outside our jobs) that removes this case's services once this process
 * has ended, however it ended. Removed after the case's other services (deferred first). */
static fixture_service *case_guard;

static void ensure_guard(void)
{
    if (case_guard) return;
    WCHAR options[96];
    _snwprintf(options, 96, L"--guard-for %ls", case_service_prefix());
    case_guard = service_install(L"guard", options);
    fixture_service_start(case_guard);
}

fixture_service *fixture_service_install(const WCHAR *tag, const WCHAR *options_fmt, ...)
{
    va_list ap;
    va_start(ap, options_fmt);
    WCHAR *options = vformat(options_fmt, ap);
    va_end(ap);
    ensure_guard();
    fixture_service *svc = service_install(tag, options);
    free(options);
    return svc;
}

const WCHAR *fixture_service_name(const fixture_service *svc) { return svc->name; }

static SC_HANDLE service_open(fixture_service *svc, DWORD access, SC_HANDLE *scm)
{
    *scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
    if (!*scm) rmc_fail("OpenSCManager failed: %s", rmc_rc_str(GetLastError()));
    SC_HANDLE h = OpenServiceW(*scm, svc->name, access);
    if (!h) {
        DWORD err = GetLastError();
        CloseServiceHandle(*scm);
        rmc_fail("OpenService(%s) failed: %s", svc->uname, rmc_rc_str(err));
    }
    return h;
}

static SERVICE_STATUS_PROCESS service_query(fixture_service *svc)
{
    SERVICE_STATUS_PROCESS st = { 0 };
    SC_HANDLE scm, h = service_open(svc, SERVICE_QUERY_STATUS, &scm);
    DWORD got;
    if (!QueryServiceStatusEx(h, SC_STATUS_PROCESS_INFO, (BYTE *)&st, sizeof(st), &got)) memset(&st, 0, sizeof(st));
    CloseServiceHandle(h);
    CloseServiceHandle(scm);
    return st;
}

static DWORD service_wait_state(fixture_service *svc, DWORD state, DWORD timeout_ms)
{
    DWORD start = GetTickCount(), now;
    for (;;) {
        now = service_query(svc).dwCurrentState;
        if (now == state || GetTickCount() - start >= timeout_ms) return now;
        if (state == SERVICE_RUNNING && now == SERVICE_STOPPED && GetTickCount() - start > 500) return now;
        Sleep(50);
    }
}

void fixture_service_start(fixture_service *svc)
{
    SC_HANDLE scm, h = service_open(svc, SERVICE_START, &scm);
    BOOL ok = StartServiceW(h, 0, NULL);
    DWORD err = GetLastError();
    CloseServiceHandle(h);
    CloseServiceHandle(scm);
    if (!ok) rmc_fail("StartService(%s) failed: %s; journal: %s", svc->uname, rmc_rc_str(err), journal_tail(&svc->journal));
    DWORD state = service_wait_state(svc, SERVICE_RUNNING, FIXTURE_READY_TIMEOUT_MS);
    if (state != SERVICE_RUNNING)
        rmc_fail("service %s is in state %lu, not SERVICE_RUNNING, after StartService; journal: %s", svc->uname,
                 state, journal_tail(&svc->journal));
}

DWORD fixture_service_stop(fixture_service *svc, DWORD timeout_ms)
{
    SERVICE_STATUS ss;
    SC_HANDLE scm, h = service_open(svc, SERVICE_STOP, &scm);
    DWORD err = ControlService(h, SERVICE_CONTROL_STOP, &ss) ? ERROR_SUCCESS : GetLastError();
    CloseServiceHandle(h);
    CloseServiceHandle(scm);
    if (err == ERROR_SUCCESS) service_wait_state(svc, SERVICE_STOPPED, timeout_ms);
    return err;
}

DWORD fixture_service_state(fixture_service *svc) { return service_query(svc).dwCurrentState; }
DWORD fixture_service_pid(fixture_service *svc) { return service_query(svc).dwProcessId; }

RM_UNIQUE_PROCESS fixture_service_unique_process(fixture_service *svc)
{
    DWORD pid = fixture_service_pid(svc);
    if (!pid) rmc_fail("service %s has no process (state %lu)", svc->uname, fixture_service_state(svc));
    return fixture_unique_process(pid);
}

void fixture_service_delete(fixture_service *svc)
{
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
    DWORD err = scm ? service_remove(scm, svc->name) : GetLastError();
    if (scm) CloseServiceHandle(scm);
    svc->deleted = 1;
    if (err && err != ERROR_SERVICE_DOES_NOT_EXIST)
        rmc_fail("deleting service %s failed: %s", svc->uname, rmc_rc_str(err));
}

const fixture_journal *fixture_service_journal(fixture_service *svc) { return journal_read(&svc->journal); }

const char *fixture_service_wait_line(fixture_service *svc, const char *event, unsigned nth, DWORD timeout_ms)
{
    return journal_wait(&svc->journal, svc->uname, event, nth, timeout_ms);
}

/* Whether the process named by the service's "--owner PID:STARTTIME" still exists. */
static int service_owner_alive(SC_HANDLE scm, const WCHAR *name)
{
    BYTE buf[8192];
    QUERY_SERVICE_CONFIGW *cfg = (QUERY_SERVICE_CONFIGW *)buf;
    DWORD got;
    int alive = 1;
    SC_HANDLE svc = OpenServiceW(scm, name, SERVICE_QUERY_CONFIG);
    if (!svc) return 1;
    if (QueryServiceConfigW(svc, cfg, sizeof(buf), &got) && cfg->lpBinaryPathName) {
        const WCHAR *owner = wcsstr(cfg->lpBinaryPathName, L" --owner ");
        unsigned long pid = 0;
        unsigned long long start = 0;
        if (owner && swscanf(owner + 9, L"%lu:%llu", &pid, &start) == 2) {
            HANDLE p = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE, FALSE, pid);
            FILETIME created, exit_time, kernel, user;
            alive = p && WaitForSingleObject(p, 0) == WAIT_TIMEOUT &&
                    GetProcessTimes(p, &created, &exit_time, &kernel, &user) && filetime_u64(created) == start;
            if (p) CloseHandle(p);
        }
    }
    CloseServiceHandle(svc);
    return alive;
}

void fixture_services_cleanup(const WCHAR *run_id)
{
    WCHAR prefix[64];
    DWORD needed = 0, count = 0, resume = 0, size = 256 * 1024;
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT | SC_MANAGER_ENUMERATE_SERVICE);
    BYTE *buf = malloc(size);
    if (run_id) _snwprintf(prefix, 64, L"rmfx-%ls-", run_id);
    else wcscpy(prefix, L"rmfx-");
    prefix[63] = 0;
    if (!scm || !buf) goto done;
    if (!EnumServicesStatusExW(scm, SC_ENUM_PROCESS_INFO, SERVICE_WIN32, SERVICE_STATE_ALL, buf, size, &needed,
                               &count, &resume, NULL) && GetLastError() != ERROR_MORE_DATA)
        goto done;
    ENUM_SERVICE_STATUS_PROCESSW *s = (ENUM_SERVICE_STATUS_PROCESSW *)buf;
    for (DWORD i = 0; i < count; i++) {
        const WCHAR *name = s[i].lpServiceName;
        if (_wcsnicmp(name, prefix, wcslen(prefix))) continue;
        if (!run_id && service_owner_alive(scm, name)) continue;
        DWORD err = service_remove(scm, name);
        fprintf(stderr, "rmconform: removed leftover fixture service %ls (%s)\n", name, rmc_error_name(err));
    }
done:
    if (scm) CloseServiceHandle(scm);
    free(buf);
}

/* ---- the secondary installer ------------------------------------------------------------------------ */

struct fixture_secondary {
    HANDLE process, out, in;    /* our ends of its stdout and stdin */
    char pending[65536];
    size_t npending;
    char **lines;
    size_t count, cap;
    int eof;
};

static void secondary_cleanup(void *arg)
{
    fixture_secondary *sec = arg;
    if (sec->in) CloseHandle(sec->in);
    if (WaitForSingleObject(sec->process, 0) == WAIT_TIMEOUT) {
        TerminateProcess(sec->process, 0xF5);
        WaitForSingleObject(sec->process, FIXTURE_STOP_WAIT_MS);
    }
    CloseHandle(sec->process);
    CloseHandle(sec->out);
    for (size_t i = 0; i < sec->count; i++) free(sec->lines[i]);
    free(sec->lines);
    free(sec);
}

fixture_secondary *fixture_secondary_start(const WCHAR *key, const WCHAR *options_fmt, ...)
{
    fixture_secondary *sec = xcalloc(1, sizeof(*sec));
    WCHAR exe[MAX_PATH];
    HANDLE child_out, child_in;
    va_list ap;
    va_start(ap, options_fmt);
    WCHAR *options = vformat(options_fmt, ap);
    va_end(ap);

    bin_path(exe, L"rmfx-secondary.exe");
    /* Pipes are made inheritable only for this CreateProcess, so no other fixture keeps an
     * end open and the end of its output is seen when it exits. */
    if (!CreatePipe(&sec->out, &child_out, NULL, 0) || !CreatePipe(&child_in, &sec->in, NULL, 0))
        rmc_fail("CreatePipe failed: %s", rmc_rc_str(GetLastError()));
    SetHandleInformation(child_out, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
    SetHandleInformation(child_in, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
    size_t len = wcslen(exe) + wcslen(rmc_impl_path()) + wcslen(key) + wcslen(options) + 64;
    WCHAR *cmd = xcalloc(len, sizeof(WCHAR));
    _snwprintf(cmd, len, L"\"%ls\" --dll \"%ls\" --key \"%ls\" %ls", exe, rmc_impl_path(), key, options);
    free(options);
    STARTUPINFOW si = { .cb = sizeof(si), .dwFlags = STARTF_USESTDHANDLES, .hStdInput = child_in,
                        .hStdOutput = child_out, .hStdError = GetStdHandle(STD_ERROR_HANDLE) };
    PROCESS_INFORMATION pi;
    spawn(L"rmfx-secondary.exe", cmd, CREATE_NO_WINDOW, &si, TRUE, &pi);
    free(cmd);
    CloseHandle(child_out);
    CloseHandle(child_in);
    sec->process = pi.hProcess;
    rmc_defer(secondary_cleanup, sec);
    return sec;
}

static const char *secondary_take_line(fixture_secondary *sec)
{
    char *nl = memchr(sec->pending, '\n', sec->npending);
    if (!nl && !(sec->eof && sec->npending)) return NULL;
    size_t n = nl ? (size_t)(nl - sec->pending) : sec->npending;
    char *line = xcalloc(n + 1, 1);
    memcpy(line, sec->pending, n);
    if (n && line[n - 1] == '\r') line[n - 1] = 0;
    sec->npending -= nl ? n + 1 : n;
    memmove(sec->pending, sec->pending + (nl ? n + 1 : n), sec->npending);
    if (sec->count == sec->cap) {
        sec->cap = sec->cap ? sec->cap * 2 : 16;
        char **grown = realloc(sec->lines, sec->cap * sizeof(char *));
        if (!grown) rmc_fail("out of memory");
        sec->lines = grown;
    }
    sec->lines[sec->count++] = line;
    return line;
}

const char *fixture_secondary_next(fixture_secondary *sec, DWORD timeout_ms)
{
    DWORD start = GetTickCount();
    for (;;) {
        const char *line = secondary_take_line(sec);
        if (line || sec->eof) return line;
        DWORD avail = 0, got = 0;
        if (!PeekNamedPipe(sec->out, NULL, 0, NULL, &avail, NULL)) { sec->eof = 1; continue; }
        if (avail) {
            size_t room = sizeof(sec->pending) - sec->npending;
            if (!room) rmc_fail("rmfx-secondary printed a line longer than %zu bytes", sizeof(sec->pending));
            if (!ReadFile(sec->out, sec->pending + sec->npending, (DWORD)(avail < room ? avail : room), &got, NULL))
                sec->eof = 1;
            sec->npending += got;
            continue;
        }
        if (GetTickCount() - start >= timeout_ms) return NULL;
        Sleep(10);
    }
}

const char *fixture_secondary_wait_stay(fixture_secondary *sec, DWORD timeout_ms)
{
    DWORD start = GetTickCount();
    for (;;) {
        DWORD spent = GetTickCount() - start;
        const char *line = fixture_secondary_next(sec, spent < timeout_ms ? timeout_ms - spent : 0);
        if (!line || strstr(line, "\"event\":\"stay\"")) return line;
    }
}

void fixture_secondary_send(fixture_secondary *sec, const char *line)
{
    DWORD written;
    if (!sec->in || !WriteFile(sec->in, line, (DWORD)strlen(line), &written, NULL) ||
        !WriteFile(sec->in, "\n", 1, &written, NULL))
        rmc_fail("writing to rmfx-secondary failed: %s", rmc_rc_str(GetLastError()));
}

DWORD fixture_secondary_wait(fixture_secondary *sec, DWORD timeout_ms)
{
    DWORD start = GetTickCount(), code = 0;
    while (!sec->eof) {
        DWORD spent = GetTickCount() - start;
        if (spent >= timeout_ms || (!fixture_secondary_next(sec, timeout_ms - spent) && !sec->eof))
            rmc_fail("rmfx-secondary did not finish within %lu ms (%zu lines so far%s%.300s)", timeout_ms,
                     sec->count, sec->count ? ", last: " : "", sec->count ? sec->lines[sec->count - 1] : "");
    }
    while (fixture_secondary_next(sec, 0)) {}   /* lines still buffered */
    if (WaitForSingleObject(sec->process, FIXTURE_STOP_WAIT_MS) != WAIT_OBJECT_0)
        rmc_fail("rmfx-secondary closed its output but did not exit");
    GetExitCodeProcess(sec->process, &code);
    return code;
}

size_t fixture_secondary_count(const fixture_secondary *sec) { return sec->count; }
const char *fixture_secondary_line(const fixture_secondary *sec, size_t i) { return i < sec->count ? sec->lines[i] : NULL; }

int fixture_json_field(const char *json_line, const char *key, char *out, size_t size)
{
    char pattern[64];
    snprintf(pattern, sizeof(pattern), "\"%s\":", key);
    const char *p = strstr(json_line, pattern);
    if (!p) return 0;
    p += strlen(pattern);
    int quoted = *p == '"';
    p += quoted;
    size_t n = 0;
    while (p[n] && (quoted ? p[n] != '"' : (p[n] != ',' && p[n] != '}'))) n += (quoted && p[n] == '\\' && p[n + 1]) ? 2 : 1;
    if (size) {
        if (n >= size) n = size - 1;
        memcpy(out, p, n);
        out[n] = 0;
    }
    return 1;
}

DWORD fixture_secondary_rc(fixture_secondary *sec, const char *call, unsigned nth)
{
    char name[64], rc[32];
    unsigned seen = 0;
    for (size_t i = 0; i < sec->count; i++) {
        if (!fixture_json_field(sec->lines[i], "call", name, sizeof(name)) || strcmp(name, call)) continue;
        if (++seen < (nth ? nth : 1)) continue;
        if (!fixture_json_field(sec->lines[i], "rc", rc, sizeof(rc)))
            rmc_fail("rmfx-secondary: %s did not return: %.300s", call, sec->lines[i]);
        return (DWORD)strtoul(rc, NULL, 10);
    }
    rmc_fail("rmfx-secondary printed no %u. %s line (%zu lines%s%.300s)", nth ? nth : 1, call, sec->count,
             sec->count ? ", last: " : "", sec->count ? sec->lines[sec->count - 1] : "");
}

void fixture_secondary_obs(fixture_secondary *sec, const char *key)
{
    size_t len = 3;
    for (size_t i = 0; i < sec->count; i++) len += strlen(sec->lines[i]) + 1;
    char *json = xcalloc(len, 1), *p = json;
    *p++ = '[';
    for (size_t i = 0; i < sec->count; i++) p += sprintf(p, "%s%s", i ? "," : "", sec->lines[i]);
    *p++ = ']';
    rmc_obs_json(key, json);
    free(json);
}

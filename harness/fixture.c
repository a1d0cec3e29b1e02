/* fixture.c — the case side of the fixture programs (fixture.h, fixtures/README.md): what
 * applications, services and the secondary share — starting processes inside the case's job
 * object, finding the fixture binaries, reading journals — and console control events.
 * Applications: fixture_app.c; services: fixture_service.c; the secondary: fixture_secondary.c. */
#include "fixture_internal.h"
#include "preflight.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>


/* ---- small helpers -------------------------------------------------------------------------- */

void *fx_calloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p) rmc_fail("out of memory");
    return p;
}

char *fx_utf8(const WCHAR *s)
{
    int n = WideCharToMultiByte(CP_UTF8, 0, s, -1, NULL, 0, NULL, NULL);
    char *out = fx_calloc(n > 0 ? (size_t)n : 1, 1);
    if (n > 0) WideCharToMultiByte(CP_UTF8, 0, s, -1, out, n, NULL, NULL);
    return out;
}

WCHAR *fx_vformat(const WCHAR *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = _vscwprintf(fmt, copy);
    va_end(copy);
    if (n < 0) rmc_fail("bad fixture options format");
    WCHAR *s = fx_calloc((size_t)n + 1, sizeof(WCHAR));
    vswprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

unsigned long long fx_filetime_u64(FILETIME t)
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

/* Creates the process suspended inside the case's job (spawn_in_job.c), then lets it run. `inherit`: whether
 * inheritable handles (std handles, pipes made inheritable for this call) pass on. */
void fx_spawn(const WCHAR *what, WCHAR *cmdline, DWORD flags, STARTUPINFOW *si, BOOL inherit,
              PROCESS_INFORMATION *pi)
{
    HANDLE job = fixture_job();
    int in_own_job = 0;
    if (!spawn_in_job(cmdline, inherit, flags, si, job, pi, &in_own_job))
        rmc_fail("CreateProcess(%s) failed: %s", fx_utf8(what), rmc_rc_str(GetLastError()));
    BOOL in_job = FALSE;
    if (!in_own_job) {
        /* No nested jobs (before Windows 8): the runner's job, inherited, must hold it. */
        if (!IsProcessInJob(pi->hProcess, NULL, &in_job) || !in_job) {
            TerminateProcess(pi->hProcess, 0xF2);
            CloseHandle(pi->hThread);
            CloseHandle(pi->hProcess);
            rmc_fail("%s could not be put in a job object (error %lu); it could outlive the case",
                     fx_utf8(what), GetLastError());
        }
    }
    ResumeThread(pi->hThread);
    CloseHandle(pi->hThread);
    pi->hThread = NULL;
}

void fx_bin_path(WCHAR out[MAX_PATH], const WCHAR *image)
{
    /* A fixture that failed the runner's preflight (preflight.c) cannot judge the
     * implementation: every case that needs it ends here as unsupported. */
    const char *broken = preflight_failure(image);
    if (broken) {
        char *name = fx_utf8(image), *dot = strrchr(name, '.');
        if (dot) *dot = 0;
        rmc_unsupported("the %s fixture failed its preflight: %s", name, broken);
    }
    _snwprintf(out, MAX_PATH, L"%ls%ls", rmc_bin_dir(), image);
    out[MAX_PATH - 1] = 0;
    if (GetFileAttributesW(out) == INVALID_FILE_ATTRIBUTES)
        rmc_fail("fixture %s not found next to rmconform.exe (build the fixtures)", fx_utf8(out));
}

/* ---- journals ------------------------------------------------------------------------------------ */


void fx_journal_release(journal_file *f)
{
    free(f->text);
    free(f->j.lines);
    f->text = NULL;
    f->j.lines = NULL;
    f->j.count = 0;
}

/* Only complete lines count: a fixture may be writing the next one right now. */
const fixture_journal *fx_journal_read(journal_file *f)
{
    fx_journal_release(f);
    HANDLE h = CreateFileW(f->path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                           NULL, OPEN_EXISTING, 0, NULL);
    LARGE_INTEGER size = { 0 };
    DWORD got = 0;
    if (h != INVALID_HANDLE_VALUE && GetFileSizeEx(h, &size) && size.QuadPart < (64 << 20)) {
        f->text = fx_calloc((size_t)size.QuadPart + 1, 1);
        if (!ReadFile(h, f->text, (DWORD)size.QuadPart, &got, NULL)) got = 0;
    }
    if (h != INVALID_HANDLE_VALUE) CloseHandle(h);
    if (!f->text) f->text = fx_calloc(1, 1);
    size_t lines = 0;
    for (DWORD i = 0; i < got; i++) lines += f->text[i] == '\n';
    f->j.lines = fx_calloc(lines, sizeof(char *));
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
const char *fx_journal_tail(journal_file *f)
{
    static char tail[1536];
    const fixture_journal *j = fx_journal_read(f);
    size_t first = j->count > 8 ? j->count - 8 : 0, n = 0;
    tail[0] = 0;
    if (!j->count) return "(empty)";
    for (size_t i = first; i < j->count && n < sizeof(tail) - 1; i++)
        n += (size_t)snprintf(tail + n, sizeof(tail) - n, "%s%.180s", i == first ? "" : " | ", j->lines[i]);
    return tail;
}

const char *fx_journal_wait(journal_file *f, const char *who, const char *event, unsigned nth, DWORD timeout_ms)
{
    DWORD start = GetTickCount();
    for (;;) {
        const fixture_journal *j = fx_journal_read(f);
        unsigned seen = 0;
        for (size_t i = 0; i < j->count; i++)
            if (is_event(j->lines[i], event) && ++seen >= (nth ? nth : 1)) return j->lines[i];
        if (GetTickCount() - start >= timeout_ms)
            rmc_fail("%s: no %u. '%s' line in its journal after %lu ms; journal: %s", who, nth ? nth : 1,
                     event, timeout_ms, fx_journal_tail(f));
        Sleep(20);
    }
}

/* Keeps the event and, in their order, the fields that mean the same in every run. */
void fx_journal_obs(journal_file *f, const char *key)
{
    static const char *const stable[] = { "wParam", "lParam", "answer", "action", "event", "code",
                                          "hr", "flags", "what", "exit", "wait_hint", "error" };
    const fixture_journal *j = fx_journal_read(f);
    char **lines = fx_calloc(j->count, sizeof(char *));
    for (size_t i = 0; i < j->count; i++) {
        const char *line = j->lines[i];
        char *s = fx_calloc(strlen(line) + 1, 1);
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
    fx_bin_path(src, L"rmfx-module.dll");
    rmc_case_file(out, name, 0);
    if (!CopyFileW(src, out, FALSE))
        rmc_fail("CopyFile(rmfx-module.dll -> %s) failed: %s", fx_utf8(out), rmc_rc_str(GetLastError()));
}


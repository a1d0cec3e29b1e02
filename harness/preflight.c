/* preflight.c — before every run, a quick check of each fixture program (fixtures/README.md):
 * start it, see it get ready, stop it. A fixture that fails is the suite's problem, not the
 * implementation's: the case processes learn it through RMC_PREFLIGHT_ENV and the fixture API
 * (fx_bin_path, fixture.c) ends every case that needs that fixture as `unsupported` with the
 * reason, so no case needs to know. The checks run side by side (the service one in a thread of
 * its own) to keep the cost per run small; the outcome goes to results.json's platform section. */
#include "preflight.h"
#include "svc_remove.h"   /* fixtures/: the one routine that stops and deletes a fixture service */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define PREFLIGHT_READY_MS 20000u   /* as FIXTURE_READY_TIMEOUT_MS: start-up under a loaded Wine */
#define PREFLIGHT_STOP_MS 5000u

enum { PF_APP, PF_CON, PF_SECONDARY, PF_PS, PF_MODULE, PF_SVC, PF_COUNT };
static const WCHAR *const pf_images[PF_COUNT] = {
    L"rmfx-app.exe", L"rmfx-con.exe", L"rmfx-secondary.exe", L"rmfx-ps.exe", L"rmfx-module.dll", L"rmfx-svc.exe"};

typedef struct pf_check {
    int checked, ok;
    DWORD ms;
    char reason[400];
    WCHAR path[MAX_PATH];
    /* process checks */
    HANDLE process, ready;
    DWORD want_exit;            /* for programs that run to their end: the exit code that means "works" */
    int runs_to_end;
} pf_check;

static void pf_fail(pf_check *c, const char *fmt, ...) __attribute__((format(gnu_printf, 2, 3)));
static void pf_fail(pf_check *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->reason, sizeof c->reason, fmt, ap);
    va_end(ap);
    c->ok = 0;
}

/* The image beside rmconform.exe, or the test-only override. 0 (with the reason) when absent. */
static int image_path(pf_check *c, const WCHAR *image)
{
    WCHAR override[2 * MAX_PATH];
    size_t n = wcslen(image);
    DWORD got = GetEnvironmentVariableW(RMC_PREFLIGHT_OVERRIDE_ENV, override, 2 * MAX_PATH);
    if (got && got < 2 * MAX_PATH && !_wcsnicmp(override, image, n) && override[n] == L'=')
        _snwprintf(c->path, MAX_PATH, L"%ls", override + n + 1);
    else
        _snwprintf(c->path, MAX_PATH, L"%ls%ls", self_dir(), image);
    c->path[MAX_PATH - 1] = 0;
    if (GetFileAttributesW(c->path) == INVALID_FILE_ATTRIBUTES) {
        pf_fail(c, "%ls not found (%s)", c->path, rmc_rc_str(GetLastError()));
        return 0;
    }
    return 1;
}

static void start_process(pf_check *c, HANDLE job, const WCHAR *args, DWORD flags)
{
    WCHAR cmd[4 * MAX_PATH];
    _snwprintf(cmd, 4 * MAX_PATH, L"\"%ls\" %ls", c->path, args);
    cmd[4 * MAX_PATH - 1] = 0;
    HANDLE nul = CreateFileW(L"NUL", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                             OPEN_EXISTING, 0, NULL);
    STARTUPINFOW si = {.cb = sizeof(si)};
    if (!(flags & CREATE_NEW_CONSOLE)) {
        /* Its output (rmfx-ps listings, the secondary's JSON lines) is not ours to print. */
        SetHandleInformation(nul, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
        si.dwFlags = STARTF_USESTDHANDLES;
        si.hStdInput = si.hStdOutput = si.hStdError = nul;
    }
    PROCESS_INFORMATION pi;
    int in_job;
    BOOL ok = spawn_in_job(cmd, !(flags & CREATE_NEW_CONSOLE), flags, &si, job, &pi, &in_job);
    DWORD err = GetLastError();
    CloseHandle(nul);
    if (!ok) { pf_fail(c, "CreateProcess failed: %s", rmc_rc_str(err)); return; }
    ResumeThread(pi.hThread);
    CloseHandle(pi.hThread);
    c->process = pi.hProcess;
}

/* rmfx-app / rmfx-con: ready (the named event) within the limit, then stopped. */
static void start_app(pf_check *c, HANDLE job, int console, unsigned n)
{
    WCHAR ready[96], args[160];
    _snwprintf(ready, 96, L"Local\\rmfx-preflight-%lu-%u-ready", GetCurrentProcessId(), n);
    c->ready = CreateEventW(NULL, TRUE, FALSE, ready);
    if (!c->ready) { pf_fail(c, "CreateEvent failed: %s", rmc_rc_str(GetLastError())); return; }
    _snwprintf(args, 160, L"--ready-event %ls --window none", ready);
    start_process(c, job, args, console ? CREATE_NEW_CONSOLE : 0);
}

static void finish_process(pf_check *c, DWORD deadline)
{
    if (!c->process) return;
    DWORD now = GetTickCount(), left = (LONG)(deadline - now) > 0 ? deadline - now : 0, code = 0;
    if (c->ready) {
        HANDLE waits[2] = {c->ready, c->process};
        DWORD w = WaitForMultipleObjects(2, waits, FALSE, left);
        if (w == WAIT_OBJECT_0 + 1) {
            GetExitCodeProcess(c->process, &code);
            pf_fail(c, "exited with code %lu before it was ready", (unsigned long)code);
        } else if (w != WAIT_OBJECT_0)
            pf_fail(c, "not ready within %u ms", PREFLIGHT_READY_MS);
        else {
            TerminateProcess(c->process, 0);
            if (WaitForSingleObject(c->process, PREFLIGHT_STOP_MS) != WAIT_OBJECT_0)
                pf_fail(c, "still running %u ms after TerminateProcess", PREFLIGHT_STOP_MS);
        }
    } else if (WaitForSingleObject(c->process, left) != WAIT_OBJECT_0)
        pf_fail(c, "did not finish within %u ms", PREFLIGHT_READY_MS);
    else if (GetExitCodeProcess(c->process, &code) && code != c->want_exit)
        pf_fail(c, "exited with code %lu, expected %lu", (unsigned long)code, (unsigned long)c->want_exit);
    TerminateProcess(c->process, 0);
    CloseHandle(c->process);
    if (c->ready) CloseHandle(c->ready);
    c->process = c->ready = NULL;
}

/* rmfx-module: loads and unloads. */
static void check_module(pf_check *c)
{
    HMODULE m = LoadLibraryExW(c->path, NULL, LOAD_WITH_ALTERED_SEARCH_PATH);
    if (!m) { pf_fail(c, "LoadLibrary failed: %s", rmc_rc_str(GetLastError())); return; }
    if (!FreeLibrary(m)) pf_fail(c, "FreeLibrary failed: %s", rmc_rc_str(GetLastError()));
}

/* rmfx-svc: install, start (running), stop (stopped), delete — a service of its own, named so
 * that a runner killed meanwhile leaves nothing (--owner; fixture_services_cleanup). */
typedef struct svc_job { pf_check *c; const WCHAR *run_id; HANDLE job; } svc_job;

static DWORD wait_state(SC_HANDLE h, DWORD state, DWORD timeout_ms)
{
    SERVICE_STATUS_PROCESS ss = {0};
    DWORD got, start = GetTickCount();
    for (;;) {
        if (!QueryServiceStatusEx(h, SC_STATUS_PROCESS_INFO, (BYTE *)&ss, sizeof ss, &got)) return 0;
        if (ss.dwCurrentState == state || GetTickCount() - start >= timeout_ms) return ss.dwCurrentState;
        Sleep(30);
    }
}

static DWORD WINAPI check_service(void *arg)
{
    svc_job *sj = arg;
    pf_check *c = sj->c;
    WCHAR name[96], cmd[4 * MAX_PATH];
    FILETIME created, e, k, u;
    GetProcessTimes(GetCurrentProcess(), &created, &e, &k, &u);
    _snwprintf(name, 96, L"rmfx-%ls-%lx-preflight", sj->run_id, (unsigned long)GetCurrentProcessId());
    _snwprintf(cmd, 4 * MAX_PATH, L"\"%ls\" --install %ls --owner %lu:%llu", c->path, name,
               (unsigned long)GetCurrentProcessId(),
               ((unsigned long long)created.dwHighDateTime << 32) | created.dwLowDateTime);
    STARTUPINFOW si = {.cb = sizeof(si)};
    PROCESS_INFORMATION pi;
    int in_job;
    if (!spawn_in_job(cmd, FALSE, DETACHED_PROCESS, &si, sj->job, &pi, &in_job)) {
        pf_fail(c, "CreateProcess(--install) failed: %s", rmc_rc_str(GetLastError()));
        return 0;
    }
    ResumeThread(pi.hThread);
    DWORD code = 0;
    BOOL done = WaitForSingleObject(pi.hProcess, 30000) == WAIT_OBJECT_0 && GetExitCodeProcess(pi.hProcess, &code);
    if (!done) TerminateProcess(pi.hProcess, 0);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
    SC_HANDLE h = scm ? OpenServiceW(scm, name, SERVICE_START | SERVICE_STOP | SERVICE_QUERY_STATUS) : NULL;
    if (!done) pf_fail(c, "--install did not finish within 30 s");
    else if (code) pf_fail(c, "--install failed: %s", rmc_rc_str(code));
    else if (!h) pf_fail(c, "OpenService after --install failed: %s", rmc_rc_str(GetLastError()));
    else {
        /* The SCM's transient start failures under load (docs/wine-notes.md) are retried. */
        BOOL started = FALSE;
        DWORD err = 0;
        for (int attempt = 1; attempt <= 4 && !started; attempt++) {
            started = StartServiceW(h, 0, NULL);
            err = GetLastError();
            if (!started && err != ERROR_INTERNAL_ERROR && err != ERROR_SERVICE_REQUEST_TIMEOUT &&
                err != ERROR_SERVICE_DATABASE_LOCKED)
                break;
            if (!started) Sleep(250u * (unsigned)attempt);
        }
        DWORD state;
        SERVICE_STATUS ss;
        if (!started) pf_fail(c, "StartService failed: %s", rmc_rc_str(err));
        else if ((state = wait_state(h, SERVICE_RUNNING, PREFLIGHT_READY_MS)) != SERVICE_RUNNING)
            pf_fail(c, "in state %lu, not SERVICE_RUNNING, %u ms after StartService", (unsigned long)state, PREFLIGHT_READY_MS);
        else if (!ControlService(h, SERVICE_CONTROL_STOP, &ss))
            pf_fail(c, "ControlService(STOP) failed: %s", rmc_rc_str(GetLastError()));
        else if ((state = wait_state(h, SERVICE_STOPPED, PREFLIGHT_STOP_MS * 2)) != SERVICE_STOPPED)
            pf_fail(c, "in state %lu, not SERVICE_STOPPED, after ControlService(STOP)", (unsigned long)state);
    }
    if (h) CloseServiceHandle(h);
    if (scm) {
        svc_remove(scm, name, 0xF4);
        CloseServiceHandle(scm);
    }
    return 0;
}

static void json_check(rmc_buf *b, const WCHAR *image, const pf_check *c, int first)
{
    char *name = utf8_from_wide(image);
    buf_printf(b, "%s\"%s\": {\"checked\": %s, \"ok\": %s, \"ms\": %lu, \"reason\": ", first ? "" : ", ", name,
               c->checked ? "true" : "false", c->ok ? "true" : "false", (unsigned long)c->ms);
    buf_json_str(b, c->reason);
    buf_puts(b, "}");
    free(name);
}

char *preflight_run(unsigned caps, const WCHAR *run_id, int verbose, int *nfailed)
{
    pf_check checks[PF_COUNT];
    memset(checks, 0, sizeof checks);
    DWORD t0 = GetTickCount();
    HANDLE job = CreateJobObjectW(NULL, NULL);
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION lim = {0};
    lim.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
    SetInformationJobObject(job, JobObjectExtendedLimitInformation, &lim, sizeof lim);

    for (int i = 0; i < PF_COUNT; i++) {
        checks[i].checked = 1;
        checks[i].ok = 1;
    }
    WCHAR module_path[MAX_PATH], args[2 * MAX_PATH];
    _snwprintf(module_path, MAX_PATH, L"%lsrmfx-module.dll", self_dir());
    /* Each process is in the job from its creation where the platform allows (spawn_in_job.c);
     * elsewhere only once AssignProcessToJobObject ran, and a runner killed in between leaves it
     * behind, suspended. rmfx-app starts last, so nothing else is being created at the moment
     * it appears (tests/fixtures/test_killed_run.py kills the runner then). */
    if (image_path(&checks[PF_CON], pf_images[PF_CON])) start_app(&checks[PF_CON], job, 1, 2);
    if (image_path(&checks[PF_SECONDARY], pf_images[PF_SECONDARY])) {
        /* A DLL with no RM exports: it loads it, reports RmJoinSession missing and ends with 4
         * (fixtures/secondary_main.c) — the program works, and no implementation is judged. */
        _snwprintf(args, 2 * MAX_PATH, L"--dll \"%ls\" --key preflight --then end", module_path);
        checks[PF_SECONDARY].want_exit = 4;
        start_process(&checks[PF_SECONDARY], job, args, DETACHED_PROCESS);
    }
    if (image_path(&checks[PF_PS], pf_images[PF_PS])) {
        checks[PF_PS].want_exit = 0;
        start_process(&checks[PF_PS], job, L"--processes rmfx-preflight-no-such-process", DETACHED_PROCESS);
    }
    if (image_path(&checks[PF_APP], pf_images[PF_APP])) start_app(&checks[PF_APP], job, 0, 1);
    DWORD t_module = GetTickCount();
    if (image_path(&checks[PF_MODULE], pf_images[PF_MODULE])) check_module(&checks[PF_MODULE]);
    checks[PF_MODULE].ms = GetTickCount() - t_module;

    DWORD deadline = GetTickCount() + PREFLIGHT_READY_MS;
    finish_process(&checks[PF_APP], deadline);
    checks[PF_APP].ms = GetTickCount() - t0;
    /* The service check starts once rmfx-app has been seen: a runner killed as its first
     * fixture process appears (tests/fixtures/test_killed_run.py) then dies before a service
     * exists, instead of between installing one and starting it, where only the next run's
     * clean-up would remove it. */
    HANDLE svc_thread = NULL;
    svc_job sj = {&checks[PF_SVC], run_id, job};
    if (!(caps & RMC_CAP_SERVICES)) {
        checks[PF_SVC].checked = 0;
        snprintf(checks[PF_SVC].reason, sizeof checks[PF_SVC].reason, "not checked: the platform lacks services");
    } else if (image_path(&checks[PF_SVC], pf_images[PF_SVC]))
        svc_thread = CreateThread(NULL, 0, check_service, &sj, 0, NULL);
    for (int i = PF_CON; i <= PF_PS; i++) {
        finish_process(&checks[i], deadline);
        checks[i].ms = GetTickCount() - t0;
    }
    if (svc_thread) {
        WaitForSingleObject(svc_thread, INFINITE);
        CloseHandle(svc_thread);
        checks[PF_SVC].ms = GetTickCount() - t0;
    }
    CloseHandle(job);

    rmc_buf env = {0}, json = {0};
    int failed = 0;
    buf_printf(&json, "{\"ms\": %lu, ", (unsigned long)(GetTickCount() - t0));
    for (int i = 0; i < PF_COUNT; i++) {
        pf_check *c = &checks[i];
        json_check(&json, pf_images[i], c, i == 0);
        if (c->checked && !c->ok) {
            char *name = utf8_from_wide(pf_images[i]);
            buf_printf(&env, "%s=%s\n", name, c->reason);
            fprintf(stderr, "rmconform: fixture preflight: %s failed: %s (the cases that need it are unsupported)\n",
                    name, c->reason);
            free(name);
            failed++;
        } else if (verbose)
            fprintf(stderr, "rmconform: fixture preflight: %ls %s (%lu ms)\n", pf_images[i],
                    c->checked ? "ok" : c->reason, (unsigned long)c->ms);
    }
    buf_puts(&json, "}");
    WCHAR *wenv = env.data ? wide_from_utf8(env.data) : NULL;
    SetEnvironmentVariableW(RMC_PREFLIGHT_ENV, wenv);   /* NULL removes what a parent may have set */
    free(wenv);
    buf_free(&env);
    if (nfailed) *nfailed = failed;
    return json.data;
}

char *preflight_add_to_platform(char *platform_json, char *preflight_json)
{
    rmc_buf b = {0};
    const char *p = platform_json ? platform_json : "{}";
    const char *close = strrchr(p, '}');
    size_t head = close ? (size_t)(close - p) : 0;
    buf_put(&b, p, head);
    /* "{" alone before the closing brace: no member yet, so no comma. */
    int empty = 1;
    for (size_t i = 0; i < head; i++) if (p[i] != '{' && p[i] != ' ' && p[i] != '\n') empty = 0;
    buf_printf(&b, "%s\"fixtures\": %s}", empty ? "" : ", ", preflight_json ? preflight_json : "{}");
    free(platform_json);
    free(preflight_json);
    return b.data;
}

const char *preflight_failure(const WCHAR *image)
{
    static char reason[400];
    WCHAR *env = NULL;
    DWORD n = GetEnvironmentVariableW(RMC_PREFLIGHT_ENV, NULL, 0);
    if (!n) return NULL;
    env = calloc(n + 1, sizeof(WCHAR));
    GetEnvironmentVariableW(RMC_PREFLIGHT_ENV, env, n + 1);
    size_t len = wcslen(image);
    const char *found = NULL;
    for (WCHAR *line = env; line && *line;) {
        WCHAR *end = wcschr(line, L'\n');
        if (end) *end = 0;
        if (!_wcsnicmp(line, image, len) && line[len] == L'=') {
            WideCharToMultiByte(CP_UTF8, 0, line + len + 1, -1, reason, sizeof reason, NULL, NULL);
            reason[sizeof reason - 1] = 0;
            found = reason;
            break;
        }
        line = end ? end + 1 : NULL;
    }
    free(env);
    return found;
}

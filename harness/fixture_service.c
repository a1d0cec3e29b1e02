/* fixture_service.c — the service fixture (rmfx-svc.exe): install, start, stop, delete, and the runner's clean-up of services a case left behind. */
#include "fixture_internal.h"
#include "svc_remove.h"   /* shared with rmfx-svc (fixtures/) */

/* ---- services ------------------------------------------------------------------------------------ */

struct fixture_service {
    WCHAR name[128];
    char uname[128];
    journal_file journal;
    int deleted;
};

static void service_cleanup(void *arg)
{
    fixture_service *svc = arg;
    if (!svc->deleted) fixture_service_delete(svc);
    fx_journal_release(&svc->journal);
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
    fixture_service *svc = fx_calloc(1, sizeof(*svc));
    WCHAR exe[MAX_PATH], journal_name[160];

    fx_bin_path(exe, L"rmfx-svc.exe");
    _snwprintf(svc->name, 128, L"%ls%ls", case_service_prefix(), tag);
    svc->name[127] = 0;
    WideCharToMultiByte(CP_UTF8, 0, svc->name, -1, svc->uname, sizeof(svc->uname), NULL, NULL);
    _snwprintf(journal_name, 160, L"svc-%ls.journal", tag);
    rmc_case_file(svc->journal.path, journal_name, 0);

    size_t len = wcslen(exe) + wcslen(svc->name) + wcslen(svc->journal.path) + wcslen(options) + 96;
    WCHAR *cmd = fx_calloc(len, sizeof(WCHAR));
    _snwprintf(cmd, len, L"\"%ls\" --install %ls --journal \"%ls\" --owner %lu %ls", exe, svc->name,
               svc->journal.path, GetCurrentProcessId(), options);
    /* Its error messages go to the case's log (inherited std handles). */
    STARTUPINFOW si = { .cb = sizeof(si), .dwFlags = STARTF_USESTDHANDLES,
                        .hStdInput = GetStdHandle(STD_INPUT_HANDLE), .hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE),
                        .hStdError = GetStdHandle(STD_ERROR_HANDLE) };
    PROCESS_INFORMATION pi;
    /* No console: a console would cost a console host process per install. */
    fx_spawn(L"rmfx-svc.exe --install", cmd, DETACHED_PROCESS, &si, TRUE, &pi);
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
    WCHAR *options = fx_vformat(options_fmt, ap);
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

/* One NotifyServiceStatusChange registration. The SCM may write it until the callback ran, so
 * one that never fired (the wait ended first) is left allocated rather than freed under it. */
typedef struct state_notify {
    SERVICE_NOTIFYW n;
    volatile LONG fired;
} state_notify;

static void CALLBACK state_notified(void *context)
{
    ((state_notify *)context)->fired = 1;
}

static DWORD notify_mask(DWORD state)
{
    switch (state) {
    case SERVICE_STOPPED: return SERVICE_NOTIFY_STOPPED;
    case SERVICE_START_PENDING: return SERVICE_NOTIFY_START_PENDING;
    case SERVICE_STOP_PENDING: return SERVICE_NOTIFY_STOP_PENDING;
    case SERVICE_RUNNING: return SERVICE_NOTIFY_RUNNING;
    case SERVICE_CONTINUE_PENDING: return SERVICE_NOTIFY_CONTINUE_PENDING;
    case SERVICE_PAUSE_PENDING: return SERVICE_NOTIFY_PAUSE_PENDING;
    case SERVICE_PAUSED: return SERVICE_NOTIFY_PAUSED;
    default: return 0;
    }
}

/* The service's state once it is `state` or timeout_ms passed, woken by the SCM's
 * notification (NotifyServiceStatusChange; Wine 8 has it, docs/wine-notes.md) rather than a
 * fixed poll; a slow poll stays as the safety net, the only way where notifications fail.
 * give_up_stopped: waiting for RUNNING, a service STOPPED for 500 ms has failed to start. */
static DWORD wait_for_state(fixture_service *svc, DWORD state, DWORD timeout_ms, int give_up_stopped)
{
    DWORD start = GetTickCount();
    for (;;) {
        SC_HANDLE scm, h = service_open(svc, SERVICE_QUERY_STATUS, &scm);
        SERVICE_STATUS_PROCESS st = { 0 };
        DWORD got, elapsed = GetTickCount() - start;
        if (!QueryServiceStatusEx(h, SC_STATUS_PROCESS_INFO, (BYTE *)&st, sizeof(st), &got)) memset(&st, 0, sizeof(st));
        DWORD now = st.dwCurrentState;
        if (now == state || elapsed >= timeout_ms || (give_up_stopped && now == SERVICE_STOPPED && elapsed > 500)) {
            CloseServiceHandle(h);
            CloseServiceHandle(scm);
            return now;
        }
        state_notify *sn = fx_calloc(1, sizeof(*sn));
        sn->n.dwVersion = SERVICE_NOTIFY_STATUS_CHANGE;
        sn->n.pfnNotifyCallback = state_notified;
        sn->n.pContext = sn;
        int armed = notify_mask(state) && NotifyServiceStatusChangeW(h, notify_mask(state), &sn->n) == ERROR_SUCCESS;
        DWORD left = timeout_ms - elapsed, nap = armed ? 250 : 20;
        SleepEx(nap < left ? nap : left, TRUE);   /* the callback ends it early */
        CloseServiceHandle(h);
        CloseServiceHandle(scm);
        SleepEx(0, TRUE);
        if (!armed || sn->fired) free(sn);
    }
}

static DWORD service_wait_state(fixture_service *svc, DWORD state, DWORD timeout_ms)
{
    return wait_for_state(svc, state, timeout_ms, state == SERVICE_RUNNING);
}

void fixture_service_start(fixture_service *svc)
{
    SC_HANDLE scm, h = service_open(svc, SERVICE_START, &scm);
    /* Wine's SCM sometimes fails a start under load with ERROR_INTERNAL_ERROR (1359), a request
     * timeout (1053) or, while other cases install services, ERROR_SERVICE_DATABASE_LOCKED
     * (1055), and succeeds when asked again; this is the fixture's set-up, not the
     * implementation under test, so it retries a bounded number of times and says so. */
    BOOL ok = FALSE;
    DWORD err = 0;
    int attempt;
    for (attempt = 1; attempt <= 4; attempt++) {
        ok = StartServiceW(h, 0, NULL);
        err = GetLastError();
        if (ok || (err != ERROR_INTERNAL_ERROR && err != ERROR_SERVICE_REQUEST_TIMEOUT && err != ERROR_SERVICE_DATABASE_LOCKED))
            break;
        Sleep(250u * (unsigned)attempt);
    }
    CloseServiceHandle(h);
    CloseServiceHandle(scm);
    if (attempt > 4) attempt = 4;
    if (attempt > 1) rmc_obs_int("fixture.service_start_attempts", attempt);
    if (!ok) rmc_fail("StartService(%s) failed: %s; journal: %s", svc->uname, rmc_rc_str(err), fx_journal_tail(&svc->journal));
    DWORD state = service_wait_state(svc, SERVICE_RUNNING, FIXTURE_READY_TIMEOUT_MS);
    if (state != SERVICE_RUNNING)
        rmc_fail("service %s is in state %lu, not SERVICE_RUNNING, after StartService; journal: %s", svc->uname,
                 state, fx_journal_tail(&svc->journal));
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

int fixture_service_wait(fixture_service *svc, DWORD state, DWORD timeout_ms)
{
    return wait_for_state(svc, state, timeout_ms, 0) == state;
}

RM_UNIQUE_PROCESS fixture_service_unique_process(fixture_service *svc)
{
    DWORD pid = fixture_service_pid(svc);
    if (!pid) rmc_fail("service %s has no process (state %lu)", svc->uname, fixture_service_state(svc));
    return fixture_unique_process(pid);
}

void fixture_service_delete(fixture_service *svc)
{
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
    DWORD err = scm ? svc_remove(scm, svc->name, 0xF4) : GetLastError();
    if (scm) CloseServiceHandle(scm);
    svc->deleted = 1;
    if (err && err != ERROR_SERVICE_DOES_NOT_EXIST)
        rmc_fail("deleting service %s failed: %s", svc->uname, rmc_rc_str(err));
}

const fixture_journal *fixture_service_journal(fixture_service *svc) { return fx_journal_read(&svc->journal); }

const char *fixture_service_wait_line(fixture_service *svc, const char *event, unsigned nth, DWORD timeout_ms)
{
    return fx_journal_wait(&svc->journal, svc->uname, event, nth, timeout_ms);
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
                    GetProcessTimes(p, &created, &exit_time, &kernel, &user) && fx_filetime_u64(created) == start;
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
        DWORD err = svc_remove(scm, name, 0xF4);
        fprintf(stderr, "rmconform: removed leftover fixture service %ls (%s)\n", name, rmc_error_name(err));
    }
done:
    if (scm) CloseServiceHandle(scm);
    free(buf);
}

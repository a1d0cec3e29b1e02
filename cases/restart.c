/* restart.c — RmRestart: sequencing, applications registered for restart (and not), services
 * and their dependents, the status callback, and what the spec leaves open (second RmRestart,
 * RESTART_NO_PATCH, reserved flags). Spec §6, §7.7, §8.7, §10.3, §10.5.
 *
 * Applications are restartable only through RegisterApplicationRestart, which RM must be able to
 * read back: those cases need RMC_CAP_RESTART_READ. Documented (§10.5) restarts only happen after
 * 60 s of uptime, so a fixture that must come back lives that long before RmShutdown. Services
 * are always restartable (§5.2), so the probes use a service and run everywhere. */
#include "rmcase.h"
#include "fixture.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define WAIT_MS 10000u      /* a journal line or state change that must come */
#define GONE_MS 5000u       /* RmShutdown returned: what it stopped must be gone by then */
#define STAYS_MS 1000u      /* something that must not happen: how long we look for it */
#define UPTIME_MS 61000u    /* §10.5: restarted only after 60 s of uptime */

static void before_shutdown(void **state)
{
    DWORD h = rmc_session_start(NULL);
    check_rc("RmRestart(before RmShutdown)", pRmRestart(h, 0, NULL), ERROR_REQUEST_OUT_OF_SEQUENCE);
}

/* ---- helpers ---------------------------------------------------------------------------------- */

static ULONGLONG now_ms(void) { return GetTickCount64(); }

static void obs_status(const char *key, const RM_PROCESS_INFO *e)
{
    if (e) rmc_obs_hex(key, e->AppStatus);
    else rmc_obs_str(key, "not listed");
}

/* Number of `event` lines; waits up to ms for there to be at least `want`. */
static size_t wait_count(fixture_app *app, const char *event, size_t want, DWORD ms)
{
    ULONGLONG end = now_ms() + ms;
    for (;;) {
        size_t n = fixture_journal_count(fixture_app_journal(app), event, 0);
        if (n >= want || now_ms() >= end) return n;
        Sleep(20);
    }
}

/* Shuts the session's service down before a restart case: a precondition, which
 * shutdown.service_stopped_through_scm checks directly. */
static void shutdown_service(DWORD h, fixture_service *svc)
{
    require_rc("RmShutdown(service)", pRmShutdown(h, 0, NULL), ERROR_SUCCESS, "shutdown.service_stopped_through_scm");
    require(fixture_service_wait(svc, SERVICE_STOPPED, GONE_MS), "shutdown.service_stopped_through_scm",
            "the service is in state %lu after RmShutdown returned 0", fixture_service_state(svc));
}

/* An application fixture RmShutdown must stop before a restart case: a precondition. */
static void shutdown_app(DWORD h, fixture_app *app)
{
    DWORD rc = pRmShutdown(h, 0, NULL);
    rmc_obs_rc("RmShutdown", rc);
    int exited = fixture_app_wait_exit(app, GONE_MS, NULL);
    if (rc == ERROR_SUCCESS && exited) return;
    rmc_require_shutdown_stops();
    rmc_blocked("shutdown.gui_query_then_endsession", "RmShutdown returned %s and the fixture %s", rmc_rc_str(rc),
                exited ? "exited" : "still runs");
}

/* The fixture is in the session's list (the precondition detect.locked_file checks). */
static const RM_PROCESS_INFO *listed_before(DWORD h, DWORD pid)
{
    rmc_list(h, "before");
    const RM_PROCESS_INFO *e = rmc_listed_pid(pid);
    if (!e) rmc_require_detection(RMC_DETECT_LOCKED_FILE);
    check(e != NULL, "before: RmGetList does not list the fixture (pid %lu)", pid);
    return e;
}

/* ---- applications (§8.7, §10.5) ------------------------------------------------------------- */

static void registered_app(void **state)
{
    WCHAR file[MAX_PATH];
    fixture_app *app = fixture_locker_start(file, L"registered.bin",
                                    L"--window main --restart-cmdline \"--window none --title restarted-by-rm\"");
    DWORD pid = fixture_app_pid(app);
    DWORD h = rmc_session_with_file(file);
    const RM_PROCESS_INFO *e = listed_before(h, pid);
    /* §5.2: that bRestartable reflects the registration is UNCONFIRMED: recorded. */
    rmc_obs_bool("before.bRestartable", e->bRestartable);

    fixture_app_wait_uptime(app, UPTIME_MS);
    shutdown_app(h, app);
    check_rc("RmRestart", pRmRestart(h, 0, NULL), ERROR_SUCCESS);

    const char *start = fixture_app_wait_line(app, "start", 2, WAIT_MS);
    DWORD new_pid = (DWORD)fixture_journal_number(start, "pid", 0);
    fixture_end_pid_later(new_pid);
    char cmdline[1024];
    fixture_journal_field(start, "cmdline", cmdline, sizeof(cmdline));
    check(new_pid != 0 && new_pid != pid, "the second start line is from pid %lu (the first instance was %lu)", new_pid, pid);
    check(strstr(cmdline, "--window none --title restarted-by-rm") != NULL,
          "the restarted instance's command line lacks the registered arguments: %s", cmdline);
    fixture_app_wait_line(app, "ready", 2, WAIT_MS);
    fixture_app_obs_journal(app, "journal");

    rmc_list(h, "after");
    const RM_PROCESS_INFO *old_e = rmc_listed_pid(pid), *new_e = rmc_listed_pid(new_pid);
    obs_status("after.AppStatus(old pid)", old_e);
    obs_status("after.AppStatus(new pid)", new_e);
    check((old_e && (old_e->AppStatus & RmStatusRestarted)) || (new_e && (new_e->AppStatus & RmStatusRestarted)),
          "after RmRestart, no RmGetList entry for the application (old or new pid) has RmStatusRestarted (0x8)");
}

static void unregistered_app(void **state)
{
    /* RM restarts only applications registered for restart (§10.5). Whether bRestartable
     * reflects the registration is UNCONFIRMED (§5.2): recorded. */
    WCHAR file[MAX_PATH];
    fixture_app *app = fixture_locker_start(file, L"unregistered.bin", L"--window main");
    DWORD pid = fixture_app_pid(app);
    DWORD h = rmc_session_with_file(file);
    const RM_PROCESS_INFO *e = listed_before(h, pid);
    rmc_obs_bool("before.bRestartable", e->bRestartable);
    shutdown_app(h, app);
    rmc_obs_rc("RmRestart", pRmRestart(h, 0, NULL));
    size_t starts = wait_count(app, "start", 2, STAYS_MS);
    check(starts == 1, "an application not registered for restart was started again (%zu start lines)", starts);
    rmc_list(h, "after");
    e = rmc_listed_pid(pid);
    obs_status("after.AppStatus", e);
    check(!e || !(e->AppStatus & RmStatusRestarted), "AppStatus 0x%lx claims RmStatusRestarted for an application that was not restarted",
          e ? e->AppStatus : 0);
}

static void no_patch(void **state)
{
    /* RESTART_NO_PATCH (4): "do not restart when terminated for an update" — its effect on
     * bRestartable and RmRestart is UNCONFIRMED (§10.5). */
    WCHAR file[MAX_PATH];
    fixture_app *app = fixture_locker_start(file, L"no-patch.bin", L"--window main --restart-cmdline \"--window none\" --restart-flags 4");
    DWORD pid = fixture_app_pid(app);
    DWORD h = rmc_session_with_file(file);
    rmc_list(h, "before");
    const RM_PROCESS_INFO *e = rmc_listed_pid(pid);
    if (e) rmc_obs_bool("before.bRestartable", e->bRestartable);
    fixture_app_wait_uptime(app, UPTIME_MS);
    DWORD rc = pRmShutdown(h, 0, NULL);
    rmc_obs_rc("RmShutdown", rc);
    fixture_app_wait_exit(app, rc == ERROR_SUCCESS ? GONE_MS : 0, NULL);
    rmc_obs_rc("RmRestart", pRmRestart(h, 0, NULL));
    size_t starts = wait_count(app, "start", 2, STAYS_MS);
    rmc_obs_bool("restarted", starts >= 2);
    if (starts >= 2) {
        const fixture_journal *j = fixture_app_journal(app);
        int i = fixture_journal_find(j, "start", 1);
        if (i >= 0) fixture_end_pid_later((DWORD)fixture_journal_number(j->lines[i], "pid", 0));
    }
}

/* Whether pid is attached to this process's console (after giving this process one). */
static int shares_my_console(DWORD pid, int *known)
{
    DWORD pids[256];
    DWORD n = GetConsoleProcessList(pids, 256);
    *known = n > 0 && n <= 256;
    for (DWORD i = 0; *known && i < n; i++)
        if (pids[i] == pid) return 1;
    return 0;
}

static void console_new_console(void **state)
{
    /* §8.7: console applications are restarted in a new console — not the caller's. The case
     * process has a console of its own while RmRestart runs (allocated if it had none), so an
     * instance started without a new console would be attached to it. The restarted instance
     * must have a console other than the caller's, and a control event reaches it through it. */
    WCHAR file[MAX_PATH];
    fixture_app *app = fixture_locker_start(file, L"console.bin", L"--console --restart-cmdline \"--on-ctrl exit\"");
    DWORD h = rmc_session_with_file(file);
    if (!GetConsoleWindow()) AllocConsole();   /* fails harmlessly when it already has one */
    int known;
    shares_my_console(GetCurrentProcessId(), &known);
    if (!known) rmc_unsupported("GetConsoleProcessList does not work here: %s", rmc_rc_str(GetLastError()));
    fixture_app_wait_uptime(app, UPTIME_MS);
    DWORD rc = pRmShutdown(h, 0, NULL);
    if (rc != ERROR_SUCCESS || !fixture_app_wait_exit(app, GONE_MS, NULL)) rmc_require_detection(RMC_DETECT_LOCKED_FILE);
    check_rc("RmShutdown", rc, ERROR_SUCCESS);
    check(fixture_app_wait_exit(app, 0, NULL), "the console fixture still runs after RmShutdown returned 0");
    check_rc("RmRestart", pRmRestart(h, 0, NULL), ERROR_SUCCESS);
    const char *start = fixture_app_wait_line(app, "start", 2, WAIT_MS);
    DWORD new_pid = (DWORD)fixture_journal_number(start, "pid", 0);
    fixture_end_pid_later(new_pid);
    fixture_app_wait_line(app, "ready", 2, WAIT_MS);
    int shared = shares_my_console(new_pid, &known);
    rmc_obs_bool("restarted_in_callers_console", shared);
    check(!shared, "the restarted console application (pid %lu) runs in the caller's console, not a new one", new_pid);
    check_rc("AttachConsole+GenerateConsoleCtrlEvent(restarted instance)", fixture_console_ctrl(new_pid, CTRL_C_EVENT), ERROR_SUCCESS);
    fixture_app_wait_line(app, "ctrl", 1, WAIT_MS);
    fixture_app_obs_journal(app, "journal");
}

static void after_failed_shutdown(void **state)
{
    /* §8.6: installers call RmRestart even after RmShutdown reported that not everything was
     * shut down (§17.7): so it is not out of sequence then (not 776). The exact code is
     * UNCONFIRMED: recorded. */
    WCHAR file[MAX_PATH];
    fixture_app *app = fixture_locker_start(file, L"veto.bin", L"--window main --on-query veto");
    DWORD h = rmc_session_with_file(file);
    DWORD shutdown_rc = pRmShutdown(h, 0, NULL);
    if (shutdown_rc != ERROR_FAIL_SHUTDOWN) rmc_require_detection(RMC_DETECT_LOCKED_FILE);
    require_rc("RmShutdown(veto)", shutdown_rc, ERROR_FAIL_SHUTDOWN, "shutdown.veto_fails_without_force");
    DWORD rc = pRmRestart(h, 0, NULL);
    rmc_obs_rc("RmRestart(after ERROR_FAIL_SHUTDOWN)", rc);
    check(rc != ERROR_REQUEST_OUT_OF_SEQUENCE, "RmRestart after RmShutdown returned ERROR_FAIL_SHUTDOWN returned "
          "ERROR_REQUEST_OUT_OF_SEQUENCE (776), as if RmShutdown had not been called");
    check(!fixture_app_wait_exit(app, 0, NULL), "the vetoing fixture is gone");
}

/* ---- services (§10.3) --------------------------------------------------------------------------- */

static void service_restarted(void **state)
{
    fixture_service *svc = fixture_service_install(L"restart", L"");
    fixture_service_start(svc);
    DWORD h = rmc_session_with_service(fixture_service_name(svc));
    shutdown_service(h, svc);
    check_rc("RmRestart(service)", pRmRestart(h, 0, NULL), ERROR_SUCCESS);
    check(fixture_service_wait(svc, SERVICE_RUNNING, WAIT_MS), "the service is in state %lu after RmRestart returned 0",
          fixture_service_state(svc));
    fixture_service_wait_line(svc, "SERVICE_RUNNING", 2, WAIT_MS);
    rmc_list(h, "after");
    const RM_PROCESS_INFO *e = rmc_listed_service(fixture_service_name(svc));
    obs_status("after.AppStatus", e);
    check(e != NULL, "after RmRestart, RmGetList has no entry for the service");
    check(e->AppStatus & RmStatusRestarted, "the service's AppStatus after RmRestart is 0x%lx, RmStatusRestarted (0x8) not set",
          e->AppStatus);
}

static void service_dependents_restarted(void **state)
{
    fixture_service *base = fixture_service_install(L"base", L"");
    fixture_service *dep = fixture_service_install(L"dependent", L"--depends %ls", fixture_service_name(base));
    fixture_service_start(base);
    fixture_service_start(dep);
    DWORD h = rmc_session_with_service(fixture_service_name(base));
    shutdown_service(h, base);
    check(fixture_service_wait(dep, SERVICE_STOPPED, GONE_MS), "the dependent is in state %lu after RmShutdown, expected stopped",
          fixture_service_state(dep));
    check_rc("RmRestart(service with a dependent)", pRmRestart(h, 0, NULL), ERROR_SUCCESS);
    check(fixture_service_wait(base, SERVICE_RUNNING, WAIT_MS), "the registered service is in state %lu after RmRestart",
          fixture_service_state(base));
    check(fixture_service_wait(dep, SERVICE_RUNNING, WAIT_MS), "the dependent RM stopped is in state %lu after RmRestart, expected running",
          fixture_service_state(dep));
}

static void second_restart(void **state)
{
    fixture_service *svc = fixture_service_install(L"twice", L"");
    fixture_service_start(svc);
    DWORD h = rmc_session_with_service(fixture_service_name(svc));
    shutdown_service(h, svc);
    require_rc("RmRestart(first)", pRmRestart(h, 0, NULL), ERROR_SUCCESS, "restart.service_restarted");
    fixture_service_wait(svc, SERVICE_RUNNING, WAIT_MS);
    rmc_obs_rc("RmRestart(second)", pRmRestart(h, 0, NULL));
    rmc_obs_int("service_state", fixture_service_state(svc));
    rmc_obs_int("SERVICE_RUNNING.count", (long long)fixture_journal_count(fixture_service_journal(svc), "SERVICE_RUNNING", 0));
}

static void nonzero_flags(void **state)
{
    fixture_service *svc = fixture_service_install(L"flags", L"");
    fixture_service_start(svc);
    DWORD h = rmc_session_with_service(fixture_service_name(svc));
    shutdown_service(h, svc);
    DWORD rc = pRmRestart(h, 1, NULL);
    rmc_obs_rc("RmRestart(dwRestartFlags = 1)", rc);
    if (rc == ERROR_SUCCESS) fixture_service_wait(svc, SERVICE_RUNNING, WAIT_MS);
    rmc_obs_int("service_state", fixture_service_state(svc));
    if (rc != ERROR_SUCCESS) rmc_obs_rc("RmRestart(then with 0)", pRmRestart(h, 0, NULL));
}

static volatile LONG progress_n;
static UINT progress_v[256];

static void record_progress(UINT pct)   /* RM_WRITE_STATUS_CALLBACK: default (cdecl) convention */
{
    LONG i = InterlockedIncrement(&progress_n) - 1;
    if (i < 256) progress_v[i] = pct;
}

static void callback_progress(void **state)
{
    fixture_service *a = fixture_service_install(L"progress-a", L"");
    fixture_service *b = fixture_service_install(L"progress-b", L"");
    fixture_service_start(a);
    fixture_service_start(b);
    DWORD h = rmc_session_start(NULL);
    LPCWSTR svcs[] = { fixture_service_name(a), fixture_service_name(b) };
    check_rc("RmRegisterResources", pRmRegisterResources(h, 0, NULL, 0, NULL, 2, svcs), ERROR_SUCCESS);
    require_rc("RmShutdown", pRmShutdown(h, 0, NULL), ERROR_SUCCESS, "shutdown.service_stopped_through_scm");
    progress_n = 0;
    check_rc("RmRestart(with callback)", pRmRestart(h, 0, record_progress), ERROR_SUCCESS);
    LONG n = progress_n < 256 ? progress_n : 256;
    char json[1024];
    size_t off = (size_t)snprintf(json, sizeof(json), "[");
    for (LONG i = 0; i < n && off < sizeof(json) - 16; i++)
        off += (size_t)snprintf(json + off, sizeof(json) - off, "%s%u", i ? "," : "", progress_v[i]);
    snprintf(json + off, sizeof(json) - off, "]");
    rmc_obs_json("callback.percentages", json);
    check(n > 0, "RmRestart restarted two services and never called the status callback");
    for (LONG i = 0; i < n; i++) {
        check(progress_v[i] <= 100, "callback %ld reported %u%%, outside 0..100", i + 1, progress_v[i]);
        check(i == 0 || progress_v[i] > progress_v[i - 1], "callback %ld reported %u%% after %u%%: not increasing",
              i + 1, progress_v[i], progress_v[i - 1]);
    }
}

#define S RMX(StartSession) | RMX(EndSession) | RMX(RegisterResources) | RMX(Shutdown) | RMX(Restart)
#define SL S | RMX(GetList)
const rmc_case rmc_cases_restart[] = {
    RMC_CASE("restart.before_shutdown_out_of_sequence", "RmRestart before RmShutdown returns ERROR_REQUEST_OUT_OF_SEQUENCE",
             "§8.7", "doc", .exports = RMX(StartSession) | RMX(EndSession) | RMX(Restart), .body = before_shutdown),
    RMC_CASE("restart.registered_app_restarted", "An application registered for restart comes back with its registered command line, AppStatus Restarted",
             "§8.7", "doc", .exports = SL, .needs = RMC_CAP_WINDOWS | RMC_CAP_RESTART_READ | RMC_CAP_UNELEVATED, .timeout_s = 150, .body = registered_app),
    RMC_CASE("restart.unregistered_app_not_restarted", "An application not registered for restart is stopped but not started again",
             "§10.5", "doc", .exports = SL, .needs = RMC_CAP_WINDOWS, .timeout_s = 60, .body = unregistered_app),
    RMC_CASE("restart.no_patch_flag", "What RESTART_NO_PATCH does to bRestartable and RmRestart", "§10.5", "probe",
             .exports = SL, .needs = RMC_CAP_WINDOWS | RMC_CAP_RESTART_READ | RMC_CAP_UNELEVATED, .timeout_s = 150, .body = no_patch),
    RMC_CASE("restart.console_new_console", "A console application registered for restart comes back in a new console, not the caller's",
             "§8.7", "doc", .exports = S, .needs = RMC_CAP_RESTART_READ | RMC_CAP_UNELEVATED, .timeout_s = 150, .body = console_new_console),
    RMC_CASE("restart.after_failed_shutdown", "RmRestart after RmShutdown returned ERROR_FAIL_SHUTDOWN is not out of sequence (the code is recorded)", "§8.6", "probe",
             .exports = S, .needs = RMC_CAP_WINDOWS, .timeout_s = 60, .body = after_failed_shutdown),
    RMC_CASE("restart.service_restarted", "A service RmShutdown stopped is started again by RmRestart, AppStatus Restarted",
             "§10.3", "doc", .exports = SL, .needs = RMC_CAP_SERVICES, .timeout_s = 90, .body = service_restarted),
    RMC_CASE("restart.service_dependents_restarted", "A dependent service RmShutdown stopped is started again by RmRestart",
             "§10.3", "doc", .exports = S, .needs = RMC_CAP_SERVICES, .timeout_s = 90, .body = service_dependents_restarted),
    RMC_CASE("restart.second_restart", "A second RmRestart after a successful one", "§7.7", "probe",
             .exports = S, .needs = RMC_CAP_SERVICES, .timeout_s = 90, .body = second_restart),
    RMC_CASE("restart.nonzero_flags", "RmRestart with the reserved dwRestartFlags set to 1", "§8.7", "probe",
             .exports = S, .needs = RMC_CAP_SERVICES, .timeout_s = 90, .body = nonzero_flags),
    RMC_CASE("restart.callback_progress", "RmRestart's status callback reports percentages within 0..100, strictly increasing",
             "§6", "doc", .exports = S, .needs = RMC_CAP_SERVICES, .timeout_s = 90, .body = callback_progress),
};
RMC_AREA_COUNT(restart);

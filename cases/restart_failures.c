/* restart_failures.c — what RmRestart documents beyond the plain restart (restart.c): it
 * restarts in the reverse of the shutdown order, it reports a restart that fails with
 * ERROR_FAIL_RESTART (352) and RmStatusErrorOnRestart, it never restarts an application whose
 * registration was removed (RegisterApplicationRestart with NULL or "") or one that runs
 * elevated. Spec §3, §4.2, §7.4, §8.7, §10.5, §10.7.
 *
 * Applications come back only through a registration RM can read (RMC_CAP_RESTART_READ) and
 * after 60 s of uptime (§10.5); services are always restartable, so the service variants run
 * everywhere. */
#include "rmcase.h"
#include "fixture.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define WAIT_MS 10000u
#define GONE_MS 5000u
#define STAYS_MS 1000u
#define UPTIME_MS 61000u

/* ---- an RM call on a worker thread while the case watches journals ----------------------------- */

typedef struct rm_call { DWORD h, rc; int restart; ULONG flags; } rm_call;

static DWORD WINAPI rm_call_thread(void *arg)
{
    rm_call *c = arg;
    c->rc = c->restart ? pRmRestart(c->h, 0, NULL) : pRmShutdown(c->h, c->flags, NULL);
    return 0;
}

/* What the case watches: the nth `event` line of an application's or a service's journal. */
typedef struct watched {
    const char *name;
    fixture_app *app;
    fixture_service *svc;
    const char *event;
    size_t nth;
    ULONGLONG seen;             /* tick when it appeared, 0 if not yet */
} watched;

static size_t watched_count(watched *w)
{
    const fixture_journal *j = w->app ? fixture_app_journal(w->app) : fixture_service_journal(w->svc);
    return fixture_journal_count(j, w->event, 0);
}

/* Runs RmShutdown/RmRestart on a thread and notes when each watched line appears, until the
 * call returned and every line appeared or limit_ms passed. Returns the call's code. */
static DWORD run_and_watch(DWORD h, int restart, watched *w, size_t n, DWORD limit_ms)
{
    rm_call c = { .h = h, .restart = restart };
    HANDLE t = CreateThread(NULL, 0, rm_call_thread, &c, 0, NULL);
    check(t != NULL, "CreateThread failed: %s", rmc_rc_str(GetLastError()));
    ULONGLONG end = GetTickCount64() + limit_ms;
    for (;;) {
        int returned = WaitForSingleObject(t, 5) == WAIT_OBJECT_0, all = 1;
        for (size_t i = 0; i < n; i++) {
            if (!w[i].seen && watched_count(&w[i]) >= w[i].nth) w[i].seen = GetTickCount64();
            all &= w[i].seen != 0;
        }
        if ((returned && all) || GetTickCount64() >= end) {
            if (!returned) WaitForSingleObject(t, INFINITE);
            break;
        }
    }
    CloseHandle(t);
    return c.rc;
}

static void require_stopped(watched stop[2], const char *see_case)
{
    for (int i = 0; i < 2; i++) require(stop[i].seen, see_case, "RmShutdown did not stop the %s", stop[i].name);
}

/* §8.7: "Restart order is the reverse of the shutdown order." a and b are [stopped, restarted]
 * pairs of the two things; whichever stopped first must be restarted last. */
static void check_reverse(watched stop[2], watched start[2], const char *see_case)
{
    for (int i = 0; i < 2; i++) {
        char key[64];
        snprintf(key, sizeof key, "stopped.%s", stop[i].name);
        rmc_obs_bool(key, stop[i].seen != 0);
        snprintf(key, sizeof key, "restarted.%s", start[i].name);
        rmc_obs_bool(key, start[i].seen != 0);
        require(stop[i].seen, see_case, "RmShutdown did not stop the %s", stop[i].name);
        check(start[i].seen, "RmRestart did not restart the %s", start[i].name);
    }
    require(stop[0].seen != stop[1].seen, see_case,
            "the %s and the %s stopped within the same 5 ms: no shutdown order to reverse", stop[0].name, stop[1].name);
    int first = stop[0].seen < stop[1].seen ? 0 : 1, other = 1 - first;
    rmc_obs_str("shutdown_order", first == 0 ? "0,1" : "1,0");
    rmc_obs_str("restart_order", start[0].seen < start[1].seen ? "0,1" : start[0].seen > start[1].seen ? "1,0" : "same");
    check(start[other].seen < start[first].seen,
          "RmShutdown stopped the %s before the %s, but RmRestart did not restart the %s first (restart at +%llu ms and "
          "+%llu ms); the restart order must be the reverse of the shutdown order (§8.7)",
          stop[first].name, stop[other].name, stop[other].name, start[first].seen - stop[first].seen,
          start[other].seen - stop[first].seen);
}

static void reverse_order_services(void **state)
{
    /* The registered service has a dependent: RM stops both (§10.3) in some order and must
     * restart them in the other. */
    fixture_service *base = fixture_service_install(L"base", L"");
    fixture_service *dep = fixture_service_install(L"dependent", L"--depends %ls", fixture_service_name(base));
    fixture_service_start(base);
    fixture_service_start(dep);
    DWORD h = rmc_session_with_service(fixture_service_name(base));
    watched stop[2] = { { "registered service", NULL, base, "SERVICE_STOPPED", 1, 0 },
                        { "dependent service", NULL, dep, "SERVICE_STOPPED", 1, 0 } };
    DWORD rc = run_and_watch(h, 0, stop, 2, WAIT_MS);
    require(rc == ERROR_SUCCESS, "shutdown.service_dependents_stopped", "RmShutdown(service with a dependent) returned %s",
            rmc_rc_str(rc));
    require_stopped(stop, "shutdown.service_dependents_stopped");
    watched start[2] = { { "registered service", NULL, base, "SERVICE_RUNNING", 2, 0 },
                         { "dependent service", NULL, dep, "SERVICE_RUNNING", 2, 0 } };
    check_rc("RmRestart", run_and_watch(h, 1, start, 2, WAIT_MS * 2), ERROR_SUCCESS);
    check_reverse(stop, start, "shutdown.service_dependents_stopped");
}

static void reverse_order_app_service(void **state)
{
    /* §8.6 item 2: GUI applications are shut down before services; so a service is restarted
     * before the application. */
    WCHAR file[MAX_PATH];
    fixture_app *app = fixture_locker_start(file, L"order.bin", L"--window main --restart-cmdline \"--window main\"");
    fixture_service *svc = fixture_service_install(L"order", L"");
    fixture_service_start(svc);
    DWORD h = rmc_session_with_file(file);
    LPCWSTR svcs[] = { fixture_service_name(svc) };
    check_rc("RmRegisterResources(service)", pRmRegisterResources(h, 0, NULL, 0, NULL, 1, svcs), ERROR_SUCCESS);
    fixture_app_wait_uptime(app, UPTIME_MS);
    watched stop[2] = { { "application", app, NULL, "exit", 1, 0 }, { "service", NULL, svc, "SERVICE_STOPPED", 1, 0 } };
    DWORD stopped = run_and_watch(h, 0, stop, 2, WAIT_MS);
    require(stopped == ERROR_SUCCESS, "shutdown.order_gui_console_service", "RmShutdown returned %s", rmc_rc_str(stopped));
    require_stopped(stop, "shutdown.order_gui_console_service");
    watched start[2] = { { "application", app, NULL, "ready", 2, 0 }, { "service", NULL, svc, "SERVICE_RUNNING", 2, 0 } };
    DWORD rc = run_and_watch(h, 1, start, 2, WAIT_MS * 2);
    const char *again = fixture_journal_count(fixture_app_journal(app), "start", 0) >= 2
                            ? fixture_app_wait_line(app, "start", 2, 0) : NULL;
    if (again) fixture_end_pid_later((DWORD)fixture_journal_number(again, "pid", 0));
    check_rc("RmRestart", rc, ERROR_SUCCESS);
    check_reverse(stop, start, "shutdown.order_gui_console_service");
}

/* ---- restarts that fail: 352 and RmStatusErrorOnRestart (§3, §8.7) ------------------------------ */

static void service_start_fails(void **state)
{
    fixture_service *svc = fixture_service_install(L"nostart", L"");
    fixture_service_start(svc);
    DWORD h = rmc_session_with_service(fixture_service_name(svc));
    DWORD stopped = pRmShutdown(h, 0, NULL);
    require(stopped == ERROR_SUCCESS && fixture_service_wait(svc, SERVICE_STOPPED, GONE_MS), "shutdown.service_stopped_through_scm",
            "RmShutdown returned %s and the service is in state %lu: it was not stopped", rmc_rc_str(stopped),
            fixture_service_state(svc));
    /* Now it cannot start: its image path names a file that does not exist. */
    WCHAR missing[MAX_PATH];
    rmc_case_file(missing, L"no-such-service-image.exe", 0);
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
    SC_HANDLE s = scm ? OpenServiceW(scm, fixture_service_name(svc), SERVICE_CHANGE_CONFIG) : NULL;
    BOOL changed = s && ChangeServiceConfigW(s, SERVICE_NO_CHANGE, SERVICE_NO_CHANGE, SERVICE_NO_CHANGE, missing,
                                             NULL, NULL, NULL, NULL, NULL, NULL);
    DWORD err = GetLastError();
    if (s) CloseServiceHandle(s);
    if (scm) CloseServiceHandle(scm);
    check(changed, "ChangeServiceConfig(binary path) failed: %s", rmc_rc_str(err));

    DWORD rc = pRmRestart(h, 0, NULL);
    rmc_obs_rc("RmRestart", rc);
    check(fixture_service_state(svc) != SERVICE_RUNNING, "the service runs although its image does not exist");
    rmc_list(h, "after");
    const RM_PROCESS_INFO *e = rmc_listed_service(fixture_service_name(svc));
    if (e) rmc_obs_hex("after.AppStatus", e->AppStatus);
    check_rc("RmRestart(service cannot start)", rc, ERROR_FAIL_RESTART);
    check(e != NULL, "after the failed RmRestart, RmGetList has no entry for the service that could not be restarted");
    check(e->AppStatus & RmStatusErrorOnRestart,
          "after RmRestart returned 352, the service it could not start has AppStatus 0x%lx, RmStatusErrorOnRestart (0x20) not set",
          e->AppStatus);
}

/* An application whose image is deleted after it was shut down cannot be restarted. The image
 * is a copy of rmfx-app.exe beside it, deleted by the case. */
static WCHAR copied_image[MAX_PATH];
static void delete_copied_image(void *unused)
{
    (void)unused;
    if (copied_image[0]) DeleteFileW(copied_image);
}

static void deleted_image_fails(void **state)
{
    WCHAR src[MAX_PATH], name[64], file[MAX_PATH];
    _snwprintf(name, 64, L"rmfx-app-deleted-%lu.exe", GetCurrentProcessId());
    _snwprintf(src, MAX_PATH, L"%lsrmfx-app.exe", rmc_bin_dir());
    _snwprintf(copied_image, MAX_PATH, L"%ls%ls", rmc_bin_dir(), name);
    check(CopyFileW(src, copied_image, FALSE), "CopyFile(rmfx-app.exe -> %ls) failed: %s", name, rmc_rc_str(GetLastError()));
    rmc_defer(delete_copied_image, NULL);
    rmc_case_file(file, L"deleted-image.bin", 1);
    fixture_app *app = fixture_app_start_image(name, L"--window main --lock \"%ls\" --restart-cmdline \"--window none\"", file);
    DWORD h = rmc_session_with_file(file);
    fixture_app_wait_uptime(app, UPTIME_MS);
    check_rc("RmShutdown", pRmShutdown(h, 0, NULL), ERROR_SUCCESS);
    check(fixture_app_wait_exit(app, GONE_MS, NULL), "the application still runs after RmShutdown returned 0");
    check(DeleteFileW(copied_image), "DeleteFile(its image) failed: %s", rmc_rc_str(GetLastError()));
    DWORD rc = pRmRestart(h, 0, NULL);
    rmc_obs_rc("RmRestart", rc);
    rmc_list(h, "after");
    const RM_PROCESS_INFO *e = rmc_listed_pid(fixture_app_pid(app));
    if (e) rmc_obs_hex("after.AppStatus", e->AppStatus);
    check_rc("RmRestart(image deleted)", rc, ERROR_FAIL_RESTART);
    check(e != NULL, "after the failed RmRestart, RmGetList has no entry for the application that could not be restarted");
    check(e->AppStatus & RmStatusErrorOnRestart,
          "after RmRestart returned 352, the application it could not start has AppStatus 0x%lx, RmStatusErrorOnRestart (0x20) not set",
          e->AppStatus);
}

/* ---- registrations that do not lead to a restart (§10.5, §10.7) --------------------------------- */

static void not_restarted(fixture_app *app, const WCHAR *file, const char *why)
{
    DWORD h = rmc_session_with_file(file);
    fixture_app_wait_uptime(app, UPTIME_MS);
    check_rc("RmShutdown", pRmShutdown(h, 0, NULL), ERROR_SUCCESS);
    check(fixture_app_wait_exit(app, GONE_MS, NULL), "the application still runs after RmShutdown returned 0");
    rmc_obs_rc("RmRestart", pRmRestart(h, 0, NULL));
    Sleep(STAYS_MS);
    size_t starts = fixture_journal_count(fixture_app_journal(app), "start", 0);
    fixture_app_obs_journal(app, "journal");
    if (starts > 1) {
        const char *again = fixture_app_wait_line(app, "start", 2, 0);
        fixture_end_pid_later((DWORD)fixture_journal_number(again, "pid", 0));
    }
    check(starts == 1, "RmRestart started the application again (%zu start lines) although %s", starts, why);
}

static void cleared_registration(void **state)
{
    const char *with = *state;
    WCHAR file[MAX_PATH];
    fixture_app *app = fixture_locker_start(file, L"cleared.bin", with[0] == 'n'
        ? L"--window main --restart-cmdline \"--window none\" --restart-clear null"
        : L"--window main --restart-cmdline \"--window none\" --restart-clear empty");
    const char *cleared = fixture_app_wait_line(app, "restart-cleared", 1, WAIT_MS);
    char hr[32] = "";
    fixture_journal_field(cleared, "hr", hr, sizeof hr);
    rmc_obs_str("RegisterApplicationRestart(clear).hr", hr);
    check(!strcmp(hr, "0x00000000"), "RegisterApplicationRestart(%s) returned %s (the platform, not the implementation)",
          with, hr);
    not_restarted(app, file, "its registration was removed with RegisterApplicationRestart(NULL or \"\")");
}

static void elevated_not_restarted(void **state)
{
    /* The runner is elevated (RMC_CAP_ADMIN), so is every fixture it starts (§8.7, §10.7). */
    WCHAR file[MAX_PATH];
    fixture_app *app = fixture_locker_start(file, L"elevated.bin", L"--window main --restart-cmdline \"--window none\"");
    HANDLE token = NULL;
    TOKEN_ELEVATION elevation = { 0 };
    DWORD got = 0;
    BOOL ok = OpenProcessToken(fixture_app_process(app), TOKEN_QUERY, &token) &&
              GetTokenInformation(token, TokenElevation, &elevation, sizeof elevation, &got);
    if (token) CloseHandle(token);
    if (!ok || !elevation.TokenIsElevated) rmc_unsupported("the fixture does not run elevated here (the runner's token is not elevated)");
    not_restarted(app, file, "it runs elevated (§8.7: elevated applications are never restarted)");
}

#define S (RMX(StartSession) | RMX(EndSession) | RMX(RegisterResources) | RMX(Shutdown) | RMX(Restart))
#define SL (S | RMX(GetList))

const rmc_case rmc_cases_restart_failures[] = {
    RMC_CASE("restart.reverse_order_services", "A service and its dependent are restarted in the reverse of the order RmShutdown stopped them",
             "§8.7", "doc", .exports = S, .needs = RMC_CAP_SERVICES, .timeout_s = 120, .body = reverse_order_services),
    RMC_CASE("restart.reverse_order_app_service", "A service RmShutdown stopped after a window application is restarted before it",
             "§8.7", "doc", .exports = S, .needs = RMC_CAP_WINDOWS | RMC_CAP_SERVICES | RMC_CAP_RESTART_READ | RMC_CAP_UNELEVATED, .timeout_s = 180,
             .body = reverse_order_app_service),
    RMC_CASE("restart.service_start_fails", "A service that cannot start again: RmRestart returns 352 and marks it RmStatusErrorOnRestart",
             "§8.7", "doc", .exports = SL, .needs = RMC_CAP_SERVICES, .timeout_s = 120, .body = service_start_fails),
    RMC_CASE("restart.deleted_image_fails", "An application whose image was deleted after RmShutdown: RmRestart returns 352, RmStatusErrorOnRestart",
             "§8.7", "doc", .exports = SL, .needs = RMC_CAP_WINDOWS | RMC_CAP_RESTART_READ | RMC_CAP_UNELEVATED, .timeout_s = 180,
             .body = deleted_image_fails),
    RMC_CASE("restart.cleared_registration_null", "An application that registered and then called RegisterApplicationRestart(NULL) is not restarted",
             "§10.5", "doc", .exports = S, .needs = RMC_CAP_WINDOWS | RMC_CAP_RESTART_READ | RMC_CAP_UNELEVATED, .timeout_s = 180,
             .body = cleared_registration, .param = "null"),
    RMC_CASE("restart.cleared_registration_empty", "An application that registered and then called RegisterApplicationRestart(\"\") is not restarted",
             "§10.5", "doc", .exports = S, .needs = RMC_CAP_WINDOWS | RMC_CAP_RESTART_READ | RMC_CAP_UNELEVATED, .timeout_s = 180,
             .body = cleared_registration, .param = "empty"),
    RMC_CASE("restart.elevated_not_restarted", "An elevated application registered for restart is shut down but never restarted",
             "§8.7", "doc", .exports = S, .needs = RMC_CAP_WINDOWS | RMC_CAP_RESTART_READ | RMC_CAP_ADMIN, .timeout_s = 180,
             .body = elevated_not_restarted),
};
RMC_AREA_COUNT(restart_failures);

/* shutdown.c — RmShutdown against real fixtures: the end-session protocol of window
 * applications, vetoes, hung and windowless processes, console control events, services and
 * their dependents, RmShutdownOnlyRegistered, the status callback and the shutdown order.
 * Spec §6, §8.6, §10, §17.
 *
 * Resources are registered the way installers do: the file a fixture holds locked (or the
 * service's short name), never the process itself (RmRegisterResources' header comment says
 * registered processes are stopped forcibly, which would hide the polite protocol). */
#include "rmcase.h"
#include "fixture.h"
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#define WAIT_MS 10000u      /* a journal line that must come */
#define GONE_MS 5000u       /* RmShutdown returned: what it stopped must be gone by then */
#define STAYS_MS 500u       /* something that must not happen: how long we look for it */

/* ---- helpers ------------------------------------------------------------------------------ */

static void register_service(DWORD h, const WCHAR *name)
{
    LPCWSTR svcs[] = { name };
    check_rc("RmRegisterResources(service)", pRmRegisterResources(h, 0, NULL, 0, NULL, 1, svcs), ERROR_SUCCESS);
}

/* A result that would blame RmShutdown (the fixture still runs, an unexpected code): first the
 * preconditions, checked directly — the implementation detects a locked file
 * (detect.locked_file) and RmShutdown stops a cooperative window application
 * (shutdown.gui_query_then_endsession). Returns when both hold: the case then fails on its own. */
static void shutdown_precondition(void)
{
    if (!strcmp(rmc_current_case()->id, "shutdown.gui_query_then_endsession") || !(rmc_platform_caps() & RMC_CAP_WINDOWS))
        rmc_require_detection(RMC_DETECT_LOCKED_FILE);
    else
        rmc_require_shutdown_stops();
}

/* The fixture is gone within ms; if not, the preconditions are checked before the case fails. */
static int gone(fixture_app *app, DWORD ms)
{
    if (fixture_app_wait_exit(app, ms, NULL)) return 1;
    shutdown_precondition();
    return 0;
}

/* RmShutdown's code, with the preconditions checked first when it is not the expected one. */
static void check_shutdown_rc(const char *what, DWORD rc, DWORD want)
{
    if (rc != want) shutdown_precondition();
    check_rc(what, rc, want);
}

/* Lists the session and fails unless the process is among the affected applications. */
static const RM_PROCESS_INFO *expect_listed(DWORD h, DWORD pid, const char *what)
{
    rmc_list(h, what);
    const RM_PROCESS_INFO *e = rmc_listed_pid(pid);
    char key[96];
    snprintf(key, sizeof(key), "%s.listed", what);
    rmc_obs_bool(key, e != NULL);
    if (!e) rmc_require_detection(RMC_DETECT_LOCKED_FILE);
    check(e != NULL, "%s: RmGetList lists %u entries, none for the fixture (pid %lu)", what, rmc_listed_count(), pid);
    snprintf(key, sizeof(key), "%s.ApplicationType", what);
    rmc_obs_int(key, e->ApplicationType);
    snprintf(key, sizeof(key), "%s.AppStatus", what);
    rmc_obs_hex(key, e->AppStatus);
    return e;
}

static void obs_status(const char *key, const RM_PROCESS_INFO *e)
{
    if (e) rmc_obs_hex(key, e->AppStatus);
    else rmc_obs_str(key, "not listed");
}

/* Index of the first `event` line of the journal with field key == value (numbers compared as
 * numbers), at or after `from`; -1 when there is none. */
static int journal_find_with(const fixture_journal *j, const char *event, const char *key,
                             unsigned long long value, size_t from)
{
    for (int i = fixture_journal_find(j, event, from); i >= 0; i = fixture_journal_find(j, event, (size_t)i + 1))
        if (!key || fixture_journal_number(j->lines[i], key, ~0ull) == value) return i;
    return -1;
}

static int journal_has_endsession_true(fixture_app *app)
{
    return journal_find_with(fixture_app_journal(app), "WM_ENDSESSION", "wParam", 1, 0) >= 0;
}

static ULONGLONG now_ms(void) { return GetTickCount64(); }

/* ---- window applications (§10.1) ----------------------------------------------------------- */

static void gui_accepts(void **state)
{
    WCHAR file[MAX_PATH];
    fixture_app *app = fixture_locker_start(file, L"gui.bin", L"--window main --on-query accept --on-endsession exit");
    DWORD h = rmc_session_with_file(file);
    expect_listed(h, fixture_app_pid(app), "before");

    DWORD rc = pRmShutdown(h, 0, NULL);
    check_rc("RmShutdown", rc, ERROR_SUCCESS);
    check(gone(app, GONE_MS), "the fixture still runs %u ms after RmShutdown returned 0", GONE_MS);
    fixture_app_obs_journal(app, "journal");

    const fixture_journal *j = fixture_app_journal(app);
    int q = fixture_journal_find(j, "WM_QUERYENDSESSION", 0);
    check(q >= 0, "the fixture never got WM_QUERYENDSESSION");
    unsigned long long lp = fixture_journal_number(j->lines[q], "lParam", 0);
    check(lp & ENDSESSION_CLOSEAPP, "WM_QUERYENDSESSION lParam is 0x%llx, ENDSESSION_CLOSEAPP (0x1) not set", lp);
    int e = fixture_journal_find(j, "WM_ENDSESSION", 0);
    check(e >= 0, "the fixture never got WM_ENDSESSION");
    check(e > q, "WM_ENDSESSION (line %d) came before WM_QUERYENDSESSION (line %d)", e, q);
    unsigned long long wp = fixture_journal_number(j->lines[e], "wParam", ~0ull);
    lp = fixture_journal_number(j->lines[e], "lParam", 0);
    check(wp == TRUE, "WM_ENDSESSION wParam is 0x%llx, expected TRUE", wp);
    check(lp & ENDSESSION_CLOSEAPP, "WM_ENDSESSION lParam is 0x%llx, ENDSESSION_CLOSEAPP (0x1) not set", lp);
    rmc_obs_int("WM_QUERYENDSESSION.count", (long long)fixture_journal_count(j, "WM_QUERYENDSESSION", 0));
    int x = fixture_journal_find(j, "exit", 0);
    check(x > e, "no exit line after WM_ENDSESSION: the fixture did not leave on its own");
}

static void gui_stopped_status(void **state)
{
    WCHAR file[MAX_PATH];
    fixture_app *app = fixture_locker_start(file, L"gui-status.bin", L"--window main");
    DWORD h = rmc_session_with_file(file);
    DWORD pid = fixture_app_pid(app);
    check_rc("RmShutdown", pRmShutdown(h, 0, NULL), ERROR_SUCCESS);
    check(gone(app, GONE_MS), "the fixture still runs %u ms after RmShutdown returned 0", GONE_MS);
    rmc_list(h, "after");
    const RM_PROCESS_INFO *e = rmc_listed_pid(pid);
    obs_status("after.AppStatus", e);
    check(e != NULL, "after RmShutdown, RmGetList lists %u entries, none for the stopped fixture (pid %lu)", rmc_listed_count(), pid);
    check(e->AppStatus & RmStatusStopped, "AppStatus after RmShutdown is 0x%lx, RmStatusStopped (0x2) not set", e->AppStatus);
    check(!(e->AppStatus & RmStatusRunning), "AppStatus after RmShutdown is 0x%lx, still RmStatusRunning", e->AppStatus);
}

static void veto_fails(void **state)
{
    WCHAR file[MAX_PATH];
    fixture_app *app = fixture_locker_start(file, L"veto.bin", L"--window main --on-query veto");
    DWORD h = rmc_session_with_file(file);
    DWORD pid = fixture_app_pid(app);
    expect_listed(h, pid, "before");
    check_shutdown_rc("RmShutdown(veto, no force)", pRmShutdown(h, 0, NULL), ERROR_FAIL_SHUTDOWN);
    check(!fixture_app_wait_exit(app, STAYS_MS, NULL), "the vetoing fixture was shut down anyway");
    fixture_app_obs_journal(app, "journal");
    check(fixture_journal_find(fixture_app_journal(app), "WM_QUERYENDSESSION", 0) >= 0, "the fixture never got WM_QUERYENDSESSION");
    check(!journal_has_endsession_true(app), "the vetoing fixture got WM_ENDSESSION(TRUE)");
    rmc_list(h, "after");
    obs_status("after.AppStatus", rmc_listed_pid(pid));
}

static void veto_cancels_all(void **state)
{
    /* One veto cancels the whole shutdown (§10.1 item 4): the other window application is
     * not ended either. */
    WCHAR f1[MAX_PATH], f2[MAX_PATH];
    fixture_app *ok = fixture_locker_start(f1, L"agrees.bin", L"--window main --on-query accept");
    fixture_app *no = fixture_locker_start(f2, L"vetoes.bin", L"--window main --on-query veto");
    DWORD h = rmc_session_start(NULL);
    LPCWSTR files[] = { f1, f2 };
    check_rc("RmRegisterResources", pRmRegisterResources(h, 2, files, 0, NULL, 0, NULL), ERROR_SUCCESS);
    check_shutdown_rc("RmShutdown(one veto, no force)", pRmShutdown(h, 0, NULL), ERROR_FAIL_SHUTDOWN);
    check(!fixture_app_wait_exit(no, 0, NULL), "the vetoing fixture was shut down");
    check(!fixture_app_wait_exit(ok, STAYS_MS, NULL), "the agreeing fixture was shut down although the other vetoed");
    fixture_app_obs_journal(ok, "journal.agreeing");
    fixture_app_obs_journal(no, "journal.vetoing");
    check(!journal_has_endsession_true(ok), "the agreeing fixture got WM_ENDSESSION(TRUE) although the shutdown was vetoed");
    /* Apps that said TRUE are told the session goes on (WM_ENDSESSION FALSE): recorded. */
    const fixture_journal *j = fixture_app_journal(ok);
    int asked = journal_find_with(j, "WM_QUERYENDSESSION", NULL, 0, 0) >= 0;
    rmc_obs_bool("agreeing.was_asked", asked);
    rmc_obs_bool("agreeing.got_endsession_false", journal_find_with(j, "WM_ENDSESSION", "wParam", 0, 0) >= 0);
}

static void veto_forced(void **state)
{
    rmc_lowered_timeouts();   /* RMC_LOWERED_TIMEOUTS: the hung-app timeout is 1 s */
    WCHAR file[MAX_PATH];
    fixture_app *app = fixture_locker_start(file, L"veto-forced.bin",
                                    L"--window main --on-query veto --on-endsession ignore --on-close ignore");
    DWORD h = rmc_session_with_file(file);
    ULONGLONG t0 = now_ms();
    DWORD rc = pRmShutdown(h, RmForceShutdown, NULL);
    rmc_obs_int("RmShutdown.ms", (long long)(now_ms() - t0));
    check_rc("RmShutdown(RmForceShutdown)", rc, ERROR_SUCCESS);
    check(gone(app, GONE_MS), "the vetoing fixture still runs after a forced RmShutdown returned 0");
    fixture_app_obs_journal(app, "journal");
    check(fixture_journal_find(fixture_app_journal(app), "exit", 0) < 0,
          "the fixture exited on its own; it ignores every message, so it should have been terminated");
}

static void hung_forced(void **state)
{
    rmc_lowered_timeouts();   /* RMC_LOWERED_TIMEOUTS: the hung-app timeout is 1 s */
    WCHAR file[MAX_PATH];
    fixture_app *app = fixture_locker_start(file, L"hung-forced.bin", L"--window main --on-query hang");
    DWORD h = rmc_session_with_file(file);
    ULONGLONG t0 = now_ms();
    DWORD rc = pRmShutdown(h, RmForceShutdown, NULL);
    ULONGLONG took = now_ms() - t0;
    rmc_obs_int("RmShutdown.ms", (long long)took);
    check_rc("RmShutdown(RmForceShutdown, hung fixture)", rc, ERROR_SUCCESS);
    /* The force timeout is the configured hung-app timeout (§10.6, §2, §15), here 1 s; the 30 s
     * default would show as a wait of 30 s or more. The margin leaves room for a slow machine. */
    check(took < 20000, "RmShutdown(RmForceShutdown) took %llu ms with the hung-app timeout lowered to %u ms: the "
          "configured timeout was not used (the 30 s default?)", took, RMC_LOW_HUNG_APP_MS);
    check(gone(app, GONE_MS), "the hung fixture still runs after a forced RmShutdown returned 0");
    fixture_app_obs_journal(app, "journal");
    const fixture_journal *j = fixture_app_journal(app);
    check(journal_find_with(j, "WM_QUERYENDSESSION", NULL, 0, 0) >= 0, "the hung fixture never got WM_QUERYENDSESSION");
    check(fixture_journal_find(j, "exit", 0) < 0, "the hung fixture exited on its own instead of being terminated");
}

static void hung_not_forced(void **state)
{
    rmc_lowered_timeouts();   /* RMC_LOWERED_TIMEOUTS: the hung-app timeout is 1 s */
    WCHAR file[MAX_PATH];
    fixture_app *app = fixture_locker_start(file, L"hung.bin", L"--window main --on-query hang");
    DWORD h = rmc_session_with_file(file);
    ULONGLONG t0 = now_ms();
    DWORD rc = pRmShutdown(h, 0, NULL);
    rmc_obs_int("RmShutdown.ms", (long long)(now_ms() - t0));
    check_shutdown_rc("RmShutdown(no force, hung fixture)", rc, ERROR_FAIL_SHUTDOWN);
    check(!fixture_app_wait_exit(app, 0, NULL), "the hung fixture was ended without RmForceShutdown");
}

static void hidden_window(void **state)
{
    /* Whether RM sends end-session messages to a hidden top-level window (tray applications,
     * §10.1) is UNCONFIRMED. */
    WCHAR file[MAX_PATH];
    fixture_app *app = fixture_locker_start(file, L"hidden.bin", L"--window hidden");
    DWORD h = rmc_session_with_file(file);
    DWORD rc = pRmShutdown(h, 0, NULL);
    rmc_obs_rc("RmShutdown(hidden window)", rc);
    rmc_obs_bool("fixture_gone", fixture_app_wait_exit(app, rc == ERROR_SUCCESS ? GONE_MS : 0, NULL));
    fixture_app_obs_journal(app, "journal");
}

/* ---- window-less processes (§10.1, §17.6) -------------------------------------------------- */

static void windowless_not_forced(void **state)
{
    WCHAR file[MAX_PATH];
    fixture_app *app = fixture_locker_start(file, L"windowless.bin", L"--window none");
    DWORD h = rmc_session_with_file(file);
    DWORD pid = fixture_app_pid(app);
    expect_listed(h, pid, "before");
    check_rc("RmShutdown(window-less, no force)", pRmShutdown(h, 0, NULL), ERROR_FAIL_SHUTDOWN);
    check(!fixture_app_wait_exit(app, 0, NULL), "the window-less fixture was ended without RmForceShutdown");
    rmc_list(h, "after");
    obs_status("after.AppStatus", rmc_listed_pid(pid));
}

static void windowless_forced(void **state)
{
    WCHAR file[MAX_PATH];
    fixture_app *app = fixture_locker_start(file, L"windowless-forced.bin", L"--window none");
    DWORD h = rmc_session_with_file(file);
    check_rc("RmShutdown(window-less, RmForceShutdown)", pRmShutdown(h, RmForceShutdown, NULL), ERROR_SUCCESS);
    check(gone(app, GONE_MS), "the window-less fixture still runs after a forced RmShutdown returned 0");
}

/* ---- console applications (§10.2) --------------------------------------------------------- */

static void console_ctrl_c(void **state)
{
    WCHAR file[MAX_PATH];
    fixture_app *app = fixture_locker_start(file, L"console.bin", L"--console --on-ctrl exit");
    DWORD h = rmc_session_with_file(file);
    expect_listed(h, fixture_app_pid(app), "before");
    check_rc("RmShutdown(console)", pRmShutdown(h, 0, NULL), ERROR_SUCCESS);
    check(gone(app, GONE_MS), "the console fixture still runs %u ms after RmShutdown returned 0", GONE_MS);
    fixture_app_obs_journal(app, "journal");
    const fixture_journal *j = fixture_app_journal(app);
    int c = fixture_journal_find(j, "ctrl", 0);
    check(c >= 0, "the console fixture got no console control event");
    unsigned long long ev = fixture_journal_number(j->lines[c], "event", ~0ull);
    check(ev == CTRL_C_EVENT, "the console fixture got control event %llu, expected CTRL_C_EVENT (0)", ev);
    check(fixture_journal_find(j, "exit", (size_t)c) > c, "no exit line after the control event");
}

static void console_ignores(void **state)
{
    rmc_lowered_timeouts();   /* RMC_LOWERED_TIMEOUTS: the hung-app timeout is 1 s */
    WCHAR file[MAX_PATH];
    fixture_app *app = fixture_locker_start(file, L"console-ignores.bin", L"--console --on-ctrl ignore");
    DWORD h = rmc_session_with_file(file);
    check_shutdown_rc("RmShutdown(console ignoring CTRL_C, no force)", pRmShutdown(h, 0, NULL), ERROR_FAIL_SHUTDOWN);
    check(!fixture_app_wait_exit(app, 0, NULL), "the console fixture was ended without RmForceShutdown");
    fixture_app_obs_journal(app, "journal");
}

static void console_forced(void **state)
{
    rmc_lowered_timeouts();   /* RMC_LOWERED_TIMEOUTS: the hung-app timeout is 1 s */
    WCHAR file[MAX_PATH];
    fixture_app *app = fixture_locker_start(file, L"console-forced.bin", L"--console --on-ctrl ignore");
    DWORD h = rmc_session_with_file(file);
    check_rc("RmShutdown(console ignoring CTRL_C, RmForceShutdown)", pRmShutdown(h, RmForceShutdown, NULL), ERROR_SUCCESS);
    check(gone(app, GONE_MS), "the console fixture still runs after a forced RmShutdown returned 0");
    fixture_app_obs_journal(app, "journal");
    check(fixture_journal_find(fixture_app_journal(app), "exit", 0) < 0,
          "the console fixture exited on its own; it ignores CTRL_C, so it should have been terminated");
}

/* ---- services (§10.3) ------------------------------------------------------------------------ */

static void service_stopped(void **state)
{
    fixture_service *svc = fixture_service_install(L"stop", L"");
    fixture_service_start(svc);
    DWORD h = rmc_session_start(NULL);
    register_service(h, fixture_service_name(svc));
    check_rc("RmShutdown(service)", pRmShutdown(h, 0, NULL), ERROR_SUCCESS);
    check(fixture_service_wait(svc, SERVICE_STOPPED, GONE_MS), "the service is in state %lu after RmShutdown returned 0",
          fixture_service_state(svc));
    const fixture_journal *j = fixture_service_journal(svc);
    int c = journal_find_with(j, "control", "code", SERVICE_CONTROL_STOP, 0);
    check(c >= 0, "the service never got SERVICE_CONTROL_STOP: it was not stopped through the SCM");
    check(fixture_journal_find(j, "SERVICE_STOPPED", (size_t)c) > c, "no SERVICE_STOPPED after the stop control");
    rmc_list(h, "after");
    const RM_PROCESS_INFO *e = rmc_listed_service(fixture_service_name(svc));
    obs_status("after.AppStatus", e);
}

static void service_dependents(void **state)
{
    fixture_service *base = fixture_service_install(L"base", L"");
    fixture_service *dep = fixture_service_install(L"dependent", L"--depends %ls", fixture_service_name(base));
    fixture_service_start(base);
    fixture_service_start(dep);
    DWORD h = rmc_session_start(NULL);
    register_service(h, fixture_service_name(base));
    check_rc("RmShutdown(service with a dependent)", pRmShutdown(h, 0, NULL), ERROR_SUCCESS);
    check(fixture_service_wait(base, SERVICE_STOPPED, GONE_MS), "the registered service is in state %lu after RmShutdown",
          fixture_service_state(base));
    check(fixture_service_wait(dep, SERVICE_STOPPED, GONE_MS), "its dependent is in state %lu after RmShutdown, expected stopped",
          fixture_service_state(dep));
    const fixture_journal *j = fixture_service_journal(dep);
    check(journal_find_with(j, "control", "code", SERVICE_CONTROL_STOP, 0) >= 0,
          "the dependent never got SERVICE_CONTROL_STOP");
    rmc_list(h, "after");
    obs_status("after.dependent.AppStatus", rmc_listed_service(fixture_service_name(dep)));
}

/* ---- flags ----------------------------------------------------------------------------------- */

static void only_registered(void **state)
{
    /* §8.6 item 5: one application that is not registered for restart → nothing is shut
     * down. The return code is UNCONFIRMED: recorded. */
    WCHAR file[MAX_PATH];
    fixture_app *app = fixture_locker_start(file, L"unregistered.bin", L"--window main");
    DWORD h = rmc_session_with_file(file);
    const RM_PROCESS_INFO *e = expect_listed(h, fixture_app_pid(app), "before");
    rmc_obs_bool("before.bRestartable", e->bRestartable);
    DWORD rc = pRmShutdown(h, RmShutdownOnlyRegistered, NULL);
    rmc_obs_rc("RmShutdown(RmShutdownOnlyRegistered)", rc);
    check(!fixture_app_wait_exit(app, STAYS_MS, NULL), "RmShutdownOnlyRegistered shut down an application not registered for restart");
    check(!journal_has_endsession_true(app), "RmShutdownOnlyRegistered sent WM_ENDSESSION(TRUE) to an unregistered application");
    fixture_app_obs_journal(app, "journal");
}

static void only_registered_all(void **state)
{
    /* §8.6 item 5, §4.4, the positive half: every affected application is registered for
     * restart, so RmShutdownOnlyRegistered shuts them down like a plain RmShutdown. */
    WCHAR file[MAX_PATH];
    fixture_app *app = fixture_locker_start(file, L"all-registered.bin",
                                            L"--window main --restart-cmdline \"--window none\"");
    DWORD h = rmc_session_with_file(file);
    const RM_PROCESS_INFO *e = expect_listed(h, fixture_app_pid(app), "before");
    rmc_obs_bool("before.bRestartable", e->bRestartable);
    DWORD rc = pRmShutdown(h, RmShutdownOnlyRegistered, NULL);
    rmc_obs_rc("RmShutdown(RmShutdownOnlyRegistered)", rc);
    if (rc != ERROR_SUCCESS || !fixture_app_wait_exit(app, GONE_MS, NULL)) shutdown_precondition();
    check_rc("RmShutdown(RmShutdownOnlyRegistered, every application registered)", rc, ERROR_SUCCESS);
    check(fixture_app_wait_exit(app, 0, NULL), "RmShutdownOnlyRegistered left an application registered for restart running");
    fixture_app_obs_journal(app, "journal");
}

static void without_getlist(void **state)
{
    /* §8.6 item 1: RmShutdown computes the list itself (it calls RmGetList internally): a
     * session in which RmGetList was never called shuts down what uses its files. The flags
     * are 0, as in Microsoft's sample and Inno Setup (§4.4, §17.5). */
    WCHAR file[MAX_PATH];
    fixture_app *app = fixture_locker_start(file, L"never-listed.bin", L"--window main --on-query accept --on-endsession exit");
    DWORD h = rmc_session_with_file(file);
    DWORD rc = pRmShutdown(h, 0, NULL);
    rmc_obs_rc("RmShutdown(lActionFlags = 0, no RmGetList before it)", rc);
    if (rc != ERROR_SUCCESS || !fixture_app_wait_exit(app, GONE_MS, NULL)) rmc_require_detection(RMC_DETECT_LOCKED_FILE);
    check_rc("RmShutdown(lActionFlags = 0, no RmGetList before it)", rc, ERROR_SUCCESS);
    check(fixture_app_wait_exit(app, 0, NULL), "the fixture holding the registered file still runs %u ms after RmShutdown "
          "returned 0 in a session where RmGetList was never called", GONE_MS);
}

static void undefined_flags(void **state)
{
    static const ULONG flags[] = { 0x2, 0x100, 0x80000000u, 0xFFFFFFFFu };
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
        WCHAR file[MAX_PATH], name[32];
        _snwprintf(name, 32, L"nobody-%u.bin", (unsigned)i);
        rmc_case_file(file, name, 1);
        DWORD h = rmc_session_with_file(file);
        char key[64];
        snprintf(key, sizeof(key), "RmShutdown(0x%lx)", (unsigned long)flags[i]);
        rmc_obs_rc(key, pRmShutdown(h, flags[i], NULL));
    }
}

static void second_shutdown(void **state)
{
    WCHAR file[MAX_PATH];
    fixture_app *app = fixture_locker_start(file, L"twice.bin", L"--window main");
    DWORD h = rmc_session_with_file(file);
    DWORD rc = pRmShutdown(h, 0, NULL);
    if (rc != ERROR_SUCCESS || !fixture_app_wait_exit(app, GONE_MS, NULL)) shutdown_precondition();
    require_rc("RmShutdown(first)", rc, ERROR_SUCCESS, "shutdown.gui_query_then_endsession");
    rmc_obs_rc("RmShutdown(second)", pRmShutdown(h, 0, NULL));
    rmc_list(h, "after");
    obs_status("after.AppStatus", rmc_listed_pid(fixture_app_pid(app)));
}

static void retry_after_fail(void **state)
{
    /* §17.7: installers retry RmShutdown after 351 in the same session. The fixture still
     * vetoes, so the retry fails the same way — not with a sequencing or handle error. */
    WCHAR file[MAX_PATH];
    fixture_app *app = fixture_locker_start(file, L"retry.bin", L"--window main --on-query veto");
    DWORD h = rmc_session_with_file(file);
    check_shutdown_rc("RmShutdown(first)", pRmShutdown(h, 0, NULL), ERROR_FAIL_SHUTDOWN);
    check_rc("RmShutdown(retry)", pRmShutdown(h, 0, NULL), ERROR_FAIL_SHUTDOWN);
    check(!fixture_app_wait_exit(app, 0, NULL), "the vetoing fixture was shut down");
    rmc_obs_int("WM_QUERYENDSESSION.count", (long long)fixture_journal_count(fixture_app_journal(app), "WM_QUERYENDSESSION", 0));
}

/* ---- the status callback (§6) ------------------------------------------------------------------ */

static volatile LONG progress_n;
static UINT progress_v[256];
static DWORD progress_thread[256];

static void record_progress(UINT pct)   /* RM_WRITE_STATUS_CALLBACK: default (cdecl) convention */
{
    LONG i = InterlockedIncrement(&progress_n) - 1;
    if (i < 256) { progress_v[i] = pct; progress_thread[i] = GetCurrentThreadId(); }
}

static void obs_progress(void)
{
    char json[2048];
    size_t n = progress_n < 256 ? (size_t)progress_n : 256, off = 0;
    off += (size_t)snprintf(json + off, sizeof(json) - off, "[");
    for (size_t i = 0; i < n && off < sizeof(json) - 16; i++)
        off += (size_t)snprintf(json + off, sizeof(json) - off, "%s%u", i ? "," : "", progress_v[i]);
    snprintf(json + off, sizeof(json) - off, "]");
    rmc_obs_json("callback.percentages", json);
    int same = 1;
    for (size_t i = 0; i < n; i++) same &= progress_thread[i] == GetCurrentThreadId();
    rmc_obs_bool("callback.on_calling_thread", same);
}

static void callback_progress(void **state)
{
    WCHAR f1[MAX_PATH], f2[MAX_PATH], f3[MAX_PATH];
    fixture_app *apps[3];
    apps[0] = fixture_locker_start(f1, L"progress-1.bin", L"--window main");
    apps[1] = fixture_locker_start(f2, L"progress-2.bin", L"--window main");
    apps[2] = fixture_locker_start(f3, L"progress-3.bin", L"--console");
    DWORD h = rmc_session_start(NULL);
    LPCWSTR files[] = { f1, f2, f3 };
    check_rc("RmRegisterResources", pRmRegisterResources(h, 3, files, 0, NULL, 0, NULL), ERROR_SUCCESS);
    progress_n = 0;
    DWORD rc = pRmShutdown(h, 0, record_progress);
    obs_progress();
    int stopped = 0;
    for (int i = 0; i < 3; i++) stopped += fixture_app_wait_exit(apps[i], i ? 0 : GONE_MS, NULL);
    rmc_obs_int("stopped", stopped);
    if (rc != ERROR_SUCCESS || !stopped) shutdown_precondition();
    check_rc("RmShutdown(with callback)", rc, ERROR_SUCCESS);
    check(stopped > 0, "RmShutdown returned 0 and none of the three applications holding the registered files exited");
    LONG n = progress_n < 256 ? progress_n : 256;
    check(n > 0, "RmShutdown stopped %d of three applications and never called the status callback", stopped);
    for (LONG i = 0; i < n; i++) {
        check(progress_v[i] <= 100, "callback %ld reported %u%%, outside 0..100", i + 1, progress_v[i]);
        check(i == 0 || progress_v[i] > progress_v[i - 1], "callback %ld reported %u%% after %u%%: not increasing",
              i + 1, progress_v[i], progress_v[i - 1]);
    }
}

static void callback_nothing_to_do(void **state)
{
    WCHAR file[MAX_PATH];
    rmc_case_file(file, L"nobody.bin", 1);
    DWORD h = rmc_session_with_file(file);
    progress_n = 0;
    rmc_obs_rc("RmShutdown(nothing affected, with callback)", pRmShutdown(h, 0, record_progress));
    obs_progress();
}

/* ---- the order: window applications, then console applications, then services (§8.6 item 2) --
 * A watcher thread polls, about every millisecond, for the first sign that RM reached each
 * fixture: the window fixture's WM_QUERYENDSESSION line, the console fixture's ctrl line, the
 * service leaving SERVICE_RUNNING. It records the poll round that first saw each; the case then
 * compares rounds (equal rounds are not an inversion, so scheduling noise cannot fail it). */

typedef struct order_watch {
    const WCHAR *gui_journal, *console_journal;
    SC_HANDLE service;
    volatile LONG stop;
    long gui_round, console_round, service_round;   /* -1 while not seen */
} order_watch;

static int file_has_line(const WCHAR *path, const char *event)
{
    static char buf[65536];
    HANDLE f = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, 0, NULL);
    if (f == INVALID_HANDLE_VALUE) return 0;
    DWORD got = 0;
    BOOL ok = ReadFile(f, buf, sizeof(buf) - 1, &got, NULL);
    CloseHandle(f);
    if (!ok) return 0;
    buf[got] = 0;
    size_t n = strlen(event);
    for (char *p = buf; *p; ) {
        if (!strncmp(p, event, n) && p[n] == ' ') return 1;
        p = strchr(p, '\n');
        if (!p) break;
        p++;
    }
    return 0;
}

static DWORD WINAPI order_watcher(void *arg)
{
    order_watch *w = arg;
    for (long round = 0; !w->stop; round++) {
        if (w->gui_round < 0 && file_has_line(w->gui_journal, "WM_QUERYENDSESSION")) w->gui_round = round;
        if (w->console_round < 0 && file_has_line(w->console_journal, "ctrl")) w->console_round = round;
        SERVICE_STATUS st;
        if (w->service_round < 0 && QueryServiceStatus(w->service, &st) && st.dwCurrentState != SERVICE_RUNNING)
            w->service_round = round;
        Sleep(1);
    }
    return 0;
}

static void order(void **state)
{
    WCHAR f1[MAX_PATH], f2[MAX_PATH];
    fixture_app *gui = fixture_locker_start(f1, L"order-gui.bin", L"--window main");
    fixture_app *con = fixture_locker_start(f2, L"order-console.bin", L"--console");
    fixture_service *svc = fixture_service_install(L"order", L"");
    fixture_service_start(svc);
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
    SC_HANDLE sh = scm ? OpenServiceW(scm, fixture_service_name(svc), SERVICE_QUERY_STATUS) : NULL;
    if (scm) CloseServiceHandle(scm);
    check(sh != NULL, "OpenService(%ls) failed: %s", fixture_service_name(svc), rmc_rc_str(GetLastError()));

    DWORD h = rmc_session_start(NULL);
    LPCWSTR files[] = { f1, f2 }, svcs[] = { fixture_service_name(svc) };
    check_rc("RmRegisterResources", pRmRegisterResources(h, 2, files, 0, NULL, 1, svcs), ERROR_SUCCESS);

    order_watch w = { fixture_app_journal_path(gui), fixture_app_journal_path(con), sh, 0, -1, -1, -1 };
    HANDLE watcher = CreateThread(NULL, 0, order_watcher, &w, 0, NULL);
    check(watcher != NULL, "CreateThread failed: %s", rmc_rc_str(GetLastError()));
    DWORD rc = pRmShutdown(h, 0, NULL);
    if (rc == ERROR_SUCCESS) {
        fixture_app_wait_exit(gui, GONE_MS, NULL);
        fixture_app_wait_exit(con, GONE_MS, NULL);
        fixture_service_wait(svc, SERVICE_STOPPED, GONE_MS);
    }
    Sleep(20);   /* a few more polling rounds, so nothing that already happened is missed */
    InterlockedExchange(&w.stop, 1);
    WaitForSingleObject(watcher, INFINITE);
    CloseHandle(watcher);
    CloseServiceHandle(sh);

    rmc_obs_int("round.gui", w.gui_round);
    rmc_obs_int("round.console", w.console_round);
    rmc_obs_int("round.service", w.service_round);
    if (w.gui_round < 0 || w.console_round < 0) shutdown_precondition();
    check_rc("RmShutdown(window + console + service)", rc, ERROR_SUCCESS);
    check(w.gui_round >= 0, "the window fixture never got WM_QUERYENDSESSION");
    check(w.console_round >= 0, "the console fixture never got a control event");
    check(w.service_round >= 0, "the service never left SERVICE_RUNNING");
    check(w.gui_round <= w.console_round, "the console application was reached (round %ld) before the window application (round %ld)",
          w.console_round, w.gui_round);
    check(w.console_round <= w.service_round, "the service was reached (round %ld) before the console application (round %ld)",
          w.service_round, w.console_round);
}

#define S RMX(StartSession) | RMX(EndSession) | RMX(RegisterResources) | RMX(Shutdown)
#define SL S | RMX(GetList)
const rmc_case rmc_cases_shutdown[] = {
    RMC_CASE("shutdown.gui_query_then_endsession", "A window application gets WM_QUERYENDSESSION(ENDSESSION_CLOSEAPP), then WM_ENDSESSION(TRUE), and exits",
             "§10.1", "doc", .exports = SL, .needs = RMC_CAP_WINDOWS, .timeout_s = 60, .body = gui_accepts),
    RMC_CASE("shutdown.gui_status_stopped", "After RmShutdown, RmGetList shows the stopped application with RmStatusStopped",
             "§8.6", "doc", .exports = SL, .needs = RMC_CAP_WINDOWS, .timeout_s = 60, .body = gui_stopped_status),
    RMC_CASE("shutdown.veto_fails_without_force", "A WM_QUERYENDSESSION veto makes RmShutdown return ERROR_FAIL_SHUTDOWN and the application stays",
             "§10.1", "doc", .exports = SL, .needs = RMC_CAP_WINDOWS, .timeout_s = 60, .body = veto_fails),
    RMC_CASE("shutdown.veto_cancels_all", "One veto cancels the shutdown: an agreeing application gets no WM_ENDSESSION(TRUE) and stays",
             "§10.1", "doc", .exports = S, .needs = RMC_CAP_WINDOWS, .timeout_s = 60, .body = veto_cancels_all),
    RMC_CASE("shutdown.veto_forced_terminated", "With RmForceShutdown a vetoing application that ignores every message is terminated",
             "§10.1", "doc", .exports = S, .needs = RMC_CAP_WINDOWS, .flags = RMC_LOWERED_TIMEOUTS, .timeout_s = 120, .body = veto_forced),
    RMC_CASE("shutdown.hung_forced_terminated", "With RmForceShutdown a hung application is terminated after the (lowered) hung-app timeout",
             "§10.6", "doc", .exports = S, .needs = RMC_CAP_WINDOWS, .flags = RMC_LOWERED_TIMEOUTS, .timeout_s = 120, .body = hung_forced),
    RMC_CASE("shutdown.hung_fails_without_force", "Without RmForceShutdown a hung application is left running and RmShutdown returns ERROR_FAIL_SHUTDOWN",
             "§10.6", "doc", .exports = S, .needs = RMC_CAP_WINDOWS, .flags = RMC_LOWERED_TIMEOUTS, .timeout_s = 120, .body = hung_not_forced),
    RMC_CASE("shutdown.hidden_window", "Whether an application with only a hidden top-level window is shut down", "§10.1", "probe",
             .exports = S, .needs = RMC_CAP_WINDOWS, .timeout_s = 60, .body = hidden_window),
    RMC_CASE("shutdown.windowless_fails_without_force", "A window-less process makes a non-forced RmShutdown return ERROR_FAIL_SHUTDOWN",
             "§17.6", "obs", .exports = SL, .timeout_s = 60, .body = windowless_not_forced),
    RMC_CASE("shutdown.windowless_forced_terminated", "With RmForceShutdown a window-less process is terminated", "§17.6", "obs",
             .exports = S, .timeout_s = 60, .body = windowless_forced),
    RMC_CASE("shutdown.console_ctrl_c", "A console application gets CTRL_C_EVENT and exits; RmShutdown returns ERROR_SUCCESS",
             "§10.2", "doc", .exports = SL, .timeout_s = 60, .body = console_ctrl_c),
    RMC_CASE("shutdown.console_ignores_without_force", "A console application ignoring CTRL_C_EVENT stays; RmShutdown returns ERROR_FAIL_SHUTDOWN",
             "§10.6", "doc", .exports = S, .flags = RMC_LOWERED_TIMEOUTS, .timeout_s = 120, .body = console_ignores),
    RMC_CASE("shutdown.console_forced_terminated", "With RmForceShutdown a console application ignoring CTRL_C_EVENT is terminated",
             "§10.6", "doc", .exports = S, .flags = RMC_LOWERED_TIMEOUTS, .timeout_s = 120, .body = console_forced),
    RMC_CASE("shutdown.service_stopped_through_scm", "A registered service is stopped with SERVICE_CONTROL_STOP through the SCM",
             "§10.3", "doc", .exports = SL, .needs = RMC_CAP_SERVICES, .timeout_s = 90, .body = service_stopped),
    RMC_CASE("shutdown.service_dependents_stopped", "Stopping a registered service stops its running dependent too",
             "§10.3", "doc", .exports = SL, .needs = RMC_CAP_SERVICES, .timeout_s = 90, .body = service_dependents),
    RMC_CASE("shutdown.only_registered_stops_nothing", "RmShutdownOnlyRegistered with an application not registered for restart shuts nothing down",
             "§8.6", "doc", .exports = SL, .needs = RMC_CAP_WINDOWS, .timeout_s = 60, .body = only_registered),
    RMC_CASE("shutdown.only_registered_all_registered", "RmShutdownOnlyRegistered with every application registered for restart shuts it down",
             "§8.6", "doc", .exports = SL, .needs = RMC_CAP_WINDOWS | RMC_CAP_RESTART_READ, .timeout_s = 60, .body = only_registered_all),
    RMC_CASE("shutdown.without_getlist", "RmShutdown(0) in a session where RmGetList was never called shuts down the file's user",
             "§8.6", "doc", .exports = S, .needs = RMC_CAP_WINDOWS, .timeout_s = 60, .body = without_getlist),
    RMC_CASE("shutdown.undefined_flags", "RmShutdown with undefined lActionFlags bits", "§8.6", "probe",
             .exports = S, .body = undefined_flags),
    RMC_CASE("shutdown.second_shutdown", "A second RmShutdown after a successful one", "§7.7", "probe",
             .exports = SL, .needs = RMC_CAP_WINDOWS, .timeout_s = 60, .body = second_shutdown),
    RMC_CASE("shutdown.retry_after_fail", "RmShutdown retried after ERROR_FAIL_SHUTDOWN fails the same way while the veto stands",
             "§17.7", "obs", .exports = S, .needs = RMC_CAP_WINDOWS, .timeout_s = 60, .body = retry_after_fail),
    RMC_CASE("shutdown.callback_progress", "The status callback reports percentages within 0..100, strictly increasing",
             "§6", "doc", .exports = S, .needs = RMC_CAP_WINDOWS, .timeout_s = 60, .body = callback_progress),
    RMC_CASE("shutdown.callback_nothing_to_do", "Whether the status callback is called when nothing needs shutting down", "§6", "probe",
             .exports = S, .body = callback_nothing_to_do),
    RMC_CASE("shutdown.order_gui_console_service", "RmShutdown reaches window applications first, then console applications, then services",
             "§8.6", "doc", .exports = S, .needs = RMC_CAP_WINDOWS | RMC_CAP_SERVICES, .timeout_s = 90, .body = order),
};
RMC_AREA_COUNT(shutdown);

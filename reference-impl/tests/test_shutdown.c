/* test_shutdown.c — RmShutdown and RmRestart planning: order, the end-session protocol, veto,
 * force after the timeouts, reboot reasons (350), RmShutdownOnlyRegistered, service
 * dependents, status callback, AppStatus history, restart order and failures, cancellation. */
#include "fake_platform.h"
#include "core_internal.h"
#include <string.h>
#include <wchar.h>

#define PF fake_platform()
#define LIB L"C:\\lib\\common.dll"

static UINT g_pct[64];
static int g_npct;
static void status_cb(UINT pct) { if (g_npct < 64) g_pct[g_npct++] = pct; }

static int setup(void **state) { fake_reset(); g_npct = 0; return 0; }

static DWORD session(void)
{
    DWORD h = fake_start(NULL);
    LPCWSTR f[] = { LIB };
    assert_int_equal(rmcore_register_resources(PF, h, 1, f, 0, NULL, 0, NULL), 0);
    return h;
}

static ULONG status_of(DWORD h, DWORD pid)
{
    RM_PROCESS_INFO v[16];
    UINT needed, n = 16;
    DWORD reasons;
    assert_int_equal(rmcore_get_list(PF, h, &needed, &n, v, &reasons), 0);
    for (UINT i = 0; i < n; i++) if (v[i].Process.dwProcessId == pid) return v[i].AppStatus;
    fail_msg("pid %lu not listed", (unsigned long)pid);
    return 0;
}

static void check_progress(void)
{
    assert_true(g_npct >= 2);
    assert_int_equal(g_pct[0], 0);
    assert_int_equal(g_pct[g_npct - 1], 100);
    for (int i = 1; i < g_npct; i++) assert_true(g_pct[i] > g_pct[i - 1]);
}

static void order_gui_console_services_explorer(void **state)
{
    fake_proc_add(105, L"C:\\Windows\\explorer.exe", RMREF_PF_MAIN_WINDOW)->files[0] = LIB;
    fake_proc_add(104, L"C:\\svc\\host.exe", 0)->files[0] = LIB;
    fake_service_add(L"Svc", L"Service", 104);
    fake_proc_add(103, L"C:\\app\\con.exe", RMREF_PF_CONSOLE)->files[0] = LIB;
    fake_proc_add(102, L"C:\\app\\gui.exe", RMREF_PF_MAIN_WINDOW)->files[0] = LIB;
    DWORD h = session();
    assert_int_equal(rmcore_shutdown(PF, h, 0, status_cb), 0);
    assert_string_equal(W.log, "query:102 end:102 ctrlc:103 stop:Svc query:105 end:105 ");
    check_progress();
    assert_int_equal(status_of(h, 102), RmStatusStopped);
    assert_int_equal(status_of(h, 103), RmStatusStopped);
    assert_int_equal(status_of(h, 104), RmStatusStopped);
    assert_int_equal(status_of(h, 105), RmStatusStopped);
    /* restart: services only (the apps did not register), reverse order */
    W.log[0] = 0;
    g_npct = 0;
    assert_int_equal(rmcore_restart(PF, h, 0, status_cb), 0);
    assert_string_equal(W.log, "start:Svc ");
    check_progress();
}

static void veto_stops_everything_unless_forced(void **state)
{
    fake_proc_add(201, L"C:\\app\\ok.exe", RMREF_PF_MAIN_WINDOW)->files[0] = LIB;
    fake_proc_add(202, L"C:\\app\\veto.exe", RMREF_PF_MAIN_WINDOW)->files[0] = LIB;
    fake_proc_find(202)->query_answer = 0;
    fake_proc_add(203, L"C:\\app\\con.exe", RMREF_PF_CONSOLE)->files[0] = LIB;
    DWORD h = session();
    assert_int_equal(rmcore_shutdown(PF, h, 0, NULL), ERROR_FAIL_SHUTDOWN);
    assert_string_equal(W.log, "query:201 query:202 end-false:201 ");
    assert_non_null(fake_proc_find(201));
    assert_non_null(fake_proc_find(203));
    assert_int_equal(status_of(h, 202), RmStatusRunning | RmStatusErrorOnStop);
    assert_int_equal(status_of(h, 201), RmStatusRunning);
    /* retried with force: the veto is overridden */
    W.log[0] = 0;
    fake_proc_find(202)->exit_on_endsession = 0;
    assert_int_equal(rmcore_shutdown(PF, h, RmForceShutdown, NULL), 0);
    assert_string_equal(W.log, "query:201 query:202 end:201 end:202 close:202 kill:202 ctrlc:203 ");
    assert_null(fake_proc_find(202));
    assert_int_equal(status_of(h, 202), RmStatusStopped);
}

static void unresponsive_app_waits_the_timeout(void **state)
{
    fake_proc *p = fake_proc_add(301, L"C:\\app\\stubborn.exe", RMREF_PF_MAIN_WINDOW);
    p->files[0] = LIB;
    p->exit_on_endsession = 0;
    W.hung_timeout = 8000;
    DWORD h = session();
    ULONGLONG t0 = W.now;
    assert_int_equal(rmcore_shutdown(PF, h, 0, NULL), ERROR_FAIL_SHUTDOWN);
    assert_true(W.now - t0 >= 8000);
    assert_true(W.now - t0 < 9000);
    assert_string_equal(W.log, "query:301 end:301 close:301 ");
    assert_int_equal(status_of(h, 301), RmStatusRunning | RmStatusErrorOnStop);
    /* a window-less process cannot be asked: not stopped without force, killed with it */
    fake_reset();
    fake_proc_add(302, L"C:\\app\\bg.exe", 0)->files[0] = LIB;
    h = session();
    assert_int_equal(rmcore_shutdown(PF, h, 0, NULL), ERROR_FAIL_SHUTDOWN);
    assert_non_null(fake_proc_find(302));
    assert_int_equal(rmcore_shutdown(PF, h, RmForceShutdown, NULL), 0);
    assert_null(fake_proc_find(302));
}

static void reboot_reason_touches_nothing(void **state)
{
    fake_proc_add(401, L"C:\\app\\gui.exe", RMREF_PF_MAIN_WINDOW)->files[0] = LIB;
    fake_proc_find(10)->files[0] = LIB;                  /* the installer itself */
    DWORD h = session();
    assert_int_equal(rmcore_shutdown(PF, h, RmForceShutdown, status_cb), ERROR_FAIL_NOACTION_REBOOT);
    assert_string_equal(W.log, "");
    assert_int_equal(g_npct, 0);
    assert_non_null(fake_proc_find(401));
    /* RmShutdown was called: RmRestart is in sequence, and has nothing to do */
    assert_int_equal(rmcore_restart(PF, h, 0, NULL), 0);
}

static void only_registered_needs_all_restartable(void **state)
{
    fake_proc_add(501, L"C:\\app\\reg.exe", RMREF_PF_MAIN_WINDOW | RMREF_PF_RESTART_REG)->files[0] = LIB;
    fake_proc_add(502, L"C:\\app\\plain.exe", RMREF_PF_MAIN_WINDOW)->files[0] = LIB;
    DWORD h = session();
    assert_int_equal(rmcore_shutdown(PF, h, RmShutdownOnlyRegistered, NULL), ERROR_FAIL_SHUTDOWN);
    assert_string_equal(W.log, "");
    fake_proc_find(502)->alive = 0;
    assert_int_equal(rmcore_shutdown(PF, h, RmShutdownOnlyRegistered, NULL), 0);
    assert_null(fake_proc_find(501));
}

static void services_with_dependents(void **state)
{
    fake_proc_add(601, L"C:\\svc\\a.exe", 0)->files[0] = LIB;
    fake_proc_add(602, L"C:\\svc\\b.exe", 0);
    fake_proc_add(603, L"C:\\svc\\c.exe", 0);
    fake_service *a = fake_service_add(L"A", L"Service A", 601);
    fake_service_add(L"B", L"Service B (needs A)", 602);
    fake_service_add(L"C", L"Service C (needs B)", 603);
    a->dependents[0] = L"C";
    a->dependents[1] = L"B";
    DWORD h = session();
    assert_int_equal(rmcore_shutdown(PF, h, 0, status_cb), 0);
    assert_string_equal(W.log, "stop:C stop:B stop:A ");
    check_progress();
    W.log[0] = 0;
    assert_int_equal(rmcore_restart(PF, h, 0, NULL), 0);
    assert_string_equal(W.log, "start:A start:B start:C ");
    /* a service that does not stop in time: error, and killed when forced (own process) */
    fake_reset();
    fake_proc_add(611, L"C:\\svc\\slow.exe", 0)->files[0] = LIB;
    fake_service_add(L"Slow", L"Slow", 611)->stop_ok = 0;
    h = session();
    assert_int_equal(rmcore_shutdown(PF, h, 0, NULL), ERROR_FAIL_SHUTDOWN);
    assert_int_equal(status_of(h, 611), RmStatusRunning | RmStatusErrorOnStop);
    assert_int_equal(rmcore_shutdown(PF, h, RmForceShutdown, NULL), 0);
    assert_null(fake_proc_find(611));
}

static void restart_relaunches_registered_apps_in_reverse(void **state)
{
    fake_proc *gui = fake_proc_add(701, L"C:\\app\\gui.exe", RMREF_PF_MAIN_WINDOW | RMREF_PF_RESTART_REG);
    gui->files[0] = LIB;
    wcscpy(gui->facts.restart_args, L"--restored");
    fake_proc *con = fake_proc_add(702, L"C:\\app\\con.exe", RMREF_PF_CONSOLE | RMREF_PF_RESTART_REG);
    con->files[0] = LIB;
    DWORD h = session();
    assert_int_equal(rmcore_restart(PF, h, 0, NULL), ERROR_REQUEST_OUT_OF_SEQUENCE);
    assert_int_equal(rmcore_shutdown(PF, h, 0, NULL), 0);
    W.log[0] = 0;
    assert_int_equal(rmcore_restart(PF, h, 0, NULL), 0);
    assert_string_equal(W.log, "launch:con.exe launch:gui.exe ");
    fake_proc *g2 = fake_proc_find(5001);
    assert_non_null(g2);
    assert_true(!wcscmp(g2->launch_args, L"--restored"));
    assert_true(fake_proc_find(5000)->launch_console);
    /* the restarted app is listed once, under its new identity */
    g2->files[0] = LIB;
    RM_PROCESS_INFO v[8];
    UINT needed, n = 8;
    DWORD reasons;
    assert_int_equal(rmcore_get_list(PF, h, &needed, &n, v, &reasons), 0);
    assert_int_equal(n, 2);
    assert_int_equal(status_of(h, 5001), RmStatusStopped | RmStatusRestarted);
    /* a second RmRestart has nothing left to do */
    W.log[0] = 0;
    assert_int_equal(rmcore_restart(PF, h, 0, NULL), 0);
    assert_string_equal(W.log, "");
}

static void restart_failure_is_352(void **state)
{
    fake_proc_add(801, L"C:\\app\\gui.exe", RMREF_PF_MAIN_WINDOW | RMREF_PF_RESTART_REG)->files[0] = LIB;
    DWORD h = session();
    assert_int_equal(rmcore_shutdown(PF, h, 0, NULL), 0);
    W.launch_fails = 1;
    assert_int_equal(rmcore_restart(PF, h, 0, NULL), ERROR_FAIL_RESTART);
    assert_int_equal(status_of(h, 801), RmStatusStopped | RmStatusErrorOnRestart);
}

static void filters_mask_shutdown_and_restart(void **state)
{
    fake_proc_add(901, L"C:\\app\\keep.exe", RMREF_PF_MAIN_WINDOW)->files[0] = LIB;
    fake_proc_add(902, L"C:\\app\\norestart.exe", RMREF_PF_MAIN_WINDOW | RMREF_PF_RESTART_REG)->files[0] = LIB;
    fake_proc_find(10)->files[0] = LIB;              /* masked: no DetectedSelf veto either */
    DWORD h = session();
    RM_UNIQUE_PROCESS me = W.self;
    assert_int_equal(rmcore_add_filter(PF, h, NULL, &me, NULL, RmNoShutdown), 0);
    assert_int_equal(rmcore_add_filter(PF, h, L"C:\\APP\\keep.exe", NULL, NULL, RmNoShutdown), 0);
    assert_int_equal(rmcore_add_filter(PF, h, L"C:\\app\\norestart.exe", NULL, NULL, RmNoRestart), 0);
    assert_int_equal(rmcore_shutdown(PF, h, 0, NULL), 0);
    assert_non_null(fake_proc_find(901));
    assert_null(fake_proc_find(902));
    assert_int_equal(status_of(h, 901), RmStatusRunning | RmStatusShutdownMasked);
    W.log[0] = 0;
    assert_int_equal(rmcore_restart(PF, h, 0, NULL), 0);
    assert_string_equal(W.log, "");
    assert_int_equal(status_of(h, 902), RmStatusStopped | RmStatusRestartMasked);
}

static DWORD g_handle;
static int g_ticks;
static void cancel_on_third_tick(void)
{
    if (++g_ticks == 3) assert_int_equal(rmcore_cancel_current_task(fake_platform(), g_handle), 0);
}

static void cancel_during_shutdown(void **state)
{
    fake_proc *p = fake_proc_add(1001, L"C:\\app\\slow.exe", RMREF_PF_MAIN_WINDOW);
    p->files[0] = LIB;
    p->exit_on_endsession = 0;
    fake_proc_add(1002, L"C:\\app\\con.exe", RMREF_PF_CONSOLE)->files[0] = LIB;
    g_handle = session();
    g_ticks = 0;
    W.on_tick = cancel_on_third_tick;
    assert_int_equal(rmcore_shutdown(PF, g_handle, 0, status_cb), ERROR_CANCELLED);
    W.on_tick = NULL;
    assert_non_null(fake_proc_find(1002));            /* the console group never started */
    assert_true(g_npct >= 1 && g_pct[g_npct - 1] < 100);
    /* the session goes on: RmRestart is now in sequence */
    assert_int_equal(rmcore_restart(PF, g_handle, 0, NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(order_gui_console_services_explorer, setup),
        cmocka_unit_test_setup(veto_stops_everything_unless_forced, setup),
        cmocka_unit_test_setup(unresponsive_app_waits_the_timeout, setup),
        cmocka_unit_test_setup(reboot_reason_touches_nothing, setup),
        cmocka_unit_test_setup(only_registered_needs_all_restartable, setup),
        cmocka_unit_test_setup(services_with_dependents, setup),
        cmocka_unit_test_setup(restart_relaunches_registered_apps_in_reverse, setup),
        cmocka_unit_test_setup(restart_failure_is_352, setup),
        cmocka_unit_test_setup(filters_mask_shutdown_and_restart, setup),
        cmocka_unit_test_setup(cancel_during_shutdown, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

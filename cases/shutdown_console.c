/* shutdown_console.c — the console control event reaches the application being shut down and
 * no one else (spec §10.2: RM sends CTRL_C_EVENT to the console applications it must close;
 * §8.6: RmShutdown acts on the registered resources' users). A program sharing the target's
 * console that RM was not asked to stop must not receive it. */
#include "rmcase.h"
#include "fixture.h"
#include <stdio.h>

#define S_SHUT (RMX(StartSession) | RMX(EndSession) | RMX(RegisterResources) | RMX(Shutdown))
#define GONE_MS 5000u       /* RmShutdown returned: what it stopped must be gone by then */
#define STAYS_MS 1000u      /* something that must not happen: how long we look for it */

static int still_runs(DWORD pid)
{
    HANDLE p = OpenProcess(SYNCHRONIZE, FALSE, pid);
    if (!p) return 0;
    int runs = WaitForSingleObject(p, STAYS_MS) == WAIT_TIMEOUT;
    CloseHandle(p);
    return runs;
}

/* rmfx-con --child: parent and child share one console. Only the parent is registered (by
 * RM_UNIQUE_PROCESS; the child holds no registered file), so only the parent may be told. */
static void shared_console(void **state)
{
    fixture_app *app = fixture_app_start(L"--console --child --on-ctrl exit");
    DWORD parent = fixture_app_pid(app), child = fixture_app_child_pid(app);
    require(child != 0, "fixtures.app_child_holds_same", "the console fixture started no child");
    DWORD h = rmc_session_start(NULL);
    RM_UNIQUE_PROCESS procs[] = { fixture_app_unique_process(app) };
    check_rc("RmRegisterResources(console parent)", pRmRegisterResources(h, 0, NULL, 1, procs, 0, NULL), ERROR_SUCCESS);
    check_rc("RmShutdown(console parent sharing its console)", pRmShutdown(h, 0, NULL), ERROR_SUCCESS);
    check(fixture_app_wait_exit(app, GONE_MS, NULL), "the registered console fixture (pid %lu) still runs %u ms after RmShutdown returned 0",
          parent, GONE_MS);
    int child_runs = still_runs(child);
    fixture_app_obs_journal(app, "journal");
    const fixture_journal *j = fixture_app_journal(app);
    size_t to_parent = fixture_journal_count(j, "ctrl", parent), to_child = fixture_journal_count(j, "ctrl", child);
    rmc_obs_int("ctrl.parent", (long long)to_parent);
    rmc_obs_int("ctrl.child", (long long)to_child);
    check(to_parent >= 1, "the registered console fixture (pid %lu) got no console control event", parent);
    check(to_child == 0, "the unregistered process sharing its console (pid %lu) got %zu console control event(s); "
          "only the application being shut down may receive it", child, to_child);
    check(child_runs, "the unregistered process sharing the console (pid %lu) is gone after RmShutdown", child);
    check_rc("RmEndSession", pRmEndSession(h), ERROR_SUCCESS);
}

const rmc_case rmc_cases_shutdown_console[] = {
    RMC_CASE("shutdown.console_shared", "CTRL_C_EVENT reaches the console application being shut down, not another process on its console",
             "§10.2", "doc", .exports = S_SHUT, .timeout_s = 60, .body = shared_console),
};
RMC_AREA_COUNT(shutdown_console);

/* cancel_operations.c — RmCancelCurrentTask during the other cancellable operations: RmGetList
 * (the functions overview lists it, §8.5) and RmRestart (§8.7). A cancel made while the
 * operation runs returns 0 ("cancellation requested", §8.8); the operation then ends either as
 * if not cancelled (the cancel came too late: documented as allowed) or with ERROR_CANCELLED
 * (1223) — never with anything else. cancel.c covers RmShutdown.
 *
 * RmRestart is held up by a service that stays START_PENDING (rmfx-svc --start-delay), and the
 * case cancels only once the SCM shows the restart pending, so the cancel lands mid-operation. */
#include "rmcase.h"
#include "fixture.h"
#include <stdio.h>

#define WAIT_MS 10000u
#define START_DELAY_MS 4000u
#define RETURN_MS 30000u

typedef struct rm_job { DWORD h; volatile DWORD rc; volatile LONG done; UINT needed, count; DWORD reasons; } rm_job;

static DWORD WINAPI restart_worker(void *arg)
{
    rm_job *j = arg;
    j->rc = pRmRestart(j->h, 0, NULL);
    InterlockedExchange(&j->done, 1);
    return 0;
}

static void during_restart(void **state)
{
    fixture_service *svc = fixture_service_install(L"slowstart", L"--start-delay %u", START_DELAY_MS);
    fixture_service_start(svc);
    DWORD h = rmc_session_with_service(fixture_service_name(svc));
    DWORD rc = pRmShutdown(h, 0, NULL);
    require(rc == ERROR_SUCCESS && fixture_service_wait(svc, SERVICE_STOPPED, WAIT_MS), "shutdown.service_stopped_through_scm",
            "RmShutdown returned %s and the service is in state %lu", rmc_rc_str(rc), fixture_service_state(svc));
    size_t pending_before = fixture_journal_count(fixture_service_journal(svc), "SERVICE_START_PENDING", 0);

    rm_job job = { .h = h };
    HANDLE t = CreateThread(NULL, 0, restart_worker, &job, 0, NULL);
    check(t != NULL, "CreateThread failed: %s", rmc_rc_str(GetLastError()));
    /* Wait until RmRestart has asked the SCM to start the service (it is now pending). */
    ULONGLONG end = GetTickCount64() + WAIT_MS;
    while (!job.done && GetTickCount64() < end &&
           fixture_journal_count(fixture_service_journal(svc), "SERVICE_START_PENDING", 0) <= pending_before)
        Sleep(10);
    int mid = !job.done;
    rmc_obs_bool("restart_pending_when_cancelled", mid);
    DWORD cancel = pRmCancelCurrentTask(h);
    int still_running = !job.done;
    rmc_obs_rc("RmCancelCurrentTask", cancel);
    DWORD w = WaitForSingleObject(t, RETURN_MS);
    CloseHandle(t);
    check(w == WAIT_OBJECT_0, "RmRestart did not return within %u s after RmCancelCurrentTask", RETURN_MS / 1000);
    rmc_obs_rc("RmRestart", job.rc);
    require(mid, "restart.service_restarted", "RmRestart returned %s before it started the service", rmc_rc_str(job.rc));
    if (still_running)
        check_rc("RmCancelCurrentTask(during RmRestart)", cancel, ERROR_SUCCESS);
    check(job.rc == ERROR_SUCCESS || job.rc == ERROR_CANCELLED,
          "RmRestart cancelled while it waited for the service returned %s, expected ERROR_SUCCESS (too late to cancel) "
          "or ERROR_CANCELLED (1223)", rmc_rc_str(job.rc));
}

/* ---- RmGetList: many registered files and several lockers make it take a while; a thread
 * cancels it over and over while it runs. -------------------------------------------------------- */

typedef struct canceller { DWORD h; volatile LONG stop; DWORD first_rc; int calls; } canceller;

static DWORD WINAPI cancel_worker(void *arg)
{
    canceller *c = arg;
    while (!c->stop) {
        DWORD rc = pRmCancelCurrentTask(c->h);
        if (!c->calls++) c->first_rc = rc;
        Sleep(1);
    }
    return 0;
}

#define FILES 3000
#define LOCKERS 4

static void during_getlist(void **state)
{
    static WCHAR paths[FILES][MAX_PATH];
    static LPCWSTR files[FILES];
    fixture_app *apps[LOCKERS];
    for (int i = 0; i < LOCKERS; i++) {
        WCHAR name[32];
        _snwprintf(name, 32, L"locked-%d.bin", i);
        apps[i] = fixture_locker_start(paths[i], name, L"--window none");
    }
    for (int i = LOCKERS; i < FILES; i++) {
        WCHAR name[32];
        _snwprintf(name, 32, L"unused-%d.bin", i);
        rmc_case_file(paths[i], name, 0);
    }
    for (int i = 0; i < FILES; i++) files[i] = paths[i];
    DWORD h = rmc_session_start(NULL);
    check_rc("RmRegisterResources(3000 files)", pRmRegisterResources(h, FILES, files, 0, NULL, 0, NULL), ERROR_SUCCESS);

    UINT needed = 0, count = 0;
    DWORD reasons = 0;
    canceller c = { .h = h };
    HANDLE t = CreateThread(NULL, 0, cancel_worker, &c, 0, NULL);
    check(t != NULL, "CreateThread failed: %s", rmc_rc_str(GetLastError()));
    while (!c.calls) Sleep(0);   /* the first cancel is on its way before RmGetList starts */
    ULONGLONG t0 = GetTickCount64();
    DWORD rc = pRmGetList(h, &needed, &count, NULL, &reasons);
    ULONGLONG took = GetTickCount64() - t0;
    InterlockedExchange(&c.stop, 1);
    WaitForSingleObject(t, INFINITE);
    CloseHandle(t);
    rmc_obs_rc("RmGetList", rc);
    rmc_obs_int("RmGetList.ms", (long long)took);
    rmc_obs_int("cancel_calls", c.calls);
    rmc_obs_rc("RmCancelCurrentTask(first)", c.first_rc);
    check(rc == ERROR_MORE_DATA || rc == ERROR_CANCELLED,
          "RmGetList(sizing) cancelled while it ran returned %s, expected ERROR_MORE_DATA (not cancelled: %d files in use) "
          "or ERROR_CANCELLED (1223)", rmc_rc_str(rc), LOCKERS);
    if (rc == ERROR_MORE_DATA)
        check(needed >= LOCKERS, "RmGetList returned ERROR_MORE_DATA with *pnProcInfoNeeded %u, expected at least %d", needed, LOCKERS);
    for (int i = 0; i < LOCKERS; i++) fixture_app_stop(apps[i]);
}

const rmc_case rmc_cases_cancel_operations[] = {
    RMC_CASE("cancel.during_restart", "RmCancelCurrentTask while RmRestart waits for a service returns 0; RmRestart ends 0 or ERROR_CANCELLED",
             "§8.8", "doc", .exports = RMX(StartSession) | RMX(EndSession) | RMX(RegisterResources) | RMX(Shutdown) | RMX(Restart) |
             RMX(CancelCurrentTask), .needs = RMC_CAP_SERVICES, .timeout_s = 120, .body = during_restart),
    RMC_CASE("cancel.during_getlist", "RmGetList cancelled while it runs returns its result or ERROR_CANCELLED, nothing else",
             "§8.5", "doc", .exports = RMX(StartSession) | RMX(EndSession) | RMX(RegisterResources) | RMX(GetList) |
             RMX(CancelCurrentTask), .timeout_s = 90, .body = during_getlist),
};
RMC_AREA_COUNT(cancel_operations);

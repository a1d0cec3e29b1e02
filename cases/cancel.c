/* cancel.c — RmCancelCurrentTask: cancelling a shutdown from another thread, and what the spec
 * leaves open (a cancel with nothing running, whether it sticks, a cancel by a secondary).
 * Spec §7.1, §8.8, §13.5.
 *
 * Determinism: the shutdown runs on a worker thread and is held up by a fixture that sleeps
 * (--delay) inside its WM_QUERYENDSESSION handler. The case cancels only once the fixture is
 * provably inside that handler — its window stops answering WM_NULL, which only happens while
 * its thread is busy with a message RM sent — so the cancel always lands while RmShutdown is
 * waiting for the answer; the journal then confirms it was WM_QUERYENDSESSION. The fixture
 * ignores WM_ENDSESSION and WM_CLOSE, so the shutdown cannot complete on its own meanwhile.
 * Once the case has cancelled, it releases the fixture (--release-event) instead of letting it
 * sleep out the rest of DELAY_MS: the cancel has landed by then either way. */
#include "rmcase.h"
#include "fixture.h"
#include <stdio.h>
#include <string.h>

#define DELAY_MS 4000u       /* the fixture sleeps at most this long before answering */
#define BUSY_WAIT_MS 15000u  /* how long RM may take to reach the fixture */
#define RETURN_MS 20000u     /* after the cancel, RmShutdown must have returned by then */

typedef struct shutdown_job {
    DWORD handle;
    volatile DWORD rc;
} shutdown_job;

static DWORD WINAPI shutdown_worker(void *arg)
{
    shutdown_job *job = arg;
    job->rc = pRmShutdown(job->handle, 0, NULL);
    return 0;
}

typedef struct slow_shutdown {
    fixture_app *app;
    DWORD handle;
    HANDLE thread;
    HANDLE release;              /* set once the case has cancelled: the fixture answers now */
    shutdown_job job;
} slow_shutdown;

static void join_worker(void *arg)
{
    slow_shutdown *s = arg;
    /* The case is over: the fixture goes, and with it what RmShutdown waits for. */
    fixture_app_stop(s->app);
    WaitForSingleObject(s->thread, RETURN_MS);
    CloseHandle(s->thread);
}

/* RmShutdown never reached the fixture: first the preconditions (the fixture is detected, RmShutdown
 * stops a window application), then a failure for the case that checks cancelling, `blocked`
 * (see it) for the probes that only build on it. */
static void never_reached(const char *fmt, DWORD value)
{
    char msg[256];
    snprintf(msg, sizeof msg, fmt, value);
    rmc_require_shutdown_stops();
    if (!strcmp(rmc_current_case()->provenance, "probe")) rmc_blocked("cancel.during_shutdown", "%s", msg);
    rmc_fail("%s", msg);
}

/* Starts a slow fixture, registers its file, starts RmShutdown on a worker thread and returns
 * once the fixture is inside its WM_QUERYENDSESSION handler. */
static void start_slow_shutdown(slow_shutdown *s, DWORD handle)
{
    static WCHAR file[MAX_PATH];
    WCHAR release[64];
    rmc_case_file(file, L"slow.bin", 1);
    _snwprintf(release, 64, L"Local\\rmfx-release-%lu", GetCurrentProcessId());
    s->release = CreateEventW(NULL, TRUE, FALSE, release);
    check(s->release != NULL, "CreateEvent(%ls) failed: %s", release, rmc_rc_str(GetLastError()));
    s->app = fixture_app_start(L"--lock \"%ls\" --window main --delay %u --release-event %ls --on-endsession ignore --on-close ignore",
                               file, DELAY_MS, release);
    HWND hwnd = fixture_app_window(s->app);
    check(hwnd != NULL, "the fixture reported no window");
    s->handle = handle;
    LPCWSTR files[] = { file };
    check_rc("RmRegisterResources", pRmRegisterResources(handle, 1, files, 0, NULL, 0, NULL), ERROR_SUCCESS);

    s->job.handle = handle;
    s->job.rc = 0xFFFFFFFF;
    s->thread = CreateThread(NULL, 0, shutdown_worker, &s->job, 0, NULL);
    check(s->thread != NULL, "CreateThread failed: %s", rmc_rc_str(GetLastError()));
    rmc_defer(join_worker, s);

    ULONGLONG end = GetTickCount64() + BUSY_WAIT_MS;
    for (;;) {
        DWORD_PTR ignored;
        if (!SendMessageTimeoutW(hwnd, WM_NULL, 0, 0, SMTO_NORMAL, 200, &ignored)) break;   /* busy in a handler */
        if (WaitForSingleObject(s->thread, 0) == WAIT_OBJECT_0)
            never_reached("RmShutdown returned error %lu before the fixture got WM_QUERYENDSESSION", s->job.rc);
        if (GetTickCount64() >= end) never_reached("RmShutdown did not reach the fixture within %lu ms", BUSY_WAIT_MS);
        Sleep(10);
    }
}

/* Called once the case has cancelled: releases the fixture, waits for the worker's RmShutdown to
 * return; fails the case when it does not in time. */
static DWORD shutdown_result(slow_shutdown *s)
{
    SetEvent(s->release);
    if (WaitForSingleObject(s->thread, RETURN_MS) != WAIT_OBJECT_0)
        rmc_fail("RmShutdown did not return within %u ms of RmCancelCurrentTask", RETURN_MS);
    return s->job.rc;
}

static void during_shutdown(void **state)
{
    static slow_shutdown s;
    DWORD h = rmc_session_start(NULL);
    start_slow_shutdown(&s, h);
    check_rc("RmCancelCurrentTask(during RmShutdown)", pRmCancelCurrentTask(h), ERROR_SUCCESS);
    DWORD rc = shutdown_result(&s);
    fixture_app_wait_line(s.app, "WM_QUERYENDSESSION", 1, DELAY_MS * 2);
    fixture_app_obs_journal(s.app, "journal");
    check_rc("RmShutdown(cancelled)", rc, ERROR_CANCELLED);
    check(!fixture_app_wait_exit(s.app, 0, NULL), "the fixture was ended although the shutdown was cancelled");
}

static void by_secondary(void **state)
{
    /* §7.1: RmCancelCurrentTask must come from the session's owner; what a secondary's call
     * returns, and whether it cancels, is UNCONFIRMED. The primary cancels afterwards. */
    static slow_shutdown s;
    WCHAR key[CCH_RM_SESSION_KEY + 1];
    DWORD h = rmc_session_start(key);
    DWORD *secondary = rmc_guard_alloc(sizeof(DWORD), "RmJoinSession pSessionHandle");
    require_rc("RmJoinSession", pRmJoinSession(secondary, key), ERROR_SUCCESS, "join.in_process_with_primary_key");
    require(rmc_written(secondary, sizeof(DWORD)), "join.in_process_with_primary_key",
            "RmJoinSession returned 0 and left *pSessionHandle unwritten");
    rmc_session_end_later(*secondary);
    start_slow_shutdown(&s, h);
    DWORD rc = pRmCancelCurrentTask(*secondary);
    rmc_obs_rc("RmCancelCurrentTask(secondary)", rc);
    rmc_obs_rc("RmCancelCurrentTask(primary)", pRmCancelCurrentTask(h));
    rmc_obs_rc("RmShutdown", shutdown_result(&s));
    /* §7.1 (DOC): the cancel must come from the installer that started the session, not a
     * secondary; the code (1219 presumably) is UNCONFIRMED: recorded above. */
    check(rc != ERROR_SUCCESS, "a secondary's RmCancelCurrentTask returned ERROR_SUCCESS (0); only the session's creator may cancel");
}

static void nothing_running(void **state)
{
    DWORD h = rmc_session_start(NULL);
    rmc_obs_rc("RmCancelCurrentTask(nothing running)", pRmCancelCurrentTask(h));
}

static void not_sticky(void **state)
{
    /* §8.8: whether a cancel with nothing running affects the next operation. */
    WCHAR file[MAX_PATH];
    rmc_case_file(file, L"nobody.bin", 1);
    DWORD h = rmc_session_start(NULL);
    LPCWSTR files[] = { file };
    check_rc("RmRegisterResources", pRmRegisterResources(h, 1, files, 0, NULL, 0, NULL), ERROR_SUCCESS);
    rmc_obs_rc("RmCancelCurrentTask(nothing running)", pRmCancelCurrentTask(h));
    UINT *needed = rmc_guard_alloc(sizeof(UINT), "RmGetList pnProcInfoNeeded");
    UINT *count = rmc_guard_alloc(sizeof(UINT), "RmGetList pnProcInfo");
    DWORD *reasons = rmc_guard_alloc(sizeof(DWORD), "RmGetList lpdwRebootReasons");
    *count = 0;
    rmc_obs_rc("RmGetList(next)", pRmGetList(h, needed, count, NULL, reasons));
    rmc_obs_rc("RmShutdown(after)", pRmShutdown(h, 0, NULL));
}

static void restart_after_cancel(void **state)
{
    /* What RmRestart says after a cancelled RmShutdown (§7.7 edges not covered by the docs). */
    static slow_shutdown s;
    DWORD h = rmc_session_start(NULL);
    start_slow_shutdown(&s, h);
    require_rc("RmCancelCurrentTask", pRmCancelCurrentTask(h), ERROR_SUCCESS, "cancel.during_shutdown");
    rmc_obs_rc("RmShutdown", shutdown_result(&s));
    rmc_obs_rc("RmRestart(after a cancelled RmShutdown)", pRmRestart(h, 0, NULL));
    rmc_obs_bool("fixture_running", !fixture_app_wait_exit(s.app, 0, NULL));
}

#define S RMX(StartSession) | RMX(EndSession) | RMX(CancelCurrentTask)
#define SD S | RMX(RegisterResources) | RMX(Shutdown)
const rmc_case rmc_cases_cancel[] = {
    RMC_CASE("cancel.during_shutdown", "RmCancelCurrentTask from another thread during RmShutdown returns 0; RmShutdown returns ERROR_CANCELLED",
             "§8.8", "doc", .exports = SD, .needs = RMC_CAP_WINDOWS, .timeout_s = 90, .body = during_shutdown),
    RMC_CASE("cancel.by_secondary", "RmCancelCurrentTask with a joined (secondary) handle during the primary's RmShutdown fails (code recorded)", "§7.1", "probe",
             .exports = SD | RMX(JoinSession), .needs = RMC_CAP_WINDOWS, .timeout_s = 90, .body = by_secondary),
    RMC_CASE("cancel.nothing_running", "RmCancelCurrentTask when no operation is running", "§8.8", "probe",
             .exports = S, .body = nothing_running),
    RMC_CASE("cancel.not_sticky", "Whether a cancel with nothing running affects the next RmGetList / RmShutdown", "§8.8", "probe",
             .exports = SD | RMX(GetList), .body = not_sticky),
    RMC_CASE("cancel.restart_after_cancel", "RmRestart after a cancelled RmShutdown", "§7.7", "probe",
             .exports = SD | RMX(Restart), .needs = RMC_CAP_WINDOWS, .timeout_s = 90, .body = restart_after_cancel),
};
RMC_AREA_COUNT(cancel);

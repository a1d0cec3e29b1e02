/* getlist.c — RmGetList on sessions nobody is affected by, and the list recomputed on each call
 * as a process starts and stops using the registered file. Spec §8.5, §9, §21.1. */
#include "rmcase.h"
#include "fixture.h"

/* Calls RmGetList(h, needed, count = 0, NULL, reasons) with guarded out-parameters and checks
 * the "nothing affected" answer: 0 with needed 0, count 0, no reboot reason — each of them
 * written, never read back from the fill pattern. */
static void expect_empty_list(DWORD handle, const char *what)
{
    UINT *needed = rmc_guard_alloc(sizeof(UINT), "RmGetList pnProcInfoNeeded");
    UINT *count = rmc_guard_alloc(sizeof(UINT), "RmGetList pnProcInfo");
    DWORD *reasons = rmc_guard_alloc(sizeof(DWORD), "RmGetList lpdwRebootReasons");
    *count = 0;
    DWORD rc = pRmGetList(handle, needed, count, NULL, reasons);
    check_rc(what, rc, ERROR_SUCCESS);
    check(rmc_written(needed, sizeof(UINT)), "%s returned 0 and left *pnProcInfoNeeded unwritten", what);
    check(rmc_written(reasons, sizeof(DWORD)), "%s returned 0 and left *lpdwRebootReasons unwritten", what);
    rmc_obs_int("needed", *needed);
    rmc_obs_int("count", *count);
    rmc_obs_hex("reasons", *reasons);
    check(*needed == 0, "%s: *pnProcInfoNeeded is %u, expected 0", what, *needed);
    check(*count == 0, "%s: *pnProcInfo is %u, expected 0", what, *count);
    check(*reasons == RmRebootReasonNone, "%s: *lpdwRebootReasons is 0x%lx, expected 0", what, (unsigned long)*reasons);
}

static void empty_session(void **state)
{
    expect_empty_list(rmc_session_start(NULL), "RmGetList");
}

static DWORD session_with_unused_file(WCHAR path[MAX_PATH], const WCHAR *name)
{
    DWORD h = rmc_session_start(NULL);
    rmc_case_file(path, name, 1);
    LPCWSTR files[] = {path};
    check_rc("RmRegisterResources", pRmRegisterResources(h, 1, files, 0, NULL, 0, NULL), ERROR_SUCCESS);
    return h;
}

static void unused_file(void **state)
{
    WCHAR path[MAX_PATH];
    expect_empty_list(session_with_unused_file(path, L"unused.txt"), "RmGetList");
}

static void recomputed(void **state)
{
    /* §21.1: the same session lists a new user of the file, and is empty again once it is gone. */
    WCHAR path[MAX_PATH];
    DWORD h = session_with_unused_file(path, L"used-later.bin");
    expect_empty_list(h, "RmGetList(nobody uses the file)");
    fixture_app *app = fixture_app_start(L"--window none --lock \"%ls\"", path);
    rmc_list(h, "in_use");
    if (!rmc_listed_pid(fixture_app_pid(app))) rmc_require_detection(RMC_DETECT_LOCKED_FILE);
    check(rmc_listed_pid(fixture_app_pid(app)) != NULL, "the session does not list the process that opened the file after "
          "the first RmGetList (%u entries): the list is not recomputed", rmc_listed_count());
    fixture_app_stop(app);
    expect_empty_list(h, "RmGetList(after the user exited)");
}

#define S_LIST (RMX(StartSession) | RMX(EndSession) | RMX(RegisterResources) | RMX(GetList))
const rmc_case rmc_cases_getlist[] = {
    RMC_CASE("getlist.empty_session", "RmGetList on a session with nothing registered: ERROR_SUCCESS, needed 0, no reboot reason",
             "§9", "obs", .exports = RMX(StartSession) | RMX(EndSession) | RMX(GetList), .body = empty_session),
    RMC_CASE("getlist.unused_file", "RmGetList for a registered file nobody uses: ERROR_SUCCESS, needed 0, count 0, no reboot reason",
             "§21.1", "obs", .exports = S_LIST, .body = unused_file),
    RMC_CASE("getlist.recomputed_per_call", "One session: empty, then the new user of the file listed, then empty again after it exits",
             "§21.1", "obs", .exports = S_LIST, .needs = RMC_CAP_HANDLE_ENUM, .body = recomputed),
};
RMC_AREA_COUNT(getlist);

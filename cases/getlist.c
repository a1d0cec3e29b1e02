/* getlist.c — RmGetList on sessions nobody is affected by. Spec §8.5, §9. */
#include "rmcase.h"

/* Calls RmGetList(h, needed, count = 0, NULL, reasons) with guarded out-parameters and checks
 * the documented "nothing affected" answer. */
static void expect_empty_list(DWORD handle)
{
    UINT *needed = rmc_guard_alloc(sizeof(UINT), "RmGetList pnProcInfoNeeded");
    UINT *count = rmc_guard_alloc(sizeof(UINT), "RmGetList pnProcInfo");
    DWORD *reasons = rmc_guard_alloc(sizeof(DWORD), "RmGetList lpdwRebootReasons");
    *count = 0;
    DWORD rc = pRmGetList(handle, needed, count, NULL, reasons);
    rmc_obs_int("needed", *needed);
    rmc_obs_int("count", *count);
    rmc_obs_hex("reasons", *reasons);
    check_rc("RmGetList", rc, ERROR_SUCCESS);
    check(*needed == 0, "*pnProcInfoNeeded is %u, expected 0", *needed);
    check(*count == 0, "*pnProcInfo is %u, expected 0", *count);
    check(*reasons == RmRebootReasonNone, "*lpdwRebootReasons is 0x%lx, expected 0", (unsigned long)*reasons);
}

static void empty_session(void **state)
{
    expect_empty_list(rmc_session_start(NULL));
}

static void unused_file(void **state)
{
    DWORD h = rmc_session_start(NULL);
    WCHAR path[MAX_PATH];
    rmc_case_file(path, L"unused.txt", 1);
    LPCWSTR files[] = {path};
    check_rc("RmRegisterResources", pRmRegisterResources(h, 1, files, 0, NULL, 0, NULL), ERROR_SUCCESS);
    expect_empty_list(h);
}

const rmc_case rmc_cases_getlist[] = {
    RMC_CASE("getlist.empty_session", "RmGetList on a session with nothing registered: ERROR_SUCCESS, needed 0, no reboot reason",
             "§9", "obs", .exports = RMX(StartSession) | RMX(EndSession) | RMX(GetList), .body = empty_session),
    RMC_CASE("getlist.unused_file", "RmGetList for a registered file nobody uses: ERROR_SUCCESS, needed 0, no reboot reason",
             "§8.5", "obs", .exports = RMX(StartSession) | RMX(EndSession) | RMX(RegisterResources) | RMX(GetList),
             .body = unused_file),
};
RMC_AREA_COUNT(getlist);

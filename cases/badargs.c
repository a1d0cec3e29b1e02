/* badargs.c — handles that were never issued and NULL pointers. Spec §3, §7.3, §8, §9.
 * Documented codes are asserted; what the spec marks UNCONFIRMED is recorded (probe). */
#include "rmcase.h"
#include <string.h>

/* A handle value no sane implementation issues (and that this process never received). */
#define NEVER_ISSUED 0x52D0C0DEu

static const WCHAR some_exe[] = L"C:\\Windows\\notepad.exe";

/* One body, one function per case: param selects the call. */
enum call { C_END, C_REGISTER, C_GETLIST, C_SHUTDOWN, C_RESTART, C_CANCEL, C_ADDFILTER, C_REMOVEFILTER, C_GETFILTERLIST };

static void invalid_handle(void **state)
{
    enum call which = (enum call)(ULONG_PTR)*state;
    UINT *needed = rmc_guard_alloc(sizeof(UINT), "RmGetList pnProcInfoNeeded");
    UINT *count = rmc_guard_alloc(sizeof(UINT), "RmGetList pnProcInfo");
    DWORD *reasons = rmc_guard_alloc(sizeof(DWORD), "RmGetList lpdwRebootReasons");
    DWORD *bytes = rmc_guard_alloc(sizeof(DWORD), "RmGetFilterList cbFilterBufNeeded");
    LPCWSTR files[] = {some_exe};
    const char *name = "?";
    DWORD rc = 0;
    *count = 0;
    switch (which) {
    case C_END: name = "RmEndSession"; rc = pRmEndSession(NEVER_ISSUED); break;
    case C_REGISTER: name = "RmRegisterResources"; rc = pRmRegisterResources(NEVER_ISSUED, 1, files, 0, NULL, 0, NULL); break;
    case C_GETLIST: name = "RmGetList"; rc = pRmGetList(NEVER_ISSUED, needed, count, NULL, reasons); break;
    case C_SHUTDOWN: name = "RmShutdown"; rc = pRmShutdown(NEVER_ISSUED, 0, NULL); break;
    case C_RESTART: name = "RmRestart"; rc = pRmRestart(NEVER_ISSUED, 0, NULL); break;
    case C_CANCEL: name = "RmCancelCurrentTask"; rc = pRmCancelCurrentTask(NEVER_ISSUED); break;
    case C_ADDFILTER: name = "RmAddFilter"; rc = pRmAddFilter(NEVER_ISSUED, some_exe, NULL, NULL, RmNoRestart); break;
    case C_REMOVEFILTER: name = "RmRemoveFilter"; rc = pRmRemoveFilter(NEVER_ISSUED, some_exe, NULL, NULL); break;
    case C_GETFILTERLIST: name = "RmGetFilterList"; rc = pRmGetFilterList(NEVER_ISSUED, NULL, 0, bytes); break;
    }
    if (!strcmp(rmc_current_case()->provenance, "probe")) {
        /* §3, §16: only header comments give 6 for the filter functions: the code is recorded;
         * the documented half is that a handle no session has cannot succeed. */
        rmc_obs_rc(name, rc);
        check(rc != ERROR_SUCCESS, "%s with a handle that was never issued returned ERROR_SUCCESS (0)", name);
        return;
    }
    check_rc(name, rc, ERROR_INVALID_HANDLE);
}

#define INVALID_HANDLE_CASE(fn, which, prov, sec, ex) \
    RMC_CASE("badargs.invalid_handle." fn, fn " with a handle that was never issued returns ERROR_INVALID_HANDLE", \
             sec, prov, .exports = ex, .body = invalid_handle, .param = (const void *)(ULONG_PTR)which)

/* ---- NULL pointers ----------------------------------------------------------------------------- */
static void start_null_handle(void **state)
{
    rmc_obs_rc("RmStartSession(NULL handle pointer)", pRmStartSession(NULL, 0, rmc_key_alloc()));
}

static void start_null_key(void **state)
{
    DWORD *handle = rmc_guard_alloc(sizeof(DWORD), "RmStartSession pSessionHandle");
    DWORD rc = pRmStartSession(handle, 0, NULL);
    rmc_obs_rc("RmStartSession(NULL key)", rc);
    if (rc == ERROR_SUCCESS && rmc_written(handle, sizeof(DWORD))) rmc_session_end_later(*handle);
}

static void getlist_null(void **state)
{
    int which = (int)(ULONG_PTR)*state;
    DWORD h = rmc_session_start(NULL);
    UINT *needed = rmc_guard_alloc(sizeof(UINT), "RmGetList pnProcInfoNeeded");
    UINT *count = rmc_guard_alloc(sizeof(UINT), "RmGetList pnProcInfo");
    DWORD *reasons = rmc_guard_alloc(sizeof(DWORD), "RmGetList lpdwRebootReasons");
    *count = 0;
    static const char *const what[] = {"RmGetList(NULL pnProcInfoNeeded)", "RmGetList(NULL pnProcInfo)",
                                       "RmGetList(NULL lpdwRebootReasons)", "RmGetList(NULL array, *pnProcInfo=4)"};
    DWORD rc;
    switch (which) {
    case 0: rc = pRmGetList(h, NULL, count, NULL, reasons); break;
    case 1: rc = pRmGetList(h, needed, NULL, NULL, reasons); break;
    case 2: rc = pRmGetList(h, needed, count, NULL, NULL); break;
    default: *count = 4; rc = pRmGetList(h, needed, count, NULL, reasons); break;
    }
    rmc_obs_rc(what[which], rc);
}

static void register_null_array(void **state)
{
    /* §8.4: an array may be NULL only when its count is 0 (DOC); 160 is expected but UNCONFIRMED. */
    DWORD h = rmc_session_start(NULL);
    DWORD rc = pRmRegisterResources(h, 1, NULL, 0, NULL, 0, NULL);
    rmc_obs_rc("RmRegisterResources(nFiles=1, NULL array)", rc);
    check(rc != ERROR_SUCCESS, "RmRegisterResources with nFiles = 1 and a NULL array returned ERROR_SUCCESS (0)");
}

static void register_nothing(void **state)
{
    DWORD h = rmc_session_start(NULL);
    rmc_obs_rc("RmRegisterResources(all counts 0)", pRmRegisterResources(h, 0, NULL, 0, NULL, 0, NULL));
}

static void add_filter_no_target(void **state)
{
    /* §8.9: exactly one target must be given (DOC); the code (160 presumably) is UNCONFIRMED. */
    DWORD h = rmc_session_start(NULL);
    DWORD rc = pRmAddFilter(h, NULL, NULL, NULL, RmNoRestart);
    rmc_obs_rc("RmAddFilter(no target)", rc);
    check(rc != ERROR_SUCCESS, "RmAddFilter with no file, process or service returned ERROR_SUCCESS (0)");
}

static void get_filter_list_null_needed(void **state)
{
    DWORD h = rmc_session_start(NULL);
    rmc_obs_rc("RmGetFilterList(NULL cbFilterBufNeeded)", pRmGetFilterList(h, NULL, 0, NULL));
}

#define S RMX(StartSession) | RMX(EndSession)
const rmc_case rmc_cases_badargs[] = {
    INVALID_HANDLE_CASE("RmEndSession", C_END, "doc", "§8.3", RMX(EndSession)),
    INVALID_HANDLE_CASE("RmRegisterResources", C_REGISTER, "doc", "§8.4", RMX(RegisterResources)),
    INVALID_HANDLE_CASE("RmGetList", C_GETLIST, "doc", "§8.5", RMX(GetList)),
    INVALID_HANDLE_CASE("RmShutdown", C_SHUTDOWN, "doc", "§8.6", RMX(Shutdown)),
    INVALID_HANDLE_CASE("RmRestart", C_RESTART, "doc", "§8.7", RMX(Restart)),
    INVALID_HANDLE_CASE("RmCancelCurrentTask", C_CANCEL, "doc", "§8.8", RMX(CancelCurrentTask)),
    /* The filter pages do not document ERROR_INVALID_HANDLE (only header comments do): recorded. */
    INVALID_HANDLE_CASE("RmAddFilter", C_ADDFILTER, "probe", "§16", RMX(AddFilter)),
    INVALID_HANDLE_CASE("RmRemoveFilter", C_REMOVEFILTER, "probe", "§16", RMX(RemoveFilter)),
    INVALID_HANDLE_CASE("RmGetFilterList", C_GETFILTERLIST, "probe", "§16", RMX(GetFilterList)),
    RMC_CASE("badargs.start_null_handle", "RmStartSession with a NULL handle pointer", "§8.1", "probe",
             .exports = RMX(StartSession), .body = start_null_handle),
    RMC_CASE("badargs.start_null_key", "RmStartSession with a NULL key buffer", "§8.1", "probe",
             .exports = S, .body = start_null_key),
    RMC_CASE("badargs.getlist_null_needed", "RmGetList with a NULL pnProcInfoNeeded", "§9", "probe",
             .exports = S | RMX(GetList), .body = getlist_null, .param = (const void *)0),
    RMC_CASE("badargs.getlist_null_count", "RmGetList with a NULL pnProcInfo", "§9", "probe",
             .exports = S | RMX(GetList), .body = getlist_null, .param = (const void *)1),
    RMC_CASE("badargs.getlist_null_reasons", "RmGetList with a NULL lpdwRebootReasons", "§9", "probe",
             .exports = S | RMX(GetList), .body = getlist_null, .param = (const void *)2),
    RMC_CASE("badargs.getlist_null_array_nonzero_count", "RmGetList with a NULL array and *pnProcInfo = 4", "§9", "probe",
             .exports = S | RMX(GetList), .body = getlist_null, .param = (const void *)3),
    RMC_CASE("badargs.register_null_array", "RmRegisterResources with nFiles = 1 and a NULL array fails (the code is recorded)", "§8.4", "probe",
             .exports = S | RMX(RegisterResources), .body = register_null_array),
    RMC_CASE("badargs.register_nothing", "RmRegisterResources with all three counts 0", "§8.4", "probe",
             .exports = S | RMX(RegisterResources), .body = register_nothing),
    RMC_CASE("badargs.add_filter_no_target", "RmAddFilter with no file, process or service fails (the code is recorded)", "§8.9", "probe",
             .exports = S | RMX(AddFilter), .body = add_filter_no_target),
    RMC_CASE("badargs.get_filter_list_null_needed", "RmGetFilterList with a NULL cbFilterBufNeeded", "§8.11", "probe",
             .exports = S | RMX(GetFilterList), .body = get_filter_list_null_needed),
};
RMC_AREA_COUNT(badargs);

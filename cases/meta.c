/* meta.c — the binary interface: exports, and the header the suite is built against
 * (struct layouts, constants, enumerations). Spec §1, §2, §4, §5. */
#include "rmcase.h"
#include <stdio.h>
#include <string.h>

static void exports_documented(void **state)
{
    /* Resolved with GetProcAddress by the runner; a NULL pointer means the export is absent. */
    const struct { const char *name; const void *fn; } exports[] = {
        {"RmStartSession", pRmStartSession}, {"RmJoinSession", pRmJoinSession},
        {"RmEndSession", pRmEndSession}, {"RmRegisterResources", pRmRegisterResources},
        {"RmGetList", pRmGetList}, {"RmShutdown", pRmShutdown}, {"RmRestart", pRmRestart},
        {"RmCancelCurrentTask", pRmCancelCurrentTask}, {"RmAddFilter", pRmAddFilter},
        {"RmRemoveFilter", pRmRemoveFilter}, {"RmGetFilterList", pRmGetFilterList}};
    char missing[400] = "";
    for (size_t i = 0; i < sizeof(exports) / sizeof(exports[0]); i++) {
        char key[64];
        snprintf(key, sizeof key, "export.%s", exports[i].name);
        rmc_obs_bool(key, exports[i].fn != NULL);
        if (!exports[i].fn) {
            strcat(missing, " ");
            strcat(missing, exports[i].name);
        }
    }
    check(!missing[0], "missing documented export(s):%s", missing);
}

static void export_reserve_heap(void **state)
{
    rmc_obs_bool("export.RmReserveHeap", pRmReserveHeap != NULL);
    check(pRmReserveHeap != NULL, "RmReserveHeap is not exported (the native DLL exports it, undocumented)");
}

#define CHECK_SIZE(type, want) check(sizeof(type) == (want), "sizeof(" #type ") is %u, expected %u", (unsigned)sizeof(type), (unsigned)(want))
#define CHECK_OFFSET(type, field, want) check(offsetof(type, field) == (want), "offsetof(" #type ", " #field ") is %u, expected %u", (unsigned)offsetof(type, field), (unsigned)(want))

static void layout_unique_process(void **state)
{
    rmc_obs_int("sizeof", sizeof(RM_UNIQUE_PROCESS));
    CHECK_SIZE(RM_UNIQUE_PROCESS, 12);
    CHECK_OFFSET(RM_UNIQUE_PROCESS, dwProcessId, 0);
    CHECK_OFFSET(RM_UNIQUE_PROCESS, ProcessStartTime, 4);
}

static void layout_process_info(void **state)
{
    rmc_obs_int("sizeof", sizeof(RM_PROCESS_INFO));
    CHECK_SIZE(RM_PROCESS_INFO, 668);
    CHECK_OFFSET(RM_PROCESS_INFO, Process, 0);
    CHECK_OFFSET(RM_PROCESS_INFO, strAppName, 12);
    CHECK_OFFSET(RM_PROCESS_INFO, strServiceShortName, 524);
    CHECK_OFFSET(RM_PROCESS_INFO, ApplicationType, 652);
    CHECK_OFFSET(RM_PROCESS_INFO, AppStatus, 656);
    CHECK_OFFSET(RM_PROCESS_INFO, TSSessionId, 660);
    CHECK_OFFSET(RM_PROCESS_INFO, bRestartable, 664);
}

static void layout_filter_info(void **state)
{
    size_t want_size = sizeof(void *) == 8 ? 32 : 24, want_union = sizeof(void *) == 8 ? 16 : 12;
    rmc_obs_int("sizeof", sizeof(RM_FILTER_INFO));
    CHECK_SIZE(RM_FILTER_INFO, want_size);
    CHECK_OFFSET(RM_FILTER_INFO, FilterAction, 0);
    CHECK_OFFSET(RM_FILTER_INFO, FilterTrigger, 4);
    CHECK_OFFSET(RM_FILTER_INFO, cbNextOffset, 8);
    CHECK_OFFSET(RM_FILTER_INFO, strFilename, want_union);
    CHECK_OFFSET(RM_FILTER_INFO, Process, want_union);
    CHECK_OFFSET(RM_FILTER_INFO, strServiceShortName, want_union);
}

#define CHECK_VALUE(name, want) check((long long)(name) == (long long)(want), #name " is %lld, expected %lld", (long long)(name), (long long)(want))

static void constants(void **state)
{
    CHECK_VALUE(RM_SESSION_KEY_LEN, 16);
    CHECK_VALUE(CCH_RM_SESSION_KEY, 32);
    CHECK_VALUE(CCH_RM_MAX_APP_NAME, 255);
    CHECK_VALUE(CCH_RM_MAX_SVC_NAME, 63);
    CHECK_VALUE(RM_INVALID_TS_SESSION, -1);
    CHECK_VALUE(RM_INVALID_PROCESS, -1);
    /* §16 item 18: the macro is not parenthesised; 64 / CCH_RM_SESSION_KEY expands to 64/16*2. */
    CHECK_VALUE(64 / CCH_RM_SESSION_KEY, 8);
}

static void enumerations(void **state)
{
    CHECK_VALUE(RmUnknownApp, 0); CHECK_VALUE(RmMainWindow, 1); CHECK_VALUE(RmOtherWindow, 2);
    CHECK_VALUE(RmService, 3); CHECK_VALUE(RmExplorer, 4); CHECK_VALUE(RmConsole, 5); CHECK_VALUE(RmCritical, 1000);
    CHECK_VALUE(RmStatusUnknown, 0); CHECK_VALUE(RmStatusRunning, 1); CHECK_VALUE(RmStatusStopped, 2);
    CHECK_VALUE(RmStatusStoppedOther, 4); CHECK_VALUE(RmStatusRestarted, 8); CHECK_VALUE(RmStatusErrorOnStop, 0x10);
    CHECK_VALUE(RmStatusErrorOnRestart, 0x20); CHECK_VALUE(RmStatusShutdownMasked, 0x40);
    CHECK_VALUE(RmStatusRestartMasked, 0x80);
    CHECK_VALUE(RmRebootReasonNone, 0); CHECK_VALUE(RmRebootReasonPermissionDenied, 1);
    CHECK_VALUE(RmRebootReasonSessionMismatch, 2); CHECK_VALUE(RmRebootReasonCriticalProcess, 4);
    CHECK_VALUE(RmRebootReasonCriticalService, 8); CHECK_VALUE(RmRebootReasonDetectedSelf, 0x10);
    CHECK_VALUE(RmForceShutdown, 1); CHECK_VALUE(RmShutdownOnlyRegistered, 0x10);
    CHECK_VALUE(RmInvalidFilterAction, 0); CHECK_VALUE(RmNoRestart, 1); CHECK_VALUE(RmNoShutdown, 2);
    CHECK_VALUE(RmFilterTriggerInvalid, 0); CHECK_VALUE(RmFilterTriggerFile, 1);
    CHECK_VALUE(RmFilterTriggerProcess, 2); CHECK_VALUE(RmFilterTriggerService, 3);
    check(sizeof(RM_APP_TYPE) == 4 && sizeof(RM_FILTER_ACTION) == 4 && sizeof(RM_FILTER_TRIGGER) == 4,
          "RM enums are not 4 bytes wide");
}

static void error_codes(void **state)
{
    /* §3 and §16: the values the suite expects, from winerror.h (not the doc pages' misprints). */
    CHECK_VALUE(ERROR_BAD_ARGUMENTS, 160); CHECK_VALUE(ERROR_FILE_NOT_FOUND, 2);
    CHECK_VALUE(ERROR_MORE_DATA, 234); CHECK_VALUE(ERROR_FAIL_NOACTION_REBOOT, 350);
    CHECK_VALUE(ERROR_FAIL_SHUTDOWN, 351); CHECK_VALUE(ERROR_FAIL_RESTART, 352);
    CHECK_VALUE(ERROR_MAX_SESSIONS_REACHED, 353); CHECK_VALUE(ERROR_REQUEST_OUT_OF_SEQUENCE, 776);
    CHECK_VALUE(ERROR_SESSION_CREDENTIAL_CONFLICT, 1219); CHECK_VALUE(ERROR_CANCELLED, 1223);
    CHECK_VALUE(ERROR_SEM_TIMEOUT, 121); CHECK_VALUE(ERROR_WRITE_FAULT, 29);
}

const rmc_case rmc_cases_meta[] = {
    RMC_CASE("meta.exports_documented", "The 11 documented functions are exported by name", "§1", "doc",
             .body = exports_documented),
    RMC_CASE("meta.export_reserve_heap", "The undocumented RmReserveHeap is exported", "§1", "obs",
             .body = export_reserve_heap),
    RMC_CASE("meta.layout_unique_process", "RM_UNIQUE_PROCESS is 12 bytes with the documented offsets", "§5.1", "doc",
             .body = layout_unique_process),
    RMC_CASE("meta.layout_process_info", "RM_PROCESS_INFO is 668 bytes with the documented offsets", "§5.2", "doc",
             .body = layout_process_info),
    RMC_CASE("meta.layout_filter_info", "RM_FILTER_INFO size and union offset match the header", "§5.3", "doc",
             .body = layout_filter_info),
    RMC_CASE("meta.constants", "Session key and name length constants match the header", "§2", "doc",
             .body = constants),
    RMC_CASE("meta.enumerations", "Every RM enumeration value matches the header", "§4", "doc",
             .body = enumerations),
    RMC_CASE("meta.error_codes", "The error codes the suite expects have their winerror.h values", "§3", "doc",
             .body = error_codes),
};
RMC_AREA_COUNT(meta);

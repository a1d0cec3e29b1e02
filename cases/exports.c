/* exports.c — the implementation's exports, found by name as an installer finds them (§1).
 * The header the suite is built against (layouts, constants, enumerations, error codes) is no
 * verdict on an implementation: harness/header_check.c asserts it at compile time. */
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

const rmc_case rmc_cases_exports[] = {
    RMC_CASE("exports.documented", "The 11 documented functions are exported by name", "§1", "doc",
             .body = exports_documented),
    RMC_CASE("exports.reserve_heap", "The undocumented RmReserveHeap is exported", "§1", "obs",
             .body = export_reserve_heap),
};
RMC_AREA_COUNT(exports);

/* casekit.c — small preconditions many cases share. */
#include "internal.h"
#include <stdio.h>
#include <string.h>

static void end_session(void *arg)
{
    if (pRmEndSession) pRmEndSession((DWORD)(ULONG_PTR)arg);
}

void rmc_session_end_later(DWORD handle) { rmc_defer(end_session, (void *)(ULONG_PTR)handle); }

DWORD rmc_session_start(WCHAR key[CCH_RM_SESSION_KEY + 1])
{
    WCHAR local[CCH_RM_SESSION_KEY + 1];
    WCHAR *k = key ? key : local;
    DWORD handle = 0xFFFFFFFF;
    memset(k, 0, sizeof(WCHAR) * (CCH_RM_SESSION_KEY + 1));
    DWORD rc = pRmStartSession(&handle, 0, k);
    if (rc != ERROR_SUCCESS)
        rmc_fail("precondition: RmStartSession returned %s, expected ERROR_SUCCESS (0)", rmc_rc_str(rc));
    rmc_session_end_later(handle);
    return handle;
}

static DWORD session_with(UINT nfiles, UINT nservices, const WCHAR *what, const WCHAR *name)
{
    DWORD h = rmc_session_start(NULL);
    LPCWSTR names[] = {name};
    char key[48];
    snprintf(key, sizeof key, "RmRegisterResources(%ls)", what);
    check_rc(key, pRmRegisterResources(h, nfiles, nfiles ? names : NULL, 0, NULL, nservices, nservices ? names : NULL),
             ERROR_SUCCESS);
    return h;
}

DWORD rmc_session_with_file(const WCHAR *path) { return session_with(1, 0, L"file", path); }
DWORD rmc_session_with_service(const WCHAR *name) { return session_with(0, 1, L"service", name); }

DWORD rmc_get_list_all(DWORD h, RM_PROCESS_INFO **apps, UINT *count, DWORD *reasons_out)
{
    UINT *needed = rmc_guard_alloc(sizeof(UINT), "RmGetList pnProcInfoNeeded");
    UINT *n = rmc_guard_alloc(sizeof(UINT), "RmGetList pnProcInfo");
    DWORD *reasons = rmc_guard_alloc(sizeof(DWORD), "RmGetList lpdwRebootReasons");
    *apps = NULL;
    *count = 0;
    *n = 0;
    DWORD rc = pRmGetList(h, needed, n, NULL, reasons);
    for (int round = 0; round < 5 && rc == ERROR_MORE_DATA; round++) {
        if (*apps) rmc_guard_free(*apps);
        UINT capacity = *needed;
        *apps = capacity ? rmc_guard_alloc(capacity * sizeof(RM_PROCESS_INFO), "RmGetList rgAffectedApps") : NULL;
        *n = capacity;
        rc = pRmGetList(h, needed, n, *apps, reasons);
        if (rc == ERROR_SUCCESS && *n > capacity)
            rmc_fail("RmGetList filled %u entries of a %u-entry array", *n, capacity);
    }
    if (rc == ERROR_SUCCESS) *count = *n;
    if (reasons_out) *reasons_out = *reasons;
    rmc_guard_free(needed);
    rmc_guard_free(n);
    rmc_guard_free(reasons);
    return rc;
}

static RM_PROCESS_INFO *last_list;
static UINT last_count;

UINT rmc_list(DWORD h, const char *what)
{
    char key[96];
    DWORD reasons;
    if (last_list) rmc_guard_free(last_list);
    last_list = NULL;
    last_count = 0;
    DWORD rc = rmc_get_list_all(h, &last_list, &last_count, &reasons);
    snprintf(key, sizeof key, "%s.RmGetList", what);
    check_rc(key, rc, ERROR_SUCCESS);
    return last_count;
}

UINT rmc_listed_count(void) { return last_count; }

const RM_PROCESS_INFO *rmc_listed_pid(DWORD pid)
{
    for (UINT i = 0; i < last_count; i++)
        if (last_list[i].Process.dwProcessId == pid) return &last_list[i];
    return NULL;
}

const RM_PROCESS_INFO *rmc_listed_service(const WCHAR *name)
{
    for (UINT i = 0; i < last_count; i++)
        if (!_wcsicmp(last_list[i].strServiceShortName, name)) return &last_list[i];
    return NULL;
}

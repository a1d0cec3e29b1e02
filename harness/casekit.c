/* casekit.c — small preconditions many cases share: sessions (keys and handles in guarded
 * buffers), the documented RmGetList retry loop with its out-parameters checked for being written,
 * and the preconditions on the implementation (it detects a locked file, a shared open file, a
 * registered process; RmShutdown stops a window application) that a case checks only when its own
 * result would otherwise blame something else — so one root defect gives one `fail`, in the case
 * that tests it directly, and `blocked` everywhere else. */
#include "internal.h"
#include "fixture.h"
#include <stdio.h>
#include <string.h>

static void end_session(void *arg)
{
    if (pRmEndSession) pRmEndSession((DWORD)(ULONG_PTR)arg);
}

void rmc_session_end_later(DWORD handle) { rmc_defer(end_session, (void *)(ULONG_PTR)handle); }

WCHAR *rmc_key_alloc(void)
{
    WCHAR *key = rmc_guard_alloc(RMC_KEY_BYTES, "RmStartSession strSessionKey (33 WCHARs)");
    memset(key, 0, RMC_KEY_BYTES);   /* §7.2: pre-zero the key buffer */
    return key;
}

int rmc_key_written(const WCHAR *key)
{
    for (size_t i = 0; i < CCH_RM_SESSION_KEY + 1; i++)
        if (key[i]) return 1;
    return 0;
}

int rmc_written(const void *p, size_t size) { return !rmc_guard_untouched(p, 0, size); }

DWORD rmc_session_start(WCHAR key[CCH_RM_SESSION_KEY + 1])
{
    DWORD *handle = rmc_guard_alloc(sizeof(DWORD), "RmStartSession pSessionHandle");
    WCHAR *k = rmc_key_alloc();
    DWORD rc = pRmStartSession(handle, 0, k);
    require(rc == ERROR_SUCCESS, "session.start_returns_key",
            "precondition: RmStartSession returned %s, expected ERROR_SUCCESS (0)", rmc_rc_str(rc));
    require(rmc_written(handle, sizeof(DWORD)), "session.start_returns_key",
            "precondition: RmStartSession returned 0 and left *pSessionHandle unwritten");
    DWORD h = *handle;
    rmc_session_end_later(h);
    if (key) {
        require(rmc_key_written(k), "session.start_returns_key",
                "precondition: RmStartSession returned 0 and left strSessionKey unwritten");
        memcpy(key, k, RMC_KEY_BYTES);
    }
    rmc_guard_free(k);
    rmc_guard_free(handle);
    return h;
}

static DWORD session_with(UINT nfiles, UINT nservices, const WCHAR *what, const WCHAR *name)
{
    DWORD h = rmc_session_start(NULL);
    LPCWSTR names[] = {name};
    char key[48];
    snprintf(key, sizeof key, "RmRegisterResources(%ls)", what);
    DWORD rc = pRmRegisterResources(h, nfiles, nfiles ? names : NULL, 0, NULL, nservices, nservices ? names : NULL);
    rmc_obs_rc(key, rc);
    /* The cases that register one file or one service with their own call and assert 0. */
    require(rc == ERROR_SUCCESS, nfiles ? "getlist.unused_file" : "shutdown.service_stopped_through_scm",
            "precondition: %s returned %s, expected ERROR_SUCCESS (0)", key, rmc_rc_str(rc));
    return h;
}

DWORD rmc_session_with_file(const WCHAR *path) { return session_with(1, 0, L"file", path); }
DWORD rmc_session_with_service(const WCHAR *name) { return session_with(0, 1, L"service", name); }

/* ---- RmGetList (§8.5, §9) ------------------------------------------------------------------------ */

void rmc_check_list_claim(UINT needed)
{
    if (needed > RMC_MAX_LIST_ENTRIES)
        rmc_fail("RmGetList claims %u entries (*pnProcInfoNeeded); the harness allocates at most %u", needed,
                 (unsigned)RMC_MAX_LIST_ENTRIES);
}

static void refill(void *p, size_t size) { memset(p, RMC_GUARD_FILL, size); }

/* After one RmGetList call: the out-parameters the spec requires for rc must have been written. */
static void check_list_outs(DWORD rc, const UINT *needed, const DWORD *reasons, int want_reasons)
{
    if (rc != ERROR_SUCCESS && rc != ERROR_MORE_DATA) return;
    check(rmc_written(needed, sizeof(UINT)), "RmGetList returned %s and left *pnProcInfoNeeded unwritten", rc ? rmc_rc_str(rc) : "0");
    if (rc == ERROR_SUCCESS && want_reasons)
        check(rmc_written(reasons, sizeof(DWORD)), "RmGetList returned 0 and left *lpdwRebootReasons unwritten");
}

DWORD rmc_get_list_all(DWORD h, RM_PROCESS_INFO **apps, UINT *count, DWORD *reasons_out)
{
    UINT *needed = rmc_guard_alloc(sizeof(UINT), "RmGetList pnProcInfoNeeded");
    UINT *n = rmc_guard_alloc(sizeof(UINT), "RmGetList pnProcInfo");
    DWORD *reasons = rmc_guard_alloc(sizeof(DWORD), "RmGetList lpdwRebootReasons");
    *apps = NULL;
    *count = 0;
    *n = 0;
    DWORD rc = pRmGetList(h, needed, n, NULL, reasons);
    check_list_outs(rc, needed, reasons, reasons_out != NULL);
    for (int round = 0; round < 5 && rc == ERROR_MORE_DATA; round++) {
        if (*apps) rmc_guard_free(*apps);
        UINT capacity = *needed;
        rmc_check_list_claim(capacity);
        *apps = capacity ? rmc_guard_alloc(capacity * sizeof(RM_PROCESS_INFO), "RmGetList rgAffectedApps") : NULL;
        *n = capacity;
        refill(needed, sizeof(UINT));
        refill(reasons, sizeof(DWORD));
        rc = pRmGetList(h, needed, n, *apps, reasons);
        check_list_outs(rc, needed, reasons, reasons_out != NULL);
        if (rc == ERROR_SUCCESS && *n > capacity)
            rmc_fail("RmGetList filled %u entries of a %u-entry array", *n, capacity);
    }
    if (rc == ERROR_SUCCESS) *count = *n;
    if (reasons_out) *reasons_out = rc == ERROR_SUCCESS ? *reasons : 0;
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
    if (last_list) rmc_guard_free(last_list);
    last_list = NULL;
    last_count = 0;
    DWORD rc = rmc_get_list_all(h, &last_list, &last_count, NULL);
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

/* ---- preconditions on the implementation, checked directly ---------------------------------------- */

/* Whether RmGetList for a new session holding `file` (or the fixture's process) lists the fixture. */
static int fresh_session_lists(fixture_app *app, const WCHAR *file)
{
    if (!pRmRegisterResources || !pRmGetList) return 0;
    DWORD h = rmc_session_start(NULL);
    RM_UNIQUE_PROCESS up = fixture_app_unique_process(app);
    LPCWSTR files[] = {file};
    DWORD rc = file ? pRmRegisterResources(h, 1, files, 0, NULL, 0, NULL) : pRmRegisterResources(h, 0, NULL, 1, &up, 0, NULL);
    if (rc != ERROR_SUCCESS) return 0;
    RM_PROCESS_INFO *apps;
    UINT count;
    if (rmc_get_list_all(h, &apps, &count, NULL) != ERROR_SUCCESS) return 0;
    int found = 0;
    for (UINT i = 0; i < count; i++) found |= apps[i].Process.dwProcessId == up.dwProcessId;
    if (apps) rmc_guard_free(apps);
    return found;
}

void rmc_require_detection(enum rmc_detection what)
{
    WCHAR file[MAX_PATH];
    fixture_app *app;
    switch (what) {
    case RMC_DETECT_PROCESS:
        app = fixture_app_start(L"--window none");
        require(fresh_session_lists(app, NULL), "detect.registered_process",
                "RmGetList never listed a fixture registered by its RM_UNIQUE_PROCESS");
        break;
    case RMC_DETECT_OPEN_FILE:
        rmc_require_detection(RMC_DETECT_LOCKED_FILE);
        rmc_case_file(file, L"precondition-open.bin", 1);
        app = fixture_app_start(L"--window none --open \"%ls\"", file);
        require(fresh_session_lists(app, file), "detect.shared_open_file",
                "RmGetList never listed the fixture holding the registered file open with full sharing");
        break;
    default:
        app = fixture_locker_start(file, L"precondition-locked.bin", L"--window none");
        require(fresh_session_lists(app, file), "detect.locked_file", "RmGetList never listed the fixture holding the file");
        break;
    }
    fixture_app_stop(app);
}

void rmc_require_shutdown_stops(void)
{
    WCHAR file[MAX_PATH];
    fixture_app *app = fixture_locker_start(file, L"precondition-shutdown.bin",
                                            L"--window main --on-query accept --on-endsession exit");
    require(fresh_session_lists(app, file), "detect.locked_file", "RmGetList never listed the fixture holding the file");
    DWORD h = rmc_session_with_file(file);
    DWORD rc = pRmShutdown ? pRmShutdown(h, 0, NULL) : ERROR_CALL_NOT_IMPLEMENTED;
    require(rc == ERROR_SUCCESS && fixture_app_wait_exit(app, 5000, NULL), "shutdown.gui_query_then_endsession",
            "RmShutdown (%s) stopped nothing: a cooperative window application holding the registered file still runs",
            rmc_rc_str(rc));
}

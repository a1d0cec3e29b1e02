/* register.c — RmRegisterResources: registrations add up across calls, duplicates are harmless,
 * large batches, how paths are matched, resources that do not exist, and a session that has
 * ended. Spec §7.7, §8.4, §17.9, §18. */
#include "rmcase.h"
#include "fixture.h"
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#define S_LIST (RMX(StartSession) | RMX(EndSession) | RMX(RegisterResources) | RMX(GetList))

/* How many entries name pid. */
static unsigned entries_for(const RM_PROCESS_INFO *apps, UINT count, DWORD pid)
{
    unsigned n = 0;
    for (UINT i = 0; i < count; i++) n += apps[i].Process.dwProcessId == pid;
    return n;
}

/* RmGetList must succeed; returns how many entries name pid. When none does, first the
 * precondition `pre` (this kind of use is detected at all: rmc_require_detection). */
static unsigned listed(DWORD h, DWORD pid, enum rmc_detection pre)
{
    RM_PROCESS_INFO *apps;
    UINT count;
    check_rc("RmGetList", rmc_get_list_all(h, &apps, &count, NULL), ERROR_SUCCESS);
    rmc_obs_int("list.count", count);
    unsigned n = entries_for(apps, count, pid);
    if (!n) rmc_require_detection(pre);
    return n;
}

static DWORD register_files(DWORD h, UINT n, LPCWSTR *files)
{
    return pRmRegisterResources(h, n, files, 0, NULL, 0, NULL);
}

/* ---- cumulative, duplicates, batches -------------------------------------------------------------- */

static void cumulative_calls(void **state)
{
    WCHAR a[MAX_PATH], b[MAX_PATH];
    DWORD h = rmc_session_start(NULL);
    rmc_case_file(a, L"first.bin", 1);
    rmc_case_file(b, L"second.bin", 1);
    fixture_app *app_a = fixture_app_start(L"--window none --lock \"%ls\"", a);
    fixture_app *app_b = fixture_app_start(L"--window none --lock \"%ls\"", b);
    LPCWSTR first[] = {a}, second[] = {b};
    check_rc("RmRegisterResources(first file)", register_files(h, 1, first), ERROR_SUCCESS);
    check_rc("RmRegisterResources(second file)", register_files(h, 1, second), ERROR_SUCCESS);
    check(listed(h, fixture_app_pid(app_a), RMC_DETECT_LOCKED_FILE) == 1, "the locker of the file registered in the first call is not listed once");
    check(listed(h, fixture_app_pid(app_b), RMC_DETECT_LOCKED_FILE) == 1, "the locker of the file registered in the second call is not listed once");
}

static void cumulative_kinds(void **state)
{
    WCHAR a[MAX_PATH];
    DWORD h = rmc_session_start(NULL);
    rmc_case_file(a, L"by-file.bin", 1);
    fixture_app *by_file = fixture_app_start(L"--window none --lock \"%ls\"", a);
    fixture_app *by_process = fixture_app_start(L"--window none");
    LPCWSTR files[] = {a};
    RM_UNIQUE_PROCESS procs[] = {fixture_app_unique_process(by_process)};
    check_rc("RmRegisterResources(file)", register_files(h, 1, files), ERROR_SUCCESS);
    check_rc("RmRegisterResources(process)", pRmRegisterResources(h, 0, NULL, 1, procs, 0, NULL), ERROR_SUCCESS);
    check(listed(h, fixture_app_pid(by_file), RMC_DETECT_LOCKED_FILE) == 1, "the file's locker (first call) is not listed once");
    check(listed(h, fixture_app_pid(by_process), RMC_DETECT_PROCESS) == 1, "the process registered in the second call is not listed once");
}

static void duplicates_one_entry(void **state)
{
    WCHAR a[MAX_PATH];
    DWORD h = rmc_session_start(NULL);
    rmc_case_file(a, L"twice.bin", 1);
    fixture_app *app = fixture_app_start(L"--window none --lock \"%ls\"", a);
    LPCWSTR twice[] = {a, a}, once[] = {a};
    check_rc("RmRegisterResources(same file twice in one call)", register_files(h, 2, twice), ERROR_SUCCESS);
    check_rc("RmRegisterResources(same file again)", register_files(h, 1, once), ERROR_SUCCESS);
    unsigned n = listed(h, fixture_app_pid(app), RMC_DETECT_LOCKED_FILE);
    rmc_obs_int("entries_for_locker", n);
    check(n == 1, "the locker of a file registered three times has %u entries, expected 1", n);
}

#define BATCH 1000

static void batch_1000(void **state)
{
    static WCHAR paths[BATCH][MAX_PATH];
    static LPCWSTR files[BATCH];
    DWORD h = rmc_session_start(NULL);
    for (unsigned i = 0; i < BATCH; i++) {
        WCHAR name[32];
        _snwprintf(name, 32, L"batch-%04u.bin", i);
        rmc_case_file(paths[i], name, 1);
        files[i] = paths[i];
    }
    fixture_app *app = fixture_app_start(L"--window none --lock \"%ls\"", paths[BATCH - 1]);
    DWORD t0 = GetTickCount();
    check_rc("RmRegisterResources(1000 files)", register_files(h, BATCH, files), ERROR_SUCCESS);
    rmc_obs_int("register_ms", (long long)(GetTickCount() - t0));
    t0 = GetTickCount();
    check(listed(h, fixture_app_pid(app), RMC_DETECT_LOCKED_FILE) == 1, "the locker of the last of 1000 files is not listed once");
    rmc_obs_int("getlist_ms", (long long)(GetTickCount() - t0));
}

#define MOSTLY_MISSING 2000

static void mostly_missing(void **state)
{
    /* §21.2 (native, strong): one call with 2000 paths, 1999 of them missing, still finds the
     * one file that is held. */
    static WCHAR paths[MOSTLY_MISSING][MAX_PATH];
    static LPCWSTR files[MOSTLY_MISSING];
    DWORD h = rmc_session_start(NULL);
    for (unsigned i = 0; i < MOSTLY_MISSING; i++) {
        WCHAR name[32];
        _snwprintf(name, 32, L"missing-%04u.bin", i);
        rmc_case_file(paths[i], name, i == MOSTLY_MISSING / 2);
        files[i] = paths[i];
    }
    fixture_app *app = fixture_app_start(L"--window none --lock \"%ls\"", paths[MOSTLY_MISSING / 2]);
    check_rc("RmRegisterResources(2000 files, 1999 missing)", register_files(h, MOSTLY_MISSING, files), ERROR_SUCCESS);
    check(listed(h, fixture_app_pid(app), RMC_DETECT_LOCKED_FILE) == 1, "the locker of the one existing file among 2000 is not listed once");
}

static void zero_files_non_null_array(void **state)
{
    /* §21.3 (native): nFiles = 0 with a non-NULL array, nothing else: 0; the list is then empty. */
    WCHAR file[MAX_PATH];
    rmc_case_file(file, L"not-registered.bin", 1);
    LPCWSTR files[] = {file};
    DWORD h = rmc_session_start(NULL);
    check_rc("RmRegisterResources(nFiles = 0, non-NULL array)", pRmRegisterResources(h, 0, files, 0, NULL, 0, NULL), ERROR_SUCCESS);
    RM_PROCESS_INFO *apps;
    UINT count;
    DWORD reasons = 0;
    check_rc("RmGetList", rmc_get_list_all(h, &apps, &count, &reasons), ERROR_SUCCESS);
    rmc_obs_int("count", count);
    check(count == 0, "RmGetList lists %u entries for a session where nothing was registered", count);
}

/* ---- how paths are matched (UNCONFIRMED: recorded) -------------------------------------------------- */

enum path_form { PATH_UPPER, PATH_DOT, PATH_SLASHES, PATH_RELATIVE };

static void path_forms(void **state)
{
    enum path_form form = (enum path_form)(ULONG_PTR)*state;
    WCHAR file[MAX_PATH], other[MAX_PATH], cwd[MAX_PATH] = L"";
    DWORD h = rmc_session_start(NULL);
    rmc_case_file(file, L"Matched-Path.bin", 1);
    fixture_app *app = fixture_app_start(L"--window none --lock \"%ls\"", file);
    const WCHAR *dir = rmc_case_dir(), *name = file + wcslen(dir);
    switch (form) {
    case PATH_UPPER: wcscpy(other, file); CharUpperW(other); break;
    case PATH_DOT: _snwprintf(other, MAX_PATH, L"%ls.\\%ls", dir, name); break;
    case PATH_SLASHES:
        wcscpy(other, file);
        for (WCHAR *p = other; *p; p++) if (*p == L'\\') *p = L'/';
        break;
    case PATH_RELATIVE:
        GetCurrentDirectoryW(MAX_PATH, cwd);
        SetCurrentDirectoryW(dir);
        wcscpy(other, name);
        break;
    }
    other[MAX_PATH - 1] = 0;
    /* The path itself differs from run to run; only its form is recorded. */
    static const char *const form_names[] = {"upper case", "<dir>\\.\\<name>", "forward slashes", "relative"};
    rmc_obs_str("registered_as", form_names[form]);
    LPCWSTR files[] = {other};
    DWORD rc = register_files(h, 1, files);
    if (form == PATH_RELATIVE) SetCurrentDirectoryW(cwd);
    rmc_obs_rc("RmRegisterResources", rc);
    if (rc != ERROR_SUCCESS) return;
    RM_PROCESS_INFO *apps;
    UINT count;
    rc = rmc_get_list_all(h, &apps, &count, NULL);
    rmc_obs_rc("RmGetList", rc);
    if (rc == ERROR_SUCCESS) rmc_obs_bool("locker_found", entries_for(apps, count, fixture_app_pid(app)) > 0);
}

/* ---- resources that do not exist (UNCONFIRMED: recorded) ------------------------------------------------ */

enum missing { MISSING_FILE, MISSING_SERVICE, DEAD_PROCESS, WRONG_START_TIME };

static void missing_resource(void **state)
{
    enum missing which = (enum missing)(ULONG_PTR)*state;
    DWORD h = rmc_session_start(NULL);
    WCHAR file[MAX_PATH], service[64];
    LPCWSTR files[] = {file}, services[] = {service};
    RM_UNIQUE_PROCESS proc = {0};
    DWORD rc = 0, pid = 0;
    switch (which) {
    case MISSING_FILE:
        rmc_case_file(file, L"never-created.bin", 0);
        rc = register_files(h, 1, files);
        break;
    case MISSING_SERVICE:
        _snwprintf(service, 64, L"rmfx-%ls-no-such-service", rmc_run_id());
        service[63] = 0;
        rc = pRmRegisterResources(h, 0, NULL, 0, NULL, 1, services);
        break;
    case DEAD_PROCESS: {
        fixture_app *app = fixture_app_start(L"--window none");
        proc = fixture_app_unique_process(app);
        fixture_app_stop(app);
        rc = pRmRegisterResources(h, 0, NULL, 1, &proc, 0, NULL);
        break;
    }
    case WRONG_START_TIME: {
        fixture_app *app = fixture_app_start(L"--window none");
        proc = fixture_app_unique_process(app);
        pid = proc.dwProcessId;
        ULARGE_INTEGER t = { .LowPart = proc.ProcessStartTime.dwLowDateTime, .HighPart = proc.ProcessStartTime.dwHighDateTime };
        t.QuadPart -= 10000000;   /* one second earlier: the PID of another process */
        proc.ProcessStartTime.dwLowDateTime = t.LowPart;
        proc.ProcessStartTime.dwHighDateTime = t.HighPart;
        rc = pRmRegisterResources(h, 0, NULL, 1, &proc, 0, NULL);
        break;
    }
    }
    rmc_obs_rc("RmRegisterResources", rc);
    /* §21.2 (native, strong): a path that does not exist is accepted and never matched. The
     * other kinds are UNCONFIRMED: recorded. */
    int asserted = !strcmp(rmc_current_case()->provenance, "obs");
    if (asserted) check_rc("RmRegisterResources(a file that does not exist)", rc, ERROR_SUCCESS);
    if (rc != ERROR_SUCCESS) return;
    RM_PROCESS_INFO *apps;
    UINT count;
    rc = rmc_get_list_all(h, &apps, &count, NULL);
    rmc_obs_rc("RmGetList", rc);
    rmc_obs_int("count", count);
    if (which == WRONG_START_TIME && rc == ERROR_SUCCESS) rmc_obs_bool("live_process_listed", entries_for(apps, count, pid) > 0);
    if (asserted) {
        check_rc("RmGetList(a missing file registered)", rc, ERROR_SUCCESS);
        check(count == 0, "RmGetList lists %u entries for a registered file that does not exist", count);
    }
}

static void null_element(void **state)
{
    /* §21.4 (medium: "verified against the real API"): a NULL element inside rgsFileNames is
     * ignored, the call returns 0 and the paths before and after it stay registered. Recorded. */
    WCHAR a[MAX_PATH], b[MAX_PATH];
    fixture_app *app_a = fixture_locker_start(a, L"before-null.bin", L"--window none");
    fixture_app *app_b = fixture_locker_start(b, L"after-null.bin", L"--window none");
    DWORD h = rmc_session_start(NULL);
    LPCWSTR files[] = {a, NULL, b};
    DWORD rc = register_files(h, 3, files);
    rmc_obs_rc("RmRegisterResources(a, NULL, b)", rc);
    if (rc != ERROR_SUCCESS) return;
    RM_PROCESS_INFO *apps;
    UINT count;
    rc = rmc_get_list_all(h, &apps, &count, NULL);
    rmc_obs_rc("RmGetList", rc);
    if (rc != ERROR_SUCCESS) return;
    rmc_obs_bool("before_null_listed", entries_for(apps, count, fixture_app_pid(app_a)) > 0);
    rmc_obs_bool("after_null_listed", entries_for(apps, count, fixture_app_pid(app_b)) > 0);
}

/* ---- an ended session ------------------------------------------------------------------------------------ */

static void after_end(void **state)
{
    /* Like session.stale_handle_getlist: the session is gone, so the call cannot succeed (§3,
     * §8.3); the exact code (6 expected) after RmEndSession is an UNCONFIRMED edge of §7.7. */
    WCHAR file[MAX_PATH];
    rmc_case_file(file, L"after-end.bin", 1);
    LPCWSTR files[] = {file};
    DWORD *handle = rmc_guard_alloc(sizeof(DWORD), "RmStartSession pSessionHandle");
    WCHAR *key = rmc_key_alloc();
    require_rc("RmStartSession", pRmStartSession(handle, 0, key), ERROR_SUCCESS, "session.start_returns_key");
    require(rmc_written(handle, sizeof(DWORD)), "session.start_returns_key", "RmStartSession returned 0 and left *pSessionHandle unwritten");
    require_rc("RmEndSession", pRmEndSession(*handle), ERROR_SUCCESS, "session.end_twice_invalid_handle");
    DWORD rc = register_files(*handle, 1, files);
    rmc_obs_rc("RmRegisterResources(after RmEndSession)", rc);
    check(rc != ERROR_SUCCESS, "RmRegisterResources on a session that was ended returned ERROR_SUCCESS (0)");
}

#define P(x) .param = (const void *)(ULONG_PTR)(x)

const rmc_case rmc_cases_register[] = {
    RMC_CASE("register.cumulative_files", "Files registered in two calls both count: each locker is listed",
             "§8.4", "doc", .exports = S_LIST, .needs = RMC_CAP_HANDLE_ENUM, .body = cumulative_calls),
    RMC_CASE("register.cumulative_kinds", "A file in one call and a process in the next both count",
             "§7.7", "doc", .exports = S_LIST, .needs = RMC_CAP_HANDLE_ENUM, .body = cumulative_kinds),
    RMC_CASE("register.duplicates_one_entry", "A file registered three times (twice in one call): its locker is listed once",
             "§17.9", "obs", .exports = S_LIST, .needs = RMC_CAP_HANDLE_ENUM, .body = duplicates_one_entry),
    RMC_CASE("register.batch_1000_files", "1000 files in one RmRegisterResources call: ERROR_SUCCESS, the last file's locker is listed",
             "§8.4", "doc", .exports = S_LIST, .needs = RMC_CAP_HANDLE_ENUM, .timeout_s = 60, .body = batch_1000),
    RMC_CASE("register.path_upper_case", "A locked file registered with its path in upper case: is its locker found?",
             "§18", "probe", .exports = S_LIST, .needs = RMC_CAP_HANDLE_ENUM, .body = path_forms, P(PATH_UPPER)),
    RMC_CASE("register.path_dot_segment", "A locked file registered as <dir>\\.\\<name>: is its locker found?",
             "§18", "probe", .exports = S_LIST, .needs = RMC_CAP_HANDLE_ENUM, .body = path_forms, P(PATH_DOT)),
    RMC_CASE("register.path_forward_slashes", "A locked file registered with '/' separators: is its locker found?",
             "§18", "probe", .exports = S_LIST, .needs = RMC_CAP_HANDLE_ENUM, .body = path_forms, P(PATH_SLASHES)),
    RMC_CASE("register.path_relative", "A locked file registered by a path relative to the current directory",
             "§18", "probe", .exports = S_LIST, .needs = RMC_CAP_HANDLE_ENUM, .body = path_forms, P(PATH_RELATIVE)),
    RMC_CASE("register.missing_file", "A registered file that does not exist is accepted (0) and never listed", "§21.2", "obs",
             .exports = S_LIST, .body = missing_resource, P(MISSING_FILE)),
    RMC_CASE("register.unknown_service", "Registering a service name the SCM does not know, then RmGetList", "§8.4", "probe",
             .exports = S_LIST, .body = missing_resource, P(MISSING_SERVICE)),
    RMC_CASE("register.dead_process", "Registering the RM_UNIQUE_PROCESS of a process that has exited, then RmGetList", "§8.4", "probe",
             .exports = S_LIST, .body = missing_resource, P(DEAD_PROCESS)),
    RMC_CASE("register.wrong_start_time", "Registering a live PID with a start time one second off: is the process listed?", "§5.1", "probe",
             .exports = S_LIST, .body = missing_resource, P(WRONG_START_TIME)),
    RMC_CASE("register.mostly_missing_2000", "2000 files in one call, 1999 of them missing: 0, and the held one's locker is listed",
             "§21.2", "obs", .exports = S_LIST, .needs = RMC_CAP_HANDLE_ENUM, .timeout_s = 60, .body = mostly_missing),
    RMC_CASE("register.zero_files_non_null_array", "nFiles = 0 with a non-NULL array and nothing else: 0, then an empty list",
             "§21.3", "obs", .exports = S_LIST, .body = zero_files_non_null_array),
    RMC_CASE("register.null_element", "A NULL element among rgsFileNames (§21.4, medium: ignored natively, the others stay registered)",
             "§21.4", "probe", .exports = S_LIST, .needs = RMC_CAP_HANDLE_ENUM, .body = null_element),
    RMC_CASE("register.after_end_invalid_handle", "RmRegisterResources after RmEndSession fails (the exact code is recorded)",
             "§7.7", "probe", .exports = RMX(StartSession) | RMX(EndSession) | RMX(RegisterResources), .body = after_end),
};
RMC_AREA_COUNT(register);

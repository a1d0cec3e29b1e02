/* detect.c — who RmGetList finds and how it describes them: a file held open (exclusively or
 * shared), a loaded module, a running image, a registered process, a registered service, a child
 * holding the same file, a registered directory; ApplicationType per fixture shape and the
 * other RM_PROCESS_INFO fields. Spec §4.1, §4.2, §5.2, §8.4, §8.5, §10.3, §11.1. */
#include "rmcase.h"
#include "fixture.h"
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#define S_LIST (RMX(StartSession) | RMX(EndSession) | RMX(RegisterResources) | RMX(GetList))
#define STOPPED_BITS (RmStatusStopped | RmStatusStoppedOther | RmStatusRestarted | RmStatusErrorOnStop | RmStatusErrorOnRestart)

/* The documented retry loop (§9) into a guarded buffer; fails the case unless it succeeds. */
static UINT full_list(DWORD h, RM_PROCESS_INFO **apps)
{
    UINT n = 0;
    DWORD rc = rmc_get_list_all(h, apps, &n, NULL);
    check_rc("RmGetList", rc, ERROR_SUCCESS);
    rmc_obs_int("list.count", n);
    return n;
}

static const RM_PROCESS_INFO *find_pid(const RM_PROCESS_INFO *apps, UINT count, DWORD pid)
{
    for (UINT i = 0; i < count; i++)
        if (apps[i].Process.dwProcessId == pid) return &apps[i];
    return NULL;
}

#define NO_PRECONDITION (-1)

/* The entry RmGetList returns for pid. When there is none, first the precondition `pre` (an
 * enum rmc_detection: that this kind of use is detected at all, checked directly; `blocked`
 * otherwise), then the case fails naming what it found. */
static RM_PROCESS_INFO entry_for(DWORD h, DWORD pid, const char *what, int pre)
{
    RM_PROCESS_INFO *apps;
    UINT count = full_list(h, &apps);
    const RM_PROCESS_INFO *e = find_pid(apps, count, pid);
    if (!e && pre != NO_PRECONDITION) rmc_require_detection((enum rmc_detection)pre);
    char seen[256] = "";
    for (UINT i = 0; i < count && strlen(seen) < sizeof(seen) - 16; i++)
        snprintf(seen + strlen(seen), sizeof(seen) - strlen(seen), "%s%lu", i ? ", " : "", apps[i].Process.dwProcessId);
    check(e != NULL, "RmGetList does not list pid %lu (%s); it lists %u: [%s]", pid, what, count, seen);
    return *e;
}

static int same_start(const RM_UNIQUE_PROCESS *a, const RM_UNIQUE_PROCESS *b)
{
    return a->ProcessStartTime.dwLowDateTime == b->ProcessStartTime.dwLowDateTime &&
           a->ProcessStartTime.dwHighDateTime == b->ProcessStartTime.dwHighDateTime;
}

static void obs_entry(const RM_PROCESS_INFO *e)
{
    rmc_obs_int("ApplicationType", e->ApplicationType);
    rmc_obs_hex("AppStatus", e->AppStatus);
    rmc_obs_wstr("strAppName", e->strAppName, CCH_RM_MAX_APP_NAME + 1);
    rmc_obs_bool("bRestartable", e->bRestartable);
}

static DWORD session_with_process(fixture_app *app)
{
    DWORD h = rmc_session_start(NULL);
    RM_UNIQUE_PROCESS procs[] = {fixture_app_unique_process(app)};
    check_rc("RmRegisterResources(process)", pRmRegisterResources(h, 0, NULL, 1, procs, 0, NULL), ERROR_SUCCESS);
    return h;
}

/* ---- what makes a process "use" a resource ------------------------------------------------------- */

enum holder { HOLD_LOCK, HOLD_OPEN, HOLD_MODULE, HOLD_IMAGE, HOLD_PROCESS };

static void found(void **state)
{
    enum holder how = (enum holder)(ULONG_PTR)*state;
    WCHAR file[MAX_PATH];
    fixture_app *app;
    DWORD h;
    switch (how) {
    case HOLD_LOCK:
        rmc_case_file(file, L"locked.bin", 1);
        app = fixture_app_start(L"--window none --lock \"%ls\"", file);
        h = rmc_session_with_file(file);
        break;
    case HOLD_OPEN:
        rmc_case_file(file, L"opened.bin", 1);
        app = fixture_app_start(L"--window none --open \"%ls\"", file);
        h = rmc_session_with_file(file);
        break;
    case HOLD_MODULE:
        fixture_module_copy(file, L"detect-module.dll");
        app = fixture_app_start(L"--window none --load-module \"%ls\"", file);
        h = rmc_session_with_file(file);
        break;
    case HOLD_IMAGE:
        /* Microsoft's sample registers calc.exe to find the running Calculator. */
        _snwprintf(file, MAX_PATH, L"%lsrmfx-app.exe", rmc_bin_dir());
        app = fixture_app_start(L"--window none");
        h = rmc_session_with_file(file);
        break;
    default:
        app = fixture_app_start(L"--window none");
        h = session_with_process(app);
        break;
    }
    RM_UNIQUE_PROCESS want = fixture_app_unique_process(app);
    /* Each of these is the direct check of one kind of use, except a shared open, which is
     * judged only once a plain locked file is detected (detect.locked_file). */
    RM_PROCESS_INFO e = entry_for(h, want.dwProcessId, "the fixture using the registered resource",
                                  how == HOLD_OPEN ? RMC_DETECT_LOCKED_FILE : NO_PRECONDITION);
    obs_entry(&e);
    check(same_start(&e.Process, &want), "the entry for pid %lu has start time 0x%08lx%08lx, the process started at 0x%08lx%08lx",
          want.dwProcessId, e.Process.ProcessStartTime.dwHighDateTime, e.Process.ProcessStartTime.dwLowDateTime,
          want.ProcessStartTime.dwHighDateTime, want.ProcessStartTime.dwLowDateTime);
}

static void child_same_file(void **state)
{
    WCHAR file[MAX_PATH];
    rmc_case_file(file, L"parent-and-child.bin", 1);
    fixture_app *app = fixture_app_start(L"--window none --child --lock \"%ls\"", file);
    DWORD h = rmc_session_with_file(file), child = fixture_app_child_pid(app);
    check(child != 0, "the fixture reported no child");
    RM_PROCESS_INFO *apps;
    UINT count = full_list(h, &apps);
    if (!find_pid(apps, count, fixture_app_pid(app))) rmc_require_detection(RMC_DETECT_LOCKED_FILE);
    check(find_pid(apps, count, fixture_app_pid(app)) != NULL, "the parent (pid %lu) holding the file is not listed",
          fixture_app_pid(app));
    const RM_PROCESS_INFO *c = find_pid(apps, count, child);
    check(c != NULL, "the child (pid %lu) holding the same file through an inherited handle is not listed", child);
    RM_UNIQUE_PROCESS want = fixture_unique_process(child);
    check(same_start(&c->Process, &want), "the child's entry has the wrong start time");
}

static void directory_access_denied(void **state)
{
    WCHAR dir[MAX_PATH];
    rmc_case_file(dir, L"a-directory", 0);
    check(CreateDirectoryW(dir, NULL), "CreateDirectory failed: %s", rmc_rc_str(GetLastError()));
    DWORD h = rmc_session_with_file(dir);
    UINT *needed = rmc_guard_alloc(sizeof(UINT), "RmGetList pnProcInfoNeeded");
    UINT *count = rmc_guard_alloc(sizeof(UINT), "RmGetList pnProcInfo");
    DWORD *reasons = rmc_guard_alloc(sizeof(DWORD), "RmGetList lpdwRebootReasons");
    *count = 0;
    check_rc("RmGetList(a directory registered)", pRmGetList(h, needed, count, NULL, reasons), ERROR_ACCESS_DENIED);
}

static void list_recomputed(void **state)
{
    WCHAR file[MAX_PATH];
    rmc_case_file(file, L"held-then-free.bin", 1);
    fixture_app *app = fixture_app_start(L"--window none --lock \"%ls\"", file);
    DWORD h = rmc_session_with_file(file), pid = fixture_app_pid(app);
    entry_for(h, pid, "while it holds the file", RMC_DETECT_LOCKED_FILE);
    fixture_app_stop(app);
    RM_PROCESS_INFO *apps;
    UINT count = full_list(h, &apps);
    const RM_PROCESS_INFO *e = find_pid(apps, count, pid);
    rmc_obs_bool("listed_after_exit", e != NULL);
    if (e) rmc_obs_hex("AppStatus_after_exit", e->AppStatus);
    /* Recomputed (§8.5): the process no longer uses the file. It may vanish, or stay listed as
     * stopped by something other than RM (RmStatusStoppedOther, §4.2) — never as running. */
    check(!e || ((e->AppStatus & RmStatusStoppedOther) && !(e->AppStatus & RmStatusRunning)),
          "pid %lu is still listed after it exited, with AppStatus 0x%lx (not RmStatusStoppedOther): the list is not recomputed",
          pid, e ? e->AppStatus : 0);
}

/* ---- ApplicationType per shape (§11.1) ------------------------------------------------------------------ */

typedef struct shape {
    const WCHAR *image, *options;
    int expect;           /* documented type, or -1: recorded only */
} shape;

static const shape shape_main = { L"rmfx-app.exe", L"--window main", RmMainWindow };
static const shape shape_console = { L"rmfx-con.exe", L"", RmConsole };
static const shape shape_hidden = { L"rmfx-app.exe", L"--window hidden", -1 };
static const shape shape_other = { L"rmfx-app.exe", L"--window other", -1 };
static const shape shape_windowless = { L"rmfx-app.exe", L"--window none", -1 };

static void app_type(void **state)
{
    const shape *s = *state;
    fixture_app *app = !wcscmp(s->image, L"rmfx-con.exe") ? fixture_app_start(L"--console %ls", s->options)
                                                          : fixture_app_start_image(s->image, L"%ls", s->options);
    DWORD h = session_with_process(app);
    RM_PROCESS_INFO e = entry_for(h, fixture_app_pid(app), "the registered process", RMC_DETECT_PROCESS);
    obs_entry(&e);
    if (s->expect >= 0)
        check(e.ApplicationType == (RM_APP_TYPE)s->expect, "ApplicationType is %d, expected %d", e.ApplicationType, s->expect);
}

/* ---- the other fields of RM_PROCESS_INFO (§5.2) ----------------------------------------------------------- */

enum field { F_APP_NAME, F_TS_SESSION, F_STATUS, F_RESTARTABLE, F_SERVICE_NAME };

static void app_field(void **state)
{
    enum field which = (enum field)(ULONG_PTR)*state;
    fixture_app *app = fixture_app_start(L"--window none");
    DWORD h = session_with_process(app), pid = fixture_app_pid(app);
    RM_PROCESS_INFO e = entry_for(h, pid, "the registered process", RMC_DETECT_PROCESS);
    obs_entry(&e);
    switch (which) {
    case F_APP_NAME: {
        size_t len = wcsnlen(e.strAppName, CCH_RM_MAX_APP_NAME + 1);
        check(len > 0 && len <= CCH_RM_MAX_APP_NAME, "strAppName has %zu characters before its NUL (expected 1..255)", len);
        break;
    }
    case F_TS_SESSION: {
        DWORD sid = (DWORD)RM_INVALID_TS_SESSION;
        BOOL ok = ProcessIdToSessionId(pid, &sid);
        rmc_obs_int("TSSessionId", (long long)(LONG)e.TSSessionId);
        rmc_obs_int("ProcessIdToSessionId", ok ? (long long)sid : -1);
        check(e.TSSessionId == (ok ? sid : (DWORD)RM_INVALID_TS_SESSION),
              "TSSessionId is %ld, the process runs in session %ld", (long)e.TSSessionId, ok ? (long)sid : -1L);
        break;
    }
    case F_STATUS:
        check((e.AppStatus & RmStatusRunning) && !(e.AppStatus & STOPPED_BITS),
              "AppStatus of a running process nothing was done to is 0x%lx", e.AppStatus);
        break;
    case F_RESTARTABLE:
        break;   /* recorded by obs_entry: a process never registered for restart */
    case F_SERVICE_NAME:
        rmc_obs_wstr("strServiceShortName", e.strServiceShortName, CCH_RM_MAX_SVC_NAME + 1);
        rmc_obs_bool("strServiceShortName.empty", e.strServiceShortName[0] == 0);
        break;
    }
}

/* ---- services (§10.3, §11.1) ---------------------------------------------------------------------------- */

enum svc_check { SVC_TYPE, SVC_DISPLAY, SVC_RESTARTABLE, SVC_TS_SESSION, SVC_BY_FILE };

static void service_entry(void **state)
{
    enum svc_check which = (enum svc_check)(ULONG_PTR)*state;
    WCHAR file[MAX_PATH];
    fixture_service *svc;
    DWORD h = rmc_session_start(NULL);
    if (which == SVC_BY_FILE) {
        rmc_case_file(file, L"service-held.bin", 1);
        svc = fixture_service_install(L"detect", L"--lock \"%ls\"", file);
        fixture_service_start(svc);
        fixture_service_wait_line(svc, "SERVICE_RUNNING", 1, 10000);
        LPCWSTR files[] = {file};
        check_rc("RmRegisterResources(the service's file)", pRmRegisterResources(h, 1, files, 0, NULL, 0, NULL), ERROR_SUCCESS);
    } else {
        svc = fixture_service_install(L"detect", L"");
        fixture_service_start(svc);
        LPCWSTR names[] = {fixture_service_name(svc)};
        check_rc("RmRegisterResources(service)", pRmRegisterResources(h, 0, NULL, 0, NULL, 1, names), ERROR_SUCCESS);
    }
    DWORD pid = fixture_service_pid(svc);
    check(pid != 0, "the SCM reports no process for the running fixture service");
    RM_PROCESS_INFO e = entry_for(h, pid, "the fixture service's process",
                                  which == SVC_BY_FILE ? RMC_DETECT_LOCKED_FILE : NO_PRECONDITION);
    /* The service's names carry the run id: recorded as comparisons, not as text. */
    rmc_obs_int("ApplicationType", e.ApplicationType);
    rmc_obs_hex("AppStatus", e.AppStatus);
    rmc_obs_bool("bRestartable", e.bRestartable);
    rmc_obs_bool("strServiceShortName_is_name", !wcscmp(e.strServiceShortName, fixture_service_name(svc)));
    rmc_obs_bool("strAppName_is_name", !wcscmp(e.strAppName, fixture_service_name(svc)));
    switch (which) {
    case SVC_TYPE:
    case SVC_BY_FILE:
        check(e.ApplicationType == RmService, "ApplicationType of a service is %d, expected RmService (3)", e.ApplicationType);
        check(!wcscmp(e.strServiceShortName, fixture_service_name(svc)), "strServiceShortName is '%ls', expected '%ls'",
              e.strServiceShortName, fixture_service_name(svc));
        break;
    case SVC_DISPLAY: {
        WCHAR display[256] = L"";
        DWORD len = 256;
        SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
        BOOL ok = scm && GetServiceDisplayNameW(scm, fixture_service_name(svc), display, &len);
        if (scm) CloseServiceHandle(scm);
        check(ok, "GetServiceDisplayName failed: %s", rmc_rc_str(GetLastError()));
        check(!wcscmp(e.strAppName, display), "strAppName of a service is '%ls', expected its display name '%ls'",
              e.strAppName, display);
        break;
    }
    case SVC_RESTARTABLE:
        check(e.bRestartable, "bRestartable of a service is FALSE; it is documented always TRUE for services");
        break;
    case SVC_TS_SESSION:
        rmc_obs_int("TSSessionId", (long long)(LONG)e.TSSessionId);
        break;
    }
}

#define P(x) .param = (const void *)(ULONG_PTR)(x)
#define SVC (RMC_CAP_SERVICES)

const rmc_case rmc_cases_detect[] = {
    RMC_CASE("detect.locked_file", "A process holding the registered file exclusively is listed with its PID and start time",
             "§8.5", "doc", .exports = S_LIST, .needs = RMC_CAP_HANDLE_ENUM, .body = found, P(HOLD_LOCK)),
    RMC_CASE("detect.shared_open_file", "A process holding the registered file open with full sharing is listed",
             "§8.5", "doc", .exports = S_LIST, .needs = RMC_CAP_HANDLE_ENUM, .body = found, P(HOLD_OPEN)),
    RMC_CASE("detect.loaded_module", "A process that loaded the registered DLL is listed", "§13.2", "doc",
             .exports = S_LIST, .body = found, P(HOLD_MODULE)),
    RMC_CASE("detect.running_image", "A process running the registered executable is listed", "§13.2", "doc",
             .exports = S_LIST, .body = found, P(HOLD_IMAGE)),
    RMC_CASE("detect.registered_process", "A process registered by RM_UNIQUE_PROCESS is listed with its start time", "§8.4", "doc",
             .exports = S_LIST, .body = found, P(HOLD_PROCESS)),
    RMC_CASE("detect.child_same_file", "A parent and the child that inherited its handle to the file are both listed",
             "§8.5", "doc", .exports = S_LIST, .needs = RMC_CAP_HANDLE_ENUM, .body = child_same_file),
    /* §15: documented (2024) and observed for Windows 8 and later; UNCONFIRMED on Vista and 7. */
    RMC_CASE("detect.directory_access_denied", "A registered directory makes RmGetList return ERROR_ACCESS_DENIED",
             "§8.5", "doc", .os = RMC_OS(WIN8) | RMC_OS(WIN10) | RMC_OS(WIN11), .exports = S_LIST, .body = directory_access_denied),
    RMC_CASE("detect.list_recomputed", "A process that held the file and exited is no longer listed as running (recomputed each call)",
             "§8.5", "doc", .exports = S_LIST, .needs = RMC_CAP_HANDLE_ENUM, .body = list_recomputed),
    RMC_CASE("detect.type_main_window", "A stand-alone process with a shown top-level window is RmMainWindow", "§11.1", "doc",
             .exports = S_LIST, .needs = RMC_CAP_WINDOWS, .body = app_type, .param = &shape_main),
    RMC_CASE("detect.type_console", "A console-subsystem process with its own console is RmConsole", "§11.1", "doc",
             .exports = S_LIST, .body = app_type, .param = &shape_console),
    RMC_CASE("detect.type_hidden_window", "ApplicationType of a process whose only top-level window is never shown", "§11.1", "probe",
             .exports = S_LIST, .needs = RMC_CAP_WINDOWS, .body = app_type, .param = &shape_hidden),
    RMC_CASE("detect.type_tool_window", "ApplicationType of a process whose only window is a WS_EX_TOOLWINDOW popup", "§11.1", "probe",
             .exports = S_LIST, .needs = RMC_CAP_WINDOWS, .body = app_type, .param = &shape_other),
    RMC_CASE("detect.type_windowless", "ApplicationType of a GUI-subsystem process without any window", "§11.1", "probe",
             .exports = S_LIST, .body = app_type, .param = &shape_windowless),
    RMC_CASE("detect.app_name_filled", "strAppName of an application is filled and NUL-terminated within 256 characters",
             "§5.2", "doc", .exports = S_LIST, .body = app_field, P(F_APP_NAME)),
    RMC_CASE("detect.ts_session_id", "TSSessionId is the process's Terminal Services session", "§5.2", "doc",
             .exports = S_LIST, .body = app_field, P(F_TS_SESSION)),
    RMC_CASE("detect.status_running", "AppStatus of a running process nothing was done to has RmStatusRunning and no stop/restart bits",
             "§4.2", "doc", .exports = S_LIST, .body = app_field, P(F_STATUS)),
    RMC_CASE("detect.restartable_unregistered", "bRestartable of an application never registered for restart", "§5.2", "probe",
             .exports = S_LIST, .body = app_field, P(F_RESTARTABLE)),
    RMC_CASE("detect.service_name_for_application", "strServiceShortName of an entry that is not a service", "§5.2", "probe",
             .exports = S_LIST, .body = app_field, P(F_SERVICE_NAME)),
    RMC_CASE("detect.service_type_and_name", "A registered service is listed as RmService with its short name", "§11.1", "doc",
             .exports = S_LIST, .needs = SVC, .timeout_s = 60, .body = service_entry, P(SVC_TYPE)),
    RMC_CASE("detect.service_display_name", "strAppName of a service is its display name", "§5.2", "doc",
             .exports = S_LIST, .needs = SVC, .timeout_s = 60, .body = service_entry, P(SVC_DISPLAY)),
    RMC_CASE("detect.service_restartable", "bRestartable of a service is TRUE", "§5.2", "doc",
             .exports = S_LIST, .needs = SVC, .timeout_s = 60, .body = service_entry, P(SVC_RESTARTABLE)),
    RMC_CASE("detect.service_ts_session", "TSSessionId of a service entry", "§5.2", "probe",
             .exports = S_LIST, .needs = SVC, .timeout_s = 60, .body = service_entry, P(SVC_TS_SESSION)),
    RMC_CASE("detect.service_by_file", "A service holding a registered file is listed as RmService with its short name", "§11.1", "doc",
             .exports = S_LIST, .needs = SVC | RMC_CAP_HANDLE_ENUM, .timeout_s = 60, .body = service_entry, P(SVC_BY_FILE)),
};
RMC_AREA_COUNT(detect);

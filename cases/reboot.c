/* reboot.c — reboot reasons: the caller itself using a registered resource (DetectedSelf,
 * RmCritical), RmShutdown once a reason is set, critical processes and services, and the
 * permission and session boundaries where this platform can produce them.
 * Spec §3, §4.1, §4.3, §8.4, §8.6, §10.7, §11.2, §12, §17 item 15. */
#include "rmcase.h"
#include "fixture.h"
#include <aclapi.h>
#include <tlhelp32.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#define S_LIST (RMX(StartSession) | RMX(EndSession) | RMX(RegisterResources) | RMX(GetList))
#define WAIT_MS 10000u

/* The documented retry loop (§9) into a guarded buffer; fails the case unless it succeeds. */
static UINT full_list(DWORD h, RM_PROCESS_INFO **apps, DWORD *reasons)
{
    UINT n = 0;
    DWORD rc = rmc_get_list_all(h, apps, &n, reasons);
    check_rc("RmGetList", rc, ERROR_SUCCESS);
    rmc_obs_int("list.count", n);
    rmc_obs_hex("reasons", *reasons);
    return n;
}

static const RM_PROCESS_INFO *find_pid(const RM_PROCESS_INFO *apps, UINT count, DWORD pid)
{
    for (UINT i = 0; i < count; i++)
        if (apps[i].Process.dwProcessId == pid) return &apps[i];
    return NULL;
}

static int start_time_of(DWORD pid, RM_UNIQUE_PROCESS *out)
{
    FILETIME exited, kernel, user;
    HANDLE p = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
    out->dwProcessId = pid;
    BOOL ok = p && GetProcessTimes(p, &out->ProcessStartTime, &exited, &kernel, &user);
    if (p) CloseHandle(p);
    return ok;
}

static void close_handle(void *h) { CloseHandle(h); }
static void free_library(void *m) { FreeLibrary(m); }

/* ---- the caller itself (§4.1, §4.3, §8.4) ------------------------------------------------------------ */

enum self_use { SELF_FILE, SELF_PROCESS, SELF_MODULE };

/* Registers something the case process itself uses; returns the session. */
static DWORD session_using_self(enum self_use how)
{
    DWORD h = rmc_session_start(NULL);
    WCHAR file[MAX_PATH];
    LPCWSTR files[] = {file};
    RM_UNIQUE_PROCESS me;
    switch (how) {
    case SELF_FILE: {
        rmc_case_file(file, L"held-by-the-caller.bin", 1);
        HANDLE f = CreateFileW(file, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                               OPEN_EXISTING, 0, NULL);
        check(f != INVALID_HANDLE_VALUE, "CreateFile failed: %s", rmc_rc_str(GetLastError()));
        rmc_defer(close_handle, f);
        check_rc("RmRegisterResources(a file the caller holds)", pRmRegisterResources(h, 1, files, 0, NULL, 0, NULL), ERROR_SUCCESS);
        break;
    }
    case SELF_PROCESS:
        check(start_time_of(GetCurrentProcessId(), &me), "GetProcessTimes(self) failed: %s", rmc_rc_str(GetLastError()));
        check_rc("RmRegisterResources(the caller's process)", pRmRegisterResources(h, 0, NULL, 1, &me, 0, NULL), ERROR_SUCCESS);
        break;
    case SELF_MODULE: {
        fixture_module_copy(file, L"loaded-by-the-caller.dll");
        HMODULE m = LoadLibraryW(file);
        check(m != NULL, "LoadLibrary failed: %s", rmc_rc_str(GetLastError()));
        rmc_defer(free_library, m);
        check_rc("RmRegisterResources(a DLL the caller loaded)", pRmRegisterResources(h, 1, files, 0, NULL, 0, NULL), ERROR_SUCCESS);
        break;
    }
    }
    return h;
}

typedef struct self_param { enum self_use how; int what; } self_param;
enum { SELF_REASON, SELF_CRITICAL, SELF_RESTARTABLE };

static void detected_self(void **state)
{
    const self_param *p = *state;
    DWORD h = session_using_self(p->how), reasons = 0;
    RM_PROCESS_INFO *apps;
    UINT count = full_list(h, &apps, &reasons);
    const RM_PROCESS_INFO *me = find_pid(apps, count, GetCurrentProcessId());
    if (me) {
        rmc_obs_int("self.ApplicationType", me->ApplicationType);
        rmc_obs_bool("self.bRestartable", me->bRestartable);
    }
    rmc_obs_bool("self_listed", me != NULL);
    /* Not listed at all: first the precondition that this kind of use is detected at all. */
    if (!me && (p->what != SELF_REASON || !(reasons & RmRebootReasonDetectedSelf))) {
        if (p->how == SELF_FILE) rmc_require_detection(RMC_DETECT_LOCKED_FILE);
        else if (p->how == SELF_PROCESS) rmc_require_detection(RMC_DETECT_PROCESS);
    }
    switch (p->what) {
    case SELF_REASON:
        check(reasons & RmRebootReasonDetectedSelf, "reboot reasons are 0x%lx, without RmRebootReasonDetectedSelf (0x10)", reasons);
        break;
    case SELF_CRITICAL:
        check(me != NULL, "the caller (pid %lu) is not among the %u entries", GetCurrentProcessId(), count);
        check(me->ApplicationType == RmCritical, "the caller's ApplicationType is %d, expected RmCritical (1000)", me->ApplicationType);
        break;
    default:
        break;   /* recorded above */
    }
}

static const self_param self_file_reason = { SELF_FILE, SELF_REASON };
static const self_param self_file_critical = { SELF_FILE, SELF_CRITICAL };
static const self_param self_file_restartable = { SELF_FILE, SELF_RESTARTABLE };
static const self_param self_process_reason = { SELF_PROCESS, SELF_REASON };
static const self_param self_process_critical = { SELF_PROCESS, SELF_CRITICAL };
static const self_param self_module_reason = { SELF_MODULE, SELF_REASON };

static void none_for_own_app(void **state)
{
    fixture_app *app = fixture_app_start(L"--window none");
    DWORD h = rmc_session_start(NULL), reasons = 0;
    RM_UNIQUE_PROCESS procs[] = {fixture_app_unique_process(app)};
    check_rc("RmRegisterResources(process)", pRmRegisterResources(h, 0, NULL, 1, procs, 0, NULL), ERROR_SUCCESS);
    RM_PROCESS_INFO *apps;
    UINT count = full_list(h, &apps, &reasons);
    check(find_pid(apps, count, fixture_app_pid(app)) != NULL, "the registered fixture is not listed");
    check(reasons == RmRebootReasonNone, "reboot reasons are 0x%lx for one ordinary application of the caller's own session", reasons);
}

/* ---- RmShutdown once a reason is set (§8.6, §11.2, §17 item 15) ------------------------------------------ */

typedef struct shutdown_param { ULONG flags; int assert_untouched; } shutdown_param;
static const shutdown_param shutdown_plain_probe = { 0, 0 };
static const shutdown_param shutdown_force_probe = { RmForceShutdown, 0 };
static const shutdown_param shutdown_untouched = { 0, 1 };

/* RmShutdown on a worker thread: a RmShutdown that goes ahead in spite of the reboot reason is
 * seen the moment it reaches the fixture. Waiting for it to return would not do: it then also
 * has the caller itself to shut down, which cannot exit while it waits in RmShutdown, so the
 * call only returns after the hung-app timeout (30 s by default: the case's whole watchdog). */
typedef struct shutdown_call { DWORD h; ULONG flags; DWORD rc; } shutdown_call;

static DWORD WINAPI shutdown_thread(void *arg)
{
    shutdown_call *c = arg;
    c->rc = pRmShutdown(c->h, c->flags, NULL);
    return 0;
}

/* The caller and a cooperative window fixture both hold the registered file; the caller cannot
 * be shut down, so RmGetList reports DetectedSelf. */
static void shutdown_after_reason(void **state)
{
    const shutdown_param *p = *state;
    WCHAR file[MAX_PATH];
    DWORD h = session_using_self(SELF_FILE), reasons = 0;
    rmc_case_file(file, L"held-by-the-caller.bin", 0);
    fixture_app *app = fixture_app_start(L"--window main --on-query accept --on-endsession exit --open \"%ls\"", file);
    RM_PROCESS_INFO *apps;
    full_list(h, &apps, &reasons);
    if (reasons == RmRebootReasonNone) rmc_require_detection(RMC_DETECT_LOCKED_FILE);
    require(reasons != RmRebootReasonNone, "reboot.detected_self_file",
            "RmGetList reports no reboot reason although the caller holds the registered file");

    shutdown_call call = { h, p->flags, 0 };
    HANDLE t = CreateThread(NULL, 0, shutdown_thread, &call, 0, NULL);
    check(t != NULL, "CreateThread failed: %s", rmc_rc_str(GetLastError()));
    rmc_defer(close_handle, t);
    /* Until RmShutdown returns or the fixture is reached (or WAIT_MS passed). */
    ULONGLONG end = GetTickCount64() + WAIT_MS;
    int returned = 0, exited = 0;
    size_t queries = 0;
    for (;;) {
        returned = WaitForSingleObject(t, 20) == WAIT_OBJECT_0;
        queries = fixture_journal_count(fixture_app_journal(app), "WM_QUERYENDSESSION", 0);
        exited = fixture_app_wait_exit(app, 0, NULL);
        if (returned || queries || exited || GetTickCount64() >= end) break;
    }
    if (!p->assert_untouched) {
        if (!returned) WaitForSingleObject(t, INFINITE);
        rmc_obs_rc("RmShutdown", call.rc);
        exited = fixture_app_wait_exit(app, 500, NULL);
        rmc_obs_bool("fixture_exited", exited);
        rmc_obs_int("fixture.WM_QUERYENDSESSION",
                    (long long)fixture_journal_count(fixture_app_journal(app), "WM_QUERYENDSESSION", 0));
        return;
    }
    /* §8.6 item 4, §3: with a reboot reason set, RmShutdown takes no action and returns
     * ERROR_FAIL_NOACTION_REBOOT (350, "no action taken"), detected before any application is
     * closed. */
    rmc_obs_bool("RmShutdown_returned", returned);
    rmc_obs_bool("fixture_exited", exited);
    rmc_obs_int("fixture.WM_QUERYENDSESSION", (long long)queries);
    check(returned || (!queries && !exited),
          "RmShutdown went ahead although RmGetList reported reboot reasons 0x%lx: while the call was still running the "
          "fixture holding the file %s; expected ERROR_FAIL_NOACTION_REBOOT (350) with nothing touched (§8.6 item 4)",
          reasons, exited ? "exited" : "received WM_QUERYENDSESSION");
    check(returned, "RmShutdown has not returned after %u ms although RmGetList reported reboot reasons 0x%lx; expected "
          "ERROR_FAIL_NOACTION_REBOOT (350) at once, before any application is touched (§8.6 item 4, §3)", WAIT_MS, reasons);
    rmc_obs_rc("RmShutdown", call.rc);
    exited = fixture_app_wait_exit(app, 500, NULL);
    queries = fixture_journal_count(fixture_app_journal(app), "WM_QUERYENDSESSION", 0);
    check(!exited && queries == 0, "RmShutdown returned %s after RmGetList reported reboot reasons 0x%lx, and the fixture was "
          "reached (exited %d, %zu WM_QUERYENDSESSION)", rmc_rc_str(call.rc), reasons, exited, queries);
    check_rc("RmShutdown(reboot reasons set)", call.rc, ERROR_FAIL_NOACTION_REBOOT);
}

static void detected_self_exact(void **state)
{
    /* §21.5 (native, strong): no reboot reason while nobody holds the file; once the caller
     * holds it (a plain handle, no sharing), exactly one entry, the caller, and the reasons are
     * exactly RmRebootReasonDetectedSelf. */
    WCHAR file[MAX_PATH];
    rmc_case_file(file, L"self-exact.bin", 1);
    DWORD h = rmc_session_with_file(file), reasons = 0;
    RM_PROCESS_INFO *apps;
    UINT count = full_list(h, &apps, &reasons);
    check(count == 0 && reasons == RmRebootReasonNone, "before the caller opens the file: %u entries, reasons 0x%lx; expected none",
          count, reasons);
    HANDLE f = CreateFileW(file, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    check(f != INVALID_HANDLE_VALUE, "CreateFile failed: %s", rmc_rc_str(GetLastError()));
    rmc_defer(close_handle, f);
    count = full_list(h, &apps, &reasons);
    const RM_PROCESS_INFO *me = find_pid(apps, count, GetCurrentProcessId());
    if (!me) rmc_require_detection(RMC_DETECT_LOCKED_FILE);
    check(count == 1 && me, "with the caller holding the file: %u entries, %s the caller (pid %lu); expected exactly the caller",
          count, me ? "including" : "without", GetCurrentProcessId());
    check(reasons == RmRebootReasonDetectedSelf, "reboot reasons are 0x%lx, expected exactly RmRebootReasonDetectedSelf (0x10)", reasons);
}

/* ---- critical processes and services (§12) ---------------------------------------------------------------- */

static const WCHAR *const critical_images[] = {
    L"smss.exe", L"csrss.exe", L"wininit.exe", L"logonui.exe", L"lsass.exe", L"services.exe", L"winlogon.exe",
};

/* A running process of the documented critical list whose start time can be read. */
static int find_critical_process(RM_UNIQUE_PROCESS *out, WCHAR name[MAX_PATH])
{
    HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    PROCESSENTRY32W pe = { .dwSize = sizeof(pe) };
    int found = 0;
    if (snap == INVALID_HANDLE_VALUE) return 0;
    for (BOOL ok = Process32FirstW(snap, &pe); ok && !found; ok = Process32NextW(snap, &pe))
        for (size_t i = 0; i < sizeof(critical_images) / sizeof(*critical_images) && !found; i++)
            if (!_wcsicmp(pe.szExeFile, critical_images[i]) && start_time_of(pe.th32ProcessID, out)) {
                wcscpy(name, pe.szExeFile);
                found = 1;
            }
    CloseHandle(snap);
    return found;
}

static void critical_process(void **state)
{
    RM_UNIQUE_PROCESS proc;
    WCHAR name[MAX_PATH];
    if (!find_critical_process(&proc, name))
        rmc_unsupported("no process of the documented critical list (smss, csrss, wininit, logonui, lsass, services, "
                        "winlogon) runs here with a readable start time");
    rmc_obs_wstr("process", name, MAX_PATH);
    DWORD h = rmc_session_start(NULL), reasons = 0;
    check_rc("RmRegisterResources(critical process)", pRmRegisterResources(h, 0, NULL, 1, &proc, 0, NULL), ERROR_SUCCESS);
    RM_PROCESS_INFO *apps;
    UINT count = full_list(h, &apps, &reasons);
    const RM_PROCESS_INFO *e = find_pid(apps, count, proc.dwProcessId);
    check(e != NULL, "the registered %ls (pid %lu) is not listed", name, proc.dwProcessId);
    rmc_obs_int("ApplicationType", e->ApplicationType);
    rmc_obs_bool("CriticalProcess_bit", (reasons & RmRebootReasonCriticalProcess) != 0);
    check(e->ApplicationType == RmCritical, "%ls is listed as ApplicationType %d, expected RmCritical (1000)", name, e->ApplicationType);
    check(reasons != RmRebootReasonNone, "no reboot reason although %ls cannot be shut down", name);
}

/* RpcSs running, with its process id; starts it when it is not (Wine starts it on demand, so it
 * may not be running yet); unsupported when that is not possible here. */
static DWORD rpcss_pid(void)
{
    SERVICE_STATUS_PROCESS ssp = { 0 };
    DWORD got = 0;
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
    SC_HANDLE s = scm ? OpenServiceW(scm, L"RpcSs", SERVICE_QUERY_STATUS | SERVICE_START) : NULL;
    if (!s && scm) s = OpenServiceW(scm, L"RpcSs", SERVICE_QUERY_STATUS);
    BOOL ok = s && QueryServiceStatusEx(s, SC_STATUS_PROCESS_INFO, (BYTE *)&ssp, sizeof(ssp), &got);
    DWORD start_error = 0;
    if (ok && ssp.dwCurrentState == SERVICE_STOPPED && !StartServiceW(s, 0, NULL)) start_error = GetLastError();
    for (int i = 0; ok && !start_error && ssp.dwCurrentState != SERVICE_RUNNING && i < 100; i++) {
        Sleep(100);
        ok = QueryServiceStatusEx(s, SC_STATUS_PROCESS_INFO, (BYTE *)&ssp, sizeof(ssp), &got);
    }
    if (s) CloseServiceHandle(s);
    if (scm) CloseServiceHandle(scm);
    if (!ok || ssp.dwCurrentState != SERVICE_RUNNING || !ssp.dwProcessId)
        rmc_unsupported("the documented critical service RpcSs is not running here and could not be started "
                        "(state %lu, pid %lu, StartService: %s)", ok ? ssp.dwCurrentState : 0, ssp.dwProcessId,
                        rmc_rc_str(start_error));
    return ssp.dwProcessId;
}

static void critical_service(void **state)
{
    /* §12: RpcSs is on the documented list of critical services. Which reason bit it sets
     * (CriticalService, or CriticalProcess for its host) is not documented: recorded; a reason
     * must be set (§11.2). */
    static const WCHAR rpcss[] = L"RpcSs";
    DWORD pid = rpcss_pid();
    DWORD h = rmc_session_start(NULL), reasons = 0;
    LPCWSTR names[] = {rpcss};
    check_rc("RmRegisterResources(RpcSs)", pRmRegisterResources(h, 0, NULL, 0, NULL, 1, names), ERROR_SUCCESS);
    RM_PROCESS_INFO *apps;
    UINT count = full_list(h, &apps, &reasons);
    const RM_PROCESS_INFO *e = find_pid(apps, count, pid);
    check(e != NULL, "the process hosting RpcSs (pid %lu) is not listed", pid);
    rmc_obs_int("ApplicationType", e->ApplicationType);
    rmc_obs_wstr("strServiceShortName", e->strServiceShortName, CCH_RM_MAX_SVC_NAME + 1);
    rmc_obs_bool("CriticalService_bit", (reasons & RmRebootReasonCriticalService) != 0);
    rmc_obs_bool("CriticalProcess_bit", (reasons & RmRebootReasonCriticalProcess) != 0);
    check(e->ApplicationType == RmCritical, "RpcSs is listed as ApplicationType %d, expected RmCritical (1000)", e->ApplicationType);
    check(reasons != RmRebootReasonNone, "no reboot reason although the critical service RpcSs cannot be shut down");
}

/* ---- permission and session boundaries (§10.7) -------------------------------------------------------------- */

static void permission_denied(void **state)
{
    fixture_app *app = fixture_app_start(L"--window none");
    DWORD pid = fixture_app_pid(app);
    /* Take the right to end it away from everyone: the DACL grants only SYNCHRONIZE and query. */
    EXPLICIT_ACCESSW ea = { .grfAccessPermissions = SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION,
                            .grfAccessMode = SET_ACCESS, .grfInheritance = NO_INHERITANCE };
    BuildTrusteeWithNameW(&ea.Trustee, L"EVERYONE");
    PACL acl = NULL;
    DWORD err = SetEntriesInAclW(1, &ea, NULL, &acl);
    if (!err) err = SetSecurityInfo(fixture_app_process(app), SE_KERNEL_OBJECT, DACL_SECURITY_INFORMATION, NULL, NULL, acl, NULL);
    if (acl) LocalFree(acl);
    if (err) rmc_unsupported("a process's DACL cannot be restricted here: %s", rmc_rc_str(err));
    HANDLE probe = OpenProcess(PROCESS_TERMINATE, FALSE, pid);
    if (probe) {
        CloseHandle(probe);
        rmc_unsupported("process DACLs are not enforced here: OpenProcess(PROCESS_TERMINATE) succeeded on a process whose DACL denies it");
    }
    rmc_obs_rc("OpenProcess(PROCESS_TERMINATE)", GetLastError());
    DWORD h = rmc_session_start(NULL), reasons = 0;
    RM_UNIQUE_PROCESS procs[] = {fixture_app_unique_process(app)};
    check_rc("RmRegisterResources(process)", pRmRegisterResources(h, 0, NULL, 1, procs, 0, NULL), ERROR_SUCCESS);
    RM_PROCESS_INFO *apps;
    UINT count = full_list(h, &apps, &reasons);
    const RM_PROCESS_INFO *e = find_pid(apps, count, pid);
    rmc_obs_bool("listed", e != NULL);
    if (e) rmc_obs_int("ApplicationType", e->ApplicationType);
    rmc_obs_bool("PermissionDenied_bit", (reasons & RmRebootReasonPermissionDenied) != 0);
}

static void session_mismatch(void **state)
{
    DWORD mine = 0, other = 0, seen = 0;
    RM_UNIQUE_PROCESS proc = { 0 };
    WCHAR name[MAX_PATH] = L"";
    check(ProcessIdToSessionId(GetCurrentProcessId(), &mine), "ProcessIdToSessionId(self) failed: %s", rmc_rc_str(GetLastError()));
    HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    PROCESSENTRY32W pe = { .dwSize = sizeof(pe) };
    for (BOOL ok = snap != INVALID_HANDLE_VALUE && Process32FirstW(snap, &pe); ok && !proc.dwProcessId; ok = Process32NextW(snap, &pe)) {
        DWORD sid;
        seen++;
        if (!pe.th32ProcessID || !ProcessIdToSessionId(pe.th32ProcessID, &sid) || sid == mine) continue;
        int critical = 0;
        for (size_t i = 0; i < sizeof(critical_images) / sizeof(*critical_images); i++)
            critical |= !_wcsicmp(pe.szExeFile, critical_images[i]);
        if (!critical && start_time_of(pe.th32ProcessID, &proc)) {
            other = sid;
            wcscpy(name, pe.szExeFile);
        }
    }
    if (snap != INVALID_HANDLE_VALUE) CloseHandle(snap);
    if (!proc.dwProcessId)
        rmc_unsupported("no openable, non-critical process of another Terminal Services session exists here "
                        "(%lu processes seen; this one runs in session %lu)", seen, mine);
    rmc_obs_wstr("process", name, MAX_PATH);
    rmc_obs_int("its_session", other);
    DWORD h = rmc_session_start(NULL), reasons = 0;
    check_rc("RmRegisterResources(process of another session)", pRmRegisterResources(h, 0, NULL, 1, &proc, 0, NULL), ERROR_SUCCESS);
    RM_PROCESS_INFO *apps;
    UINT count = full_list(h, &apps, &reasons);
    const RM_PROCESS_INFO *e = find_pid(apps, count, proc.dwProcessId);
    rmc_obs_bool("listed", e != NULL);
    if (e) rmc_obs_int("ApplicationType", e->ApplicationType);
    rmc_obs_bool("SessionMismatch_bit", (reasons & RmRebootReasonSessionMismatch) != 0);
    /* §21.7 (native, strong): listed as an entry and RmRebootReasonSessionMismatch set. */
    check(e != NULL, "the registered %ls of session %lu (pid %lu) is not listed", name, other, proc.dwProcessId);
    check(reasons & RmRebootReasonSessionMismatch, "reboot reasons are 0x%lx, without RmRebootReasonSessionMismatch (0x2)", reasons);
}

#define R(id_, title_, spec_, prov_, ...) RMC_CASE("reboot." id_, title_, spec_, prov_, __VA_ARGS__)

const rmc_case rmc_cases_reboot[] = {
    R("detected_self_file", "A registered file the caller holds open: RmRebootReasonDetectedSelf", "§4.3", "doc",
      .exports = S_LIST, .needs = RMC_CAP_HANDLE_ENUM, .body = detected_self, .param = &self_file_reason),
    R("detected_self_critical", "The caller, holding a registered file, is listed as RmCritical", "§4.1", "doc",
      .exports = S_LIST, .needs = RMC_CAP_HANDLE_ENUM, .body = detected_self, .param = &self_file_critical),
    R("detected_self_restartable", "bRestartable of the caller's own RmCritical entry", "§5.2", "probe",
      .exports = S_LIST, .needs = RMC_CAP_HANDLE_ENUM, .body = detected_self, .param = &self_file_restartable),
    R("detected_self_process", "The caller's own RM_UNIQUE_PROCESS registered: RmRebootReasonDetectedSelf", "§4.3", "doc",
      .exports = S_LIST, .body = detected_self, .param = &self_process_reason),
    R("detected_self_process_critical", "The caller's own RM_UNIQUE_PROCESS registered: listed as RmCritical", "§4.1", "doc",
      .exports = S_LIST, .body = detected_self, .param = &self_process_critical),
    R("detected_self_module", "A registered DLL the caller has loaded: RmRebootReasonDetectedSelf", "§4.3", "doc",
      .exports = S_LIST, .body = detected_self, .param = &self_module_reason),
    R("none_for_own_app", "An ordinary application of the caller's session and user: no reboot reason", "§4.3", "doc",
      .exports = S_LIST, .body = none_for_own_app),
    R("shutdown_after_reason", "What RmShutdown(0) returns after RmGetList reported DetectedSelf, and whether it touched the fixture",
      "§11.2", "probe", .exports = S_LIST | RMX(Shutdown), .needs = RMC_CAP_WINDOWS | RMC_CAP_HANDLE_ENUM,
      .body = shutdown_after_reason, .param = &shutdown_plain_probe),
    R("force_shutdown_after_reason", "What RmShutdown(RmForceShutdown) returns after a reboot reason (the claim of §17 item 15)",
      "§17", "probe", .exports = S_LIST | RMX(Shutdown), .needs = RMC_CAP_WINDOWS | RMC_CAP_HANDLE_ENUM,
      .body = shutdown_after_reason, .param = &shutdown_force_probe),
    R("noaction_reboot_touches_nothing", "After RmGetList reported a reboot reason, RmShutdown returns ERROR_FAIL_NOACTION_REBOOT and touches nothing",
      "§8.6", "doc", .exports = S_LIST | RMX(Shutdown), .needs = RMC_CAP_WINDOWS | RMC_CAP_HANDLE_ENUM,
      .body = shutdown_after_reason, .param = &shutdown_untouched),
    R("critical_process", "A registered process of the documented critical list is RmCritical with a reboot reason", "§12", "doc",
      .exports = S_LIST, .body = critical_process),
    R("detected_self_exact", "The caller holding the registered file: exactly one entry, the caller, reasons exactly DetectedSelf; none before",
      "§21.5", "obs", .exports = S_LIST, .needs = RMC_CAP_HANDLE_ENUM, .body = detected_self_exact),
    R("critical_service", "The registered service RpcSs is RmCritical with a reboot reason (which bit: recorded)", "§12", "doc",
      .exports = S_LIST, .needs = RMC_CAP_SERVICES, .body = critical_service),
    R("permission_denied", "A process whose DACL denies the caller PROCESS_TERMINATE: type and PermissionDenied bit", "§10.7", "probe",
      .exports = S_LIST, .body = permission_denied),
    R("session_mismatch", "A process of another Terminal Services session is listed and sets RmRebootReasonSessionMismatch", "§21.7", "obs",
      .exports = S_LIST, .body = session_mismatch),
};
RMC_AREA_COUNT(reboot);

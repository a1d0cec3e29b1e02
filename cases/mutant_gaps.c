/* mutant_gaps.c — cases for documented facts that `./rmc mutants` showed no case checks: a
 * mutant of rmref with exactly that defect survived the whole suite (mutants/README.md lists
 * them). Each case keeps its subject's area prefix in its id. */
#include "rmcase.h"
#include "fixture.h"
#include <string.h>
#include <tlhelp32.h>

/* §7.2: the key is the only credential, and the RmJoinSession page says RM functions cannot be
 * used without a valid key; a key is CCH_RM_SESSION_KEY (32) characters (§2). The first 31
 * characters of a live key are not that key, so the join must not succeed. (Which error code
 * native returns is UNCONFIRMED, §8.2: secondary.key_31_chars records it.) Mutant:
 * join.key_prefix_accepted. */
static void key_31_chars_refused(void **state)
{
    WCHAR key[CCH_RM_SESSION_KEY + 1];
    rmc_session_start(key);
    /* a 33-WCHAR buffer like a real key's, NUL from position 31 on */
    WCHAR *shorter = rmc_guard_alloc(sizeof(WCHAR) * (CCH_RM_SESSION_KEY + 1), "RmJoinSession strSessionKey (31 characters)");
    memset(shorter, 0, sizeof(WCHAR) * (CCH_RM_SESSION_KEY + 1));
    memcpy(shorter, key, sizeof(WCHAR) * (CCH_RM_SESSION_KEY - 1));
    rmc_obs_wstr("key", shorter, CCH_RM_SESSION_KEY);
    DWORD *handle = rmc_guard_alloc(sizeof(DWORD), "RmJoinSession pSessionHandle");
    *handle = 0xdeadbeef;
    DWORD rc = pRmJoinSession(handle, shorter);
    rmc_obs_rc("RmJoinSession(first 31 characters of the key)", rc);
    if (rc == ERROR_SUCCESS) rmc_session_end_later(*handle);
    check(rc != ERROR_SUCCESS, "RmJoinSession with the first 31 characters of a live session's key returned %s; "
          "a key that is not the session's must not join it", rmc_rc_str(rc));
}

/* §7.3: a handle names one open session; session.two_sessions_distinct starts two and compares
 * them, which an implementation numbering handles by the count of open sessions passes. Here a
 * session ends between starts, so such a numbering hands the third session the second's handle
 * while the second is still open. Mutant: session.handle_reused_while_live. */
static void handles_distinct_after_end(void **state)
{
    DWORD a = 0, b = 0, c = 0;
    WCHAR key_a[CCH_RM_SESSION_KEY + 1] = {0}, key_b[CCH_RM_SESSION_KEY + 1] = {0}, key_c[CCH_RM_SESSION_KEY + 1] = {0};
    check_rc("RmStartSession(A)", pRmStartSession(&a, 0, key_a), ERROR_SUCCESS);
    check_rc("RmStartSession(B)", pRmStartSession(&b, 0, key_b), ERROR_SUCCESS);
    rmc_session_end_later(b);
    check_rc("RmEndSession(A)", pRmEndSession(a), ERROR_SUCCESS);
    check_rc("RmStartSession(C)", pRmStartSession(&c, 0, key_c), ERROR_SUCCESS);
    rmc_session_end_later(c);
    rmc_obs_hex("handle.A", a);
    rmc_obs_hex("handle.B", b);
    rmc_obs_hex("handle.C", c);
    check(c != b, "RmStartSession gave the new session handle 0x%lx, which session B (still open) holds", c);
    /* and each handle still reaches its own session: B's RmGetList works after C started */
    UINT needed = 0, count = 0;
    DWORD reasons = 0;
    check_rc("RmGetList(B)", pRmGetList(b, &needed, &count, NULL, &reasons), ERROR_SUCCESS);
}

/* rmfx-app processes this process started (RmRestart's launches come from the caller under
 * rmref) other than `except`: they are terminated, and their number returned. A platform whose
 * RM launches from elsewhere is simply not seen here; the list check below still applies. */
static size_t end_children_running(const WCHAR *image, DWORD except)
{
    size_t n = 0;
    HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    if (snap == INVALID_HANDLE_VALUE) return 0;
    PROCESSENTRY32W pe = { sizeof pe };
    for (BOOL ok = Process32FirstW(snap, &pe); ok; ok = Process32NextW(snap, &pe)) {
        if (pe.th32ParentProcessID != GetCurrentProcessId() || pe.th32ProcessID == except ||
            _wcsicmp(pe.szExeFile, image))
            continue;
        n++;
        HANDLE h = OpenProcess(PROCESS_TERMINATE, FALSE, pe.th32ProcessID);
        if (h) { TerminateProcess(h, 1); CloseHandle(h); }
    }
    CloseHandle(snap);
    return n;
}

/* §10.5: RM restarts only applications registered for restart. restart.unregistered_app_not_restarted
 * counts the fixture's journal lines, but an instance RM starts without the registered command
 * line cannot know the journal, so that case misses it. Here: no entry of the list after
 * RmRestart claims RmStatusRestarted, and no new instance of the fixture's image runs. Mutant:
 * restart.unregistered_restarted. */
static void unregistered_not_restarted_at_all(void **state)
{
    WCHAR file[MAX_PATH];
    fixture_app *app = fixture_locker_start(file, L"unregistered-any.bin", L"--window main");
    DWORD pid = fixture_app_pid(app);
    DWORD h = rmc_session_with_file(file);
    rmc_list(h, "before");
    check(rmc_listed_pid(pid) != NULL, "before: RmGetList does not list the fixture (pid %lu)", pid);
    check_rc("RmShutdown", pRmShutdown(h, 0, NULL), ERROR_SUCCESS);
    check(fixture_app_wait_exit(app, 5000, NULL), "the fixture still runs after RmShutdown returned 0");
    rmc_obs_rc("RmRestart", pRmRestart(h, 0, NULL));
    Sleep(1000);
    RM_PROCESS_INFO *apps = NULL;
    UINT count = 0;
    DWORD reasons = 0;
    DWORD rc = rmc_get_list_all(h, &apps, &count, &reasons);
    rmc_obs_rc("after.RmGetList", rc);
    size_t restarted = 0;
    for (UINT i = 0; rc == ERROR_SUCCESS && i < count; i++)
        if (apps[i].AppStatus & RmStatusRestarted) {
            restarted++;
            rmc_obs_int("after.restarted_entry.pid", apps[i].Process.dwProcessId);
        }
    size_t children = end_children_running(L"rmfx-app.exe", pid);
    rmc_obs_int("after.new_instances", (long long)children);
    check(restarted == 0, "after RmRestart %zu entries claim RmStatusRestarted, but the only application was never registered for restart",
          restarted);
    check(children == 0, "after RmRestart %zu new rmfx-app.exe processes run: an application never registered for restart was started again",
          children);
}

const rmc_case rmc_cases_mutant_gaps[] = {
    RMC_CASE("join.key_31_chars_refused", "RmJoinSession with the first 31 characters of a live session's key does not join it",
             "§7.2", "doc", .exports = RMX(StartSession) | RMX(JoinSession) | RMX(EndSession), .body = key_31_chars_refused),
    RMC_CASE("session.handles_distinct_after_end", "A session started after another ended never gets the handle of a session still open",
             "§7.3", "doc", .exports = RMX(StartSession) | RMX(EndSession) | RMX(GetList), .body = handles_distinct_after_end),
    RMC_CASE("restart.unregistered_not_restarted_at_all", "After RmRestart no entry claims RmStatusRestarted and no new instance runs of an application never registered for restart",
             "§10.5", "doc", .exports = RMX(StartSession) | RMX(EndSession) | RMX(RegisterResources) | RMX(GetList) | RMX(Shutdown) | RMX(Restart),
             .needs = RMC_CAP_WINDOWS, .timeout_s = 60, .body = unregistered_not_restarted_at_all),
};
RMC_AREA_COUNT(mutant_gaps);

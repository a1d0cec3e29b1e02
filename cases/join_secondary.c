/* join_secondary.c — the secondary installer in its own process (rmfx-secondary): joining with
 * the primary's key, registering for the primary, leaving, keys that are not a session's, and
 * what a secondary may call on each Windows version. In-process joins are in join.c.
 * Spec §7.1, §7.7, §8.2, §8.3, §13.2, §15, §18. */
#include "rmcase.h"
#include "fixture.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define WAIT_MS 15000u

#define S_PRIMARY (RMX(StartSession) | RMX(EndSession))
#define S_JOIN (S_PRIMARY | RMX(JoinSession))

/* A well-formed key (32 hex digits) that no session is likely to have. */
static const WCHAR unknown_key[] = L"fedcba9876543210FEDCBA9876543210";

/* ---- helpers ------------------------------------------------------------------------------------ */

static int list_has_pid(const RM_PROCESS_INFO *apps, UINT count, DWORD pid)
{
    for (UINT i = 0; i < count; i++)
        if (apps[i].Process.dwProcessId == pid) return 1;
    return 0;
}

/* The primary's complete list must succeed and name pid. */
static void check_primary_lists(DWORD h, DWORD pid, const char *what)
{
    RM_PROCESS_INFO *apps;
    UINT count;
    DWORD reasons = 0;
    DWORD rc = rmc_get_list_all(h, &apps, &count, &reasons);
    check_rc("RmGetList(primary)", rc, ERROR_SUCCESS);
    rmc_obs_int("primary.count", count);
    if (!list_has_pid(apps, count, pid)) rmc_require_detection(RMC_DETECT_LOCKED_FILE);
    check(list_has_pid(apps, count, pid), "the primary's RmGetList (%u entries) does not name pid %lu, %s",
          count, pid, what);
}

/* Whether the secondary joined; a probe records a failed or crashed join and ends there. */
static int secondary_joined(fixture_secondary *sec)
{
    const char *line;
    char call[64], rc[32];
    for (size_t i = 0; (line = fixture_secondary_line(sec, i)) != NULL; i++) {
        if (!fixture_json_field(line, "call", call, sizeof(call)) || strcmp(call, "RmJoinSession")) continue;
        if (!fixture_json_field(line, "rc", rc, sizeof(rc))) break;   /* it crashed in the call */
        rmc_obs_rc("secondary.RmJoinSession", (DWORD)strtoul(rc, NULL, 10));
        return strtoul(rc, NULL, 10) == ERROR_SUCCESS;
    }
    rmc_obs_str("secondary.RmJoinSession", "did not return");
    return 0;
}

static void wfmt(WCHAR *out, size_t n, const WCHAR *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    _vsnwprintf(out, n, fmt, ap);
    va_end(ap);
    out[n - 1] = 0;
}

/* The secondary's RmJoinSession returned 0: what secondary.cross_process_join checks, and a
 * precondition (`blocked`, see it) for every other case. */
static void check_joined(fixture_secondary *sec)
{
    DWORD rc = fixture_secondary_rc(sec, "RmJoinSession", 1);
    if (!strcmp(rmc_current_case()->id, "secondary.cross_process_join"))
        check_rc("RmJoinSession(secondary process)", rc, ERROR_SUCCESS);
    else
        require_rc("RmJoinSession(secondary process)", rc, ERROR_SUCCESS, "secondary.cross_process_join");
}

/* Starts a secondary with `actions` (already formatted) that then stays; it must have joined. */
static fixture_secondary *joined_secondary(const WCHAR *key, const WCHAR *actions)
{
    fixture_secondary *sec = fixture_secondary_start(key, L"%ls --then stay", actions);
    const char *stay = fixture_secondary_wait_stay(sec, WAIT_MS);
    fixture_secondary_obs(sec, "secondary");
    check_joined(sec);
    check(stay != NULL, "the secondary did not stay after joining");
    return sec;
}

/* One more command line for a staying secondary; waits until it has been carried out. */
static void secondary_command(fixture_secondary *sec, const WCHAR *line)
{
    char utf8[2 * MAX_PATH + 64];
    WideCharToMultiByte(CP_UTF8, 0, line, -1, utf8, sizeof(utf8), NULL, NULL);
    utf8[sizeof(utf8) - 1] = 0;
    fixture_secondary_send(sec, utf8);
    check(fixture_secondary_wait_stay(sec, WAIT_MS) != NULL, "the secondary ended during '%s'", utf8);
}

static void secondary_leave(fixture_secondary *sec)
{
    fixture_secondary_send(sec, "--then end");
    fixture_secondary_wait(sec, WAIT_MS);
    fixture_secondary_obs(sec, "secondary");
}

/* Runs a secondary with `actions` (already formatted) to its end. */
static fixture_secondary *run_secondary(const WCHAR *key, const WCHAR *actions)
{
    fixture_secondary *sec = fixture_secondary_start(key, L"%ls", actions);
    DWORD code = fixture_secondary_wait(sec, WAIT_MS);
    fixture_secondary_obs(sec, "secondary");
    rmc_obs_hex("secondary.exit_code", code);
    return sec;
}

/* ---- joining and registering ------------------------------------------------------------------- */

static void cross_process_join(void **state)
{
    /* §8.2, §13.2: the secondary joins, its handle works (a file it registers makes the primary
     * list the process holding it), and it leaves. */
    WCHAR key[CCH_RM_SESSION_KEY + 1], file[MAX_PATH], line[2 * MAX_PATH];
    DWORD h = rmc_session_start(key);
    fixture_app *app = fixture_locker_start(file, L"cross-process-join.bin", L"--window none");
    wfmt(line, 2 * MAX_PATH, L"--register-file \"%ls\"", file);
    fixture_secondary *sec = joined_secondary(key, line);
    check_rc("RmRegisterResources(secondary process)", fixture_secondary_rc(sec, "RmRegisterResources", 1), ERROR_SUCCESS);
    check_primary_lists(h, fixture_app_pid(app), "although the joined secondary registered the file it locks");
    secondary_leave(sec);
    check_rc("RmEndSession(secondary process)", fixture_secondary_rc(sec, "RmEndSession", 1), ERROR_SUCCESS);
}

static void registered_file_in_primary_list(void **state)
{
    WCHAR key[CCH_RM_SESSION_KEY + 1], file[MAX_PATH], line[2 * MAX_PATH];
    DWORD h = rmc_session_start(key);
    rmc_case_file(file, L"secondary-registered.bin", 1);
    fixture_app *app = fixture_app_start(L"--window none --lock \"%ls\"", file);
    wfmt(line, 2 * MAX_PATH, L"--register-file \"%ls\"", file);
    fixture_secondary *sec = joined_secondary(key, line);
    check_rc("RmRegisterResources(secondary process)", fixture_secondary_rc(sec, "RmRegisterResources", 1), ERROR_SUCCESS);
    /* The secondary is still joined: its registration belongs to the session (§7.7, §13.2). */
    check_primary_lists(h, fixture_app_pid(app), "although the secondary registered the file the fixture locks");
    secondary_leave(sec);
}

static void end_leaves_session_usable(void **state)
{
    WCHAR key[CCH_RM_SESSION_KEY + 1], file[MAX_PATH], other[MAX_PATH], line[2 * MAX_PATH];
    DWORD h = rmc_session_start(key);
    rmc_case_file(file, L"secondary-left.bin", 1);
    rmc_case_file(other, L"primary-after.bin", 1);
    fixture_app *app = fixture_app_start(L"--window none --lock \"%ls\"", file);
    wfmt(line, 2 * MAX_PATH, L"--register-file \"%ls\" --then end", file);
    fixture_secondary *sec = run_secondary(key, line);
    check_joined(sec);
    check_rc("RmEndSession(secondary process)", fixture_secondary_rc(sec, "RmEndSession", 1), ERROR_SUCCESS);

    /* §8.3: a secondary's RmEndSession leaves the session; only the primary's ends it. */
    RM_PROCESS_INFO *apps;
    UINT count;
    DWORD reasons = 0;
    check_rc("RmGetList(primary, after the secondary left)", rmc_get_list_all(h, &apps, &count, &reasons), ERROR_SUCCESS);
    /* Whether the secondary's registration outlives its leaving is not documented: recorded. */
    rmc_obs_bool("secondary_registration_kept", list_has_pid(apps, count, fixture_app_pid(app)));
    LPCWSTR files[] = {other};
    check_rc("RmRegisterResources(primary, after the secondary left)", pRmRegisterResources(h, 1, files, 0, NULL, 0, NULL),
             ERROR_SUCCESS);
    check_rc("RmEndSession(primary)", pRmEndSession(h), ERROR_SUCCESS);
}

static void handle_after_primary_end(void **state)
{
    WCHAR key[CCH_RM_SESSION_KEY + 1], file[MAX_PATH], line[2 * MAX_PATH];
    DWORD h = rmc_session_start(key);
    rmc_case_file(file, L"after-primary-end.bin", 1);
    fixture_secondary *sec = fixture_secondary_start(key, L"--then stay");
    fixture_secondary_wait_stay(sec, WAIT_MS);
    if (!secondary_joined(sec)) rmc_blocked("secondary.cross_process_join", "the secondary did not join");
    rmc_obs_rc("RmEndSession(primary)", pRmEndSession(h));
    secondary_command(sec, L"--call getlist");
    rmc_obs_rc("secondary.RmGetList(after the primary ended)", fixture_secondary_rc(sec, "RmGetList", 1));
    wfmt(line, 2 * MAX_PATH, L"--register-file \"%ls\"", file);
    secondary_command(sec, line);
    rmc_obs_rc("secondary.RmRegisterResources(after the primary ended)", fixture_secondary_rc(sec, "RmRegisterResources", 1));
    secondary_leave(sec);
    rmc_obs_rc("secondary.RmEndSession(after the primary ended)", fixture_secondary_rc(sec, "RmEndSession", 1));
}

static void two_secondaries(void **state)
{
    WCHAR key[CCH_RM_SESSION_KEY + 1], file_a[MAX_PATH], file_b[MAX_PATH], line[2 * MAX_PATH];
    DWORD h = rmc_session_start(key);
    rmc_case_file(file_a, L"secondary-a.bin", 1);
    rmc_case_file(file_b, L"secondary-b.bin", 1);
    fixture_app *app_a = fixture_app_start(L"--window none --lock \"%ls\"", file_a);
    fixture_app *app_b = fixture_app_start(L"--window none --lock \"%ls\"", file_b);
    wfmt(line, 2 * MAX_PATH, L"--register-file \"%ls\"", file_a);
    fixture_secondary *sec_a = joined_secondary(key, line);
    wfmt(line, 2 * MAX_PATH, L"--register-file \"%ls\"", file_b);
    fixture_secondary *sec_b = joined_secondary(key, line);
    check_rc("RmRegisterResources(secondary A)", fixture_secondary_rc(sec_a, "RmRegisterResources", 1), ERROR_SUCCESS);
    check_rc("RmRegisterResources(secondary B)", fixture_secondary_rc(sec_b, "RmRegisterResources", 1), ERROR_SUCCESS);
    check_primary_lists(h, fixture_app_pid(app_a), "although secondary A registered the file it locks");
    check_primary_lists(h, fixture_app_pid(app_b), "although secondary B registered the file it locks");
    secondary_leave(sec_a);
    secondary_leave(sec_b);
    check_rc("RmEndSession(secondary A)", fixture_secondary_rc(sec_a, "RmEndSession", 1), ERROR_SUCCESS);
    check_rc("RmEndSession(secondary B)", fixture_secondary_rc(sec_b, "RmEndSession", 1), ERROR_SUCCESS);
}

/* ---- keys that are not a session's --------------------------------------------------------------- */

static void unknown_key_cross_process(void **state)
{
    fixture_secondary *sec = run_secondary(unknown_key, L"--then exit-without-end");
    check_rc("RmJoinSession(secondary process, unknown key)", fixture_secondary_rc(sec, "RmJoinSession", 1),
             ERROR_SESSION_CREDENTIAL_CONFLICT);
}

enum bad_key { KEY_31, KEY_33, KEY_NON_HEX, KEY_EMPTY, KEY_ENDED };

/* §8.2: malformed keys, and the key of a session that has ended. The spec leaves the codes
 * open (UNCONFIRMED), so they are recorded. The keys are made from a live session's key, so an
 * implementation that accepted them anyway joins that session and shows it. */
static void malformed_key(void **state)
{
    enum bad_key which = (enum bad_key)(ULONG_PTR)*state;
    WCHAR key[CCH_RM_SESSION_KEY + 1], bad[CCH_RM_SESSION_KEY + 8] = {0};
    DWORD primary = rmc_session_start(key);
    wcsncpy(bad, key, CCH_RM_SESSION_KEY);
    switch (which) {
    case KEY_31: bad[CCH_RM_SESSION_KEY - 1] = 0; break;
    case KEY_33: bad[CCH_RM_SESSION_KEY] = L'0'; break;
    case KEY_NON_HEX: bad[7] = L'g'; break;
    case KEY_EMPTY: bad[0] = 0; break;
    case KEY_ENDED: require_rc("RmEndSession(primary)", pRmEndSession(primary), ERROR_SUCCESS, "session.end_twice_invalid_handle"); break;
    }
    rmc_obs_wstr("key", bad, CCH_RM_SESSION_KEY + 8);
    DWORD *handle = rmc_guard_alloc(sizeof(DWORD), "RmJoinSession pSessionHandle");
    DWORD rc = pRmJoinSession(handle, bad);
    rmc_obs_rc("RmJoinSession", rc);
    if (rc == ERROR_SUCCESS) {
        rmc_obs_bool("joined_handle_equals_primary", *handle == primary);
        rmc_session_end_later(*handle);
    }
}

/* ---- what a secondary may call (§7.1, §15) ---------------------------------------------------------- */

static void secondary_add_filter(void **state)
{
    WCHAR key[CCH_RM_SESSION_KEY + 1];
    rmc_session_start(key);
    fixture_secondary *sec = run_secondary(key, L"--call addfilter --then end");
    check_joined(sec);
    check_rc("RmAddFilter(secondary process)", fixture_secondary_rc(sec, "RmAddFilter", 1), ERROR_SESSION_CREDENTIAL_CONFLICT);
}

/* One body for getlist and cancel: rejected on Vista (the sample: a subordinate may only
 * register), recorded on later versions (the case's provenance says which). */
typedef struct secondary_call_param { const WCHAR *action; const char *rm_name; } secondary_call_param;
static const secondary_call_param call_getlist = { L"getlist", "RmGetList" };
static const secondary_call_param call_cancel = { L"cancel", "RmCancelCurrentTask" };

static void secondary_call(void **state)
{
    const secondary_call_param *p = *state;
    const char *rm_name = p->rm_name;
    int assert_rejected = !strcmp(rmc_current_case()->provenance, "doc");
    WCHAR key[CCH_RM_SESSION_KEY + 1], file[MAX_PATH], line[2 * MAX_PATH];
    rmc_session_start(key);
    rmc_case_file(file, L"secondary-call.bin", 1);
    wfmt(line, 2 * MAX_PATH, L"--register-file \"%ls\" --call %ls --then end", file, p->action);
    fixture_secondary *sec = run_secondary(key, line);
    if (assert_rejected) check_joined(sec);
    else if (!secondary_joined(sec))
        rmc_blocked("secondary.cross_process_join", "the secondary did not join");
    DWORD rc = fixture_secondary_rc(sec, rm_name, 1);
    rmc_obs_rc(rm_name, rc);
    if (assert_rejected)
        check(rc != ERROR_SUCCESS, "a secondary's %s returned %s on %s, where a secondary may only register resources",
              rm_name, rmc_rc_str(rc), rmc_os_name(rmc_os()));
    /* §7.1 (DOC, every version): RmCancelCurrentTask must come from the application that
     * started the session; the exact code on 7 and later is UNCONFIRMED (recorded above). */
    else if (p == &call_cancel)
        check(rc != ERROR_SUCCESS, "a secondary process's RmCancelCurrentTask returned ERROR_SUCCESS (0); only the application "
              "that started the session may cancel");
}

static void secondary_shutdown_rejected(void **state)
{
    WCHAR key[CCH_RM_SESSION_KEY + 1], file[MAX_PATH];
    DWORD h = rmc_session_start(key);
    rmc_case_file(file, L"secondary-shutdown.bin", 1);
    fixture_app *app = fixture_app_start(L"--window main --on-query accept --on-endsession exit --lock \"%ls\"", file);
    LPCWSTR files[] = {file};
    check_rc("RmRegisterResources(primary)", pRmRegisterResources(h, 1, files, 0, NULL, 0, NULL), ERROR_SUCCESS);
    fixture_secondary *sec = run_secondary(key, L"--call shutdown --then end");
    check_joined(sec);
    DWORD rc = fixture_secondary_rc(sec, "RmShutdown", 1);
    rmc_obs_rc("RmShutdown(secondary)", rc);
    int exited = fixture_app_wait_exit(app, 300, NULL);
    const fixture_journal *j = fixture_app_journal(app);
    size_t queries = fixture_journal_count(j, "WM_QUERYENDSESSION", 0);
    rmc_obs_bool("fixture_exited", exited);
    rmc_obs_int("fixture.WM_QUERYENDSESSION", (long long)queries);
    check(rc != ERROR_SUCCESS, "a secondary's RmShutdown returned %s; only the session's creator may shut down", rmc_rc_str(rc));
    check(!exited && queries == 0, "a secondary's rejected RmShutdown (%s) still reached the fixture (exited %d, %zu WM_QUERYENDSESSION)",
          rmc_rc_str(rc), exited, queries);
}

static void secondary_restart_rejected(void **state)
{
    /* The primary shuts down first (nothing is affected, so nothing stops), so a refusal cannot
     * be the out-of-sequence error a restart before any shutdown gets. */
    WCHAR key[CCH_RM_SESSION_KEY + 1], file[MAX_PATH];
    DWORD h = rmc_session_start(key);
    rmc_case_file(file, L"secondary-restart.bin", 1);
    LPCWSTR files[] = {file};
    check_rc("RmRegisterResources(primary)", pRmRegisterResources(h, 1, files, 0, NULL, 0, NULL), ERROR_SUCCESS);
    require_rc("RmShutdown(primary, nothing affected)", pRmShutdown(h, 0, NULL), ERROR_SUCCESS, "shutdown.without_getlist");
    fixture_secondary *sec = run_secondary(key, L"--call restart --then end");
    check_joined(sec);
    DWORD rc = fixture_secondary_rc(sec, "RmRestart", 1);
    rmc_obs_rc("RmRestart(secondary)", rc);
    rmc_obs_rc("RmRestart(primary, afterwards)", pRmRestart(h, 0, NULL));
    check(rc != ERROR_SUCCESS, "a secondary's RmRestart after the primary's RmShutdown returned %s; only the primary may restart",
          rmc_rc_str(rc));
}

#define SEC_CASE(id_, title_, spec_, prov_, ...) \
    RMC_CASE("secondary." id_, title_, spec_, prov_, __VA_ARGS__)

const rmc_case rmc_cases_secondary[] = {
    SEC_CASE("cross_process_join", "rmfx-secondary joins from another process, a file it registers is listed by the primary, it leaves",
             "§8.2", "doc", .exports = S_JOIN | RMX(RegisterResources) | RMX(GetList), .needs = RMC_CAP_HANDLE_ENUM,
             .body = cross_process_join),
    SEC_CASE("registered_file_in_primary_list", "A file a joined secondary registers shows its locker in the primary's RmGetList",
             "§13.2", "doc", .exports = S_JOIN | RMX(RegisterResources) | RMX(GetList), .needs = RMC_CAP_HANDLE_ENUM,
             .body = registered_file_in_primary_list),
    SEC_CASE("end_leaves_session_usable", "After a secondary's RmEndSession the primary's RmGetList, RmRegisterResources and RmEndSession succeed",
             "§8.3", "doc", .exports = S_JOIN | RMX(RegisterResources) | RMX(GetList), .body = end_leaves_session_usable),
    SEC_CASE("handle_after_primary_end", "What a joined secondary's RmGetList, RmRegisterResources, RmEndSession return after the primary ended",
             "§18", "probe", .exports = S_JOIN | RMX(RegisterResources) | RMX(GetList), .body = handle_after_primary_end),
    SEC_CASE("two_at_once", "Two secondaries joined at once: both register, the primary lists both lockers, both leave",
             "§13.2", "doc", .exports = S_JOIN | RMX(RegisterResources) | RMX(GetList), .needs = RMC_CAP_HANDLE_ENUM,
             .body = two_secondaries),
    SEC_CASE("unknown_key_conflict", "A secondary process joining with a well-formed unknown key gets ERROR_SESSION_CREDENTIAL_CONFLICT",
             "§8.2", "doc", .exports = RMX(JoinSession), .body = unknown_key_cross_process),
    SEC_CASE("key_31_chars", "RmJoinSession with the first 31 characters of a live session's key", "§8.2", "probe",
             .exports = S_JOIN, .body = malformed_key, .param = (const void *)(ULONG_PTR)KEY_31),
    SEC_CASE("key_33_chars", "RmJoinSession with a live session's key and one more character", "§8.2", "probe",
             .exports = S_JOIN, .body = malformed_key, .param = (const void *)(ULONG_PTR)KEY_33),
    SEC_CASE("key_non_hex", "RmJoinSession with a live session's key with one character replaced by 'g'", "§8.2", "probe",
             .exports = S_JOIN, .body = malformed_key, .param = (const void *)(ULONG_PTR)KEY_NON_HEX),
    SEC_CASE("key_empty", "RmJoinSession with an empty key", "§8.2", "probe",
             .exports = S_JOIN, .body = malformed_key, .param = (const void *)(ULONG_PTR)KEY_EMPTY),
    SEC_CASE("join_after_primary_ended", "RmJoinSession with the key of a session its primary has ended", "§8.2", "probe",
             .exports = S_JOIN, .body = malformed_key, .param = (const void *)(ULONG_PTR)KEY_ENDED),
    SEC_CASE("addfilter_conflict", "A secondary process's RmAddFilter returns ERROR_SESSION_CREDENTIAL_CONFLICT",
             "§8.9", "doc", .exports = S_JOIN | RMX(AddFilter), .body = secondary_add_filter),
    SEC_CASE("getlist_vista_rejected", "On Vista a secondary's RmGetList is refused (a subordinate may only register)",
             "§15", "doc", .os = RMC_OS(VISTA), .exports = S_JOIN | RMX(RegisterResources) | RMX(GetList),
             .body = secondary_call, .param = &call_getlist),
    SEC_CASE("getlist_allowed", "What a secondary's RmGetList returns on Windows 7 and later (§21.9, weak: 1219 from an MSI custom action)", "§15", "probe",
             .os = RMC_OS_WIN7UP, .exports = S_JOIN | RMX(RegisterResources) | RMX(GetList),
             .body = secondary_call, .param = &call_getlist),
    SEC_CASE("cancel_vista_rejected", "On Vista a secondary's RmCancelCurrentTask is refused (a subordinate may only register)",
             "§15", "doc", .os = RMC_OS(VISTA), .exports = S_JOIN | RMX(RegisterResources) | RMX(CancelCurrentTask),
             .body = secondary_call, .param = &call_cancel),
    SEC_CASE("cancel_probe", "A secondary's RmCancelCurrentTask on Windows 7 and later fails (the code is recorded)", "§7.1", "probe",
             .os = RMC_OS_WIN7UP, .exports = S_JOIN | RMX(RegisterResources) | RMX(CancelCurrentTask),
             .body = secondary_call, .param = &call_cancel),
    SEC_CASE("shutdown_rejected", "A secondary's RmShutdown fails and shuts nothing down (only the session's creator may)",
             "§8.6", "doc", .exports = S_JOIN | RMX(RegisterResources) | RMX(Shutdown), .needs = RMC_CAP_WINDOWS,
             .body = secondary_shutdown_rejected),
    SEC_CASE("restart_rejected", "A secondary's RmRestart after the primary's RmShutdown fails (only the primary may restart)",
             "§8.7", "doc", .exports = S_JOIN | RMX(RegisterResources) | RMX(Shutdown) | RMX(Restart),
             .body = secondary_restart_rejected),
};
RMC_AREA_COUNT(secondary);

/* join.c — RmJoinSession in the primary's own process: keys, and what a secondary may call.
 * (Cross-process joins through the rmfx-secondary fixture are in join_secondary.c.) Spec §7, §8.2. */
#include "rmcase.h"
#include "fixture.h"
#include <string.h>

/* A well-formed key no session has: 32 hex digits that RmStartSession is vanishingly unlikely
 * to have produced. */
static const WCHAR unknown_key[CCH_RM_SESSION_KEY + 1] = L"0123456789abcdef0123456789ABCDEF";

static void unknown_key_conflict(void **state)
{
    DWORD *handle = rmc_guard_alloc(sizeof(DWORD), "RmJoinSession pSessionHandle");
    check_rc("RmJoinSession(unknown key)", pRmJoinSession(handle, unknown_key), ERROR_SESSION_CREDENTIAL_CONFLICT);
}

/* Joins the session the case just started. The join is what join.in_process_with_primary_key
 * checks; for every other case it is a precondition (`blocked` naming that case). */
static DWORD join_own_session(DWORD *primary)
{
    WCHAR key[CCH_RM_SESSION_KEY + 1];
    int is_the_case = !strcmp(rmc_current_case()->id, "join.in_process_with_primary_key");
    *primary = rmc_session_start(key);
    DWORD *secondary = rmc_guard_alloc(sizeof(DWORD), "RmJoinSession pSessionHandle");
    DWORD rc = pRmJoinSession(secondary, key);
    if (is_the_case) check_rc("RmJoinSession", rc, ERROR_SUCCESS);
    else require_rc("RmJoinSession", rc, ERROR_SUCCESS, "join.in_process_with_primary_key");
    if (is_the_case) check(rmc_written(secondary, sizeof(DWORD)), "RmJoinSession returned 0 and left *pSessionHandle unwritten");
    else require(rmc_written(secondary, sizeof(DWORD)), "join.in_process_with_primary_key",
                 "RmJoinSession returned 0 and left *pSessionHandle unwritten");
    rmc_session_end_later(*secondary);
    rmc_obs_hex("primary_handle", *primary);
    rmc_obs_hex("secondary_handle", *secondary);
    return *secondary;
}

static void in_process_join(void **state)
{
    /* §8.2, §13.2: the joined handle is a handle to the primary's session: a file registered
     * through it makes the primary's RmGetList list the process holding that file. */
    DWORD primary, secondary = join_own_session(&primary);
    WCHAR file[MAX_PATH];
    fixture_app *app = fixture_locker_start(file, L"joined.bin", L"--window none");
    LPCWSTR files[] = {file};
    check_rc("RmRegisterResources(joined handle)", pRmRegisterResources(secondary, 1, files, 0, NULL, 0, NULL), ERROR_SUCCESS);
    rmc_list(primary, "primary");
    if (!rmc_listed_pid(fixture_app_pid(app))) rmc_require_detection(RMC_DETECT_LOCKED_FILE);
    check(rmc_listed_pid(fixture_app_pid(app)) != NULL,
          "the primary's RmGetList (%u entries) does not list the locker of the file registered through the joined handle",
          rmc_listed_count());
}

static void secondary_add_filter(void **state)
{
    DWORD primary, secondary = join_own_session(&primary);
    check_rc("RmAddFilter(secondary)", pRmAddFilter(secondary, L"C:\\Windows\\notepad.exe", NULL, NULL, RmNoRestart),
             ERROR_SESSION_CREDENTIAL_CONFLICT);
}

static void secondary_remove_filter(void **state)
{
    DWORD primary, secondary = join_own_session(&primary);
    check_rc("RmRemoveFilter(secondary)", pRmRemoveFilter(secondary, L"C:\\Windows\\notepad.exe", NULL, NULL),
             ERROR_SESSION_CREDENTIAL_CONFLICT);
}

static void secondary_get_filter_list(void **state)
{
    DWORD primary, secondary = join_own_session(&primary);
    DWORD *needed = rmc_guard_alloc(sizeof(DWORD), "RmGetFilterList cbFilterBufNeeded");
    check_rc("RmGetFilterList(secondary)", pRmGetFilterList(secondary, NULL, 0, needed), ERROR_SESSION_CREDENTIAL_CONFLICT);
}

static void null_handle_pointer(void **state)
{
    /* §8.2, §16 item 1: a NULL required pointer is an argument error (the page prints 22 for
     * ERROR_BAD_ARGUMENTS, winerror.h says 160); which code RmJoinSession really returns for a
     * NULL handle pointer is UNCONFIRMED: recorded. The documented half: it cannot succeed. */
    WCHAR key[CCH_RM_SESSION_KEY + 1];
    rmc_session_start(key);
    DWORD rc = pRmJoinSession(NULL, key);
    rmc_obs_rc("RmJoinSession(NULL handle pointer)", rc);
    check(rc != ERROR_SUCCESS, "RmJoinSession with a NULL handle pointer returned ERROR_SUCCESS (0)");
}

static void zero_key_fails(void **state)
{
    /* §21.11 (native, strong): a well-formed key of 32 zeros that no session has is refused. */
    static const WCHAR zeros[CCH_RM_SESSION_KEY + 1] = L"00000000000000000000000000000000";
    DWORD *handle = rmc_guard_alloc(sizeof(DWORD), "RmJoinSession pSessionHandle");
    DWORD rc = pRmJoinSession(handle, zeros);
    rmc_obs_rc("RmJoinSession(32 zeros)", rc);
    if (rc == ERROR_SUCCESS && rmc_written(handle, sizeof(DWORD))) rmc_session_end_later(*handle);
    check(rc != ERROR_SUCCESS, "RmJoinSession with a key of 32 zeros that no session has returned ERROR_SUCCESS (0)");
}

static void null_key(void **state)
{
    DWORD *handle = rmc_guard_alloc(sizeof(DWORD), "RmJoinSession pSessionHandle");
    DWORD rc = pRmJoinSession(handle, NULL);
    rmc_obs_rc("RmJoinSession(NULL key)", rc);
    if (rc == ERROR_SUCCESS && rmc_written(handle, sizeof(DWORD))) rmc_session_end_later(*handle);
}

static void secondary_handle_differs(void **state)
{
    DWORD primary, secondary = join_own_session(&primary);
    rmc_obs_bool("same_handle_as_primary", primary == secondary);
}

const rmc_case rmc_cases_join[] = {
    RMC_CASE("join.unknown_key_credential_conflict", "RmJoinSession with a well-formed unknown key returns ERROR_SESSION_CREDENTIAL_CONFLICT",
             "§8.2", "doc", .exports = RMX(JoinSession), .body = unknown_key_conflict),
    RMC_CASE("join.zero_key_fails", "RmJoinSession with a well-formed key of 32 zeros no session has fails", "§21.11", "obs",
             .exports = RMX(JoinSession) | RMX(EndSession), .body = zero_key_fails),
    RMC_CASE("join.in_process_with_primary_key", "RmJoinSession with the primary's key, in its process, returns 0 and a handle that registers for the primary",
             "§8.2", "doc", .exports = RMX(StartSession) | RMX(JoinSession) | RMX(EndSession) | RMX(RegisterResources) | RMX(GetList),
             .needs = RMC_CAP_HANDLE_ENUM, .body = in_process_join),
    RMC_CASE("join.secondary_add_filter_conflict", "A secondary's RmAddFilter returns ERROR_SESSION_CREDENTIAL_CONFLICT",
             "§8.9", "doc", .exports = RMX(StartSession) | RMX(JoinSession) | RMX(EndSession) | RMX(AddFilter),
             .body = secondary_add_filter),
    RMC_CASE("join.secondary_remove_filter_conflict", "A secondary's RmRemoveFilter returns ERROR_SESSION_CREDENTIAL_CONFLICT",
             "§8.10", "doc", .exports = RMX(StartSession) | RMX(JoinSession) | RMX(EndSession) | RMX(RemoveFilter),
             .body = secondary_remove_filter),
    RMC_CASE("join.secondary_get_filter_list_conflict", "A secondary's RmGetFilterList returns ERROR_SESSION_CREDENTIAL_CONFLICT",
             "§8.11", "doc", .exports = RMX(StartSession) | RMX(JoinSession) | RMX(EndSession) | RMX(GetFilterList),
             .body = secondary_get_filter_list),
    RMC_CASE("join.null_handle_pointer_bad_arguments", "RmJoinSession with a NULL handle pointer fails (160 expected, not the 22 the page prints; recorded)",
             "§16", "probe", .exports = RMX(StartSession) | RMX(JoinSession) | RMX(EndSession), .body = null_handle_pointer),
    RMC_CASE("join.null_key", "RmJoinSession with a NULL key", "§8.2", "probe",
             .exports = RMX(JoinSession) | RMX(EndSession), .body = null_key),
    RMC_CASE("join.secondary_handle_differs", "Whether a joined handle differs from the primary's handle", "§8.2", "probe",
             .exports = RMX(StartSession) | RMX(JoinSession) | RMX(EndSession), .body = secondary_handle_differs),
};
RMC_AREA_COUNT(join);

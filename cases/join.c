/* join.c — RmJoinSession in the primary's own process: keys, and what a secondary may call.
 * (Cross-process joins through the rmfx-secondary fixture are in join_secondary.c.) Spec §7, §8.2. */
#include "rmcase.h"
#include <string.h>

/* A well-formed key no session has: 32 hex digits that RmStartSession is vanishingly unlikely
 * to have produced. */
static const WCHAR unknown_key[CCH_RM_SESSION_KEY + 1] = L"0123456789abcdef0123456789ABCDEF";

static void unknown_key_conflict(void **state)
{
    DWORD *handle = rmc_guard_alloc(sizeof(DWORD), "RmJoinSession pSessionHandle");
    check_rc("RmJoinSession(unknown key)", pRmJoinSession(handle, unknown_key), ERROR_SESSION_CREDENTIAL_CONFLICT);
}

static DWORD join_own_session(DWORD *primary)
{
    WCHAR key[CCH_RM_SESSION_KEY + 1];
    *primary = rmc_session_start(key);
    DWORD *secondary = rmc_guard_alloc(sizeof(DWORD), "RmJoinSession pSessionHandle");
    check_rc("RmJoinSession", pRmJoinSession(secondary, key), ERROR_SUCCESS);
    rmc_session_end_later(*secondary);
    rmc_obs_hex("primary_handle", *primary);
    rmc_obs_hex("secondary_handle", *secondary);
    return *secondary;
}

static void in_process_join(void **state)
{
    DWORD primary;
    join_own_session(&primary);
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
    /* §16 item 1: the page prints 22 for ERROR_BAD_ARGUMENTS; winerror.h says 160. */
    WCHAR key[CCH_RM_SESSION_KEY + 1];
    rmc_session_start(key);
    check_rc("RmJoinSession(NULL handle pointer)", pRmJoinSession(NULL, key), ERROR_BAD_ARGUMENTS);
}

static void null_key(void **state)
{
    DWORD handle = 0;
    DWORD rc = pRmJoinSession(&handle, NULL);
    rmc_obs_rc("RmJoinSession(NULL key)", rc);
    if (rc == ERROR_SUCCESS) rmc_session_end_later(handle);
}

static void secondary_handle_differs(void **state)
{
    DWORD primary, secondary = join_own_session(&primary);
    rmc_obs_bool("same_handle_as_primary", primary == secondary);
}

const rmc_case rmc_cases_join[] = {
    RMC_CASE("join.unknown_key_credential_conflict", "RmJoinSession with a well-formed unknown key returns ERROR_SESSION_CREDENTIAL_CONFLICT",
             "§8.2", "doc", .exports = RMX(JoinSession), .body = unknown_key_conflict),
    RMC_CASE("join.in_process_with_primary_key", "RmJoinSession with the primary's key, in the primary's process, returns ERROR_SUCCESS",
             "§8.2", "doc", .exports = RMX(StartSession) | RMX(JoinSession) | RMX(EndSession), .body = in_process_join),
    RMC_CASE("join.secondary_add_filter_conflict", "A secondary's RmAddFilter returns ERROR_SESSION_CREDENTIAL_CONFLICT",
             "§8.9", "doc", .exports = RMX(StartSession) | RMX(JoinSession) | RMX(EndSession) | RMX(AddFilter),
             .body = secondary_add_filter),
    RMC_CASE("join.secondary_remove_filter_conflict", "A secondary's RmRemoveFilter returns ERROR_SESSION_CREDENTIAL_CONFLICT",
             "§8.10", "doc", .exports = RMX(StartSession) | RMX(JoinSession) | RMX(EndSession) | RMX(RemoveFilter),
             .body = secondary_remove_filter),
    RMC_CASE("join.secondary_get_filter_list_conflict", "A secondary's RmGetFilterList returns ERROR_SESSION_CREDENTIAL_CONFLICT",
             "§8.11", "doc", .exports = RMX(StartSession) | RMX(JoinSession) | RMX(EndSession) | RMX(GetFilterList),
             .body = secondary_get_filter_list),
    RMC_CASE("join.null_handle_pointer_bad_arguments", "RmJoinSession with a NULL handle pointer returns ERROR_BAD_ARGUMENTS (160, not the 22 the page prints)",
             "§16", "doc", .exports = RMX(StartSession) | RMX(JoinSession) | RMX(EndSession), .body = null_handle_pointer),
    RMC_CASE("join.null_key", "RmJoinSession with a NULL key", "§8.2", "probe",
             .exports = RMX(JoinSession) | RMX(EndSession), .body = null_key),
    RMC_CASE("join.secondary_handle_differs", "Whether a joined handle differs from the primary's handle", "§8.2", "probe",
             .exports = RMX(StartSession) | RMX(JoinSession) | RMX(EndSession), .body = secondary_handle_differs),
};
RMC_AREA_COUNT(join);

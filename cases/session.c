/* session.c — RmStartSession / RmEndSession: keys, handles, the session limit. Spec §7, §8.1, §8.3. */
#include "rmcase.h"
#include <string.h>
#include <wchar.h>

static int is_hex(WCHAR c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

static void start_returns_key(void **state)
{
    DWORD *handle = rmc_guard_alloc(sizeof(DWORD), "RmStartSession pSessionHandle");
    WCHAR *key = rmc_key_alloc();
    DWORD rc = pRmStartSession(handle, 0, key);
    check_rc("RmStartSession", rc, ERROR_SUCCESS);
    check(rmc_written(handle, sizeof(DWORD)), "RmStartSession returned 0 and left *pSessionHandle unwritten");
    rmc_session_end_later(*handle);
    rmc_obs_hex("handle", *handle);
    check(rmc_key_written(key), "RmStartSession returned 0 and left strSessionKey unwritten");
    rmc_obs_wstr("key", key, CCH_RM_SESSION_KEY + 1);
    size_t len = wcsnlen(key, CCH_RM_SESSION_KEY + 1);
    rmc_obs_int("key.length", (long long)len);
    check(len == CCH_RM_SESSION_KEY, "the session key has %u characters, expected %u", (unsigned)len, (unsigned)CCH_RM_SESSION_KEY);
}

static void key_format(void **state)
{
    /* §7.2: the text format is UNCONFIRMED. A key that was never written is recorded as such,
     * never as "all hex" (the buffer is pre-zeroed, so there is nothing to classify). */
    DWORD *handle = rmc_guard_alloc(sizeof(DWORD), "RmStartSession pSessionHandle");
    WCHAR *key = rmc_key_alloc();
    require_rc("RmStartSession", pRmStartSession(handle, 0, key), ERROR_SUCCESS, "session.start_returns_key");
    if (rmc_written(handle, sizeof(DWORD))) rmc_session_end_later(*handle);
    int written = rmc_key_written(key);
    rmc_obs_bool("key.written", written);
    if (!written) {
        rmc_obs_str("key.letter_case", "unwritten");
        return;
    }
    int hex = 1, upper = 0, lower = 0;
    for (int i = 0; i < (int)CCH_RM_SESSION_KEY && key[i]; i++) {
        hex &= is_hex(key[i]);
        upper |= key[i] >= 'A' && key[i] <= 'F';
        lower |= key[i] >= 'a' && key[i] <= 'f';
    }
    rmc_obs_wstr("key", key, CCH_RM_SESSION_KEY + 1);
    rmc_obs_bool("key.all_hex", hex);
    rmc_obs_str("key.letter_case", upper && lower ? "mixed" : upper ? "upper" : lower ? "lower" : "digits only");
}

static void key_terminated(void **state)
{
    /* §7.2/§17.1: whether RmStartSession terminates the key when the buffer is not pre-zeroed. */
    DWORD *handle = rmc_guard_alloc(sizeof(DWORD), "RmStartSession pSessionHandle");
    WCHAR *key = rmc_guard_alloc(RMC_KEY_BYTES, "RmStartSession strSessionKey (33 WCHARs)");
    DWORD rc = pRmStartSession(handle, 0, key);
    require_rc("RmStartSession", rc, ERROR_SUCCESS, "session.start_returns_key");
    if (rmc_written(handle, sizeof(DWORD))) rmc_session_end_later(*handle);
    rmc_obs_bool("key.written", !rmc_guard_untouched(key, 0, RMC_KEY_BYTES));
    rmc_obs_bool("key.terminator_written", key[CCH_RM_SESSION_KEY] == 0);
    rmc_obs_hex("key[32]", key[CCH_RM_SESSION_KEY]);
}

static void two_sessions_distinct(void **state)
{
    WCHAR key1[CCH_RM_SESSION_KEY + 1], *key2 = rmc_key_alloc();
    DWORD h1 = rmc_session_start(key1), h2 = 0;
    /* The second start is what the case is about (a precondition helper would only say
     * "blocked" when an implementation refuses it, e.g. because both got the same key). */
    check_rc("RmStartSession(second, while the first is open)", pRmStartSession(&h2, 0, key2), ERROR_SUCCESS);
    rmc_session_end_later(h2);
    rmc_obs_hex("handle1", h1);
    rmc_obs_hex("handle2", h2);
    rmc_obs_wstr("key1", key1, CCH_RM_SESSION_KEY + 1);
    rmc_obs_wstr("key2", key2, CCH_RM_SESSION_KEY + 1);
    check(h1 != h2, "two open sessions share the handle 0x%lx", (unsigned long)h1);
    check(wcsncmp(key1, key2, CCH_RM_SESSION_KEY) != 0, "two open sessions share one session key");
}

/* Starts a session with guarded out-parameters, without ending it afterwards (the case does). */
static DWORD start_unmanaged(const char *what)
{
    DWORD *handle = rmc_guard_alloc(sizeof(DWORD), "RmStartSession pSessionHandle");
    WCHAR *key = rmc_key_alloc();
    require_rc(what, pRmStartSession(handle, 0, key), ERROR_SUCCESS, "session.start_returns_key");
    require(rmc_written(handle, sizeof(DWORD)), "session.start_returns_key", "RmStartSession returned 0 and left *pSessionHandle unwritten");
    DWORD h = *handle;
    rmc_guard_free(key);
    rmc_guard_free(handle);
    return h;
}

static void end_twice_invalid_handle(void **state)
{
    /* §8.3: RmEndSession of an open session returns 0; a second one on the same handle 6. */
    DWORD handle = start_unmanaged("RmStartSession");
    check_rc("RmEndSession(first)", pRmEndSession(handle), ERROR_SUCCESS);
    check_rc("RmEndSession(second)", pRmEndSession(handle), ERROR_INVALID_HANDLE);
}

static DWORD limit_handles[70];
static int limit_open;

static void end_limit_sessions(void *unused)
{
    while (limit_open > 0) pRmEndSession(limit_handles[--limit_open]);
}

static void session_limit(void **state)
{
    /* §7.5: 64 open sessions per user session; the 65th is refused; ending one frees a slot. */
    rmc_defer(end_limit_sessions, NULL);
    WCHAR *key = rmc_key_alloc();
    DWORD *handle = rmc_guard_alloc(sizeof(DWORD), "RmStartSession pSessionHandle");
    for (int i = 0; i < 64; i++) {
        memset(key, 0, RMC_KEY_BYTES);
        DWORD rc = pRmStartSession(handle, 0, key);
        limit_handles[limit_open] = *handle;
        if (rc != ERROR_SUCCESS) {
            rmc_obs_int("sessions_opened", i);
            rmc_fail("RmStartSession number %d returned %s, expected ERROR_SUCCESS (0)", i + 1, rmc_rc_str(rc));
        }
        limit_open++;
    }
    rmc_obs_int("sessions_opened", 64);
    memset(key, 0, RMC_KEY_BYTES);
    DWORD rc = pRmStartSession(handle, 0, key);
    if (rc == ERROR_SUCCESS) limit_handles[limit_open++] = *handle;
    check_rc("RmStartSession(65th)", rc, ERROR_MAX_SESSIONS_REACHED);
    check_rc("RmEndSession(one of 64)", pRmEndSession(limit_handles[--limit_open]), ERROR_SUCCESS);
    memset(key, 0, RMC_KEY_BYTES);
    rc = pRmStartSession(handle, 0, key);
    if (rc == ERROR_SUCCESS) limit_handles[limit_open++] = *handle;
    check_rc("RmStartSession(after ending one)", rc, ERROR_SUCCESS);
}

static void start_nonzero_flags(void **state)
{
    DWORD *handle = rmc_guard_alloc(sizeof(DWORD), "RmStartSession pSessionHandle");
    WCHAR *key = rmc_key_alloc();
    DWORD rc = pRmStartSession(handle, 1, key);
    rmc_obs_rc("RmStartSession(dwSessionFlags=1)", rc);
    if (rc == ERROR_SUCCESS && rmc_written(handle, sizeof(DWORD))) rmc_session_end_later(*handle);
}

static void stale_handle_getlist(void **state)
{
    /* §7.7 lists "RmGetList after RmEndSession (expected 6)" among the UNCONFIRMED edges; the
     * documented half: the session is gone, so the call cannot succeed (§3, §8.3). The exact
     * code is recorded. register.after_end_invalid_handle asks the same of RmRegisterResources. */
    DWORD handle = start_unmanaged("RmStartSession");
    require_rc("RmEndSession", pRmEndSession(handle), ERROR_SUCCESS, "session.end_twice_invalid_handle");
    UINT *needed = rmc_guard_alloc(sizeof(UINT), "RmGetList pnProcInfoNeeded");
    UINT *count = rmc_guard_alloc(sizeof(UINT), "RmGetList pnProcInfo");
    DWORD *reasons = rmc_guard_alloc(sizeof(DWORD), "RmGetList lpdwRebootReasons");
    *count = 0;
    DWORD rc = pRmGetList(handle, needed, count, NULL, reasons);
    rmc_obs_rc("RmGetList(ended session)", rc);
    check(rc != ERROR_SUCCESS, "RmGetList on a session that was ended returned ERROR_SUCCESS (0)");
}

const rmc_case rmc_cases_session[] = {
    RMC_CASE("session.start_returns_key", "RmStartSession returns ERROR_SUCCESS and a 32-character key", "§8.1", "doc",
             .exports = RMX(StartSession) | RMX(EndSession), .body = start_returns_key),
    RMC_CASE("session.key_format", "Text format of the session key (hex digits, letter case)", "§7.2", "probe",
             .exports = RMX(StartSession) | RMX(EndSession), .body = key_format),
    RMC_CASE("session.key_terminated", "Whether RmStartSession writes the key's terminating NUL", "§7.2", "probe",
             .exports = RMX(StartSession) | RMX(EndSession), .body = key_terminated),
    RMC_CASE("session.two_sessions_distinct", "Two open sessions get distinct handles and keys", "§7.3", "doc",
             .exports = RMX(StartSession) | RMX(EndSession), .body = two_sessions_distinct),
    RMC_CASE("session.end_twice_invalid_handle", "RmEndSession on an open session returns 0; a second one on the same handle ERROR_INVALID_HANDLE",
             "§8.3", "doc", .exports = RMX(StartSession) | RMX(EndSession), .body = end_twice_invalid_handle),
    RMC_CASE("session.limit_64", "64 sessions open; the 65th returns ERROR_MAX_SESSIONS_REACHED; ending one frees a slot",
             "§7.5", "doc", .exports = RMX(StartSession) | RMX(EndSession), .flags = RMC_EXCLUSIVE, .timeout_s = 60,
             .body = session_limit),
    RMC_CASE("session.start_nonzero_flags", "RmStartSession with the reserved dwSessionFlags set to 1", "§8.1", "probe",
             .exports = RMX(StartSession) | RMX(EndSession), .body = start_nonzero_flags),
    RMC_CASE("session.stale_handle_getlist", "RmGetList on a session that was ended fails (the exact code is recorded)", "§7.7", "probe",
             .exports = RMX(StartSession) | RMX(EndSession) | RMX(GetList), .body = stale_handle_getlist),
};
RMC_AREA_COUNT(session);

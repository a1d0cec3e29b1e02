/* test_sessions.c — start/join/end, the 64-session limit, reclaiming abandoned sessions, the
 * store lock timeout, registration argument rules, secondary restrictions by OS version. */
#include "fake_platform.h"
#include "core_internal.h"
#include <string.h>
#include <wchar.h>

#define PF fake_platform()

static int setup(void **state) { fake_reset(); return 0; }

static void start_writes_key_and_handle(void **state)
{
    WCHAR key[RMREF_KEY_CHARS + 1];
    memset(key, 0xCC, sizeof key);
    DWORD h = 0xdead;
    assert_int_equal(rmcore_start_session(PF, &h, 0, key), 0);
    assert_int_equal(wcslen(key), 32);
    for (int i = 0; i < 32; i++) assert_true(iswxdigit(key[i]));
    assert_int_equal(fake_store_session_count(), 1);
    assert_int_equal(rmcore_end_session(PF, h), 0);
    assert_int_equal(fake_store_session_count(), 0);
    assert_int_equal(rmcore_end_session(PF, h), ERROR_INVALID_HANDLE);
}

static void start_bad_arguments(void **state)
{
    WCHAR key[RMREF_KEY_CHARS + 1];
    DWORD h;
    assert_int_equal(rmcore_start_session(PF, NULL, 0, key), ERROR_BAD_ARGUMENTS);
    assert_int_equal(rmcore_start_session(PF, &h, 0, NULL), ERROR_BAD_ARGUMENTS);
    assert_int_equal(rmcore_start_session(PF, &h, 7, key), 0);        /* reserved flags ignored */
}

static void handles_distinct_never_reused(void **state)
{
    DWORD a = fake_start(NULL), b = fake_start(NULL);
    assert_int_not_equal(a, b);
    assert_int_equal(rmcore_end_session(PF, a), 0);
    DWORD c = fake_start(NULL);
    assert_int_not_equal(c, a);
    assert_int_equal(rmcore_end_session(PF, a), ERROR_INVALID_HANDLE);
}

static void limit_64_then_353(void **state)
{
    DWORD h[64];
    WCHAR key[RMREF_KEY_CHARS + 1];
    for (int i = 0; i < 64; i++) h[i] = fake_start(NULL);
    DWORD extra;
    assert_int_equal(rmcore_start_session(PF, &extra, 0, key), ERROR_MAX_SESSIONS_REACHED);
    assert_int_equal(rmcore_end_session(PF, h[5]), 0);
    assert_int_equal(rmcore_start_session(PF, &extra, 0, key), 0);
}

static void abandoned_sessions_are_reclaimed(void **state)
{
    /* 64 sessions owned by a process that then dies */
    W.self.dwProcessId = 77;
    fake_proc *owner = fake_proc_add(77, L"C:\\other\\setup.exe", 0);
    W.self.ProcessStartTime = owner->facts.start;
    WCHAR key[RMREF_KEY_CHARS + 1];
    for (int i = 0; i < 64; i++) fake_start(i == 0 ? key : NULL);
    owner->alive = 0;
    W.self.dwProcessId = 10;
    W.self.ProcessStartTime.dwLowDateTime = 10010;
    DWORD h, j;
    WCHAR key2[RMREF_KEY_CHARS + 1];
    assert_int_equal(rmcore_join_session(PF, &j, key), ERROR_SESSION_CREDENTIAL_CONFLICT);
    assert_int_equal(rmcore_start_session(PF, &h, 0, key2), 0);
    assert_int_equal(fake_store_session_count(), 1);
}

static void join_rules(void **state)
{
    WCHAR key[RMREF_KEY_CHARS + 1];
    DWORD p = fake_start(key), s;
    assert_int_equal(rmcore_join_session(PF, &s, L"00000000000000000000000000000000"), ERROR_SESSION_CREDENTIAL_CONFLICT);
    assert_int_equal(rmcore_join_session(PF, &s, L"short"), ERROR_SESSION_CREDENTIAL_CONFLICT);
    assert_int_equal(rmcore_join_session(PF, NULL, key), ERROR_BAD_ARGUMENTS);
    assert_int_equal(rmcore_join_session(PF, &s, NULL), ERROR_BAD_ARGUMENTS);
    WCHAR upper[RMREF_KEY_CHARS + 1];
    for (int i = 0; i <= RMREF_KEY_CHARS; i++) upper[i] = (WCHAR)towupper(key[i]);
    assert_int_equal(rmcore_join_session(PF, &s, upper), 0);
    assert_int_not_equal(s, p);
    /* the secondary leaves: the session stays */
    assert_int_equal(rmcore_end_session(PF, s), 0);
    assert_int_equal(fake_store_session_count(), 1);
    assert_int_equal(rmcore_join_session(PF, &s, key), 0);
    /* the primary ends it for everyone */
    assert_int_equal(rmcore_end_session(PF, p), 0);
    assert_int_equal(fake_store_session_count(), 0);
    LPCWSTR f[] = { L"C:\\a.txt" };
    assert_int_equal(rmcore_register_resources(PF, s, 1, f, 0, NULL, 0, NULL), ERROR_INVALID_HANDLE);
    assert_int_equal(rmcore_end_session(PF, s), 0);
    assert_int_equal(rmcore_join_session(PF, &s, key), ERROR_SESSION_CREDENTIAL_CONFLICT);
}

static void store_lock_timeout_is_sem_timeout(void **state)
{
    DWORD h = fake_start(NULL), x;
    WCHAR key[RMREF_KEY_CHARS + 1];
    W.store_lock_timeout = 1;
    assert_int_equal(rmcore_start_session(PF, &x, 0, key), ERROR_SEM_TIMEOUT);
    LPCWSTR f[] = { L"C:\\a.txt" };
    assert_int_equal(rmcore_register_resources(PF, h, 1, f, 0, NULL, 0, NULL), ERROR_SEM_TIMEOUT);
    UINT needed, n = 0;
    DWORD reasons;
    assert_int_equal(rmcore_get_list(PF, h, &needed, &n, NULL, &reasons), ERROR_SEM_TIMEOUT);
    assert_int_equal(rmcore_end_session(PF, h), ERROR_SEM_TIMEOUT);
    W.store_lock_timeout = 0;
    assert_int_equal(rmcore_end_session(PF, h), 0);
}

static void register_argument_rules(void **state)
{
    DWORD h = fake_start(NULL);
    LPCWSTR bad[] = { NULL }, empty[] = { L"" }, good[] = { L"C:\\a.txt" };
    assert_int_equal(rmcore_register_resources(PF, h, 1, NULL, 0, NULL, 0, NULL), ERROR_BAD_ARGUMENTS);
    assert_int_equal(rmcore_register_resources(PF, h, 0, NULL, 1, NULL, 0, NULL), ERROR_BAD_ARGUMENTS);
    assert_int_equal(rmcore_register_resources(PF, h, 0, NULL, 0, NULL, 1, NULL), ERROR_BAD_ARGUMENTS);
    assert_int_equal(rmcore_register_resources(PF, h, 1, bad, 0, NULL, 0, NULL), ERROR_BAD_ARGUMENTS);
    assert_int_equal(rmcore_register_resources(PF, h, 0, NULL, 0, NULL, 1, empty), ERROR_BAD_ARGUMENTS);
    assert_int_equal(rmcore_register_resources(PF, h, 0, NULL, 0, NULL, 0, NULL), 0);
    assert_int_equal(rmcore_register_resources(PF, 12345, 1, good, 0, NULL, 0, NULL), ERROR_INVALID_HANDLE);
    assert_int_equal(rmcore_register_resources(PF, h, 1, good, 0, NULL, 0, NULL), 0);
}

static void secondary_restrictions_by_version(void **state)
{
    WCHAR key[RMREF_KEY_CHARS + 1];
    fake_start(key);
    DWORD s;
    assert_int_equal(rmcore_join_session(PF, &s, key), 0);
    UINT needed, n = 0;
    DWORD reasons;
    BYTE buf[64];
    DWORD cb;
    assert_int_equal(rmcore_get_list(PF, s, &needed, &n, NULL, &reasons), 0);          /* 7+: allowed */
    assert_int_equal(rmcore_shutdown(PF, s, 0, NULL), ERROR_SESSION_CREDENTIAL_CONFLICT);
    assert_int_equal(rmcore_restart(PF, s, 0, NULL), ERROR_SESSION_CREDENTIAL_CONFLICT);
    assert_int_equal(rmcore_cancel_current_task(PF, s), ERROR_SESSION_CREDENTIAL_CONFLICT);
    assert_int_equal(rmcore_add_filter(PF, s, NULL, NULL, L"svc", RmNoRestart), ERROR_SESSION_CREDENTIAL_CONFLICT);
    assert_int_equal(rmcore_remove_filter(PF, s, NULL, NULL, L"svc"), ERROR_SESSION_CREDENTIAL_CONFLICT);
    assert_int_equal(rmcore_get_filter_list(PF, s, buf, sizeof buf, &cb), ERROR_SESSION_CREDENTIAL_CONFLICT);
    W.os_major = 6; W.os_minor = 0;                                                     /* Vista */
    assert_int_equal(rmcore_get_list(PF, s, &needed, &n, NULL, &reasons), ERROR_SESSION_CREDENTIAL_CONFLICT);
    LPCWSTR f[] = { L"C:\\a.txt" };
    assert_int_equal(rmcore_register_resources(PF, s, 1, f, 0, NULL, 0, NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(start_writes_key_and_handle, setup),
        cmocka_unit_test_setup(start_bad_arguments, setup),
        cmocka_unit_test_setup(handles_distinct_never_reused, setup),
        cmocka_unit_test_setup(limit_64_then_353, setup),
        cmocka_unit_test_setup(abandoned_sessions_are_reclaimed, setup),
        cmocka_unit_test_setup(join_rules, setup),
        cmocka_unit_test_setup(store_lock_timeout_is_sem_timeout, setup),
        cmocka_unit_test_setup(register_argument_rules, setup),
        cmocka_unit_test_setup(secondary_restrictions_by_version, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

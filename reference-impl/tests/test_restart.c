/* test_restart.c — who RmRestart may bring back. Documented (spec §8.7, §10.7, §13.7 item 7):
 * applications that run elevated, and applications that do not run as the current user (Run
 * As), are never restarted, even when RM shut them down; they are reported not restartable. */
#include "fake_platform.h"
#include "core_internal.h"
#include <string.h>
#include <wchar.h>

#define PF fake_platform()
#define LIB L"C:\\lib\\common.dll"

static int setup(void **state) { fake_reset(); return 0; }

static DWORD session(void)
{
    DWORD h = fake_start(NULL);
    LPCWSTR f[] = { LIB };
    assert_int_equal(rmcore_register_resources(PF, h, 1, f, 0, NULL, 0, NULL), 0);
    return h;
}

static const RM_PROCESS_INFO *entry(RM_PROCESS_INFO *v, UINT n, DWORD pid)
{
    for (UINT i = 0; i < n; i++) if (v[i].Process.dwProcessId == pid) return &v[i];
    fail_msg("pid %lu not listed", (unsigned long)pid);
    return NULL;
}

/* A registered application with `flags` beside an ordinary registered one: both are shut down,
 * only the ordinary one is restarted, and the other is listed with bRestartable FALSE. */
static void not_restarted(unsigned flags)
{
    fake_proc *plain = fake_proc_add(301, L"C:\\app\\plain.exe", RMREF_PF_MAIN_WINDOW | RMREF_PF_RESTART_REG);
    plain->files[0] = LIB;
    fake_proc *odd = fake_proc_add(302, L"C:\\app\\odd.exe", RMREF_PF_MAIN_WINDOW | RMREF_PF_RESTART_REG | flags);
    odd->files[0] = LIB;
    DWORD h = session();

    RM_PROCESS_INFO v[8];
    UINT needed, n = 8;
    DWORD reasons;
    assert_int_equal(rmcore_get_list(PF, h, &needed, &n, v, &reasons), 0);
    assert_true(entry(v, n, 301)->bRestartable);
    assert_false(entry(v, n, 302)->bRestartable);

    assert_int_equal(rmcore_shutdown(PF, h, 0, NULL), 0);
    assert_null(fake_proc_find(301));
    assert_null(fake_proc_find(302));
    W.log[0] = 0;
    assert_int_equal(rmcore_restart(PF, h, 0, NULL), 0);
    assert_string_equal(W.log, "launch:plain.exe ");
}

static void elevated_never_restarted(void **state) { not_restarted(RMREF_PF_ELEVATED); }
static void other_user_never_restarted(void **state) { not_restarted(RMREF_PF_OTHER_USER); }

/* RmShutdownOnlyRegistered: such an application cannot be restarted, so nothing is shut down. */
static void only_registered_refuses_elevated(void **state)
{
    fake_proc_add(311, L"C:\\app\\odd.exe", RMREF_PF_MAIN_WINDOW | RMREF_PF_RESTART_REG | RMREF_PF_ELEVATED)->files[0] = LIB;
    DWORD h = session();
    assert_int_equal(rmcore_shutdown(PF, h, RmShutdownOnlyRegistered, NULL), ERROR_FAIL_SHUTDOWN);
    assert_non_null(fake_proc_find(311));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(elevated_never_restarted, setup),
        cmocka_unit_test_setup(other_user_never_restarted, setup),
        cmocka_unit_test_setup(only_registered_refuses_elevated, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

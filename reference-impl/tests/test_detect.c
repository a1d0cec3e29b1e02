/* test_detect.c — how RmGetList finds the users of registered files: the kernel's per-file
 * list preferred where the platform offers it, the handle/module enumeration otherwise (also
 * for a file the kernel cannot be asked about), and matching by file identity so that another
 * name of the same file is found (spec §8.4). */
#include "fake_platform.h"
#include "core_internal.h"
#include <string.h>
#include <wchar.h>

#define PF fake_platform()
#define LIB FAKE_LIB
#define LIB_LINK FAKE_LIB_LINK                    /* another name of LIB */
#define setup fake_setup_alias
#define session_with fake_session_with
#define listed fake_listed

/* Offered: the kernel is asked once per registered file, the handle table is never walked;
 * images and modules are still enumerated. */
static void kernel_query_preferred(void **state)
{
    W.kernel_query = 1;
    fake_proc_add(201, L"C:\\app\\a.exe", RMREF_PF_MAIN_WINDOW)->files[0] = LIB;
    fake_proc_add(202, L"C:\\app\\b.exe", RMREF_PF_MAIN_WINDOW)->modules[0] = L"C:\\lib\\other.dll";
    DWORD h = session_with(LIB, L"C:\\lib\\other.dll");
    assert_true(listed(h, 201));
    W.kernel_calls = W.handle_enums = W.module_enums = 0;
    assert_true(listed(h, 202));
    assert_int_equal(W.kernel_calls, 2);
    assert_int_equal(W.handle_enums, 0);
    assert_int_equal(W.module_enums, 1);
}

/* Not offered (Wine, Vista): the handles, images and modules of every process. */
static void enumeration_without_kernel_query(void **state)
{
    fake_proc_add(201, L"C:\\app\\a.exe", RMREF_PF_MAIN_WINDOW)->files[0] = LIB;
    DWORD h = session_with(LIB, NULL);
    assert_true(listed(h, 201));
    assert_int_equal(W.kernel_calls, 1);         /* asked once, not per file */
    assert_int_equal(W.handle_enums, 1);
}

/* A 32-bit caller cannot read a 64-bit process's module list; the kernel's list has it. */
static void kernel_query_sees_modules_enumeration_cannot(void **state)
{
    fake_proc *p = fake_proc_add(211, L"C:\\app\\x64.exe", RMREF_PF_MAIN_WINDOW);
    p->modules[0] = LIB;
    p->modules_hidden = 1;
    DWORD h = session_with(LIB, NULL);
    assert_false(listed(h, 211));                 /* the fallback's known limit */
    W.kernel_query = 1;
    assert_true(listed(h, 211));
}

/* A file the kernel cannot be asked about (other errors than "nothing there") sends the whole
 * call down the enumeration route; what the kernel already said is kept. A missing file is
 * simply unused. */
static void kernel_refusal_falls_back(void **state)
{
    W.kernel_query = 1;
    W.missing[0] = L"C:\\lib\\gone.dll";
    fake_proc_add(221, L"C:\\app\\a.exe", RMREF_PF_MAIN_WINDOW)->files[0] = LIB;
    fake_proc_add(222, L"C:\\app\\b.exe", RMREF_PF_MAIN_WINDOW)->files[0] = L"C:\\lib\\odd.dll";
    DWORD h = session_with(LIB, L"C:\\lib\\gone.dll");
    assert_true(listed(h, 221));
    assert_int_equal(W.handle_enums, 0);          /* missing: not a reason to fall back */
    h = session_with(LIB, L"C:\\lib\\odd.dll");
    W.kernel_refuses = L"C:\\lib\\odd.dll";
    assert_true(listed(h, 221));
    W.handle_enums = 0;
    assert_true(listed(h, 222));
    assert_int_equal(W.handle_enums, 1);
}

/* Another name of the same file is the same file, on both routes and in both directions: a
 * registered link name held by its real name (handle or module), and the reverse. */
static void other_name_of_the_same_file(void **state)
{
    for (int kernel = 0; kernel < 2; kernel++) {
        fake_reset();
        setup(state);
        W.kernel_query = kernel;
        fake_proc_add(231, L"C:\\app\\a.exe", RMREF_PF_MAIN_WINDOW)->files[0] = LIB;
        fake_proc_add(232, L"C:\\app\\b.exe", RMREF_PF_MAIN_WINDOW)->modules[0] = LIB;
        fake_proc_add(233, L"C:\\app\\c.exe", RMREF_PF_MAIN_WINDOW)->files[0] = LIB_LINK;
        fake_proc_add(234, L"C:\\app\\d.exe", RMREF_PF_MAIN_WINDOW)->files[0] = L"C:\\lib\\unrelated.dll";
        DWORD h = session_with(LIB_LINK, NULL);
        assert_true(listed(h, 231));
        assert_true(listed(h, 232));
        assert_true(listed(h, 233));
        assert_false(listed(h, 234));
        h = session_with(LIB, NULL);
        assert_true(listed(h, 233));
        assert_false(listed(h, 234));
    }
}

/* Paths reported without an identity (images, modules) are looked up once per path per call. */
static void module_identity_once_per_path(void **state)
{
    for (DWORD pid = 241; pid < 251; pid++)
        fake_proc_add(pid, L"C:\\app\\same.exe", RMREF_PF_MAIN_WINDOW)->modules[0] = L"C:\\lib\\shared.dll";
    DWORD h = session_with(LIB, NULL);
    W.identity_calls = 0;
    assert_false(listed(h, 241));
    /* the registered file, and each distinct image or module path once: setup.exe, same.exe,
     * shared.dll */
    assert_int_equal(W.identity_calls, 1 + 3);
}

/* A handle may come with its index alone (Win32: the volume serial number of a whole identity
 * costs a query of the volume per handle). A file whose index no registered file has is none
 * of them: no identity is read for it, however many such handles there are; another name of a
 * registered file (same index) is still found, through the identity read by its name. */
static unsigned identity_reads_with_unrelated_handles(int unrelated)
{
    fake_reset();
    fake_setup_alias(NULL);
    W.handle_index_only = 1;
    fake_proc_add(261, L"C:\\app\\a.exe", RMREF_PF_MAIN_WINDOW)->files[0] = LIB_LINK;
    for (int i = 0; i < unrelated; i++) {
        WCHAR *name = test_malloc(64 * sizeof(WCHAR));
        swprintf(name, 64, L"C:\\data\\unrelated-%d.bin", i);
        fake_proc_add(262 + (DWORD)i, L"C:\\app\\same.exe", RMREF_PF_MAIN_WINDOW)->files[0] = name;
    }
    DWORD h = session_with(LIB, NULL);
    W.identity_calls = 0;
    assert_true(listed(h, 261));                  /* one listing */
    unsigned reads = W.identity_calls;
    for (int i = 0; i < unrelated; i++) assert_false(listed(h, 262 + (DWORD)i));
    for (int i = 0; i < unrelated; i++) test_free((void *)fake_proc_find(262 + (DWORD)i)->files[0]);
    return reads;
}

static void handle_index_first(void **state)
{
    unsigned one = identity_reads_with_unrelated_handles(1);
    unsigned ten = identity_reads_with_unrelated_handles(10);
    assert_int_equal(ten, one);                   /* the same reads, whatever the count */
}

/* Spec §21.5 (native, strong), on both routes: while nobody holds the file, 0 entries and no
 * reasons (§21.1); once the caller itself holds it, exactly one entry, the caller's PID, and
 * reasons exactly RmRebootReasonDetectedSelf. */
static void caller_holding_the_file(void **state)
{
    for (int kernel = 0; kernel < 2; kernel++) {
        fake_reset();
        setup(state);
        W.kernel_query = kernel;
        DWORD h = session_with(LIB, NULL);
        RM_PROCESS_INFO v[4];
        UINT needed = 9, n = 4;
        DWORD reasons = 9;
        assert_int_equal(rmcore_get_list(PF, h, &needed, &n, v, &reasons), 0);
        assert_int_equal(needed, 0);
        assert_int_equal(n, 0);
        assert_int_equal(reasons, 0);
        fake_proc_find(10)->files[0] = LIB;
        n = 4;
        assert_int_equal(rmcore_get_list(PF, h, &needed, &n, v, &reasons), 0);
        assert_int_equal(n, 1);
        assert_int_equal(v[0].Process.dwProcessId, 10);
        assert_int_equal(reasons, RmRebootReasonDetectedSelf);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(kernel_query_preferred, setup),
        cmocka_unit_test(handle_index_first),
        cmocka_unit_test_setup(enumeration_without_kernel_query, setup),
        cmocka_unit_test_setup(kernel_query_sees_modules_enumeration_cannot, setup),
        cmocka_unit_test_setup(kernel_refusal_falls_back, setup),
        cmocka_unit_test_setup(other_name_of_the_same_file, setup),
        cmocka_unit_test_setup(module_identity_once_per_path, setup),
        cmocka_unit_test_setup(caller_holding_the_file, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_getlist.c — RmGetList: the ERROR_MORE_DATA contract, matching, classification and
 * reboot reasons, directories, registered processes and services, cancellation, no store lock
 * held while enumerating. */
#include "fake_platform.h"
#include "core_internal.h"
#include <string.h>
#include <wchar.h>

#define PF fake_platform()

static int setup(void **state) { fake_reset(); return 0; }

static DWORD session_with_file(const WCHAR *file)
{
    DWORD h = fake_start(NULL);
    LPCWSTR f[] = { file };
    assert_int_equal(rmcore_register_resources(PF, h, 1, f, 0, NULL, 0, NULL), 0);
    return h;
}

static const RM_PROCESS_INFO *find_pid(const RM_PROCESS_INFO *v, UINT n, DWORD pid)
{
    for (UINT i = 0; i < n; i++) if (v[i].Process.dwProcessId == pid) return &v[i];
    fail_msg("pid %lu not listed", (unsigned long)pid);
    return NULL;
}

static void empty_list(void **state)
{
    DWORD h = session_with_file(L"C:\\nobody\\uses.this");
    UINT needed = 99, n = 0;
    DWORD reasons = 99;
    assert_int_equal(rmcore_get_list(PF, h, &needed, &n, NULL, &reasons), 0);
    assert_int_equal(needed, 0);
    assert_int_equal(n, 0);
    assert_int_equal(reasons, 0);
}

static void more_data_contract(void **state)
{
    for (DWORD pid = 100; pid < 103; pid++)
        fake_proc_add(pid, L"C:\\app\\a.exe", RMREF_PF_MAIN_WINDOW)->files[0] = L"\\\\?\\C:\\DATA\\Shared.db";
    DWORD h = session_with_file(L"c:/data/shared.db");
    UINT needed = 0, n = 0;
    DWORD reasons = 77;
    assert_int_equal(rmcore_get_list(PF, h, &needed, &n, NULL, &reasons), ERROR_MORE_DATA);
    assert_int_equal(needed, 3);
    assert_int_equal(n, 0);
    assert_int_equal(reasons, 0);

    RM_PROCESS_INFO v[4];
    memset(v, 0xAB, sizeof v);
    n = 2;
    assert_int_equal(rmcore_get_list(PF, h, &needed, &n, v, &reasons), ERROR_MORE_DATA);
    assert_int_equal(needed, 3);
    BYTE pattern[sizeof v];
    memset(pattern, 0xAB, sizeof pattern);
    assert_memory_equal(v, pattern, sizeof v);          /* nothing written on ERROR_MORE_DATA */

    n = 3;
    assert_int_equal(rmcore_get_list(PF, h, &needed, &n, v, &reasons), 0);
    assert_int_equal(n, 3);
    assert_int_equal(needed, 3);
    assert_memory_equal(&v[3], pattern, sizeof v[3]);   /* never past *pnProcInfo entries */
    const RM_PROCESS_INFO *p = find_pid(v, n, 101);
    assert_int_equal(p->ApplicationType, RmMainWindow);
    assert_int_equal(p->AppStatus, RmStatusRunning);
    assert_true(!wcscmp(p->strAppName, L"a.exe"));
    assert_int_equal(p->strServiceShortName[0], 0);
    assert_int_equal(p->TSSessionId, 1);
    assert_int_equal(memcmp(&p->Process, &(RM_UNIQUE_PROCESS){ 101, { 101 * 1000 + 7, 0 } }, sizeof p->Process), 0);

    /* recomputed every call: one of them exits */
    fake_proc_find(100)->alive = 0;
    n = 4;
    assert_int_equal(rmcore_get_list(PF, h, &needed, &n, v, &reasons), 0);
    assert_int_equal(n, 2);
}

static void bad_arguments(void **state)
{
    DWORD h = session_with_file(L"C:\\x");
    UINT needed, n = 1;
    DWORD reasons;
    assert_int_equal(rmcore_get_list(PF, h, NULL, &n, NULL, &reasons), ERROR_BAD_ARGUMENTS);
    assert_int_equal(rmcore_get_list(PF, h, &needed, NULL, NULL, &reasons), ERROR_BAD_ARGUMENTS);
    assert_int_equal(rmcore_get_list(PF, h, &needed, &n, NULL, NULL), ERROR_BAD_ARGUMENTS);
    assert_int_equal(rmcore_get_list(PF, h, &needed, &n, NULL, &reasons), ERROR_BAD_ARGUMENTS);
    n = 0;
    assert_int_equal(rmcore_get_list(PF, 4242, &needed, &n, NULL, &reasons), ERROR_INVALID_HANDLE);
}

static void directory_is_access_denied(void **state)
{
    W.directories[0] = L"C:\\some\\dir";
    DWORD h = session_with_file(L"C:\\some\\dir\\");
    UINT needed, n = 0;
    DWORD reasons;
    assert_int_equal(rmcore_get_list(PF, h, &needed, &n, NULL, &reasons), ERROR_ACCESS_DENIED);
}

/* The kind of each registered path is decided once, at registration: RmGetList looks again
 * only at paths that were not plain files then. */
static void directory_decided_at_registration(void **state)
{
    W.missing[0] = L"C:\\later\\dir";          /* nothing there when registered */
    DWORD h = fake_start(NULL);
    LPCWSTR f[] = { L"C:\\a\\one.bin", L"C:\\a\\two.bin", L"C:\\later\\dir", L"C:\\a\\three.bin" };
    assert_int_equal(rmcore_register_resources(PF, h, 4, f, 0, NULL, 0, NULL), 0);
    assert_int_equal(W.path_kind_calls, 4);        /* each looked at once when registered */
    UINT needed, n = 0;
    DWORD reasons;
    W.path_kind_calls = 0;
    assert_int_equal(rmcore_get_list(PF, h, &needed, &n, NULL, &reasons), 0);
    assert_int_equal(W.path_kind_calls, 1);        /* only the missing path again */
    /* the missing path has become a directory */
    W.missing[0] = NULL;
    W.directories[0] = L"C:\\later\\dir";
    assert_int_equal(rmcore_get_list(PF, h, &needed, &n, NULL, &reasons), ERROR_ACCESS_DENIED);
    assert_int_equal(needed, 0);
    /* registered again as a directory: still looked at, so removing it clears the error */
    assert_int_equal(rmcore_register_resources(PF, h, 1, &f[2], 0, NULL, 0, NULL), 0);
    W.directories[0] = NULL;
    W.missing[0] = L"C:\\later\\dir";
    assert_int_equal(rmcore_get_list(PF, h, &needed, &n, NULL, &reasons), 0);
}

/* A batch far larger than one registry value (1000 long paths) is stored in pieces and read
 * back whole: the last file of the batch is found. */
static void large_batch_in_pieces(void **state)
{
    DWORD h = fake_start(NULL);
    enum { N = 1000 };
    static WCHAR paths[N][160];
    LPCWSTR f[N];
    for (int i = 0; i < N; i++) {
        swprintf(paths[i], 160, L"C:\\a rather long folder name for registrations\\and another level\\file-%04d.bin", i);
        f[i] = paths[i];
    }
    assert_int_equal(rmcore_register_resources(PF, h, N, f, 0, NULL, 0, NULL), 0);
    fake_proc_add(401, L"C:\\app\\last.exe", 0)->files[0] = paths[N - 1];
    UINT needed, n = 2;
    DWORD reasons;
    RM_PROCESS_INFO apps[2];
    assert_int_equal(rmcore_get_list(PF, h, &needed, &n, apps, &reasons), 0);
    assert_int_equal(n, 1);
    assert_int_equal(apps[0].Process.dwProcessId, 401);
}

/* A batch written without kinds (an older writer) is looked at on every call. */
static void batch_without_kinds_is_rechecked(void **state)
{
    WCHAR key[RMREF_KEY_CHARS + 1];
    DWORD h = fake_start(key);
    W.directories[0] = L"C:\\old\\dir";
    unsigned char blob[64], *p = blob;
    const WCHAR *path = L"C:\\old\\dir";
    DWORD len = (DWORD)wcslen(path), zero = 0, one = 1;
    memcpy(p, &one, 4); p += 4;
    memcpy(p, &len, 4); p += 4;
    memcpy(p, path, len * 2); p += len * 2;
    memcpy(p, &zero, 4); p += 4;
    memcpy(p, &zero, 4); p += 4;
    assert_int_equal(PF->store_lock(PF->ctx), 0);
    assert_int_equal(rmref_store_append_resources(PF, key, blob, (DWORD)(p - blob)), 0);
    PF->store_unlock(PF->ctx);
    UINT needed, n = 0;
    DWORD reasons;
    assert_int_equal(rmcore_get_list(PF, h, &needed, &n, NULL, &reasons), ERROR_ACCESS_DENIED);
}

/* GetLongPathName (a file-system lookup per component) only when a '~' allows an 8.3 name. */
static void long_path_only_when_short_possible(void **state)
{
    DWORD h = fake_start(NULL);
    LPCWSTR f[] = { L"C:\\plain\\file.bin", L"relative.bin", L"C:\\LONGNA~1\\a.bin" };
    assert_int_equal(rmcore_register_resources(PF, h, 2, f, 0, NULL, 0, NULL), 0);
    assert_int_equal(W.long_path_calls, 0);
    assert_int_equal(rmcore_register_resources(PF, h, 1, &f[2], 0, NULL, 0, NULL), 0);
    assert_int_equal(W.long_path_calls, 1);
    /* the short form is stored expanded: a user of the long path is found */
    fake_proc_add(301, L"C:\\app\\u.exe", 0)->files[0] = L"C:\\long name\\A.BIN";
    UINT needed, n = 4;
    DWORD reasons;
    RM_PROCESS_INFO apps[4];
    assert_int_equal(rmcore_get_list(PF, h, &needed, &n, apps, &reasons), 0);
    assert_int_equal(n, 1);
    assert_int_equal(apps[0].Process.dwProcessId, 301);
    assert_true(rmref_path_may_be_short(L"C:\\PROGRA~1\\x"));
    assert_false(rmref_path_may_be_short(L"C:\\Program Files\\x"));
}

/* Facts are gathered once per process, the image's once per image path, the windows in one
 * pass, and the SCM is asked only when a found process may host a service. */
static void facts_once_per_image_one_window_pass(void **state)
{
    const WCHAR *lib = L"C:\\lib\\shared.dll";
    W.image_descriptions[0][0] = L"C:\\app\\same.exe";
    W.image_descriptions[0][1] = L"Same App";
    for (DWORD pid = 401; pid <= 405; pid++) fake_proc_add(pid, L"C:\\app\\same.exe", 0)->files[0] = lib;
    fake_proc_add(406, L"C:\\app\\other.exe", RMREF_PF_MAIN_WINDOW)->files[0] = lib;
    DWORD h = session_with_file(lib);
    UINT needed, n = 8;
    DWORD reasons;
    RM_PROCESS_INFO apps[8];
    assert_int_equal(rmcore_get_list(PF, h, &needed, &n, apps, &reasons), 0);
    assert_int_equal(n, 6);
    assert_int_equal(W.basic_facts_calls, 6);
    assert_int_equal(W.image_facts_calls, 2);      /* same.exe once, other.exe once */
    assert_int_equal(W.window_passes, 1);
    assert_int_equal(W.enum_services_calls, 0);    /* no process the SCM started */
    for (DWORD pid = 401; pid <= 405; pid++) {
        const RM_PROCESS_INFO *p = find_pid(apps, n, pid);
        assert_true(wcscmp(p->strAppName, L"Same App") == 0);
        assert_int_equal(p->ApplicationType, RmUnknownApp);
    }
    assert_int_equal(find_pid(apps, n, 406)->ApplicationType, RmMainWindow);
    /* a service host among them: the SCM is asked and the service is listed as such */
    fake_proc_add(407, L"C:\\svc\\host.exe", 0)->files[0] = lib;
    fake_service_add(L"fxsvc", L"Fixture Service", 407);
    n = 8;
    assert_int_equal(rmcore_get_list(PF, h, &needed, &n, apps, &reasons), 0);
    assert_int_equal(W.enum_services_calls, 1);
    assert_int_equal(find_pid(apps, n, 407)->ApplicationType, RmService);
}

static void classification_and_reasons(void **state)
{
    const WCHAR *lib = L"C:\\lib\\common.dll";
    fake_proc_find(10)->files[0] = lib;                                        /* the caller */
    fake_proc_add(201, L"C:\\app\\gui.exe", RMREF_PF_MAIN_WINDOW)->files[0] = lib;
    fake_proc_add(202, L"C:\\app\\tray.exe", RMREF_PF_OTHER_WINDOW)->files[0] = lib;
    fake_proc_add(203, L"C:\\app\\tool.exe", RMREF_PF_CONSOLE)->files[0] = lib;
    fake_proc_add(204, L"C:\\app\\bg.exe", 0)->files[0] = lib;
    fake_proc_add(205, L"C:\\Windows\\explorer.exe", RMREF_PF_MAIN_WINDOW)->files[0] = lib;
    fake_proc_add(206, L"C:\\app\\svchost.exe", 0)->files[0] = lib;
    fake_service_add(L"MySvc", L"My Service", 206);
    fake_proc_add(207, L"C:\\Windows\\System32\\csrss.exe", 0)->files[0] = lib;
    fake_proc_add(208, L"C:\\app\\admin.exe", RMREF_PF_MAIN_WINDOW | RMREF_PF_OPEN_DENIED)->files[0] = lib;
    fake_proc *other = fake_proc_add(209, L"C:\\app\\rdp.exe", RMREF_PF_MAIN_WINDOW);
    other->files[0] = lib;
    other->facts.ts_session = 2;
    fake_proc *reg = fake_proc_add(210, L"C:\\app\\restartable.exe", RMREF_PF_MAIN_WINDOW | RMREF_PF_RESTART_REG);
    reg->files[0] = lib;
    wcscpy(reg->facts.restart_args, L"/restore");
    wcscpy(reg->facts.description, L"Restartable App");
    fake_proc_add(211, L"C:\\app\\rpc.exe", 0)->files[0] = lib;
    fake_service_add(L"RpcSs", L"Remote Procedure Call (RPC)", 211);

    DWORD h = session_with_file(lib);
    RM_PROCESS_INFO v[16];
    UINT needed, n = 16;
    DWORD reasons;
    assert_int_equal(rmcore_get_list(PF, h, &needed, &n, v, &reasons), 0);
    assert_int_equal(n, 12);
    assert_int_equal(find_pid(v, n, 10)->ApplicationType, RmCritical);
    assert_int_equal(find_pid(v, n, 201)->ApplicationType, RmMainWindow);
    assert_int_equal(find_pid(v, n, 202)->ApplicationType, RmOtherWindow);
    assert_int_equal(find_pid(v, n, 203)->ApplicationType, RmConsole);
    assert_int_equal(find_pid(v, n, 204)->ApplicationType, RmUnknownApp);
    assert_int_equal(find_pid(v, n, 205)->ApplicationType, RmExplorer);
    const RM_PROCESS_INFO *svc = find_pid(v, n, 206);
    assert_int_equal(svc->ApplicationType, RmService);
    assert_true(!wcscmp(svc->strServiceShortName, L"MySvc"));
    assert_true(!wcscmp(svc->strAppName, L"My Service"));
    assert_true(svc->bRestartable);
    assert_int_equal(find_pid(v, n, 207)->ApplicationType, RmCritical);
    assert_int_equal(find_pid(v, n, 208)->ApplicationType, RmCritical);
    assert_int_equal(find_pid(v, n, 209)->ApplicationType, RmMainWindow);
    const RM_PROCESS_INFO *r = find_pid(v, n, 210);
    assert_true(r->bRestartable);
    assert_true(!wcscmp(r->strAppName, L"Restartable App"));
    assert_false(find_pid(v, n, 201)->bRestartable);
    assert_int_equal(find_pid(v, n, 211)->ApplicationType, RmCritical);
    assert_int_equal(reasons, RmRebootReasonDetectedSelf | RmRebootReasonCriticalProcess |
                     RmRebootReasonPermissionDenied | RmRebootReasonSessionMismatch |
                     RmRebootReasonCriticalService);
}

/* Spec §21.7 (native, strong): a process in another Terminal Services session that uses a
 * registered file is listed and sets RmRebootReasonSessionMismatch; also when the caller
 * cannot open it (another user's process there), where PermissionDenied applies as well. */
static void other_session_is_session_mismatch(void **state)
{
    const WCHAR *lib = L"C:\\lib\\common.dll";
    fake_proc *mine = fake_proc_add(301, L"C:\\app\\ssh-side.exe", RMREF_PF_MAIN_WINDOW);
    mine->files[0] = lib;
    mine->facts.ts_session = 2;
    DWORD h = session_with_file(lib);
    RM_PROCESS_INFO v[8];
    UINT needed, n = 8;
    DWORD reasons;
    assert_int_equal(rmcore_get_list(PF, h, &needed, &n, v, &reasons), 0);
    assert_int_equal(n, 1);
    assert_int_equal(reasons, RmRebootReasonSessionMismatch);
    fake_proc *theirs = fake_proc_add(302, L"C:\\app\\other-user.exe", RMREF_PF_MAIN_WINDOW | RMREF_PF_OPEN_DENIED);
    theirs->files[0] = lib;
    theirs->facts.ts_session = 3;
    mine->alive = 0;
    n = 8;
    assert_int_equal(rmcore_get_list(PF, h, &needed, &n, v, &reasons), 0);
    assert_int_equal(n, 1);
    assert_int_equal(reasons, RmRebootReasonSessionMismatch | RmRebootReasonPermissionDenied);
}

static void registered_processes_and_services(void **state)
{
    fake_proc_add(301, L"C:\\app\\p.exe", RMREF_PF_MAIN_WINDOW);
    fake_proc_add(302, L"C:\\svc\\host.exe", 0);
    fake_service_add(L"Spooler", L"Print Spooler", 302);
    DWORD h = fake_start(NULL);
    RM_UNIQUE_PROCESS procs[] = { fake_unique(301), fake_unique(301), { 303, { 1, 2 } } };
    RM_UNIQUE_PROCESS stale = fake_unique(301);
    stale.ProcessStartTime.dwLowDateTime++;                      /* same PID, other instance */
    LPCWSTR svcs[] = { L"spooler", L"NoSuchService" };
    assert_int_equal(rmcore_register_resources(PF, h, 0, NULL, 3, procs, 2, svcs), 0);
    assert_int_equal(rmcore_register_resources(PF, h, 0, NULL, 1, &stale, 0, NULL), 0);
    RM_PROCESS_INFO v[8];
    UINT needed, n = 8;
    DWORD reasons;
    assert_int_equal(rmcore_get_list(PF, h, &needed, &n, v, &reasons), 0);
    assert_int_equal(n, 2);
    assert_int_equal(find_pid(v, n, 301)->ApplicationType, RmMainWindow);
    assert_true(!wcscmp(find_pid(v, n, 302)->strServiceShortName, L"Spooler"));
}

static void relative_path_against_cwd(void **state)
{
    fake_proc_add(401, L"C:\\app\\a.exe", RMREF_PF_MAIN_WINDOW)->files[0] = L"C:\\cwd\\data.bin";
    DWORD h = session_with_file(L"data.bin");
    UINT needed, n = 0;
    DWORD reasons;
    assert_int_equal(rmcore_get_list(PF, h, &needed, &n, NULL, &reasons), ERROR_MORE_DATA);
    assert_int_equal(needed, 1);
}

static void no_store_lock_while_enumerating(void **state)
{
    fake_proc_add(501, L"C:\\app\\a.exe", RMREF_PF_MAIN_WINDOW)->files[0] = L"C:\\f";
    DWORD h = session_with_file(L"C:\\f");
    UINT needed, n = 0;
    DWORD reasons;
    rmcore_get_list(PF, h, &needed, &n, NULL, &reasons);
    assert_int_equal(W.max_locked_during_enum, 0);
    assert_int_equal(W.locked, 0);
}

static DWORD g_cancel_handle;
static void cancel_now(void) { assert_int_equal(rmcore_cancel_current_task(fake_platform(), g_cancel_handle), 0); }

static void cancel_during_enumeration(void **state)
{
    fake_proc_add(601, L"C:\\app\\a.exe", RMREF_PF_MAIN_WINDOW)->files[0] = L"C:\\f";
    DWORD h = session_with_file(L"C:\\f");
    UINT needed, n = 0;
    DWORD reasons;
    /* with nothing running, a cancel is accepted and forgotten */
    assert_int_equal(rmcore_cancel_current_task(PF, h), 0);
    assert_int_equal(rmcore_get_list(PF, h, &needed, &n, NULL, &reasons), ERROR_MORE_DATA);
    g_cancel_handle = h;
    W.on_tick = cancel_now;
    assert_int_equal(rmcore_get_list(PF, h, &needed, &n, NULL, &reasons), ERROR_CANCELLED);
    W.on_tick = NULL;
    assert_int_equal(rmcore_get_list(PF, h, &needed, &n, NULL, &reasons), ERROR_MORE_DATA);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(empty_list, setup),
        cmocka_unit_test_setup(more_data_contract, setup),
        cmocka_unit_test_setup(bad_arguments, setup),
        cmocka_unit_test_setup(facts_once_per_image_one_window_pass, setup),
        cmocka_unit_test_setup(directory_decided_at_registration, setup),
        cmocka_unit_test_setup(batch_without_kinds_is_rechecked, setup),
        cmocka_unit_test_setup(large_batch_in_pieces, setup),
        cmocka_unit_test_setup(long_path_only_when_short_possible, setup),
        cmocka_unit_test_setup(directory_is_access_denied, setup),
        cmocka_unit_test_setup(classification_and_reasons, setup),
        cmocka_unit_test_setup(registered_processes_and_services, setup),
        cmocka_unit_test_setup(other_session_is_session_mismatch, setup),
        cmocka_unit_test_setup(relative_path_against_cwd, setup),
        cmocka_unit_test_setup(no_store_lock_while_enumerating, setup),
        cmocka_unit_test_setup(cancel_during_enumeration, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_idcache.c — identities kept between RmGetList calls (core/idcache.c): on the
 * enumeration route a registered file's identity is read once per process, not once per call;
 * a path that had none is asked every call; a match made with a kept identity is confirmed on
 * what is there now; RmShutdown and RmRestart forget what was kept. */
#include "fake_platform.h"
#include "core_internal.h"
#include <string.h>
#include <wchar.h>

#define PF fake_platform()
#define LIB FAKE_LIB
#define LIB_LINK FAKE_LIB_LINK                    /* another name of LIB */
#define NEW_LIB L"C:\\lib\\new\\common.dll"        /* what LIB_LINK names once replaced */
#define setup fake_setup_alias
#define session_with fake_session_with
#define listed fake_listed

/* The second RmGetList reads no identity: neither the registered files' nor the images' and
 * modules' (all kept from the first); the match by another name still holds. */
static void identities_read_once_per_process(void **state)
{
    fake_proc_add(301, L"C:\\app\\a.exe", RMREF_PF_MAIN_WINDOW)->files[0] = LIB;
    fake_proc_add(302, L"C:\\app\\b.exe", RMREF_PF_MAIN_WINDOW)->modules[0] = LIB;
    DWORD h = session_with(LIB_LINK, L"C:\\lib\\other.dll");
    W.identity_calls = 0;
    assert_true(listed(h, 301));
    assert_true(W.identity_calls >= 2);           /* the two registered files, images, modules */
    /* per call now: 301's handle brings its identity (the fake platform reads it: 1), its
     * match is confirmed by reading LIB_LINK again (1); 302's module path had its identity
     * kept, so its match reads both again (2). Nothing else: no registered file, image or
     * module path is read. */
    W.identity_calls = 0;
    assert_true(listed(h, 302));
    assert_int_equal(W.identity_calls, 1 + 1 + 2);
    fake_proc_find(302)->modules[0] = NULL;
    W.identity_calls = 0;
    assert_true(listed(h, 301));
    assert_int_equal(W.identity_calls, 1 + 1);
}

/* A registered path where nothing was is asked again every call: the file created after
 * registration is matched by its other name at once. */
static void missing_file_asked_every_call(void **state)
{
    W.missing[0] = LIB_LINK;
    fake_proc_add(311, L"C:\\app\\a.exe", RMREF_PF_MAIN_WINDOW)->files[0] = LIB;
    DWORD h = session_with(LIB_LINK, NULL);
    assert_false(listed(h, 311));
    assert_false(listed(h, 311));
    W.missing[0] = NULL;
    assert_true(listed(h, 311));
}

/* LIB_LINK is replaced by another file after its identity was kept. The process holding the
 * old file (by its other name) is not a user any more: the kept identity matches, the
 * confirmation reads what is there now and says no. The process holding the new file by its
 * other name is found once the kept identity was corrected (here by that confirmation, earlier
 * in the same call), and at once after RmShutdown, which forgets every kept identity. */
static void replaced_file_decided_on_what_is_there_now(void **state)
{
    fake_proc_add(321, L"C:\\app\\old.exe", RMREF_PF_MAIN_WINDOW)->files[0] = LIB;
    fake_proc_add(322, L"C:\\app\\new.exe", RMREF_PF_MAIN_WINDOW)->files[0] = NEW_LIB;
    DWORD h = session_with(LIB_LINK, NULL);
    assert_true(listed(h, 321));
    assert_false(listed(h, 322));
    W.aliases[0][1] = NEW_LIB;                    /* LIB_LINK now names another file */
    assert_false(listed(h, 321));
    assert_true(listed(h, 322));

    /* the other order: the new file's user is met before anything corrects the kept identity */
    setup(state);
    fake_proc_add(332, L"C:\\app\\new.exe", RMREF_PF_MAIN_WINDOW)->files[0] = NEW_LIB;
    h = session_with(LIB_LINK, NULL);
    DWORD other = session_with(L"C:\\nobody\\uses.dll", NULL);
    assert_false(listed(h, 332));                 /* LIB_LINK's identity (LIB's) is kept */
    W.aliases[0][1] = NEW_LIB;
    assert_false(listed(h, 332));                 /* not noticed: nothing matched the kept one */
    assert_int_equal(rmcore_shutdown(PF, other, 0, NULL), 0);     /* forgets every kept identity */
    assert_true(listed(h, 332));
}

/* RmRestart forgets too (RmShutdown, which RmRestart needs first, is called before the
 * identity is kept). */
static void restart_forgets(void **state)
{
    fake_proc_add(342, L"C:\\app\\new.exe", RMREF_PF_MAIN_WINDOW)->files[0] = NEW_LIB;
    DWORD h = session_with(LIB_LINK, NULL);
    DWORD other = session_with(L"C:\\nobody\\uses.dll", NULL);
    assert_int_equal(rmcore_shutdown(PF, other, 0, NULL), 0);
    assert_false(listed(h, 342));                 /* LIB_LINK's identity (LIB's) is kept */
    W.aliases[0][1] = NEW_LIB;
    assert_false(listed(h, 342));
    assert_int_equal(rmcore_restart(PF, other, 0, NULL), 0);
    assert_true(listed(h, 342));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(identities_read_once_per_process, setup),
        cmocka_unit_test_setup(missing_file_asked_every_call, setup),
        cmocka_unit_test_setup(replaced_file_decided_on_what_is_there_now, setup),
        cmocka_unit_test_setup(restart_forgets, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_filters.c — RmAddFilter / RmRemoveFilter / RmGetFilterList: argument rules, latest
 * wins, removal, the packed buffer and its sizing. */
#include "fake_platform.h"
#include "core_internal.h"
#include <string.h>
#include <wchar.h>

#define PF fake_platform()

static int setup(void **state) { fake_reset(); return 0; }

static void argument_rules(void **state)
{
    DWORD h = fake_start(NULL);
    RM_UNIQUE_PROCESS p = { 5, { 1, 2 } };
    assert_int_equal(rmcore_add_filter(PF, h, NULL, NULL, NULL, RmNoRestart), ERROR_BAD_ARGUMENTS);
    assert_int_equal(rmcore_add_filter(PF, h, L"C:\\a.exe", &p, NULL, RmNoRestart), ERROR_BAD_ARGUMENTS);
    assert_int_equal(rmcore_add_filter(PF, h, L"C:\\a.exe", NULL, NULL, RmInvalidFilterAction), ERROR_BAD_ARGUMENTS);
    assert_int_equal(rmcore_add_filter(PF, h, L"C:\\a.exe", NULL, NULL, (RM_FILTER_ACTION)7), ERROR_BAD_ARGUMENTS);
    assert_int_equal(rmcore_add_filter(PF, h, NULL, NULL, L"", RmNoRestart), ERROR_BAD_ARGUMENTS);
    assert_int_equal(rmcore_add_filter(PF, 999, NULL, NULL, L"svc", RmNoRestart), ERROR_INVALID_HANDLE);
    assert_int_equal(rmcore_remove_filter(PF, h, NULL, NULL, NULL), ERROR_BAD_ARGUMENTS);
    assert_int_equal(rmcore_remove_filter(PF, h, NULL, NULL, L"svc"), ERROR_FILE_NOT_FOUND);
    DWORD needed;
    BYTE b[8];
    assert_int_equal(rmcore_get_filter_list(PF, h, NULL, 0, NULL), ERROR_BAD_ARGUMENTS);
    assert_int_equal(rmcore_get_filter_list(PF, h, NULL, 8, &needed), ERROR_BAD_ARGUMENTS);
    assert_int_equal(rmcore_get_filter_list(PF, h, b, sizeof b, &needed), 0);
    assert_int_equal(needed, 0);
}

static void latest_wins_and_remove(void **state)
{
    DWORD h = fake_start(NULL);
    assert_int_equal(rmcore_add_filter(PF, h, NULL, NULL, L"Spooler", RmNoRestart), 0);
    assert_int_equal(rmcore_add_filter(PF, h, NULL, NULL, L"spooler", RmNoShutdown), 0);
    BYTE buf[512];
    DWORD needed;
    assert_int_equal(rmcore_get_filter_list(PF, h, buf, sizeof buf, &needed), 0);
    RM_FILTER_INFO *f = (RM_FILTER_INFO *)buf;
    assert_int_equal(f->FilterAction, RmNoShutdown);
    assert_int_equal(f->cbNextOffset, 0);
    assert_true(!wcscmp(f->strServiceShortName, L"Spooler"));
    assert_int_equal(rmcore_remove_filter(PF, h, NULL, NULL, L"SPOOLER"), 0);
    assert_int_equal(rmcore_remove_filter(PF, h, NULL, NULL, L"SPOOLER"), ERROR_FILE_NOT_FOUND);
    assert_int_equal(rmcore_get_filter_list(PF, h, buf, sizeof buf, &needed), 0);
    assert_int_equal(needed, 0);
}

static void packed_buffer(void **state)
{
    DWORD h = fake_start(NULL);
    RM_UNIQUE_PROCESS p = { 1234, { 55, 66 } };
    assert_int_equal(rmcore_add_filter(PF, h, L"C:\\app\\x.exe", NULL, NULL, RmNoRestart), 0);
    assert_int_equal(rmcore_add_filter(PF, h, NULL, &p, NULL, RmNoShutdown), 0);
    assert_int_equal(rmcore_add_filter(PF, h, NULL, NULL, L"svc", RmNoRestart), 0);
    DWORD needed = 0;
    assert_int_equal(rmcore_get_filter_list(PF, h, NULL, 0, &needed), ERROR_MORE_DATA);
    assert_true(needed >= 3 * sizeof(RM_FILTER_INFO));
    BYTE small[16];
    memset(small, 0x5A, sizeof small);
    DWORD n2;
    assert_int_equal(rmcore_get_filter_list(PF, h, small, sizeof small, &n2), ERROR_MORE_DATA);
    assert_int_equal(n2, needed);
    for (size_t i = 0; i < sizeof small; i++) assert_int_equal(small[i], 0x5A);

    BYTE *buf = test_malloc(needed + 16);
    memset(buf, 0xEE, needed + 16);
    assert_int_equal(rmcore_get_filter_list(PF, h, buf, needed, &n2), 0);
    for (DWORD i = needed; i < needed + 16; i++) assert_int_equal(buf[i], 0xEE);
    int seen = 0;
    for (BYTE *at = buf;; ) {
        RM_FILTER_INFO *f = (RM_FILTER_INFO *)at;
        if (f->FilterTrigger == RmFilterTriggerFile) {
            assert_true(!wcscmp(f->strFilename, L"C:\\app\\x.exe"));
            assert_true((BYTE *)f->strFilename > at && (BYTE *)f->strFilename < buf + needed);
            seen |= 1;
        } else if (f->FilterTrigger == RmFilterTriggerProcess) {
            assert_int_equal(f->Process.dwProcessId, 1234);
            assert_int_equal(f->Process.ProcessStartTime.dwHighDateTime, 66);
            assert_int_equal(f->FilterAction, RmNoShutdown);
            seen |= 2;
        } else {
            assert_int_equal(f->FilterTrigger, RmFilterTriggerService);
            assert_true(!wcscmp(f->strServiceShortName, L"svc"));
            seen |= 4;
        }
        if (!f->cbNextOffset) break;
        at += f->cbNextOffset;
        assert_true(at < buf + needed);
    }
    assert_int_equal(seen, 7);
    test_free(buf);
}

/* A RmNoShutdown entry is not something RmShutdown will act on, so its reboot reason must not
 * stop RmShutdown (350); RmGetList and RmShutdown agree: the reasons RmGetList reports are
 * exactly those that make RmShutdown refuse (spec §8.5 "do not expect RmShutdown to succeed",
 * §8.6 items 4 and 7). The filtered entry itself stays listed, ShutdownMasked. */
static void masked_entry_reason_agrees_with_shutdown(void **state)
{
    const WCHAR *lib = L"C:\\lib\\common.dll";
    fake_proc_find(10)->files[0] = lib;                   /* the caller: DetectedSelf */
    fake_proc_add(120, L"C:\\app\\gui.exe", RMREF_PF_MAIN_WINDOW)->files[0] = lib;
    DWORD h = fake_start(NULL);
    LPCWSTR f[] = { lib };
    assert_int_equal(rmcore_register_resources(PF, h, 1, f, 0, NULL, 0, NULL), 0);
    RM_PROCESS_INFO v[8];
    UINT needed, n = 8;
    DWORD reasons;
    assert_int_equal(rmcore_get_list(PF, h, &needed, &n, v, &reasons), 0);
    assert_int_equal(reasons, RmRebootReasonDetectedSelf);       /* unfiltered: reported */

    RM_UNIQUE_PROCESS me = W.self;
    assert_int_equal(rmcore_add_filter(PF, h, NULL, &me, NULL, RmNoShutdown), 0);
    n = 8;
    assert_int_equal(rmcore_get_list(PF, h, &needed, &n, v, &reasons), 0);
    assert_int_equal(n, 2);
    assert_int_equal(reasons, RmRebootReasonNone);                /* what RmShutdown will face */
    int masked = 0;
    for (UINT i = 0; i < n; i++)
        if (v[i].Process.dwProcessId == 10) masked = (v[i].AppStatus & RmStatusShutdownMasked) != 0;
    assert_true(masked);
    assert_int_equal(rmcore_shutdown(PF, h, 0, NULL), 0);         /* and it agrees: no 350 */
    assert_null(fake_proc_find(120));

    /* a RmNoRestart filter does not stop the shutdown from facing the reason: both report it */
    assert_int_equal(rmcore_add_filter(PF, h, NULL, &me, NULL, RmNoRestart), 0);
    n = 8;
    assert_int_equal(rmcore_get_list(PF, h, &needed, &n, v, &reasons), 0);
    assert_int_equal(reasons, RmRebootReasonDetectedSelf);
    assert_int_equal(rmcore_shutdown(PF, h, 0, NULL), ERROR_FAIL_NOACTION_REBOOT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(argument_rules, setup),
        cmocka_unit_test_setup(latest_wins_and_remove, setup),
        cmocka_unit_test_setup(packed_buffer, setup),
        cmocka_unit_test_setup(masked_entry_reason_agrees_with_shutdown, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

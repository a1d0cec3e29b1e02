/* test_service_watch.c — which new services the runner counts as the suite's own fixtures
 * (harness/service_watch.c). A case running beside others may point its fixture service at a
 * file in its scratch folder (restart.service_start_fails: an image that does not exist); that
 * service must not be blamed on whichever case ends meanwhile, while a service an
 * implementation installs is still reported, whatever its name. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "service_watch.h"

#define ROOT L"C:\\users\\me\\Temp\\rmconform"

static void fixture_program_is_the_suites(void **state)
{
    (void)state;
    assert_true(service_is_suite_fixture(L"rmfx-1234-order", L"C:\\build\\bin\\rmfx-svc.exe", L"rmfx-", ROOT));
    /* Configuration no longer readable: its case is deleting it. */
    assert_true(service_is_suite_fixture(L"rmfx-1234-order", L"", L"rmfx-", ROOT));
}

static void image_in_a_scratch_folder_is_the_suites(void **state)
{
    (void)state;
    assert_true(service_is_suite_fixture(L"RMFX-77-nostart", ROOT L"\\run-1\\restart.service_start_fails\\no-such-service-image.exe",
                                         L"rmfx-", ROOT));
}

static void anything_else_is_reported(void **state)
{
    (void)state;
    /* Not named as the suite's. */
    assert_false(service_is_suite_fixture(L"evil", L"C:\\build\\bin\\rmfx-svc.exe", L"rmfx-", ROOT));
    assert_false(service_is_suite_fixture(L"evil", ROOT L"\\run-1\\x.exe", L"rmfx-", ROOT));
    /* Named as the suite's, but running some other program outside the scratch folders. */
    assert_false(service_is_suite_fixture(L"rmfx-1-x", L"C:\\tools\\other.exe", L"rmfx-", ROOT));
    /* A folder whose name merely starts like the scratch root. */
    assert_false(service_is_suite_fixture(L"rmfx-1-x", ROOT L"-not\\x.exe", L"rmfx-", ROOT));
    /* No prefix or no root given: only the fixture program counts. */
    assert_false(service_is_suite_fixture(L"rmfx-1-x", ROOT L"\\run-1\\x.exe", L"rmfx-", NULL));
    assert_false(service_is_suite_fixture(L"rmfx-1-x", L"C:\\build\\bin\\rmfx-svc.exe", NULL, ROOT));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fixture_program_is_the_suites),
        cmocka_unit_test(image_in_a_scratch_folder_is_the_suites),
        cmocka_unit_test(anything_else_is_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

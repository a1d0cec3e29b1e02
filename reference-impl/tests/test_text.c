/* test_text.c — session-key text, path normalisation, path sets, blob encoding. */
#include "fake_platform.h"
#include "core_internal.h"
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

static void key_from_bytes_is_32_lower_hex(void **state)
{
    unsigned char b[16];
    for (int i = 0; i < 16; i++) b[i] = (unsigned char)(i * 17);
    WCHAR key[RMREF_KEY_CHARS + 1];
    rmref_key_from_bytes(b, key);
    assert_int_equal(wcslen(key), 32);
    assert_true(!wcscmp(key, L"00112233445566778899aabbccddeeff"));
}

static void key_parse_accepts_exactly_32_hex(void **state)
{
    WCHAR out[RMREF_KEY_CHARS + 1];
    assert_true(rmref_key_parse(L"00112233445566778899AABBCCDDEEFF", out));
    assert_true(!wcscmp(out, L"00112233445566778899aabbccddeeff"));
    assert_false(rmref_key_parse(L"00112233445566778899aabbccddeef", out));    /* 31 */
    assert_false(rmref_key_parse(L"00112233445566778899aabbccddeeff0", out));  /* 33 */
    assert_false(rmref_key_parse(L"{0112233445566778899aabbccddeeff", out));
    assert_false(rmref_key_parse(L"", out));
}

static void check_norm(const WCHAR *in, const WCHAR *want)
{
    WCHAR buf[256];
    wcscpy(buf, in);
    rmref_path_normalize(buf);
    if (wcscmp(buf, want)) fail_msg("normalize(%ls) = %ls, want %ls", in, buf, want);
}

static void path_normalize_forms(void **state)
{
    check_norm(L"C:\\a\\b.txt", L"C:\\a\\b.txt");
    check_norm(L"\\\\?\\C:\\a\\b.txt", L"C:\\a\\b.txt");
    check_norm(L"\\??\\C:\\a\\b.txt", L"C:\\a\\b.txt");
    check_norm(L"\\\\?\\UNC\\srv\\share\\f", L"\\\\srv\\share\\f");
    check_norm(L"\\\\srv\\share\\f", L"\\\\srv\\share\\f");
    check_norm(L"C:/a//b/", L"C:\\a\\b");
    check_norm(L"C:\\", L"C:\\");
}

static void path_set_case_insensitive_and_grows(void **state)
{
    rmref_path_set s = {0};
    WCHAR buf[64];
    for (int i = 0; i < 1000; i++) {
        swprintf(buf, 64, L"C:\\dir\\file%d.dll", i);
        assert_true(rmref_path_set_add(&s, buf));
    }
    assert_true(rmref_path_set_add(&s, L"C:\\DIR\\FILE7.DLL"));   /* duplicate, case-insensitive */
    assert_int_equal(s.count, 1000);
    assert_true(rmref_path_set_contains(&s, L"c:\\dir\\file999.DLL"));
    assert_false(rmref_path_set_contains(&s, L"c:\\dir\\file1000.dll"));
    rmref_path_set_free(&s);
}

static void blob_round_trip_and_truncation(void **state)
{
    rmref_wbuf wb = {0};
    wb_u32(&wb, 0x12345678);
    wb_str(&wb, L"hello");
    rmref_rbuf rb = { wb.p, wb.len, 0, 0 };
    assert_int_equal(rb_u32(&rb), 0x12345678);
    WCHAR *s = rb_strdup(&rb);
    assert_true(s && !wcscmp(s, L"hello"));
    free(s);
    assert_false(rb.bad);
    rb_u32(&rb);                                  /* past the end: marked bad, no read */
    assert_true(rb.bad);
    rmref_rbuf cut = { wb.p, wb.len - 2, 0, 0 };   /* truncated string */
    rb_u32(&cut);
    assert_null(rb_strdup(&cut));
    assert_true(cut.bad);
    wb_free(&wb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(key_from_bytes_is_32_lower_hex),
        cmocka_unit_test(key_parse_accepts_exactly_32_hex),
        cmocka_unit_test(path_normalize_forms),
        cmocka_unit_test(path_set_case_insensitive_and_grows),
        cmocka_unit_test(blob_round_trip_and_truncation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

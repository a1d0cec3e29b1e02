/* test_encoders.c — the runner's text encoders (harness/util.c): every result file is UTF-8 and
 * XML 1.0 whatever the implementation returned or printed, observation values are exactly one
 * JSON value, and messages show lone surrogates as escapes (issue 15). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

static char *json_of(const char *utf8)
{
    rmc_buf b = {0};
    buf_json_str(&b, utf8);
    return b.data;
}

static void json_str_replaces_invalid_utf8(void **state)
{
    /* 0xFC: "ü" in cp1252 (a module name from GetModuleFileNameA); ED A0 80: an encoded surrogate. */
    char *s = json_of("a\xFC" "b\xED\xA0\x80" "c\xC3\xBC\xF0\x9F\x98\x80");
    assert_string_equal(s, "\"a\xEF\xBF\xBD" "b\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" "c\xC3\xBC\xF0\x9F\x98\x80\"");
    free(s);
    s = json_of("tab\there \x01 nel\xC2\x85 ls\xE2\x80\xA8");
    assert_string_equal(s, "\"tab\\there \\u0001 nel\\u0085 ls\\u2028\"");
    free(s);
}

static void json_wstr_pairs_and_lone_surrogates(void **state)
{
    static const WCHAR name[] = {'b', 0xD800, '-', 0xDC00, 0xD83D, 0xDE00, '"', 0};
    rmc_buf b = {0};
    buf_json_wstr(&b, name, 64);
    assert_string_equal(b.data, "\"b\xEF\xBF\xBD-\xEF\xBF\xBD\xF0\x9F\x98\x80\\\"\"");
    buf_free(&b);
    /* Bounded: no terminator within max_chars, and a pair cut at the bound. */
    static const WCHAR cut[] = {'x', 0xD83D, 0xDE00};
    buf_json_wstr(&b, cut, 2);
    assert_string_equal(b.data, "\"x\xEF\xBF\xBD\"");
    buf_free(&b);
}

static void shown_spells_lone_surrogates(void **state)
{
    static const WCHAR name[] = {'b', 0xD800, 0x85, 0xD83D, 0xDE00, '\\', 0};
    char *s = rmc_wstr_shown(name, 64);
    assert_string_equal(s, "b\\ud800\\u0085\xF0\x9F\x98\x80\\\\");
    free(s);
}

static void xml_drops_what_xml_forbids(void **state)
{
    rmc_buf b = {0};
    buf_xml_str(&b, "<a>&\"\x01\x1F\t\n\r\xEF\xBF\xBE\xFF ok\xC3\xA9");
    assert_string_equal(b.data, "&lt;a&gt;&amp;&quot;\xEF\xBF\xBD\xEF\xBF\xBD&#9;&#10;&#13;\xEF\xBF\xBD\xEF\xBF\xBD ok\xC3\xA9");
    buf_free(&b);
}

static void decode_keeps_lone_surrogates_visible(void **state)
{
    char *s = json_str_decode("\"a\\ud83d\\ude00b\\ud800c\\u00e9\\n\"");
    assert_string_equal(s, "a\xF0\x9F\x98\x80" "b\\ud800c\xC3\xA9\n");
    free(s);
    s = json_str_decode("\"x\xFFy\"");
    assert_string_equal(s, "x\xEF\xBF\xBDy");
    free(s);
}

static void observation_values_are_one_json_value(void **state)
{
    rmc_buf b = {0};
    assert_true(json_value_clean(" {\"a\":[1,-2.5e3,true,null,\"x\"],\"b\":{}} ", &b));
    assert_string_equal(b.data, "{\"a\": [1, -2.5e3, true, null, \"x\"], \"b\": {}}");
    assert_true(json_value_clean("\"\\ud800 and \\ud83d\\ude00\"", &b));
    assert_string_equal(b.data, "\"\\ufffd and \\ud83d\\ude00\"");
    assert_true(json_value_clean("\"\xFF\"", &b));
    assert_string_equal(b.data, "\"\xEF\xBF\xBD\"");
    static const char *const bad[] = {"", "hello from the DLL", "{\"a\": 1} trailing", "[1,]", "{\"a\" 1}", "01",
                                      "\"unterminated", "\"tab\tinside\"", "1.", "nul", "[[[[", "\"\\x\""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (json_value_clean(bad[i], &b)) fail_msg("accepted as JSON: %s", bad[i]);
    buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(json_str_replaces_invalid_utf8),
        cmocka_unit_test(json_wstr_pairs_and_lone_surrogates),
        cmocka_unit_test(shown_spells_lone_surrogates),
        cmocka_unit_test(xml_drops_what_xml_forbids),
        cmocka_unit_test(decode_keeps_lone_surrogates_visible),
        cmocka_unit_test(observation_values_are_one_json_value),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* selftest.c — `rmconform --selftest`: the runner checks its own fixtures, never an
 * implementation. First the preflight every run makes (preflight.c), then the fuller checks of
 * selftest_cases.c, each in a case process like a case. The secondary installer's checks need
 * an implementation to drive it: rmref.dll beside rmconform.exe, or --dll PATH; without one they
 * are left out and said so. Prints a line per check and a summary; exit 0 when every check and
 * every fixture's preflight passed, 1 otherwise, 2 on bad input. */
#include "runner.h"
#include "preflight.h"
#include <stdlib.h>
#include <string.h>

static int select_checks(run_state *r, const rmc_options *o, int have_impl)
{
    r->selected = calloc(rmc_selftest_cases_count + 1, sizeof(*r->selected));
    for (int g = 0; g < o->nglobs; g++) {
        char *glob = utf8_from_wide(o->globs[g]);
        int hit = 0;
        for (size_t i = 0; i < rmc_selftest_cases_count && !hit; i++) hit = glob_match(glob, rmc_selftest_cases[i].id);
        if (!hit) {
            fprintf(stderr, "rmconform: error: no self-test check matches '%s' (they are selftest.*)\n", glob);
            return 0;
        }
        free(glob);
    }
    int left_out = 0;
    for (size_t i = 0; i < rmc_selftest_cases_count; i++) {
        const rmc_case *c = &rmc_selftest_cases[i];
        int take = o->nglobs == 0;
        for (int g = 0; g < o->nglobs && !take; g++) {
            char *glob = utf8_from_wide(o->globs[g]);
            take = glob_match(glob, c->id);
            free(glob);
        }
        if (!take) continue;
        if (c->exports && !have_impl) { left_out++; continue; }
        r->selected[r->nselected++] = c;
    }
    if (left_out)
        printf("rmconform: selftest: no rmref.dll beside rmconform.exe (and no --dll): %d check(s) of the secondary "
               "installer, which need an implementation to drive it, were not run\n", left_out);
    return 1;
}

int selftest_main(const rmc_options *o)
{
    SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX | SEM_NOOPENFILEERRORBOX);
    run_state r = {0};
    r.o = o;
    strcpy(r.impl_name, "selftest");

    /* The implementation the secondary's checks drive. */
    static WCHAR impl[MAX_PATH];
    if (o->dll) GetFullPathNameW(o->dll, MAX_PATH, impl, NULL);
    else _snwprintf(impl, MAX_PATH, L"%lsrmref.dll", self_dir());
    int have_impl = GetFileAttributesW(impl) != INVALID_FILE_ATTRIBUTES;
    if (o->dll && !have_impl) {
        fprintf(stderr, "rmconform: error: no such file: %ls\n", impl);
        return RMC_EXIT_BAD_INPUT;
    }
    if (!select_checks(&r, o, have_impl)) return RMC_EXIT_BAD_INPUT;
    if (have_impl) {
        HMODULE m = load_implementation(impl, 0);
        if (m) {
            r.exports = load_exports(m);
            FreeLibrary(m);
        }
        r.impl_path = impl;
    } else {
        /* Every case process loads an implementation before its body: without rmref, a DLL with
         * no RM exports stands in (the checks that call RM functions were left out above). */
        _snwprintf(impl, MAX_PATH, L"%lsrmfx-module.dll", self_dir());
        r.impl_path = impl;
    }

    rmc_osinfo os;
    os_detect(&os);
    r.profile = o->os_given ? o->os : os.detected;
    _snwprintf(r.run_id, 32, L"%lx%04lx", (unsigned long)GetCurrentProcessId(), (unsigned long)(GetTickCount() & 0xffff));
    WCHAR tmp[MAX_PATH];
    GetTempPathW(MAX_PATH, tmp);
    _snwprintf(r.scratch_dir, MAX_PATH, L"%lsrmconform\\%ls", tmp, r.run_id);
    if (o->out) GetFullPathNameW(o->out, MAX_PATH, r.out_dir, NULL);
    else _snwprintf(r.out_dir, MAX_PATH, L"%lsrmconform-selftest-%ls", tmp, r.run_id);
    if (!make_dirs(r.out_dir)) {
        fprintf(stderr, "rmconform: error: cannot create the output folder %ls\n", r.out_dir);
        return RMC_EXIT_BAD_INPUT;
    }

    rmc_buf platform = {0};
    char details[RMC_CAP_COUNT_][256];
    r.caps = platform_probe(&platform, details);
    for (int i = 0; i < RMC_CAP_COUNT_; i++) r.cap_detail[i] = _strdup(details[i]);

    printf("rmconform %s: self-test of the fixtures on %s%s%s%s\n", RMC_VERSION, rmc_os_name(r.profile),
           os.wine[0] ? " (Wine " : "", os.wine, os.wine[0] ? ")" : "");
    fflush(stdout);
    int preflight_failed = 0;
    char *fixtures = preflight_run(r.caps, r.run_id, 1, &preflight_failed);
    /* Here a broken fixture is the finding: its checks run in full and fail with the detail,
     * instead of being turned into `unsupported` as in a conformance run. */
    SetEnvironmentVariableW(RMC_PREFLIGHT_ENV, NULL);
    char *platform_json = preflight_add_to_platform(platform.data, fixtures);

    rmc_buf *h = &r.header;
    buf_printf(h, "\"tool\": {\"name\": \"rmconform\", \"version\": \"%s\", \"arch\": \"%s\"}, ", RMC_VERSION, RMC_ARCH);
    buf_puts(h, "\"implementation\": {\"name\": \"selftest\", \"path\": ");
    buf_json_wstr(h, have_impl ? impl : L"", MAX_PATH);
    buf_printf(h, ", \"sha256\": null, \"arch\": \"%s\", \"file_version\": null}, \"os\": {\"name\": ", RMC_ARCH);
    buf_json_str(h, rmc_os_name(r.profile));
    buf_printf(h, ", \"major\": %lu, \"minor\": %lu, \"build\": %lu, \"wine\": ", (unsigned long)os.major,
               (unsigned long)os.minor, (unsigned long)os.build);
    if (os.wine[0]) buf_json_str(h, os.wine); else buf_puts(h, "null");
    buf_puts(h, "}, \"platform\": ");
    buf_puts(h, platform_json);
    free(platform_json);

    iso_time_now(r.started);
    results_begin(&r);
    runner_run(&r);
    results_end(&r);
    if (preflight_failed) printf("%d fixture(s) failed the preflight (see above)\n", preflight_failed);
    if (!o->out) remove_tree(r.out_dir);
    int bad = preflight_failed + r.counts[ST_FAIL] + r.counts[ST_CRASH] + r.counts[ST_TIMEOUT] + r.counts[ST_BLOCKED];
    return bad ? RMC_EXIT_FAILURES : RMC_EXIT_OK;
}

/* results.c — the results contract (docs/results-format.md, schema 2): results.jsonl as cases
 * finish, results.json and junit.xml at the end, and the console lines with the contract
 * conformance headline. A run starts by removing the previous run's files from its folder, so a
 * run that does not finish never leaves an older complete run's results in place; a file that
 * cannot be written ends the run with exit code 2 and one line naming it. */
#include "runner.h"
#include <stdlib.h>
#include <string.h>

static const char *const status_names[ST_COUNT] = {"pass", "fail", "crash", "timeout", "blocked", "observed", "unsupported", "skip"};

const char *status_name(rmc_status s) { return status_names[s]; }

static void out_path(const run_state *r, const WCHAR *name, WCHAR *path)
{
    _snwprintf(path, RMC_PATH_CCH, L"%ls\\%ls", r->out_dir, name);
    path[RMC_PATH_CCH - 1] = 0;
}

static void write_failed(const WCHAR *path, const char *what, DWORD err)
{
    char *p = utf8_from_wide(shown_path(path));
    fprintf(stderr, "rmconform: error: cannot %s %s (%s)\n", what, p, rmc_rc_str(err));
    fflush(stdout);
    exit(RMC_EXIT_BAD_INPUT);
}

static void jsonl_write(run_state *r, const char *line, size_t n)
{
    DWORD done1 = 0, done2 = 0;
    if (!WriteFile(r->jsonl, line, (DWORD)n, &done1, NULL) || done1 != n || !WriteFile(r->jsonl, "\n", 1, &done2, NULL) ||
        done2 != 1) {
        WCHAR path[RMC_PATH_CCH];
        DWORD err = GetLastError();
        out_path(r, L"results.jsonl", path);
        write_failed(path, "write", err ? err : ERROR_DISK_FULL);
    }
}

/* The case object shared by results.jsonl and results.json. */
static void case_json(rmc_buf *b, const case_result *cr)
{
    char area[64];
    case_area(cr->c->id, area, sizeof area);
    buf_puts(b, "\"id\": ");
    buf_json_str(b, cr->c->id);
    buf_puts(b, ", \"title\": ");
    buf_json_str(b, cr->c->title);
    buf_puts(b, ", \"area\": ");
    buf_json_str(b, area);
    buf_puts(b, ", \"spec\": ");
    buf_json_str(b, cr->c->spec);
    buf_puts(b, ", \"provenance\": ");
    buf_json_str(b, cr->c->provenance);
    buf_printf(b, ", \"status\": \"%s\", \"start_ms\": %lu, \"duration_ms\": %lu, \"message\": ", status_name(cr->status),
               (unsigned long)cr->start_ms, (unsigned long)cr->duration_ms);
    buf_json_str(b, cr->message ? cr->message : "");
    if (cr->status == ST_BLOCKED && cr->blocked_by) {
        buf_puts(b, ", \"blocked_by\": ");
        buf_json_str(b, cr->blocked_by);
    }
    buf_puts(b, ", \"observations\": {");
    /* Later values of a key replace earlier ones; keys keep their first position. */
    int first = 1;
    for (int i = 0; i < cr->nobs; i++) {
        int later = 0;
        for (int k = i + 1; k < cr->nobs && !later; k++) later = !strcmp(cr->obs[i].key, cr->obs[k].key);
        if (later) continue;
        if (!first) buf_puts(b, ", ");
        first = 0;
        buf_json_str(b, cr->obs[i].key);
        buf_puts(b, ": ");
        buf_puts(b, cr->obs[i].json);
    }
    buf_puts(b, "}");
}

/* Removes one file of the previous run; a file that exists and cannot be removed ends the run. */
static void remove_old(const WCHAR *path)
{
    if (DeleteFileW(path)) return;
    DWORD err = GetLastError();
    if (err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND) return;
    SetFileAttributesW(path, FILE_ATTRIBUTE_NORMAL);
    if (!DeleteFileW(path)) write_failed(path, "remove the previous run's", GetLastError());
}

static void clear_previous_run(const run_state *r)
{
    static const WCHAR *const files[] = {L"results.json", L"junit.xml", L"results.jsonl"};
    WCHAR path[RMC_PATH_CCH], pattern[RMC_PATH_CCH];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        out_path(r, files[i], path);
        remove_old(path);
    }
    out_path(r, L"cases\\*", pattern);
    WIN32_FIND_DATAW fd;
    HANDLE find = FindFirstFileW(pattern, &fd);
    if (find == INVALID_HANDLE_VALUE) return;
    do {
        size_t len = wcslen(fd.cFileName);
        if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) continue;
        if (len < 4 || (_wcsicmp(fd.cFileName + len - 4, L".log") && _wcsicmp(fd.cFileName + len - 4, L".rec"))) continue;
        _snwprintf(path, RMC_PATH_CCH, L"%ls\\cases\\%ls", r->out_dir, fd.cFileName);
        path[RMC_PATH_CCH - 1] = 0;
        remove_old(path);
    } while (FindNextFileW(find, &fd));
    FindClose(find);
}

void results_begin(run_state *r)
{
    WCHAR path[RMC_PATH_CCH];
    /* The previous run's durations order this one (schedule.c), before its files go. */
    out_path(r, L"results.jsonl", path);
    r->previous_ms = schedule_previous_durations(path, r->selected, r->nselected);
    clear_previous_run(r);
    out_path(r, L"results.jsonl", path);
    r->jsonl = CreateFileW(path, GENERIC_WRITE, FILE_SHARE_READ, NULL, CREATE_ALWAYS, 0, NULL);
    if (r->jsonl == INVALID_HANDLE_VALUE) write_failed(path, "write", GetLastError());
    rmc_buf b = {0};
    buf_printf(&b, "{\"record\": \"run\", \"schema\": 2, %s, \"started\": \"%s\", \"selected\": %d, \"jobs\": %d}",
               r->header.data, r->started, r->nselected, r->o->jobs);
    jsonl_write(r, b.data, b.len);
    buf_free(&b);
}

void results_case(run_state *r, case_result *cr)
{
    rmc_buf b = {0};
    buf_puts(&b, "{\"record\": \"case\", ");
    case_json(&b, cr);
    buf_puts(&b, "}");
    jsonl_write(r, b.data, b.len);
    buf_free(&b);
    r->counts[cr->status]++;
    r->ndone++;

    if (r->o->quiet && (cr->status == ST_PASS || cr->status == ST_OBSERVED)) return;
    int width = r->nselected >= 100 ? 3 : r->nselected >= 10 ? 2 : 1;
    printf("[%*d/%d] %-11s %s (%lu ms)\n", width, r->ndone, r->nselected, status_name(cr->status), cr->c->id,
           (unsigned long)cr->duration_ms);
    if (cr->status != ST_PASS && cr->message && cr->message[0]) printf("%*s %s\n", 2 * width + 4, "", cr->message);
    fflush(stdout);
}

static void summary_json(rmc_buf *b, const run_state *r)
{
    buf_puts(b, "{");
    for (int s = 0; s < ST_COUNT; s++) buf_printf(b, "%s\"%s\": %d", s ? ", " : "", status_names[s], r->counts[s]);
    buf_puts(b, "}");
}

static void write_junit(run_state *r)
{
    rmc_buf x = {0};
    /* CI test tabs: blocked is a failure (never green: the case could not check what it is
     * for because the implementation broke a precondition); observed is a passing test whose
     * observations are in <system-out> and a property (docs/results-format.md). */
    int failures = r->counts[ST_FAIL] + r->counts[ST_BLOCKED], errors = r->counts[ST_CRASH] + r->counts[ST_TIMEOUT];
    int skipped = r->counts[ST_UNSUPPORTED] + r->counts[ST_SKIP];
    buf_puts(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"rmconform.");
    buf_xml_str(&x, r->impl_name);
    buf_printf(&x, ".%s.%s\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\">\n", rmc_os_name(r->profile),
               RMC_ARCH, r->nresults, failures, errors, skipped);
    for (int i = 0; i < r->nresults; i++) {
        case_result *cr = &r->results[i];
        char area[64];
        case_area(cr->c->id, area, sizeof area);
        buf_puts(&x, "    <testcase classname=\"");
        buf_xml_str(&x, area);
        buf_puts(&x, "\" name=\"");
        buf_xml_str(&x, cr->c->id);
        buf_printf(&x, "\" time=\"%.3f\"", cr->duration_ms / 1000.0);
        const char *elem = NULL;
        switch (cr->status) {
        case ST_PASS: break;
        case ST_OBSERVED: break;
        case ST_FAIL: case ST_BLOCKED: elem = "failure"; break;
        case ST_CRASH: case ST_TIMEOUT: elem = "error"; break;
        default: elem = "skipped"; break;
        }
        if (cr->status == ST_PASS) { buf_puts(&x, "/>\n"); continue; }
        buf_puts(&x, ">\n");
        if (cr->status == ST_OBSERVED) {
            buf_puts(&x, "      <properties><property name=\"rmconform.status\" value=\"observed\"/></properties>\n"
                         "      <system-out>observed (probe: recorded, not a verdict):");
            for (int k = 0; k < cr->nobs; k++) {
                buf_puts(&x, "&#10;");
                buf_xml_str(&x, cr->obs[k].key);
                buf_puts(&x, " = ");
                buf_xml_str(&x, cr->obs[k].json);
            }
            buf_puts(&x, "</system-out>\n    </testcase>\n");
            continue;
        }
        buf_printf(&x, "      <%s type=\"%s\" message=\"", elem, status_name(cr->status));
        buf_xml_str(&x, cr->message);
        buf_puts(&x, "\"/>\n");
        if (cr->status == ST_BLOCKED && cr->blocked_by) {
            buf_puts(&x, "      <properties><property name=\"rmconform.blocked_by\" value=\"");
            buf_xml_str(&x, cr->blocked_by);
            buf_puts(&x, "\"/></properties>\n");
        }
        buf_puts(&x, "    </testcase>\n");
    }
    buf_puts(&x, "  </testsuite>\n</testsuites>\n");
    WCHAR path[RMC_PATH_CCH];
    out_path(r, L"junit.xml", path);
    if (!write_text_file(path, x.data, x.len)) write_failed(path, "write", GetLastError());
    buf_free(&x);
}

static const run_state *sort_run;

static int selected_index(const rmc_case *c)
{
    for (int i = 0; i < sort_run->nselected; i++) if (sort_run->selected[i] == c) return i;
    return sort_run->nselected;
}

static int by_selection_order(const void *a, const void *b)
{
    return selected_index(((const case_result *)a)->c) - selected_index(((const case_result *)b)->c);
}

/* The headline: contract conformance over the doc and obs cases that apply, and probes apart
 * (the same numbers rmreport prints, see reports/rmreport/results.py Run.headline). */
static void print_headline(const run_state *r)
{
    int contract[ST_COUNT] = {0}, applicable = 0, observed = 0, probes = 0;
    for (int i = 0; i < r->nresults; i++) {
        const case_result *cr = &r->results[i];
        if (cr->status == ST_UNSUPPORTED || cr->status == ST_SKIP) continue;
        if (!strcmp(cr->c->provenance, "probe")) {
            probes++;
            observed += cr->status == ST_OBSERVED;
        } else {
            applicable++;
            contract[cr->status]++;
        }
    }
    /* Beside pass / applicable, the other statuses of those same cases: the numbers add up. */
    printf("contract conformance %d/%d (fail %d, crash %d, timeout %d, blocked %d); probes observed %d/%d\n",
           contract[ST_PASS], applicable, contract[ST_FAIL], contract[ST_CRASH], contract[ST_TIMEOUT],
           contract[ST_BLOCKED], observed, probes);
}

void results_end(run_state *r)
{
    /* results.json and junit.xml list cases in suite order; the jsonl keeps finishing order. */
    sort_run = r;
    qsort(r->results, (size_t)r->nresults, sizeof(*r->results), by_selection_order);
    char finished[32];
    iso_time_now(finished);
    rmc_buf b = {0};
    buf_printf(&b, "{\"record\": \"end\", \"finished\": \"%s\", \"summary\": ", finished);
    summary_json(&b, r);
    buf_puts(&b, "}");
    jsonl_write(r, b.data, b.len);
    if (!FlushFileBuffers(r->jsonl) && GetLastError() != ERROR_INVALID_FUNCTION) {
        WCHAR path[RMC_PATH_CCH];
        DWORD err = GetLastError();
        out_path(r, L"results.jsonl", path);
        write_failed(path, "write", err);
    }
    CloseHandle(r->jsonl);
    r->jsonl = INVALID_HANDLE_VALUE;

    b.len = 0;
    buf_printf(&b, "{\n  \"schema\": 2, %s,\n  \"started\": \"%s\", \"finished\": \"%s\", \"complete\": true,\n  \"cases\": [\n",
               r->header.data, r->started, finished);
    for (int i = 0; i < r->nresults; i++) {
        buf_puts(&b, "    {");
        case_json(&b, &r->results[i]);
        buf_puts(&b, i + 1 < r->nresults ? "},\n" : "}\n");
    }
    buf_puts(&b, "  ],\n  \"summary\": ");
    summary_json(&b, r);
    buf_puts(&b, "\n}\n");
    WCHAR path[RMC_PATH_CCH];
    out_path(r, L"results.json", path);
    if (!write_text_file(path, b.data, b.len)) write_failed(path, "write", GetLastError());
    buf_free(&b);
    write_junit(r);

    char *out = utf8_from_wide(shown_path(r->out_dir));
    printf("\nrmconform %s: %s on %s (%s), %d cases\n", RMC_VERSION, r->impl_name, rmc_os_name(r->profile), RMC_ARCH,
           r->nresults);
    print_headline(r);
    printf("  %-12s %5s\n", "status", "cases");
    for (int s = 0; s < ST_COUNT; s++) printf("  %-12s %5d\n", status_names[s], r->counts[s]);
    printf("results: %s\n", out);
    free(out);
    fflush(stdout);
}

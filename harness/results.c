/* results.c — the results contract (docs/results-format.md): results.jsonl as cases finish,
 * results.json and junit.xml at the end, and the console lines. */
#include "runner.h"
#include <stdlib.h>
#include <string.h>

static const char *const status_names[ST_COUNT] = {"pass", "fail", "crash", "timeout", "blocked", "observed", "unsupported", "skip"};

const char *status_name(rmc_status s) { return status_names[s]; }

static void jsonl_write(run_state *r, const char *line, size_t n)
{
    DWORD done;
    WriteFile(r->jsonl, line, (DWORD)n, &done, NULL);
    WriteFile(r->jsonl, "\n", 1, &done, NULL);
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
    buf_printf(b, ", \"status\": \"%s\", \"duration_ms\": %lu, \"message\": ", status_name(cr->status),
               (unsigned long)cr->duration_ms);
    buf_json_str(b, cr->message ? cr->message : "");
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

void results_begin(run_state *r)
{
    WCHAR path[MAX_PATH];
    _snwprintf(path, MAX_PATH, L"%ls\\results.jsonl", r->out_dir);
    r->jsonl = CreateFileW(path, GENERIC_WRITE, FILE_SHARE_READ, NULL, CREATE_ALWAYS, 0, NULL);
    if (r->jsonl == INVALID_HANDLE_VALUE) {
        char *p = utf8_from_wide(path);
        fprintf(stderr, "rmconform: error: cannot write %s (error %lu)\n", p, GetLastError());
        exit(RMC_EXIT_BAD_INPUT);
    }
    rmc_buf b = {0};
    buf_printf(&b, "{\"record\": \"run\", \"schema\": 1, %s, \"started\": \"%s\", \"selected\": %d}", r->header.data,
               r->started, r->nselected);
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

    if (r->o->quiet && cr->status == ST_PASS) return;
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
    int failures = r->counts[ST_FAIL], errors = r->counts[ST_CRASH] + r->counts[ST_TIMEOUT];
    int skipped = r->counts[ST_UNSUPPORTED] + r->counts[ST_SKIP];
    buf_puts(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"rmconform.");
    buf_xml_str(&x, r->impl_name);
    buf_printf(&x, ".%s.%s\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\">\n", rmc_os_name(r->profile),
               RMC_ARCH, r->nresults, failures, errors, skipped);
    for (int i = 0; i < r->nresults; i++) {
        case_result *cr = &r->results[i];
        char area[64];
        case_area(cr->c->id, area, sizeof area);
        buf_printf(&x, "    <testcase classname=\"%s\" name=\"", area);
        buf_xml_str(&x, cr->c->id);
        buf_printf(&x, "\" time=\"%.3f\"", cr->duration_ms / 1000.0);
        const char *elem = NULL;
        switch (cr->status) {
        case ST_PASS: break;
        case ST_FAIL: elem = "failure"; break;
        case ST_CRASH: case ST_TIMEOUT: elem = "error"; break;
        default: elem = "skipped"; break;
        }
        if (!elem) { buf_puts(&x, "/>\n"); continue; }
        buf_printf(&x, ">\n      <%s type=\"%s\" message=\"", elem, status_name(cr->status));
        buf_xml_str(&x, cr->message);
        buf_puts(&x, "\"/>\n    </testcase>\n");
    }
    buf_puts(&x, "  </testsuite>\n</testsuites>\n");
    WCHAR path[MAX_PATH];
    _snwprintf(path, MAX_PATH, L"%ls\\junit.xml", r->out_dir);
    write_text_file(path, x.data, x.len);
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
    CloseHandle(r->jsonl);
    r->jsonl = INVALID_HANDLE_VALUE;

    b.len = 0;
    buf_printf(&b, "{\n  \"schema\": 1, %s,\n  \"started\": \"%s\", \"finished\": \"%s\", \"complete\": true,\n  \"cases\": [\n",
               r->header.data, r->started, finished);
    for (int i = 0; i < r->nresults; i++) {
        buf_puts(&b, "    {");
        case_json(&b, &r->results[i]);
        buf_puts(&b, i + 1 < r->nresults ? "},\n" : "}\n");
    }
    buf_puts(&b, "  ],\n  \"summary\": ");
    summary_json(&b, r);
    buf_puts(&b, "\n}\n");
    WCHAR path[MAX_PATH];
    _snwprintf(path, MAX_PATH, L"%ls\\results.json", r->out_dir);
    write_text_file(path, b.data, b.len);
    buf_free(&b);
    write_junit(r);

    char *out = utf8_from_wide(r->out_dir);
    printf("\nrmconform %s: %s on %s (%s), %d cases\n", RMC_VERSION, r->impl_name, rmc_os_name(r->profile), RMC_ARCH,
           r->nresults);
    printf("  %-12s %5s\n", "status", "cases");
    for (int s = 0; s < ST_COUNT; s++) printf("  %-12s %5d\n", status_names[s], r->counts[s]);
    printf("results: %s\n", out);
    free(out);
    fflush(stdout);
}

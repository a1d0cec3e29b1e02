/* verdict.c — the verdict of one case, decoded from what its process wrote to the record file
 * (checks.c, child.c, unload_watch.c) and how the process ended.
 *
 * Record lines: `O key json` observation, `M json` message, `S status`, `B json` the case that
 * checks a blocked case's precondition, `C code json` a crash the child's filter caught,
 * `P unloading` the child is past its verdict and exiting, `U code json` an exception while
 * unloading the implementation. Order of precedence:
 *   timeout  — the watchdog fired. After a verdict and `P unloading` it says the case passed (or
 *              failed) its checks and then hung while unloading the implementation.
 *   crash    — a `C` record; or a `U` record / an abnormal exit code after `S pass`/`observed`
 *              ("passed its checks, then ... while unloading").
 *   S status — as written (a probe's `pass` is `observed`).
 *   crash    — no status at all. */
#include "runner.h"
#include <stdlib.h>
#include <string.h>

/* The first cmocka error line of the child's output, for failures raised by cmocka's own
 * assert_* macros (rmc_fail records its message itself). */
static char *cmocka_message(const WCHAR *log)
{
    char *text = read_text_file(log, NULL);
    if (!text) return NULL;
    char *found = NULL;
    const char *markers[] = {"[  ERROR   ] --- ", "[   LINE   ] --- "};
    for (int m = 0; m < 2 && !found; m++) {
        char *p = strstr(text, markers[m]);
        if (!p) continue;
        p += strlen(markers[m]);
        size_t len = strcspn(p, "\r\n");
        if (len > 1000) len = 1000;
        found = malloc(len + 1);
        memcpy(found, p, len);
        found[len] = 0;
    }
    free(text);
    return found;
}

/* An observation value is copied into results.json as it is, so it must be exactly one valid
 * JSON value (in UTF-8, without lone surrogates); anything else is kept as a JSON string of the
 * raw text, so the results stay readable whatever the implementation made the case record. */
static void add_obs(case_result *cr, const char *key, size_t klen, const char *json)
{
    cr->obs = realloc(cr->obs, sizeof(*cr->obs) * (size_t)(cr->nobs + 1));
    observation *ob = &cr->obs[cr->nobs++];
    ob->key = malloc(klen + 1);
    memcpy(ob->key, key, klen);
    ob->key[klen] = 0;
    rmc_buf clean = {0};
    if (!json_value_clean(json, &clean)) {
        clean.len = 0;
        buf_json_str(&clean, json);
    }
    ob->json = clean.data ? clean.data : _strdup("null");
}

static char *dup_printf(const char *fmt, ...) __attribute__((format(gnu_printf, 1, 2)));
static char *dup_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = malloc(n > 0 ? (size_t)n + 1 : 1);
    va_start(ap, fmt);
    vsnprintf(s, n > 0 ? (size_t)n + 1 : 1, fmt, ap);
    va_end(ap);
    return s;
}

static rmc_status status_from(const char *status, const rmc_case *c)
{
    rmc_status st = !strcmp(status, "pass") ? ST_PASS : !strcmp(status, "unsupported") ? ST_UNSUPPORTED
                  : !strcmp(status, "skip") ? ST_SKIP : !strcmp(status, "blocked") ? ST_BLOCKED : ST_FAIL;
    /* A probe records what the implementation does; running to the end is not a pass. */
    if (st == ST_PASS && !strcmp(c->provenance, "probe")) st = ST_OBSERVED;
    return st;
}

/* "passed its checks" / "ran to the end" / "failed its checks (...)": what the case had decided
 * before its process went wrong at exit. */
static const char *decided(rmc_status st)
{
    switch (st) {
    case ST_PASS: return "passed its checks";
    case ST_OBSERVED: return "ran to the end (probe)";
    case ST_FAIL: return "failed its checks";
    case ST_BLOCKED: return "was blocked";
    case ST_UNSUPPORTED: return "was unsupported";
    default: return "wrote its verdict";
    }
}

void verdict_collect(const rmc_case *c, const WCHAR *record, const WCHAR *log, case_result *cr, int timed_out,
                     DWORD exit_code, unsigned timeout_s)
{
    char *text = read_text_file(record, NULL);
    char *status = NULL, *message = NULL, *crash = NULL, *unload = NULL, *blocked_by = NULL;
    int unloading = 0;
    for (char *line = text; line && *line;) {
        char *end = strchr(line, '\n');
        if (end) *end = 0;
        char *tab = strchr(line, '\t');
        if (tab && tab == line + 1) {
            char *val = tab + 1;
            char *tab2 = strchr(val, '\t');
            switch (line[0]) {
            case 'O': if (tab2) add_obs(cr, val, (size_t)(tab2 - val), tab2 + 1); break;
            case 'M': free(message); message = json_str_decode(val); break;
            case 'S': free(status); status = _strdup(val); break;
            case 'B': free(blocked_by); blocked_by = json_str_decode(val); break;
            case 'C': free(crash); crash = tab2 ? json_str_decode(tab2 + 1) : json_str_decode(val); break;
            case 'U': free(unload); unload = tab2 ? json_str_decode(tab2 + 1) : json_str_decode(val); break;
            case 'P': if (!strcmp(val, "unloading")) unloading = 1; break;
            }
        }
        if (!end) break;
        line = end + 1;
    }
    free(text);

    rmc_status st = status ? status_from(status, c) : ST_FAIL;
    const char *exname = exception_name(exit_code);
    if (timed_out && status && unloading) {
        /* The verdict was written and the process then did not exit: DllMain(DLL_PROCESS_DETACH)
         * (or something it waits for) hangs. It stays a timeout — the implementation hung, and
         * a hang at unload hangs every process that uses it — and says what was decided first. */
        cr->status = ST_TIMEOUT;
        cr->message = dup_printf("%s and then hung while unloading the implementation: the case process did not exit "
                                 "within %u s (DllMain(DLL_PROCESS_DETACH) does not return?) and was killed%s%s",
                                 st == ST_FAIL && message ? "failed its checks" : decided(st), timeout_s,
                                 st != ST_PASS && st != ST_OBSERVED && message && message[0] ? "; its message: " : "",
                                 st != ST_PASS && st != ST_OBSERVED && message ? message : "");
    } else if (timed_out) {
        cr->status = ST_TIMEOUT;
        cr->message = dup_printf("no verdict within %u s; the case process and everything it started were killed%s%s",
                                 timeout_s, message ? "; last message: " : "", message ? message : "");
    } else if (crash) {
        cr->status = ST_CRASH;
        cr->message = crash;
        crash = NULL;
    } else if (status && (unload || (exit_code != 0 && (st == ST_PASS || st == ST_OBSERVED)))) {
        /* The verdict was written and the process then died: in the implementation's
         * DllMain(DLL_PROCESS_DETACH) (a `U` record), or with an exit code no normal exit has. */
        char what[700];
        if (unload) snprintf(what, sizeof what, "%s", unload);
        else if (looks_like_exception(exit_code))
            snprintf(what, sizeof what, "the case process ended with %s (0x%08lX)%s", exname ? exname : "exception",
                     (unsigned long)exit_code, unloading ? " while unloading the implementation" : " while exiting");
        else
            snprintf(what, sizeof what, "the case process ended with exit code %lu%s", (unsigned long)exit_code,
                     unloading ? " while unloading the implementation" : " while exiting");
        if (st == ST_PASS || st == ST_OBSERVED) {
            cr->status = ST_CRASH;
            cr->message = dup_printf("%s, then %s", decided(st), what);
        } else {
            /* The case's own verdict stands; the death at exit is added to its message. */
            cr->status = st;
            cr->message = dup_printf("%s; then %s", message && message[0] ? message : decided(st), what);
        }
    } else if (status) {
        cr->status = st;
        if (cr->status == ST_FAIL && !message) message = cmocka_message(log);
        cr->message = message ? message : _strdup(cr->status == ST_FAIL ? "failed (no message recorded)" : "");
        message = NULL;
    } else {
        cr->status = ST_CRASH;
        if (looks_like_exception(exit_code))
            cr->message = dup_printf("%s (0x%08lX): the case process died before it could report",
                                     exname ? exname : "exception", (unsigned long)exit_code);
        else
            cr->message = dup_printf("the case process exited with code %lu without a verdict", (unsigned long)exit_code);
    }
    if (cr->status == ST_BLOCKED && blocked_by) { cr->blocked_by = blocked_by; blocked_by = NULL; }
    free(status);
    free(message);
    free(crash);
    free(unload);
    free(blocked_by);
}

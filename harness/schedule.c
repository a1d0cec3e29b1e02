/* schedule.c — the order the runner starts the selected cases in, and how many run at once.
 *
 * A run lasts as long as its longest chain of cases, so the order matters once cases run side
 * by side:
 *   1. Cases that need the machine alone (RMC_EXCLUSIVE) first, then the cases that run with
 *      the force timeouts lowered (RMC_LOWERED_TIMEOUTS, side by side but beside no other
 *      case): at the start nothing runs yet, so nothing has to drain before them, and they
 *      cannot leave one long case running alone at the end.
 *   2. Then the others, longest first, so the short ones fill the gaps at the end instead of a
 *      long one starting last. The length is the case's duration in the previous run written
 *      to the same output folder (its results.jsonl, read before it is replaced) when there is
 *      one, else the case table's hint: the watchdog time a case declares it may need
 *      (timeout_s) — only cases that wait long declare one. Among equal estimates the table
 *      order stands (a stable sort: the same selection and the same previous run always give
 *      the same order).
 * The default --jobs comes from the core count: most cases wait (for fixtures, messages,
 * timeouts) rather than compute, so more cases than cores run at once, up to a cap. */
#include "internal.h"
#include <stdlib.h>
#include <string.h>

int schedule_default_jobs(void)
{
    SYSTEM_INFO si;
    GetSystemInfo(&si);
    int cores = si.dwNumberOfProcessors > 0 ? (int)si.dwNumberOfProcessors : 1;
    int jobs = RMC_JOBS_PER_CORE * cores;
    return jobs < 2 ? 2 : jobs > RMC_JOBS_CAP ? RMC_JOBS_CAP : jobs;
}

/* What a case is expected to take (ms): its duration in the previous run when known, else the
 * table's hint — a tenth of the watchdog time it declares (0 for the cases that declare none). */
static unsigned estimate_ms(const rmc_case *c, const unsigned *previous_ms, int i)
{
    return previous_ms && previous_ms[i] != SCHEDULE_UNKNOWN ? previous_ms[i] : c->timeout_s * 100u;
}

/* Larger first: exclusive cases, then the lowered-timeouts group, then the rest; within each,
 * the longer estimate. */
static unsigned long long rank(const rmc_case *c, unsigned estimate)
{
    unsigned kind = (c->flags & RMC_EXCLUSIVE) ? 2 : (c->flags & RMC_LOWERED_TIMEOUTS) ? 1 : 0;
    return ((unsigned long long)kind << 32) | estimate;
}

void schedule_order(const rmc_case **cases, int n, const unsigned *previous_ms)
{
    unsigned long long *ranks = calloc((size_t)n + 1, sizeof(*ranks));
    if (!ranks) return;
    for (int i = 0; i < n; i++) ranks[i] = rank(cases[i], estimate_ms(cases[i], previous_ms, i));
    /* Insertion sort: stable, and a few hundred cases are nothing. */
    for (int i = 1; i < n; i++) {
        const rmc_case *c = cases[i];
        unsigned long long r = ranks[i];
        int j = i;
        for (; j > 0 && ranks[j - 1] < r; j--) {
            cases[j] = cases[j - 1];
            ranks[j] = ranks[j - 1];
        }
        cases[j] = c;
        ranks[j] = r;
    }
    free(ranks);
}

unsigned *schedule_previous_durations(const WCHAR *jsonl_path, const rmc_case *const *cases, int n)
{
    char *text = read_text_file(jsonl_path, NULL);
    if (!text) return NULL;
    unsigned *ms = malloc(((size_t)n + 1) * sizeof(*ms));
    int found = 0;
    for (int i = 0; ms && i < n; i++) ms[i] = SCHEDULE_UNKNOWN;
    for (char *line = text; ms && line && *line;) {
        char *end = strchr(line, '\n');
        if (end) *end = 0;
        /* {"record": "case", "id": "<id>", ..., "duration_ms": N, ...}: ids are plain ASCII */
        const char *id = strstr(line, "\"record\": \"case\", \"id\": \"");
        const char *dur = strstr(line, "\"duration_ms\": ");
        if (id && dur) {
            id += strlen("\"record\": \"case\", \"id\": \"");
            size_t len = strcspn(id, "\"");
            for (int i = 0; i < n; i++)
                if (strlen(cases[i]->id) == len && !strncmp(cases[i]->id, id, len)) {
                    ms[i] = (unsigned)strtoul(dur + strlen("\"duration_ms\": "), NULL, 10);
                    found++;
                    break;
                }
        }
        line = end ? end + 1 : NULL;
    }
    free(text);
    if (!found) {
        free(ms);
        return NULL;
    }
    return ms;
}

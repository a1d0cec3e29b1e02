/* schedule.c — the order the runner starts the selected cases in, and how many run at once.
 *
 * A run lasts as long as its longest chain of cases, so the order matters once cases run side
 * by side:
 *   1. Cases that need the machine alone (RMC_EXCLUSIVE) first, then the cases that run with
 *      the force timeouts lowered (RMC_LOWERED_TIMEOUTS, side by side but beside no other
 *      case): at the start nothing runs yet, so nothing has to drain before them, and they
 *      cannot leave one long case running alone at the end.
 *   2. Then the others, longest first, so the short ones fill the gaps at the end instead of a
 *      long one starting last. The length is the case table's hint: the watchdog time a case
 *      declares it may need (timeout_s) — only cases that wait long declare one. Among equal
 *      hints the table order stands (a stable order: the same selection always runs in the
 *      same order).
 * The default --jobs comes from the core count: most cases wait (for fixtures, messages,
 * timeouts) rather than compute, so more cases than cores run at once, up to a cap. */
#include "internal.h"
#include <stdlib.h>

int schedule_default_jobs(void)
{
    SYSTEM_INFO si;
    GetSystemInfo(&si);
    int cores = si.dwNumberOfProcessors > 0 ? (int)si.dwNumberOfProcessors : 1;
    int jobs = RMC_JOBS_PER_CORE * cores;
    return jobs < 2 ? 2 : jobs > RMC_JOBS_CAP ? RMC_JOBS_CAP : jobs;
}

/* Larger first: exclusive cases, then the lowered-timeouts group, then the rest; within each,
 * the longer hint. */
static unsigned long long rank(const rmc_case *c)
{
    unsigned kind = (c->flags & RMC_EXCLUSIVE) ? 2 : (c->flags & RMC_LOWERED_TIMEOUTS) ? 1 : 0;
    return ((unsigned long long)kind << 32) | c->timeout_s;
}

void schedule_order(const rmc_case **cases, int n)
{
    /* Insertion sort: stable, and a few hundred cases are nothing. */
    for (int i = 1; i < n; i++) {
        const rmc_case *c = cases[i];
        unsigned long long r = rank(c);
        int j = i;
        for (; j > 0 && rank(cases[j - 1]) < r; j--) cases[j] = cases[j - 1];
        cases[j] = c;
    }
}

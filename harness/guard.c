/* guard.c — guarded buffers for out-parameters handed to the implementation.
 *
 * Layout of one guard:  [slack filled with RMC_GUARD_FILL][buffer (size bytes)][reserved, no access]
 * The buffer ends exactly at a page boundary, followed by reserved-but-uncommitted pages, so a
 * write (or read) past its end faults at once; the crash filter (child.c) asks this file whether
 * the faulting address belongs to a guard and reports it as exactly that. */
#include "internal.h"
#include <string.h>

#define GUARD_SLACK 64              /* pattern bytes checked before the buffer */
#define GUARD_TAIL_PAGES 16         /* no-access pages after the buffer */
#define MAX_GUARDS 64

typedef struct guard {
    BYTE *region;                   /* NULL: slot free */
    size_t data_bytes;              /* committed bytes */
    BYTE *user;
    size_t size;
    char what[96];
} guard;

static guard guards[MAX_GUARDS];

static size_t page_size(void)
{
    static size_t ps;
    if (!ps) {
        SYSTEM_INFO si;
        GetSystemInfo(&si);
        ps = si.dwPageSize;
    }
    return ps;
}

void *rmc_guard_alloc(size_t size, const char *what)
{
    size_t ps = page_size();
    size_t data = (size + GUARD_SLACK + ps - 1) / ps * ps;
    size_t total = data + GUARD_TAIL_PAGES * ps;
    int slot = -1;
    for (int i = 0; i < MAX_GUARDS; i++) if (!guards[i].region) { slot = i; break; }
    if (slot < 0) rmc_fail("more than %d guarded buffers in one case", MAX_GUARDS);
    BYTE *region = VirtualAlloc(NULL, total, MEM_RESERVE, PAGE_NOACCESS);
    if (!region || !VirtualAlloc(region, data, MEM_COMMIT, PAGE_READWRITE))
        rmc_fail("could not reserve a guarded buffer of %zu bytes (error %lu)", size, GetLastError());
    memset(region, RMC_GUARD_FILL, data);
    guard *g = &guards[slot];
    g->region = region;
    g->data_bytes = data;
    g->user = region + data - size;
    g->size = size;
    snprintf(g->what, sizeof g->what, "%s", what ? what : "a buffer");
    return g->user;
}

static guard *find(const void *p)
{
    for (int i = 0; i < MAX_GUARDS; i++)
        if (guards[i].region && guards[i].user == p) return &guards[i];
    return NULL;
}

static void check_slack(guard *g)
{
    for (BYTE *b = g->region; b < g->user; b++)
        if (*b != RMC_GUARD_FILL)
            rmc_fail("the implementation wrote before the start of %s (%zu bytes before it)", g->what,
                     (size_t)(g->user - b));
}

void rmc_guard_check(const void *p)
{
    guard *g = find(p);
    if (!g) rmc_fail("rmc_guard_check: %p is not a guarded buffer", p);
    check_slack(g);
}

void rmc_guard_free(void *p)
{
    guard *g = find(p);
    if (!g) return;
    check_slack(g);        /* on failure the guard stays; guard_release_all frees it */
    VirtualFree(g->region, 0, MEM_RELEASE);
    g->region = NULL;
}

int rmc_guard_untouched(const void *p, size_t offset, size_t len)
{
    guard *g = find(p);
    if (!g || offset + len > g->size) return 0;
    for (size_t i = 0; i < len; i++)
        if (g->user[offset + i] != RMC_GUARD_FILL) return 0;
    return 1;
}

/* Called after the case: a case that forgot to check still gets its slack checked. */
void guard_release_all(void)
{
    char msg[256] = "";
    for (int i = 0; i < MAX_GUARDS; i++) {
        guard *g = &guards[i];
        if (!g->region) continue;
        for (BYTE *b = g->region; b < g->user && !msg[0]; b++)
            if (*b != RMC_GUARD_FILL)
                snprintf(msg, sizeof msg, "the implementation wrote before the start of %s (%zu bytes before it)",
                         g->what, (size_t)(g->user - b));
        VirtualFree(g->region, 0, MEM_RELEASE);
        g->region = NULL;
    }
    if (msg[0] && !checks_status_written()) rmc_fail("%s", msg);
}

int guard_describe_fault(ULONG_PTR addr, int write, char *msg, size_t n)
{
    size_t ps = page_size();
    for (int i = 0; i < MAX_GUARDS; i++) {
        guard *g = &guards[i];
        if (!g->region) continue;
        ULONG_PTR end = (ULONG_PTR)(g->region + g->data_bytes);
        if (addr >= end && addr < end + GUARD_TAIL_PAGES * ps) {
            snprintf(msg, n, "the implementation %s past the end of %s (%zu bytes declared): at byte %zu",
                     write ? "wrote" : "read", g->what, g->size, (size_t)(addr - (ULONG_PTR)g->user));
            return 1;
        }
    }
    return 0;
}

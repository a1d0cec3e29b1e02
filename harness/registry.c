/* registry.c — every case the runner knows, in cases/areas.def order, and id matching. */
#include "internal.h"
#include <string.h>

#define RMC_AREA(a) extern const rmc_case rmc_cases_##a[]; extern const size_t rmc_cases_##a##_count;
#include "../cases/areas.def"
#undef RMC_AREA

static const struct { const rmc_case *cases; const size_t *count; } areas[] = {
#define RMC_AREA(a) { rmc_cases_##a, &rmc_cases_##a##_count },
#include "../cases/areas.def"
#undef RMC_AREA
};

size_t registry_count(void)
{
    size_t n = 0;
    for (size_t a = 0; a < sizeof(areas) / sizeof(areas[0]); a++) n += *areas[a].count;
    return n;
}

const rmc_case *registry_get(size_t i)
{
    for (size_t a = 0; a < sizeof(areas) / sizeof(areas[0]); a++) {
        if (i < *areas[a].count) return &areas[a].cases[i];
        i -= *areas[a].count;
    }
    return NULL;
}

const rmc_case *registry_find(const char *id)
{
    for (size_t i = 0, n = registry_count(); i < n; i++)
        if (!strcmp(registry_get(i)->id, id)) return registry_get(i);
    /* The self-test's checks (selftest_cases.c) run as case processes too, but are no case. */
    for (size_t i = 0; i < rmc_selftest_cases_count; i++)
        if (!strcmp(rmc_selftest_cases[i].id, id)) return &rmc_selftest_cases[i];
    return NULL;
}

int glob_match(const char *p, const char *t)
{
    /* '*' any run, '?' one character; iterative with one backtrack point. */
    const char *star = NULL, *resume = NULL;
    while (*t) {
        if (*p == '?' || *p == *t) { p++; t++; }
        else if (*p == '*') { star = p++; resume = t; }
        else if (star) { p = star + 1; t = ++resume; }
        else return 0;
    }
    while (*p == '*') p++;
    return *p == 0;
}

void case_area(const char *id, char *out, size_t n)
{
    size_t i = 0;
    while (id[i] && id[i] != '.' && i + 1 < n) { out[i] = id[i]; i++; }
    out[i] = 0;
}

const char *export_name(int rmx)
{
    static const char *const names[RMX_COUNT] = {
        "RmStartSession", "RmJoinSession", "RmEndSession", "RmRegisterResources", "RmGetList",
        "RmShutdown", "RmRestart", "RmCancelCurrentTask", "RmAddFilter", "RmRemoveFilter",
        "RmGetFilterList", "RmReserveHeap"};
    return rmx >= 0 && rmx < RMX_COUNT ? names[rmx] : "?";
}

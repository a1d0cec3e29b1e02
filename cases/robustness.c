/* robustness.c — several threads in one session at once, and every export driven with seeded
 * random argument combinations. The implementation may return errors; it must not crash, hang
 * or write past what the caller declared (every out-pointer is a guarded buffer whose size
 * matches the count passed with it). Only pointers a correct implementation can survive are
 * passed: NULL or real buffers, never garbage. Spec §3, §7, §8.
 *
 * The random cases record their seed; RMC_FUZZ_SEED=<n> in the environment replays another. */
#include "rmcase.h"
#include "fixture.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define NEVER_ISSUED 0x52D0C0DEu

/* ---- threads in one session (§7.7, §8) ----------------------------------------------------------- */

#define THREADS_PER_KIND 2
#define ITERATIONS 30
#define FILTERS_PER_THREAD 16

typedef struct worker {
    int kind;                   /* 0 register, 1 getlist, 2 add/remove filters, 3 getfilterlist */
    int index;
    DWORD handle;
    HANDLE go;
    /* guarded buffers, allocated by the case thread (the guard table is not thread-safe) */
    UINT *needed, *count;
    DWORD *reasons, *bytes;
    RM_PROCESS_INFO *apps;      /* 4 entries */
    BYTE *filter_buf;           /* 16 KiB */
    /* results, read by the case thread after the join */
    int calls, unexpected, inconsistent;
    char first_problem[160];
} worker;

static void note(worker *w, int unexpected, const char *fmt, ...)
{
    if (unexpected) w->unexpected++;
    else w->inconsistent++;
    if (!w->first_problem[0]) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(w->first_problem, sizeof(w->first_problem), fmt, ap);
        va_end(ap);
    }
}

static WCHAR thread_files[THREADS_PER_KIND][ITERATIONS][MAX_PATH];

static DWORD WINAPI session_worker(void *arg)
{
    worker *w = arg;
    WaitForSingleObject(w->go, INFINITE);
    for (int i = 0; i < ITERATIONS; i++) {
        DWORD rc;
        w->calls++;
        switch (w->kind) {
        case 0: {
            LPCWSTR files[] = { thread_files[w->index][i] };
            rc = pRmRegisterResources(w->handle, 1, files, 0, NULL, 0, NULL);
            if (rc != ERROR_SUCCESS) note(w, 1, "RmRegisterResources returned %lu", rc);
            break;
        }
        case 1:
            *w->count = 4;
            rc = pRmGetList(w->handle, w->needed, w->count, w->apps, w->reasons);
            if (rc != ERROR_SUCCESS && rc != ERROR_MORE_DATA) note(w, 1, "RmGetList returned %lu", rc);
            else if (rc == ERROR_SUCCESS && (*w->count > 4 || *w->count != *w->needed))
                note(w, 0, "RmGetList succeeded with *pnProcInfo %u, *pnProcInfoNeeded %u (capacity 4)", *w->count, *w->needed);
            break;
        case 2: {
            WCHAR name[64];
            _snwprintf(name, 64, L"rmfx-robust-%d-%d", w->index, i % FILTERS_PER_THREAD);
            if (i < FILTERS_PER_THREAD) {
                rc = pRmAddFilter(w->handle, NULL, NULL, name, RmNoRestart);
                if (rc != ERROR_SUCCESS) note(w, 1, "RmAddFilter returned %lu", rc);
            } else if ((i - FILTERS_PER_THREAD) % 2 == 0) {
                /* remove the even-numbered filters this thread added */
                _snwprintf(name, 64, L"rmfx-robust-%d-%d", w->index, i - FILTERS_PER_THREAD);
                rc = pRmRemoveFilter(w->handle, NULL, NULL, name);
                if (rc != ERROR_SUCCESS) note(w, 1, "RmRemoveFilter(own filter) returned %lu", rc);
            }
            break;
        }
        default:
            rc = pRmGetFilterList(w->handle, w->filter_buf, 16384, w->bytes);
            if (rc != ERROR_SUCCESS) note(w, 1, "RmGetFilterList returned %lu", rc);
            else if (*w->bytes > 16384) note(w, 0, "RmGetFilterList succeeded with cbFilterBufNeeded %lu > 16384", *w->bytes);
            break;
        }
    }
    return 0;
}

/* Counts the records of a filter list by cbNextOffset, within the buffer. */
static int count_records(const BYTE *buf, DWORD size)
{
    DWORD off = 0;
    int n = 0;
    while ((size_t)off + sizeof(RM_FILTER_INFO) <= size && n < 1000) {
        RM_FILTER_INFO fi;
        memcpy(&fi, buf + off, sizeof(fi));
        n++;
        if (!fi.cbNextOffset) break;
        off += fi.cbNextOffset;
    }
    return n;
}

static void threads_one_session(void **state)
{
    DWORD h = rmc_session_start(NULL);
    for (int t = 0; t < THREADS_PER_KIND; t++)
        for (int i = 0; i < ITERATIONS; i++) {
            WCHAR name[48];
            _snwprintf(name, 48, L"robust-%d-%d.bin", t, i);
            rmc_case_file(thread_files[t][i], name, 1);
        }
    static worker w[4 * THREADS_PER_KIND];
    HANDLE threads[4 * THREADS_PER_KIND];
    HANDLE go = CreateEventW(NULL, TRUE, FALSE, NULL);
    int n = 4 * THREADS_PER_KIND;
    for (int i = 0; i < n; i++) {
        memset(&w[i], 0, sizeof(w[i]));
        w[i].kind = i % 4;
        w[i].index = i / 4;
        w[i].handle = h;
        w[i].go = go;
        if (w[i].kind == 1) {
            w[i].needed = rmc_guard_alloc(sizeof(UINT), "RmGetList pnProcInfoNeeded");
            w[i].count = rmc_guard_alloc(sizeof(UINT), "RmGetList pnProcInfo");
            w[i].reasons = rmc_guard_alloc(sizeof(DWORD), "RmGetList lpdwRebootReasons");
            w[i].apps = rmc_guard_alloc(4 * sizeof(RM_PROCESS_INFO), "RmGetList rgAffectedApps (4 entries)");
        } else if (w[i].kind == 3) {
            w[i].bytes = rmc_guard_alloc(sizeof(DWORD), "RmGetFilterList cbFilterBufNeeded");
            w[i].filter_buf = rmc_guard_alloc(16384, "RmGetFilterList pbFilterBuf (16384 bytes)");
        }
        threads[i] = CreateThread(NULL, 0, session_worker, &w[i], 0, NULL);
        check(threads[i] != NULL, "CreateThread failed: %s", rmc_rc_str(GetLastError()));
    }
    SetEvent(go);
    DWORD wr = WaitForMultipleObjects((DWORD)n, threads, TRUE, 120000);
    if (wr >= WAIT_OBJECT_0 + (DWORD)n) {
        /* Threads still inside the implementation use the guarded buffers the case frees when it
         * ends: stop them first, so the verdict is this message and not a crash in freed memory. */
        for (int i = 0; i < n; i++) TerminateThread(threads[i], 1);
        rmc_fail("the threads did not finish within 120 s (a deadlock in the implementation?)");
    }
    int calls = 0;
    for (int i = 0; i < n; i++) {
        CloseHandle(threads[i]);
        calls += w[i].calls;
        if (w[i].first_problem[0]) {
            char key[48];
            snprintf(key, sizeof(key), "thread%d.first_problem", i);
            rmc_obs_str(key, w[i].first_problem);
        }
    }
    CloseHandle(go);
    rmc_obs_int("calls", calls);
    for (int i = 0; i < n; i++) {
        check(!w[i].unexpected, "thread %d (kind %d): %d calls returned an unexpected code; first: %s", i, w[i].kind,
              w[i].unexpected, w[i].first_problem);
        check(!w[i].inconsistent, "thread %d (kind %d): %d inconsistent results; first: %s", i, w[i].kind,
              w[i].inconsistent, w[i].first_problem);
    }

    /* No update lost: each filter thread added FILTERS_PER_THREAD and removed half of them. */
    DWORD *needed = rmc_guard_alloc(sizeof(DWORD), "RmGetFilterList cbFilterBufNeeded");
    BYTE *buf = rmc_guard_alloc(65536, "RmGetFilterList pbFilterBuf (65536 bytes)");
    check_rc("RmGetFilterList(after the threads)", pRmGetFilterList(h, buf, 65536, needed), ERROR_SUCCESS);
    int records = count_records(buf, *needed <= 65536 ? *needed : 65536);
    int want = THREADS_PER_KIND * (FILTERS_PER_THREAD - (ITERATIONS - FILTERS_PER_THREAD + 1) / 2);
    rmc_obs_int("filters_left", records);
    check(records == want, "%d filters left after the threads, expected %d: concurrent updates were lost or duplicated", records, want);
}

/* Starts and ends sessions from several threads at once: every call succeeds and no two
 * threads ever hold the same handle. */
#define SESSION_THREADS 6
#define SESSION_ROUNDS 25

typedef struct session_worker_state {
    int index;
    HANDLE go;
    int failures, clashes;
    DWORD first_rc, clash_handle;
} session_worker_state;

static volatile LONG held[SESSION_THREADS];   /* handle + 1 held by each thread, 0 when none */

static DWORD WINAPI start_end_worker(void *arg)
{
    session_worker_state *s = arg;
    WaitForSingleObject(s->go, INFINITE);
    for (int r = 0; r < SESSION_ROUNDS; r++) {
        DWORD h = 0;
        WCHAR key[CCH_RM_SESSION_KEY + 1] = { 0 };
        DWORD rc = pRmStartSession(&h, 0, key);
        if (rc != ERROR_SUCCESS) { if (!s->failures++) s->first_rc = rc; continue; }
        InterlockedExchange(&held[s->index], (LONG)(h + 1));
        /* a second session held at the same time by this thread */
        DWORD h2 = 0;
        WCHAR key2[CCH_RM_SESSION_KEY + 1] = { 0 };
        rc = pRmStartSession(&h2, 0, key2);
        if (rc != ERROR_SUCCESS) { if (!s->failures++) s->first_rc = rc; }
        else if (h2 == h) { s->clashes++; s->clash_handle = h; }
        Sleep(1);   /* hold long enough for the other threads' sessions to overlap */
        for (int o = 0; o < SESSION_THREADS; o++)
            if (o != s->index && held[o] == (LONG)(h + 1)) { s->clashes++; s->clash_handle = h; }
        InterlockedExchange(&held[s->index], 0);
        if (rc == ERROR_SUCCESS && (rc = pRmEndSession(h2)) != ERROR_SUCCESS && !s->failures++) s->first_rc = rc;
        rc = pRmEndSession(h);
        if (rc != ERROR_SUCCESS && !s->failures++) s->first_rc = rc;
    }
    return 0;
}

static void threads_start_end(void **state)
{
    static session_worker_state s[SESSION_THREADS];
    HANDLE threads[SESSION_THREADS], go = CreateEventW(NULL, TRUE, FALSE, NULL);
    for (int i = 0; i < SESSION_THREADS; i++) {
        memset(&s[i], 0, sizeof(s[i]));
        s[i].index = i;
        s[i].go = go;
        threads[i] = CreateThread(NULL, 0, start_end_worker, &s[i], 0, NULL);
        check(threads[i] != NULL, "CreateThread failed: %s", rmc_rc_str(GetLastError()));
    }
    SetEvent(go);
    DWORD wr = WaitForMultipleObjects(SESSION_THREADS, threads, TRUE, 60000);
    check(wr < WAIT_OBJECT_0 + SESSION_THREADS, "the threads did not finish within 60 s (a deadlock in the implementation?)");
    for (int i = 0; i < SESSION_THREADS; i++) CloseHandle(threads[i]);
    CloseHandle(go);
    for (int i = 0; i < SESSION_THREADS; i++) {
        check(!s[i].failures, "thread %d: %d RmStartSession/RmEndSession calls failed; first: %s", i, s[i].failures,
              rmc_rc_str(s[i].first_rc));
        check(!s[i].clashes, "thread %d was given handle 0x%lx while a session with that handle was open (in this or another thread)", i, s[i].clash_handle);
    }
}

/* RmEndSession while another thread is inside RmGetList on the same handle (§7.7: what the
 * list call then returns is UNCONFIRMED): recorded; it must not crash or hang. */
typedef struct getlist_loop { DWORD handle; volatile LONG stop; int calls; DWORD last_rc; UINT *needed, *count; DWORD *reasons; } getlist_loop;

static DWORD WINAPI getlist_looper(void *arg)
{
    getlist_loop *g = arg;
    while (!g->stop && g->calls < 2000) {
        *g->count = 0;
        g->last_rc = pRmGetList(g->handle, g->needed, g->count, NULL, g->reasons);
        g->calls++;
        if (g->last_rc == ERROR_INVALID_HANDLE) break;
    }
    return 0;
}

static void end_during_getlist(void **state)
{
    WCHAR file[MAX_PATH];
    rmc_case_file(file, L"nobody.bin", 1);
    DWORD h = 0;
    WCHAR key[CCH_RM_SESSION_KEY + 1] = { 0 };
    check_rc("RmStartSession", pRmStartSession(&h, 0, key), ERROR_SUCCESS);
    LPCWSTR files[] = { file };
    check_rc("RmRegisterResources", pRmRegisterResources(h, 1, files, 0, NULL, 0, NULL), ERROR_SUCCESS);
    static getlist_loop g;
    g.handle = h;
    g.needed = rmc_guard_alloc(sizeof(UINT), "RmGetList pnProcInfoNeeded");
    g.count = rmc_guard_alloc(sizeof(UINT), "RmGetList pnProcInfo");
    g.reasons = rmc_guard_alloc(sizeof(DWORD), "RmGetList lpdwRebootReasons");
    HANDLE t = CreateThread(NULL, 0, getlist_looper, &g, 0, NULL);
    check(t != NULL, "CreateThread failed: %s", rmc_rc_str(GetLastError()));
    Sleep(50);
    rmc_obs_rc("RmEndSession(while RmGetList runs)", pRmEndSession(h));
    DWORD wr = WaitForSingleObject(t, 2000);
    InterlockedExchange(&g.stop, 1);
    if (wr != WAIT_OBJECT_0) wr = WaitForSingleObject(t, 30000);
    CloseHandle(t);
    check(wr == WAIT_OBJECT_0, "RmGetList did not return within 30 s after its session was ended");
    rmc_obs_int("getlist_calls", g.calls);
    rmc_obs_rc("RmGetList(last)", g.last_rc);
}

/* ---- random argument combinations -------------------------------------------------------------- */

typedef struct rng { unsigned s; } rng;
static unsigned next(rng *r) { r->s ^= r->s << 13; r->s ^= r->s >> 17; r->s ^= r->s << 5; return r->s; }
static unsigned pick(rng *r, unsigned n) { return next(r) % n; }

static unsigned fuzz_seed(unsigned base)
{
    char env[32];
    DWORD n = GetEnvironmentVariableA("RMC_FUZZ_SEED", env, sizeof(env));
    unsigned seed = n && n < sizeof(env) ? (unsigned)strtoul(env, NULL, 0) : base;
    if (!seed) seed = 1;
    rmc_obs_hex("seed", seed);
    return seed;
}

/* Histogram of return codes, recorded as {"ERROR_SUCCESS (0)": n, ...}. */
typedef struct histogram { DWORD rc[32]; int n[32]; int used; } histogram;

static void count_rc(histogram *h, DWORD rc)
{
    for (int i = 0; i < h->used; i++) if (h->rc[i] == rc) { h->n[i]++; return; }
    if (h->used < 32) { h->rc[h->used] = rc; h->n[h->used++] = 1; }
}

static void obs_histogram(const histogram *h, int iterations)
{
    char json[2048];
    size_t off = (size_t)snprintf(json, sizeof(json), "{");
    for (int i = 0; i < h->used && off < sizeof(json) - 64; i++)
        off += (size_t)snprintf(json + off, sizeof(json) - off, "%s\"%s\": %d", i ? ", " : "", rmc_rc_str(h->rc[i]), h->n[i]);
    snprintf(json + off, sizeof(json) - off, "}");
    rmc_obs_json("return_codes", json);
    rmc_obs_int("iterations", iterations);
}

/* What the random calls choose from. */
static DWORD pool_handles[6];
static WCHAR pool_key[CCH_RM_SESSION_KEY + 1];
static WCHAR path_unused[MAX_PATH], path_missing[MAX_PATH], path_dir[MAX_PATH], path_image[MAX_PATH];
static WCHAR *path_long;
static RM_UNIQUE_PROCESS proc_self, proc_self_wrong_time, proc_zero, proc_bogus;

static void fuzz_setup(void)
{
    rmc_case_file(path_unused, L"fuzz-unused.bin", 1);
    rmc_case_file(path_missing, L"fuzz-missing.bin", 0);
    _snwprintf(path_dir, MAX_PATH, L"%ls", rmc_case_dir());
    _snwprintf(path_image, MAX_PATH, L"%lsrmfx-app.exe", rmc_bin_dir());
    static WCHAR long_path[5000];
    size_t n = (size_t)_snwprintf(long_path, 5000, L"%ls", rmc_case_dir());
    while (n < 4990) long_path[n++] = L'x';
    long_path[n] = 0;
    path_long = long_path;
    proc_self = fixture_unique_process(GetCurrentProcessId());
    proc_self_wrong_time = proc_self;
    proc_self_wrong_time.ProcessStartTime.dwLowDateTime ^= 0x12345;
    memset(&proc_zero, 0, sizeof(proc_zero));
    proc_bogus.dwProcessId = 0x7FFFFFFC;
    proc_bogus.ProcessStartTime.dwLowDateTime = 1;

    /* two open sessions with harmless registrations (an unused file, a missing service), one
     * ended, and handle values never issued */
    LPCWSTR files[] = { path_unused };
    LPCWSTR svcs[] = { L"rmfx-no-such-service" };
    pool_handles[0] = rmc_session_start(pool_key);
    pool_handles[1] = rmc_session_start(NULL);
    check_rc("RmRegisterResources(pool)", pRmRegisterResources(pool_handles[0], 1, files, 0, NULL, 1, svcs), ERROR_SUCCESS);
    WCHAR key[CCH_RM_SESSION_KEY + 1] = { 0 };
    DWORD ended = 0;
    check_rc("RmStartSession(to end)", pRmStartSession(&ended, 0, key), ERROR_SUCCESS);
    check_rc("RmEndSession", pRmEndSession(ended), ERROR_SUCCESS);
    pool_handles[2] = ended;
    /* Only values this process was given or that no implementation issues: whether handles
     * are process-local is UNCONFIRMED (§7.3), and 0 may be a valid handle (§17.14), so a
     * guessed value could name another process's session. */
    pool_handles[3] = 0xFFFFFFFF;
    pool_handles[4] = NEVER_ISSUED;
    pool_handles[5] = pool_handles[0];
}

static DWORD any_handle(rng *r) { return pool_handles[pick(r, 6)]; }

static const WCHAR *any_path(rng *r)
{
    switch (pick(r, 9)) {
    case 0: return NULL;
    case 1: return L"";
    case 2: return path_unused;
    case 3: return path_missing;
    case 4: return path_dir;
    case 5: return path_long;
    case 6: return L"rmfx-relative.bin";
    case 7: return L"C:\\rmfx\\*?<>|.bin";
    default: return path_image;
    }
}

static const WCHAR *any_service(rng *r)
{
    static WCHAR long_name[300];
    if (!long_name[0]) { for (int i = 0; i < 299; i++) long_name[i] = L'a' + i % 26; }
    switch (pick(r, 5)) {
    case 0: return NULL;
    case 1: return L"";
    case 2: return L"rmfx-no-such-service";
    case 3: return long_name;
    default: return L"rmfx-fuzz-service";
    }
}

static RM_UNIQUE_PROCESS *any_process(rng *r)
{
    switch (pick(r, 5)) {
    case 0: return NULL;
    case 1: return &proc_self;
    case 2: return &proc_self_wrong_time;
    case 3: return &proc_zero;
    default: return &proc_bogus;
    }
}

/* ---- naming the arguments of a random call (shown if it crashes: rmc_call_label) ---------------- */
static int fuzz_iteration;

static const char *path_name(const WCHAR *p)
{
    return !p ? "NULL" : !p[0] ? "\"\"" : p == path_unused ? "<unused file>" : p == path_missing ? "<missing file>"
         : p == path_dir ? "<case folder>" : p == path_long ? "<4990-char path>" : p == path_image ? "<rmfx-app.exe>"
         : !wcscmp(p, L"rmfx-relative.bin") ? "\"rmfx-relative.bin\"" : "\"C:\\rmfx\\*?<>|.bin\"";
}

static const char *service_name(const WCHAR *s)
{
    return !s ? "NULL" : !s[0] ? "\"\"" : wcslen(s) > 64 ? "<299-char name>" : !wcscmp(s, L"rmfx-no-such-service")
         ? "\"rmfx-no-such-service\"" : "\"rmfx-fuzz-service\"";
}

static const char *process_name(const RM_UNIQUE_PROCESS *p)
{
    return !p ? "NULL" : p == &proc_self ? "<self>" : p == &proc_self_wrong_time ? "<self, wrong start time>"
         : p == &proc_zero ? "<zeroed>" : "<pid 0x7FFFFFFC>";
}

static const char *guarded(const void *p) { return p ? "guarded" : "NULL"; }

static ULONG any_flags(rng *r)
{
    static const ULONG common[] = { 0, RmForceShutdown, RmShutdownOnlyRegistered, RmForceShutdown | RmShutdownOnlyRegistered, 2, 0x80000000u };
    return pick(r, 4) ? common[pick(r, 6)] : next(r);
}

static volatile LONG fuzz_callbacks;
static void fuzz_callback(UINT pct) { (void)pct; InterlockedIncrement(&fuzz_callbacks); }

/* Keeps a pool session open: a random RmEndSession may have ended it. */
static void refill_pool(void)
{
    UINT needed = 0, count = 0;
    DWORD reasons = 0;
    if (pRmGetList(pool_handles[1], &needed, &count, NULL, &reasons) == ERROR_INVALID_HANDLE)
        pool_handles[1] = rmc_session_start(NULL);
}

enum fuzz_target { F_START, F_JOIN, F_END, F_REGISTER, F_GETLIST, F_SHUTDOWN, F_RESTART, F_CANCEL, F_ADD, F_REMOVE, F_FILTERLIST };

static DWORD fuzz_one(enum fuzz_target t, rng *r)
{
    DWORD rc = 0;
    switch (t) {
    case F_START: {
        DWORD *h = pick(r, 5) ? rmc_guard_alloc(sizeof(DWORD), "RmStartSession pSessionHandle") : NULL;
        WCHAR *key = pick(r, 5) ? rmc_guard_alloc(sizeof(WCHAR) * (CCH_RM_SESSION_KEY + 1), "RmStartSession strSessionKey") : NULL;
        DWORD flags = pick(r, 2) ? 0 : next(r);
        rmc_call_label("iteration %d: RmStartSession(pSessionHandle=%s, 0x%lx, strSessionKey=%s)", fuzz_iteration,
                       guarded(h), (unsigned long)flags, key ? "guarded 33 WCHARs" : "NULL");
        rc = pRmStartSession(h, flags, key);
        if (rc == ERROR_SUCCESS && h) pRmEndSession(*h);
        if (h) rmc_guard_free(h);
        if (key) rmc_guard_free(key);
        break;
    }
    case F_JOIN: {
        DWORD *h = pick(r, 5) ? rmc_guard_alloc(sizeof(DWORD), "RmJoinSession pSessionHandle") : NULL;
        static WCHAR key[CCH_RM_SESSION_KEY + 2];   /* the implementation may read 33 WCHARs */
        memset(key, 0, sizeof(key));
        const WCHAR *arg = key;
        switch (pick(r, 7)) {
        case 0: arg = NULL; break;
        case 1: break;                                                        /* "" */
        case 2: memcpy(key, pool_key, sizeof(pool_key)); break;              /* valid */
        case 3: memcpy(key, pool_key, (CCH_RM_SESSION_KEY - 1) * sizeof(WCHAR)); break;   /* 31 chars */
        case 4: memcpy(key, pool_key, CCH_RM_SESSION_KEY * sizeof(WCHAR)); key[CCH_RM_SESSION_KEY] = L'0'; break; /* 33 */
        case 5: for (int i = 0; i < (int)CCH_RM_SESSION_KEY; i++) key[i] = L'g' + i % 10; break;  /* not hex */
        default: for (int i = 0; i < (int)CCH_RM_SESSION_KEY; i++) key[i] = L"0123456789abcdef"[next(r) % 16]; break;
        }
        rmc_call_label("iteration %d: RmJoinSession(pSessionHandle=%s, strSessionKey=%s%.33ls%s)", fuzz_iteration,
                       guarded(h), arg ? "\"" : "NULL", arg ? arg : L"", arg ? "\"" : "");
        rc = pRmJoinSession(h, arg);
        if (rc == ERROR_SUCCESS && h) pRmEndSession(*h);
        if (h) rmc_guard_free(h);
        break;
    }
    case F_END: {
        DWORD handle = any_handle(r);
        rmc_call_label("iteration %d: RmEndSession(0x%lx)", fuzz_iteration, (unsigned long)handle);
        rc = pRmEndSession(handle);
        rmc_call_label("iteration %d: checking the pool session after RmEndSession(0x%lx)", fuzz_iteration,
                       (unsigned long)handle);
        refill_pool();
        break;
    }
    case F_REGISTER: {
        LPCWSTR files[3], svcs[3];
        RM_UNIQUE_PROCESS procs[3];
        UINT nf = pick(r, 4), np = pick(r, 4), ns = pick(r, 4);
        for (UINT i = 0; i < nf; i++) files[i] = any_path(r);
        for (UINT i = 0; i < np; i++) { RM_UNIQUE_PROCESS *p = any_process(r); procs[i] = p ? *p : proc_zero; }
        for (UINT i = 0; i < ns; i++) svcs[i] = any_service(r);
        int null_arrays = pick(r, 6) == 0;   /* a NULL array with its count: documented as invalid, must not crash */
        DWORD handle = any_handle(r);
        rmc_call_label("iteration %d: RmRegisterResources(0x%lx, %u, %s%s%s%s%s%s%s, %u, %s, %u, %s%s%s%s%s%s%s)", fuzz_iteration,
                       (unsigned long)handle, nf, null_arrays ? "NULL" : "[", nf > 0 && !null_arrays ? path_name(files[0]) : "",
                       nf > 1 && !null_arrays ? ", " : "", nf > 1 && !null_arrays ? path_name(files[1]) : "",
                       nf > 2 && !null_arrays ? ", " : "", nf > 2 && !null_arrays ? path_name(files[2]) : "",
                       null_arrays ? "" : "]", np, null_arrays ? "NULL" : np ? "[processes]" : "[]", ns,
                       null_arrays ? "NULL" : "[", ns > 0 && !null_arrays ? service_name(svcs[0]) : "",
                       ns > 1 && !null_arrays ? ", " : "", ns > 1 && !null_arrays ? service_name(svcs[1]) : "",
                       ns > 2 && !null_arrays ? ", " : "", ns > 2 && !null_arrays ? service_name(svcs[2]) : "",
                       null_arrays ? "" : "]");
        rc = pRmRegisterResources(handle, nf, null_arrays ? NULL : files, np, null_arrays ? NULL : procs, ns,
                                  null_arrays ? NULL : svcs);
        break;
    }
    case F_GETLIST: {
        UINT cap = pick(r, 4);
        UINT *needed = pick(r, 6) ? rmc_guard_alloc(sizeof(UINT), "RmGetList pnProcInfoNeeded") : NULL;
        UINT *count = pick(r, 6) ? rmc_guard_alloc(sizeof(UINT), "RmGetList pnProcInfo") : NULL;
        DWORD *reasons = pick(r, 6) ? rmc_guard_alloc(sizeof(DWORD), "RmGetList lpdwRebootReasons") : NULL;
        RM_PROCESS_INFO *apps = cap && pick(r, 6) ? rmc_guard_alloc(cap * sizeof(RM_PROCESS_INFO), "RmGetList rgAffectedApps") : NULL;
        if (count) *count = apps ? cap : (pick(r, 3) ? 0 : cap);
        DWORD handle = any_handle(r);
        rmc_call_label("iteration %d: RmGetList(0x%lx, pnProcInfoNeeded=%s, pnProcInfo=%s%s%u, rgAffectedApps=%s%s%u%s, "
                       "lpdwRebootReasons=%s)", fuzz_iteration, (unsigned long)handle, guarded(needed),
                       count ? "guarded " : "NULL", count ? "*=" : "", count ? *count : 0, apps ? "guarded " : "NULL",
                       apps ? "[" : "", apps ? cap : 0, apps ? "]" : "", guarded(reasons));
        rc = pRmGetList(handle, needed, count, apps, reasons);
        if (rc == ERROR_SUCCESS && count) check(*count <= (apps ? cap : 0), "RmGetList succeeded with *pnProcInfo %u for a %u-entry array", *count, apps ? cap : 0);
        if (needed) rmc_guard_free(needed);
        if (count) rmc_guard_free(count);
        if (reasons) rmc_guard_free(reasons);
        if (apps) rmc_guard_free(apps);
        break;
    }
    case F_SHUTDOWN: {
        DWORD handle = any_handle(r);
        ULONG flags = any_flags(r);
        RM_WRITE_STATUS_CALLBACK cb = pick(r, 2) ? fuzz_callback : NULL;
        rmc_call_label("iteration %d: RmShutdown(0x%lx, 0x%lx, %s)", fuzz_iteration, (unsigned long)handle,
                       (unsigned long)flags, cb ? "callback" : "NULL");
        rc = pRmShutdown(handle, flags, cb);
        break;
    }
    case F_RESTART: {
        DWORD handle = any_handle(r);
        DWORD flags = pick(r, 2) ? 0 : next(r);
        RM_WRITE_STATUS_CALLBACK cb = pick(r, 2) ? fuzz_callback : NULL;
        rmc_call_label("iteration %d: RmRestart(0x%lx, 0x%lx, %s)", fuzz_iteration, (unsigned long)handle,
                       (unsigned long)flags, cb ? "callback" : "NULL");
        rc = pRmRestart(handle, flags, cb);
        break;
    }
    case F_CANCEL: {
        DWORD handle = any_handle(r);
        rmc_call_label("iteration %d: RmCancelCurrentTask(0x%lx)", fuzz_iteration, (unsigned long)handle);
        rc = pRmCancelCurrentTask(handle);
        break;
    }
    case F_ADD: {
        static const RM_FILTER_ACTION actions[] = { RmInvalidFilterAction, RmNoRestart, RmNoShutdown, (RM_FILTER_ACTION)3,
                                                    (RM_FILTER_ACTION)-1 };
        const WCHAR *file = pick(r, 2) ? any_path(r) : NULL;
        RM_UNIQUE_PROCESS *proc = pick(r, 2) ? any_process(r) : NULL;
        const WCHAR *svc = pick(r, 2) ? any_service(r) : NULL;
        DWORD handle = any_handle(r);
        RM_FILTER_ACTION action = actions[pick(r, 5)];
        rmc_call_label("iteration %d: RmAddFilter(0x%lx, %s, %s, %s, %d)", fuzz_iteration, (unsigned long)handle,
                       path_name(file), process_name(proc), service_name(svc), (int)action);
        rc = pRmAddFilter(handle, file, proc, svc, action);
        break;
    }
    case F_REMOVE: {
        const WCHAR *file = pick(r, 2) ? any_path(r) : NULL;
        RM_UNIQUE_PROCESS *proc = pick(r, 2) ? any_process(r) : NULL;
        const WCHAR *svc = pick(r, 2) ? any_service(r) : NULL;
        DWORD handle = any_handle(r);
        rmc_call_label("iteration %d: RmRemoveFilter(0x%lx, %s, %s, %s)", fuzz_iteration, (unsigned long)handle,
                       path_name(file), process_name(proc), service_name(svc));
        rc = pRmRemoveFilter(handle, file, proc, svc);
        break;
    }
    case F_FILTERLIST: {
        static const DWORD sizes[] = { 0, 1, 8, sizeof(RM_FILTER_INFO) - 1, sizeof(RM_FILTER_INFO), 100, 4096 };
        DWORD cb = sizes[pick(r, 7)];
        BYTE *buf = cb && pick(r, 6) ? rmc_guard_alloc(cb, "RmGetFilterList pbFilterBuf") : NULL;
        DWORD *needed = pick(r, 6) ? rmc_guard_alloc(sizeof(DWORD), "RmGetFilterList cbFilterBufNeeded") : NULL;
        DWORD handle = any_handle(r), size = buf ? cb : (pick(r, 3) ? 0 : cb);
        rmc_call_label("iteration %d: RmGetFilterList(0x%lx, pbFilterBuf=%s, %lu, cbFilterBufNeeded=%s)", fuzz_iteration,
                       (unsigned long)handle, buf ? "guarded" : "NULL", (unsigned long)size, guarded(needed));
        rc = pRmGetFilterList(handle, buf, size, needed);
        if (buf) rmc_guard_free(buf);
        if (needed) rmc_guard_free(needed);
        break;
    }
    }
    return rc;
}

typedef struct fuzz_spec { enum fuzz_target target; int iterations; } fuzz_spec;

static void fuzz(void **state)
{
    const fuzz_spec *f = *state;
    fuzz_setup();
    /* a few filters in the pool session so RmGetFilterList and RmRemoveFilter have something */
    pRmAddFilter(pool_handles[0], path_image, NULL, NULL, RmNoRestart);
    pRmAddFilter(pool_handles[0], NULL, NULL, L"rmfx-fuzz-service", RmNoShutdown);
    if (f->target == F_RESTART) pRmShutdown(pool_handles[0], 0, NULL);   /* so RmRestart gets past 776 */
    rng r = { fuzz_seed(0x5EED0000u + (unsigned)f->target * 7919u) };
    histogram h = { { 0 }, { 0 }, 0 };
    fuzz_callbacks = 0;
    for (int i = 0; i < f->iterations; i++) {
        fuzz_iteration = i + 1;
        count_rc(&h, fuzz_one(f->target, &r));
        rmc_call_label(NULL);
    }
    obs_histogram(&h, f->iterations);
    if (f->target == F_SHUTDOWN || f->target == F_RESTART) rmc_obs_int("callbacks", fuzz_callbacks);
}

static const fuzz_spec fz_start = { F_START, 100 }, fz_join = { F_JOIN, 100 }, fz_end = { F_END, 100 },
                       fz_register = { F_REGISTER, 150 }, fz_getlist = { F_GETLIST, 60 }, fz_shutdown = { F_SHUTDOWN, 60 },
                       fz_restart = { F_RESTART, 60 }, fz_cancel = { F_CANCEL, 100 }, fz_add = { F_ADD, 150 },
                       fz_remove = { F_REMOVE, 150 }, fz_filterlist = { F_FILTERLIST, 150 };

#define S RMX(StartSession) | RMX(EndSession) | RMX(RegisterResources) | RMX(GetList) | RMX(AddFilter)
#define FUZZ_CASE(name, fn, spec_, param_, ex) \
    RMC_CASE("robustness.random_args." name, fn " with random argument combinations: no crash, hang or write past a buffer", \
             spec_, "doc", .exports = S | (ex), .timeout_s = 90, .body = fuzz, .param = param_)
const rmc_case rmc_cases_robustness[] = {
    /* No thread-safety is documented for RM (§7.7 says nothing of concurrent calls): probes. */
    RMC_CASE("robustness.threads_one_session", "Threads registering, listing and filtering in one session at once: documented codes, consistent counts, no lost filter",
             "§7.7", "probe", .exports = S | RMX(RemoveFilter) | RMX(GetFilterList), .timeout_s = 150, .body = threads_one_session),
    RMC_CASE("robustness.threads_start_end", "Threads starting and ending sessions at once: every call succeeds, no open handle is given twice",
             "§7.3", "probe", .exports = RMX(StartSession) | RMX(EndSession), .timeout_s = 90, .body = threads_start_end),
    RMC_CASE("robustness.end_during_getlist", "RmEndSession while another thread is in RmGetList on the same session", "§7.7", "probe",
             .exports = RMX(StartSession) | RMX(EndSession) | RMX(RegisterResources) | RMX(GetList), .timeout_s = 60,
             .body = end_during_getlist),
    FUZZ_CASE("RmStartSession", "RmStartSession", "§8.1", &fz_start, 0),
    FUZZ_CASE("RmJoinSession", "RmJoinSession", "§8.2", &fz_join, RMX(JoinSession)),
    FUZZ_CASE("RmEndSession", "RmEndSession", "§8.3", &fz_end, 0),
    FUZZ_CASE("RmRegisterResources", "RmRegisterResources", "§8.4", &fz_register, 0),
    FUZZ_CASE("RmGetList", "RmGetList", "§8.5", &fz_getlist, 0),
    FUZZ_CASE("RmShutdown", "RmShutdown", "§8.6", &fz_shutdown, RMX(Shutdown)),
    FUZZ_CASE("RmRestart", "RmRestart", "§8.7", &fz_restart, RMX(Restart)),
    FUZZ_CASE("RmCancelCurrentTask", "RmCancelCurrentTask", "§8.8", &fz_cancel, RMX(CancelCurrentTask)),
    FUZZ_CASE("RmAddFilter", "RmAddFilter", "§8.9", &fz_add, 0),
    FUZZ_CASE("RmRemoveFilter", "RmRemoveFilter", "§8.10", &fz_remove, RMX(RemoveFilter)),
    FUZZ_CASE("RmGetFilterList", "RmGetFilterList", "§8.11", &fz_filterlist, RMX(GetFilterList)),
};
RMC_AREA_COUNT(robustness);

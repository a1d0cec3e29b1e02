/* getlist_contract.c — RmGetList's ERROR_MORE_DATA contract (§9): the sizing call, exact,
 * larger and smaller buffers, and the race between sizing and fetching, made deterministic and
 * then under continuous churn. Every array handed over is a guarded buffer of exactly the
 * declared capacity, so a write past it is a crash reported as such. Area `moredata`. */
#include "rmcase.h"
#include "fixture.h"
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#define S_LIST (RMX(StartSession) | RMX(EndSession) | RMX(RegisterResources) | RMX(GetList))
#define ENTRY sizeof(RM_PROCESS_INFO)

/* A session with one file registered, and `lockers` fixtures holding it open (shared, so
 * several can). pids receives theirs. */
static DWORD session_with_lockers(unsigned lockers, fixture_app **apps, WCHAR file[MAX_PATH])
{
    DWORD h = rmc_session_start(NULL);
    rmc_case_file(file, L"contended.bin", 1);
    for (unsigned i = 0; i < lockers; i++) apps[i] = fixture_app_start(L"--window none --open \"%ls\"", file);
    LPCWSTR files[] = {file};
    check_rc("RmRegisterResources", pRmRegisterResources(h, 1, files, 0, NULL, 0, NULL), ERROR_SUCCESS);
    return h;
}

static int same_process(const RM_UNIQUE_PROCESS *a, const RM_UNIQUE_PROCESS *b)
{
    return a->dwProcessId == b->dwProcessId &&
           a->ProcessStartTime.dwLowDateTime == b->ProcessStartTime.dwLowDateTime &&
           a->ProcessStartTime.dwHighDateTime == b->ProcessStartTime.dwHighDateTime;
}

/* Index of the entry naming that exact process (PID and start time) among the first count, or -1. */
static int find_process(const RM_PROCESS_INFO *apps, UINT count, const RM_UNIQUE_PROCESS *p)
{
    for (UINT i = 0; i < count; i++)
        if (same_process(&apps[i].Process, p)) return (int)i;
    return -1;
}

/* The sizing call of §9 step 1: capacity 0, no array, with the fixtures holding the file open
 * (shared). Returns needed. An empty list means the fixtures were not detected at all: that
 * precondition is checked directly first (detect.locked_file, detect.shared_open_file). */
static UINT sizing_call(DWORD h, DWORD want_rc)
{
    UINT *needed = rmc_guard_alloc(sizeof(UINT), "RmGetList pnProcInfoNeeded");
    UINT *count = rmc_guard_alloc(sizeof(UINT), "RmGetList pnProcInfo");
    DWORD *reasons = rmc_guard_alloc(sizeof(DWORD), "RmGetList lpdwRebootReasons");
    *count = 0;
    DWORD rc = pRmGetList(h, needed, count, NULL, reasons);
    if (rc == ERROR_SUCCESS || rc == ERROR_MORE_DATA)
        check(rmc_written(needed, sizeof(UINT)), "RmGetList returned %s and left *pnProcInfoNeeded unwritten", rmc_rc_str(rc));
    if (rc == ERROR_SUCCESS && want_rc == ERROR_MORE_DATA && *needed == 0) rmc_require_detection(RMC_DETECT_OPEN_FILE);
    rmc_obs_int("sizing.needed", *needed);
    rmc_obs_int("sizing.count", *count);
    check_rc("RmGetList(sizing: 0, NULL)", rc, want_rc);
    rmc_check_list_claim(*needed);
    return *needed;
}

/* Every one of the first count entries names one of the fixtures with its true start time. */
static void check_entries_are(const RM_PROCESS_INFO *apps, UINT count, fixture_app **fx, unsigned nfx)
{
    for (UINT i = 0; i < count; i++) {
        int known = 0;
        for (unsigned k = 0; k < nfx && !known; k++) {
            RM_UNIQUE_PROCESS up = fixture_app_unique_process(fx[k]);
            known = same_process(&apps[i].Process, &up);
        }
        check(known, "entry %u names pid %lu (start time 0x%08lx%08lx), which is none of the %u fixtures holding the file",
              i, apps[i].Process.dwProcessId, apps[i].Process.ProcessStartTime.dwHighDateTime,
              apps[i].Process.ProcessStartTime.dwLowDateTime, nfx);
    }
    for (unsigned k = 0; k < nfx; k++) {
        RM_UNIQUE_PROCESS up = fixture_app_unique_process(fx[k]);
        check(find_process(apps, count, &up) >= 0, "no entry among %u names fixture %u (pid %lu)", count, k, up.dwProcessId);
    }
}

/* ---- sizing, exact, larger ---------------------------------------------------------------------- */

static void sizing(void **state)
{
    fixture_app *app;
    WCHAR file[MAX_PATH];
    DWORD h = session_with_lockers(1, &app, file);
    UINT needed = sizing_call(h, ERROR_MORE_DATA);
    check(needed >= 1, "the sizing call reported %u entries needed with one process holding the file", needed);
}

/* Fetches into a guarded array of `capacity` entries; returns rc, *filled = *pnProcInfo. */
static DWORD fetch(DWORD h, UINT capacity, RM_PROCESS_INFO **apps, UINT *needed, UINT *filled, DWORD *reasons)
{
    rmc_check_list_claim(capacity);
    *apps = rmc_guard_alloc(capacity * ENTRY, "RmGetList rgAffectedApps");
    UINT *g_needed = rmc_guard_alloc(sizeof(UINT), "RmGetList pnProcInfoNeeded");
    UINT *g_filled = rmc_guard_alloc(sizeof(UINT), "RmGetList pnProcInfo");
    DWORD *g_reasons = rmc_guard_alloc(sizeof(DWORD), "RmGetList lpdwRebootReasons");
    *g_filled = capacity;
    DWORD rc = pRmGetList(h, g_needed, g_filled, *apps, g_reasons);
    if (rc == ERROR_SUCCESS || rc == ERROR_MORE_DATA)
        check(rmc_written(g_needed, sizeof(UINT)), "RmGetList returned %s and left *pnProcInfoNeeded unwritten", rmc_rc_str(rc));
    if (rc == ERROR_SUCCESS)
        check(rmc_written(g_reasons, sizeof(DWORD)), "RmGetList returned 0 and left *lpdwRebootReasons unwritten");
    *needed = *g_needed;
    *filled = *g_filled;
    *reasons = rc == ERROR_SUCCESS ? *g_reasons : 0;
    rmc_guard_free(g_needed);
    rmc_guard_free(g_filled);
    rmc_guard_free(g_reasons);
    return rc;
}

static void exact_buffer(void **state)
{
    fixture_app *app;
    WCHAR file[MAX_PATH];
    DWORD h = session_with_lockers(1, &app, file);
    UINT capacity = sizing_call(h, ERROR_MORE_DATA), needed = 0, filled = 0;
    DWORD reasons = 0;
    RM_PROCESS_INFO *apps;
    DWORD rc = fetch(h, capacity, &apps, &needed, &filled, &reasons);
    rmc_obs_int("capacity", capacity);
    rmc_obs_int("needed", needed);
    rmc_obs_int("count", filled);
    check_rc("RmGetList(exact buffer)", rc, ERROR_SUCCESS);
    /* Nothing changed since the sizing call: every entry of the exact buffer is filled. */
    check(filled == capacity, "*pnProcInfo is %u after filling a buffer of exactly the %u entries needed", filled, capacity);
    for (UINT i = 0; i < filled; i++)
        check(!rmc_guard_untouched(apps, i * ENTRY, sizeof(RM_UNIQUE_PROCESS)),
              "*pnProcInfo says %u entries were filled, but entry %u was never written", filled, i);
    check_entries_are(apps, filled, &app, 1);
}

static void larger_buffer(void **state)
{
    fixture_app *app;
    WCHAR file[MAX_PATH];
    DWORD h = session_with_lockers(1, &app, file);
    UINT capacity = sizing_call(h, ERROR_MORE_DATA) + 4, needed = 0, filled = 0;
    DWORD reasons = 0;
    RM_PROCESS_INFO *apps;
    DWORD rc = fetch(h, capacity, &apps, &needed, &filled, &reasons);
    rmc_obs_int("capacity", capacity);
    rmc_obs_int("needed", needed);
    rmc_obs_int("count", filled);
    check_rc("RmGetList(larger buffer)", rc, ERROR_SUCCESS);
    check(filled >= 1 && filled < capacity, "*pnProcInfo is %u for one process in a buffer of %u entries", filled, capacity);
    for (UINT i = 0; i < filled; i++)
        check(!rmc_guard_untouched(apps, i * ENTRY, sizeof(RM_UNIQUE_PROCESS)),
              "*pnProcInfo says %u entries were filled, but entry %u was never written", filled, i);
    check_entries_are(apps, filled, &app, 1);
    /* Whether the unused tail is left alone is not specified (_Inout_updates_ allows writes). */
    rmc_obs_bool("tail_untouched", rmc_guard_untouched(apps, filled * ENTRY, (capacity - filled) * ENTRY));
}

static void needed_equals_count(void **state)
{
    fixture_app *apps_fx[2];
    WCHAR file[MAX_PATH];
    DWORD h = session_with_lockers(2, apps_fx, file);
    UINT needed = 0, filled = 0;
    DWORD reasons = 0;
    RM_PROCESS_INFO *apps;
    check_rc("RmGetList(8 entries)", fetch(h, 8, &apps, &needed, &filled, &reasons), ERROR_SUCCESS);
    rmc_obs_int("needed", needed);
    rmc_obs_int("count", filled);
    if (filled == 0) rmc_require_detection(RMC_DETECT_OPEN_FILE);
    check(needed == filled, "after ERROR_SUCCESS *pnProcInfoNeeded is %u but *pnProcInfo is %u", needed, filled);
    check_entries_are(apps, filled, apps_fx, 2);
}

/* ---- smaller buffer ------------------------------------------------------------------------------- */

typedef struct small_result {
    DWORD rc;
    UINT capacity, needed, count;
    DWORD reasons;
    int reasons_written, entry_written;
} small_result;

/* Two processes hold the file; RmGetList gets a buffer of one entry fewer than needed. */
static small_result smaller_buffer_call(void)
{
    fixture_app *fx[2];
    WCHAR file[MAX_PATH];
    DWORD h = session_with_lockers(2, fx, file);
    small_result r = { 0 };
    r.capacity = sizing_call(h, ERROR_MORE_DATA);
    check(r.capacity >= 2, "the sizing call reported %u entries needed with two processes holding the file", r.capacity);
    r.capacity--;
    UINT *needed = rmc_guard_alloc(sizeof(UINT), "RmGetList pnProcInfoNeeded");
    UINT *count = rmc_guard_alloc(sizeof(UINT), "RmGetList pnProcInfo");
    DWORD *reasons = rmc_guard_alloc(sizeof(DWORD), "RmGetList lpdwRebootReasons");
    RM_PROCESS_INFO *apps = rmc_guard_alloc(r.capacity * ENTRY, "RmGetList rgAffectedApps (one entry short)");
    *count = r.capacity;
    r.rc = pRmGetList(h, needed, count, apps, reasons);
    rmc_guard_check(apps);
    r.needed = *needed;
    r.count = *count;
    r.reasons = *reasons;
    r.reasons_written = !rmc_guard_untouched(reasons, 0, sizeof(DWORD));
    r.entry_written = !rmc_guard_untouched(apps, 0, ENTRY);
    rmc_obs_int("capacity", r.capacity);
    rmc_obs_rc("RmGetList(one entry short)", r.rc);
    rmc_obs_int("needed", r.needed);
    return r;
}

static void smaller_buffer(void **state)
{
    small_result r = smaller_buffer_call();
    check_rc("RmGetList(one entry short)", r.rc, ERROR_MORE_DATA);
    check(r.needed > r.capacity, "ERROR_MORE_DATA with *pnProcInfoNeeded %u, not more than the capacity %u", r.needed, r.capacity);
}

static void smaller_buffer_count(void **state)
{
    small_result r = smaller_buffer_call();
    rmc_obs_int("count_after_more_data", r.count);
    rmc_obs_str("count_is", r.count == 0 ? "zero" : r.count == r.capacity ? "capacity" : r.count == r.needed ? "needed" : "other");
}

static void smaller_buffer_reasons(void **state)
{
    small_result r = smaller_buffer_call();
    rmc_obs_bool("reasons_written", r.reasons_written);
    if (r.reasons_written) rmc_obs_hex("reasons", r.reasons);
}

static void smaller_buffer_entries(void **state)
{
    small_result r = smaller_buffer_call();
    rmc_obs_bool("entries_written", r.entry_written);
}

/* ---- the race, made deterministic ------------------------------------------------------------------ */

static void race_new_locker(void **state)
{
    fixture_app *fx[2];
    WCHAR file[MAX_PATH];
    DWORD h = session_with_lockers(1, fx, file);
    UINT first = sizing_call(h, ERROR_MORE_DATA), needed = 0, filled = 0;
    DWORD reasons = 0;
    RM_PROCESS_INFO *apps;

    /* A second process opens the file between the sizing call and the fetch (§9 step 3). */
    fx[1] = fixture_app_start(L"--window none --open \"%ls\"", file);
    DWORD rc = fetch(h, first, &apps, &needed, &filled, &reasons);
    rmc_obs_int("first_needed", first);
    rmc_obs_int("second_needed", needed);
    check_rc("RmGetList(buffer sized before a new process opened the file)", rc, ERROR_MORE_DATA);
    check(needed > first, "the fetch reported ERROR_MORE_DATA with %u needed, not more than the %u sized before", needed, first);

    UINT capacity = needed;
    rc = fetch(h, capacity, &apps, &needed, &filled, &reasons);
    rmc_obs_int("third_needed", needed);
    rmc_obs_int("count", filled);
    check_rc("RmGetList(buffer of the new size)", rc, ERROR_SUCCESS);
    check(filled == capacity, "*pnProcInfo is %u, expected the %u entries needed", filled, capacity);
    check_entries_are(apps, filled, fx, 2);
}

/* ---- the race under churn ---------------------------------------------------------------------------
 * A thread keeps starting processes that open the registered file and ending the oldest, while
 * the case runs the documented bounded retry loop over and over. The thread records every
 * process it started (PID and start time, taken before the process runs), so each entry RmGetList
 * returns can be matched against the truth even if that process has ended since. */

#define CHURN_MAX 512
#define CHURN_LIVE 3
#define CHURN_READY_MS 10000u

typedef struct churn {
    WCHAR cmd[2 * MAX_PATH + 64];
    CRITICAL_SECTION lock;
    HANDLE thread, stop;
    HANDLE first_ready;         /* set once the first locker holds the file */
    HANDLE procs[CHURN_MAX];
    RM_UNIQUE_PROCESS ids[CHURN_MAX];
    volatile LONG started;
    DWORD spawn_error;
} churn;

/* Starts a locker, waits until it holds the file (its ready event), then ends the oldest while
 * more than CHURN_LIVE hold it: the set of holders changes all the time but is never empty once
 * the first is ready, whatever the machine's load. */
static DWORD WINAPI churn_main(void *arg)
{
    churn *c = arg;
    LONG oldest = 0;
    while (WaitForSingleObject(c->stop, 50) == WAIT_TIMEOUT && c->started < CHURN_MAX) {
        STARTUPINFOW si = { .cb = sizeof(si) };
        PROCESS_INFORMATION pi;
        WCHAR cmd[sizeof(c->cmd) / sizeof(WCHAR) + 64], event_name[64];
        _snwprintf(event_name, 64, L"Local\\rmc-churn-%lu-%ld", GetCurrentProcessId(), c->started);
        HANDLE ready = CreateEventW(NULL, TRUE, FALSE, event_name);
        _snwprintf(cmd, sizeof(cmd) / sizeof(WCHAR), L"%ls --ready-event %ls", c->cmd, event_name);
        cmd[sizeof(cmd) / sizeof(WCHAR) - 1] = 0;
        if (!ready || !create_process_retrying(cmd, FALSE, CREATE_SUSPENDED, &si, &pi)) {
            c->spawn_error = GetLastError();
            if (ready) CloseHandle(ready);
            break;
        }
        FILETIME created, exited, kernel, user;
        GetProcessTimes(pi.hProcess, &created, &exited, &kernel, &user);
        EnterCriticalSection(&c->lock);
        c->procs[c->started] = pi.hProcess;
        c->ids[c->started].dwProcessId = pi.dwProcessId;
        c->ids[c->started].ProcessStartTime = created;
        InterlockedIncrement(&c->started);
        LeaveCriticalSection(&c->lock);
        ResumeThread(pi.hThread);
        CloseHandle(pi.hThread);
        HANDLE waits[2] = { ready, c->stop };
        if (WaitForMultipleObjects(2, waits, FALSE, CHURN_READY_MS) == WAIT_OBJECT_0) SetEvent(c->first_ready);
        CloseHandle(ready);
        while (c->started - oldest > CHURN_LIVE) TerminateProcess(c->procs[oldest++], 0);
    }
    return 0;
}

static void churn_stop(void *arg)
{
    churn *c = arg;
    SetEvent(c->stop);
    WaitForSingleObject(c->thread, 10000);
    CloseHandle(c->thread);
    CloseHandle(c->stop);
    CloseHandle(c->first_ready);
    for (LONG i = 0; i < c->started; i++) {
        TerminateProcess(c->procs[i], 0);
        WaitForSingleObject(c->procs[i], 2000);
        CloseHandle(c->procs[i]);
    }
    DeleteCriticalSection(&c->lock);
    HeapFree(GetProcessHeap(), 0, c);
}

static int churn_knows(churn *c, const RM_UNIQUE_PROCESS *p)
{
    int known = 0;
    EnterCriticalSection(&c->lock);
    for (LONG i = 0; i < c->started && !known; i++) known = same_process(&c->ids[i], p);
    LeaveCriticalSection(&c->lock);
    return known;
}

#define CHURN_ITERATIONS 25
#define CHURN_SECONDS 8    /* enough for a dozen or more rounds here; keeps the suite fast */
#define CHURN_TRIES 4

static void churn_retry_loop(void **state)
{
    DWORD h = rmc_session_start(NULL);
    WCHAR file[MAX_PATH];
    rmc_case_file(file, L"churned.bin", 1);
    LPCWSTR files[] = {file};
    check_rc("RmRegisterResources", pRmRegisterResources(h, 1, files, 0, NULL, 0, NULL), ERROR_SUCCESS);

    churn *c = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*c));
    check(c != NULL, "out of memory");
    _snwprintf(c->cmd, sizeof(c->cmd) / sizeof(WCHAR), L"\"%lsrmfx-app.exe\" --window none --open \"%ls\"", rmc_bin_dir(), file);
    InitializeCriticalSection(&c->lock);
    c->stop = CreateEventW(NULL, TRUE, FALSE, NULL);
    c->first_ready = CreateEventW(NULL, TRUE, FALSE, NULL);
    rmc_defer(churn_stop, c);
    c->thread = CreateThread(NULL, 0, churn_main, c, 0, NULL);
    check(c->thread != NULL, "CreateThread failed: %s", rmc_rc_str(GetLastError()));
    /* The loop starts once someone holds the file: from then on someone always does, so every
     * complete list must name someone (an implementation that answers at once cannot finish
     * the loop before the first locker exists and pass on empty lists). */
    if (WaitForSingleObject(c->first_ready, 4 * CHURN_READY_MS) != WAIT_OBJECT_0)
        rmc_unsupported("the first locker (rmfx-app --open) did not hold the file within %u ms%s%s", 4 * CHURN_READY_MS,
                        c->spawn_error ? ": " : "", c->spawn_error ? rmc_rc_str(c->spawn_error) : "");

    unsigned iterations = 0, successes = 0, lists_with_entries = 0, more_data = 0, gave_up = 0, empty = 0, max_count = 0, calls = 0;
    UINT *g_needed = rmc_guard_alloc(sizeof(UINT), "RmGetList pnProcInfoNeeded");
    UINT *g_n = rmc_guard_alloc(sizeof(UINT), "RmGetList pnProcInfo");
    DWORD *g_reasons = rmc_guard_alloc(sizeof(DWORD), "RmGetList lpdwRebootReasons");
    DWORD t0 = GetTickCount();
    for (; iterations < CHURN_ITERATIONS && GetTickCount() - t0 < CHURN_SECONDS * 1000u; iterations++) {
        UINT needed = 0, n = 0;
        *g_n = 0;
        DWORD rc = pRmGetList(h, g_needed, g_n, NULL, g_reasons);
        needed = *g_needed;
        n = *g_n;
        calls++;
        if (rc == ERROR_SUCCESS) {
            check(needed == 0 && n == 0, "iteration %u: the sizing call succeeded with needed %u, count %u", iterations, needed, n);
            empty++;
            successes++;
            continue;
        }
        check(rc == ERROR_MORE_DATA, "iteration %u: the sizing call returned %s", iterations, rmc_rc_str(rc));
        check(needed > 0, "iteration %u: the sizing call returned ERROR_MORE_DATA with needed 0", iterations);
        int tries = 0;
        for (; tries < CHURN_TRIES; tries++) {
            UINT capacity = needed;
            rmc_check_list_claim(capacity);
            RM_PROCESS_INFO *apps = rmc_guard_alloc(capacity * ENTRY, "RmGetList rgAffectedApps (churn)");
            *g_n = capacity;
            rc = pRmGetList(h, g_needed, g_n, apps, g_reasons);
            needed = *g_needed;
            n = *g_n;
            calls++;
            if (rc == ERROR_MORE_DATA) {
                check(needed > capacity, "iteration %u: ERROR_MORE_DATA with needed %u for a buffer of %u", iterations, needed,
                      capacity);
                more_data++;
                rmc_guard_free(apps);
                continue;
            }
            check(rc == ERROR_SUCCESS, "iteration %u: the fetch returned %s", iterations, rmc_rc_str(rc));
            check(n <= capacity, "iteration %u: *pnProcInfo %u exceeds the capacity %u", iterations, n, capacity);
            check(needed >= n, "iteration %u: *pnProcInfoNeeded %u is less than *pnProcInfo %u", iterations, needed, n);
            for (UINT i = 0; i < n; i++)
                check(churn_knows(c, &apps[i].Process),
                      "iteration %u: entry %u names pid %lu with start time 0x%08lx%08lx, no process that opened the file",
                      iterations, i, apps[i].Process.dwProcessId, apps[i].Process.ProcessStartTime.dwHighDateTime,
                      apps[i].Process.ProcessStartTime.dwLowDateTime);
            if (n > max_count) max_count = n;
            successes++;
            lists_with_entries += n > 0;
            rmc_guard_free(apps);
            break;
        }
        if (tries == CHURN_TRIES) gave_up++;
    }
    rmc_obs_int("iterations", iterations);
    rmc_obs_int("calls", calls);
    rmc_obs_int("successes", successes);
    rmc_obs_int("lists_with_entries", lists_with_entries);
    rmc_obs_int("more_data_on_fetch", more_data);
    rmc_obs_int("gave_up", gave_up);
    rmc_obs_int("empty_lists", empty);
    rmc_obs_int("max_count", max_count);
    rmc_obs_int("processes_started", c->started);
    rmc_obs_int("elapsed_ms", (long long)(GetTickCount() - t0));
    check(c->spawn_error == 0, "starting a locker failed: %s", rmc_rc_str(c->spawn_error));
    check(successes > 0, "the bounded retry loop never got a complete list in %u iterations (%u gave up)", iterations, gave_up);
    if (lists_with_entries == 0) rmc_require_detection(RMC_DETECT_OPEN_FILE);
    /* The first locker was ready before the loop: some process held the file at every moment. */
    check(lists_with_entries > 0, "in %u iterations no complete list named any of the %ld processes that held the file",
          iterations, c->started);
}

const rmc_case rmc_cases_moredata[] = {
    RMC_CASE("moredata.sizing_call", "RmGetList(0, NULL) with one process holding the file: ERROR_MORE_DATA, needed >= 1",
             "§9", "doc", .exports = S_LIST, .needs = RMC_CAP_HANDLE_ENUM, .body = sizing),
    RMC_CASE("moredata.exact_buffer", "A buffer of exactly the needed size: ERROR_SUCCESS, *pnProcInfo = the entries filled",
             "§9", "doc", .exports = S_LIST, .needs = RMC_CAP_HANDLE_ENUM, .body = exact_buffer),
    RMC_CASE("moredata.larger_buffer", "A larger buffer: ERROR_SUCCESS, *pnProcInfo = the entries filled, below the capacity",
             "§9", "doc", .exports = S_LIST, .needs = RMC_CAP_HANDLE_ENUM, .body = larger_buffer),
    RMC_CASE("moredata.needed_equals_count", "After ERROR_SUCCESS *pnProcInfoNeeded equals *pnProcInfo (Inno Setup relies on it)",
             "§9", "obs", .exports = S_LIST, .needs = RMC_CAP_HANDLE_ENUM, .body = needed_equals_count),
    RMC_CASE("moredata.smaller_buffer", "A buffer one entry short: ERROR_MORE_DATA, needed above the capacity, no write past it",
             "§9", "doc", .exports = S_LIST, .needs = RMC_CAP_HANDLE_ENUM, .body = smaller_buffer),
    RMC_CASE("moredata.smaller_buffer_count", "*pnProcInfo after ERROR_MORE_DATA (0, the capacity, or the number needed)",
             "§9", "probe", .exports = S_LIST, .needs = RMC_CAP_HANDLE_ENUM, .body = smaller_buffer_count),
    RMC_CASE("moredata.smaller_buffer_reasons", "Whether *lpdwRebootReasons is written with ERROR_MORE_DATA",
             "§9", "probe", .exports = S_LIST, .needs = RMC_CAP_HANDLE_ENUM, .body = smaller_buffer_reasons),
    RMC_CASE("moredata.smaller_buffer_entries", "Whether entries are written to a buffer too small for the whole list",
             "§9", "probe", .exports = S_LIST, .needs = RMC_CAP_HANDLE_ENUM, .body = smaller_buffer_entries),
    RMC_CASE("moredata.race_new_locker", "A process that opens the file between sizing and fetch: ERROR_MORE_DATA with more needed, then success",
             "§9", "doc", .exports = S_LIST, .needs = RMC_CAP_HANDLE_ENUM, .body = race_new_locker),
    RMC_CASE("moredata.churn_retry_loop", "The bounded retry loop while processes keep opening and leaving the file: no overrun, true entries",
             "§9", "doc", .exports = S_LIST, .needs = RMC_CAP_HANDLE_ENUM, .timeout_s = 90, .body = churn_retry_loop),
};
RMC_AREA_COUNT(moredata);

/* filters.c — RmAddFilter / RmRemoveFilter / RmGetFilterList: what RmNoRestart and RmNoShutdown
 * do to a shutdown and a restart (by file, process and service), the latest filter winning,
 * removal, the size-then-fill contract of RmGetFilterList and its records, and the argument
 * rules the spec leaves open. Spec §4.5, §4.6, §5.3, §8.6, §8.7, §8.9–§8.11, §16. */
#include "rmcase.h"
#include "fixture.h"
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#define WAIT_MS 10000u
#define GONE_MS 5000u
#define STAYS_MS 500u
#define UPTIME_MS 61000u    /* §10.5: restarted only after 60 s of uptime */

/* ---- helpers ---------------------------------------------------------------------------------- */

/* Full path of the application fixture's image: what a file filter names. */
static const WCHAR *app_image(void)
{
    static WCHAR path[MAX_PATH];
    _snwprintf(path, MAX_PATH, L"%lsrmfx-app.exe", rmc_bin_dir());
    return path;
}

static int got_endsession_true(fixture_app *app)
{
    const fixture_journal *j = fixture_app_journal(app);
    for (int i = fixture_journal_find(j, "WM_ENDSESSION", 0); i >= 0; i = fixture_journal_find(j, "WM_ENDSESSION", (size_t)i + 1))
        if (fixture_journal_number(j->lines[i], "wParam", 0) == TRUE) return 1;
    return 0;
}

/* ---- RmNoShutdown (§8.6 item 7) ---------------------------------------------------------------- */

/* The fixture is filtered with RmNoShutdown through `how`; RmShutdown must leave it running and
 * RmGetList must mark it RmStatusShutdownMasked. */
static void no_shutdown_app(void **state)
{
    int how = (int)(ULONG_PTR)*state;   /* 0 file (its image), 1 process */
    WCHAR file[MAX_PATH];
    fixture_app *app = fixture_locker_start(file, L"masked.bin", L"--window main");
    DWORD h = rmc_session_with_file(file);
    RM_UNIQUE_PROCESS up = fixture_app_unique_process(app);
    if (how == 0) check_rc("RmAddFilter(file, RmNoShutdown)", pRmAddFilter(h, app_image(), NULL, NULL, RmNoShutdown), ERROR_SUCCESS);
    else check_rc("RmAddFilter(process, RmNoShutdown)", pRmAddFilter(h, NULL, &up, NULL, RmNoShutdown), ERROR_SUCCESS);
    rmc_obs_rc("RmShutdown", pRmShutdown(h, 0, NULL));
    check(!fixture_app_wait_exit(app, STAYS_MS, NULL), "RmShutdown shut down an application filtered with RmNoShutdown");
    check(!got_endsession_true(app), "an application filtered with RmNoShutdown got WM_ENDSESSION(TRUE)");
    fixture_app_obs_journal(app, "journal");
    rmc_list(h, "after");
    const RM_PROCESS_INFO *e = rmc_listed_pid(up.dwProcessId);
    if (!e) rmc_require_detection(RMC_DETECT_LOCKED_FILE);
    check(e != NULL, "after RmShutdown, RmGetList does not list the filtered application (pid %lu)", up.dwProcessId);
    rmc_obs_hex("after.AppStatus", e->AppStatus);
    check(e->AppStatus & RmStatusShutdownMasked, "AppStatus is 0x%lx, RmStatusShutdownMasked (0x40) not set", e->AppStatus);
}

static void no_shutdown_service(void **state)
{
    fixture_service *svc = fixture_service_install(L"masked", L"");
    fixture_service_start(svc);
    DWORD h = rmc_session_with_service(fixture_service_name(svc));
    check_rc("RmAddFilter(service, RmNoShutdown)", pRmAddFilter(h, NULL, NULL, fixture_service_name(svc), RmNoShutdown), ERROR_SUCCESS);
    rmc_obs_rc("RmShutdown", pRmShutdown(h, 0, NULL));
    check(fixture_service_state(svc) == SERVICE_RUNNING, "the service filtered with RmNoShutdown is in state %lu after RmShutdown",
          fixture_service_state(svc));
    check(fixture_journal_find(fixture_service_journal(svc), "control", 0) < 0,
          "the service filtered with RmNoShutdown got a control request");
    rmc_list(h, "after");
    const RM_PROCESS_INFO *e = rmc_listed_service(fixture_service_name(svc));
    check(e != NULL, "after RmShutdown, RmGetList does not list the filtered service");
    rmc_obs_hex("after.AppStatus", e->AppStatus);
    check(e->AppStatus & RmStatusShutdownMasked, "AppStatus is 0x%lx, RmStatusShutdownMasked (0x40) not set", e->AppStatus);
}

/* ---- RmNoRestart (§8.7) -------------------------------------------------------------------------- */

static void no_restart_service(void **state)
{
    fixture_service *svc = fixture_service_install(L"norestart", L"");
    fixture_service_start(svc);
    DWORD h = rmc_session_with_service(fixture_service_name(svc));
    check_rc("RmAddFilter(service, RmNoRestart)", pRmAddFilter(h, NULL, NULL, fixture_service_name(svc), RmNoRestart), ERROR_SUCCESS);
    check_rc("RmShutdown", pRmShutdown(h, 0, NULL), ERROR_SUCCESS);
    check(fixture_service_wait(svc, SERVICE_STOPPED, GONE_MS), "RmNoRestart must not prevent the shutdown: the service is in state %lu",
          fixture_service_state(svc));
    rmc_obs_rc("RmRestart", pRmRestart(h, 0, NULL));
    check(!fixture_service_wait(svc, SERVICE_RUNNING, STAYS_MS), "RmRestart started a service filtered with RmNoRestart");
    rmc_list(h, "after");
    const RM_PROCESS_INFO *e = rmc_listed_service(fixture_service_name(svc));
    check(e != NULL, "after RmRestart, RmGetList does not list the filtered service");
    rmc_obs_hex("after.AppStatus", e->AppStatus);
    check(e->AppStatus & RmStatusRestartMasked, "AppStatus is 0x%lx, RmStatusRestartMasked (0x80) not set", e->AppStatus);
    check(!(e->AppStatus & RmStatusRestarted), "AppStatus 0x%lx has RmStatusRestarted", e->AppStatus);
}

static void no_restart_app(void **state)
{
    WCHAR file[MAX_PATH];
    fixture_app *app = fixture_locker_start(file, L"norestart.bin", L"--window main --restart-cmdline \"--window none\"");
    DWORD pid = fixture_app_pid(app);
    DWORD h = rmc_session_with_file(file);
    check_rc("RmAddFilter(file, RmNoRestart)", pRmAddFilter(h, app_image(), NULL, NULL, RmNoRestart), ERROR_SUCCESS);
    FILETIME created = fixture_app_unique_process(app).ProcessStartTime, now;
    GetSystemTimeAsFileTime(&now);
    ULONGLONG up = ((((ULONGLONG)now.dwHighDateTime << 32) | now.dwLowDateTime) -
                    (((ULONGLONG)created.dwHighDateTime << 32) | created.dwLowDateTime)) / 10000;
    if (up < UPTIME_MS) Sleep((DWORD)(UPTIME_MS - up));
    DWORD rc = pRmShutdown(h, 0, NULL);
    if (rc != ERROR_SUCCESS || !fixture_app_wait_exit(app, GONE_MS, NULL)) rmc_require_shutdown_stops();
    check_rc("RmShutdown", rc, ERROR_SUCCESS);
    check(fixture_app_wait_exit(app, 0, NULL), "RmNoRestart must not prevent the shutdown: the application still runs");
    rmc_obs_rc("RmRestart", pRmRestart(h, 0, NULL));
    Sleep(STAYS_MS);
    const fixture_journal *j = fixture_app_journal(app);
    size_t starts = fixture_journal_count(j, "start", 0);
    if (starts > 1) fixture_end_pid_later((DWORD)fixture_journal_number(j->lines[fixture_journal_find(j, "start", 1)], "pid", 0));
    check(starts == 1, "RmRestart started an application filtered with RmNoRestart");
    rmc_list(h, "after");
    const RM_PROCESS_INFO *e = rmc_listed_pid(pid);
    check(e != NULL, "after RmRestart, RmGetList does not list the filtered application");
    rmc_obs_hex("after.AppStatus", e->AppStatus);
    check(e->AppStatus & RmStatusRestartMasked, "AppStatus is 0x%lx, RmStatusRestartMasked (0x80) not set", e->AppStatus);
}

/* ---- the latest filter for a target wins (§8.9) ------------------------------------------------ */

static void latest_wins(void **state)
{
    WCHAR fa[MAX_PATH], fb[MAX_PATH];
    fixture_app *a = fixture_locker_start(fa, L"latest-a.bin", L"--window main");
    fixture_app *b = fixture_locker_start(fb, L"latest-b.bin", L"--window main");
    RM_UNIQUE_PROCESS ua = fixture_app_unique_process(a), ub = fixture_app_unique_process(b);
    DWORD h = rmc_session_start(NULL);
    LPCWSTR files[] = { fa, fb };
    check_rc("RmRegisterResources", pRmRegisterResources(h, 2, files, 0, NULL, 0, NULL), ERROR_SUCCESS);
    check_rc("RmAddFilter(A, RmNoShutdown)", pRmAddFilter(h, NULL, &ua, NULL, RmNoShutdown), ERROR_SUCCESS);
    check_rc("RmAddFilter(A, RmNoRestart)", pRmAddFilter(h, NULL, &ua, NULL, RmNoRestart), ERROR_SUCCESS);
    check_rc("RmAddFilter(B, RmNoRestart)", pRmAddFilter(h, NULL, &ub, NULL, RmNoRestart), ERROR_SUCCESS);
    check_rc("RmAddFilter(B, RmNoShutdown)", pRmAddFilter(h, NULL, &ub, NULL, RmNoShutdown), ERROR_SUCCESS);
    DWORD *needed = rmc_guard_alloc(sizeof(DWORD), "RmGetFilterList cbFilterBufNeeded");
    rmc_obs_rc("RmGetFilterList(size)", pRmGetFilterList(h, NULL, 0, needed));
    rmc_obs_int("filter_list_bytes", *needed);
    rmc_obs_rc("RmShutdown", pRmShutdown(h, 0, NULL));
    if (!fixture_app_wait_exit(a, GONE_MS, NULL)) rmc_require_shutdown_stops();
    check(fixture_app_wait_exit(a, 0, NULL), "A (RmNoShutdown, then RmNoRestart) was not shut down: the earlier filter still applies");
    check(!fixture_app_wait_exit(b, 0, NULL), "B (RmNoRestart, then RmNoShutdown) was shut down: the earlier filter still applies");
}

/* ---- RmRemoveFilter (§8.10, §16 item 2) ------------------------------------------------------- */

static void remove_missing(void **state)
{
    DWORD h = rmc_session_start(NULL);
    check_rc("RmRemoveFilter(no filters at all)", pRmRemoveFilter(h, app_image(), NULL, NULL), ERROR_FILE_NOT_FOUND);
    check_rc("RmAddFilter(service)", pRmAddFilter(h, NULL, NULL, L"rmfx-filter-present", RmNoRestart), ERROR_SUCCESS);
    check_rc("RmRemoveFilter(another service)", pRmRemoveFilter(h, NULL, NULL, L"rmfx-filter-absent"), ERROR_FILE_NOT_FOUND);
    check_rc("RmRemoveFilter(file, only a service filtered)", pRmRemoveFilter(h, app_image(), NULL, NULL), ERROR_FILE_NOT_FOUND);
}

static void remove_twice(void **state)
{
    DWORD h = rmc_session_start(NULL);
    check_rc("RmAddFilter(file)", pRmAddFilter(h, app_image(), NULL, NULL, RmNoShutdown), ERROR_SUCCESS);
    check_rc("RmRemoveFilter(first)", pRmRemoveFilter(h, app_image(), NULL, NULL), ERROR_SUCCESS);
    check_rc("RmRemoveFilter(second)", pRmRemoveFilter(h, app_image(), NULL, NULL), ERROR_FILE_NOT_FOUND);
}

static void remove_restores_shutdown(void **state)
{
    WCHAR file[MAX_PATH];
    fixture_app *app = fixture_locker_start(file, L"unmasked.bin", L"--window main");
    RM_UNIQUE_PROCESS up = fixture_app_unique_process(app);
    DWORD h = rmc_session_with_file(file);
    check_rc("RmAddFilter(process, RmNoShutdown)", pRmAddFilter(h, NULL, &up, NULL, RmNoShutdown), ERROR_SUCCESS);
    check_rc("RmRemoveFilter(process)", pRmRemoveFilter(h, NULL, &up, NULL), ERROR_SUCCESS);
    DWORD rc = pRmShutdown(h, 0, NULL);
    /* Still running: first whether RmShutdown stops such an application at all. */
    if (rc != ERROR_SUCCESS || !fixture_app_wait_exit(app, GONE_MS, NULL)) rmc_require_shutdown_stops();
    check_rc("RmShutdown", rc, ERROR_SUCCESS);
    check(fixture_app_wait_exit(app, 0, NULL), "the application still runs: the removed RmNoShutdown filter still applies");
}

/* ---- RmGetFilterList (§8.11, §5.3) ------------------------------------------------------------- */

typedef struct filter_record {
    DWORD offset, next;
    RM_FILTER_ACTION action;
    RM_FILTER_TRIGGER trigger;
    RM_UNIQUE_PROCESS process;
    int string_in_buffer;          /* file/service: the union's pointer points into the buffer */
    WCHAR text[MAX_PATH + 1];
} filter_record;

/* Walks the records by cbNextOffset, never reading outside [buf, buf+size): stops at a
 * cbNextOffset of 0, at the end of the buffer, or after `max` records. */
static int walk_records(const BYTE *buf, DWORD size, filter_record *out, int max)
{
    DWORD off = 0;
    int n = 0;
    while (n < max && (size_t)off + sizeof(RM_FILTER_INFO) <= size) {
        RM_FILTER_INFO fi;
        memcpy(&fi, buf + off, sizeof(fi));
        filter_record *r = &out[n++];
        memset(r, 0, sizeof(*r));
        r->offset = off;
        r->next = fi.cbNextOffset;
        r->action = fi.FilterAction;
        r->trigger = fi.FilterTrigger;
        if (fi.FilterTrigger == RmFilterTriggerProcess) {
            r->process = fi.Process;
        } else if (fi.FilterTrigger == RmFilterTriggerFile || fi.FilterTrigger == RmFilterTriggerService) {
            const BYTE *s = (const BYTE *)fi.strFilename;
            r->string_in_buffer = s >= buf && s < buf + size;
            if (r->string_in_buffer) {
                size_t room = (size_t)(buf + size - s) / sizeof(WCHAR);
                size_t len = wcsnlen((const WCHAR *)s, room < MAX_PATH ? room : MAX_PATH);
                memcpy(r->text, s, len * sizeof(WCHAR));
            }
        }
        if (!fi.cbNextOffset) break;
        off += fi.cbNextOffset;
    }
    return n;
}

/* A set-up call: checked (check_rc) in the cases that assert, a precondition (`blocked`, see
 * filters.get_list_records) in the probes that only build on it. */
#define setup_rc(key_, rc_, want_) do { \
        if (strcmp(rmc_current_case()->provenance, "probe")) check_rc(key_, rc_, want_); \
        else require_rc(key_, rc_, want_, "filters.get_list_records"); } while (0)

/* Three filters, one of each trigger. */
static DWORD three_filters(RM_UNIQUE_PROCESS *process)
{
    DWORD h = rmc_session_start(NULL);
    process->dwProcessId = GetCurrentProcessId();
    FILETIME exit_time, kernel, user;
    GetProcessTimes(GetCurrentProcess(), &process->ProcessStartTime, &exit_time, &kernel, &user);
    setup_rc("RmAddFilter(file, RmNoRestart)", pRmAddFilter(h, app_image(), NULL, NULL, RmNoRestart), ERROR_SUCCESS);
    setup_rc("RmAddFilter(process, RmNoShutdown)", pRmAddFilter(h, NULL, process, NULL, RmNoShutdown), ERROR_SUCCESS);
    setup_rc("RmAddFilter(service, RmNoRestart)", pRmAddFilter(h, NULL, NULL, L"rmfx-filtered-service", RmNoRestart), ERROR_SUCCESS);
    return h;
}

static DWORD filter_list_size(DWORD h)
{
    DWORD *needed = rmc_guard_alloc(sizeof(DWORD), "RmGetFilterList cbFilterBufNeeded");
    *needed = 0;
    DWORD rc = pRmGetFilterList(h, NULL, 0, needed);
    rmc_obs_int("needed", *needed);
    setup_rc("RmGetFilterList(NULL, 0)", rc, ERROR_MORE_DATA);
    check(*needed > 0, "RmGetFilterList returned ERROR_MORE_DATA with cbFilterBufNeeded 0 for three filters");
    /* §5.3: records are packed and of variable length; whether each takes at least
     * sizeof(RM_FILTER_INFO) is not documented: recorded. */
    rmc_obs_bool("needed_holds_three_records", *needed >= 3 * sizeof(RM_FILTER_INFO));
    DWORD n = *needed;
    rmc_guard_free(needed);
    return n;
}

static void list_sizing(void **state)
{
    RM_UNIQUE_PROCESS me;
    DWORD h = three_filters(&me);
    DWORD size = filter_list_size(h);
    BYTE *buf = rmc_guard_alloc(size, "RmGetFilterList pbFilterBuf");
    DWORD *needed = rmc_guard_alloc(sizeof(DWORD), "RmGetFilterList cbFilterBufNeeded");
    check_rc("RmGetFilterList(needed bytes)", pRmGetFilterList(h, buf, size, needed), ERROR_SUCCESS);
    rmc_obs_int("needed.second", *needed);
    check(*needed <= size, "after success cbFilterBufNeeded is %lu, more than the %lu bytes given", *needed, size);
}

static void list_small_buffer(void **state)
{
    RM_UNIQUE_PROCESS me;
    DWORD h = three_filters(&me);
    DWORD size = filter_list_size(h);
    BYTE *buf = rmc_guard_alloc(size - 1, "RmGetFilterList pbFilterBuf (one byte short)");
    DWORD *needed = rmc_guard_alloc(sizeof(DWORD), "RmGetFilterList cbFilterBufNeeded");
    check_rc("RmGetFilterList(one byte short)", pRmGetFilterList(h, buf, size - 1, needed), ERROR_MORE_DATA);
    check(*needed == size, "cbFilterBufNeeded is %lu on the second sizing, %lu on the first", *needed, size);
    rmc_obs_bool("buffer_untouched", rmc_guard_untouched(buf, 0, size - 1));
}

static void list_records(void **state)
{
    RM_UNIQUE_PROCESS me;
    DWORD h = three_filters(&me);
    DWORD size = filter_list_size(h);
    BYTE *buf = rmc_guard_alloc(size, "RmGetFilterList pbFilterBuf");
    DWORD *needed = rmc_guard_alloc(sizeof(DWORD), "RmGetFilterList cbFilterBufNeeded");
    check_rc("RmGetFilterList", pRmGetFilterList(h, buf, size, needed), ERROR_SUCCESS);
    filter_record r[8];
    int n = walk_records(buf, size, r, 8);
    rmc_obs_int("records", n);
    int file = 0, proc = 0, svc = 0;
    for (int i = 0; i < n; i++) {
        if (r[i].trigger == RmFilterTriggerFile && r[i].action == RmNoRestart &&
            (!r[i].string_in_buffer || !_wcsicmp(r[i].text, app_image()))) file++;
        else if (r[i].trigger == RmFilterTriggerProcess && r[i].action == RmNoShutdown &&
                 r[i].process.dwProcessId == me.dwProcessId &&
                 !CompareFileTime(&r[i].process.ProcessStartTime, &me.ProcessStartTime)) proc++;
        else if (r[i].trigger == RmFilterTriggerService && r[i].action == RmNoRestart &&
                 (!r[i].string_in_buffer || !_wcsicmp(r[i].text, L"rmfx-filtered-service"))) svc++;
        else rmc_fail("record %d (offset %lu) is action %d trigger %d text '%ls': none of the three filters added", i,
                      r[i].offset, r[i].action, r[i].trigger, r[i].text);
    }
    check(file == 1, "%d records for the file filter (RmNoRestart on %ls), expected 1", file, app_image());
    check(proc == 1, "%d records for the process filter (RmNoShutdown on pid %lu), expected 1", proc, me.dwProcessId);
    check(svc == 1, "%d records for the service filter (RmNoRestart on rmfx-filtered-service), expected 1", svc);
}

static void list_layout(void **state)
{
    /* §5.3: the terminator and where the strings live are UNCONFIRMED: recorded. */
    RM_UNIQUE_PROCESS me;
    DWORD h = three_filters(&me);
    DWORD size = filter_list_size(h);
    BYTE *buf = rmc_guard_alloc(size, "RmGetFilterList pbFilterBuf");
    DWORD *needed = rmc_guard_alloc(sizeof(DWORD), "RmGetFilterList cbFilterBufNeeded");
    setup_rc("RmGetFilterList", pRmGetFilterList(h, buf, size, needed), ERROR_SUCCESS);
    filter_record r[8];
    int n = walk_records(buf, size, r, 8);
    char json[1024];
    size_t off = (size_t)snprintf(json, sizeof(json), "[");
    for (int i = 0; i < n && off < sizeof(json) - 96; i++)
        off += (size_t)snprintf(json + off, sizeof(json) - off, "%s{\"offset\":%lu,\"cbNextOffset\":%lu,\"trigger\":%d,\"string_in_buffer\":%s}",
                                i ? "," : "", r[i].offset, r[i].next, r[i].trigger, r[i].string_in_buffer ? "true" : "false");
    snprintf(json + off, sizeof(json) - off, "]");
    rmc_obs_json("records", json);
    if (n) rmc_obs_int("last.cbNextOffset", r[n - 1].next);
}

static void list_empty(void **state)
{
    DWORD h = rmc_session_start(NULL);
    DWORD *needed = rmc_guard_alloc(sizeof(DWORD), "RmGetFilterList cbFilterBufNeeded");
    *needed = 0xFFFFFFFF;
    rmc_obs_rc("RmGetFilterList(no filters)", pRmGetFilterList(h, NULL, 0, needed));
    rmc_obs_int("needed", *needed);
}

/* ---- what the spec leaves open (§8.9, §18) ----------------------------------------------------- */

static void invalid_action(void **state)
{
    DWORD h = rmc_session_start(NULL);
    rmc_obs_rc("RmAddFilter(RmInvalidFilterAction)", pRmAddFilter(h, app_image(), NULL, NULL, RmInvalidFilterAction));
    rmc_obs_rc("RmAddFilter(action 3)", pRmAddFilter(h, app_image(), NULL, NULL, (RM_FILTER_ACTION)3));
}

static void two_targets(void **state)
{
    /* §8.9, §8.10: exactly one of the three targets must be given (DOC): none of these calls
     * may succeed. Which code they return (160 presumably) is UNCONFIRMED: recorded. */
    DWORD h = rmc_session_start(NULL);
    RM_UNIQUE_PROCESS up = fixture_unique_process(GetCurrentProcessId());
    DWORD rc[5];
    static const char *const what[5] = {"RmAddFilter(file + service)", "RmAddFilter(file + process)", "RmAddFilter(all three)",
                                        "RmRemoveFilter(file + service)", "RmRemoveFilter(no target)"};
    rc[0] = pRmAddFilter(h, app_image(), NULL, L"rmfx-filtered-service", RmNoRestart);
    rc[1] = pRmAddFilter(h, app_image(), &up, NULL, RmNoRestart);
    rc[2] = pRmAddFilter(h, app_image(), &up, L"rmfx-filtered-service", RmNoRestart);
    rc[3] = pRmRemoveFilter(h, app_image(), NULL, L"rmfx-filtered-service");
    rc[4] = pRmRemoveFilter(h, NULL, NULL, NULL);
    for (int i = 0; i < 5; i++) rmc_obs_rc(what[i], rc[i]);
    for (int i = 0; i < 5; i++) check(rc[i] != ERROR_SUCCESS, "%s returned ERROR_SUCCESS (0): exactly one target is allowed", what[i]);
}

static void unregistered_target(void **state)
{
    /* A filter naming something the session has not registered (§8.9: UNCONFIRMED). */
    WCHAR file[MAX_PATH];
    rmc_case_file(file, L"registered.bin", 1);
    DWORD h = rmc_session_with_file(file);
    rmc_obs_rc("RmAddFilter(unregistered service)", pRmAddFilter(h, NULL, NULL, L"rmfx-not-registered", RmNoShutdown));
    rmc_obs_rc("RmAddFilter(unregistered file)", pRmAddFilter(h, L"C:\\rmfx-not-registered.exe", NULL, NULL, RmNoShutdown));
}

#define S RMX(StartSession) | RMX(EndSession)
#define SF S | RMX(AddFilter)
#define SDN SF | RMX(RegisterResources) | RMX(Shutdown) | RMX(GetList)
const rmc_case rmc_cases_filters[] = {
    RMC_CASE("filters.no_shutdown_by_file", "RmNoShutdown on the application's image leaves it running, AppStatus RmStatusShutdownMasked",
             "§8.6", "doc", .exports = SDN, .needs = RMC_CAP_WINDOWS, .timeout_s = 60, .body = no_shutdown_app, .param = (const void *)0),
    RMC_CASE("filters.no_shutdown_by_process", "RmNoShutdown on the process leaves it running, AppStatus RmStatusShutdownMasked",
             "§8.6", "doc", .exports = SDN, .needs = RMC_CAP_WINDOWS, .timeout_s = 60, .body = no_shutdown_app, .param = (const void *)1),
    RMC_CASE("filters.no_shutdown_by_service", "RmNoShutdown on a service leaves it running, AppStatus RmStatusShutdownMasked",
             "§8.6", "doc", .exports = SDN, .needs = RMC_CAP_SERVICES, .timeout_s = 90, .body = no_shutdown_service),
    RMC_CASE("filters.no_restart_service", "RmNoRestart on a service: stopped by RmShutdown, not started by RmRestart, RmStatusRestartMasked",
             "§8.7", "doc", .exports = SDN | RMX(Restart), .needs = RMC_CAP_SERVICES, .timeout_s = 90, .body = no_restart_service),
    RMC_CASE("filters.no_restart_app", "RmNoRestart on a restart-registered application: stopped, not restarted, RmStatusRestartMasked",
             "§8.7", "doc", .exports = SDN | RMX(Restart), .needs = RMC_CAP_WINDOWS | RMC_CAP_RESTART_READ | RMC_CAP_UNELEVATED, .timeout_s = 150,
             .body = no_restart_app),
    RMC_CASE("filters.latest_wins", "The most recent RmAddFilter for a target replaces the earlier one", "§8.9", "doc",
             .exports = SDN | RMX(GetFilterList), .needs = RMC_CAP_WINDOWS, .timeout_s = 60, .body = latest_wins),
    RMC_CASE("filters.remove_missing_file_not_found", "RmRemoveFilter for a target without a filter returns ERROR_FILE_NOT_FOUND (2, not the 1 the page prints)",
             "§16", "doc", .exports = SF | RMX(RemoveFilter), .body = remove_missing),
    RMC_CASE("filters.remove_twice", "RmRemoveFilter removes the filter: a second removal returns ERROR_FILE_NOT_FOUND",
             "§8.10", "doc", .exports = SF | RMX(RemoveFilter), .body = remove_twice),
    RMC_CASE("filters.remove_restores_shutdown", "After RmRemoveFilter the RmNoShutdown filter no longer applies", "§8.10", "doc",
             .exports = SDN | RMX(RemoveFilter), .needs = RMC_CAP_WINDOWS, .timeout_s = 60, .body = remove_restores_shutdown),
    RMC_CASE("filters.get_list_sizing", "RmGetFilterList(NULL, 0) returns ERROR_MORE_DATA and the size; that size then returns ERROR_SUCCESS",
             "§8.11", "doc", .exports = SF | RMX(GetFilterList), .body = list_sizing),
    RMC_CASE("filters.get_list_small_buffer", "RmGetFilterList with a buffer one byte short returns ERROR_MORE_DATA and writes nothing past it",
             "§8.11", "doc", .exports = SF | RMX(GetFilterList), .body = list_small_buffer),
    RMC_CASE("filters.get_list_records", "RmGetFilterList records, walked by cbNextOffset, are the file, process and service filters added",
             "§5.3", "doc", .exports = SF | RMX(GetFilterList), .body = list_records),
    RMC_CASE("filters.get_list_layout", "RmGetFilterList's last cbNextOffset and where its strings live", "§5.3", "probe",
             .exports = SF | RMX(GetFilterList), .body = list_layout),
    RMC_CASE("filters.get_list_empty", "RmGetFilterList on a session without filters", "§8.11", "probe",
             .exports = S | RMX(GetFilterList), .body = list_empty),
    RMC_CASE("filters.invalid_action", "RmAddFilter with RmInvalidFilterAction or an undefined action", "§8.9", "probe",
             .exports = SF, .body = invalid_action),
    RMC_CASE("filters.two_targets", "RmAddFilter / RmRemoveFilter with more than one target, or none, fail (the codes are recorded)", "§8.9", "probe",
             .exports = SF | RMX(RemoveFilter), .body = two_targets),
    RMC_CASE("filters.unregistered_target", "RmAddFilter naming a file or service the session has not registered", "§8.9", "probe",
             .exports = SF | RMX(RegisterResources), .body = unregistered_target),
};
RMC_AREA_COUNT(filters);

/* shutdown_protocol.c — parts of RmShutdown's documented protocol no other case covers: it
 * computes the affected list itself (no RmGetList before it), WM_CLOSE follows WM_ENDSESSION
 * for a window application that stays, and applications that agreed are told the session goes
 * on (WM_ENDSESSION FALSE) when another vetoes. Spec §8.6 item 1, §10.1.
 *
 * As in shutdown.c, the file a fixture holds is registered, never the process itself. */
#include "rmcase.h"
#include "fixture.h"
#include <stdio.h>
#include <string.h>

#define WAIT_MS 10000u      /* a journal line that must come */
#define GONE_MS 5000u       /* RmShutdown returned: what it stopped must be gone by then */
#define STAYS_MS 500u       /* something that must not happen: how long we look for it */

/* Index of the first `event` line with key == value at or after from; -1 when none. */
static int find_with(const fixture_journal *j, const char *event, const char *key, unsigned long long value, size_t from)
{
    for (int i = fixture_journal_find(j, event, from); i >= 0; i = fixture_journal_find(j, event, (size_t)i + 1))
        if (!key || fixture_journal_number(j->lines[i], key, ~0ull) == value) return i;
    return -1;
}

/* §8.6 item 1: RmShutdown refreshes the list itself and acts on the processes using the
 * registered files *now*: the fixture starts only after the registration, and no RmGetList
 * is called in the session at all. */
static void computes_list_itself(void **state)
{
    WCHAR file[MAX_PATH];
    rmc_case_file(file, L"late-locker.bin", 1);
    DWORD h = rmc_session_with_file(file);
    fixture_app *app = fixture_app_start(L"--window main --lock \"%ls\" --on-query accept --on-endsession exit", file);
    DWORD rc = pRmShutdown(h, 0, NULL);
    rmc_obs_rc("RmShutdown", rc);
    fixture_app_obs_journal(app, "journal");
    check(fixture_app_wait_exit(app, GONE_MS, NULL),
          "RmShutdown (no RmGetList before it) returned %s and left the application that locks the registered file "
          "running; it must compute the list itself (§8.6)", rmc_rc_str(rc));
    check(fixture_journal_find(fixture_app_journal(app), "WM_QUERYENDSESSION", 0) >= 0,
          "the application ended without receiving WM_QUERYENDSESSION");
    check_rc("RmShutdown(no RmGetList before it)", rc, ERROR_SUCCESS);
}

/* §10.1 item 3: a window application that does not exit after WM_ENDSESSION is sent WM_CLOSE. */
static void close_after_ignored_endsession(void **state)
{
    /* RMC_LOWERED_TIMEOUTS: an application has the hung-app timeout to exit after WM_ENDSESSION
     * (§10.1 item 2, §10.6), so WM_CLOSE may come that late; with the 30 s default the case
     * spent 15 s waiting for rmref's WM_CLOSE and nothing else. */
    rmc_lowered_timeouts();
    WCHAR file[MAX_PATH];
    fixture_app *app = fixture_locker_start(file, L"ignores-endsession.bin",
                                            L"--window main --on-query accept --on-endsession ignore --on-close exit");
    DWORD h = rmc_session_with_file(file);
    DWORD rc = pRmShutdown(h, 0, NULL);
    rmc_obs_rc("RmShutdown", rc);
    int gone = fixture_app_wait_exit(app, GONE_MS, NULL);
    fixture_app_obs_journal(app, "journal");
    const fixture_journal *j = fixture_app_journal(app);
    int end = find_with(j, "WM_ENDSESSION", "wParam", 1, 0);
    check(end >= 0, "the application never received WM_ENDSESSION(TRUE) (RmShutdown returned %s)", rmc_rc_str(rc));
    int close = fixture_journal_find(j, "WM_CLOSE", (size_t)end);
    check(close > end, "the application ignored WM_ENDSESSION and was never sent WM_CLOSE after it (§10.1 item 3)");
    check(gone, "the application still runs after WM_CLOSE (it exits on WM_CLOSE)");
    check_rc("RmShutdown(app leaves on WM_CLOSE)", rc, ERROR_SUCCESS);
}

/* §10.1: "Apps returning TRUE to WM_QUERYENDSESSION always receive WM_ENDSESSION, whatever
 * others answered" — so when another application vetoes, every one that agreed is sent
 * WM_ENDSESSION with wParam FALSE, and stays. */
static void vetoed_agreeing_get_endsession_false(void **state)
{
    WCHAR files[4][MAX_PATH];
    fixture_app *agree[3];
    for (int i = 0; i < 3; i++) {
        WCHAR name[32];
        _snwprintf(name, 32, L"agrees-%d.bin", i);
        agree[i] = fixture_locker_start(files[i], name, L"--window main --on-query accept");
    }
    fixture_app *veto = fixture_locker_start(files[3], L"vetoes.bin", L"--window main --on-query veto");
    DWORD h = rmc_session_start(NULL);
    LPCWSTR reg[] = { files[0], files[1], files[2], files[3] };
    check_rc("RmRegisterResources", pRmRegisterResources(h, 4, reg, 0, NULL, 0, NULL), ERROR_SUCCESS);
    DWORD rc = pRmShutdown(h, 0, NULL);
    rmc_obs_rc("RmShutdown", rc);
    fixture_app_obs_journal(veto, "journal.vetoing");
    require(fixture_journal_find(fixture_app_journal(veto), "WM_QUERYENDSESSION", 0) >= 0, "shutdown.veto_cancels_all",
            "RmShutdown never asked the vetoing application");
    int asked = 0;
    for (int i = 0; i < 3; i++) {
        char key[32];
        snprintf(key, sizeof key, "journal.agreeing%d", i);
        fixture_app_obs_journal(agree[i], key);
        const fixture_journal *j = fixture_app_journal(agree[i]);
        int q = find_with(j, "WM_QUERYENDSESSION", "answer", 1, 0);
        if (q < 0) continue;
        asked++;
        /* The answer may come after RmShutdown returned: wait for it a little. */
        ULONGLONG end = GetTickCount64() + STAYS_MS * 4;
        while (find_with(fixture_app_journal(agree[i]), "WM_ENDSESSION", NULL, 0, (size_t)q) < 0 && GetTickCount64() < end)
            Sleep(20);
        j = fixture_app_journal(agree[i]);
        int e = find_with(j, "WM_ENDSESSION", NULL, 0, (size_t)q);
        check(e > q, "agreeing application %d answered TRUE to WM_QUERYENDSESSION and then received no WM_ENDSESSION "
              "although another vetoed (§10.1)", i);
        check(fixture_journal_number(j->lines[e], "wParam", ~0ull) == 0,
              "agreeing application %d received WM_ENDSESSION with wParam %llu after the veto, expected FALSE: %s", i,
              fixture_journal_number(j->lines[e], "wParam", ~0ull), j->lines[e]);
        check(!fixture_app_wait_exit(agree[i], 0, NULL), "agreeing application %d was shut down although another vetoed", i);
    }
    rmc_obs_int("agreeing_asked", asked);
    require(asked > 0, "shutdown.veto_cancels_all",
            "RmShutdown asked none of the three agreeing applications before the veto, so none answered TRUE");
    check_rc("RmShutdown(one veto, no force)", rc, ERROR_FAIL_SHUTDOWN);
}

#define SL (RMX(StartSession) | RMX(EndSession) | RMX(RegisterResources) | RMX(Shutdown))

const rmc_case rmc_cases_shutdown_protocol[] = {
    RMC_CASE("shutdown.computes_list_itself", "RmShutdown with no RmGetList before it shuts down the process that uses the registered file now",
             "§8.6", "doc", .exports = SL, .needs = RMC_CAP_WINDOWS, .timeout_s = 60, .body = computes_list_itself),
    RMC_CASE("shutdown.close_after_ignored_endsession", "A window application that stays after WM_ENDSESSION is sent WM_CLOSE",
             "§10.1", "doc", .exports = SL, .needs = RMC_CAP_WINDOWS, .flags = RMC_LOWERED_TIMEOUTS, .timeout_s = 60,
             .body = close_after_ignored_endsession),
    RMC_CASE("shutdown.vetoed_agreeing_get_endsession_false", "When one application vetoes, those that answered TRUE get WM_ENDSESSION(FALSE) and stay",
             "§10.1", "doc", .exports = SL, .needs = RMC_CAP_WINDOWS, .timeout_s = 60, .body = vetoed_agreeing_get_endsession_false),
};
RMC_AREA_COUNT(shutdown_protocol);

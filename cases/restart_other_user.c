/* restart_other_user.c — RmRestart never restarts an application that does not run as the
 * current user (started with "Run As"), even when RM shut it down (§8.7, §10.7). The
 * application fixture runs as a second local account (other_user.c: RMC_OTHER_USER), holds a
 * registered file and is registered for restart; the caller shuts it down with RmForceShutdown
 * and calls RmRestart: no new instance may start.
 *
 * A restart is only visible where RM can read restart registrations (RMC_CAP_RESTART_READ) and
 * after 60 s of uptime (§10.5); the fixture writes its journal into a folder both users may
 * write, which the case reads directly (the other user's process is not one of our fixtures). */
#include "rmcase.h"
#include "fixture.h"
#include "other_user.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define WAIT_MS 20000u
#define GONE_MS 5000u
#define STAYS_MS 2000u
#define UPTIME_MS 61000u

/* Lines of the journal at `path` whose event (first word) is `event`. */
static size_t journal_lines(const WCHAR *path, const char *event)
{
    HANDLE f = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL, OPEN_EXISTING, 0, NULL);
    if (f == INVALID_HANDLE_VALUE) return 0;
    DWORD size = GetFileSize(f, NULL), got = 0;
    char *text = calloc((size_t)size + 1, 1);
    if (text) ReadFile(f, text, size, &got, NULL);
    CloseHandle(f);
    size_t n = 0, len = strlen(event);
    for (const char *line = text; line && *line;) {
        if (!strncmp(line, event, len) && (line[len] == ' ' || line[len] == '\n')) n++;
        const char *nl = strchr(line, '\n');
        line = nl ? nl + 1 : NULL;
    }
    free(text);
    return n;
}

static size_t wait_lines(const WCHAR *path, const char *event, size_t want, DWORD ms)
{
    ULONGLONG end = GetTickCount64() + ms;
    size_t n;
    while ((n = journal_lines(path, event)) < want && GetTickCount64() < end) Sleep(50);
    return n;
}

static void other_user_not_restarted(void **state)
{
    WCHAR shared[MAX_PATH], file[MAX_PATH], journal[MAX_PATH], exe[MAX_PATH], cmd[4 * MAX_PATH];
    other_user_shared_folder(shared, L"shared-with-other-user");
    _snwprintf(file, MAX_PATH, L"%ls\\run-as.bin", shared);
    _snwprintf(journal, MAX_PATH, L"%ls\\app.journal", shared);
    _snwprintf(exe, MAX_PATH, L"%lsrmfx-app.exe", rmc_bin_dir());
    _snwprintf(cmd, 4 * MAX_PATH, L"\"%ls\" --journal \"%ls\" --window main --lock \"%ls\" --restart-cmdline \"--window none\"",
               exe, journal, file);
    DWORD pid;
    HANDLE app = other_user_start(cmd, shared, 0, &pid);
    check(wait_lines(journal, "ready", 1, WAIT_MS) >= 1, "the application started as the other user (pid %lu) did not get "
          "ready within %u s (exited: %d)", pid, WAIT_MS / 1000, WaitForSingleObject(app, 0) == WAIT_OBJECT_0);
    Sleep(UPTIME_MS);   /* §10.5: only an application that ran 60 s would be restarted at all */

    DWORD h = rmc_session_with_file(file);
    rmc_list(h, "before");
    const RM_PROCESS_INFO *e = rmc_listed_pid(pid);
    require(e != NULL, "detect.locked_file", "RmGetList does not list the other user's application (pid %lu) that locks "
            "the registered file", pid);
    rmc_obs_bool("before.bRestartable", e->bRestartable);
    DWORD rc = pRmShutdown(h, RmForceShutdown, NULL);
    rmc_obs_rc("RmShutdown", rc);
    int stopped = WaitForSingleObject(app, GONE_MS) == WAIT_OBJECT_0;
    rmc_obs_bool("shut_down", stopped);
    /* §8.6 item 6 lets RM leave another user's application alone; the restart rule is about
     * those it did shut down ("even if RM shut them down"), so the case can judge only then. */
    if (!stopped)
        rmc_unsupported("RmShutdown(RmForceShutdown) returned %s and did not shut the other user's application down "
                        "(§8.6 item 6 allows that): there is nothing RmRestart could wrongly restart", rmc_rc_str(rc));
    rmc_obs_rc("RmRestart", pRmRestart(h, 0, NULL));
    size_t starts = wait_lines(journal, "start", 2, STAYS_MS);
    rmc_obs_int("start_lines", (long long)starts);
    check(starts == 1, "RmRestart started the application of another user again (%zu start lines); applications not "
          "running as the current user are never restarted (§8.7, §10.7)", starts);
}

const rmc_case rmc_cases_restart_other_user[] = {
    RMC_CASE("restart.other_user_not_restarted", "An application running as another user, registered for restart and shut down, is not restarted",
             "§8.7", "doc", .exports = RMX(StartSession) | RMX(EndSession) | RMX(RegisterResources) | RMX(GetList) |
             RMX(Shutdown) | RMX(Restart), .needs = RMC_CAP_WINDOWS | RMC_CAP_RESTART_READ, .timeout_s = 150,
             .body = other_user_not_restarted),
};
RMC_AREA_COUNT(restart_other_user);

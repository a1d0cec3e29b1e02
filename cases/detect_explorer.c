/* detect_explorer.c — the shell: the process that owns the shell window (GetShellWindow; else
 * the explorer.exe of this session) is listed as RmExplorer when a session registers it, and
 * RmShutdown/RmRestart stop it last and bring it back first. Spec §4.1, §8.6 item 2, §10.4, §11.1.
 *
 * Shutting the shell down ends the desktop of whoever runs the suite, so that case runs only on
 * a machine that says its shell is disposable: RMC_ALLOW_SHELL_SHUTDOWN=1 in the runner's
 * environment (a throw-away CI runner; the opt-in is recorded). Without it, or where the
 * platform runs no shell, the cases are unsupported. Wine's shell cannot host it (measured:
 * docs/wine-notes.md "The shell"): its explorer.exe has no top-level window to receive the
 * end-session messages and registers no restart that RM could read. */
#include "rmcase.h"
#include "fixture.h"
#include <stdio.h>
#include <stdlib.h>
#include <tlhelp32.h>

#define WAIT_MS 20000u
#define UPTIME_MS 61000u    /* §10.5: restarted only after 60 s of uptime */

/* The first process named explorer.exe in this process's session, or 0. */
static DWORD explorer_by_name(void)
{
    DWORD mine = 0, found = 0;
    ProcessIdToSessionId(GetCurrentProcessId(), &mine);
    HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    PROCESSENTRY32W pe = { .dwSize = sizeof(pe) };
    for (BOOL ok = snap != INVALID_HANDLE_VALUE && Process32FirstW(snap, &pe); ok && !found; ok = Process32NextW(snap, &pe)) {
        DWORD session = ~0u;
        if (!_wcsicmp(pe.szExeFile, L"explorer.exe") && ProcessIdToSessionId(pe.th32ProcessID, &session) && session == mine)
            found = pe.th32ProcessID;
    }
    if (snap != INVALID_HANDLE_VALUE) CloseHandle(snap);
    return found;
}

/* The shell's PID (GetShellWindow's owner, else explorer.exe by name), or 0. */
static DWORD shell_pid(void)
{
    /* The desktop first: Wine starts its shell (explorer.exe /desktop) when a process of the
     * session first asks for the desktop window, and ends it a moment after the last one has
     * left. The case process loads user32 only now (delay-loaded), so it asks; on Windows this
     * changes nothing. */
    GetDesktopWindow();
    HWND shell = GetShellWindow();
    DWORD pid = 0;
    if (shell) GetWindowThreadProcessId(shell, &pid);
    rmc_obs_bool("found_by_shell_window", pid != 0);
    /* Wine's explorer.exe draws the desktop but sets no shell window: then by name. */
    return pid ? pid : explorer_by_name();
}

static void explorer_typed(void **state)
{
    DWORD pid = shell_pid();
    if (!pid) rmc_unsupported("the platform runs no shell: no shell window and no explorer.exe in this session");
    WCHAR image[MAX_PATH] = L"";
    DWORD n = MAX_PATH;
    HANDLE p = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
    if (p) {
        QueryFullProcessImageNameW(p, 0, image, &n);
        CloseHandle(p);
    }
    rmc_obs_wstr("shell.image", image, MAX_PATH);
    RM_UNIQUE_PROCESS up = fixture_unique_process(pid);
    DWORD h = rmc_session_start(NULL);
    check_rc("RmRegisterResources(shell process)", pRmRegisterResources(h, 0, NULL, 1, &up, 0, NULL), ERROR_SUCCESS);
    rmc_list(h, "shell");
    const RM_PROCESS_INFO *e = rmc_listed_pid(pid);
    check(e != NULL, "RmGetList does not list the registered shell process (pid %lu, %ls)", pid, image);
    rmc_obs_int("ApplicationType", e->ApplicationType);
    check(e->ApplicationType == RmExplorer, "the shell process (%ls) is listed with ApplicationType %d, expected RmExplorer (4)",
          image, (int)e->ApplicationType);
}

/* ---- shut down last, restarted first (§8.6 item 2, §10.4) ---------------------------------------- */

typedef struct rm_call { DWORD h, rc; int restart; } rm_call;

static DWORD WINAPI rm_call_thread(void *arg)
{
    rm_call *c = arg;
    c->rc = c->restart ? pRmRestart(c->h, 0, NULL) : pRmShutdown(c->h, 0, NULL);
    return 0;
}

static HANDLE rm_call_start(rm_call *c)
{
    HANDLE t = CreateThread(NULL, 0, rm_call_thread, c, 0, NULL);
    check(t != NULL, "CreateThread failed: %s", rmc_rc_str(GetLastError()));
    return t;
}

/* The user gets a shell back whatever happened: started again when none runs after the case. */
static void restore_shell(void *unused)
{
    (void)unused;
    if (explorer_by_name()) return;
    STARTUPINFOW si = { .cb = sizeof(si) };
    PROCESS_INFORMATION pi;
    WCHAR cmd[] = L"explorer.exe";
    /* out of the case's job when the job allows it, so the shell outlives the case process */
    if (create_process_retrying(cmd, FALSE, CREATE_BREAKAWAY_FROM_JOB, &si, &pi) ||
        create_process_retrying(cmd, FALSE, 0, &si, &pi)) {
        CloseHandle(pi.hThread);
        CloseHandle(pi.hProcess);
    }
}

static void explorer_last_and_first(void **state)
{
    WCHAR allow[8] = L"";
    GetEnvironmentVariableW(L"RMC_ALLOW_SHELL_SHUTDOWN", allow, 8);
    rmc_obs_bool("shell_shutdown_allowed", !wcscmp(allow, L"1"));
    if (wcscmp(allow, L"1"))
        rmc_unsupported("shutting the shell down ends the desktop of whoever runs the suite: set RMC_ALLOW_SHELL_SHUTDOWN=1 "
                        "only on a machine whose shell is disposable (a throw-away CI runner)");
    DWORD pid = shell_pid();
    if (!pid) rmc_unsupported("the platform runs no shell: no shell window and no explorer.exe in this session");
    HANDLE shell = OpenProcess(SYNCHRONIZE, FALSE, pid);
    check(shell != NULL, "OpenProcess(shell pid %lu) failed: %s", pid, rmc_rc_str(GetLastError()));
    WCHAR file[MAX_PATH];
    fixture_app *app = fixture_locker_start(file, L"beside-the-shell.bin",
                                            L"--window main --on-query accept --on-endsession exit --restart-cmdline \"--window none\"");
    DWORD h = rmc_session_with_file(file);
    RM_UNIQUE_PROCESS up = fixture_unique_process(pid);
    check_rc("RmRegisterResources(shell process)", pRmRegisterResources(h, 0, NULL, 1, &up, 0, NULL), ERROR_SUCCESS);
    fixture_app_wait_uptime(app, UPTIME_MS);
    rmc_defer(restore_shell, NULL);

    /* RmShutdown: note when each is gone. */
    rm_call down = { .h = h };
    HANDLE t = rm_call_start(&down);
    ULONGLONG end = GetTickCount64() + 3 * WAIT_MS, app_gone = 0, shell_gone = 0;
    int returned = 0;
    while (!(returned && app_gone && shell_gone) && GetTickCount64() < end) {
        returned = WaitForSingleObject(t, 5) == WAIT_OBJECT_0;
        if (!app_gone && fixture_app_wait_exit(app, 0, NULL)) app_gone = GetTickCount64();
        if (!shell_gone && WaitForSingleObject(shell, 0) == WAIT_OBJECT_0) shell_gone = GetTickCount64();
    }
    if (!returned) WaitForSingleObject(t, INFINITE);
    CloseHandle(t);
    CloseHandle(shell);
    rmc_obs_rc("RmShutdown", down.rc);
    check_rc("RmShutdown(an application and the shell)", down.rc, ERROR_SUCCESS);
    check(app_gone && shell_gone, "after RmShutdown returned 0 the application %s and the shell %s", app_gone ? "exited" : "still runs",
          shell_gone ? "exited" : "still runs");
    check(app_gone <= shell_gone, "RmShutdown shut the shell (pid %lu) down %llu ms before the application; Explorer is shut "
          "down last (§8.6 item 2, §10.4)", pid, app_gone - shell_gone);

    /* RmRestart: note when a new shell and the application's new instance appear. */
    rm_call up_again = { .h = h, .restart = 1 };
    t = rm_call_start(&up_again);
    end = GetTickCount64() + 3 * WAIT_MS;
    ULONGLONG app_back = 0, shell_back = 0;
    DWORD new_shell = 0;
    returned = 0;
    while (!(returned && app_back && shell_back) && GetTickCount64() < end) {
        returned = WaitForSingleObject(t, 5) == WAIT_OBJECT_0;
        if (!app_back && fixture_journal_count(fixture_app_journal(app), "start", 0) >= 2) app_back = GetTickCount64();
        if (!shell_back && (new_shell = explorer_by_name()) && new_shell != pid) shell_back = GetTickCount64();
    }
    if (!returned) WaitForSingleObject(t, INFINITE);
    CloseHandle(t);
    if (app_back) fixture_end_pid_later((DWORD)fixture_journal_number(fixture_app_wait_line(app, "start", 2, 0), "pid", 0));
    rmc_obs_rc("RmRestart", up_again.rc);
    check_rc("RmRestart", up_again.rc, ERROR_SUCCESS);
    check(shell_back, "RmRestart did not start the shell again (no new explorer.exe in this session)");
    check(app_back, "RmRestart did not restart the application registered for restart");
    check(shell_back <= app_back, "RmRestart started the application %llu ms before the shell (pid %lu); Explorer is "
          "restarted first (§10.4)", shell_back - app_back, new_shell);
}

const rmc_case rmc_cases_detect_explorer[] = {
    RMC_CASE("detect.explorer_typed_explorer", "The shell process (GetShellWindow's owner) is listed as RmExplorer",
             "§4.1", "doc", .exports = RMX(StartSession) | RMX(EndSession) | RMX(RegisterResources) | RMX(GetList),
             .needs = RMC_CAP_WINDOWS, .body = explorer_typed),
    RMC_CASE("restart.explorer_last_and_first", "Explorer is shut down after an application and restarted before it",
             "§8.6", "doc", .exports = RMX(StartSession) | RMX(EndSession) | RMX(RegisterResources) | RMX(Shutdown) |
             RMX(Restart), .needs = RMC_CAP_WINDOWS | RMC_CAP_RESTART_READ | RMC_CAP_UNELEVATED, .flags = RMC_EXCLUSIVE,
             .timeout_s = 180, .body = explorer_last_and_first),
};
RMC_AREA_COUNT(detect_explorer);

/* selftest_cases.c — the runner's own self-test (`rmconform --selftest`, selftest.c): each check
 * proves that a fixture mode does what its options say, by driving it the way RM would (§10)
 * and reading its journal. They are not verdicts on an implementation and are not in the case
 * registry (cases/areas.def). The secondary installer's checks need a working implementation
 * to drive it (§13.2): the self-test gives them rmref.dll, and a crash in it is a failure here. */
#include "rmcase.h"
#include "fixture.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define WAIT_MS 10000u

/* Opens path with the given access and sharing; ERROR_SUCCESS or the error. */
static DWORD try_open(const WCHAR *path, DWORD access, DWORD share)
{
    HANDLE h = CreateFileW(path, access, share, NULL, OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE) return GetLastError();
    CloseHandle(h);
    return ERROR_SUCCESS;
}

/* The journal line at index i, checked to be `event` with field key=want. */
static void check_line(const fixture_journal *j, int i, const char *event, const char *key, const char *want)
{
    char got[64];
    check(i >= 0, "no %s line in the journal", event);
    check(fixture_journal_field(j->lines[i], key, got, sizeof(got)) && !strcmp(got, want),
          "journal line '%s': %s is '%s', expected '%s'", j->lines[i], key, got, want);
}

/* ---- applications: windows (§10.1) ------------------------------------------------------------ */

static void app_window_journal(void **state)
{
    fixture_app *app = fixture_app_start(L"--window main --on-query accept --on-endsession exit");
    HWND hwnd = fixture_app_window(app);
    DWORD_PTR answer = 0xdead;
    check(hwnd != NULL && IsWindow(hwnd), "the fixture reported no usable window (%p)", (void *)hwnd);

    /* The sequence RM documents: query with ENDSESSION_CLOSEAPP, then end-session TRUE. */
    LRESULT sent = SendMessageTimeoutW(hwnd, WM_QUERYENDSESSION, 0, ENDSESSION_CLOSEAPP, SMTO_ABORTIFHUNG, WAIT_MS, &answer);
    check(sent != 0, "SendMessageTimeout(WM_QUERYENDSESSION) failed: %s", rmc_rc_str(GetLastError()));
    rmc_obs_int("WM_QUERYENDSESSION.answer", (long long)answer);
    check(answer == TRUE, "WM_QUERYENDSESSION answered %lld, expected TRUE (--on-query accept)", (long long)answer);
    sent = SendMessageTimeoutW(hwnd, WM_ENDSESSION, TRUE, ENDSESSION_CLOSEAPP, SMTO_ABORTIFHUNG, WAIT_MS, &answer);
    check(sent != 0, "SendMessageTimeout(WM_ENDSESSION) failed: %s", rmc_rc_str(GetLastError()));

    DWORD code = 0;
    check(fixture_app_wait_exit(app, WAIT_MS, &code), "the fixture did not exit after WM_ENDSESSION (--on-endsession exit)");
    fixture_app_wait_line(app, "exit", 1, WAIT_MS);
    fixture_app_obs_journal(app, "journal");
    const fixture_journal *j = fixture_app_journal(app);
    int q = fixture_journal_find(j, "WM_QUERYENDSESSION", 0), e = fixture_journal_find(j, "WM_ENDSESSION", 0);
    check_line(j, q, "WM_QUERYENDSESSION", "lParam", "0x1");
    check_line(j, q, "WM_QUERYENDSESSION", "wParam", "0x0");
    check_line(j, q, "WM_QUERYENDSESSION", "answer", "1");
    check_line(j, e, "WM_ENDSESSION", "wParam", "0x1");
    check_line(j, e, "WM_ENDSESSION", "lParam", "0x1");
    int x = fixture_journal_find(j, "exit", 0);
    check(q < e && e < x, "journal order is query %d, end-session %d, exit %d; expected increasing", q, e, x);
    check(code == 0, "exit code %lu, expected 0", code);
}

static void app_veto_and_ignore_close(void **state)
{
    fixture_app *app = fixture_app_start(L"--window main --on-query veto --on-close ignore");
    HWND hwnd = fixture_app_window(app);
    DWORD_PTR answer = 0xdead;
    check(hwnd != NULL, "the fixture reported no window");
    check(SendMessageTimeoutW(hwnd, WM_QUERYENDSESSION, 0, ENDSESSION_CLOSEAPP, SMTO_ABORTIFHUNG, WAIT_MS, &answer),
          "SendMessageTimeout(WM_QUERYENDSESSION) failed: %s", rmc_rc_str(GetLastError()));
    check(answer == FALSE, "WM_QUERYENDSESSION answered %lld, expected FALSE (--on-query veto)", (long long)answer);
    /* wParam FALSE: the shutdown was cancelled, the fixture must stay (§10.1). */
    SendMessageTimeoutW(hwnd, WM_ENDSESSION, FALSE, ENDSESSION_CLOSEAPP, SMTO_ABORTIFHUNG, WAIT_MS, &answer);
    SendMessageTimeoutW(hwnd, WM_CLOSE, 0, 0, SMTO_ABORTIFHUNG, WAIT_MS, &answer);
    check(!fixture_app_wait_exit(app, 300, NULL), "the fixture exited although it vetoed and ignores WM_CLOSE");
    fixture_app_obs_journal(app, "journal");
    const fixture_journal *j = fixture_app_journal(app);
    check_line(j, fixture_journal_find(j, "WM_QUERYENDSESSION", 0), "WM_QUERYENDSESSION", "answer", "0");
    check_line(j, fixture_journal_find(j, "WM_ENDSESSION", 0), "WM_ENDSESSION", "action", "ignore");
    check_line(j, fixture_journal_find(j, "WM_CLOSE", 0), "WM_CLOSE", "action", "ignore");
}

static void app_hang_on_query(void **state)
{
    fixture_app *app = fixture_app_start(L"--window main --on-query hang");
    DWORD_PTR answer = 0;
    SetLastError(0);
    LRESULT sent = SendMessageTimeoutW(fixture_app_window(app), WM_QUERYENDSESSION, 0, ENDSESSION_CLOSEAPP,
                                       SMTO_ABORTIFHUNG, 1000, &answer);
    rmc_obs_int("SendMessageTimeout", (long long)sent);
    check(sent == 0, "WM_QUERYENDSESSION was answered (%lld) although the fixture hangs", (long long)answer);
    check_line(fixture_app_journal(app), fixture_journal_find(fixture_app_journal(app), "WM_QUERYENDSESSION", 0),
               "WM_QUERYENDSESSION", "answer", "hang");
}

/* Top-level windows of the fixture's own class (the system may add others, e.g. an IME window). */
static void app_delay_then_close(void **state)
{
    fixture_app *app = fixture_app_start(L"--window hidden --delay 400 --on-close exit");
    DWORD_PTR answer;
    DWORD start = GetTickCount();
    check(SendMessageTimeoutW(fixture_app_window(app), WM_CLOSE, 0, 0, SMTO_ABORTIFHUNG, WAIT_MS, &answer),
          "SendMessageTimeout(WM_CLOSE) failed: %s", rmc_rc_str(GetLastError()));
    DWORD took = GetTickCount() - start;
    check(took >= 350, "WM_CLOSE was answered after %lu ms, expected at least --delay 400", took);
    check(fixture_app_wait_exit(app, WAIT_MS, NULL), "the fixture did not exit on WM_CLOSE (--on-close exit)");
    fixture_app_obs_journal(app, "journal");
    check_line(fixture_app_journal(app), fixture_journal_find(fixture_app_journal(app), "WM_CLOSE", 0), "WM_CLOSE",
               "action", "exit");
}

/* --release-event set: a --delay far longer than the wait is cut short (cancel.c relies on it). */
static void app_release_event(void **state)
{
    WCHAR name[64];
    _snwprintf(name, 64, L"Local\\rmfx-selftest-release-%lu", GetCurrentProcessId());
    HANDLE release = CreateEventW(NULL, TRUE, FALSE, name);
    check(release != NULL, "CreateEvent failed: %s", rmc_rc_str(GetLastError()));
    fixture_app *app = fixture_app_start(L"--window hidden --delay 600000 --release-event %ls --on-close exit", name);
    SetEvent(release);
    DWORD_PTR answer;
    check(SendMessageTimeoutW(fixture_app_window(app), WM_CLOSE, 0, 0, SMTO_ABORTIFHUNG, WAIT_MS, &answer),
          "WM_CLOSE was not answered within %u ms although the --release-event was set (--delay 600000): %s", WAIT_MS,
          rmc_rc_str(GetLastError()));
    check(fixture_app_wait_exit(app, WAIT_MS, NULL), "the fixture did not exit on WM_CLOSE (--on-close exit)");
    CloseHandle(release);
}

static BOOL CALLBACK count_window(HWND hwnd, LPARAM lp)
{
    DWORD *want_pid_and_count = (DWORD *)lp, pid = 0;
    WCHAR cls[64] = { 0 };
    GetWindowThreadProcessId(hwnd, &pid);
    GetClassNameW(hwnd, cls, 64);
    if (pid == want_pid_and_count[0] && !wcscmp(cls, L"rmfx-app-window")) want_pid_and_count[1]++;
    return TRUE;
}

static void app_window_shapes(void **state)
{
    static const struct { const WCHAR *shape; int visible, tool; } shapes[] = {
        { L"main", 1, 0 }, { L"hidden", 0, 0 }, { L"other", 1, 1 }, { L"none", -1, -1 },
    };
    for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
        fixture_app *app = fixture_app_start(L"--window %ls --title \"rmfx shape %ls\"", shapes[i].shape, shapes[i].shape);
        HWND hwnd = fixture_app_window(app);
        DWORD pid_and_count[2] = { fixture_app_pid(app), 0 };
        EnumWindows(count_window, (LPARAM)pid_and_count);
        char key[64];
        snprintf(key, sizeof(key), "%ls.top_level_windows", shapes[i].shape);
        rmc_obs_int(key, pid_and_count[1]);
        if (shapes[i].visible < 0) {
            check(hwnd == NULL && pid_and_count[1] == 0, "--window none: the fixture has %lu top-level windows",
                  pid_and_count[1]);
            continue;
        }
        check(hwnd != NULL && pid_and_count[1] == 1, "--window %ls: %lu top-level windows, expected 1",
              shapes[i].shape, pid_and_count[1]);
        check(!IsWindowVisible(hwnd) == !shapes[i].visible, "--window %ls: visible is %d", shapes[i].shape,
              IsWindowVisible(hwnd));
        int tool = (GetWindowLongW(hwnd, GWL_EXSTYLE) & WS_EX_TOOLWINDOW) != 0;
        check(tool == shapes[i].tool, "--window %ls: WS_EX_TOOLWINDOW is %d", shapes[i].shape, tool);
        WCHAR title[64] = { 0 }, want[64];
        GetWindowTextW(hwnd, title, 64);
        _snwprintf(want, 64, L"rmfx shape %ls", shapes[i].shape);
        check(!wcscmp(title, want), "--title: the window is titled '%ls'", title);
        fixture_app_stop(app);
    }
}

/* ---- applications: console (§10.2) ------------------------------------------------------------ */

static void console_ctrl_c(void **state)
{
    fixture_app *app = fixture_app_start(L"--console --on-ctrl exit");
    DWORD rc = fixture_console_ctrl(fixture_app_pid(app), CTRL_C_EVENT);
    check_rc("AttachConsole+GenerateConsoleCtrlEvent", rc, ERROR_SUCCESS);
    fixture_app_wait_line(app, "ctrl", 1, WAIT_MS);
    DWORD code = 0;
    check(fixture_app_wait_exit(app, WAIT_MS, &code), "the console fixture did not exit after CTRL_C_EVENT");
    fixture_app_obs_journal(app, "journal");
    const fixture_journal *j = fixture_app_journal(app);
    check_line(j, fixture_journal_find(j, "ctrl", 0), "ctrl", "event", "0");
    check(fixture_journal_find(j, "exit", 0) > fixture_journal_find(j, "ctrl", 0), "no exit line after the ctrl line");
}

static void console_ctrl_ignored(void **state)
{
    fixture_app *app = fixture_app_start(L"--console --on-ctrl ignore");
    check_rc("AttachConsole+GenerateConsoleCtrlEvent", fixture_console_ctrl(fixture_app_pid(app), CTRL_C_EVENT), ERROR_SUCCESS);
    fixture_app_wait_line(app, "ctrl", 1, WAIT_MS);
    check(!fixture_app_wait_exit(app, 300, NULL), "the console fixture exited although --on-ctrl ignore");
    check_line(fixture_app_journal(app), fixture_journal_find(fixture_app_journal(app), "ctrl", 0), "ctrl", "action", "ignore");
}

/* ---- applications: resources ------------------------------------------------------------------- */

static void app_holds_files(void **state)
{
    WCHAR locked[MAX_PATH], shared[MAX_PATH], module[MAX_PATH];
    rmc_case_file(locked, L"locked.bin", 1);
    rmc_case_file(shared, L"shared.bin", 1);
    fixture_module_copy(module, L"rmfx-held-module.dll");
    fixture_app *app = fixture_app_start(L"--window none --lock \"%ls\" --open \"%ls\" --load-module \"%ls\"",
                                         locked, shared, module);

    DWORD rc = try_open(locked, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE);
    check_rc("open(--lock file, share all)", rc, ERROR_SHARING_VIOLATION);
    rc = try_open(shared, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE);
    check_rc("open(--open file, share all)", rc, ERROR_SUCCESS);
    rc = try_open(shared, GENERIC_READ, 0);
    check_rc("open(--open file, share none)", rc, ERROR_SHARING_VIOLATION);
    /* A loaded image cannot be opened for writing (the loader maps it). */
    rc = try_open(module, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE);
    rmc_obs_rc("open(--load-module file, write)", rc);
    check(rc != ERROR_SUCCESS, "the loaded module could be opened for writing");
    fixture_app_obs_journal(app, "journal");
    check(fixture_journal_count(fixture_app_journal(app), "hold", 0) == 3, "expected 3 hold lines in the journal");

    fixture_app_stop(app);
    rc = try_open(locked, GENERIC_READ, 0);
    check_rc("open(--lock file after the fixture ended)", rc, ERROR_SUCCESS);
}

static void app_child_holds_same(void **state)
{
    WCHAR locked[MAX_PATH];
    rmc_case_file(locked, L"locked-by-two.bin", 1);
    fixture_app *app = fixture_app_start(L"--window main --child --lock \"%ls\"", locked);
    DWORD child = fixture_app_child_pid(app);
    check(child != 0 && child != fixture_app_pid(app), "no child reported in the journal");
    RM_UNIQUE_PROCESS up = fixture_unique_process(child);
    rmc_obs_bool("child.start_time_set", up.ProcessStartTime.dwHighDateTime || up.ProcessStartTime.dwLowDateTime);
    /* End only the parent: the inherited handle keeps the file locked by the child. */
    TerminateProcess(fixture_app_process(app), 1);
    WaitForSingleObject(fixture_app_process(app), WAIT_MS);
    check_rc("open(--lock file while only the child runs)", try_open(locked, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE),
             ERROR_SHARING_VIOLATION);
    fixture_app_stop(app);   /* ends the child too */
    check_rc("open(--lock file after fixture_app_stop)", try_open(locked, GENERIC_READ, 0), ERROR_SUCCESS);
}

static void app_in_job(void **state)
{
    fixture_app *app = fixture_app_start(L"--window none");
    BOOL in_job = FALSE;
    check(IsProcessInJob(fixture_app_process(app), NULL, &in_job), "IsProcessInJob failed: %s", rmc_rc_str(GetLastError()));
    check(in_job, "the fixture process is in no job: it could outlive the case");
}

/* ---- restart registration (§10.5) --------------------------------------------------------------- */

static void app_restart_cmdline(void **state)
{
    fixture_app *app = fixture_app_start(L"--window hidden --restart-cmdline \"--window none --title again\" --restart-flags 8");
    const char *reg = fixture_app_wait_line(app, "restart-registered", 1, WAIT_MS);
    char hr[32], cmdline[1024];
    fixture_journal_field(reg, "hr", hr, sizeof(hr));
    fixture_journal_field(reg, "cmdline", cmdline, sizeof(cmdline));
    rmc_obs_str("RegisterApplicationRestart.hr", hr);
    check(!strcmp(hr, "0x00000000"), "RegisterApplicationRestart returned %s, expected S_OK", hr);
    check(strstr(cmdline, "--journal ") == cmdline, "the registered command line does not start with --journal: %s", cmdline);
    check(strstr(cmdline, "--window none --title again"), "the registered command line lost the case's args: %s", cmdline);
    check(fixture_journal_number(reg, "flags", 0) == 8, "registered flags: %s", reg);

    /* Start what RmRestart would start (the image plus the registered arguments) and see the
     * new instance find the same journal. */
    WCHAR exe[MAX_PATH], *wcmd = calloc(2048, sizeof(WCHAR));
    _snwprintf(exe, MAX_PATH, L"%lsrmfx-app.exe", rmc_bin_dir());
    int n = _snwprintf(wcmd, 2048, L"\"%ls\" ", exe);
    MultiByteToWideChar(CP_UTF8, 0, cmdline, -1, wcmd + n, 2048 - n);
    STARTUPINFOW si = { .cb = sizeof(si) };
    PROCESS_INFORMATION pi;
    check(CreateProcessW(NULL, wcmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi), "CreateProcess failed: %s",
          rmc_rc_str(GetLastError()));
    free(wcmd);
    const char *second = fixture_app_wait_line(app, "start", 2, WAIT_MS);
    DWORD restarted = (DWORD)fixture_journal_number(second, "pid", 0);
    fixture_app_wait_line(app, "ready", 2, WAIT_MS);
    TerminateProcess(pi.hProcess, 0);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    check(restarted == pi.dwProcessId, "second start line is from pid %lu, expected %lu", restarted, pi.dwProcessId);
    fixture_app_obs_journal(app, "journal");
}

/* ---- services (§10.3) ------------------------------------------------------------------------------ */

static void service_start_stop(void **state)
{
    WCHAR locked[MAX_PATH];
    rmc_case_file(locked, L"service-lock.bin", 1);
    fixture_service *svc = fixture_service_install(L"smoke", L"--lock \"%ls\"", locked);
    check(fixture_service_state(svc) == SERVICE_STOPPED, "a new service is in state %lu", fixture_service_state(svc));
    fixture_service_start(svc);
    RM_UNIQUE_PROCESS up = fixture_service_unique_process(svc);
    rmc_obs_bool("pid_known", up.dwProcessId != 0);
    fixture_service_wait_line(svc, "SERVICE_RUNNING", 1, WAIT_MS);
    check_rc("open(service --lock file)", try_open(locked, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE),
             ERROR_SHARING_VIOLATION);
    check_rc("ControlService(STOP)", fixture_service_stop(svc, WAIT_MS), ERROR_SUCCESS);
    check(fixture_service_state(svc) == SERVICE_STOPPED, "state %lu after stop", fixture_service_state(svc));
    fixture_service_wait_line(svc, "SERVICE_STOPPED", 1, WAIT_MS);
    check_rc("open(service --lock file after stop)", try_open(locked, GENERIC_READ, 0), ERROR_SUCCESS);
    {
        const fixture_journal *j = fixture_service_journal(svc);
        int run = fixture_journal_find(j, "SERVICE_RUNNING", 0), ctl = fixture_journal_find(j, "control", 0),
            stop = fixture_journal_find(j, "SERVICE_STOPPED", 0);
        check(run >= 0 && run < ctl && ctl < stop, "journal order running %d, control %d, stopped %d", run, ctl, stop);
        check_line(j, ctl, "control", "code", "0x1");
    }
    fixture_service_delete(svc);
}

static void service_refuses_stop(void **state)
{
    fixture_service *svc = fixture_service_install(L"refuse", L"--stop refuse");
    fixture_service_start(svc);
    DWORD rc = fixture_service_stop(svc, 1000);
    check_rc("ControlService(STOP)", rc, ERROR_INVALID_SERVICE_CONTROL);
    check(fixture_service_state(svc) == SERVICE_RUNNING, "state %lu after a refused stop", fixture_service_state(svc));
    fixture_service_delete(svc);   /* ends its process: a refusing service must not stay */
}

static void service_slow_stop_and_depends(void **state)
{
    BYTE buf[8192];
    QUERY_SERVICE_CONFIGW *cfg = (QUERY_SERVICE_CONFIGW *)buf;
    DWORD got;
    fixture_service *base = fixture_service_install(L"base", L"--stop slow 1500");
    fixture_service *dep = fixture_service_install(L"dependent", L"--depends %ls", fixture_service_name(base));

    /* --depends is configuration: the SCM reports it back, or (Wine 8's QueryServiceConfig
     * leaves lpDependencies empty) at least stores it where Windows keeps it. */
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
    SC_HANDLE h = scm ? OpenServiceW(scm, fixture_service_name(dep), SERVICE_QUERY_CONFIG) : NULL;
    BOOL ok = h && QueryServiceConfigW(h, cfg, sizeof(buf), &got);
    if (h) CloseServiceHandle(h);
    if (scm) CloseServiceHandle(scm);
    check(ok, "QueryServiceConfig failed: %s", rmc_rc_str(GetLastError()));
    WCHAR stored[256] = { 0 }, key[256];
    DWORD size = sizeof(stored) - sizeof(WCHAR);
    _snwprintf(key, 256, L"System\\CurrentControlSet\\Services\\%ls", fixture_service_name(dep));
    RegGetValueW(HKEY_LOCAL_MACHINE, key, L"DependOnService", RRF_RT_REG_MULTI_SZ, NULL, stored, &size);
    const WCHAR *reported = cfg->lpDependencies ? cfg->lpDependencies : L"";
    rmc_obs_bool("QueryServiceConfig.reports_dependencies", *reported != 0);
    check(!wcscmp(*reported ? reported : stored, fixture_service_name(base)),
          "the dependent's dependencies are '%ls' (registry: '%ls'), expected '%ls'", reported, stored,
          fixture_service_name(base));

    /* Whether StartService starts the dependency itself is the SCM's business: observed only. */
    fixture_service_start(dep);
    rmc_obs_int("dependency_state_after_starting_dependent", fixture_service_state(base));
    if (fixture_service_state(base) != SERVICE_RUNNING) fixture_service_start(base);

    check_rc("ControlService(STOP, dependent)", fixture_service_stop(dep, WAIT_MS), ERROR_SUCCESS);
    check_rc("ControlService(STOP, slow)", fixture_service_stop(base, 200), ERROR_SUCCESS);
    DWORD pending = fixture_service_state(base);
    rmc_obs_int("state_right_after_stop", pending);
    check(pending == SERVICE_STOP_PENDING, "a slow service is in state %lu 200 ms after STOP, expected STOP_PENDING", pending);
    fixture_service_wait_line(base, "SERVICE_STOPPED", 1, WAIT_MS);
    /* The service journals SERVICE_STOPPED just before it reports the state to the SCM: the SCM
     * may still say STOP_PENDING for a moment (seen in a CI run), so wait for the state itself. */
    int stopped = fixture_service_wait(base, SERVICE_STOPPED, WAIT_MS);
    check(stopped, "state %lu %u ms after the slow service journalled SERVICE_STOPPED", fixture_service_state(base), WAIT_MS);
}

/* ---- the secondary installer (§13.2) ----------------------------------------------------------------- */

static void secondary_reports_calls(void **state)
{
    WCHAR key[CCH_RM_SESSION_KEY + 1], file[MAX_PATH];
    rmc_session_start(key);
    rmc_case_file(file, L"secondary.bin", 1);
    fixture_secondary *sec = fixture_secondary_start(key, L"--register-file \"%ls\" --call getlist --then end", file);
    DWORD code = fixture_secondary_wait(sec, WAIT_MS);
    fixture_secondary_obs(sec, "secondary");
    rmc_obs_hex("exit_code", code);
    check_rc("LoadLibrary", fixture_secondary_rc(sec, "LoadLibrary", 1), ERROR_SUCCESS);
    /* The secondary must report each call in order and end with its exit line. */
    char call[64] = "";
    const char *last = fixture_secondary_line(sec, fixture_secondary_count(sec) - 1);
    check(last && fixture_json_field(last, "event", call, sizeof(call)) && !strcmp(call, "exit"),
          "the secondary's last line is not its exit: %s", last ? last : "(no output)");
    static const char *const calls[] = { "RmJoinSession", "RmRegisterResources", "RmGetList", "RmEndSession" };
    for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
        char k[64];
        snprintf(k, sizeof(k), "rc.%s", calls[i]);
        DWORD rc = fixture_secondary_rc(sec, calls[i], 1);
        rmc_obs_rc(k, rc);
        check(rc == ERROR_SUCCESS, "the secondary reported %s for %s with rmref", rmc_rc_str(rc), calls[i]);
    }
    check(code == 0, "the secondary exited with %lu", code);
}

static void secondary_stays_until_told(void **state)
{
    WCHAR key[CCH_RM_SESSION_KEY + 1];
    rmc_session_start(key);
    fixture_secondary *sec = fixture_secondary_start(key, L"--then stay");
    const char *stay = fixture_secondary_wait_stay(sec, WAIT_MS);
    if (!stay) {
        fixture_secondary_wait(sec, WAIT_MS);
        fixture_secondary_obs(sec, "secondary");
        const char *last = fixture_secondary_count(sec) ? fixture_secondary_line(sec, fixture_secondary_count(sec) - 1) : NULL;
        rmc_fail("the secondary did not stay: %s", last ? last : "(no output)");
    }
    fixture_secondary_send(sec, "--call getlist");
    check(fixture_secondary_wait_stay(sec, WAIT_MS) != NULL, "no stay line after a command");
    fixture_secondary_rc(sec, "RmGetList", 1);
    fixture_secondary_send(sec, "--then end");
    DWORD code = fixture_secondary_wait(sec, WAIT_MS);
    fixture_secondary_obs(sec, "secondary");
    fixture_secondary_rc(sec, "RmEndSession", 1);
    check(code == 0, "the secondary exited with %lu", code);
}

static void secondary_every_action(void **state)
{
    WCHAR key[CCH_RM_SESSION_KEY + 1];
    rmc_session_start(key);
    fixture_app *app = fixture_app_start(L"--window none");
    RM_UNIQUE_PROCESS up = fixture_app_unique_process(app);
    unsigned long long start = ((unsigned long long)up.ProcessStartTime.dwHighDateTime << 32) | up.ProcessStartTime.dwLowDateTime;
    fixture_secondary *sec = fixture_secondary_start(key,
        L"--register-process %lu:%llu --register-service rmfx-no-such-service --call getlist --call addfilter "
        L"--call cancel --then exit-without-end", up.dwProcessId, start);
    fixture_secondary_wait(sec, WAIT_MS);
    fixture_secondary_obs(sec, "secondary");
    const char *last = fixture_secondary_line(sec, fixture_secondary_count(sec) - 1);
    /* One line per action, in order, and no RmEndSession (exit-without-end). */
    static const char *const calls[] = { "LoadLibrary", "RmJoinSession", "RmRegisterResources", "RmRegisterResources",
                                         "RmGetList", "RmAddFilter", "RmCancelCurrentTask" };
    size_t n = fixture_secondary_count(sec);
    check(n == sizeof(calls) / sizeof(calls[0]) + 1, "%zu lines from the secondary, expected %zu", n,
          sizeof(calls) / sizeof(calls[0]) + 1);
    for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
        char call[64] = "", pid[32] = "";
        fixture_json_field(fixture_secondary_line(sec, i), "call", call, sizeof(call));
        check(!strcmp(call, calls[i]), "line %zu is for %s, expected %s", i + 1, call, calls[i]);
        if (i == 2) {
            fixture_json_field(fixture_secondary_line(sec, i), "pid", pid, sizeof(pid));
            check(strtoul(pid, NULL, 10) == up.dwProcessId, "--register-process registered pid %s", pid);
        }
    }
    check(strstr(last, "\"event\":\"exit\""), "last line is not the exit: %s", last);
}

const rmc_case rmc_selftest_cases[] = {
    RMC_CASE("selftest.app_window_journal", "rmfx-app journals WM_QUERYENDSESSION / WM_ENDSESSION in order and exits",
             "§10.1", "doc", .needs = RMC_CAP_WINDOWS, .body = app_window_journal),
    RMC_CASE("selftest.app_veto_and_ignore_close", "rmfx-app --on-query veto --on-close ignore answers FALSE and stays",
             "§10.1", "doc", .needs = RMC_CAP_WINDOWS, .body = app_veto_and_ignore_close),
    RMC_CASE("selftest.app_hang_on_query", "rmfx-app --on-query hang never answers WM_QUERYENDSESSION", "§10.1", "doc",
             .needs = RMC_CAP_WINDOWS, .body = app_hang_on_query),
    RMC_CASE("selftest.app_delay_then_close", "rmfx-app --delay answers late; --on-close exit leaves on WM_CLOSE",
             "§10.1", "doc", .needs = RMC_CAP_WINDOWS, .body = app_delay_then_close),
    RMC_CASE("selftest.app_release_event", "rmfx-app --release-event ends a --delay once the case sets the event",
             "§10.1", "doc", .needs = RMC_CAP_WINDOWS, .body = app_release_event),
    RMC_CASE("selftest.app_window_shapes", "rmfx-app --window main|hidden|other|none creates the window it names",
             "§11.1", "doc", .needs = RMC_CAP_WINDOWS, .body = app_window_shapes),
    RMC_CASE("selftest.console_ctrl_c", "rmfx-con gets CTRL_C_EVENT through AttachConsole, journals it and exits",
             "§10.2", "doc", .body = console_ctrl_c),
    RMC_CASE("selftest.console_ctrl_ignored", "rmfx-con --on-ctrl ignore journals CTRL_C_EVENT and stays", "§10.2", "doc",
             .body = console_ctrl_ignored),
    RMC_CASE("selftest.app_holds_files", "--lock, --open and --load-module really hold their files", "§8.4", "doc",
             .body = app_holds_files),
    RMC_CASE("selftest.app_child_holds_same", "--child starts a child that holds the same locked file", "§8.4", "doc",
             .needs = RMC_CAP_WINDOWS, .body = app_child_holds_same),
    RMC_CASE("selftest.app_in_job", "Fixture processes live in a job object that ends with the case", "§10", "doc",
             .body = app_in_job),
    RMC_CASE("selftest.app_restart_cmdline", "--restart-cmdline registers a command line a restarted instance journals with",
             "§10.5", "doc", .needs = RMC_CAP_WINDOWS, .body = app_restart_cmdline),
    RMC_CASE("selftest.service_start_stop", "rmfx-svc starts and stops through the SCM, holds its lock and journals it",
             "§10.3", "doc", .needs = RMC_CAP_SERVICES, .timeout_s = 60, .body = service_start_stop),
    RMC_CASE("selftest.service_refuses_stop", "rmfx-svc --stop refuse does not accept SERVICE_CONTROL_STOP", "§10.3", "doc",
             .needs = RMC_CAP_SERVICES, .timeout_s = 60, .body = service_refuses_stop),
    RMC_CASE("selftest.service_slow_stop_and_depends", "rmfx-svc --stop slow reports STOP_PENDING; --depends orders start",
             "§10.3", "doc", .needs = RMC_CAP_SERVICES, .timeout_s = 60, .body = service_slow_stop_and_depends),
    RMC_CASE("selftest.secondary_reports_calls", "rmfx-secondary joins with the key and reports every call's return code",
             "§13.2", "doc", .exports = RMX(StartSession) | RMX(EndSession) | RMX(JoinSession) | RMX(RegisterResources) | RMX(GetList),
             .body = secondary_reports_calls),
    RMC_CASE("selftest.secondary_stays_until_told", "rmfx-secondary --then stay takes further commands on stdin",
             "§13.2", "doc", .exports = RMX(StartSession) | RMX(EndSession) | RMX(JoinSession) | RMX(GetList),
             .body = secondary_stays_until_told),
    RMC_CASE("selftest.secondary_every_action", "rmfx-secondary performs every action in order, one JSON line each",
             "§13.2", "doc", .exports = RMX(StartSession) | RMX(EndSession) | RMX(JoinSession) | RMX(RegisterResources) |
             RMX(GetList) | RMX(AddFilter) | RMX(CancelCurrentTask), .body = secondary_every_action),
};
const size_t rmc_selftest_cases_count = sizeof(rmc_selftest_cases) / sizeof(rmc_selftest_cases[0]);

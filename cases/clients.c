/* clients.c — the clients area: the call patterns of shipping installers and lock finders, run
 * as separate programs (clients/, one per pattern) that import rstrtmgr.dll by name, against the
 * implementation under test placed beside them (harness/client_run.h). Each case starts the
 * fixtures, runs the client, and checks the JSON the client printed and the fixtures' journals.
 * Spec §7.2, §9, §13.1, §13.2, §21. */
#include "rmcase.h"
#include "fixture.h"
#include "client_run.h"
#include <stdio.h>
#include <string.h>

#define S_BASIC (RMX(StartSession) | RMX(EndSession) | RMX(RegisterResources) | RMX(GetList))
#define S_INSTALL (S_BASIC | RMX(JoinSession) | RMX(Shutdown) | RMX(Restart))

/* What a client's JSON says a call returned (field), checked like check_rc under the call's name. */
static void check_client_rc(const char *json, const char *field, const char *call, DWORD want)
{
    check_rc(call, (DWORD)client_num(json, field), want);
}

/* The implementation must list the locker of `file` to the case itself, else a client's
 * finding nobody is a consequence of detection, which `see_case` checks directly. */
static void require_detects(const WCHAR *file, DWORD pid, const char *see_case)
{
    DWORD h = rmc_session_with_file(file);
    RM_PROCESS_INFO *apps;
    UINT count;
    DWORD reasons;
    DWORD rc = rmc_get_list_all(h, &apps, &count, &reasons);
    int found = 0;
    for (UINT i = 0; rc == ERROR_SUCCESS && i < count; i++) found |= apps[i].Process.dwProcessId == pid;
    require(found, see_case, "RmGetList (called by the case, one file registered) does not list pid %lu, "
            "which holds the file (%s, %u entries)", pid, rmc_rc_str(rc), count);
}

/* ---- §13.1/§13.2: the primary and secondary installers ------------------------------------------- */

static void installer_primary_secondary(void **state)
{
    WCHAR data[MAX_PATH], config[MAX_PATH], secondary[MAX_PATH];
    rmc_case_file(data, L"installer-data.bin", 1);
    rmc_case_file(config, L"installer-config.ini", 1);
    fixture_app *app = fixture_app_start(L"--window main --lock \"%ls\" --open \"%ls\" --restart-cmdline \"--window main\"",
                                         data, config);
    DWORD pid = fixture_app_pid(app);
    client_place(secondary, L"installer-secondary.exe");
    const char *out = client_run(L"installer-primary.exe", 90000, NULL, L"\"%ls\" \"%ls\" \"%ls\"", data, config, secondary);

    check_client_rc(out, "start", "RmStartSession(primary)", ERROR_SUCCESS);
    const char *key = client_value(out, "key");
    check(key && strlen(key) == 2 + 32, "RmStartSession returned 0 and the key the primary hands to the secondary "
          "is %s, not 32 characters (§7.2)", key ? key : "missing");
    const char *sec = client_value(out, "secondary");
    DWORD sec_exit = (DWORD)client_num(out, "secondary_exit");
    if (client_exit_is_exception(sec_exit))
        client_crash(sec_exit, "the secondary installer crashed with exit code 0x%08lX (it printed: %.300s)",
                     (unsigned long)sec_exit, sec ? sec : "nothing");
    check(sec != NULL, "the secondary installer printed nothing and ended with exit code %lu (259: the primary "
          "killed it after 15 s)", (unsigned long)sec_exit);
    check_client_rc(sec, "join", "RmJoinSession(secondary, with the primary's key)", ERROR_SUCCESS);
    check_client_rc(sec, "register", "RmRegisterResources(secondary)", ERROR_SUCCESS);
    check_client_rc(sec, "end", "RmEndSession(secondary)", ERROR_SUCCESS);

    check_client_rc(out, "register", "RmRegisterResources(primary)", ERROR_SUCCESS);
    check_client_rc(out, "getlist", "RmGetList(primary, §9 retry loop)", ERROR_SUCCESS);
    check(client_lists(out, "pids", pid), "the primary's RmGetList (%lld entries) does not list the application "
          "(pid %lu) that locks the data file and has the secondary's file open", client_num(out, "count"), pid);
    check(client_num(out, "reasons") == 0, "RmGetList reported reboot reasons 0x%llx; the installer would not shut "
          "anything down", client_num(out, "reasons"));
    check_client_rc(out, "shutdown", "RmShutdown", ERROR_SUCCESS);
    check(client_num(out, "replaced"), "the installer could not replace the data file after RmShutdown returned 0");
    check_client_rc(out, "restart", "RmRestart", ERROR_SUCCESS);
    check_client_rc(out, "end", "RmEndSession(primary)", ERROR_SUCCESS);

    /* The application was asked to close the way §10.1 says, and was restarted when the platform
     * can read its restart registration (Wine cannot). */
    const char *query = fixture_app_wait_line(app, "WM_QUERYENDSESSION", 1, 5000);
    check(fixture_journal_number(query, "lParam", 0) & ENDSESSION_CLOSEAPP,
          "WM_QUERYENDSESSION without ENDSESSION_CLOSEAPP: %s", query);
    const char *end = fixture_app_wait_line(app, "WM_ENDSESSION", 1, 5000);
    check(fixture_journal_number(end, "wParam", 0) == 1, "WM_ENDSESSION with wParam other than TRUE: %s", end);
    DWORD code;
    check(fixture_app_wait_exit(app, 10000, &code), "the application did not exit after WM_ENDSESSION");
    fixture_app_obs_journal(app, "app.journal");
    unsigned restartable = RMC_CAP_RESTART_READ | RMC_CAP_UNELEVATED;
    if ((rmc_platform_caps() & restartable) == restartable)
        fixture_app_wait_line(app, "start", 2, 10000);
    else if (rmc_platform_caps() & RMC_CAP_RESTART_READ)
        /* Elevated runner: the application runs elevated and §8.7 says it is never restarted;
         * either outcome is recorded, neither judged. */
        rmc_obs_int("app.starts", (long long)fixture_journal_count(fixture_app_journal(app), "start", 0));
    else
        check(fixture_journal_count(fixture_app_journal(app), "start", 0) == 1,
              "the application was restarted although the platform reports no restart registration");
}

/* ---- §9, §21: the WhoIsLocking lock finder -------------------------------------------------------- */

static void who_is_locking_finds_locker(void **state)
{
    WCHAR file[MAX_PATH];
    fixture_app *app = fixture_locker_start(file, L"locked-by-fixture.bin", L"--window none");
    DWORD pid = fixture_app_pid(app);
    DWORD exit_code;
    const char *out = client_run(L"who-is-locking.exe", CLIENT_WAIT_MS, &exit_code, L"\"%ls\"", file);
    check_client_rc(out, "start", "RmStartSession", ERROR_SUCCESS);
    check_client_rc(out, "register", "RmRegisterResources", ERROR_SUCCESS);
    /* §9 item 1: with a user, the sizing call says ERROR_MORE_DATA and how many. */
    DWORD sizing = (DWORD)client_num(out, "sizing");
    check(sizing == ERROR_MORE_DATA, "the sizing call RmGetList(count 0, NULL) returned %s with needed %lld while pid "
          "%lu locks the file: the lock finder %s", rmc_rc_str(sizing), client_num(out, "needed"), pid,
          sizing == ERROR_SUCCESS ? "concludes nobody locks it" : "gives up (neither 0 nor 234)");
    check(client_num(out, "needed") >= 1, "the sizing call returned ERROR_MORE_DATA with needed 0");
    check_client_rc(out, "fetch", "RmGetList(fetch into exactly `needed` entries)", ERROR_SUCCESS);
    check(client_num(out, "count") <= client_num(out, "needed"), "the fetch filled %lld entries of %lld",
          client_num(out, "count"), client_num(out, "needed"));
    check(client_lists(out, "pids", pid), "the fetch (%lld entries) does not list pid %lu, which locks the file",
          client_num(out, "count"), pid);
    check(exit_code == 0, "the lock finder exited with %lu", exit_code);
}

static void who_is_locking_nobody(void **state)
{
    WCHAR file[MAX_PATH];
    rmc_case_file(file, L"nobody-uses-this.bin", 1);
    const char *out = client_run(L"who-is-locking.exe", CLIENT_WAIT_MS, NULL, L"\"%ls\"", file);
    check_client_rc(out, "start", "RmStartSession", ERROR_SUCCESS);
    check_client_rc(out, "register", "RmRegisterResources", ERROR_SUCCESS);
    /* §9 item 1 and §21.1: nobody uses it, so the sizing call already answers 0 with needed 0. */
    check_client_rc(out, "sizing", "RmGetList(count 0, NULL) on a file nobody uses", ERROR_SUCCESS);
    check(client_num(out, "needed") == 0, "the sizing call returned 0 with needed %lld", client_num(out, "needed"));
}

/* ---- §21: NSIS / Tauri "is it running?" ------------------------------------------------------------ */

static void running_check(void **state)
{
    int holder = *state != NULL;
    WCHAR file[MAX_PATH];
    DWORD pid = 0;
    if (holder) pid = fixture_app_pid(fixture_locker_start(file, L"app-main.exe.bin", L"--window none"));
    else rmc_case_file(file, L"app-not-running.bin", 1);
    const char *out = client_run(L"running-check.exe", CLIENT_WAIT_MS, NULL, L"\"%ls\"", file);
    check_client_rc(out, "start", "RmStartSession", ERROR_SUCCESS);
    check_client_rc(out, "register", "RmRegisterResources", ERROR_SUCCESS);
    DWORD sizing = (DWORD)client_num(out, "sizing");
    if (holder)
        check(sizing == ERROR_MORE_DATA, "the sizing call returned %s while pid %lu holds the file: the installer "
              "reads that as '%s'", rmc_rc_str(sizing), pid, sizing == ERROR_SUCCESS ? "free, go ahead" : "cannot tell");
    else
        check(sizing == ERROR_SUCCESS, "the sizing call returned %s on a file nobody uses: the installer reads "
              "that as '%s'", rmc_rc_str(sizing), sizing == ERROR_MORE_DATA ? "still running" : "cannot tell");
}

/* ---- §9: a fixed ten-entry array and one retry, with more users than fit ------------------------- */

#define CROWD_APPS 6   /* each with a --child holding the same handle: 12 users */

static void fixed_buffer_more_users(void **state)
{
    WCHAR file[MAX_PATH];
    DWORD pids[2 * CROWD_APPS];
    rmc_case_file(file, L"crowded.bin", 1);
    for (int i = 0; i < CROWD_APPS; i++) {
        fixture_app *app = fixture_app_start(L"--window none --child --open \"%ls\"", file);
        pids[2 * i] = fixture_app_pid(app);
        pids[2 * i + 1] = fixture_app_child_pid(app);
    }
    require_detects(file, pids[0], "detect.shared_open_file");
    const char *out = client_run(L"fixed-buffer-lister.exe", CLIENT_WAIT_MS, NULL, L"\"%ls\"", file);
    check_client_rc(out, "start", "RmStartSession", ERROR_SUCCESS);
    check_client_rc(out, "register", "RmRegisterResources", ERROR_SUCCESS);
    check_client_rc(out, "first", "RmGetList(10-entry array, 12 users)", ERROR_MORE_DATA);
    check(client_num(out, "first_needed") >= 2 * CROWD_APPS, "ERROR_MORE_DATA with needed %lld, but %d processes "
          "use the file", client_num(out, "first_needed"), 2 * CROWD_APPS);
    check_client_rc(out, "retry", "RmGetList(retry into `needed` entries)", ERROR_SUCCESS);
    for (int i = 0; i < 2 * CROWD_APPS; i++)
        check(client_lists(out, "pids", pids[i]), "the retry (%lld entries) does not list pid %lu, one of the %d "
              "processes that have the file open", client_num(out, "count"), pids[i], 2 * CROWD_APPS);
}

/* ---- §7.2, §21: key buffers of 36 and 1024 WCHARs ---------------------------------------------------- */

static void check_key_buffer(const char *out, const char *which, int len)
{
    const char *buf = client_value(out, which);
    check(buf != NULL, "the client did not report the %s buffer", which);
    char what[64];
    snprintf(what, sizeof(what), "RmStartSession(%d-WCHAR key buffer)", len);
    check_rc(what, (DWORD)client_num(buf, "rc"), ERROR_SUCCESS);
    long long last = client_num(buf, "last_changed"), nul = client_num(buf, "nul_at");
    snprintf(what, sizeof(what), "%s.nul_at", which);
    rmc_obs_int(what, nul);
    check(last >= 0, "RmStartSession returned 0 but wrote no key into the %d-WCHAR buffer (it still holds what "
          "the caller put there)", len);
    check(last <= 32, "RmStartSession changed the %d-WCHAR key buffer up to index %lld: a key is 32 characters "
          "and a NUL (CCH_RM_SESSION_KEY + 1 = 33 WCHARs), nothing after it is the implementation's", len, last);
    if (client_has(buf, "changed_past_end"))
        check(client_num(buf, "changed_past_end") == 0, "RmStartSession wrote past the end of the %d-WCHAR buffer", len);
}

static void key_buffers(void **state)
{
    const char *out = client_run(L"key-buffers.exe", CLIENT_WAIT_MS, NULL, L"");
    check_key_buffer(out, "guid36", 36);
    check_key_buffer(out, "nsis1024", 1024);
}

/* ---- §21: careless callers: an uninitialised count, a NULL path ----------------------------------- */

static void uninitialised_count(void **state)
{
    WCHAR file[MAX_PATH];
    fixture_locker_start(file, L"careless.bin", L"--window none");
    /* A write through the NULL array ends the client with an access violation: a crash verdict. */
    const char *out = client_run(L"uninitialised-count.exe", CLIENT_WAIT_MS, NULL, L"\"%ls\"", file);
    check_client_rc(out, "start", "RmStartSession", ERROR_SUCCESS);
    rmc_obs_rc("sizing", (DWORD)client_num(out, "sizing"));
    rmc_obs_int("needed", client_num(out, "needed"));
    rmc_obs_hex("count_after", (unsigned long long)client_num(out, "count_after"));
}

static void null_path_element(void **state)
{
    WCHAR before[MAX_PATH], after[MAX_PATH];
    DWORD pid_before = fixture_app_pid(fixture_locker_start(before, L"before-the-hole.bin", L"--window none"));
    DWORD pid_after = fixture_app_pid(fixture_locker_start(after, L"after-the-hole.bin", L"--window none"));
    const char *out = client_run(L"null-path.exe", CLIENT_WAIT_MS, NULL, L"\"%ls\" \"%ls\"", before, after);
    check_client_rc(out, "start", "RmStartSession", ERROR_SUCCESS);
    DWORD reg = (DWORD)client_num(out, "register");
    rmc_obs_rc("register", reg);
    if (client_num(out, "getlist") == ERROR_SUCCESS) {
        rmc_obs_bool("path_before_listed", client_lists(out, "pids", pid_before));
        rmc_obs_bool("path_after_listed", client_lists(out, "pids", pid_after));
    }
}

/* ---- §21.2: 2000 paths, 1999 missing, one held -------------------------------------------------------- */

static void many_paths_one_held(void **state)
{
    WCHAR file[MAX_PATH], missing[MAX_PATH];
    DWORD pid = fixture_app_pid(fixture_locker_start(file, L"the-held-one.bin", L"--window none"));
    rmc_case_file(missing, L"not-installed", 0);
    require_detects(file, pid, "detect.locked_file");
    const char *out = client_run(L"many-paths.exe", CLIENT_WAIT_MS, NULL, L"\"%ls\" \"%ls\"", file, missing);
    check_client_rc(out, "start", "RmStartSession", ERROR_SUCCESS);
    check_client_rc(out, "register", "RmRegisterResources(2000 paths, 1999 missing)", ERROR_SUCCESS);
    check_client_rc(out, "getlist", "RmGetList", ERROR_SUCCESS);
    check(client_lists(out, "pids", pid), "RmGetList (%lld entries) does not list pid %lu, which holds the one "
          "existing file of the 2000", client_num(out, "count"), pid);
}

/* ---- §21.5: the caller holds the file itself ---------------------------------------------------------- */

static void self_holder_detected_self(void **state)
{
    WCHAR file[MAX_PATH];
    rmc_case_file(file, L"held-by-the-caller.bin", 1);
    const char *out = client_run(L"self-holder.exe", CLIENT_WAIT_MS, NULL, L"\"%ls\"", file);
    check_client_rc(out, "start", "RmStartSession", ERROR_SUCCESS);
    check_client_rc(out, "register", "RmRegisterResources", ERROR_SUCCESS);
    long long self = client_num(out, "self");
    const char *before = client_value(out, "before"), *holding = client_value(out, "holding");
    const char *after = client_value(out, "after");
    check(before && holding && after, "the client did not report its three lists");
    check_client_rc(before, "rc", "RmGetList(before the client opens the file)", ERROR_SUCCESS);
    check(client_num(before, "reasons") == 0, "reboot reasons 0x%llx before the file is opened",
          client_num(before, "reasons"));
    check(client_num(out, "opened"), "the client could not open its own file");
    check_client_rc(holding, "rc", "RmGetList(the client holding the file)", ERROR_SUCCESS);
    long long pids[8];
    size_t n = client_nums(holding, "pids", pids, 8);
    check(n == 1 && pids[0] == self, "RmGetList listed %zu entries (first pid %lld) while the caller (pid %lld) "
          "holds the file; expected exactly one entry, the caller", n, n ? pids[0] : 0, self);
    check(client_num(holding, "reasons") == RmRebootReasonDetectedSelf, "reboot reasons 0x%llx, expected exactly "
          "RmRebootReasonDetectedSelf (0x10)", client_num(holding, "reasons"));
    check_client_rc(after, "rc", "RmGetList(after the client closed the file)", ERROR_SUCCESS);
    check(client_num(after, "count") == 0, "RmGetList still lists %lld entries after the caller closed the file "
          "(§21.1: the list is recomputed per call)", client_num(after, "count"));
}

/* ---- §21.12: an .exe path with several instances running ---------------------------------------- */

#define INSTANCES 3

static void exe_instances_listed(void **state)
{
    WCHAR image[MAX_PATH];
    DWORD pids[INSTANCES];
    for (int i = 0; i < INSTANCES; i++) pids[i] = fixture_app_pid(fixture_app_start(L"--window none"));
    _snwprintf(image, MAX_PATH, L"%lsrmfx-app.exe", rmc_bin_dir());
    image[MAX_PATH - 1] = 0;
    const char *out = client_run(L"exe-instances.exe", CLIENT_WAIT_MS, NULL, L"\"%ls\"", image);
    check_client_rc(out, "start", "RmStartSession", ERROR_SUCCESS);
    rmc_obs_rc("register", (DWORD)client_num(out, "register"));
    rmc_obs_rc("getlist", (DWORD)client_num(out, "getlist"));
    int listed = 0;
    if (client_num(out, "getlist") == ERROR_SUCCESS)
        for (int i = 0; i < INSTANCES; i++) listed += client_lists(out, "pids", pids[i]);
    rmc_obs_int("instances_running", INSTANCES);
    rmc_obs_int("instances_listed", listed);
}

/* ---- §13.1, §21: an NSIS installer (makensis, System::Call) ------------------------------------- */

static void nsis_installer(void **state)
{
    WCHAR built[MAX_PATH], file[MAX_PATH], report[MAX_PATH];
    _snwprintf(built, MAX_PATH, L"%lsclients\\rm-installer.exe", rmc_bin_dir());
    built[MAX_PATH - 1] = 0;
    if (GetFileAttributesW(built) == INVALID_FILE_ATTRIBUTES)
        rmc_unsupported("the NSIS installer client was not built (no makensis when building; ./rmc setup installs nsis)");
    fixture_app *app = fixture_locker_start(file, L"nsis-app-data.bin", L"--window main");
    DWORD pid = fixture_app_pid(app);
    rmc_case_file(report, L"rm-installer.json", 0);
    const char *out = client_run_report(L"rm-installer.exe", report, CLIENT_WAIT_MS, NULL,
                                        L"/S /FILE=\"%ls\" /REPORT=\"%ls\"", file, report);
    check_client_rc(out, "start", "RmStartSession(System::Call)", ERROR_SUCCESS);
    const char *key = client_value(out, "key");
    check(key && strlen(key) == 2 + 32, "the key RmStartSession wrote into NSIS's 1024-character buffer is %s, "
          "not 32 characters (§7.2)", key ? key : "missing");
    check_client_rc(out, "register", "RmRegisterResources(System::Call)", ERROR_SUCCESS);
    DWORD sizing = (DWORD)client_num(out, "sizing");
    check(sizing == ERROR_MORE_DATA, "the installer's sizing call returned %s while pid %lu holds the file: it %s",
          rmc_rc_str(sizing), pid, sizing == ERROR_SUCCESS ? "concludes the application is not running and "
          "shuts nothing down" : "cannot tell whether the application runs");
    check_client_rc(out, "shutdown", "RmShutdown(System::Call)", ERROR_SUCCESS);
    check_client_rc(out, "end", "RmEndSession(System::Call)", ERROR_SUCCESS);
    const char *query = fixture_app_wait_line(app, "WM_QUERYENDSESSION", 1, 5000);
    check(fixture_journal_number(query, "lParam", 0) & ENDSESSION_CLOSEAPP,
          "WM_QUERYENDSESSION without ENDSESSION_CLOSEAPP: %s", query);
    DWORD code;
    check(fixture_app_wait_exit(app, 10000, &code), "the application did not exit after the installer's RmShutdown");
    fixture_app_obs_journal(app, "app.journal");
}

const rmc_case rmc_cases_clients[] = {
    RMC_CASE("clients.installer_primary_secondary", "Primary and secondary installers (two processes importing rstrtmgr): join, register, list, shut down, restart, end",
             "§13.1, §13.2", "doc", .exports = S_INSTALL, .needs = RMC_CAP_WINDOWS | RMC_CAP_HANDLE_ENUM,
             .timeout_s = 150, .body = installer_primary_secondary),
    RMC_CASE("clients.who_is_locking_finds_locker", "WhoIsLocking: sizing call answers 234, one fetch into `needed` entries lists the locker",
             "§9, §21", "doc", .exports = S_BASIC, .needs = RMC_CAP_HANDLE_ENUM, .timeout_s = 60,
             .body = who_is_locking_finds_locker),
    RMC_CASE("clients.who_is_locking_nobody", "WhoIsLocking on a file nobody uses: the sizing call answers 0 with needed 0",
             "§9, §21.1", "obs", .exports = S_BASIC, .timeout_s = 60, .body = who_is_locking_nobody),
    RMC_CASE("clients.running_check_running", "NSIS/Tauri check: the sizing call alone answers 234 while the application holds its file",
             "§9, §21", "doc", .exports = S_BASIC, .needs = RMC_CAP_HANDLE_ENUM, .timeout_s = 60, .body = running_check,
             .param = (const void *)1),
    RMC_CASE("clients.running_check_free", "NSIS/Tauri check: the sizing call alone answers 0 when nothing uses the file",
             "§9, §21.1", "obs", .exports = S_BASIC, .timeout_s = 60, .body = running_check, .param = NULL),
    RMC_CASE("clients.fixed_buffer_more_users", "A ten-entry array and one ERROR_MORE_DATA retry with twelve users: the retry lists all",
             "§9", "doc", .exports = S_BASIC, .needs = RMC_CAP_HANDLE_ENUM, .timeout_s = 90,
             .body = fixed_buffer_more_users),
    RMC_CASE("clients.key_buffers", "Key buffers of 36 and 1024 WCHARs: the key is written, nothing after its 33 WCHARs changes",
             "§7.2, §21", "doc", .exports = RMX(StartSession) | RMX(EndSession), .timeout_s = 60, .body = key_buffers),
    RMC_CASE("clients.uninitialised_count", "Sizing call with an uninitialised *pnProcInfo and a NULL array: the code (no write through NULL)",
             "§21", "probe", .exports = S_BASIC, .timeout_s = 60, .body = uninitialised_count),
    RMC_CASE("clients.null_path_element", "A NULL element inside rgsFileNames: the code, and whether the paths around it stay registered",
             "§21.4", "probe", .exports = S_BASIC, .timeout_s = 60, .body = null_path_element),
    RMC_CASE("clients.many_paths_one_held", "2000 paths in one RmRegisterResources call, 1999 missing: accepted, the held one found",
             "§21.2", "obs", .exports = S_BASIC, .needs = RMC_CAP_HANDLE_ENUM, .timeout_s = 90,
             .body = many_paths_one_held),
    RMC_CASE("clients.self_holder_detected_self", "The caller holds the file: exactly one entry, its own PID, reasons exactly DetectedSelf",
             "§21.5, §21.1", "obs", .exports = S_BASIC, .needs = RMC_CAP_HANDLE_ENUM, .timeout_s = 60,
             .body = self_holder_detected_self),
    RMC_CASE("clients.nsis_installer", "An NSIS installer (System::Call into rstrtmgr): start, register, sizing call says running, RmShutdown closes the app",
             "§13.1, §9, §21", "doc", .exports = S_BASIC | RMX(Shutdown), .needs = RMC_CAP_WINDOWS | RMC_CAP_HANDLE_ENUM,
             .timeout_s = 60, .body = nsis_installer),
    RMC_CASE("clients.exe_instances_listed", "An .exe path registered while three instances run: which instances are listed",
             "§21.12", "probe", .exports = S_BASIC, .timeout_s = 60, .body = exe_instances_listed),
};
RMC_AREA_COUNT(clients);

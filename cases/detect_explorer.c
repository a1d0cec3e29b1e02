/* detect_explorer.c — the shell: the process that owns the shell window (GetShellWindow; else
 * the explorer.exe of this session) is listed as RmExplorer when a session registers it. Spec §4.1, §10.4, §11.1.
 *
 * Only RmGetList: shutting the user's real Explorer down (to see it stopped last and restarted
 * first, §8.6 item 2) would end the desktop of whoever runs the suite, so that half is left to a
 * dedicated machine. Where the platform runs no shell, the case is unsupported. */
#include "rmcase.h"
#include "fixture.h"
#include <stdio.h>
#include <tlhelp32.h>

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

static void explorer_typed(void **state)
{
    HWND shell = GetShellWindow();
    DWORD pid = 0;
    if (shell) GetWindowThreadProcessId(shell, &pid);
    rmc_obs_bool("found_by_shell_window", pid != 0);
    /* Wine's explorer.exe draws the desktop but sets no shell window: then by name. */
    if (!pid) pid = explorer_by_name();
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

const rmc_case rmc_cases_detect_explorer[] = {
    RMC_CASE("detect.explorer_typed_explorer", "The shell process (GetShellWindow's owner) is listed as RmExplorer",
             "§4.1", "doc", .exports = RMX(StartSession) | RMX(EndSession) | RMX(RegisterResources) | RMX(GetList),
             .needs = RMC_CAP_WINDOWS, .body = explorer_typed),
};
RMC_AREA_COUNT(detect_explorer);

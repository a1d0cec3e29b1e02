/* register_wow64.c — a 32-bit installer on 64-bit Windows registers files under
 * %windir%\System32 with file-system redirection left on (§8.4, §13.6: it must not disable it):
 * for it that path names the 32-bit system folder (SysWOW64), so the processes that use the
 * 32-bit file are the affected ones. Runs only in the x86 runner on 64-bit Windows. */
#include "rmcase.h"
#include "fixture.h"
#include <stdio.h>
#include <wchar.h>

static void system32_path(void **state)
{
    BOOL wow64 = FALSE;
    if (!IsWow64Process(GetCurrentProcess(), &wow64) || !wow64)
        rmc_unsupported("needs the 32-bit runner on 64-bit Windows (this process is not under WoW64)");
    /* A system DLL this case process does not load itself, loaded by a 32-bit fixture through
     * the System32 path the installer would register (redirected to SysWOW64). */
    static const WCHAR *const candidates[] = { L"msftedit.dll", L"riched20.dll", L"wininet.dll", L"dbghelp.dll" };
    WCHAR sys[MAX_PATH], path[MAX_PATH] = L"";
    GetSystemDirectoryW(sys, MAX_PATH);   /* C:\Windows\System32 for a 32-bit caller, too */
    rmc_obs_wstr("system_directory", sys, MAX_PATH);
    for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]) && !path[0]; i++) {
        _snwprintf(path, MAX_PATH, L"%ls\\%ls", sys, candidates[i]);
        if (GetFileAttributesW(path) == INVALID_FILE_ATTRIBUTES || GetModuleHandleW(candidates[i])) path[0] = 0;
    }
    if (!path[0]) rmc_unsupported("none of the candidate system DLLs is present and unloaded here");
    rmc_obs_wstr("registered", path, MAX_PATH);
    fixture_app *app = fixture_app_start(L"--window none --load-module \"%ls\"", path);
    DWORD h = rmc_session_with_file(path);
    rmc_list(h, "system32");
    const RM_PROCESS_INFO *e = rmc_listed_pid(fixture_app_pid(app));
    rmc_obs_bool("listed", e != NULL);
    check(e != NULL, "a 32-bit caller registered %ls; RmGetList lists %u entries and not the 32-bit process that loaded it "
          "through that path (it is the SysWOW64 file for a 32-bit caller, §8.4)", path, rmc_listed_count());
}

const rmc_case rmc_cases_register_wow64[] = {
    RMC_CASE("register.system32_from_32bit", "A 32-bit caller's System32 path names the 32-bit file the 32-bit processes use",
             "§8.4", "doc", .exports = RMX(StartSession) | RMX(EndSession) | RMX(RegisterResources) | RMX(GetList),
             .body = system32_path),
};
RMC_AREA_COUNT(register_wow64);

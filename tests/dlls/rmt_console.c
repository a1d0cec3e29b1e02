/* rmt_console.dll: RmStartSession/RmEndSession work, and RmStartSession first asks whether the
 * case process has a console: when it has one (GetConsoleProcessList lists a process), it
 * returns ERROR_INVALID_STATE, so session.start_returns_key fails and says so. The runner starts
 * case processes without a console (DETACHED_PROCESS): a console of their own cost a console
 * host process per case (conhost.exe; under Wine ~60 ms of CPU each), and no case needs one
 * (the one that does allocates it, restart.console_new_console). */
#include "rmt_common.h"

RMT_EXPORT DWORD WINAPI RmStartSession(DWORD *h, DWORD f, WCHAR k[])
{
    DWORD pids[4];
    if (GetConsoleProcessList(pids, 4) > 0) return ERROR_INVALID_STATE;
    if (!h || !k) return ERROR_BAD_ARGUMENTS;
    *h = 1;
    for (int i = 0; i < 32; i++) k[i] = L"0123456789abcdef"[i & 15];
    k[32] = 0;
    return 0;
}
RMT_EXPORT DWORD WINAPI RmEndSession(DWORD h) { return 0; }

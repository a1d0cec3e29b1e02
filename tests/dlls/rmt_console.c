/* rmt_console.dll: the reference implementation, except that RmStartSession (called in the case
 * process) and RmJoinSession (called in rmfx-secondary, the secondary installer a case starts)
 * first ask whether their process has a console, and return ERROR_INVALID_STATE when it has
 * one (GetConsoleProcessList lists a process). The runner starts case processes, and cases
 * start their helper processes, without a console (DETACHED_PROCESS): a console of their own
 * cost a console host process each (conhost.exe; under Wine ~60 ms of CPU), and none needs one
 * (the case that does allocates it, restart.console_new_console). */
#define RMT_BEFORE(name) ((void)0)
#define RMT_OVERRIDE_StartSession
#define RMT_OVERRIDE_JoinSession
#include "rmt_forward.h"

static int has_console(void)
{
    DWORD pids[4];
    return GetConsoleProcessList(pids, 4) > 0;
}

RMT_EXPORT DWORD WINAPI RmStartSession(DWORD *h, DWORD f, WCHAR k[])
{
    DWORD (WINAPI *real)(DWORD *, DWORD, WCHAR[]) = (void *)GetProcAddress(rmt_ref(), "RmStartSession");
    if (has_console()) return ERROR_INVALID_STATE;
    return real ? real(h, f, k) : ERROR_INVALID_FUNCTION;
}

RMT_EXPORT DWORD WINAPI RmJoinSession(DWORD *h, const WCHAR k[])
{
    DWORD (WINAPI *real)(DWORD *, const WCHAR[]) = (void *)GetProcAddress(rmt_ref(), "RmJoinSession");
    if (has_console()) return ERROR_INVALID_STATE;
    return real ? real(h, k) : ERROR_INVALID_FUNCTION;
}

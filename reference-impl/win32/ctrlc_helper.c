/* ctrlc_helper.c — rmref-ctrlc.exe PID: deliver CTRL_C_EVENT to the console of process PID.
 * Started by rmref detached from any console (see actions_win32.c for why a helper). Exit
 * code 0 on success, else the Win32 error. */
#include <windows.h>
#include <stdlib.h>

int main(void)
{
    int argc = 0;
    const WCHAR *cmd = GetCommandLineW();
    const WCHAR *last = cmd;
    /* the PID is the last token of the command line */
    for (const WCHAR *p = cmd; *p; p++) if (*p == L' ' && p[1] && p[1] != L' ') { last = p + 1; argc++; }
    if (!argc) return ERROR_BAD_ARGUMENTS;
    DWORD pid = wcstoul(last, NULL, 10);
    FreeConsole();
    if (!AttachConsole(pid)) return (int)GetLastError();
    SetConsoleCtrlHandler(NULL, TRUE);           /* the event reaches us too: ignore it */
    DWORD err = GenerateConsoleCtrlEvent(CTRL_C_EVENT, 0) ? 0 : GetLastError();
    FreeConsole();
    return (int)err;
}

/* rmt_detach_hang.dll: RmStartSession/RmEndSession work; DllMain(DLL_PROCESS_DETACH) never
 * returns. A case passes its checks and then hangs while its process unloads the implementation:
 * the verdict must say so, not read as a plain hang in the case. The load probe also hangs at
 * unload, after it has written what it found. */
#include "rmt_common.h"

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, void *reserved)
{
    if (reason == DLL_PROCESS_DETACH) Sleep(INFINITE);
    return TRUE;
}

RMT_EXPORT DWORD WINAPI RmStartSession(DWORD *h, DWORD f, WCHAR k[])
{
    if (!h || !k) return ERROR_BAD_ARGUMENTS;
    *h = 1;
    for (int i = 0; i < 32; i++) k[i] = L"0123456789abcdef"[i & 15];
    k[32] = 0;
    return 0;
}
RMT_EXPORT DWORD WINAPI RmEndSession(DWORD h) { return 0; }

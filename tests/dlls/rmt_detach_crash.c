/* rmt_detach_crash.dll: RmStartSession/RmEndSession work; DllMain(DLL_PROCESS_DETACH)
 * dereferences NULL. A case passes its checks and the process then dies while unloading the
 * implementation: the verdict must be `crash`, not the `pass` written before. Loads cleanly in
 * the load probe (which also unloads it, and must not refuse the DLL for a crash at unload). */
#include "rmt_common.h"

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, void *reserved)
{
    if (reason == DLL_PROCESS_DETACH) *(volatile int *)0 = 1;
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

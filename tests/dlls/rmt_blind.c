/* rmt_blind.dll: a well-behaved session (a 32-hex-digit key, joins, registrations accepted,
 * shutdown and restart succeed) that never sees anyone using anything: RmGetList always
 * answers 0 with no entries. Built with RMT_JOIN_CRASHES (rmt_joincrash.c), RmJoinSession
 * dereferences NULL instead. */
#include "rmt_common.h"

RMT_EXPORT DWORD WINAPI RmStartSession(DWORD *h, DWORD f, WCHAR k[])
{
    static DWORD next = 1;
    *h = next++;
    for (int i = 0; i < 32; i++) k[i] = L"0123456789abcdef"[(*h * 7 + (DWORD)i) & 15];
    k[32] = 0;
    return 0;
}
RMT_EXPORT DWORD WINAPI RmJoinSession(DWORD *h, const WCHAR k[])
{
#ifdef RMT_JOIN_CRASHES
    return (DWORD)*(volatile int *)0;
#else
    *h = 1;
    return 0;
#endif
}
RMT_EXPORT DWORD WINAPI RmEndSession(DWORD h) { return 0; }
RMT_EXPORT DWORD WINAPI RmRegisterResources(DWORD h, UINT nf, LPCWSTR f[], UINT na, RM_UNIQUE_PROCESS a[], UINT ns, LPCWSTR s[]) { return 0; }
RMT_EXPORT DWORD WINAPI RmGetList(DWORD h, UINT *need, UINT *n, RM_PROCESS_INFO p[], LPDWORD r)
{
    *need = 0;
    *n = 0;
    *r = 0;
    return 0;
}
RMT_EXPORT DWORD WINAPI RmShutdown(DWORD h, ULONG f, RM_WRITE_STATUS_CALLBACK cb) { return 0; }
RMT_EXPORT DWORD WINAPI RmRestart(DWORD h, DWORD f, RM_WRITE_STATUS_CALLBACK cb) { return 0; }

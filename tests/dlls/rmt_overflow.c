/* rmt_overflow.dll: writes past what the caller declared — 40 WCHARs of key into a 33-WCHAR
 * buffer, and 8 bytes into RmGetList's 4-byte reboot-reason DWORD. */
#include "rmt_common.h"

RMT_EXPORT DWORD WINAPI RmStartSession(DWORD *h, DWORD f, WCHAR k[])
{
    *h = 1;
    for (int i = 0; i < 40; i++) k[i] = L'a';
    return 0;
}
RMT_EXPORT DWORD WINAPI RmEndSession(DWORD h) { return 0; }
RMT_EXPORT DWORD WINAPI RmGetList(DWORD h, UINT *need, UINT *n, RM_PROCESS_INFO p[], LPDWORD r)
{
    *need = 0;
    *n = 0;
    *(volatile ULONGLONG *)r = 0;
    return 0;
}

/* rmt_partial.dll: only RmStartSession and RmEndSession, both well-behaved enough. */
#include "rmt_common.h"

RMT_EXPORT DWORD WINAPI RmStartSession(DWORD *h, DWORD f, WCHAR k[])
{
    static DWORD next = 1;
    if (!h || !k) return ERROR_BAD_ARGUMENTS;
    *h = next++;
    for (int i = 0; i < 32; i++) k[i] = L"0123456789abcdef"[(*h + (DWORD)i) & 15];
    k[32] = 0;
    return 0;
}
RMT_EXPORT DWORD WINAPI RmEndSession(DWORD h) { return 0; }

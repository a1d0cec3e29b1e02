/* rmt_fillptr.dll: RmGetList's copy loop writes each name through a pointer it reads from the
 * caller's array — which the caller handed over uninitialised (the suite's fill pattern) — and
 * does it with memcpy, so the fault happens inside the C runtime, not in this DLL. */
#define RMT_OVERRIDE_GetList
#include "rmt_minimal.h"
#include <string.h>

/* Through a volatile pointer: a real call into msvcrt's memcpy, never inlined. */
static void *(*volatile copy)(void *, const void *, size_t) = memcpy;

RMT_EXPORT DWORD WINAPI RmGetList(DWORD h, UINT *need, UINT *n, RM_PROCESS_INFO p[], LPDWORD r)
{
    static const WCHAR name[] = L"rmt-app";
    if (h != 1) return ERROR_INVALID_HANDLE;
    if (!need || !n || !r) return ERROR_INVALID_PARAMETER;
    *need = 1;
    *r = 0;
    if (*n < 1 || !p) { *n = 0; return ERROR_MORE_DATA; }
    for (UINT i = 0; i < 1; i++) {
        WCHAR *dst;
        memcpy(&dst, p[i].strAppName, sizeof dst);   /* a pointer read from the caller's buffer */
        copy(dst, name, sizeof name);
    }
    *n = 1;
    return ERROR_SUCCESS;
}

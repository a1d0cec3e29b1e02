/* rmt_surrogate.dll: a working-looking session whose RmGetList lists the registered process,
 * named with lone surrogates (U+D800, U+DC00), a C1 control and a valid pair (U+1F600). Copied at test time to a non-ASCII file name. The
 * result files must stay valid UTF-8 (and XML 1.0), and messages must show what came back. */
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

static RM_UNIQUE_PROCESS registered;

RMT_EXPORT DWORD WINAPI RmRegisterResources(DWORD h, UINT nf, LPCWSTR f[], UINT na, RM_UNIQUE_PROCESS a[], UINT ns,
                                            LPCWSTR s[])
{
    if (na && a) registered = a[0];
    return 0;
}
RMT_EXPORT DWORD WINAPI RmGetList(DWORD h, UINT *need, UINT *n, RM_PROCESS_INFO p[], LPDWORD r)
{
    if (!need || !n || !r) return ERROR_INVALID_PARAMETER;
    *need = 1;
    *r = 0;
    if (*n < 1) { *n = 0; return ERROR_MORE_DATA; }
    *n = 1;
    ZeroMemory(&p[0], sizeof(p[0]));
    p[0].Process = registered;
    static const WCHAR name[] = {'b', 'a', 'd', 0xD800, '-', 0x85, '-', 0xDC00, 0xD83D, 0xDE00, 0};
    lstrcpyW(p[0].strAppName, name);
    lstrcpyW(p[0].strServiceShortName, L"");
    p[0].ApplicationType = RmUnknownApp;
    p[0].AppStatus = RmStatusRunning;
    p[0].bRestartable = FALSE;
    return 0;
}

/* rmt_hang.dll: RmStartSession never returns; RmEndSession succeeds. */
#include "rmt_common.h"

RMT_EXPORT DWORD WINAPI RmStartSession(DWORD *h, DWORD f, WCHAR k[]) { Sleep(INFINITE); return 0; }
RMT_EXPORT DWORD WINAPI RmEndSession(DWORD h) { return 0; }

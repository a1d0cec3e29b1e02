/* rmt_hang.dll: RmStartSession never returns; every other documented export is present and
 * returns ERROR_SUCCESS (so a case that needs no session, exports.documented, passes beside it). */
#include "rmt_common.h"

RMT_EXPORT DWORD WINAPI RmStartSession(DWORD *h, DWORD f, WCHAR k[]) { Sleep(INFINITE); return 0; }
RMT_EXPORT DWORD WINAPI RmJoinSession(DWORD *h, const WCHAR k[]) { return 0; }
RMT_EXPORT DWORD WINAPI RmEndSession(DWORD h) { return 0; }
RMT_EXPORT DWORD WINAPI RmRegisterResources(DWORD h, UINT nf, LPCWSTR f[], UINT na, RM_UNIQUE_PROCESS a[], UINT ns, LPCWSTR s[]) { return 0; }
RMT_EXPORT DWORD WINAPI RmGetList(DWORD h, UINT *need, UINT *n, RM_PROCESS_INFO p[], LPDWORD r) { return 0; }
RMT_EXPORT DWORD WINAPI RmShutdown(DWORD h, ULONG f, RM_WRITE_STATUS_CALLBACK cb) { return 0; }
RMT_EXPORT DWORD WINAPI RmRestart(DWORD h, DWORD f, RM_WRITE_STATUS_CALLBACK cb) { return 0; }
RMT_EXPORT DWORD WINAPI RmCancelCurrentTask(DWORD h) { return 0; }
RMT_EXPORT DWORD WINAPI RmAddFilter(DWORD h, LPCWSTR m, RM_UNIQUE_PROCESS *p, LPCWSTR s, RM_FILTER_ACTION a) { return 0; }
RMT_EXPORT DWORD WINAPI RmRemoveFilter(DWORD h, LPCWSTR m, RM_UNIQUE_PROCESS *p, LPCWSTR s) { return 0; }
RMT_EXPORT DWORD WINAPI RmGetFilterList(DWORD h, PBYTE b, DWORD n, LPDWORD need) { *need = 0; return 0; }

/* rmt_crash.dll: every export dereferences a NULL pointer. */
#include "rmt_common.h"

static DWORD crash(void) { return (DWORD)*(volatile int *)0; }

RMT_EXPORT DWORD WINAPI RmStartSession(DWORD *h, DWORD f, WCHAR k[]) { return crash(); }
RMT_EXPORT DWORD WINAPI RmJoinSession(DWORD *h, const WCHAR k[]) { return crash(); }
RMT_EXPORT DWORD WINAPI RmEndSession(DWORD h) { return crash(); }
RMT_EXPORT DWORD WINAPI RmRegisterResources(DWORD h, UINT nf, LPCWSTR f[], UINT na, RM_UNIQUE_PROCESS a[], UINT ns, LPCWSTR s[]) { return crash(); }
RMT_EXPORT DWORD WINAPI RmGetList(DWORD h, UINT *need, UINT *n, RM_PROCESS_INFO p[], LPDWORD r) { return crash(); }
RMT_EXPORT DWORD WINAPI RmShutdown(DWORD h, ULONG f, RM_WRITE_STATUS_CALLBACK cb) { return crash(); }
RMT_EXPORT DWORD WINAPI RmRestart(DWORD h, DWORD f, RM_WRITE_STATUS_CALLBACK cb) { return crash(); }
RMT_EXPORT DWORD WINAPI RmCancelCurrentTask(DWORD h) { return crash(); }
RMT_EXPORT DWORD WINAPI RmAddFilter(DWORD h, LPCWSTR m, RM_UNIQUE_PROCESS *p, LPCWSTR s, RM_FILTER_ACTION a) { return crash(); }
RMT_EXPORT DWORD WINAPI RmRemoveFilter(DWORD h, LPCWSTR m, RM_UNIQUE_PROCESS *p, LPCWSTR s) { return crash(); }
RMT_EXPORT DWORD WINAPI RmGetFilterList(DWORD h, PBYTE b, DWORD n, LPDWORD need) { return crash(); }
RMT_EXPORT DWORD WINAPI RmReserveHeap(DWORD n) { return crash(); }

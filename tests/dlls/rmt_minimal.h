/* rmt_minimal.h — a minimal in-memory implementation for test DLLs that misbehave in one export
 * only: one session (handle 1, a fixed key), registrations accepted, RmGetList lists nobody.
 * A test DLL defines RMT_OVERRIDE_<Export> for the exports it replaces before including this. */
#ifndef RMT_MINIMAL_H
#define RMT_MINIMAL_H
#include "rmt_common.h"

#ifndef RMT_OVERRIDE_StartSession
RMT_EXPORT DWORD WINAPI RmStartSession(DWORD *h, DWORD f, WCHAR k[])
{
    static const WCHAR key[] = L"0123456789abcdef0123456789abcdef";
    if (!h || !k) return ERROR_INVALID_PARAMETER;
    *h = 1;
    for (int i = 0; i <= 32; i++) k[i] = key[i];
    return ERROR_SUCCESS;
}
#endif
#ifndef RMT_OVERRIDE_JoinSession
RMT_EXPORT DWORD WINAPI RmJoinSession(DWORD *h, const WCHAR k[]) { if (!h) return ERROR_INVALID_PARAMETER; *h = 1; return ERROR_SUCCESS; }
#endif
RMT_EXPORT DWORD WINAPI RmEndSession(DWORD h) { return h == 1 ? ERROR_SUCCESS : ERROR_INVALID_HANDLE; }
RMT_EXPORT DWORD WINAPI RmRegisterResources(DWORD h, UINT nf, LPCWSTR f[], UINT na, RM_UNIQUE_PROCESS a[], UINT ns, LPCWSTR s[])
{
    return h == 1 ? ERROR_SUCCESS : ERROR_INVALID_HANDLE;
}
#ifndef RMT_OVERRIDE_GetList
RMT_EXPORT DWORD WINAPI RmGetList(DWORD h, UINT *need, UINT *n, RM_PROCESS_INFO p[], LPDWORD r)
{
    if (h != 1) return ERROR_INVALID_HANDLE;
    if (!need || !n || !r) return ERROR_INVALID_PARAMETER;
    *need = 0;
    *n = 0;
    *r = 0;
    return ERROR_SUCCESS;
}
#endif
RMT_EXPORT DWORD WINAPI RmShutdown(DWORD h, ULONG f, RM_WRITE_STATUS_CALLBACK cb) { return h == 1 ? ERROR_SUCCESS : ERROR_INVALID_HANDLE; }
RMT_EXPORT DWORD WINAPI RmRestart(DWORD h, DWORD f, RM_WRITE_STATUS_CALLBACK cb) { return h == 1 ? ERROR_SUCCESS : ERROR_INVALID_HANDLE; }
RMT_EXPORT DWORD WINAPI RmCancelCurrentTask(DWORD h) { return h == 1 ? ERROR_SUCCESS : ERROR_INVALID_HANDLE; }
RMT_EXPORT DWORD WINAPI RmAddFilter(DWORD h, LPCWSTR m, RM_UNIQUE_PROCESS *p, LPCWSTR s, RM_FILTER_ACTION a) { return h == 1 ? ERROR_SUCCESS : ERROR_INVALID_HANDLE; }
RMT_EXPORT DWORD WINAPI RmRemoveFilter(DWORD h, LPCWSTR m, RM_UNIQUE_PROCESS *p, LPCWSTR s) { return h == 1 ? ERROR_SUCCESS : ERROR_INVALID_HANDLE; }
RMT_EXPORT DWORD WINAPI RmGetFilterList(DWORD h, PBYTE b, DWORD n, LPDWORD need)
{
    if (h != 1) return ERROR_INVALID_HANDLE;
    if (need) *need = 0;
    return ERROR_SUCCESS;
}
RMT_EXPORT DWORD WINAPI RmReserveHeap(DWORD n) { return ERROR_SUCCESS; }
#endif

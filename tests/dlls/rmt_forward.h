/* rmt_forward.h — test DLLs that behave like the reference implementation (bin/rmref.dll, loaded
 * from the folder above this DLL's) except for one defect: each export runs RMT_BEFORE(name)
 * first, then forwards to rmref. A DLL defines RMT_BEFORE and may replace exports by defining
 * RMT_OVERRIDE_<Export> before including this. */
#ifndef RMT_FORWARD_H
#define RMT_FORWARD_H
#include "rmt_common.h"

static HMODULE rmt_ref(void)
{
    static HMODULE ref;
    if (!ref) {
        WCHAR path[MAX_PATH];
        HMODULE me = NULL;
        GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                           (LPCWSTR)rmt_ref, &me);
        DWORD n = GetModuleFileNameW(me, path, MAX_PATH);
        while (n && path[n - 1] != L'\\') n--;          /* ...\bin\testdlls\ */
        if (n) n--;
        while (n && path[n - 1] != L'\\') n--;          /* ...\bin\ */
        lstrcpyW(path + n, L"rmref.dll");
        ref = LoadLibraryW(path);
    }
    return ref;
}

#define RMT_FORWARD(ret_fail, name, params, args) \
    RMT_EXPORT DWORD WINAPI name params \
    { \
        DWORD (WINAPI *real) params = (void *)GetProcAddress(rmt_ref(), #name); \
        RMT_BEFORE(#name); \
        return real ? real args : ret_fail; \
    }

#ifndef RMT_OVERRIDE_StartSession
RMT_FORWARD(ERROR_INVALID_FUNCTION, RmStartSession, (DWORD *h, DWORD f, WCHAR k[]), (h, f, k))
#endif
#ifndef RMT_OVERRIDE_JoinSession
RMT_FORWARD(ERROR_INVALID_FUNCTION, RmJoinSession, (DWORD *h, const WCHAR k[]), (h, k))
#endif
RMT_FORWARD(ERROR_INVALID_FUNCTION, RmEndSession, (DWORD h), (h))
RMT_FORWARD(ERROR_INVALID_FUNCTION, RmRegisterResources,
            (DWORD h, UINT nf, LPCWSTR f[], UINT na, RM_UNIQUE_PROCESS a[], UINT ns, LPCWSTR s[]), (h, nf, f, na, a, ns, s))
RMT_FORWARD(ERROR_INVALID_FUNCTION, RmGetList, (DWORD h, UINT *need, UINT *n, RM_PROCESS_INFO p[], LPDWORD r),
            (h, need, n, p, r))
RMT_FORWARD(ERROR_INVALID_FUNCTION, RmShutdown, (DWORD h, ULONG f, RM_WRITE_STATUS_CALLBACK cb), (h, f, cb))
RMT_FORWARD(ERROR_INVALID_FUNCTION, RmRestart, (DWORD h, DWORD f, RM_WRITE_STATUS_CALLBACK cb), (h, f, cb))
RMT_FORWARD(ERROR_INVALID_FUNCTION, RmCancelCurrentTask, (DWORD h), (h))
RMT_FORWARD(ERROR_INVALID_FUNCTION, RmAddFilter, (DWORD h, LPCWSTR m, RM_UNIQUE_PROCESS *p, LPCWSTR s, RM_FILTER_ACTION a),
            (h, m, p, s, a))
RMT_FORWARD(ERROR_INVALID_FUNCTION, RmRemoveFilter, (DWORD h, LPCWSTR m, RM_UNIQUE_PROCESS *p, LPCWSTR s), (h, m, p, s))
RMT_FORWARD(ERROR_INVALID_FUNCTION, RmGetFilterList, (DWORD h, PBYTE b, DWORD n, LPDWORD need), (h, b, n, need))
RMT_FORWARD(ERROR_INVALID_FUNCTION, RmReserveHeap, (DWORD n), (n))
#endif

/* call_thunks.c — every p* export pointer a case calls goes through a thunk that marks "the RM
 * call in progress" (crash_report.c) and then calls the real export, so a crash verdict names
 * the call without any case having to say it. A case may add a label for the calls that follow
 * (rmc_call_label("sizing")); the random-argument cases label each call with its arguments. */
#include "internal.h"
#include "crash_report.h"
#include <stdarg.h>

static rm_start_session_fn real_RmStartSession;
static rm_join_session_fn real_RmJoinSession;
static rm_end_session_fn real_RmEndSession;
static rm_register_resources_fn real_RmRegisterResources;
static rm_get_list_fn real_RmGetList;
static rm_shutdown_fn real_RmShutdown;
static rm_restart_fn real_RmRestart;
static rm_cancel_current_task_fn real_RmCancelCurrentTask;
static rm_add_filter_fn real_RmAddFilter;
static rm_remove_filter_fn real_RmRemoveFilter;
static rm_get_filter_list_fn real_RmGetFilterList;
static rm_reserve_heap_fn real_RmReserveHeap;

#define THUNK(name, params, args) \
    static DWORD WINAPI thunk_##name params \
    { \
        const char *previous = crash_call_enter(#name); \
        DWORD rc = real_##name args; \
        crash_call_leave(previous); \
        return rc; \
    }

THUNK(RmStartSession, (DWORD *h, DWORD f, WCHAR k[]), (h, f, k))
THUNK(RmJoinSession, (DWORD *h, const WCHAR k[]), (h, k))
THUNK(RmEndSession, (DWORD h), (h))
THUNK(RmRegisterResources, (DWORD h, UINT nf, LPCWSTR f[], UINT np, RM_UNIQUE_PROCESS p[], UINT ns, LPCWSTR s[]),
      (h, nf, f, np, p, ns, s))
THUNK(RmGetList, (DWORD h, UINT *need, UINT *n, RM_PROCESS_INFO a[], LPDWORD r), (h, need, n, a, r))
THUNK(RmShutdown, (DWORD h, ULONG f, RM_WRITE_STATUS_CALLBACK cb), (h, f, cb))
THUNK(RmRestart, (DWORD h, DWORD f, RM_WRITE_STATUS_CALLBACK cb), (h, f, cb))
THUNK(RmCancelCurrentTask, (DWORD h), (h))
THUNK(RmAddFilter, (DWORD h, LPCWSTR m, RM_UNIQUE_PROCESS *p, LPCWSTR s, RM_FILTER_ACTION a), (h, m, p, s, a))
THUNK(RmRemoveFilter, (DWORD h, LPCWSTR m, RM_UNIQUE_PROCESS *p, LPCWSTR s), (h, m, p, s))
THUNK(RmGetFilterList, (DWORD h, PBYTE b, DWORD n, LPDWORD need), (h, b, n, need))
THUNK(RmReserveHeap, (DWORD n), (n))

#define ROUTE(name) do { real_##name = p##name; if (p##name) p##name = thunk_##name; } while (0)

void call_thunks_install(HMODULE implementation)
{
    crash_set_implementation(implementation);
    ROUTE(RmStartSession);
    ROUTE(RmJoinSession);
    ROUTE(RmEndSession);
    ROUTE(RmRegisterResources);
    ROUTE(RmGetList);
    ROUTE(RmShutdown);
    ROUTE(RmRestart);
    ROUTE(RmCancelCurrentTask);
    ROUTE(RmAddFilter);
    ROUTE(RmRemoveFilter);
    ROUTE(RmGetFilterList);
    ROUTE(RmReserveHeap);
}

void rmc_call_label(const char *fmt, ...)
{
    char text[400];
    if (!fmt) { crash_call_label(NULL); return; }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    crash_call_label(text);
}

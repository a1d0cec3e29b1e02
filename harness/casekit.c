/* casekit.c — small preconditions many cases share. */
#include "internal.h"
#include <string.h>

static void end_session(void *arg)
{
    if (pRmEndSession) pRmEndSession((DWORD)(ULONG_PTR)arg);
}

void rmc_session_end_later(DWORD handle) { rmc_defer(end_session, (void *)(ULONG_PTR)handle); }

DWORD rmc_session_start(WCHAR key[CCH_RM_SESSION_KEY + 1])
{
    WCHAR local[CCH_RM_SESSION_KEY + 1];
    WCHAR *k = key ? key : local;
    DWORD handle = 0xFFFFFFFF;
    memset(k, 0, sizeof(WCHAR) * (CCH_RM_SESSION_KEY + 1));
    DWORD rc = pRmStartSession(&handle, 0, k);
    if (rc != ERROR_SUCCESS)
        rmc_fail("precondition: RmStartSession returned %s, expected ERROR_SUCCESS (0)", rmc_rc_str(rc));
    rmc_session_end_later(handle);
    return handle;
}

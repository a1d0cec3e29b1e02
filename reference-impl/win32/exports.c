/* exports.c — the DLL's exports: the 11 documented Restart Manager functions and the
 * undocumented RmReserveHeap, each forwarding to the portable core with the Win32 platform. */
#include "win32_internal.h"

DWORD WINAPI RmStartSession(DWORD *pSessionHandle, DWORD dwSessionFlags, WCHAR strSessionKey[])
{
    return rmcore_start_session(rmwin_platform(), pSessionHandle, dwSessionFlags, strSessionKey);
}

DWORD WINAPI RmJoinSession(DWORD *pSessionHandle, const WCHAR strSessionKey[])
{
    return rmcore_join_session(rmwin_platform(), pSessionHandle, strSessionKey);
}

DWORD WINAPI RmEndSession(DWORD dwSessionHandle)
{
    return rmcore_end_session(rmwin_platform(), dwSessionHandle);
}

DWORD WINAPI RmRegisterResources(DWORD dwSessionHandle, UINT nFiles, LPCWSTR rgsFileNames[], UINT nApplications,
                                 RM_UNIQUE_PROCESS rgApplications[], UINT nServices, LPCWSTR rgsServiceNames[])
{
    return rmcore_register_resources(rmwin_platform(), dwSessionHandle, nFiles, rgsFileNames, nApplications,
                                     rgApplications, nServices, rgsServiceNames);
}

DWORD WINAPI RmGetList(DWORD dwSessionHandle, UINT *pnProcInfoNeeded, UINT *pnProcInfo,
                       RM_PROCESS_INFO rgAffectedApps[], LPDWORD lpdwRebootReasons)
{
    return rmcore_get_list(rmwin_platform(), dwSessionHandle, pnProcInfoNeeded, pnProcInfo, rgAffectedApps,
                           lpdwRebootReasons);
}

DWORD WINAPI RmShutdown(DWORD dwSessionHandle, ULONG lActionFlags, RM_WRITE_STATUS_CALLBACK fnStatus)
{
    return rmcore_shutdown(rmwin_platform(), dwSessionHandle, lActionFlags, fnStatus);
}

DWORD WINAPI RmRestart(DWORD dwSessionHandle, DWORD dwRestartFlags, RM_WRITE_STATUS_CALLBACK fnStatus)
{
    return rmcore_restart(rmwin_platform(), dwSessionHandle, dwRestartFlags, fnStatus);
}

DWORD WINAPI RmCancelCurrentTask(DWORD dwSessionHandle)
{
    return rmcore_cancel_current_task(rmwin_platform(), dwSessionHandle);
}

DWORD WINAPI RmAddFilter(DWORD dwSessionHandle, LPCWSTR strModuleName, RM_UNIQUE_PROCESS *pProcess,
                         LPCWSTR strServiceShortName, RM_FILTER_ACTION FilterAction)
{
    return rmcore_add_filter(rmwin_platform(), dwSessionHandle, strModuleName, pProcess, strServiceShortName,
                             FilterAction);
}

DWORD WINAPI RmRemoveFilter(DWORD dwSessionHandle, LPCWSTR strModuleName, RM_UNIQUE_PROCESS *pProcess,
                            LPCWSTR strServiceShortName)
{
    return rmcore_remove_filter(rmwin_platform(), dwSessionHandle, strModuleName, pProcess, strServiceShortName);
}

DWORD WINAPI RmGetFilterList(DWORD dwSessionHandle, PBYTE pbFilterBuf, DWORD cbFilterBuf, LPDWORD cbFilterBufNeeded)
{
    return rmcore_get_filter_list(rmwin_platform(), dwSessionHandle, pbFilterBuf, cbFilterBuf, cbFilterBufNeeded);
}

/* Undocumented (spec §1): exported by the real DLL with one 4-byte argument; its semantics are
 * unknown, so rmref accepts any value and does nothing. */
DWORD WINAPI RmReserveHeap(DWORD unknown);
DWORD WINAPI RmReserveHeap(DWORD unknown)
{
    return ERROR_SUCCESS;
}

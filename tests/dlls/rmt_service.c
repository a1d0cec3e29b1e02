/* rmt_service.dll: RmStartSession installs a service (never started) and leaves it installed.
 * Its binary is this DLL's own file, outside the system folders. The runner test removes it. */
#define RMT_OVERRIDE_StartSession
#include "rmt_minimal.h"

#define RMT_SERVICE_NAME L"rmfx-rmt-leftover"

RMT_EXPORT DWORD WINAPI RmStartSession(DWORD *h, DWORD f, WCHAR k[])
{
    static const WCHAR key[] = L"0123456789abcdef0123456789abcdef";
    WCHAR self[MAX_PATH + 2] = L"\"";
    HMODULE me = NULL;
    GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                       (LPCWSTR)RmStartSession, &me);
    DWORD len = GetModuleFileNameW(me, self + 1, MAX_PATH - 1);
    self[len + 1] = L'"';
    self[len + 2] = 0;
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CREATE_SERVICE);
    if (scm) {
        SC_HANDLE svc = CreateServiceW(scm, RMT_SERVICE_NAME, L"rmconform test leftover", SERVICE_QUERY_CONFIG,
                                       SERVICE_WIN32_OWN_PROCESS, SERVICE_DEMAND_START, SERVICE_ERROR_IGNORE, self,
                                       NULL, NULL, NULL, NULL, NULL);
        if (svc) CloseServiceHandle(svc);
        CloseServiceHandle(scm);
    }
    if (!h || !k) return ERROR_INVALID_PARAMETER;
    *h = 1;
    for (int i = 0; i <= 32; i++) k[i] = key[i];
    return ERROR_SUCCESS;
}

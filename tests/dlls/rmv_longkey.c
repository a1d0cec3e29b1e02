/* rmv_longkey.dll: rmref whose RmStartSession writes 64 WCHARs into the key buffer (a 64-digit
 * key), where the caller's buffer holds CCH_RM_SESSION_KEY + 1 = 33. */
#include "rmv_common.h"

DWORD __real_rmcore_start_session(const rmref_platform *pf, DWORD *handle, DWORD flags, WCHAR key[]);

DWORD __wrap_rmcore_start_session(const rmref_platform *pf, DWORD *handle, DWORD flags, WCHAR key[])
{
    DWORD rc = __real_rmcore_start_session(pf, handle, flags, key);
    if (rc == ERROR_SUCCESS && key) {
        for (int i = 0; i < 63; i++) key[i] = L"0123456789abcdef"[i & 15];
        key[63] = 0;
    }
    return rc;
}

/* rmv_noaction0.dll: rmref whose RmShutdown returns 0 where rmref returns
 * ERROR_FAIL_NOACTION_REBOOT (350) — a reboot reason is set and nothing was done. */
#include "rmv_common.h"

DWORD __real_rmcore_shutdown(const rmref_platform *pf, DWORD handle, ULONG flags, RM_WRITE_STATUS_CALLBACK cb);

DWORD __wrap_rmcore_shutdown(const rmref_platform *pf, DWORD handle, ULONG flags, RM_WRITE_STATUS_CALLBACK cb)
{
    DWORD rc = __real_rmcore_shutdown(pf, handle, flags, cb);
    return rc == ERROR_FAIL_NOACTION_REBOOT ? ERROR_SUCCESS : rc;
}

/* rmv_noreasons.dll: rmref whose RmGetList never writes *lpdwRebootReasons (everything else as
 * rmref). The reason cases must fail with "left *lpdwRebootReasons unwritten", never decide on
 * the guard's fill pattern. */
#include "rmv_common.h"

DWORD __real_rmcore_get_list(const rmref_platform *pf, DWORD handle, UINT *needed, UINT *count, RM_PROCESS_INFO apps[],
                             DWORD *reasons);

DWORD __wrap_rmcore_get_list(const rmref_platform *pf, DWORD handle, UINT *needed, UINT *count, RM_PROCESS_INFO apps[],
                             DWORD *reasons)
{
    DWORD computed = 0;
    return __real_rmcore_get_list(pf, handle, needed, count, apps, reasons ? &computed : NULL);
}

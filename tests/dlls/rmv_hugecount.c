/* rmv_hugecount.dll: rmref whose RmGetList claims 3 million needed entries whatever the list
 * holds, and asks for a larger buffer (ERROR_MORE_DATA) until it gets one that big. */
#include "rmv_common.h"

#define CLAIM 3000000u

DWORD __real_rmcore_get_list(const rmref_platform *pf, DWORD handle, UINT *needed, UINT *count, RM_PROCESS_INFO apps[],
                             DWORD *reasons);

DWORD __wrap_rmcore_get_list(const rmref_platform *pf, DWORD handle, UINT *needed, UINT *count, RM_PROCESS_INFO apps[],
                             DWORD *reasons)
{
    UINT capacity = count ? *count : 0;
    DWORD rc = __real_rmcore_get_list(pf, handle, needed, count, apps, reasons);
    if ((rc == ERROR_SUCCESS || rc == ERROR_MORE_DATA) && capacity < CLAIM) {
        *needed = CLAIM;
        *count = 0;
        return ERROR_MORE_DATA;
    }
    return rc;
}

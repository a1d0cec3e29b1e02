/* rmt_raise.dll: RmStartSession raises a custom exception code with RaiseException (the fault
 * address is then inside kernelbase/ntdll, not in this DLL). */
#define RMT_OVERRIDE_StartSession
#include "rmt_minimal.h"

#define RMT_CUSTOM_EXCEPTION 0xE0524D54u   /* "RMT" */

RMT_EXPORT DWORD WINAPI RmStartSession(DWORD *h, DWORD f, WCHAR k[])
{
    RaiseException(RMT_CUSTOM_EXCEPTION, 0, 0, NULL);
    return ERROR_SUCCESS;
}

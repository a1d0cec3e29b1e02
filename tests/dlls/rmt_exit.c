/* rmt_exit.dll: RmStartSession ends the process with ExitProcess(0), as a DLL that "gives up"
 * would. */
#define RMT_OVERRIDE_StartSession
#include "rmt_minimal.h"

RMT_EXPORT DWORD WINAPI RmStartSession(DWORD *h, DWORD f, WCHAR k[])
{
    ExitProcess(0);
}

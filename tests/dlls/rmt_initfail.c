/* rmt_initfail.dll: DllMain refuses to load. */
#include "rmt_common.h"

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved) { return reason != DLL_PROCESS_ATTACH; }
RMT_EXPORT DWORD WINAPI RmStartSession(DWORD *h, DWORD f, WCHAR k[]) { return 0; }

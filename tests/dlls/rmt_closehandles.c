/* rmt_closehandles.dll: RmStartSession closes every handle value up to 0x1000 that it did not
 * open — among them the case process's record channel — then works normally. */
#define RMT_OVERRIDE_StartSession
#include "rmt_minimal.h"

RMT_EXPORT DWORD WINAPI RmStartSession(DWORD *h, DWORD f, WCHAR k[])
{
    static const WCHAR key[] = L"0123456789abcdef0123456789abcdef";
    for (ULONG_PTR v = 4; v < 0x1000; v += 4) {
        DWORD type = GetFileType((HANDLE)v);
        if (type == FILE_TYPE_DISK) CloseHandle((HANDLE)v);   /* files only: the process keeps running */
    }
    if (!h || !k) return ERROR_INVALID_PARAMETER;
    *h = 1;
    for (int i = 0; i <= 32; i++) k[i] = key[i];
    return ERROR_SUCCESS;
}

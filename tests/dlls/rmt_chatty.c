/* rmt_chatty.dll: RmStartSession/RmEndSession work, and RmStartSession first prints 4 MiB to
 * stdout and stderr (a debug printf gone wild). The case passes; its log must stay capped with
 * the head and the tail kept and a line saying what was cut. */
#include "rmt_common.h"
#include <stdio.h>

RMT_EXPORT DWORD WINAPI RmStartSession(DWORD *h, DWORD f, WCHAR k[])
{
    char line[128];
    DWORD done;
    HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE), err = GetStdHandle(STD_ERROR_HANDLE);
    for (int i = 0; i < 32768; i++) {
        int n = snprintf(line, sizeof line, "rmt_chatty line %06d: %0100d\n", i, 0);
        WriteFile(i & 1 ? err : out, line, (DWORD)n, &done, NULL);
    }
    WriteFile(out, "rmt_chatty: the last line\n", 26, &done, NULL);
    if (!h || !k) return ERROR_BAD_ARGUMENTS;
    *h = 1;
    for (int i = 0; i < 32; i++) k[i] = L"0123456789abcdef"[i & 15];
    k[32] = 0;
    return 0;
}
RMT_EXPORT DWORD WINAPI RmEndSession(DWORD h) { return 0; }

/* rmt_doublefree.dll: RmStartSession frees the same heap block twice, then works normally. */
#define RMT_OVERRIDE_StartSession
#include "rmt_minimal.h"
#include <stdlib.h>

static void (*volatile release)(void *) = free;

RMT_EXPORT DWORD WINAPI RmStartSession(DWORD *h, DWORD f, WCHAR k[])
{
    static const WCHAR key[] = L"0123456789abcdef0123456789abcdef";
    char *p = malloc(64);
    if (p) p[0] = 1;
    release(p);
    release(p);
    if (!h || !k) return ERROR_INVALID_PARAMETER;
    *h = 1;
    for (int i = 0; i <= 32; i++) k[i] = key[i];
    return ERROR_SUCCESS;
}

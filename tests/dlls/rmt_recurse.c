/* rmt_recurse.dll: RmStartSession recurses without bound until the stack overflows. */
#define RMT_OVERRIDE_StartSession
#include "rmt_minimal.h"

#pragma GCC diagnostic ignored "-Winfinite-recursion"

static volatile int sink;

static int __attribute__((noinline)) descend(int depth)
{
    volatile char frame[512];
    frame[depth & 511] = (char)depth;
    return descend(depth + 1) + frame[(depth * 7) & 511] + sink;   /* not a tail call */
}

RMT_EXPORT DWORD WINAPI RmStartSession(DWORD *h, DWORD f, WCHAR k[])
{
    sink = descend(0);
    return ERROR_SUCCESS;
}

/* rmt_seccrash.dll: the reference implementation, except that RmJoinSession — which only the
 * secondary installer (rmfx-secondary) calls in the cases that use it — dereferences NULL. */
#define RMT_BEFORE(name) ((void)0)
#define RMT_OVERRIDE_JoinSession
#include "rmt_forward.h"

static volatile int *volatile nowhere = (volatile int *)(ULONG_PTR)0x10;

RMT_EXPORT DWORD WINAPI RmJoinSession(DWORD *h, const WCHAR k[])
{
    return (DWORD)*nowhere;
}

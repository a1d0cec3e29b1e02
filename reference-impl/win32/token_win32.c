/* token_win32.c — what a process's access token says about restarting it: whether it runs
 * elevated, and whether it runs as the caller's own user. RmRestart never restarts either kind
 * (spec §8.7, §10.7, §13.7 item 7); the core turns these facts into bRestartable FALSE.
 *
 * "Another user" is decided against the caller's token user: rmref starts restarted
 * applications with the caller's identity, so only applications of that same account may be
 * brought back by it. A token that cannot be read (another account's process, a protected one)
 * counts as another user's: it cannot be proven to be ours. */
#include "win32_internal.h"
#include <stdlib.h>
#include <string.h>

/* The user SID of a token, malloc'd; NULL when it cannot be read. */
static TOKEN_USER *token_user(HANDLE token)
{
    DWORD size = 0;
    GetTokenInformation(token, TokenUser, NULL, 0, &size);
    if (!size) return NULL;
    TOKEN_USER *u = malloc(size);
    if (u && !GetTokenInformation(token, TokenUser, u, size, &size)) { free(u); u = NULL; }
    return u;
}

static int token_elevated(HANDLE token)
{
    TOKEN_ELEVATION el = { 0 };
    DWORD got = 0;
    return GetTokenInformation(token, TokenElevation, &el, sizeof el, &got) && el.TokenIsElevated;
}

unsigned rmwin_token_flags(HANDLE process)
{
    static TOKEN_USER *volatile me;         /* the caller's user, read once */
    if (!me) {
        HANDLE t;
        if (OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &t)) {
            TOKEN_USER *u = token_user(t);
            CloseHandle(t);
            if (u && InterlockedCompareExchangePointer((void *volatile *)&me, u, NULL)) free(u);
        }
    }
    HANDLE token;
    if (!process || !OpenProcessToken(process, TOKEN_QUERY, &token)) return RMREF_PF_OTHER_USER;
    unsigned flags = 0;
    if (token_elevated(token)) flags |= RMREF_PF_ELEVATED;
    TOKEN_USER *u = token_user(token);
    if (!u || !me || !EqualSid(u->User.Sid, me->User.Sid)) flags |= RMREF_PF_OTHER_USER;
    free(u);
    CloseHandle(token);
    return flags;
}

/* other_user.c — starting a process as a second local user (other_user.h): the credentials from
 * RMC_OTHER_USER, a folder both users may write, and the check that the platform really ran it
 * as that user. Shared by join_other_user.c and restart_other_user.c. */
#include "other_user.h"
#include <sddl.h>
#include <stdio.h>
#include <wchar.h>

static void end_process(void *arg)
{
    HANDLE p = arg;
    TerminateProcess(p, 0xF6);
    WaitForSingleObject(p, 5000);
    CloseHandle(p);
}

/* 1 when the process runs as our user, 0 when as another, -1 when a token cannot be read. */
static int same_user_as_us(HANDLE process, DWORD *err)
{
    BYTE mine[256], theirs[256];
    DWORD got;
    HANDLE a = NULL, b = NULL;
    int same = -1;
    if (OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &a) && OpenProcessToken(process, TOKEN_QUERY, &b) &&
        GetTokenInformation(a, TokenUser, mine, sizeof mine, &got) && GetTokenInformation(b, TokenUser, theirs, sizeof theirs, &got))
        same = EqualSid(((TOKEN_USER *)mine)->User.Sid, ((TOKEN_USER *)theirs)->User.Sid) != 0;
    *err = GetLastError();
    if (a) CloseHandle(a);
    if (b) CloseHandle(b);
    return same;
}

void other_user_shared_folder(WCHAR out[MAX_PATH], const WCHAR *name)
{
    /* Everyone, full access (traversing our folders above it needs no right of its own). */
    rmc_case_file(out, name, 0);
    SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, FALSE };
    check(ConvertStringSecurityDescriptorToSecurityDescriptorW(L"D:(A;OICI;GA;;;WD)", SDDL_REVISION_1,
                                                               &sa.lpSecurityDescriptor, NULL),
          "ConvertStringSecurityDescriptorToSecurityDescriptor failed: %s", rmc_rc_str(GetLastError()));
    BOOL made = CreateDirectoryW(out, &sa);
    LocalFree(sa.lpSecurityDescriptor);
    check(made, "CreateDirectory(shared folder) failed: %s", rmc_rc_str(GetLastError()));
}

HANDLE other_user_start(WCHAR *cmdline, const WCHAR *dir, DWORD flags, DWORD *pid)
{
    WCHAR cred[256] = L"", *colon, *user, *domain = L".";
    DWORD n = GetEnvironmentVariableW(L"RMC_OTHER_USER", cred, 256);
    if (!n || n >= 256 || !(colon = wcschr(cred, L':')))
        rmc_unsupported("no second user account: set RMC_OTHER_USER=[DOMAIN\\]NAME:PASSWORD (a local account other than "
                        "the runner's) to run this case");
    *colon = 0;
    user = cred;
    WCHAR *slash = wcschr(cred, L'\\');
    if (slash) { *slash = 0; domain = cred; user = slash + 1; }
    STARTUPINFOW si = { .cb = sizeof(si) };
    PROCESS_INFORMATION pi;
    BOOL started = CreateProcessWithLogonW(user, domain, colon + 1, 0, NULL, cmdline, flags, NULL, dir, &si, &pi);
    DWORD err = GetLastError();
    SecureZeroMemory(cred, sizeof cred);
    if (!started) rmc_unsupported("CreateProcessWithLogonW as the other user failed: %s", rmc_rc_str(err));
    CloseHandle(pi.hThread);
    rmc_defer(end_process, pi.hProcess);   /* not in our job: it belongs to another logon */
    int same = same_user_as_us(pi.hProcess, &err);
    if (same != 0)
        rmc_unsupported(same > 0 ? "the platform started the process as the runner's own user (the logon was ignored)"
                                 : "the other user's process token could not be read: %s", rmc_rc_str(err));
    *pid = pi.dwProcessId;
    return pi.hProcess;
}

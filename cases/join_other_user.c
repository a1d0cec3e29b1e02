/* join_other_user.c — a secondary installer running as another user cannot join the session:
 * "Joining works only if the secondary runs in the same user context as the primary" (§7.4,
 * DOC); which error it gets is UNCONFIRMED, so only the refusal is asserted and the code is
 * recorded. A second local account is needed: RMC_OTHER_USER=[DOMAIN\]NAME:PASSWORD in the
 * runner's environment (CI runners can create one); without it, or where the platform starts
 * the process as the runner's own user anyway (Wine), the case is unsupported with the reason.
 *
 * rmfx-secondary (started with CreateProcessWithLogonW) writes its JSON lines to a file in a
 * folder every user may write (--out), since it cannot inherit our pipes. */
#include "rmcase.h"
#include "fixture.h"
#include <sddl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define JOIN_WAIT_MS 20000u

static void end_process(void *arg)
{
    HANDLE p = arg;
    TerminateProcess(p, 0xF6);
    WaitForSingleObject(p, 5000);
    CloseHandle(p);
}

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

static void other_user_join_fails(void **state)
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

    WCHAR key[CCH_RM_SESSION_KEY + 1];
    rmc_session_start(key);
    /* A folder the other user may write: Everyone, full access (traversing our folders above it
     * needs no right of its own). */
    WCHAR shared[MAX_PATH], out[MAX_PATH], exe[MAX_PATH];
    rmc_case_file(shared, L"shared-with-other-user", 0);
    SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, FALSE };
    check(ConvertStringSecurityDescriptorToSecurityDescriptorW(L"D:(A;OICI;GA;;;WD)", SDDL_REVISION_1,
                                                               &sa.lpSecurityDescriptor, NULL),
          "ConvertStringSecurityDescriptorToSecurityDescriptor failed: %s", rmc_rc_str(GetLastError()));
    BOOL made = CreateDirectoryW(shared, &sa);
    LocalFree(sa.lpSecurityDescriptor);
    check(made, "CreateDirectory(shared folder) failed: %s", rmc_rc_str(GetLastError()));
    _snwprintf(out, MAX_PATH, L"%ls\\secondary.jsonl", shared);
    _snwprintf(exe, MAX_PATH, L"%lsrmfx-secondary.exe", rmc_bin_dir());

    size_t len = wcslen(exe) + wcslen(rmc_impl_path()) + wcslen(out) + 128;
    WCHAR *cmd = calloc(len, sizeof(WCHAR));
    _snwprintf(cmd, len, L"\"%ls\" --dll \"%ls\" --key %ls --out \"%ls\" --then end", exe, rmc_impl_path(), key, out);
    STARTUPINFOW si = { .cb = sizeof(si) };
    PROCESS_INFORMATION pi;
    BOOL started = CreateProcessWithLogonW(user, domain, colon + 1, 0, NULL, cmd, CREATE_NO_WINDOW, NULL, shared, &si, &pi);
    DWORD err = GetLastError();
    SecureZeroMemory(cred, sizeof cred);
    free(cmd);
    if (!started) rmc_unsupported("CreateProcessWithLogonW as the other user failed: %s", rmc_rc_str(err));
    CloseHandle(pi.hThread);
    rmc_defer(end_process, pi.hProcess);   /* not in our job: it belongs to another logon */
    int same = same_user_as_us(pi.hProcess, &err);
    if (same != 0)
        rmc_unsupported(same > 0 ? "the platform started the process as the runner's own user (the logon was ignored)"
                                 : "the other user's process token could not be read: %s", rmc_rc_str(err));
    check(WaitForSingleObject(pi.hProcess, JOIN_WAIT_MS) == WAIT_OBJECT_0,
          "the secondary running as the other user did not finish within %u s", JOIN_WAIT_MS / 1000);

    char *text = NULL;
    HANDLE f = CreateFileW(out, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    if (f != INVALID_HANDLE_VALUE) {
        DWORD size = GetFileSize(f, NULL), got = 0;
        text = calloc((size_t)size + 1, 1);
        ReadFile(f, text, size, &got, NULL);
        CloseHandle(f);
    }
    if (!text || !*text) rmc_unsupported("the secondary running as the other user wrote nothing to %ls", out);
    rmc_obs_str("secondary", text);
    char rc_text[32] = "";
    const char *load = strstr(text, "\"call\":\"LoadLibrary\"");
    if (load) while (load > text && load[-1] != '\n') load--;
    if (!load || !fixture_json_field(load, "rc", rc_text, sizeof rc_text) || strcmp(rc_text, "0"))
        rmc_unsupported("the other user cannot load the implementation (%s): give that account read access to it", rc_text);
    const char *join = strstr(text, "\"call\":\"RmJoinSession\"");
    require(join != NULL, "join.in_process_with_primary_key", "the secondary reported no RmJoinSession: %s", text);
    /* The line starts before "call"; its rc follows. */
    const char *line = join;
    while (line > text && line[-1] != '\n') line--;
    check(fixture_json_field(line, "rc", rc_text, sizeof rc_text), "no rc in the secondary's RmJoinSession line: %s", line);
    DWORD rc = (DWORD)strtoul(rc_text, NULL, 10);
    rmc_obs_rc("RmJoinSession(other user)", rc);
    check(rc != ERROR_SUCCESS, "RmJoinSession by a secondary running as another user returned ERROR_SUCCESS; joining works only "
          "in the primary's user context (§7.4)");
    free(text);
}

const rmc_case rmc_cases_join_other_user[] = {
    RMC_CASE("join.other_user_fails", "A secondary running as another user cannot join the session (the code is recorded)",
             "§7.4", "doc", .exports = RMX(StartSession) | RMX(EndSession) | RMX(JoinSession), .timeout_s = 60,
             .body = other_user_join_fails),
};
RMC_AREA_COUNT(join_other_user);

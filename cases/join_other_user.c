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
#include "other_user.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define JOIN_WAIT_MS 20000u

static void other_user_join_fails(void **state)
{
    WCHAR key[CCH_RM_SESSION_KEY + 1];
    rmc_session_start(key);
    WCHAR shared[MAX_PATH], out[MAX_PATH], exe[MAX_PATH];
    other_user_shared_folder(shared, L"shared-with-other-user");
    _snwprintf(out, MAX_PATH, L"%ls\\secondary.jsonl", shared);
    _snwprintf(exe, MAX_PATH, L"%lsrmfx-secondary.exe", rmc_bin_dir());

    size_t len = wcslen(exe) + wcslen(rmc_impl_path()) + wcslen(out) + 128;
    WCHAR *cmd = calloc(len, sizeof(WCHAR));
    _snwprintf(cmd, len, L"\"%ls\" --dll \"%ls\" --key %ls --out \"%ls\" --then end", exe, rmc_impl_path(), key, out);
    DWORD pid;
    HANDLE process = other_user_start(cmd, shared, CREATE_NO_WINDOW, &pid);
    free(cmd);
    check(WaitForSingleObject(process, JOIN_WAIT_MS) == WAIT_OBJECT_0,
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

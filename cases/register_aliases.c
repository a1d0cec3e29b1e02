/* register_aliases.c — a registered file reached through a directory junction. The other names of
 * the same file (8.3 short name, hard link, other case, symbolic links, subst drive) are checked
 * in detect_alias.c. RmGetList lists every
 * process using a registered *resource* (§8.5 "who appears", DOC): the resource is the file, so a
 * process that holds it under its long name uses the file registered under an alias. §8.4.
 *
 * Where the platform cannot make the alias (no 8.3 names on the volume, no privilege for a
 * symbolic link, no reparse points, no free drive letter) the case is unsupported with why. The
 * fixture always holds the file under its plain long path; the session registers the alias. */
#include "rmcase.h"
#include "fixture.h"
#include <stdio.h>
#include <wchar.h>
#include <winioctl.h>

static void expect_listed_through(const WCHAR *alias, fixture_app *app, const char *kind)
{
    rmc_obs_wstr("registered", alias, MAX_PATH);
    /* The alias must lead to the file the fixture holds locked: opening it is then refused. */
    HANDLE f = CreateFileW(alias, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL, OPEN_EXISTING, 0, NULL);
    DWORD err = f == INVALID_HANDLE_VALUE ? GetLastError() : ERROR_SUCCESS;
    if (f != INVALID_HANDLE_VALUE) CloseHandle(f);
    if (err != ERROR_SHARING_VIOLATION)
        rmc_unsupported("the %s %ls does not lead to the locked file here (opening it gave %s)", kind, alias, rmc_rc_str(err));
    DWORD h = rmc_session_with_file(alias);
    rmc_list(h, "alias");
    const RM_PROCESS_INFO *e = rmc_listed_pid(fixture_app_pid(app));
    rmc_obs_bool("listed", e != NULL);
    check(e != NULL, "RmGetList lists %u entries and not the process that holds the file, registered through its %s %ls",
          rmc_listed_count(), kind, alias);
}

/* A directory junction (mount-point reparse point) made with FSCTL_SET_REPARSE_POINT. */
static int make_junction(const WCHAR *junction, const WCHAR *target, DWORD *err)
{
    WCHAR nt_target[MAX_PATH + 8];
    _snwprintf(nt_target, MAX_PATH + 8, L"\\??\\%ls", target);
    size_t sub = wcslen(nt_target) * sizeof(WCHAR), print = wcslen(target) * sizeof(WCHAR);
    struct {
        DWORD tag; WORD data_len, reserved;
        WORD sub_off, sub_len, print_off, print_len;
        WCHAR buf[2 * MAX_PATH + 16];
    } rp = { 0 };
    rp.tag = IO_REPARSE_TAG_MOUNT_POINT;
    rp.sub_off = 0;
    rp.sub_len = (WORD)sub;
    rp.print_off = (WORD)(sub + sizeof(WCHAR));
    rp.print_len = (WORD)print;
    memcpy(rp.buf, nt_target, sub);
    memcpy((BYTE *)rp.buf + sub + sizeof(WCHAR), target, print);
    rp.data_len = (WORD)(8 + sub + print + 2 * sizeof(WCHAR));
    if (!CreateDirectoryW(junction, NULL)) { *err = GetLastError(); return 0; }
    HANDLE d = CreateFileW(junction, GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                           FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT, NULL);
    if (d == INVALID_HANDLE_VALUE) { *err = GetLastError(); RemoveDirectoryW(junction); return 0; }
    DWORD got;
    BOOL ok = DeviceIoControl(d, FSCTL_SET_REPARSE_POINT, &rp, 8 + rp.data_len, NULL, 0, &got, NULL);
    *err = GetLastError();
    CloseHandle(d);
    if (!ok) RemoveDirectoryW(junction);
    return ok;
}

static void junction(void **state)
{
    WCHAR file[MAX_PATH], dir[MAX_PATH], link[MAX_PATH], alias[MAX_PATH];
    fixture_app *app = fixture_locker_start(file, L"behind-junction.bin", L"--window none");
    _snwprintf(dir, MAX_PATH, L"%ls", rmc_case_dir());
    dir[wcslen(dir) - 1] = 0;   /* no trailing backslash */
    rmc_case_file(link, L"junction", 0);
    DWORD err = 0;
    if (!make_junction(link, dir, &err)) rmc_unsupported("a directory junction could not be made: %s", rmc_rc_str(err));
    WCHAR probe[MAX_PATH];
    _snwprintf(alias, MAX_PATH, L"%ls\\behind-junction.bin", link);
    _snwprintf(probe, MAX_PATH, L"%ls\\behind-junction.bin", link);
    if (GetFileAttributesW(probe) == INVALID_FILE_ATTRIBUTES)
        rmc_unsupported("the junction was made but does not lead to the folder: %s", rmc_rc_str(GetLastError()));
    expect_listed_through(alias, app, "path through a directory junction");
}

#define SL (RMX(StartSession) | RMX(EndSession) | RMX(RegisterResources) | RMX(GetList))

const rmc_case rmc_cases_register_aliases[] = {
    RMC_CASE("register.alias_junction", "A file registered through a directory junction is matched to the process holding it",
             "§8.5", "doc", .exports = SL, .body = junction),
};
RMC_AREA_COUNT(register_aliases);

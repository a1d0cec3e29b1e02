/* register_aliases.c — a registered file reached through another name of the same file: its
 * 8.3 short name, a symbolic link, a directory junction, a subst drive. RmGetList lists every
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

static void short_name(void **state)
{
    WCHAR file[MAX_PATH], alias[MAX_PATH];
    fixture_app *app = fixture_locker_start(file, L"a long file name held by the fixture.bin", L"--window none");
    DWORD n = GetShortPathNameW(file, alias, MAX_PATH);
    if (!n || n >= MAX_PATH) rmc_unsupported("GetShortPathName failed: %s", rmc_rc_str(GetLastError()));
    if (!_wcsicmp(alias, file)) rmc_unsupported("the volume gives the file no 8.3 short name");
    expect_listed_through(alias, app, "8.3 short name");
}

static void symbolic_link(void **state)
{
    WCHAR file[MAX_PATH], alias[MAX_PATH];
    fixture_app *app = fixture_locker_start(file, L"symlink-target.bin", L"--window none");
    rmc_case_file(alias, L"symlink-to-target.bin", 0);
    /* 0x2: SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE (developer mode); older systems refuse
     * the flag, so try without it too. */
    if (!CreateSymbolicLinkW(alias, file, 0x2) && !CreateSymbolicLinkW(alias, file, 0))
        rmc_unsupported("CreateSymbolicLink failed: %s", rmc_rc_str(GetLastError()));
    expect_listed_through(alias, app, "symbolic link");
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

static WCHAR subst_drive[3];
static void remove_subst(void *target)
{
    if (subst_drive[0]) DefineDosDeviceW(DDD_REMOVE_DEFINITION | DDD_EXACT_MATCH_ON_REMOVE, subst_drive, target);
}

static void subst(void **state)
{
    WCHAR file[MAX_PATH], dir[MAX_PATH], alias[MAX_PATH];
    static WCHAR target[MAX_PATH];
    fixture_app *app = fixture_locker_start(file, L"behind-subst.bin", L"--window none");
    _snwprintf(dir, MAX_PATH, L"%ls", rmc_case_dir());
    dir[wcslen(dir) - 1] = 0;
    DWORD used = GetLogicalDrives();
    WCHAR letter = 0;
    for (WCHAR l = L'P'; l <= L'Y' && !letter; l++) if (!(used & (1u << (l - L'A')))) letter = l;
    if (!letter) rmc_unsupported("no free drive letter from P: to Y: for a subst drive");
    _snwprintf(subst_drive, 3, L"%lc:", letter);
    _snwprintf(target, MAX_PATH, L"%ls", dir);
    if (!DefineDosDeviceW(0, subst_drive, target)) {   /* what subst.exe does */
        DWORD err = GetLastError();
        subst_drive[0] = 0;
        rmc_unsupported("DefineDosDevice(%lc:) failed: %s", letter, rmc_rc_str(err));
    }
    rmc_defer(remove_subst, target);
    _snwprintf(alias, MAX_PATH, L"%ls\\behind-subst.bin", subst_drive);
    if (GetFileAttributesW(alias) == INVALID_FILE_ATTRIBUTES)
        rmc_unsupported("the subst drive %ls does not lead to the folder: %s", subst_drive, rmc_rc_str(GetLastError()));
    expect_listed_through(alias, app, "subst drive path");
}

#define SL (RMX(StartSession) | RMX(EndSession) | RMX(RegisterResources) | RMX(GetList))

const rmc_case rmc_cases_register_aliases[] = {
    RMC_CASE("register.alias_short_name", "A file registered by its 8.3 short name is matched to the process holding it by its long name",
             "§8.5", "doc", .exports = SL, .body = short_name),
    RMC_CASE("register.alias_symbolic_link", "A file registered through a symbolic link is matched to the process holding the target",
             "§8.5", "doc", .exports = SL, .body = symbolic_link),
    RMC_CASE("register.alias_junction", "A file registered through a directory junction is matched to the process holding it",
             "§8.5", "doc", .exports = SL, .body = junction),
    RMC_CASE("register.alias_subst_drive", "A file registered through a subst drive letter is matched to the process holding it",
             "§8.5", "doc", .exports = SL, .body = subst),
};
RMC_AREA_COUNT(register_aliases);

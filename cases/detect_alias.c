/* detect_alias.c — a registered file is found when its user holds it by another name. RmGetList
 * lists every process using a registered resource (spec §8.5, DOC); a resource is the file,
 * not the text of its path (§8.4): an installer replacing it is blocked by the process holding
 * it whatever name either of them used. The other names: a hard link, the 8.3 short name, the
 * path in another case, a symbolic link to the file, a junction or directory link on the way,
 * a subst drive. Each case first checks that this platform really gives the file that second
 * name (both names open the same volume + file ID); where it does not, the case is
 * unsupported, naming what failed. The fixture holds the file by its ordinary name; the case
 * registers the other. */
#include "rmcase.h"
#include "fixture.h"
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#define S_LIST (RMX(StartSession) | RMX(EndSession) | RMX(RegisterResources) | RMX(GetList))

enum alias { A_HARD_LINK, A_SHORT_NAME, A_OTHER_CASE, A_FILE_SYMLINK, A_DIR_SYMLINK, A_SUBST, A_MODULE_HARD_LINK };

static int identity(const WCHAR *path, BY_HANDLE_FILE_INFORMATION *bi)
{
    HANDLE f = CreateFileW(path, FILE_READ_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
    if (f == INVALID_HANDLE_VALUE) return 0;
    int ok = GetFileInformationByHandle(f, bi);
    CloseHandle(f);
    return ok;
}

/* Unsupported unless `alias` opens the very file `real` names. */
static void require_same_file(const WCHAR *real, const WCHAR *alias, const char *kind)
{
    BY_HANDLE_FILE_INFORMATION a, b;
    if (!identity(real, &a)) rmc_fail("cannot open the case's own file %ls: error %lu", real, GetLastError());
    if (!identity(alias, &b))
        rmc_unsupported("this platform made no usable %s: opening %ls fails with error %lu", kind, alias, GetLastError());
    if (a.dwVolumeSerialNumber != b.dwVolumeSerialNumber || a.nFileIndexHigh != b.nFileIndexHigh ||
        a.nFileIndexLow != b.nFileIndexLow)
        rmc_unsupported("this platform's %s %ls opens another file than %ls", kind, alias, real);
}

static WCHAR subst_drive[3];
static void remove_subst(void *unused)
{
    if (subst_drive[0]) DefineDosDeviceW(DDD_REMOVE_DEFINITION, subst_drive, NULL);
    subst_drive[0] = 0;
}

static void remove_link(void *path) { RemoveDirectoryW(path); DeleteFileW(path); }

/* Makes the other name of `real` (a file in the case folder `dir`) into alias. */
static void make_alias(enum alias kind, const WCHAR *dir, const WCHAR *real, WCHAR alias[MAX_PATH])
{
    static WCHAR link[MAX_PATH];
    const WCHAR *base = wcsrchr(real, L'\\') + 1;
    switch (kind) {
    case A_HARD_LINK:
    case A_MODULE_HARD_LINK:
        swprintf(alias, MAX_PATH, L"%lsother name %ls", dir, base);
        if (!CreateHardLinkW(alias, real, NULL)) rmc_unsupported("CreateHardLinkW failed with error %lu", GetLastError());
        require_same_file(real, alias, "hard link");
        break;
    case A_SHORT_NAME: {
        DWORD n = GetShortPathNameW(real, alias, MAX_PATH);
        if (!n || n >= MAX_PATH) rmc_unsupported("GetShortPathNameW failed with error %lu", GetLastError());
        if (!_wcsicmp(alias, real)) rmc_unsupported("no 8.3 name on this volume (GetShortPathNameW returned the long path)");
        require_same_file(real, alias, "8.3 short name");
        break;
    }
    case A_OTHER_CASE:
        wcscpy(alias, real);
        CharUpperW(alias);
        if (!wcscmp(alias, real)) CharLowerW(alias);
        require_same_file(real, alias, "path in another case");
        break;
    case A_FILE_SYMLINK:
        swprintf(alias, MAX_PATH, L"%lssymlink.bin", dir);
        if (!CreateSymbolicLinkW(alias, real, 2 /* SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE */) &&
            !CreateSymbolicLinkW(alias, real, 0))
            rmc_unsupported("CreateSymbolicLinkW(file) failed with error %lu (needs the privilege or developer mode)", GetLastError());
        wcscpy(link, alias);
        rmc_defer(remove_link, link);
        require_same_file(real, alias, "symbolic link to a file");
        break;
    case A_DIR_SYMLINK: {
        WCHAR folder[MAX_PATH];
        wcscpy(folder, dir);
        folder[wcslen(folder) - 1] = 0;                 /* without the trailing '\' */
        swprintf(link, MAX_PATH, L"%ls-link", folder);
        if (!CreateSymbolicLinkW(link, folder, SYMBOLIC_LINK_FLAG_DIRECTORY | 2) &&
            !CreateSymbolicLinkW(link, folder, SYMBOLIC_LINK_FLAG_DIRECTORY))
            rmc_unsupported("CreateSymbolicLinkW(directory) failed with error %lu (needs the privilege or developer mode)", GetLastError());
        rmc_defer(remove_link, link);
        swprintf(alias, MAX_PATH, L"%ls\\%ls", link, base);
        require_same_file(real, alias, "directory link on the way");
        break;
    }
    case A_SUBST: {
        WCHAR folder[MAX_PATH];
        wcscpy(folder, dir);
        folder[wcslen(folder) - 1] = 0;
        DWORD used = GetLogicalDrives();
        int letter = 'Z';
        while (letter > 'D' && (used & (1u << (letter - 'A')))) letter--;
        if (letter == 'D') rmc_unsupported("no free drive letter for a subst drive");
        swprintf(subst_drive, 3, L"%lc:", letter);
        if (!DefineDosDeviceW(0, subst_drive, folder)) {
            subst_drive[0] = 0;
            rmc_unsupported("DefineDosDeviceW failed with error %lu", GetLastError());
        }
        rmc_defer(remove_subst, NULL);
        swprintf(alias, MAX_PATH, L"%ls\\%ls", subst_drive, base);
        require_same_file(real, alias, "subst drive");
        break;
    }
    }
}

static void held_by_other_name(void **state)
{
    enum alias kind = (enum alias)(ULONG_PTR)*state;
    WCHAR real[MAX_PATH], alias[MAX_PATH];
    fixture_app *app;
    if (kind == A_MODULE_HARD_LINK) {
        fixture_module_copy(real, L"Alias Module Library.dll");
        make_alias(kind, rmc_case_dir(), real, alias);
        app = fixture_app_start(L"--load-module \"%ls\" --window none", real);
    } else {
        rmc_case_file(real, L"Alias Target Long File Name.bin", 1);
        make_alias(kind, rmc_case_dir(), real, alias);
        app = fixture_app_start(L"--lock \"%ls\" --window none", real);
    }
    rmc_obs_wstr("registered", alias, MAX_PATH);
    DWORD h = rmc_session_with_file(alias);
    RM_PROCESS_INFO *apps;
    UINT n = 0;
    DWORD reasons = 0;
    check_rc("RmGetList", rmc_get_list_all(h, &apps, &n, &reasons), ERROR_SUCCESS);
    DWORD pid = fixture_app_pid(app);
    int found = 0;
    for (UINT i = 0; i < n; i++) found |= apps[i].Process.dwProcessId == pid;
    rmc_obs_int("list.count", n);
    if (!found) rmc_require_detection(RMC_DETECT_LOCKED_FILE);   /* blames detect.locked_file if no one is found at all */
    check(found, "RmGetList does not list pid %lu, which holds %ls, when the file is registered as %ls (%u entries listed)",
          pid, real, alias, n);
    check_rc("RmEndSession", pRmEndSession(h), ERROR_SUCCESS);
}

#define P(x) .param = (const void *)(ULONG_PTR)(x)
#define LOCK (RMC_CAP_HANDLE_ENUM)

const rmc_case rmc_cases_detect_alias[] = {
    RMC_CASE("detect.alias_hard_link", "A file registered by a hard link's name is found held by its original name",
             "§8.4, §8.5", "doc", .exports = S_LIST, .needs = LOCK, .body = held_by_other_name, P(A_HARD_LINK)),
    RMC_CASE("detect.alias_short_name", "A file registered by its 8.3 short name is found held by its long name",
             "§8.4, §8.5", "doc", .exports = S_LIST, .needs = LOCK, .body = held_by_other_name, P(A_SHORT_NAME)),
    RMC_CASE("detect.alias_other_case", "A file registered with its path in another case is found",
             "§8.4, §8.5", "doc", .exports = S_LIST, .needs = LOCK, .body = held_by_other_name, P(A_OTHER_CASE)),
    RMC_CASE("detect.alias_file_symlink", "A file registered by a symbolic link to it is found held by its own name",
             "§8.4, §8.5", "doc", .exports = S_LIST, .needs = LOCK, .body = held_by_other_name, P(A_FILE_SYMLINK)),
    RMC_CASE("detect.alias_directory_link", "A file registered through a directory symbolic link is found held by its own path",
             "§8.4, §8.5", "doc", .exports = S_LIST, .needs = LOCK, .body = held_by_other_name, P(A_DIR_SYMLINK)),
    RMC_CASE("detect.alias_subst_drive", "A file registered through a subst drive is found held by its own path",
             "§8.4, §8.5", "doc", .exports = S_LIST, .needs = LOCK, .body = held_by_other_name, P(A_SUBST)),
    RMC_CASE("detect.alias_module_hard_link", "A DLL registered by a hard link's name is found loaded by its original name",
             "§8.4, §13.2", "doc", .exports = S_LIST, .body = held_by_other_name, P(A_MODULE_HARD_LINK)),
};
RMC_AREA_COUNT(detect_alias);

/* outdir.c — the run's output folder: where it is, that its paths fit, and that it is this
 * implementation's.
 *
 * - Deep folders (CI workspaces): a folder whose files would reach MAX_PATH is used through the
 *   \\?\ prefix, which file APIs accept up to 32767 characters; a folder path longer than the
 *   runner accepts (RMC_PATH_CCH) is refused with one line. Never a truncated path: that made
 *   cases lose their record file and end `crash` (issue 15).
 * - `--out-root ROOT` names the folder `<name>-<os>-<arch>`. Two different DLLs with the same
 *   file name must not overwrite each other's run: each folder records the full path of the
 *   implementation it holds (`.implementation`), and a folder holding another path's run is left
 *   alone for `<name>-<hash of the path>-<os>-<arch>`.
 * - The cases' scratch folders live under %TEMP%; cases build file names there in MAX_PATH
 *   buffers, so a TEMP too deep for them is refused with one line. */
#include "runner.h"
#include <stdlib.h>
#include <string.h>

#define MARKER L".implementation"
#define LONGEST_CASE_FILE 64     /* room left for a case's own file names in its scratch folder */

const WCHAR *shown_path(const WCHAR *path)
{
    if (!wcsncmp(path, L"\\\\?\\UNC\\", 8)) return path + 6;   /* shown as "C\server\share": rare */
    if (!wcsncmp(path, L"\\\\?\\", 4)) return path + 4;
    return path;
}

static size_t longest_case_id(void)
{
    size_t longest = 0;
    for (size_t i = 0; i < registry_count(); i++) {
        size_t n = strlen(registry_get(i)->id);
        if (n > longest) longest = n;
    }
    return longest;
}

static int refuse(const char *fmt, const WCHAR *path, size_t a, size_t b)
{
    char *p = utf8_from_wide(shown_path(path)), msg[RMC_PATH_CCH * 3 + 300];
    snprintf(msg, sizeof msg, fmt, p, a, b);
    fprintf(stderr, "rmconform: error: %s\n", msg);
    free(p);
    return 0;
}

static unsigned path_hash(const WCHAR *path)
{
    unsigned h = 2166136261u;   /* FNV-1a over the lower-cased UTF-16 path */
    for (const WCHAR *p = path; *p; p++) {
        WCHAR c = (WCHAR)(ULONG_PTR)CharLowerW((WCHAR *)(ULONG_PTR)*p);
        h = (h ^ (c & 0xff)) * 16777619u;
        h = (h ^ (c >> 8)) * 16777619u;
    }
    return h;
}

/* The implementation path the run in dir was made with: the marker, or for a folder written
 * before markers existed, the "path" of results.jsonl's first line. NULL when dir holds no run. */
static WCHAR *run_path_in(const WCHAR *dir)
{
    WCHAR file[RMC_PATH_CCH + 32];
    _snwprintf(file, RMC_PATH_CCH + 32, L"%ls\\%ls", dir, MARKER);
    file[RMC_PATH_CCH + 31] = 0;
    char *text = read_text_file(file, NULL);
    if (text) {
        WCHAR *w = wide_from_utf8(text);
        free(text);
        return w;
    }
    _snwprintf(file, RMC_PATH_CCH + 32, L"%ls\\results.jsonl", dir);
    file[RMC_PATH_CCH + 31] = 0;
    text = read_text_file(file, NULL);
    if (!text) return NULL;
    char *impl = strstr(text, "\"implementation\": {");
    char *path = impl ? strstr(impl, "\"path\": ") : NULL;
    WCHAR *w = NULL;
    if (path) {
        char *s = json_str_decode(path + 8);
        w = wide_from_utf8(s);
        free(s);
    }
    free(text);
    return w;
}

/* dir (a full path) for file APIs: with the \\?\ prefix when its files would reach MAX_PATH. */
static void with_long_prefix(WCHAR *dir, size_t longest_file)
{
    if (wcslen(dir) + longest_file < MAX_PATH - 1 || !wcsncmp(dir, L"\\\\?\\", 4)) return;
    WCHAR tmp[RMC_PATH_CCH];
    if (!wcsncmp(dir, L"\\\\", 2)) _snwprintf(tmp, RMC_PATH_CCH, L"\\\\?\\UNC\\%ls", dir + 2);
    else _snwprintf(tmp, RMC_PATH_CCH, L"\\\\?\\%ls", dir);
    tmp[RMC_PATH_CCH - 1] = 0;
    wcscpy(dir, tmp);
}

int outdir_setup(run_state *r, const WCHAR *impl_path)
{
    const rmc_options *o = r->o;
    size_t longest = longest_case_id(), room = RMC_PATH_CCH - 64 - longest;
    const WCHAR *given = o->out ? o->out : o->out_root ? o->out_root : L"rmconform-results";
    WCHAR full[RMC_PATH_CCH];
    DWORD n = GetFullPathNameW(given, RMC_PATH_CCH, full, NULL);
    if (!n) return refuse("the output folder %s is not a valid path%.0zu%.0zu", given, 0, 0);
    if (n >= room) return refuse("the output folder %s is %zu characters long; rmconform accepts at most %zu", given, n, room);
    size_t len = wcslen(full);
    if (len > 3 && full[len - 1] == '\\') full[--len] = 0;

    if (o->out) wcscpy(r->out_dir, full);
    else {
        WCHAR *name = wide_from_utf8(r->impl_name), *osn = wide_from_utf8(rmc_os_name(r->profile));
        _snwprintf(r->out_dir, RMC_PATH_CCH, L"%ls\\%ls-%ls-%hs", full, name, osn, RMC_ARCH);
        r->out_dir[RMC_PATH_CCH - 1] = 0;
        WCHAR *held = run_path_in(r->out_dir);
        if (held && impl_path && _wcsicmp(held, impl_path)) {
            _snwprintf(r->out_dir, RMC_PATH_CCH, L"%ls\\%ls-%08x-%ls-%hs", full, name, path_hash(impl_path), osn, RMC_ARCH);
            r->out_dir[RMC_PATH_CCH - 1] = 0;
        }
        free(held);
        free(name);
        free(osn);
        if (wcslen(r->out_dir) >= room)
            return refuse("the output folder %s is %zu characters long; rmconform accepts at most %zu", r->out_dir,
                          wcslen(r->out_dir), room);
    }
    /* "\cases\<id>.log" is the longest name the run writes. */
    with_long_prefix(r->out_dir, 8 + longest + 4);
    if (!make_dirs(r->out_dir)) return refuse("cannot create the output folder %s%.0zu%.0zu", r->out_dir, 0, 0);

    if (impl_path) {
        WCHAR marker[RMC_PATH_CCH + 32];
        _snwprintf(marker, RMC_PATH_CCH + 32, L"%ls\\%ls", r->out_dir, MARKER);
        marker[RMC_PATH_CCH + 31] = 0;
        char *p = utf8_from_wide(impl_path);
        int ok = write_text_file(marker, p, strlen(p));
        free(p);
        if (!ok) return refuse("cannot write %s%.0zu%.0zu", marker, 0, 0);
    }

    /* Scratch folders of the cases: %TEMP%\rmconform\<run id>\<case id>\<file>. */
    WCHAR tmp[MAX_PATH + 1];
    DWORD t = GetTempPathW(MAX_PATH + 1, tmp);
    size_t limit = MAX_PATH - 1 - (sizeof("rmconform\\") - 1) - 32 - 1 - longest - 1 - LONGEST_CASE_FILE;
    if (!t || t > MAX_PATH || t > limit)
        return refuse("the temporary folder %s is %zu characters long; the cases' files need it at most %zu: "
                      "set TEMP and TMP to a shorter folder", tmp, (size_t)t, limit);
    _snwprintf(r->scratch_dir, MAX_PATH, L"%lsrmconform\\%ls", tmp, r->run_id);
    r->scratch_dir[MAX_PATH - 1] = 0;
    return 1;
}

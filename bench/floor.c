/* floor.c — the least work "who uses these files" needs on the enumeration route (no kernel
 * per-file list: Wine, Vista), done once per call by a minimal loop. It does what any correct
 * implementation of that route must do on every call, and nothing more:
 *   1. the registered paths in a case-insensitive hash set (the matching every detector does);
 *   2. one system handle snapshot (NtQuerySystemInformation class 64, SystemExtendedHandle-
 *      Information), into a buffer kept between calls;
 *   3. one module scan: the process list and every process's loader list, read as rmref reads
 *      them (reference-impl/win32/module_walk.c, the cheapest way known: two reads per module;
 *      Toolhelp for a process of another bitness: a 64-bit detector must see a 32-bit
 *      process's DLLs), each module path matched against the set;
 *   4. name resolution of the File handles (the type index is learned once, from a handle of
 *      our own) of every process — an implementation cannot know which processes are the
 *      lockers — that grant some use of their file (data, execute, write or delete access: a
 *      handle with none cannot keep an installer from replacing it): DuplicateHandle,
 *      GetFileType (only disk files: naming a pipe handle can block forever) and
 *      GetFinalPathNameByHandleW, matched against the set;
 *   5. for a named handle whose name is not registered, its file index (FileInternalInformation,
 *      cheap) looked up among the registered files' indexes, and only on a hit its identity
 *      (volume serial number + file index, GetFileInformationByHandle on the duplicate: a query
 *      of the volume) among their identities: another name of a registered file (hard link,
 *      8.3 name, link, subst drive) is the same file (spec §8.4, cases detect.alias_*).
 * The registered files' identities are read once per grid point, before the timed calls
 * (floor_prepare), as rmref keeps them between calls (reference-impl/core/idcache.c). No
 * worker thread, no classification, no services, no session store: RmGetList does all of that
 * on top, so its ratio to this loop is the price of everything beyond enumeration. */
#include "bench.h"
#include "file_index.h"
#include "module_walk.h"
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#define STATUS_INFO_LENGTH_MISMATCH_ ((LONG)0xC0000004)
#define SYSTEM_EXTENDED_HANDLE_INFORMATION_ 64

typedef struct handle_entry {
    void *object;
    ULONG_PTR pid;
    ULONG_PTR value;
    ULONG access;
    USHORT creator_back_trace_index;
    USHORT type_index;
    ULONG attributes;
    ULONG reserved;
} handle_entry;

typedef struct handle_table { ULONG_PTR count; ULONG_PTR reserved; handle_entry e[1]; } handle_table;

typedef LONG (WINAPI *nt_query_system_information_fn)(ULONG, void *, ULONG, ULONG *);

/* the access rights that make a handle a use of its file (as rmref's detect_win32.c) */
#define USE_RIGHTS (FILE_READ_DATA | FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_EXECUTE | FILE_WRITE_ATTRIBUTES | \
                    FILE_WRITE_EA | DELETE | WRITE_DAC | WRITE_OWNER | GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | \
                    GENERIC_ALL)

typedef struct file_key { DWORD volume, high, low; } file_key;

static nt_query_system_information_fn g_query;
static file_key *g_ids;          /* the registered files' identities, sorted (floor_prepare) */
static size_t g_nids;
static handle_table *g_table;
static ULONG g_table_size;
static int g_file_type = -1;

static DWORD take_snapshot(void)
{
    for (int tries = 0; tries < 8; tries++) {
        ULONG ret = 0;
        LONG st = g_table ? g_query(SYSTEM_EXTENDED_HANDLE_INFORMATION_, g_table, g_table_size, &ret)
                          : STATUS_INFO_LENGTH_MISMATCH_;
        if (st >= 0) return 0;
        if (st != STATUS_INFO_LENGTH_MISMATCH_) return ERROR_NOT_SUPPORTED;
        ULONG size = g_table_size ? g_table_size * 2 : 1u << 20;
        if (ret + 65536 > size) size = ret + 65536;
        free(g_table);
        g_table = malloc(size);
        g_table_size = g_table ? size : 0;
        if (!g_table) return ERROR_OUTOFMEMORY;
    }
    return ERROR_NOT_SUPPORTED;
}

DWORD floor_init(const WCHAR *work_dir)
{
    g_query = (nt_query_system_information_fn)(void *)GetProcAddress(GetModuleHandleW(L"ntdll.dll"),
                                                                   "NtQuerySystemInformation");
    if (!g_query) return ERROR_NOT_SUPPORTED;
    WCHAR probe_path[MAX_PATH];
    _snwprintf(probe_path, MAX_PATH, L"%ls\\floor-probe.dat", work_dir);
    HANDLE probe = CreateFileW(probe_path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                               CREATE_ALWAYS, FILE_FLAG_DELETE_ON_CLOSE, NULL);
    if (probe == INVALID_HANDLE_VALUE) return GetLastError();
    DWORD err = take_snapshot();
    for (ULONG_PTR i = 0; !err && i < g_table->count; i++)
        if (g_table->e[i].pid == GetCurrentProcessId() && g_table->e[i].value == (ULONG_PTR)probe) {
            g_file_type = g_table->e[i].type_index;
            break;
        }
    CloseHandle(probe);
    if (!err && g_file_type < 0) err = ERROR_NOT_FOUND;
    return err;
}


static int cmp_key(const void *a, const void *b)
{
    const file_key *x = a, *y = b;
    if (x->volume != y->volume) return x->volume < y->volume ? -1 : 1;
    if (x->high != y->high) return x->high < y->high ? -1 : 1;
    return x->low < y->low ? -1 : x->low > y->low;
}

static ULONGLONG *g_indexes;     /* the registered files' indexes, sorted (floor_prepare) */

static int cmp_index(const void *a, const void *b)
{
    ULONGLONG x = *(const ULONGLONG *)a, y = *(const ULONGLONG *)b;
    return x < y ? -1 : x > y;
}

static int handle_key(HANDLE h, file_key *k)
{
    BY_HANDLE_FILE_INFORMATION bi;
    if (!GetFileInformationByHandle(h, &bi)) return 0;
    k->volume = bi.dwVolumeSerialNumber;
    k->high = bi.nFileIndexHigh;
    k->low = bi.nFileIndexLow;
    return 1;
}

DWORD floor_prepare(const WCHAR *const *files, size_t m)
{
    free(g_ids);
    free(g_indexes);
    g_nids = 0;
    g_ids = malloc((m ? m : 1) * sizeof *g_ids);
    g_indexes = malloc((m ? m : 1) * sizeof *g_indexes);
    if (!g_ids || !g_indexes) return ERROR_OUTOFMEMORY;
    for (size_t i = 0; i < m; i++) {
        HANDLE f = CreateFileW(files[i], FILE_READ_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                               NULL, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
        if (f == INVALID_HANDLE_VALUE) continue;
        if (handle_key(f, &g_ids[g_nids]) && !rmwin_file_index(f, &g_indexes[g_nids])) g_nids++;
        CloseHandle(f);
    }
    qsort(g_ids, g_nids, sizeof *g_ids, cmp_key);
    qsort(g_indexes, g_nids, sizeof *g_indexes, cmp_index);
    return 0;
}

void floor_done(void)
{
    free(g_ids);
    free(g_indexes);
    g_ids = NULL;
    g_indexes = NULL;
    g_nids = 0;
    free(g_table);
    g_table = NULL;
    g_table_size = 0;
}

/* ---- a case-insensitive set of paths (bench.h) ---------------------------------------------- */

static WCHAR fold(WCHAR c)
{
    if (c >= L'a' && c <= L'z') return (WCHAR)(c - 32);
    return c < 0x80 ? c : (WCHAR)towupper(c);
}

static ULONG path_hash(const WCHAR *s)
{
    ULONG h = 2166136261u;
    for (; *s; s++) h = (h ^ fold(*s)) * 16777619u;
    return h;
}

static int path_eq(const WCHAR *a, const WCHAR *b)
{
    for (; fold(*a) == fold(*b); a++, b++) if (!*a) return 1;
    return 0;
}

int path_set_build(path_set *s, const WCHAR *const *files, size_t m)
{
    s->cap = 16;
    while (s->cap < 2 * m) s->cap *= 2;
    s->slot = calloc(s->cap, sizeof *s->slot);
    s->hash = calloc(s->cap, sizeof *s->hash);
    if (!s->slot || !s->hash) return 0;
    for (size_t i = 0; i < m; i++) {
        ULONG h = path_hash(files[i]);
        size_t j = h & (s->cap - 1);
        while (s->slot[j]) j = (j + 1) & (s->cap - 1);
        s->slot[j] = files[i];
        s->hash[j] = h;
    }
    return 1;
}

int path_set_has(const path_set *s, const WCHAR *path)
{
    if (!wcsncmp(path, L"\\\\?\\", 4)) path += 4;
    ULONG h = path_hash(path);
    for (size_t j = h & (s->cap - 1); s->slot[j]; j = (j + 1) & (s->cap - 1))
        if (s->hash[j] == h && path_eq(s->slot[j], path)) return 1;
    return 0;
}

void path_set_free(path_set *s)
{
    free(s->slot);
    free(s->hash);
}

/* ---- the detection ------------------------------------------------------------------------ */

/* found[] holds distinct pids; small (at most the lockers plus module users) */
static void found_add(DWORD *found, size_t *nfound, size_t cap, DWORD pid)
{
    for (size_t i = 0; i < *nfound; i++) if (found[i] == pid) return;
    if (*nfound < cap) found[(*nfound)++] = pid;
}

typedef struct modules_scan {
    const path_set *set;
    DWORD *found;
    size_t *nfound, cap;
    unsigned modules;
} modules_scan;

static void on_module(void *cookie, DWORD pid, const WCHAR *path)
{
    modules_scan *scan = cookie;
    scan->modules++;
    if (path_set_has(scan->set, path)) found_add(scan->found, scan->nfound, scan->cap, pid);
}

DWORD floor_run(const WCHAR *const *files, size_t m, floor_result *out)
{
    memset(out, 0, sizeof *out);
    if (g_file_type < 0) return ERROR_NOT_READY;
    double t0 = bench_now_ms();

    path_set set;
    HANDLE proc = NULL;
    DWORD proc_pid = (DWORD)-1, self = GetCurrentProcessId();
    size_t found_cap = 4096, nfound = 0;
    DWORD *found = malloc(found_cap * sizeof *found);
    WCHAR *name = malloc(32768 * sizeof(WCHAR));
    if (!path_set_build(&set, files, m) || !found || !name) {
        path_set_free(&set); free(found); free(name);
        return ERROR_OUTOFMEMORY;
    }
    double t1 = bench_now_ms();
    out->match_ms += t1 - t0;

    DWORD err = take_snapshot();
    double t2 = bench_now_ms();
    out->snapshot_ms = t2 - t1;

    if (!err) {
        modules_scan scan = { &set, found, &nfound, found_cap, 0 };
        rmwin_process *procs;
        int np = rmwin_list_processes(&procs);
        for (int i = 0; i < np; i++) {
            DWORD pid = procs[i].pid;
            if (pid == 0 || pid == 4) continue;
            rmwin_process_modules(pid, on_module, &scan);
        }
        if (np > 0) free(procs);
        out->modules += scan.modules;
    }
    double t3 = bench_now_ms();
    out->modules_ms = t3 - t2;

    if (!err) {
        out->handles = g_table->count;
        for (ULONG_PTR i = 0; i < g_table->count; i++) {
            const handle_entry *e = &g_table->e[i];
            DWORD pid = (DWORD)e->pid;
            if (e->type_index != g_file_type || pid == 0 || pid == 4 || !(e->access & USE_RIGHTS)) continue;
            out->candidates++;
            if (pid != proc_pid) {
                if (proc) CloseHandle(proc);
                proc_pid = pid;
                proc = pid == self ? NULL : OpenProcess(PROCESS_DUP_HANDLE, FALSE, pid);
            }
            HANDLE dup;
            if (!DuplicateHandle(pid == self ? GetCurrentProcess() : proc, (HANDLE)e->value, GetCurrentProcess(), &dup,
                                 FILE_READ_ATTRIBUTES, FALSE, 0))
                continue;
            if (GetFileType(dup) == FILE_TYPE_DISK) {
                DWORD len = GetFinalPathNameByHandleW(dup, name, 32768, FILE_NAME_NORMALIZED | VOLUME_NAME_DOS);
                if (len && len < 32768) {
                    out->resolved++;
                    file_key k;
                    ULONGLONG index;
                    if (path_set_has(&set, name) ||
                        (g_nids && !rmwin_file_index(dup, &index) && bsearch(&index, g_indexes, g_nids, sizeof index, cmp_index) &&
                         handle_key(dup, &k) && bsearch(&k, g_ids, g_nids, sizeof k, cmp_key)))
                        found_add(found, &nfound, found_cap, pid);
                }
            }
            CloseHandle(dup);
        }
    }
    double t4 = bench_now_ms();
    out->resolve_ms = t4 - t3;

    if (proc) CloseHandle(proc);
    path_set_free(&set); free(found); free(name);
    out->found = nfound;
    out->total_ms = bench_now_ms() - t0;
    return err;
}

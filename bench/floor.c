/* floor.c — the least work "who uses these files" needs, done once per call by a minimal loop:
 *   1. the registered paths in a case-insensitive hash set (the matching every detector does);
 *   2. one system handle snapshot (NtQuerySystemInformation class 64, SystemExtendedHandle-
 *      Information), into a buffer kept between calls;
 *   3. one module scan: a Toolhelp process snapshot and a module snapshot per process, each
 *      module path matched against the set;
 *   4. name resolution of the candidate handles: File objects (the type index is learned once,
 *      from a handle of our own) held by the locker processes — DuplicateHandle +
 *      GetFinalPathNameByHandleW, matched against the set.
 * No classification, no services, no session store: RmGetList does all of that on top, so its
 * ratio to this loop is the price of everything beyond enumeration. */
#include "bench.h"
#include <tlhelp32.h>
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

static nt_query_system_information_fn g_query;
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


void floor_done(void)
{
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

static int cmp_pid(const void *a, const void *b)
{
    DWORD x = *(const DWORD *)a, y = *(const DWORD *)b;
    return x < y ? -1 : x > y;
}

/* found[] holds distinct pids; small (at most the lockers plus module users) */
static void found_add(DWORD *found, size_t *nfound, size_t cap, DWORD pid)
{
    for (size_t i = 0; i < *nfound; i++) if (found[i] == pid) return;
    if (*nfound < cap) found[(*nfound)++] = pid;
}

DWORD floor_run(const DWORD *locker_pids, size_t nlockers, const WCHAR *const *files, size_t m, floor_result *out)
{
    memset(out, 0, sizeof *out);
    if (g_file_type < 0) return ERROR_NOT_READY;
    double t0 = bench_now_ms();

    path_set set;
    DWORD *pids = malloc((nlockers ? nlockers : 1) * sizeof *pids);
    HANDLE *procs = calloc(nlockers ? nlockers : 1, sizeof *procs);
    size_t found_cap = nlockers + 256, nfound = 0;
    DWORD *found = malloc(found_cap * sizeof *found);
    WCHAR *name = malloc(32768 * sizeof(WCHAR));
    if (!path_set_build(&set, files, m) || !pids || !procs || !found || !name) {
        path_set_free(&set); free(pids); free(procs); free(found); free(name);
        return ERROR_OUTOFMEMORY;
    }
    memcpy(pids, locker_pids, nlockers * sizeof *pids);
    qsort(pids, nlockers, sizeof *pids, cmp_pid);
    double t1 = bench_now_ms();
    out->match_ms += t1 - t0;

    DWORD err = take_snapshot();
    double t2 = bench_now_ms();
    out->snapshot_ms = t2 - t1;

    if (!err) {
        HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
        PROCESSENTRY32W pe = { sizeof pe };
        for (BOOL ok = snap != INVALID_HANDLE_VALUE && Process32FirstW(snap, &pe); ok; ok = Process32NextW(snap, &pe)) {
            if (pe.th32ProcessID == 0 || pe.th32ProcessID == 4) continue;
            HANDLE mods = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE, pe.th32ProcessID);
            if (mods == INVALID_HANDLE_VALUE) continue;
            MODULEENTRY32W me = { sizeof me };
            for (BOOL mo = Module32FirstW(mods, &me); mo; mo = Module32NextW(mods, &me)) {
                out->modules++;
                if (path_set_has(&set, me.szExePath)) found_add(found, &nfound, found_cap, pe.th32ProcessID);
            }
            CloseHandle(mods);
        }
        if (snap != INVALID_HANDLE_VALUE) CloseHandle(snap);
    }
    double t3 = bench_now_ms();
    out->modules_ms = t3 - t2;

    if (!err) {
        out->handles = g_table->count;
        for (ULONG_PTR i = 0; i < g_table->count; i++) {
            const handle_entry *e = &g_table->e[i];
            if (e->type_index != g_file_type) continue;
            DWORD pid = (DWORD)e->pid;
            DWORD *at = bsearch(&pid, pids, nlockers, sizeof *pids, cmp_pid);
            if (!at) continue;
            out->candidates++;
            HANDLE *proc = &procs[at - pids];
            if (!*proc) *proc = OpenProcess(PROCESS_DUP_HANDLE, FALSE, pid);
            HANDLE dup;
            if (!*proc || !DuplicateHandle(*proc, (HANDLE)e->value, GetCurrentProcess(), &dup, 0, FALSE,
                                           DUPLICATE_SAME_ACCESS))
                continue;
            DWORD len = GetFinalPathNameByHandleW(dup, name, 32768, FILE_NAME_NORMALIZED | VOLUME_NAME_DOS);
            CloseHandle(dup);
            if (!len || len >= 32768) continue;
            out->resolved++;
            if (path_set_has(&set, name)) found_add(found, &nfound, found_cap, pid);
        }
    }
    double t4 = bench_now_ms();
    out->resolve_ms = t4 - t3;

    for (size_t i = 0; i < nlockers; i++) if (procs[i]) CloseHandle(procs[i]);
    path_set_free(&set); free(pids); free(procs); free(found); free(name);
    out->found = nfound;
    out->total_ms = bench_now_ms() - t0;
    return err;
}

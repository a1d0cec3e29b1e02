/* profile.c — where an RmGetList's time goes, measured from outside: each step rmref's
 * RmGetList takes (reference-impl/core/getlist.c and win32/detect_win32.c, as of commit
 * e11720c) is replayed here with the same Win32 calls in the same order (written for the
 * bench; rmref's sources are only read, never linked or changed; updated for the identities
 * kept between calls, core/idcache.c) and timed on its own, at the same point of the grid. The replay finds its processes itself and takes rmref's decisions
 * (which paths to look at again, whether to ask the SCM) from what it found, so a step rmref
 * skips is skipped here too and reported as skipped, not as a time.
 *
 * RmGetList, in its order:
 *   store_read       the session's values read from the per-user store (a volatile key
 *                    HKCU\Software\rmconform\rmref\Sessions\<session key>) and its registered
 *                    paths put in a case-insensitive hash set
 *   dir_recheck      GetFileAttributesW again only for the paths that were not a plain file at
 *                    registration (a registered directory is ERROR_ACCESS_DENIED)
 *   handle_snapshot  one system handle snapshot (NtQuerySystemInformation class 64), the File
 *                    type index learned from a probe handle opened for the purpose, the File
 *                    entries of every process that grant some use of the file copied out
 *   handle_names     those File handles named on a worker thread (DuplicateHandle with
 *                    FILE_READ_ATTRIBUTES, GetFileType, GetFinalPathNameByHandleW, the file's
 *                    index), the caller woken by the worker's completion event; each name
 *                    matched against the set
 *   images_modules   the process list and every process's modules (module_walk.c, as rmref
 *                    reads them), each path matched against the set
 * Not replayed: the registered files' identities and the module paths' identities, read by a
 * session's first RmGetList in a process and kept for the later ones (the bench reports that
 * first call apart).
 *   scm_children     one process list: was any found process started by services.exe?
 *                    (only when no services are registered and something was found)
 *   services         the SCM's list of running services, only when services are registered or
 *                    scm_children said yes
 *   process_facts    per found process: session id, one OpenProcess with all the rights
 *                    (separate opens only when refused), exit check, times, image,
 *                    IsProcessCritical, GetApplicationRestartSettings
 *   image_facts      per distinct image path: version resource (FileDescription) and the PE
 *                    header's subsystem
 *   window_pass      one EnumWindows for all found processes (class, style, owner, visibility
 *                    of their windows)
 * and, not part of RmGetList but of RmRegisterResources:
 *   register_paths   per file: GetFullPathNameW, GetLongPathNameW only when the path has a '~',
 *                    normalisation, GetFileAttributesW (its kind, stored with the batch) */
#include "bench.h"
#include "file_index.h"
#include "module_walk.h"
#include "profile.h"
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define STATUS_INFO_LENGTH_MISMATCH_ ((LONG)0xC0000004)
#define PATH_CHARS 32768
#define KIND_MISSING 1
#define KIND_FILE 2
#define KIND_DIRECTORY 3

typedef struct hentry {
    void *object; ULONG_PTR pid; ULONG_PTR value; ULONG access;
    USHORT creator_back_trace_index; USHORT type_index; ULONG attributes; ULONG reserved;
} hentry;
typedef struct htable { ULONG_PTR count; ULONG_PTR reserved; hentry e[1]; } htable;
typedef LONG (WINAPI *nt_query_fn)(ULONG, void *, ULONG, ULONG *);
#define USE_RIGHTS (FILE_READ_DATA | FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_EXECUTE | FILE_WRITE_ATTRIBUTES | \
                    FILE_WRITE_EA | DELETE | WRITE_DAC | WRITE_OWNER | GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | \
                    GENERIC_ALL)
typedef BOOL (WINAPI *is_critical_fn)(HANDLE, BOOL *);

enum { S_STORE, S_DIR, S_SNAP, S_NAMES, S_MODS, S_SCMCH, S_SVCS, S_FACTS, S_IMAGES, S_WINDOWS, S_REGISTER, NSTEPS };
static const char *const step_names[NSTEPS] = {
    "store_read", "dir_recheck", "handle_snapshot", "handle_names", "images_modules", "scm_children",
    "services", "process_facts", "image_facts", "window_pass", "register_paths" };

/* What one repetition of the replay saw (the counts are the same every repetition unless a
 * process comes or goes). */
typedef struct replay {
    path_set set;
    DWORD *found; size_t nfound, found_cap;
    size_t handles;          /* File handles in the snapshot */
    size_t named;            /* of those, disk files named */
    size_t processes;        /* processes in the module scan */
    size_t rechecked;        /* paths looked at again by dir_recheck */
    size_t long_paths;       /* GetLongPathNameW calls at registration */
    size_t images;           /* distinct images of the found processes */
    size_t windows;          /* top-level windows seen by the window pass */
    size_t services;         /* services listed (when listed) */
    int scm_children;        /* -1 not asked, else how many found processes services.exe started */
    int services_listed;
} replay;

static int found_has(const replay *r, DWORD pid)
{
    for (size_t i = 0; i < r->nfound; i++) if (r->found[i] == pid) return 1;
    return 0;
}

static void found_add(replay *r, DWORD pid)
{
    if (found_has(r, pid)) return;
    if (r->nfound == r->found_cap) {
        size_t cap = r->found_cap ? r->found_cap * 2 : 16;
        DWORD *v = realloc(r->found, cap * sizeof *v);
        if (!v) return;
        r->found = v; r->found_cap = cap;
    }
    r->found[r->nfound++] = pid;
}

/* rmref's path normalisation: no \\?\ or \??\ prefix, '/' as '\', no doubled separators
 * (a UNC start kept), no trailing separator except after a drive. */
static void normalize(WCHAR *p)
{
    WCHAR *src = p, *dst = p;
    if (!wcsncmp(p, L"\\\\?\\UNC\\", 8) || !wcsncmp(p, L"\\??\\UNC\\", 8)) {
        *dst++ = L'\\';
        src = p + 7;
    } else if (!wcsncmp(p, L"\\\\?\\", 4) || !wcsncmp(p, L"\\??\\", 4)) {
        src = p + 4;
    } else if ((p[0] == L'\\' || p[0] == L'/') && (p[1] == L'\\' || p[1] == L'/')) {
        *dst++ = L'\\';
        src = p + 1;
    }
    for (; *src; src++) {
        WCHAR c = *src == L'/' ? L'\\' : *src;
        if (c == L'\\' && dst > p && dst[-1] == L'\\' && !(dst == p + 1 && p[0] == L'\\')) continue;
        *dst++ = c;
    }
    *dst = 0;
    size_t n = (size_t)(dst - p);
    if (n > 3 && p[n - 1] == L'\\') p[n - 1] = 0;
}

/* A path reported by an enumeration, as rmref takes it: skipped when its process is already
 * found, else normalised and looked up. */
static void on_path(replay *r, DWORD pid, const WCHAR *path, WCHAR *scratch)
{
    if (found_has(r, pid)) return;
    wcsncpy(scratch, path, PATH_CHARS - 1);
    scratch[PATH_CHARS - 1] = 0;
    normalize(scratch);
    if (path_set_has(&r->set, scratch)) found_add(r, pid);
}

/* ---- RmRegisterResources ----------------------------------------------------------------- */

static double step_register_paths(const WCHAR *const *files, size_t m, WCHAR **stored, unsigned char *kinds,
                                  replay *r)
{
    double t0 = bench_now_ms();
    WCHAR *full = malloc(PATH_CHARS * sizeof(WCHAR)), *lng = malloc(PATH_CHARS * sizeof(WCHAR));
    r->long_paths = 0;
    for (size_t i = 0; full && lng && i < m; i++) {
        DWORD n = GetFullPathNameW(files[i], PATH_CHARS, full, NULL);
        if (!n || n >= PATH_CHARS) { wcsncpy(full, files[i], PATH_CHARS - 1); full[PATH_CHARS - 1] = 0; }
        if (wcschr(full, L'~')) {
            r->long_paths++;
            DWORD k = GetLongPathNameW(full, lng, PATH_CHARS);
            if (k && k < PATH_CHARS) wcscpy(full, lng);
        }
        normalize(full);
        free(stored[i]);
        stored[i] = _wcsdup(full);
        DWORD a = GetFileAttributesW(full);
        kinds[i] = a == INVALID_FILE_ATTRIBUTES ? KIND_MISSING : a & FILE_ATTRIBUTE_DIRECTORY ? KIND_DIRECTORY : KIND_FILE;
    }
    free(full); free(lng);
    return bench_now_ms() - t0;
}

/* ---- RmGetList ---------------------------------------------------------------------------- */

static double step_store_read(const WCHAR *session_key, WCHAR *const *stored, size_t m, replay *r)
{
    double t0 = bench_now_ms();
    WCHAR path[160];
    _snwprintf(path, 160, L"Software\\rmconform\\rmref\\Sessions\\%ls", session_key);
    HKEY k;
    if (RegOpenKeyExW(HKEY_CURRENT_USER, path, 0, KEY_QUERY_VALUE, &k)) return -1;
    BYTE *data = malloc(1 << 20);
    WCHAR name[64];
    for (DWORD i = 0; data; i++) {
        DWORD cch = 64, size = 1 << 20, type;
        if (RegEnumValueW(k, i, name, &cch, NULL, &type, data, &size)) break;
    }
    free(data);
    RegCloseKey(k);
    if (!path_set_build(&r->set, (const WCHAR *const *)stored, m)) return -1;
    /* rmref: the store's paths are already normalised, as the registration stored them */
    return bench_now_ms() - t0;
}

static double step_dir_recheck(WCHAR *const *stored, const unsigned char *kinds, size_t m, replay *r)
{
    double t0 = bench_now_ms();
    r->rechecked = 0;
    for (size_t i = 0; i < m; i++) {
        if (kinds[i] == KIND_FILE) continue;
        r->rechecked++;
        DWORD a = GetFileAttributesW(stored[i]);
        if (a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_DIRECTORY)) break;   /* rmref: ERROR_ACCESS_DENIED */
    }
    return bench_now_ms() - t0;
}

/* The File handles of every process, from one snapshot. */
typedef struct hlist {
    size_t n;
    DWORD *pid;
    HANDLE *value;
    WCHAR **path;            /* filled by the worker */
    volatile LONG pos;
    HANDLE done;
} hlist;

static double step_handle_snapshot(hlist *hl)
{
    double t0 = bench_now_ms();
    memset(hl, 0, sizeof *hl);
    nt_query_fn query = (nt_query_fn)(void *)GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "NtQuerySystemInformation");
    WCHAR self[MAX_PATH];
    GetModuleFileNameW(NULL, self, MAX_PATH);
    HANDLE probe = CreateFileW(self, FILE_READ_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                               OPEN_EXISTING, 0, NULL);
    ULONG size = 1 << 20, ret = 0;
    htable *t = NULL;
    LONG st = -1;
    for (int tries = 0; query && tries < 8; tries++) {
        free(t);
        if (!(t = malloc(size))) break;
        st = query(64, t, size, &ret);
        if (st != STATUS_INFO_LENGTH_MISMATCH_) break;
        size = (ret > size ? ret : size) * 2;
    }
    if (st >= 0 && t) {
        int file_type = -1;
        DWORD me = GetCurrentProcessId();
        for (ULONG_PTR i = 0; i < t->count && probe != INVALID_HANDLE_VALUE; i++)
            if (t->e[i].pid == me && t->e[i].value == (ULONG_PTR)probe) { file_type = t->e[i].type_index; break; }
        hl->pid = malloc((t->count ? t->count : 1) * sizeof *hl->pid);
        hl->value = malloc((t->count ? t->count : 1) * sizeof *hl->value);
        for (ULONG_PTR i = 0; hl->pid && hl->value && i < t->count; i++) {
            const hentry *e = &t->e[i];
            if (e->pid == 0 || e->pid == 4 || (file_type >= 0 && e->type_index != file_type)) continue;
            if (e->pid == me && e->value == (ULONG_PTR)probe) continue;
            if (!(e->access & USE_RIGHTS)) continue;
            hl->pid[hl->n] = (DWORD)e->pid;
            hl->value[hl->n] = (HANDLE)e->value;
            hl->n++;
        }
        hl->path = calloc(hl->n ? hl->n : 1, sizeof *hl->path);
    }
    free(t);
    if (probe != INVALID_HANDLE_VALUE) CloseHandle(probe);
    return bench_now_ms() - t0;
}

static DWORD WINAPI name_worker(void *param)
{
    hlist *hl = param;
    HANDLE proc = NULL;
    DWORD proc_pid = (DWORD)-1;
    WCHAR *buf = malloc(PATH_CHARS * sizeof(WCHAR));
    for (size_t i = 0; buf && i < hl->n; i++) {
        InterlockedExchange(&hl->pos, (LONG)i);
        if (hl->pid[i] != proc_pid) {
            if (proc) CloseHandle(proc);
            proc_pid = hl->pid[i];
            proc = OpenProcess(PROCESS_DUP_HANDLE, FALSE, proc_pid);
        }
        HANDLE dup;
        if (!proc || !DuplicateHandle(proc, hl->value[i], GetCurrentProcess(), &dup, FILE_READ_ATTRIBUTES, FALSE, 0))
            continue;
        if (GetFileType(dup) == FILE_TYPE_DISK) {
            DWORD len = GetFinalPathNameByHandleW(dup, buf, PATH_CHARS, FILE_NAME_NORMALIZED | VOLUME_NAME_DOS);
            if (len && len < PATH_CHARS) {
                ULONGLONG index;            /* rmref reads the file's index alone */
                rmwin_file_index(dup, &index);
                hl->path[i] = _wcsdup(buf);
            }
        }
        CloseHandle(dup);
    }
    InterlockedExchange(&hl->pos, (LONG)hl->n);
    free(buf);
    if (proc) CloseHandle(proc);
    SetEvent(hl->done);
    return 0;
}

static double step_handle_names(hlist *hl, replay *r, WCHAR *scratch)
{
    double t0 = bench_now_ms();
    r->handles = hl->n;
    r->named = 0;
    if (hl->path && hl->n && (hl->done = CreateEventW(NULL, TRUE, FALSE, NULL))) {
        HANDLE th = CreateThread(NULL, 64 * 1024, name_worker, hl, STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
        size_t taken = 0;
        for (int finished = !th; !finished;) {
            /* rmref wakes when the worker is done, else every 20 ms to take what it finished */
            WaitForSingleObject(hl->done, 20);
            LONG pos = InterlockedCompareExchange(&hl->pos, 0, 0);
            for (; taken < (size_t)pos && taken < hl->n; taken++)
                if (hl->path[taken]) {
                    r->named++;
                    on_path(r, hl->pid[taken], hl->path[taken], scratch);
                    free(hl->path[taken]);
                    hl->path[taken] = NULL;
                }
            finished = (size_t)pos >= hl->n;
        }
        if (th) { WaitForSingleObject(th, INFINITE); CloseHandle(th); }
        CloseHandle(hl->done);
    }
    for (size_t i = 0; hl->path && i < hl->n; i++) free(hl->path[i]);
    free(hl->pid); free(hl->value); free(hl->path);
    return bench_now_ms() - t0;
}

typedef struct module_cookie { replay *r; WCHAR *scratch; } module_cookie;

static void on_module(void *cookie, DWORD pid, const WCHAR *path)
{
    module_cookie *c = cookie;
    on_path(c->r, pid, path, c->scratch);
}

static double step_images_modules(replay *r, WCHAR *scratch)
{
    double t0 = bench_now_ms();
    module_cookie cookie = { r, scratch };
    r->processes = 0;
    rmwin_process *procs;
    int np = rmwin_list_processes(&procs);
    for (int i = 0; i < np; i++) {
        DWORD pid = procs[i].pid;
        if (pid == 0 || pid == 4) continue;
        r->processes++;
        rmwin_process_modules(pid, on_module, &cookie);
    }
    if (np > 0) free(procs);
    return bench_now_ms() - t0;
}

static double step_scm_children(replay *r)
{
    double t0 = bench_now_ms();
    int children = 0;
    unsigned char *is_child = calloc(r->nfound ? r->nfound : 1, 1);
    if (!is_child) {
        children = (int)r->nfound;             /* cannot tell: rmref assumes they may */
    } else {
        rmwin_started_by_scm(r->found, r->nfound, is_child);
        for (size_t i = 0; i < r->nfound; i++) children += is_child[i];
        free(is_child);
    }
    r->scm_children = children;
    return bench_now_ms() - t0;
}

static double step_services(replay *r)
{
    double t0 = bench_now_ms();
    r->services = 0;
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_ENUMERATE_SERVICE);
    if (!scm) return bench_now_ms() - t0;
    DWORD size = 64 * 1024, needed = 0, count = 0, resume = 0;
    BYTE *buf = NULL;
    for (;;) {
        BYTE *nb = realloc(buf, size);
        if (!nb) break;
        buf = nb;
        BOOL ok = EnumServicesStatusExW(scm, SC_ENUM_PROCESS_INFO, SERVICE_WIN32, SERVICE_ACTIVE, buf, size, &needed,
                                        &count, &resume, NULL);
        if (!ok && GetLastError() != ERROR_MORE_DATA) break;
        r->services += count;
        if (ok) break;
        if (needed > size) size = needed + 1024;
    }
    free(buf);
    CloseServiceHandle(scm);
    return bench_now_ms() - t0;
}

/* The facts of one process as rmref's process_basic_facts gathers them; its image kept. */
static void basic_facts(DWORD pid, WCHAR *image)
{
    static is_critical_fn is_critical;
    if (!is_critical)
        is_critical = (is_critical_fn)(void *)GetProcAddress(GetModuleHandleW(L"kernel32.dll"), "IsProcessCritical");
    image[0] = 0;
    DWORD ts;
    ProcessIdToSessionId(pid, &ts);
    HANDLE h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE | PROCESS_TERMINATE | PROCESS_VM_READ,
                           FALSE, pid);
    HANDLE q = h;
    if (!h) {
        if (!(h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE, FALSE, pid))) return;
        HANDLE t = OpenProcess(PROCESS_TERMINATE, FALSE, pid);
        if (t) CloseHandle(t);
        q = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION | PROCESS_VM_READ, FALSE, pid);
    }
    if (WaitForSingleObject(h, 0) != WAIT_OBJECT_0) {
        FILETIME c, e, k, u;
        GetProcessTimes(h, &c, &e, &k, &u);
        DWORD len = PATH_CHARS;
        if (!QueryFullProcessImageNameW(h, 0, image, &len)) image[0] = 0;
        if (q) {
            BOOL critical = FALSE;
            if (is_critical) is_critical(q, &critical);
            WCHAR args[1024];
            DWORD cch = 1024, flags = 0;
            GetApplicationRestartSettings(q, args, &cch, &flags);
        }
    }
    if (q && q != h) CloseHandle(q);
    CloseHandle(h);
}

static double step_process_facts(replay *r, WCHAR **images)
{
    double t0 = bench_now_ms();
    for (size_t i = 0; i < r->nfound; i++) {
        basic_facts(r->found[i], images[i]);
        normalize(images[i]);
    }
    return bench_now_ms() - t0;
}

static void image_facts(const WCHAR *image)
{
    DWORD dummy = 0, size = GetFileVersionInfoSizeW(image, &dummy);
    void *data = size ? malloc(size) : NULL;
    if (data) {
        if (GetFileVersionInfoW(image, 0, size, data)) {
            struct { WORD lang, codepage; } *tr = NULL;
            UINT len = 0;
            WCHAR query[64], *text = NULL;
            if (VerQueryValueW(data, L"\\VarFileInfo\\Translation", (void **)&tr, &len) && len >= 4)
                _snwprintf(query, 64, L"\\StringFileInfo\\%04x%04x\\FileDescription", tr->lang, tr->codepage);
            else
                wcscpy(query, L"\\StringFileInfo\\040904b0\\FileDescription");
            VerQueryValueW(data, query, (void **)&text, &len);
        }
        free(data);
    }
    HANDLE f = CreateFileW(image, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, 0, NULL);
    if (f != INVALID_HANDLE_VALUE) {
        BYTE head[4096];
        DWORD got;
        ReadFile(f, head, sizeof head, &got, NULL);
        CloseHandle(f);
    }
}

/* Once per distinct image path (case-insensitive), as rmref's per-call image cache. */
static double step_image_facts(replay *r, WCHAR **images)
{
    double t0 = bench_now_ms();
    const WCHAR **seen = malloc((r->nfound ? r->nfound : 1) * sizeof *seen);
    size_t nseen = 0;
    for (size_t i = 0; seen && i < r->nfound; i++) {
        if (!images[i][0]) continue;
        size_t k = 0;
        while (k < nseen && _wcsicmp(seen[k], images[i])) k++;
        if (k < nseen) continue;
        seen[nseen++] = images[i];
        image_facts(images[i]);
    }
    r->images = nseen;
    free(seen);
    return bench_now_ms() - t0;
}

typedef struct wpass { const replay *r; unsigned *flags; size_t windows; } wpass;

static BOOL CALLBACK on_window(HWND hwnd, LPARAM lp)
{
    wpass *w = (wpass *)lp;
    w->windows++;
    DWORD pid = 0;
    GetWindowThreadProcessId(hwnd, &pid);
    size_t i = 0;
    while (i < w->r->nfound && w->r->found[i] != pid) i++;
    if (i == w->r->nfound) return TRUE;
    WCHAR cls[32];
    if (GetClassNameW(hwnd, cls, 32) && (!lstrcmpiW(cls, L"IME") || !lstrcmpiW(cls, L"MSCTFIME UI"))) return TRUE;
    LONG_PTR ex = GetWindowLongPtrW(hwnd, GWL_EXSTYLE);
    int taskbar = (ex & WS_EX_APPWINDOW) || (!GetWindow(hwnd, GW_OWNER) && !(ex & WS_EX_TOOLWINDOW));
    w->flags[i] |= IsWindowVisible(hwnd) && taskbar ? 1 : 2;
    return TRUE;
}

static double step_window_pass(replay *r)
{
    double t0 = bench_now_ms();
    unsigned *flags = calloc(r->nfound ? r->nfound : 1, sizeof *flags);
    wpass w = { r, flags, 0 };
    if (flags && r->nfound) EnumWindows(on_window, (LPARAM)&w);
    r->windows = w.windows;
    free(flags);
    return bench_now_ms() - t0;
}

/* ---- one point ---------------------------------------------------------------------------- */

void profile_point(const WCHAR *out, size_t reps, const WCHAR *session_key, const WCHAR *const *files, size_t m,
                   size_t rmref_found, size_t lockers)
{
    double *v[NSTEPS];
    size_t ran[NSTEPS] = {0};    /* repetitions in which the step ran */
    for (int s = 0; s < NSTEPS; s++) v[s] = calloc(reps ? reps : 1, sizeof(double));
    WCHAR **stored = calloc(m ? m : 1, sizeof *stored);
    unsigned char *kinds = calloc(m ? m : 1, 1);
    WCHAR *scratch = malloc(PATH_CHARS * sizeof(WCHAR));
    int ok = stored && kinds && scratch;
    replay r;
    memset(&r, 0, sizeof r);
    for (size_t rep = 0; ok && rep < reps; rep++) {
        path_set_free(&r.set);
        free(r.found);
        memset(&r, 0, sizeof r);
        r.scm_children = -1;
        hlist hl;
#define RUN(s, expr) do { v[s][ran[s]++] = (expr); } while (0)
        RUN(S_REGISTER, step_register_paths(files, m, stored, kinds, &r));
        for (size_t i = 0; i < m; i++) ok &= stored[i] != NULL;
        if (!ok) break;
        RUN(S_STORE, step_store_read(session_key, stored, m, &r));
        RUN(S_DIR, step_dir_recheck(stored, kinds, m, &r));
        RUN(S_SNAP, step_handle_snapshot(&hl));
        RUN(S_NAMES, step_handle_names(&hl, &r, scratch));
        RUN(S_MODS, step_images_modules(&r, scratch));
        /* no services are registered here, so the SCM is asked only for a found process
         * that services.exe started */
        if (r.nfound) RUN(S_SCMCH, step_scm_children(&r));
        if (r.scm_children > 0) { r.services_listed = 1; RUN(S_SVCS, step_services(&r)); }
        WCHAR **images = calloc(r.nfound ? r.nfound : 1, sizeof *images);
        int iok = images != NULL;
        for (size_t i = 0; iok && i < r.nfound; i++) iok = (images[i] = malloc(PATH_CHARS * sizeof(WCHAR))) != NULL;
        if (iok) {
            RUN(S_FACTS, step_process_facts(&r, images));
            RUN(S_IMAGES, step_image_facts(&r, images));
            RUN(S_WINDOWS, step_window_pass(&r));
        }
        for (size_t i = 0; images && i < r.nfound; i++) free(images[i]);
        free(images);
#undef RUN
    }
    jbuf b = {0};
    jb_str(&b, "kind", "profile");
    jb_num(&b, "lockers", (double)lockers);
    jb_num(&b, "files", (double)m);
    jb_num(&b, "found", (double)r.nfound);             /* by the replay */
    jb_num(&b, "rmref_found", (double)rmref_found);    /* by RmGetList at the same point */
    jb_num(&b, "file_handles", (double)r.handles);
    jb_num(&b, "handles_named", (double)r.named);
    jb_num(&b, "processes", (double)r.processes);
    jb_num(&b, "rechecked", (double)r.rechecked);
    jb_num(&b, "long_paths", (double)r.long_paths);
    jb_num(&b, "images", (double)r.images);
    jb_num(&b, "windows", (double)r.windows);
    jb_num(&b, "scm_children", (double)r.scm_children);
    jb_num(&b, "services_listed", (double)r.services_listed);
    jb_num(&b, "services", (double)r.services);
    jb_raw(&b, ", \"steps_ms\": {");
    for (int s = 0; s < NSTEPS; s++) {
        jbuf one = {0};
        jb_samples(&one, step_names[s], v[s], ran[s]);
        jb_printf(&b, "%s%s", s ? ", " : "", one.p);
        free(one.p);
        free(v[s]);
    }
    jb_raw(&b, "}");
    out_line(out, &b);
    path_set_free(&r.set);
    free(r.found);
    for (size_t i = 0; stored && i < m; i++) free(stored[i]);
    free(stored); free(kinds); free(scratch);
}

/* detect_win32.c — who uses what: system handle enumeration (NtQuerySystemInformation class 64,
 * falling back to 16) with DuplicateHandle + GetFinalPathNameByHandleW, process images and
 * loaded modules (module_walk.c), and the facts the core classifies a process with.
 *
 * Querying the name of some handles can block forever (a synchronous pipe another thread is
 * reading). Only File objects are looked at (type index learned from a handle we open
 * ourselves), only disk files (GetFileType), and the queries run on a worker thread: when it
 * makes no progress for RMWIN_STALL_MS it is abandoned (left blocked, never killed) and a new
 * worker carries on after the stuck handle.
 *
 * Naming another process's handle means duplicating it into ours for a moment, so another RM
 * (rmref in an installer next door) taking its snapshot then would see this process holding
 * that file. Our duplicates are made with FILE_READ_ATTRIBUTES access only, and handles that
 * grant no data, execute, write or delete access are not uses of a file: such a handle cannot
 * read, change, map or delete the file, and it takes no share access, so it cannot keep an
 * installer from replacing it. So a listing process is never taken for a user through its
 * duplicates, and a process that really uses the file is found even while it lists. */
#include "win32_internal.h"
#include "../core/core_internal.h"   /* rmref_wcsncpy0 */
#include "module_walk.h"
#include <stdlib.h>
#include <wchar.h>

#define RMWIN_STALL_MS 1500
#define RMWIN_POLL_MS  20
#define STATUS_INFO_LENGTH_MISMATCH_ ((LONG)0xC0000004)

typedef struct sys_handle_ex {
    void *object;
    ULONG_PTR pid;
    ULONG_PTR value;
    ULONG access;
    USHORT creator_back_trace_index;
    USHORT type_index;
    ULONG attributes;
    ULONG reserved;
} sys_handle_ex;
typedef struct sys_handles_ex { ULONG_PTR count; ULONG_PTR reserved; sys_handle_ex h[1]; } sys_handles_ex;

typedef struct sys_handle {
    USHORT pid;
    USHORT creator_back_trace_index;
    UCHAR type_index;
    UCHAR attributes;
    USHORT value;
    void *object;
    ULONG access;
} sys_handle;
typedef struct sys_handles { ULONG count; sys_handle h[1]; } sys_handles;

typedef LONG (WINAPI *nt_query_system_information_fn)(ULONG, void *, ULONG, ULONG *);

/* ---- the handle table ------------------------------------------------------------------- */

typedef struct hwork {
    volatile LONG refs;
    size_t n;
    DWORD *pids;
    HANDLE *values;
    WCHAR **paths;          /* output per entry; owned here until taken */
    rmref_file_id *ids;     /* output per entry: the file's index (index_only), when has_id */
    unsigned char *has_id;
} hwork;

typedef struct worker {
    volatile LONG refs;
    hwork *w;
    size_t from;
    volatile LONG pos;      /* entry being processed */
    volatile LONG stop;
    HANDLE done;            /* set when the worker has finished (or stopped) */
} worker;

static void hwork_release(hwork *w)
{
    if (InterlockedDecrement(&w->refs)) return;
    for (size_t i = 0; i < w->n; i++) free(w->paths[i]);
    free(w->pids); free(w->values); free(w->paths); free(w->ids); free(w->has_id); free(w);
}

static void worker_release(worker *k)
{
    if (InterlockedDecrement(&k->refs)) return;
    hwork_release(k->w);
    CloseHandle(k->done);
    free(k);
}

static DWORD WINAPI handle_worker(void *param)
{
    worker *k = param;
    hwork *w = k->w;
    HANDLE proc = NULL;
    DWORD proc_pid = (DWORD)-1;
    WCHAR *buf = malloc(RMREF_PATH_CHARS * sizeof(WCHAR));
    for (size_t i = k->from; buf && i < w->n && !k->stop; i++) {
        InterlockedExchange(&k->pos, (LONG)i);
        if (w->pids[i] != proc_pid) {
            if (proc) CloseHandle(proc);
            proc_pid = w->pids[i];
            proc = OpenProcess(PROCESS_DUP_HANDLE, FALSE, proc_pid);
        }
        /* attributes access only: enough to name it and read its index, and not a use */
        HANDLE dup;
        if (!proc || !DuplicateHandle(proc, w->values[i], GetCurrentProcess(), &dup, FILE_READ_ATTRIBUTES, FALSE, 0))
            continue;
        if (GetFileType(dup) == FILE_TYPE_DISK) {
            DWORD len = GetFinalPathNameByHandleW(dup, buf, RMREF_PATH_CHARS, FILE_NAME_NORMALIZED | VOLUME_NAME_DOS);
            if (len && len < RMREF_PATH_CHARS) {
                w->has_id[i] = rmwin_handle_index(dup, &w->ids[i]) == 0;
                w->paths[i] = _wcsdup(buf);
            }
        }
        CloseHandle(dup);
    }
    InterlockedExchange(&k->pos, (LONG)w->n);
    free(buf);
    if (proc) CloseHandle(proc);
    SetEvent(k->done);
    worker_release(k);
    return 0;
}

/* Access rights that make a handle a use of its file: reading, writing, executing or mapping
 * its data, changing its attributes or security, deleting it. Generic rights appear mapped in
 * a handle table, but are kept in case a table reports them unmapped. */
#define RMWIN_USE_RIGHTS (FILE_READ_DATA | FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_EXECUTE | \
                          FILE_WRITE_ATTRIBUTES | FILE_WRITE_EA | DELETE | WRITE_DAC | WRITE_OWNER | \
                          GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL)

/* Read the system handle table into w (pids, values), keeping File objects only when the
 * File type index can be learned, and only handles that are uses (RMWIN_USE_RIGHTS). With
 * only_pid, that process's handles only. */
static DWORD read_handle_table(hwork *w, DWORD only_pid)
{
    nt_query_system_information_fn query = (nt_query_system_information_fn)(void *)
        GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "NtQuerySystemInformation");
    if (!query) return ERROR_NOT_SUPPORTED;

    WCHAR self_path[MAX_PATH];
    GetModuleFileNameW(rmwin_module(), self_path, MAX_PATH);
    HANDLE probe = CreateFileW(self_path, FILE_READ_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                               NULL, OPEN_EXISTING, 0, NULL);
    DWORD self_pid = GetCurrentProcessId();
    ULONG size = 1 << 20, ret = 0;
    void *buf = NULL;
    LONG st = -1;
    int ex = 1;
    for (int tries = 0; tries < 8; tries++) {
        free(buf);
        if (!(buf = malloc(size))) break;
        st = query(ex ? 64 : 16, buf, size, &ret);
        if (st == STATUS_INFO_LENGTH_MISMATCH_) { size = (ret > size ? ret : size) * 2; continue; }
        if (st < 0 && ex) { ex = 0; size = 1 << 20; continue; }
        break;
    }
    DWORD err = 0;
    if (st < 0 || !buf) {
        err = ERROR_NOT_SUPPORTED;
    } else {
        size_t n = ex ? (size_t)((sys_handles_ex *)buf)->count : ((sys_handles *)buf)->count;
        int file_type = -1;
        for (size_t i = 0; i < n && probe != INVALID_HANDLE_VALUE; i++) {
            DWORD pid = ex ? (DWORD)((sys_handles_ex *)buf)->h[i].pid : ((sys_handles *)buf)->h[i].pid;
            ULONG_PTR value = ex ? ((sys_handles_ex *)buf)->h[i].value : ((sys_handles *)buf)->h[i].value;
            if (pid == self_pid && value == (ULONG_PTR)probe) {
                file_type = ex ? ((sys_handles_ex *)buf)->h[i].type_index : ((sys_handles *)buf)->h[i].type_index;
                break;
            }
        }
        w->pids = malloc((n ? n : 1) * sizeof *w->pids);
        w->values = malloc((n ? n : 1) * sizeof *w->values);
        if (!w->pids || !w->values) err = ERROR_OUTOFMEMORY;
        for (size_t i = 0; !err && i < n; i++) {
            DWORD pid = ex ? (DWORD)((sys_handles_ex *)buf)->h[i].pid : ((sys_handles *)buf)->h[i].pid;
            int type = ex ? ((sys_handles_ex *)buf)->h[i].type_index : ((sys_handles *)buf)->h[i].type_index;
            ULONG_PTR value = ex ? ((sys_handles_ex *)buf)->h[i].value : ((sys_handles *)buf)->h[i].value;
            ULONG access = ex ? ((sys_handles_ex *)buf)->h[i].access : ((sys_handles *)buf)->h[i].access;
            if (pid == 0 || pid == 4 || (file_type >= 0 && type != file_type)) continue;
            if (only_pid && pid != only_pid) continue;
            if (pid == self_pid && value == (ULONG_PTR)probe) continue;
            if (!(access & RMWIN_USE_RIGHTS)) continue;       /* not a use (our duplicates too) */
            w->pids[w->n] = pid;
            w->values[w->n] = (HANDLE)value;
            w->n++;
        }
        if (!err && (!(w->paths = calloc(w->n ? w->n : 1, sizeof *w->paths)) ||
                     !(w->ids = calloc(w->n ? w->n : 1, sizeof *w->ids)) ||
                     !(w->has_id = calloc(w->n ? w->n : 1, 1))))
            err = ERROR_OUTOFMEMORY;
    }
    free(buf);
    if (probe != INVALID_HANDLE_VALUE) CloseHandle(probe);
    return err;
}

static worker *start_worker(hwork *w, size_t from)
{
    worker *k = calloc(1, sizeof *k);
    if (!k) return NULL;
    k->refs = 2;                          /* this thread and the worker */
    k->w = w;
    k->from = from;
    k->pos = (LONG)from;
    if (!(k->done = CreateEventW(NULL, TRUE, FALSE, NULL))) { free(k); return NULL; }
    InterlockedIncrement(&w->refs);
    HANDLE t = CreateThread(NULL, 64 * 1024, handle_worker, k, STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
    if (!t) { InterlockedDecrement(&w->refs); CloseHandle(k->done); free(k); return NULL; }
    CloseHandle(t);
    return k;
}

static DWORD enum_open_handles(rmref_file_user_fn fn, void *cookie, DWORD only_pid)
{
    hwork *w = calloc(1, sizeof *w);
    if (!w) return ERROR_OUTOFMEMORY;
    w->refs = 1;
    DWORD err = read_handle_table(w, only_pid);
    size_t from = 0, taken = 0;
    while (!err && from < w->n) {
        worker *k = start_worker(w, from);
        if (!k) { err = ERROR_OUTOFMEMORY; break; }
        LONG last = -1;
        ULONGLONG since = GetTickCount64();
        for (;;) {
            /* woken at once when the worker is done; otherwise every RMWIN_POLL_MS to hand
             * over what it finished, poll for cancellation and watch for a stall */
            WaitForSingleObject(k->done, RMWIN_POLL_MS);
            LONG pos = InterlockedCompareExchange(&k->pos, 0, 0);
            /* hand over what the worker finished (entries before pos) */
            for (; taken < (size_t)pos && taken < w->n; taken++)
                if (w->paths[taken]) {
                    fn(cookie, w->pids[taken], w->paths[taken], w->has_id[taken] ? &w->ids[taken] : NULL);
                    free(w->paths[taken]);
                    w->paths[taken] = NULL;
                }
            if ((size_t)pos >= w->n) { from = w->n; break; }
            if (fn(cookie, 0, NULL, NULL)) { k->stop = 1; err = ERROR_CANCELLED; break; }
            if (pos != last) { last = pos; since = GetTickCount64(); }
            else if (GetTickCount64() - since > RMWIN_STALL_MS) {
                k->stop = 1;                   /* abandoned: skip the stuck handle */
                from = (size_t)pos + 1;
                taken = from;
                break;
            }
        }
        worker_release(k);
    }
    hwork_release(w);
    return err;
}

/* ---- images and modules ----------------------------------------------------------------- */

typedef struct module_report { rmref_file_user_fn fn; void *cookie; } module_report;

static void report_module(void *cookie, DWORD pid, const WCHAR *path)
{
    module_report *r = cookie;
    r->fn(r->cookie, pid, path, NULL);
}

static DWORD enum_images_and_modules(rmref_file_user_fn fn, void *cookie)
{
    rmwin_process *procs;
    int n = rmwin_list_processes(&procs);
    if (n < 0) return 0;
    module_report r = { fn, cookie };
    DWORD err = 0;
    for (int i = 0; i < n; i++) {
        DWORD pid = procs[i].pid;
        if (pid == 0 || pid == 4) continue;
        if (fn(cookie, 0, NULL, NULL)) { err = ERROR_CANCELLED; break; }
        rmwin_process_modules(pid, report_module, &r);
    }
    free(procs);
    return err;
}

DWORD rmwin_enum_file_users(void *ctx, rmref_file_user_fn fn, void *cookie)
{
    DWORD err = enum_open_handles(fn, cookie, 0);
    if (err == ERROR_CANCELLED) return err;
    /* no handle enumeration (ERROR_NOT_SUPPORTED): images and modules still count */
    return enum_images_and_modules(fn, cookie);
}

/* With the kernel's per-file lists (which leave the caller out: see fileid_win32.c): images
 * and modules of every process, and the caller's own open handles. */
DWORD rmwin_enum_module_users(void *ctx, rmref_file_user_fn fn, void *cookie)
{
    DWORD err = enum_open_handles(fn, cookie, GetCurrentProcessId());
    if (err == ERROR_CANCELLED) return err;
    return enum_images_and_modules(fn, cookie);
}

/* ---- processes -------------------------------------------------------------------------- */

HANDLE rmwin_open_unique(const RM_UNIQUE_PROCESS *p, DWORD access)
{
    HANDLE h = OpenProcess(access | PROCESS_QUERY_LIMITED_INFORMATION, FALSE, p->dwProcessId);
    if (!h) return NULL;
    FILETIME create, exit_, kernel, user;
    if (!GetProcessTimes(h, &create, &exit_, &kernel, &user) ||
        create.dwLowDateTime != p->ProcessStartTime.dwLowDateTime ||
        create.dwHighDateTime != p->ProcessStartTime.dwHighDateTime) {
        CloseHandle(h);
        return NULL;
    }
    return h;
}

/* Alive with exactly that start time. A process we may not open (elevated, another user)
 * cannot be proven dead, so it counts as alive: a non-elevated secondary must never reclaim
 * an elevated primary's session. Only PROCESS_QUERY_LIMITED_INFORMATION is asked for, which
 * crosses integrity levels. */
int rmwin_process_alive(void *ctx, const RM_UNIQUE_PROCESS *p)
{
    HANDLE h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, p->dwProcessId);
    if (!h) return GetLastError() == ERROR_ACCESS_DENIED;
    FILETIME create, exit_, kernel, user;
    DWORD code = 0;
    int alive = GetProcessTimes(h, &create, &exit_, &kernel, &user) &&
                create.dwLowDateTime == p->ProcessStartTime.dwLowDateTime &&
                create.dwHighDateTime == p->ProcessStartTime.dwHighDateTime &&
                GetExitCodeProcess(h, &code) && code == STILL_ACTIVE;
    CloseHandle(h);
    return alive;
}

static void read_description(const WCHAR *image, WCHAR *out, size_t cch)
{
    DWORD dummy = 0, size = GetFileVersionInfoSizeW(image, &dummy);
    if (!size) return;
    void *data = malloc(size);
    if (!data) return;
    if (GetFileVersionInfoW(image, 0, size, data)) {
        struct { WORD lang, codepage; } *tr = NULL;
        UINT len = 0;
        WCHAR query[64], *text = NULL;
        if (VerQueryValueW(data, L"\\VarFileInfo\\Translation", (void **)&tr, &len) && len >= 4)
            swprintf(query, 64, L"\\StringFileInfo\\%04x%04x\\FileDescription", tr->lang, tr->codepage);
        else
            wcscpy(query, L"\\StringFileInfo\\040904b0\\FileDescription");
        if (VerQueryValueW(data, query, (void **)&text, &len) && len > 1 && text)
            rmref_wcsncpy0(out, text, cch);
    }
    free(data);
}

/* IMAGE_SUBSYSTEM_* of an executable, from its PE header (0 when unreadable). */
static WORD read_subsystem(const WCHAR *image)
{
    HANDLE f = CreateFileW(image, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, 0, NULL);
    if (f == INVALID_HANDLE_VALUE) return 0;
    BYTE head[4096];
    DWORD got = 0;
    WORD sub = 0;
    if (ReadFile(f, head, sizeof head, &got, NULL) && got >= sizeof(IMAGE_DOS_HEADER)) {
        const IMAGE_DOS_HEADER *dos = (const IMAGE_DOS_HEADER *)head;
        DWORD off = (DWORD)dos->e_lfanew;
        /* Subsystem sits at the same offset (68) in PE32 and PE32+ optional headers */
        DWORD at = off + 4 + sizeof(IMAGE_FILE_HEADER) + 68;
        if (dos->e_magic == IMAGE_DOS_SIGNATURE && off < got - 4 && at + 2 <= got &&
            *(const DWORD *)(head + off) == IMAGE_NT_SIGNATURE)
            sub = *(const WORD *)(head + at);
    }
    CloseHandle(f);
    return sub;
}

typedef struct window_scan { const DWORD *pids; size_t n; unsigned *flags; } window_scan;

static BOOL CALLBACK on_window(HWND hwnd, LPARAM lp)
{
    window_scan *s = (window_scan *)lp;
    const rmwin_user32 *u = rmwin_user32_api();
    DWORD pid = 0;
    u->get_window_thread_process_id(hwnd, &pid);
    size_t i = 0;
    while (i < s->n && s->pids[i] != pid) i++;
    if (i == s->n || rmwin_is_system_window(hwnd)) return TRUE;
    /* a "main" window is one the taskbar would show: visible, and unowned and not a tool
     * window unless it asks for a taskbar button (WS_EX_APPWINDOW) */
    LONG_PTR ex = u->get_window_long_ptr(hwnd, GWL_EXSTYLE);
    int taskbar = (ex & WS_EX_APPWINDOW) || (!u->get_window(hwnd, GW_OWNER) && !(ex & WS_EX_TOOLWINDOW));
    if (u->is_window_visible(hwnd) && taskbar) s->flags[i] |= RMREF_PF_MAIN_WINDOW;
    else s->flags[i] |= RMREF_PF_OTHER_WINDOW;
    return TRUE;
}

/* One pass over the top-level windows for all the processes at once. */
void rmwin_window_flags(void *ctx, const DWORD *pids, size_t n, unsigned *flags)
{
    for (size_t i = 0; i < n; i++) flags[i] = 0;
    window_scan ws = { pids, n, flags };
    if (n && rmwin_user32_api()) rmwin_user32_api()->enum_windows(on_window, (LPARAM)&ws);
}

void rmwin_image_facts(void *ctx, const WCHAR *image, WCHAR *description, size_t cch, int *console)
{
    read_description(image, description, cch);
    *console = read_subsystem(image) == IMAGE_SUBSYSTEM_WINDOWS_CUI;
}

typedef BOOL (WINAPI *is_process_critical_fn)(HANDLE, BOOL *);

DWORD rmwin_process_basic_facts(void *ctx, DWORD pid, rmref_proc_facts *out)
{
    memset(out, 0, sizeof *out);
    out->ts_session = (DWORD)RM_INVALID_TS_SESSION;
    if (!ProcessIdToSessionId(pid, &out->ts_session)) out->ts_session = (DWORD)RM_INVALID_TS_SESSION;
    /* one open with everything asked (the usual case: our own user's process); separate
     * opens only when that is refused, to learn which right is missing */
    HANDLE h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE | PROCESS_TERMINATE | PROCESS_VM_READ,
                           FALSE, pid);
    HANDLE q = h;
    if (!h) {
        h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE, FALSE, pid);
        if (!h) {
            if (GetLastError() != ERROR_ACCESS_DENIED) return ERROR_NOT_FOUND;
            out->flags |= RMREF_PF_OPEN_DENIED;
            return 0;
        }
        HANDLE t = OpenProcess(PROCESS_TERMINATE, FALSE, pid);
        if (t) CloseHandle(t);
        else out->flags |= RMREF_PF_OPEN_DENIED;
        q = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION | PROCESS_VM_READ, FALSE, pid);
    }
    if (WaitForSingleObject(h, 0) == WAIT_OBJECT_0) {
        if (q && q != h) CloseHandle(q);
        CloseHandle(h);
        return ERROR_NOT_FOUND;
    }
    FILETIME exit_, kernel, user;
    GetProcessTimes(h, &out->start, &exit_, &kernel, &user);
    out->flags |= rmwin_token_flags(h);
    DWORD len = RMREF_PATH_CHARS;
    if (!QueryFullProcessImageNameW(h, 0, out->image, &len)) out->image[0] = 0;

    static is_process_critical_fn is_critical;
    static volatile LONG looked_up;
    if (!looked_up) {
        is_critical = (is_process_critical_fn)(void *)GetProcAddress(GetModuleHandleW(L"kernel32.dll"), "IsProcessCritical");
        InterlockedExchange(&looked_up, 1);
    }
    if (q) {
        BOOL critical = FALSE;
        if (is_critical && is_critical(q, &critical) && critical) out->flags |= RMREF_PF_CRITICAL;
        DWORD cch = RMREF_CMDLINE_CHARS, flags = 0;
        /* Wine answers E_NOTIMPL: treated as "not registered" */
        if (GetApplicationRestartSettings(q, out->restart_args, &cch, &flags) == S_OK) {
            out->flags |= RMREF_PF_RESTART_REG;
            out->restart_flags = flags;
        } else {
            out->restart_args[0] = 0;
        }
        if (q != h) CloseHandle(q);
    }
    CloseHandle(h);
    return 0;
}

/* Everything about one process (RmShutdown and RmRestart ask for single processes). */
DWORD rmwin_process_facts(void *ctx, DWORD pid, rmref_proc_facts *out)
{
    DWORD err = rmwin_process_basic_facts(ctx, pid, out);
    if (err || (out->flags & RMREF_PF_OPEN_DENIED && !out->image[0])) return err;
    if (out->image[0]) {
        int console = 0;
        rmwin_image_facts(ctx, out->image, out->description, CCH_RM_MAX_APP_NAME + 1, &console);
        if (console) out->flags |= RMREF_PF_CONSOLE;
    }
    unsigned w = 0;
    rmwin_window_flags(ctx, &pid, 1, &w);
    out->flags |= w & RMREF_PF_MAIN_WINDOW ? RMREF_PF_MAIN_WINDOW : w;
    return 0;
}

/* Which processes did the service control manager start (parent services.exe)? Only those
 * can host a service, so RmGetList asks the SCM for its list only when one of them is found.
 * One process list (module_walk.c). */
void rmwin_scm_children(void *ctx, const DWORD *pids, size_t n, unsigned char *is_child)
{
    rmwin_started_by_scm(pids, n, is_child);
}

/* ---- services --------------------------------------------------------------------------- */

DWORD rmwin_enum_services(void *ctx, rmref_service_fn fn, void *cookie)
{
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_ENUMERATE_SERVICE);
    if (!scm) return GetLastError();
    DWORD size = 64 * 1024, needed = 0, count = 0, resume = 0, err = 0;
    BYTE *buf = NULL;
    for (;;) {
        BYTE *nb = realloc(buf, size);
        if (!nb) { err = ERROR_OUTOFMEMORY; break; }
        buf = nb;
        BOOL ok = EnumServicesStatusExW(scm, SC_ENUM_PROCESS_INFO, SERVICE_WIN32, SERVICE_ACTIVE, buf, size,
                                        &needed, &count, &resume, NULL);
        DWORD e = ok ? 0 : GetLastError();
        if (!ok && e != ERROR_MORE_DATA) { err = e; break; }
        ENUM_SERVICE_STATUS_PROCESSW *s = (ENUM_SERVICE_STATUS_PROCESSW *)buf;
        int stop = 0;
        for (DWORD i = 0; i < count && !stop; i++) {
            rmref_service_facts f;
            memset(&f, 0, sizeof f);
            rmref_wcsncpy0(f.name, s[i].lpServiceName, RMREF_SVC_CHARS);
            rmref_wcsncpy0(f.display, s[i].lpDisplayName, RMREF_SVC_CHARS);
            f.pid = s[i].ServiceStatusProcess.dwProcessId;
            f.state = s[i].ServiceStatusProcess.dwCurrentState;
            f.type = s[i].ServiceStatusProcess.dwServiceType;
            stop = fn(cookie, &f);
        }
        if (ok || stop) break;
        if (needed > size) size = needed + 1024;
    }
    free(buf);
    CloseServiceHandle(scm);
    return err;
}

/* Dependents computed from service configurations: used when EnumDependentServices reports
 * none (Wine's returns nothing). Depth first, so a dependent's own dependents come before it
 * (the stop order). Group dependencies ("+group") are not followed. */
typedef struct svc_graph {
    ENUM_SERVICE_STATUS_PROCESSW *svcs;
    DWORD n;
    WCHAR **deps;           /* per service: its REG_MULTI_SZ dependencies, or NULL */
    char *done;
} svc_graph;

static int depends_on(const WCHAR *list, const WCHAR *name)
{
    for (const WCHAR *d = list; d && *d; d += wcslen(d) + 1)
        if (!_wcsicmp(d, name)) return 1;
    return 0;
}

static int visit_dependents(svc_graph *g, const WCHAR *name, rmref_service_fn fn, void *cookie, int depth)
{
    if (depth > 32) return 0;                   /* a dependency cycle: stop */
    for (DWORD i = 0; i < g->n; i++) {
        if (g->done[i] || !depends_on(g->deps[i], name)) continue;
        g->done[i] = 1;
        if (visit_dependents(g, g->svcs[i].lpServiceName, fn, cookie, depth + 1)) return 1;
        rmref_service_facts f;
        memset(&f, 0, sizeof f);
        rmref_wcsncpy0(f.name, g->svcs[i].lpServiceName, RMREF_SVC_CHARS);
        rmref_wcsncpy0(f.display, g->svcs[i].lpDisplayName, RMREF_SVC_CHARS);
        f.pid = g->svcs[i].ServiceStatusProcess.dwProcessId;
        f.state = g->svcs[i].ServiceStatusProcess.dwCurrentState;
        f.type = g->svcs[i].ServiceStatusProcess.dwServiceType;
        if (fn(cookie, &f)) return 1;
    }
    return 0;
}

/* The SCM database's DependOnService value (Wine's QueryServiceConfigW leaves
 * lpDependencies empty although the value is there). */
static WCHAR *depend_on_service_value(const WCHAR *name)
{
    WCHAR key[300];
    swprintf(key, 300, L"SYSTEM\\CurrentControlSet\\Services\\%ls", name);
    DWORD size = 0;
    if (RegGetValueW(HKEY_LOCAL_MACHINE, key, L"DependOnService", RRF_RT_REG_MULTI_SZ, NULL, NULL, &size) || size < 4)
        return NULL;
    WCHAR *v = calloc(size + 4, 1);
    if (v && RegGetValueW(HKEY_LOCAL_MACHINE, key, L"DependOnService", RRF_RT_REG_MULTI_SZ, NULL, v, &size)) {
        free(v);
        v = NULL;
    }
    return v;
}

static DWORD dependents_from_configs(SC_HANDLE scm, const WCHAR *name, rmref_service_fn fn, void *cookie)
{
    DWORD size = 0, count = 0, resume = 0;
    EnumServicesStatusExW(scm, SC_ENUM_PROCESS_INFO, SERVICE_WIN32, SERVICE_ACTIVE, NULL, 0, &size, &count, &resume, NULL);
    if (GetLastError() != ERROR_MORE_DATA) return 0;
    svc_graph g = { 0 };
    BYTE *buf = malloc(size + 4096);
    resume = 0;
    if (!buf || !EnumServicesStatusExW(scm, SC_ENUM_PROCESS_INFO, SERVICE_WIN32, SERVICE_ACTIVE, buf, size + 4096,
                                       &size, &count, &resume, NULL)) {
        free(buf);
        return 0;
    }
    g.svcs = (ENUM_SERVICE_STATUS_PROCESSW *)buf;
    g.n = count;
    g.deps = calloc(count ? count : 1, sizeof *g.deps);
    g.done = calloc(count ? count : 1, 1);
    for (DWORD i = 0; g.deps && g.done && i < count; i++) {
        SC_HANDLE s = OpenServiceW(scm, g.svcs[i].lpServiceName, SERVICE_QUERY_CONFIG);
        DWORD need = 0;
        if (!s) continue;
        QueryServiceConfigW(s, NULL, 0, &need);
        QUERY_SERVICE_CONFIGW *cfg = need ? malloc(need) : NULL;
        if (cfg && QueryServiceConfigW(s, cfg, need, &need) && cfg->lpDependencies && cfg->lpDependencies[0]) {
            size_t len = 0;
            while (cfg->lpDependencies[len] || cfg->lpDependencies[len + 1]) len++;
            if ((g.deps[i] = malloc((len + 2) * sizeof(WCHAR))))
                memcpy(g.deps[i], cfg->lpDependencies, (len + 2) * sizeof(WCHAR));
        }
        free(cfg);
        CloseServiceHandle(s);
        if (!g.deps[i]) g.deps[i] = depend_on_service_value(g.svcs[i].lpServiceName);
    }
    if (g.deps && g.done) visit_dependents(&g, name, fn, cookie, 0);
    for (DWORD i = 0; g.deps && i < count; i++) free(g.deps[i]);
    free(g.deps);
    free(g.done);
    free(buf);
    return 0;
}

DWORD rmwin_service_dependents(void *ctx, const WCHAR *name, rmref_service_fn fn, void *cookie)
{
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT | SC_MANAGER_ENUMERATE_SERVICE);
    if (!scm) return GetLastError();
    SC_HANDLE svc = OpenServiceW(scm, name, SERVICE_ENUMERATE_DEPENDENTS);
    DWORD err = 0;
    if (!svc) err = GetLastError();
    DWORD size = 0, count = 0;
    BYTE *buf = NULL;
    if (!err && !EnumDependentServicesW(svc, SERVICE_ACTIVE, NULL, 0, &size, &count)) {
        err = GetLastError();
        if (err == ERROR_MORE_DATA && (buf = malloc(size))) {
            err = EnumDependentServicesW(svc, SERVICE_ACTIVE, (ENUM_SERVICE_STATUSW *)buf, size, &size, &count)
                      ? 0 : GetLastError();
        }
    }
    if (!err && !count) err = dependents_from_configs(scm, name, fn, cookie);
    for (DWORD i = 0; !err && buf && i < count; i++) {
        ENUM_SERVICE_STATUSW *s = &((ENUM_SERVICE_STATUSW *)buf)[i];
        rmref_service_facts f;
        memset(&f, 0, sizeof f);
        rmref_wcsncpy0(f.name, s->lpServiceName, RMREF_SVC_CHARS);
        rmref_wcsncpy0(f.display, s->lpDisplayName, RMREF_SVC_CHARS);
        f.state = s->ServiceStatus.dwCurrentState;
        f.type = s->ServiceStatus.dwServiceType;
        SC_HANDLE d = OpenServiceW(scm, s->lpServiceName, SERVICE_QUERY_STATUS);
        if (d) {
            SERVICE_STATUS_PROCESS ssp;
            DWORD got;
            if (QueryServiceStatusEx(d, SC_STATUS_PROCESS_INFO, (BYTE *)&ssp, sizeof ssp, &got)) f.pid = ssp.dwProcessId;
            CloseServiceHandle(d);
        }
        if (fn(cookie, &f)) break;
    }
    free(buf);
    if (svc) CloseServiceHandle(svc);
    CloseServiceHandle(scm);
    return err;
}

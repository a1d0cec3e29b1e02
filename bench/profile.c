/* profile.c — where an RmGetList's time goes, measured from outside: each step a detector
 * like rmref does beyond the floor is replayed here with the same Win32 calls (written for the
 * bench; rmref's sources are only read, never linked or changed) and timed on its own, at the
 * same point of the grid. The steps add up to roughly what RmGetList costs, so the one that
 * dominates is where the time goes.
 *
 *   store_read      read the session's values from the per-user store (rmref: a volatile key
 *                   HKCU\Software\rmconform\rmref\Sessions\<session key>, one value per batch)
 *   is_directory    GetFileAttributesW on every registered file (a registered directory is an
 *                   error, so each is looked at)
 *   handles_all     name resolution of the File handles of every process, not only the
 *                   lockers' (a detector cannot know who the lockers are), with GetFileType
 *   worker_poll     a worker thread for the queries and a 5 ms polling wait for it
 *   images_modules  image name and module scan of every process
 *   process_facts   for each process found: times, image, session, restart registration,
 *                   version resource, PE subsystem and a window scan (the classification)
 *   services        the SCM's list of running services with their process ids
 * and, not part of RmGetList but of RmRegisterResources:
 *   register_paths  GetFullPathNameW + GetLongPathNameW of every file */
#include "bench.h"
#include "profile.h"
#include <tlhelp32.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define STATUS_INFO_LENGTH_MISMATCH_ ((LONG)0xC0000004)

typedef struct hentry {
    void *object; ULONG_PTR pid; ULONG_PTR value; ULONG access;
    USHORT creator_back_trace_index; USHORT type_index; ULONG attributes; ULONG reserved;
} hentry;
typedef struct htable { ULONG_PTR count; ULONG_PTR reserved; hentry e[1]; } htable;
typedef LONG (WINAPI *nt_query_fn)(ULONG, void *, ULONG, ULONG *);

static double step_store_read(const WCHAR *session_key)
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
    return bench_now_ms() - t0;
}

/* What RmRegisterResources does per file before storing it: the full path, then the long
 * form of it (so 8.3 names compare equal to what handle queries report). */
static double step_register_paths(const WCHAR *const *files, size_t m)
{
    double t0 = bench_now_ms();
    WCHAR full[MAX_PATH], lng[MAX_PATH];
    for (size_t i = 0; i < m; i++)
        if (GetFullPathNameW(files[i], MAX_PATH, full, NULL)) GetLongPathNameW(full, lng, MAX_PATH);
    return bench_now_ms() - t0;
}

static double step_is_directory(const WCHAR *const *files, size_t m)
{
    double t0 = bench_now_ms();
    size_t dirs = 0;
    for (size_t i = 0; i < m; i++) {
        DWORD a = GetFileAttributesW(files[i]);
        if (a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_DIRECTORY)) dirs++;
    }
    (void)dirs;
    return bench_now_ms() - t0;
}

static double step_handles_all(int file_type, size_t *resolved)
{
    double t0 = bench_now_ms();
    nt_query_fn query = (nt_query_fn)(void *)GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "NtQuerySystemInformation");
    ULONG size = 1 << 20, ret = 0;
    htable *t = NULL;
    LONG st = -1;
    for (int tries = 0; tries < 8; tries++) {
        free(t);
        if (!(t = malloc(size))) return -1;
        st = query(64, t, size, &ret);
        if (st != STATUS_INFO_LENGTH_MISMATCH_) break;
        size = ret + 65536 > size * 2 ? ret + 65536 : size * 2;
    }
    WCHAR *name = malloc(32768 * sizeof(WCHAR));
    HANDLE proc = NULL;
    DWORD proc_pid = (DWORD)-1, self = GetCurrentProcessId();
    *resolved = 0;
    for (ULONG_PTR i = 0; st >= 0 && name && i < t->count; i++) {
        const hentry *e = &t->e[i];
        DWORD pid = (DWORD)e->pid;
        if (e->type_index != file_type || pid == 0 || pid == 4 || pid == self) continue;
        if (pid != proc_pid) {
            if (proc) CloseHandle(proc);
            proc = OpenProcess(PROCESS_DUP_HANDLE, FALSE, pid);
            proc_pid = pid;
        }
        HANDLE dup;
        if (!proc || !DuplicateHandle(proc, (HANDLE)e->value, GetCurrentProcess(), &dup, 0, FALSE, DUPLICATE_SAME_ACCESS))
            continue;
        if (GetFileType(dup) == FILE_TYPE_DISK &&
            GetFinalPathNameByHandleW(dup, name, 32768, FILE_NAME_NORMALIZED | VOLUME_NAME_DOS))
            (*resolved)++;
        CloseHandle(dup);
    }
    if (proc) CloseHandle(proc);
    free(name);
    free(t);
    return bench_now_ms() - t0;
}

static DWORD WINAPI idle_worker(void *p) { return 0; }

static double step_worker_poll(void)
{
    double t0 = bench_now_ms();
    HANDLE th = CreateThread(NULL, 64 * 1024, idle_worker, NULL, STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
    Sleep(5);
    if (th) { WaitForSingleObject(th, INFINITE); CloseHandle(th); }
    return bench_now_ms() - t0;
}

static double step_images_modules(size_t *processes)
{
    double t0 = bench_now_ms();
    WCHAR image[MAX_PATH];
    *processes = 0;
    HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    PROCESSENTRY32W pe = { sizeof pe };
    for (BOOL ok = snap != INVALID_HANDLE_VALUE && Process32FirstW(snap, &pe); ok; ok = Process32NextW(snap, &pe)) {
        if (pe.th32ProcessID == 0 || pe.th32ProcessID == 4) continue;
        (*processes)++;
        HANDLE h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pe.th32ProcessID);
        if (h) {
            DWORD len = MAX_PATH;
            QueryFullProcessImageNameW(h, 0, image, &len);
            CloseHandle(h);
        }
        HANDLE mods = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE | TH32CS_SNAPMODULE32, pe.th32ProcessID);
        if (mods == INVALID_HANDLE_VALUE) continue;
        MODULEENTRY32W me = { sizeof me };
        for (BOOL mo = Module32FirstW(mods, &me); mo; mo = Module32NextW(mods, &me)) {}
        CloseHandle(mods);
    }
    if (snap != INVALID_HANDLE_VALUE) CloseHandle(snap);
    return bench_now_ms() - t0;
}

typedef struct wscan { DWORD pid; int n; } wscan;

static BOOL CALLBACK count_window(HWND hwnd, LPARAM lp)
{
    wscan *s = (wscan *)lp;
    DWORD pid = 0;
    GetWindowThreadProcessId(hwnd, &pid);
    if (pid == s->pid) s->n += IsWindowVisible(hwnd) ? 2 : 1;
    return TRUE;
}

static void one_process_facts(DWORD pid)
{
    DWORD ts;
    ProcessIdToSessionId(pid, &ts);
    HANDLE h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE, FALSE, pid);
    if (!h) return;
    WaitForSingleObject(h, 0);
    FILETIME c, e, k, u;
    GetProcessTimes(h, &c, &e, &k, &u);
    WCHAR image[MAX_PATH];
    DWORD len = MAX_PATH;
    if (!QueryFullProcessImageNameW(h, 0, image, &len)) image[0] = 0;
    CloseHandle(h);
    HANDLE t = OpenProcess(PROCESS_TERMINATE, FALSE, pid);
    if (t) CloseHandle(t);
    HANDLE q = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION | PROCESS_VM_READ, FALSE, pid);
    if (q) {
        WCHAR args[1024];
        DWORD cch = 1024, flags = 0;
        GetApplicationRestartSettings(q, args, &cch, &flags);
        CloseHandle(q);
    }
    if (image[0]) {
        DWORD dummy, size = GetFileVersionInfoSizeW(image, &dummy);
        void *data = size ? malloc(size) : NULL;
        if (data) {
            void *p;
            UINT n;
            if (GetFileVersionInfoW(image, 0, size, data))
                VerQueryValueW(data, L"\\VarFileInfo\\Translation", &p, &n);
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
    wscan ws = { pid, 0 };
    EnumWindows(count_window, (LPARAM)&ws);
}

static double step_process_facts(const DWORD *pids, size_t n)
{
    double t0 = bench_now_ms();
    for (size_t i = 0; i < n; i++) one_process_facts(pids[i]);
    return bench_now_ms() - t0;
}

static double step_services(size_t *count_out)
{
    double t0 = bench_now_ms();
    *count_out = 0;
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_ENUMERATE_SERVICE);
    if (!scm) return -1;
    DWORD size = 64 * 1024, needed = 0, count = 0, resume = 0;
    BYTE *buf = malloc(size);
    if (buf && EnumServicesStatusExW(scm, SC_ENUM_PROCESS_INFO, SERVICE_WIN32, SERVICE_ACTIVE, buf, size, &needed,
                                     &count, &resume, NULL))
        *count_out = count;
    free(buf);
    CloseServiceHandle(scm);
    return bench_now_ms() - t0;
}

void profile_point(const WCHAR *out, size_t reps, int file_type, const WCHAR *session_key,
                   const WCHAR *const *files, size_t m, const DWORD *found_pids, size_t nfound, size_t lockers)
{
    static const char *names[] = { "store_read", "is_directory", "handles_all", "worker_poll", "images_modules",
                                   "process_facts", "services", "register_paths" };
    enum { NSTEPS = sizeof names / sizeof names[0] };
    double *v[NSTEPS];
    for (int s = 0; s < NSTEPS; s++) v[s] = calloc(reps, sizeof(double));
    size_t resolved = 0, processes = 0, services = 0;
    for (size_t r = 0; r < reps; r++) {
        v[0][r] = step_store_read(session_key);
        v[1][r] = step_is_directory(files, m);
        v[2][r] = step_handles_all(file_type, &resolved);
        v[3][r] = step_worker_poll();
        v[4][r] = step_images_modules(&processes);
        v[5][r] = step_process_facts(found_pids, nfound);
        v[6][r] = step_services(&services);
        v[7][r] = step_register_paths(files, m);
    }
    jbuf b = {0};
    jb_str(&b, "kind", "profile");
    jb_num(&b, "lockers", (double)lockers);
    jb_num(&b, "files", (double)m);
    jb_num(&b, "found", (double)nfound);
    jb_num(&b, "handles_resolved", (double)resolved);
    jb_num(&b, "processes", (double)processes);
    jb_num(&b, "services", (double)services);
    jb_raw(&b, ", \"steps_ms\": {");
    for (int s = 0; s < NSTEPS; s++) {
        jbuf one = {0};
        jb_samples(&one, names[s], v[s], reps);
        jb_printf(&b, "%s%s", s ? ", " : "", one.p);
        free(one.p);
        free(v[s]);
    }
    jb_raw(&b, "}");
    out_line(out, &b);
}

/* module_walk.c — every process and its loaded modules, with as few calls into the system as
 * the answer allows.
 *
 * Why not Toolhelp: under Wine a module snapshot costs five round trips to the server per
 * module (three ReadProcessMemory calls to copy the loader entry and both of its names, and a
 * map and unmap of the snapshot section for every Module32NextW), and a process snapshot maps
 * and unmaps its section for every Process32NextW. RmGetList scans every process's modules on
 * every call on the enumeration route, so that was most of its time (bench: "images_modules").
 *
 * Here, for a process of our own bitness, the loader's in-memory-order list is read directly:
 * the PEB's loader data (two reads), then per module its entry and its full path (two reads).
 * These are the fields winternl.h documents (PEB.Ldr, PEB_LDR_DATA.InMemoryOrderModuleList,
 * LDR_DATA_TABLE_ENTRY.InMemoryOrderLinks and FullDllName) and what Toolhelp itself copies, so
 * the paths are the same. A list that cannot be read to its end (another bitness, a protected
 * process, a process gone or changing its list under us) reports nothing and returns -1: the
 * caller then uses Toolhelp, which also knows a 64-bit caller's way into a 32-bit process.
 * The process list is one NtQuerySystemInformation call; it also says which processes the
 * service control manager started (their parent is services.exe). */
#include "module_walk.h"
#include <tlhelp32.h>
#include <winternl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define STATUS_INFO_LENGTH_MISMATCH_ ((LONG)0xC0000004)
#define SYSTEM_PROCESS_INFORMATION_CLASS 5
#define MAX_MODULES 16384                 /* a list longer than this is not a loader list */

typedef LONG (WINAPI *query_process_fn)(HANDLE, ULONG, void *, ULONG, ULONG *);
typedef LONG (WINAPI *query_system_fn)(ULONG, void *, ULONG, ULONG *);

static void *ntdll_proc(const char *name)
{
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    return ntdll ? (void *)GetProcAddress(ntdll, name) : NULL;
}

/* Our own WoW64 state, asked once: -1 not yet, 0/1 known (it cannot change). */
static volatile LONG g_self_wow64 = -1;

static int same_bitness(HANDLE process)
{
    BOOL theirs = FALSE;
    if (g_self_wow64 < 0) {
        BOOL mine = FALSE;
        if (!IsWow64Process(GetCurrentProcess(), &mine)) return 0;
        InterlockedExchange(&g_self_wow64, mine ? 1 : 0);
    }
    if (!IsWow64Process(process, &theirs)) return 0;
    return (theirs ? 1 : 0) == g_self_wow64;
}

static int read_all(HANDLE process, const void *at, void *into, SIZE_T size)
{
    SIZE_T got = 0;
    return ReadProcessMemory(process, at, into, size, &got) && got == size;
}

/* The entry up to and including FullDllName: all that is read of each module. */
#define ENTRY_PREFIX (offsetof(LDR_DATA_TABLE_ENTRY, FullDllName) + sizeof(UNICODE_STRING))

int rmwin_walk_modules(DWORD pid, rmwin_module_fn fn, void *cookie)
{
    static query_process_fn query;
    if (!query) query = (query_process_fn)ntdll_proc("NtQueryInformationProcess");
    if (!query) return -1;
    HANDLE process = OpenProcess(PROCESS_QUERY_INFORMATION | PROCESS_VM_READ, FALSE, pid);
    if (!process) return -1;
    int n = -1;
    PROCESS_BASIC_INFORMATION pbi;
    PEB_LDR_DATA *ldr = NULL;
    LIST_ENTRY head;
    WCHAR *paths = NULL;               /* all the paths, reported once the whole list was read */
    size_t used = 0, cap = 0;
    if (!same_bitness(process) || query(process, 0 /* ProcessBasicInformation */, &pbi, sizeof pbi, NULL) < 0 ||
        !pbi.PebBaseAddress || !read_all(process, &pbi.PebBaseAddress->Ldr, &ldr, sizeof ldr) || !ldr ||
        !read_all(process, &ldr->InMemoryOrderModuleList, &head, sizeof head))
        goto done;
    const LIST_ENTRY *end = &ldr->InMemoryOrderModuleList;     /* the head, in its address space */
    int count = 0;
    for (const LIST_ENTRY *link = head.Flink; link != end; count++) {
        union { LDR_DATA_TABLE_ENTRY e; BYTE bytes[ENTRY_PREFIX]; } entry;
        const BYTE *at = (const BYTE *)link - offsetof(LDR_DATA_TABLE_ENTRY, InMemoryOrderLinks);
        if (count >= MAX_MODULES || !link || !read_all(process, at, entry.bytes, ENTRY_PREFIX)) goto done;
        USHORT chars = entry.e.FullDllName.Length / sizeof(WCHAR);
        if (cap - used < (size_t)chars + 1) {
            size_t grown = (cap ? cap * 2 : 4096) + chars + 1;
            WCHAR *v = realloc(paths, grown * sizeof *v);
            if (!v) goto done;
            paths = v;
            cap = grown;
        }
        if (chars && !read_all(process, entry.e.FullDllName.Buffer, paths + used, chars * sizeof(WCHAR))) goto done;
        paths[used + chars] = 0;
        used += chars + 1;
        link = entry.e.InMemoryOrderLinks.Flink;
    }
    for (size_t at = 0; at < used; at += wcslen(paths + at) + 1)
        if (paths[at]) fn(cookie, pid, paths + at);
    n = count;
done:
    free(paths);
    CloseHandle(process);
    return n;
}

int rmwin_process_modules(DWORD pid, rmwin_module_fn fn, void *cookie)
{
    /* An empty list is a process whose loader has not run yet (created suspended): its image
     * is mapped all the same, so it is asked the other ways. */
    int n = rmwin_walk_modules(pid, fn, cookie);
    if (n > 0) return n;
    n = 0;
    HANDLE mods = INVALID_HANDLE_VALUE;
    for (int tries = 0; tries < 3 && mods == INVALID_HANDLE_VALUE; tries++) {
        mods = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE | TH32CS_SNAPMODULE32, pid);
        if (mods == INVALID_HANDLE_VALUE && GetLastError() != ERROR_BAD_LENGTH) break;
    }
    MODULEENTRY32W me = { sizeof me };
    for (BOOL m = mods != INVALID_HANDLE_VALUE && Module32FirstW(mods, &me); m; m = Module32NextW(mods, &me), n++)
        fn(cookie, pid, me.szExePath);
    if (mods != INVALID_HANDLE_VALUE) CloseHandle(mods);
    if (n) return n;
    HANDLE h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
    if (!h) return 0;
    WCHAR *image = malloc(32768 * sizeof(WCHAR));
    DWORD len = 32768;
    if (image && QueryFullProcessImageNameW(h, 0, image, &len)) { fn(cookie, pid, image); n = 1; }
    free(image);
    CloseHandle(h);
    return n;
}

int rmwin_list_processes(rmwin_process **out)
{
    static query_system_fn query;
    if (!query) query = (query_system_fn)ntdll_proc("NtQuerySystemInformation");
    *out = NULL;
    if (!query) return -1;
    ULONG size = 64 * 1024;
    BYTE *buf = NULL;
    LONG st;
    for (int tries = 0; tries < 8; tries++) {
        free(buf);
        if (!(buf = malloc(size))) return -1;
        ULONG need = 0;
        st = query(SYSTEM_PROCESS_INFORMATION_CLASS, buf, size, &need);
        if (st != STATUS_INFO_LENGTH_MISMATCH_) break;
        size = (need > size ? need : size) * 2;        /* processes start while we ask */
    }
    if (st < 0) { free(buf); return -1; }
    int n = 0;
    for (ULONG off = 0;; ) {
        const SYSTEM_PROCESS_INFORMATION *p = (const void *)(buf + off);
        n++;
        if (!p->NextEntryOffset) break;
        off += p->NextEntryOffset;
    }
    rmwin_process *v = calloc((size_t)n, sizeof *v);
    if (!v) { free(buf); return -1; }
    int i = 0;
    for (ULONG off = 0; i < n; i++) {
        const SYSTEM_PROCESS_INFORMATION *p = (const void *)(buf + off);
        v[i].pid = (DWORD)(ULONG_PTR)p->UniqueProcessId;
        v[i].parent = (DWORD)(ULONG_PTR)p->InheritedFromUniqueProcessId;
        size_t chars = p->ImageName.Buffer ? p->ImageName.Length / sizeof(WCHAR) : 0;
        if (chars >= MAX_PATH) chars = MAX_PATH - 1;
        if (chars) memcpy(v[i].name, p->ImageName.Buffer, chars * sizeof(WCHAR));
        off += p->NextEntryOffset;
    }
    free(buf);
    *out = v;
    return n;
}

void rmwin_started_by_scm(const DWORD *pids, size_t n, unsigned char *is_child)
{
    rmwin_process *procs;
    int np = rmwin_list_processes(&procs);
    for (size_t i = 0; i < n; i++) is_child[i] = np < 0;
    if (np < 0) return;
    DWORD scm[8], nscm = 0;
    for (int k = 0; k < np; k++)
        if (!_wcsicmp(procs[k].name, L"services.exe") && nscm < 8) scm[nscm++] = procs[k].pid;
    for (int k = 0; k < np; k++)
        for (size_t i = 0; i < n; i++)
            if (pids[i] == procs[k].pid)
                for (DWORD j = 0; j < nscm; j++) if (procs[k].parent == scm[j]) is_child[i] = 1;
    free(procs);
}

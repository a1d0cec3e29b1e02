/* import_watch.c — what the implementation does to the case process itself, reported as a crash
 * on every platform. The HeapFree, ExitProcess and TerminateProcess import slots of the
 * implementation and of the C runtimes it may use are routed through checks that act only while
 * a call into the implementation is in progress on the calling thread:
 *  - heap corruption: Windows ends a process whose heap it finds corrupt
 *    (HeapEnableTerminationOnCorruption, set in child.c) with STATUS_HEAP_CORRUPTION; Wine does
 *    neither (HeapSetInformation is a stub there, docs/wine-notes.md) and simply refuses to free
 *    a block twice. A HeapFree that fails (a double free, or a pointer the heap never gave out)
 *    is a crash naming heap corruption, the call and the first frame in the implementation. Every
 *    process heap is also validated after the case (child.c, check_heaps).
 *  - ending the process: ExitProcess, exit(), abort() or TerminateProcess on itself would leave
 *    "exited without a verdict"; the check records the call and the exit code first. */
#include "internal.h"
#include "crash_report.h"
#include <string.h>

typedef BOOL (WINAPI *heap_free_fn)(HANDLE, DWORD, void *);
typedef BOOLEAN (WINAPI *rtl_free_heap_fn)(HANDLE, ULONG, void *);
typedef VOID (WINAPI *exit_process_fn)(UINT);
typedef BOOL (WINAPI *terminate_process_fn)(HANDLE, UINT);

static void *real_free;      /* what the patched HeapFree slots held */
static int real_is_rtl;      /* it is ntdll's RtlFreeHeap (BOOLEAN): kernel32's HeapFree forwarded */
static exit_process_fn real_exit;
static terminate_process_fn real_terminate;

/* Records a crash described as an exception `code` raised at `where` (inside the runtime or the
 * implementation), with `what` appended, and ends the process with `exit_code`. */
static void report(DWORD code, void *where, const char *what, UINT exit_code)
{
    CONTEXT ctx;
    RtlCaptureContext(&ctx);
    EXCEPTION_RECORD er = {0};
    er.ExceptionCode = code;
    er.ExceptionAddress = where;
    EXCEPTION_POINTERS ep = {&er, &ctx};
    char msg[1200], detail[1500], code_text[16];
    crash_describe(&ep, msg, sizeof msg);
    snprintf(detail, sizeof detail, "%s; %s", msg, what);
    rmc_buf b = {0};
    buf_json_str(&b, detail);
    snprintf(code_text, sizeof code_text, "0x%08lX", (unsigned long)code);
    record_line("C", code_text, b.data ? b.data : "\"the implementation ended the case process\"");
    (real_terminate ? real_terminate : TerminateProcess)(GetCurrentProcess(), exit_code);
}

static BOOL WINAPI checked_heap_free(HANDLE heap, DWORD flags, void *block)
{
    BOOL ok = real_is_rtl ? (BOOL)((rtl_free_heap_fn)real_free)(heap, flags, block)
                          : ((heap_free_fn)real_free)(heap, flags, block);
    if (!ok && block && crash_call_current()) {
        char what[160];
        snprintf(what, sizeof what, "HeapFree refused block %p: it is not allocated (freed twice, or never given out "
                 "by that heap)", block);
        report(0xC0000374u, __builtin_return_address(0), what, 0xC0000374u);
    }
    return ok;
}


static VOID WINAPI checked_exit_process(UINT code)
{
    if (crash_call_current()) {
        char what[160];
        snprintf(what, sizeof what, "the implementation ended the case process with ExitProcess(%u) (or exit/abort)", code);
        report(CRASH_EXIT_DURING_CALL, __builtin_return_address(0), what, code);
    }
    real_exit(code);
}

static BOOL WINAPI checked_terminate_process(HANDLE process, UINT code)
{
    if (crash_call_current() && (process == GetCurrentProcess() || GetProcessId(process) == GetCurrentProcessId())) {
        char what[160];
        snprintf(what, sizeof what, "the implementation ended the case process with TerminateProcess(itself, %u)", code);
        report(CRASH_EXIT_DURING_CALL, __builtin_return_address(0), what, code);
    }
    return real_terminate(process, code);
}

typedef struct route { void *targets[3]; void *check; } route;

/* Replaces every import slot of module m that holds one of a route's targets by its check. */
static void patch_module(HMODULE m, const route *routes, int nroutes)
{
    BYTE *base = (BYTE *)m;
    IMAGE_NT_HEADERS *nt = (IMAGE_NT_HEADERS *)(base + ((IMAGE_DOS_HEADER *)base)->e_lfanew);
    IMAGE_DATA_DIRECTORY dir = nt->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_IMPORT];
    if (!dir.VirtualAddress || !dir.Size) return;
    for (IMAGE_IMPORT_DESCRIPTOR *d = (IMAGE_IMPORT_DESCRIPTOR *)(base + dir.VirtualAddress); d->Name; d++) {
        for (IMAGE_THUNK_DATA *t = (IMAGE_THUNK_DATA *)(base + d->FirstThunk); t->u1.Function; t++) {
            void *current = (void *)(ULONG_PTR)t->u1.Function, *check = NULL;
            for (int r = 0; r < nroutes && !check; r++)
                for (int i = 0; i < 3; i++)
                    if (routes[r].targets[i] && current == routes[r].targets[i]) check = routes[r].check;
            DWORD old;
            if (!check || !VirtualProtect(&t->u1.Function, sizeof(void *), PAGE_READWRITE, &old)) continue;
            t->u1.Function = (ULONG_PTR)check;
            VirtualProtect(&t->u1.Function, sizeof(void *), old, &old);
        }
    }
}

void import_watch_install(HMODULE implementation)
{
    HMODULE k32 = GetModuleHandleW(L"kernel32.dll"), kb = GetModuleHandleW(L"kernelbase.dll"),
            nt = GetModuleHandleW(L"ntdll.dll");
    route routes[3] = {
        {{(void *)GetProcAddress(k32, "HeapFree"), kb ? (void *)GetProcAddress(kb, "HeapFree") : NULL,
          (void *)GetProcAddress(nt, "RtlFreeHeap")}, (void *)checked_heap_free},
        {{(void *)GetProcAddress(k32, "ExitProcess"), kb ? (void *)GetProcAddress(kb, "ExitProcess") : NULL,
          (void *)GetProcAddress(nt, "RtlExitUserProcess")}, (void *)checked_exit_process},
        {{(void *)GetProcAddress(k32, "TerminateProcess"), kb ? (void *)GetProcAddress(kb, "TerminateProcess") : NULL,
          NULL}, (void *)checked_terminate_process}};
    /* Each check calls kernel32's function, whatever the slot held (it may be forwarded). */
    real_free = routes[0].targets[0];
    real_is_rtl = real_free && real_free == routes[0].targets[2];
    real_exit = (exit_process_fn)routes[1].targets[0];
    real_terminate = (terminate_process_fn)routes[2].targets[0];
    if (!real_free || !real_exit || !real_terminate) return;
    const WCHAR *runtimes[] = {L"msvcrt.dll", L"ucrtbase.dll", L"msvcr100.dll", L"msvcr120.dll", L"vcruntime140.dll"};
    if (implementation) patch_module(implementation, routes, 3);
    for (size_t i = 0; i < sizeof runtimes / sizeof runtimes[0]; i++) {
        HMODULE rt = GetModuleHandleW(runtimes[i]);
        if (rt) patch_module(rt, routes, 3);
    }
}

/* heap_watch.c — heap corruption by the implementation, reported as a crash on every platform.
 *
 * Windows ends a process whose heap it finds corrupt (HeapEnableTerminationOnCorruption, set in
 * child.c) with STATUS_HEAP_CORRUPTION; Wine does neither (HeapSetInformation is a stub there,
 * docs/wine-notes.md) and simply refuses to free a block twice. So the case process also
 *  - routes the HeapFree imports of the implementation and of the C runtimes it may use through
 *    a check: a HeapFree that fails while a call into the implementation is in progress (a
 *    double free, or a pointer the heap never gave out) is a crash naming heap corruption, with
 *    the call and the first frame in the implementation;
 *  - validates every process heap after the case (child.c, check_heaps). */
#include "internal.h"
#include "crash_report.h"
#include <string.h>

typedef BOOL (WINAPI *heap_free_fn)(HANDLE, DWORD, void *);
typedef BOOLEAN (WINAPI *rtl_free_heap_fn)(HANDLE, ULONG, void *);

static void *real_free;      /* what the patched slots held */
static int real_is_rtl;      /* it is ntdll's RtlFreeHeap (BOOLEAN), kernel32's HeapFree forwarded */

static void report(void *block, void *caller)
{
    CONTEXT ctx;
    RtlCaptureContext(&ctx);
    EXCEPTION_RECORD er = {0};
    er.ExceptionCode = 0xC0000374u;   /* STATUS_HEAP_CORRUPTION */
    er.ExceptionAddress = caller;   /* inside the runtime's free, or the implementation */
    EXCEPTION_POINTERS ep = {&er, &ctx};
    char msg[1200], detail[1400], json[1600];
    crash_describe(&ep, msg, sizeof msg);
    snprintf(detail, sizeof detail, "%s; HeapFree refused block %p: it is not allocated (freed twice, or never "
             "given out by that heap)", msg, block);
    rmc_buf b = {0};
    buf_json_str(&b, detail);
    snprintf(json, sizeof json, "%s", b.data ? b.data : "\"heap corruption\"");
    record_line("C", "0xC0000374", json);
    TerminateProcess(GetCurrentProcess(), 0xC0000374u);
}

static BOOL WINAPI checked_heap_free(HANDLE heap, DWORD flags, void *block)
{
    BOOL ok = real_is_rtl ? (BOOL)((rtl_free_heap_fn)real_free)(heap, flags, block)
                          : ((heap_free_fn)real_free)(heap, flags, block);
    if (!ok && block && crash_call_current()) report(block, __builtin_return_address(0));
    return ok;
}

/* Replaces every import slot of module m that holds one of targets[] by the check. */
static void patch_module(HMODULE m, void *const *targets, int ntargets)
{
    BYTE *base = (BYTE *)m;
    IMAGE_NT_HEADERS *nt = (IMAGE_NT_HEADERS *)(base + ((IMAGE_DOS_HEADER *)base)->e_lfanew);
    IMAGE_DATA_DIRECTORY dir = nt->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_IMPORT];
    if (!dir.VirtualAddress || !dir.Size) return;
    for (IMAGE_IMPORT_DESCRIPTOR *d = (IMAGE_IMPORT_DESCRIPTOR *)(base + dir.VirtualAddress); d->Name; d++) {
        for (IMAGE_THUNK_DATA *t = (IMAGE_THUNK_DATA *)(base + d->FirstThunk); t->u1.Function; t++) {
            void *current = (void *)(ULONG_PTR)t->u1.Function;
            int hit = 0;
            for (int i = 0; i < ntargets; i++) hit |= targets[i] && current == targets[i];
            if (!hit) continue;
            DWORD old;
            if (!VirtualProtect(&t->u1.Function, sizeof(void *), PAGE_READWRITE, &old)) continue;
            t->u1.Function = (ULONG_PTR)checked_heap_free;
            VirtualProtect(&t->u1.Function, sizeof(void *), old, &old);
        }
    }
}

void heap_watch_install(HMODULE implementation)
{
    void *targets[3] = {
        (void *)GetProcAddress(GetModuleHandleW(L"kernel32.dll"), "HeapFree"),
        (void *)GetProcAddress(GetModuleHandleW(L"kernelbase.dll"), "HeapFree"),
        (void *)GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "RtlFreeHeap")};
    real_free = targets[0] ? targets[0] : targets[1];
    real_is_rtl = real_free && real_free == targets[2];
    if (!real_free) return;
    /* Forwarded or not, each slot is replaced by one check that calls kernel32's HeapFree. */
    const WCHAR *runtimes[] = {L"msvcrt.dll", L"ucrtbase.dll", L"msvcr100.dll", L"msvcr120.dll", L"vcruntime140.dll"};
    if (implementation) patch_module(implementation, targets, 3);
    for (size_t i = 0; i < sizeof runtimes / sizeof runtimes[0]; i++) {
        HMODULE rt = GetModuleHandleW(runtimes[i]);
        if (rt) patch_module(rt, targets, 3);
    }
}

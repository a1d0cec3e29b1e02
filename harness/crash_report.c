/* crash_report.c — see crash_report.h. Everything here may run inside an unhandled-exception
 * filter, on a thread whose stack overflowed or whose heap is corrupt: no heap, no C runtime
 * allocation, bounded stack use, and every pointer read from the faulting stack is checked with
 * VirtualQuery first. */
#include "crash_report.h"
#include <stdio.h>
#include <string.h>

static HMODULE impl;
static ULONG_PTR impl_lo, impl_hi;          /* [lo, hi): the implementation's image */
static DWORD call_tls = TLS_OUT_OF_INDEXES;
static char label_text[400];
static volatile DWORD label_thread;
static crash_board *board;
static const char *volatile last_call;

static const struct { DWORD code; const char *name; } exception_names[] = {
    {0xC0000005, "EXCEPTION_ACCESS_VIOLATION"}, {0xC00000FD, "EXCEPTION_STACK_OVERFLOW"},
    {0xC000001D, "EXCEPTION_ILLEGAL_INSTRUCTION"}, {0xC0000096, "EXCEPTION_PRIV_INSTRUCTION"},
    {0xC0000094, "EXCEPTION_INT_DIVIDE_BY_ZERO"}, {0xC0000095, "EXCEPTION_INT_OVERFLOW"},
    {0xC0000006, "EXCEPTION_IN_PAGE_ERROR"}, {0xC0000008, "EXCEPTION_INVALID_HANDLE"},
    {0xC0000025, "EXCEPTION_NONCONTINUABLE_EXCEPTION"}, {0xC0000026, "EXCEPTION_INVALID_DISPOSITION"},
    {0xC000008C, "EXCEPTION_ARRAY_BOUNDS_EXCEEDED"}, {0xC0000409, "STATUS_STACK_BUFFER_OVERRUN"},
    {0xC0000374, "STATUS_HEAP_CORRUPTION"}, {0xC0000135, "STATUS_DLL_NOT_FOUND"},
    {0xC0000142, "STATUS_DLL_INIT_FAILED"}, {0xC0000017, "STATUS_NO_MEMORY"},
    {0xC000012D, "STATUS_COMMITMENT_LIMIT"}, {0x80000003, "EXCEPTION_BREAKPOINT"},
    {0x80000004, "EXCEPTION_SINGLE_STEP"}, {0x80000002, "EXCEPTION_DATATYPE_MISALIGNMENT"},
    /* Raised by Wine for a function it declares but does not implement. */
    {0x80000100, "unimplemented function (Wine stub exception)"},
    {0xE06D7363, "C++ exception"},
    {CRASH_EXIT_DURING_CALL, "process ended by the implementation"},
};

const char *crash_exception_name(DWORD code)
{
    for (size_t i = 0; i < sizeof(exception_names) / sizeof(exception_names[0]); i++)
        if (exception_names[i].code == code) return exception_names[i].name;
    return NULL;
}

/* ---- the call in progress ------------------------------------------------------------------- */
static void init_tls(void)
{
    if (call_tls != TLS_OUT_OF_INDEXES) return;
    DWORD t = TlsAlloc();
    if (InterlockedCompareExchange((volatile LONG *)&call_tls, (LONG)t, (LONG)TLS_OUT_OF_INDEXES) !=
        (LONG)TLS_OUT_OF_INDEXES)
        TlsFree(t);
}

void crash_set_implementation(HMODULE m)
{
    init_tls();
    impl = m;
    impl_lo = impl_hi = 0;
    if (!m) return;
    const IMAGE_DOS_HEADER *dos = (const IMAGE_DOS_HEADER *)m;
    const IMAGE_NT_HEADERS *nt = (const IMAGE_NT_HEADERS *)((const BYTE *)m + dos->e_lfanew);
    impl_lo = (ULONG_PTR)m;
    impl_hi = impl_lo + nt->OptionalHeader.SizeOfImage;
}

static void copy_text(char *dst, size_t n, const char *src)
{
    size_t i = 0;
    for (; src && src[i] && i + 1 < n; i++) dst[i] = src[i];
    dst[i] = 0;
}

const char *crash_call_enter(const char *call)
{
    DWORD err = GetLastError();
    init_tls();
    const char *prev = call_tls != TLS_OUT_OF_INDEXES ? TlsGetValue(call_tls) : NULL;
    if (call_tls != TLS_OUT_OF_INDEXES) TlsSetValue(call_tls, (void *)call);
    last_call = call;
    if (board) {
        board->magic = CRASH_BOARD_MAGIC;
        copy_text(board->call, sizeof board->call, call);
        copy_text(board->label, sizeof board->label, crash_call_label_current());
        InterlockedIncrement(&board->calls);
        InterlockedIncrement(&board->in_call);
    }
    SetLastError(err);
    return prev;
}

void crash_call_leave(const char *previous)
{
    DWORD err = GetLastError();
    if (call_tls != TLS_OUT_OF_INDEXES) TlsSetValue(call_tls, (void *)previous);
    if (board) InterlockedDecrement(&board->in_call);
    SetLastError(err);
}

const char *crash_call_current(void)
{
    if (call_tls == TLS_OUT_OF_INDEXES) return NULL;
    DWORD err = GetLastError();
    const char *c = TlsGetValue(call_tls);
    SetLastError(err);
    return c;
}

void crash_call_label(const char *label)
{
    label_thread = 0;
    copy_text(label_text, sizeof label_text, label ? label : "");
    label_thread = label_text[0] ? GetCurrentThreadId() : 0;
}

const char *crash_call_label_current(void)
{
    return label_thread && label_thread == GetCurrentThreadId() ? label_text : "";
}

const char *crash_last_call(void) { return last_call; }

void crash_attach_board(crash_board *b) { board = b; }
crash_board *crash_board_get(void) { return board; }

void crash_describe_call(char *out, size_t n)
{
    const char *call = crash_call_current(), *label = crash_call_label_current();
    if (!call) { out[0] = 0; return; }
    if (label[0]) snprintf(out, n, " during %s (%s)", call, label);
    else snprintf(out, n, " during %s", call);
}

/* ---- modules and frames ---------------------------------------------------------------------- */
int crash_module_of(const void *addr, char *name, size_t n, ULONG_PTR *offset, HMODULE *module)
{
    HMODULE m = NULL;
    WCHAR path[MAX_PATH];
    copy_text(name, n, "unknown module");
    if (offset) *offset = 0;
    if (module) *module = NULL;
    if (!GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                            (const WCHAR *)addr, &m) || !m)
        return 0;
    DWORD len = GetModuleFileNameW(m, path, MAX_PATH);
    if (len && len < MAX_PATH) {
        const WCHAR *base = path;
        for (const WCHAR *p = path; *p; p++) if (*p == L'\\' || *p == L'/') base = p + 1;
        /* Invalid UTF-16 (a lone surrogate) becomes U+FFFD: the text stays valid UTF-8. */
        if (!WideCharToMultiByte(CP_UTF8, 0, base, -1, name, (int)n, NULL, NULL)) copy_text(name, n, "?");
    }
    if (offset) *offset = (ULONG_PTR)addr - (ULONG_PTR)m;
    if (module) *module = m;
    return 1;
}

static int readable(ULONG_PTR p, size_t len)
{
    MEMORY_BASIC_INFORMATION mbi;
    if (!p || p + len < p || !VirtualQuery((const void *)p, &mbi, sizeof mbi)) return 0;
    if (mbi.State != MEM_COMMIT || (mbi.Protect & (PAGE_NOACCESS | PAGE_GUARD)) || !mbi.Protect) return 0;
    return p + len <= (ULONG_PTR)mbi.BaseAddress + mbi.RegionSize;
}

static int in_impl(ULONG_PTR pc) { return impl_lo && pc >= impl_lo && pc < impl_hi; }

/* The stack's upper end, from the thread information block. */
static ULONG_PTR stack_base(void) { return (ULONG_PTR)((NT_TIB *)NtCurrentTeb())->StackBase; }

/* Last resort: the first word on the stack that points into the implementation's image (a
 * return address, most likely). */
static ULONG_PTR scan_stack(ULONG_PTR sp)
{
    ULONG_PTR top = stack_base();
    if (!sp || top <= sp || top - sp > (1u << 20)) top = sp + (256u << 10);
    sp &= ~(ULONG_PTR)(sizeof(void *) - 1);
    for (ULONG_PTR p = sp; p + sizeof(void *) <= top; p += sizeof(void *)) {
        if (((p & 0xFFF) == 0 || p == sp) && !readable(p, sizeof(void *))) {
            p = (p | 0xFFF) + 1 - sizeof(void *);   /* skip the unreadable page */
            continue;
        }
        ULONG_PTR v = *(const ULONG_PTR *)p;
        if (in_impl(v)) return v;
    }
    return 0;
}

/* The first frame of the stack that runs inside the implementation; *scanned = 1 when it was
 * found by scanning rather than unwinding. */
static ULONG_PTR first_impl_frame(const CONTEXT *start, int *scanned)
{
    *scanned = 0;
#if defined(_M_X64) || defined(__x86_64__)
    CONTEXT ctx = *start;
    for (int depth = 0; depth < 256; depth++) {
        DWORD64 pc = ctx.Rip, base = 0;
        if (!pc) break;
        if (in_impl(pc)) return pc;
        PRUNTIME_FUNCTION f = RtlLookupFunctionEntry(pc, &base, NULL);
        if (!readable(ctx.Rsp, 64)) break;
        DWORD64 old_sp = ctx.Rsp;
        if (f) {
            void *handler_data = NULL;
            DWORD64 frame = 0;
            RtlVirtualUnwind(UNW_FLAG_NHANDLER, base, pc, f, &ctx, &handler_data, &frame, NULL);
        } else {                                   /* a leaf function: the return address is on top */
            ctx.Rip = *(DWORD64 *)ctx.Rsp;
            ctx.Rsp += 8;
        }
        if (ctx.Rsp <= old_sp && ctx.Rip == pc) break;   /* no progress */
    }
    *scanned = 1;
    return scan_stack(start->Rsp);
#elif defined(_M_IX86) || defined(__i386__)
    /* No unwind tables on x86: follow the frame-pointer chain, then scan. */
    if (in_impl(start->Eip)) return start->Eip;
    ULONG_PTR ebp = start->Ebp;
    for (int depth = 0; depth < 256 && readable(ebp, 8); depth++) {
        ULONG_PTR ret = ((const ULONG_PTR *)ebp)[1], next = ((const ULONG_PTR *)ebp)[0];
        if (in_impl(ret)) return ret;
        if (next <= ebp) break;
        ebp = next;
    }
    *scanned = 1;
    return scan_stack(start->Esp);
#else
    *scanned = 1;
    return 0;
#endif
}

/* ---- the fill pattern ------------------------------------------------------------------------- */
static ULONG_PTR fill_word(void)
{
    ULONG_PTR w = 0;
    for (size_t i = 0; i < sizeof w; i++) w = (w << 8) | CRASH_FILL_BYTE;
    return w;
}

/* A pointer read from a filled buffer, give or take a field offset. */
static int from_fill(ULONG_PTR v)
{
    ULONG_PTR f = fill_word();
    return (v >= f ? v - f : f - v) < 0x10000;
}

/* Which register holds a fill-pattern pointer, when the faulting address itself is unknown (x64
 * reports a non-canonical address such as 0xA5A5A5A5A5A5A5A5 as 0xFFFFFFFFFFFFFFFF). */
static const char *fill_register(const CONTEXT *c, ULONG_PTR *value)
{
#if defined(_M_X64) || defined(__x86_64__)
    const struct { const char *name; DWORD64 v; } regs[] = {
        {"RAX", c->Rax}, {"RBX", c->Rbx}, {"RCX", c->Rcx}, {"RDX", c->Rdx}, {"RSI", c->Rsi}, {"RDI", c->Rdi},
        {"RBP", c->Rbp}, {"R8", c->R8}, {"R9", c->R9}, {"R10", c->R10}, {"R11", c->R11}, {"R12", c->R12},
        {"R13", c->R13}, {"R14", c->R14}, {"R15", c->R15}};
#elif defined(_M_IX86) || defined(__i386__)
    const struct { const char *name; DWORD v; } regs[] = {
        {"EAX", c->Eax}, {"EBX", c->Ebx}, {"ECX", c->Ecx}, {"EDX", c->Edx}, {"ESI", c->Esi}, {"EDI", c->Edi},
        {"EBP", c->Ebp}};
#else
    const struct { const char *name; ULONG_PTR v; } regs[] = {{"", 0}};
#endif
    for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++)
        if (regs[i].name[0] && from_fill((ULONG_PTR)regs[i].v)) { *value = (ULONG_PTR)regs[i].v; return regs[i].name; }
    return NULL;
}

/* ---- the message ------------------------------------------------------------------------------ */
#define APPEND(...) do { if (o < n) o += (size_t)snprintf(msg + o, n - o, __VA_ARGS__); } while (0)

void crash_describe(const EXCEPTION_POINTERS *ep, char *msg, size_t n)
{
    const EXCEPTION_RECORD *er = ep->ExceptionRecord;
    DWORD code = er->ExceptionCode;
    const char *name = crash_exception_name(code);
    char during[480], where[MAX_PATH * 3];
    ULONG_PTR offset = 0;
    HMODULE fault_module = NULL;
    size_t o = 0;
    msg[0] = 0;
    crash_describe_call(during, sizeof during);
    crash_module_of(er->ExceptionAddress, where, sizeof where, &offset, &fault_module);

    MEMORY_BASIC_INFORMATION mbi;
    if (code == 0x80000100u && er->NumberParameters >= 2 &&
        VirtualQuery((void *)er->ExceptionInformation[1], &mbi, sizeof mbi) && mbi.State == MEM_COMMIT &&
        VirtualQuery((void *)er->ExceptionInformation[0], &mbi, sizeof mbi) && mbi.State == MEM_COMMIT) {
        /* Wine's stub exception carries the DLL and function names. */
        APPEND("unimplemented function %.64s.%.64s called (exception 0x80000100)%s",
               (const char *)er->ExceptionInformation[0], (const char *)er->ExceptionInformation[1], during);
        return;
    }
    APPEND("%s (0x%08lX)%s", name ? name : "exception", (unsigned long)code, during);
    int av = code == EXCEPTION_ACCESS_VIOLATION && er->NumberParameters >= 2;
    if (av)
        APPEND(": %s of address %p", er->ExceptionInformation[0] == 1 ? "write" : er->ExceptionInformation[0] == 8 ? "execution" : "read",
               (void *)er->ExceptionInformation[1]);
    APPEND(", at %s+0x%llx", where, (unsigned long long)offset);

    /* Outside the implementation (a runtime function, RaiseException in kernelbase/ntdll, the
     * harness): walk back to the implementation's own frame. */
    if (impl && !in_impl((ULONG_PTR)er->ExceptionAddress)) {
        int scanned = 0;
        ULONG_PTR frame = first_impl_frame(ep->ContextRecord, &scanned);
        if (frame) {
            char mod[MAX_PATH * 3];
            ULONG_PTR off = 0;
            crash_module_of((const void *)frame, mod, sizeof mod, &off, NULL);
            APPEND("; first frame in the implementation: %s+0x%llx%s", mod, (unsigned long long)off,
                   scanned ? " (found by scanning the stack)" : "");
        } else
            APPEND("; no frame of the implementation found on the stack");
    }
    if (av) {
        ULONG_PTR addr = er->ExceptionInformation[1], value = 0;
        const char *reg = NULL;
        int hit = from_fill(addr);
        if (!hit && addr == (ULONG_PTR)-1) hit = (reg = fill_register(ep->ContextRecord, &value)) != NULL;
        if (hit) {
            if (reg) APPEND("; the pointer came from the suite's fill pattern (%s = %p)", reg, (void *)value);
            else APPEND("; the address is the suite's fill pattern 0x%02X%02X...", CRASH_FILL_BYTE, CRASH_FILL_BYTE);
            APPEND(": the implementation dereferenced a pointer read from a buffer it was given uninitialised");
        }
    }
    if (code == EXCEPTION_STACK_OVERFLOW) APPEND("; the thread ran out of stack (unbounded recursion?)");
    if (code == 0xC0000374u) APPEND("; the implementation corrupted the heap (double free, or a write past an allocation)");
}

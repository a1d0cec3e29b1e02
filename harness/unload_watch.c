/* unload_watch.c — what happens after a case (or the load probe) has written its verdict: the
 * process exits and the loader calls the implementation's DllMain(DLL_PROCESS_DETACH).
 *
 * A crash there is easy to lose: the loader runs DllMain inside an exception handler of its own
 * (Wine 8 does; the process then exits with code 0 and the `pass` written before stands), and a
 * hang there looks like a hang in the case. So before exiting, the child writes a `P unloading`
 * record (the runner then knows a later hang or death happened while unloading) and installs a
 * first-chance handler that turns an error exception into a `U` record — "U\t<code>\t<json
 * message>" — and ends the process with the exception code. runner.c collect() and main.c's
 * load probe decode both. */
#include "internal.h"
#include <string.h>

static void module_of(const void *addr, char *name, size_t n, ULONG_PTR *offset)
{
    HMODULE mod = NULL;
    WCHAR path[1024];
    snprintf(name, n, "unknown module");
    *offset = (ULONG_PTR)addr;
    if (!GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                            (const WCHAR *)addr, &mod) || !mod)
        return;
    *offset = (ULONG_PTR)addr - (ULONG_PTR)mod;
    DWORD len = GetModuleFileNameW(mod, path, sizeof path / sizeof path[0]);
    if (!len || len >= sizeof path / sizeof path[0]) return;
    const WCHAR *base = wcsrchr(path, '\\');
    base = base ? base + 1 : path;
    /* UTF-8, no heap: the heap may be what broke. */
    int got = WideCharToMultiByte(CP_UTF8, 0, base, -1, name, (int)n, NULL, NULL);
    if (got <= 0) snprintf(name, n, "unknown module");
}

static LONG WINAPI unload_exception(EXCEPTION_POINTERS *ep)
{
    EXCEPTION_RECORD *er = ep->ExceptionRecord;
    DWORD code = er->ExceptionCode;
    /* Error-severity codes and breakpoints end a process that nothing handles; informational
     * ones (debug output, thread names) and C++ exceptions may be raised and caught normally. */
    if ((code & 0xC0000000u) != 0xC0000000u && code != EXCEPTION_BREAKPOINT) return EXCEPTION_CONTINUE_SEARCH;
    char where[300], msg[600], codes[16];
    rmc_buf json = {0};
    ULONG_PTR offset;
    module_of(er->ExceptionAddress, where, sizeof where, &offset);
    const char *name = exception_name(code);
    if (code == EXCEPTION_ACCESS_VIOLATION && er->NumberParameters >= 2)
        snprintf(msg, sizeof msg, "%s (0x%08lX) while unloading the implementation (its DllMain(DLL_PROCESS_DETACH)): "
                 "%s of address %p, at %s+0x%llx", name, (unsigned long)code,
                 er->ExceptionInformation[0] == 1 ? "write" : er->ExceptionInformation[0] == 8 ? "execution" : "read",
                 (void *)er->ExceptionInformation[1], where, (unsigned long long)offset);
    else
        snprintf(msg, sizeof msg, "%s (0x%08lX) while unloading the implementation (its DllMain(DLL_PROCESS_DETACH)), "
                 "at %s+0x%llx", name ? name : "exception", (unsigned long)code, where, (unsigned long long)offset);
    /* buf_json_str writes UTF-8 only; a small allocation here is acceptable (it is the last
     * thing the process does, and the record line itself needs none for short lines). */
    buf_json_str(&json, msg);
    snprintf(codes, sizeof codes, "0x%08lX", (unsigned long)code);
    record_line("U", codes, json.data ? json.data : "\"exception while unloading\"");
    TerminateProcess(GetCurrentProcess(), code);
    return EXCEPTION_CONTINUE_SEARCH;
}

void unload_watch_arm(void)
{
    record_line("P", "unloading", NULL);
    AddVectoredExceptionHandler(1, unload_exception);
}

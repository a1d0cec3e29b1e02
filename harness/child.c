/* child.c — the child side: one case in its own process (--child ID), and the load probe
 * (--probe) that checks the DLL initialises and reports its exports and the platform.
 *
 * A crash inside the implementation must become a `crash` verdict with the exception code, not
 * a cmocka failure: cmocka installs its own unhandled-exception filter around each test, so the
 * case body is entered through a trampoline that puts ours back in place. */
#include "internal.h"
#include <stdlib.h>
#include <string.h>

rm_start_session_fn pRmStartSession;
rm_join_session_fn pRmJoinSession;
rm_end_session_fn pRmEndSession;
rm_register_resources_fn pRmRegisterResources;
rm_get_list_fn pRmGetList;
rm_shutdown_fn pRmShutdown;
rm_restart_fn pRmRestart;
rm_cancel_current_task_fn pRmCancelCurrentTask;
rm_add_filter_fn pRmAddFilter;
rm_remove_filter_fn pRmRemoveFilter;
rm_get_filter_list_fn pRmGetFilterList;
rm_reserve_heap_fn pRmReserveHeap;

unsigned load_exports(HMODULE m)
{
    void **slots[RMX_COUNT] = {
        (void **)&pRmStartSession, (void **)&pRmJoinSession, (void **)&pRmEndSession,
        (void **)&pRmRegisterResources, (void **)&pRmGetList, (void **)&pRmShutdown,
        (void **)&pRmRestart, (void **)&pRmCancelCurrentTask, (void **)&pRmAddFilter,
        (void **)&pRmRemoveFilter, (void **)&pRmGetFilterList, (void **)&pRmReserveHeap};
    unsigned mask = 0;
    for (int i = 0; i < RMX_COUNT; i++) {
        *slots[i] = (void *)GetProcAddress(m, export_name(i));
        if (*slots[i]) mask |= 1u << i;
    }
    return mask;
}

HMODULE load_implementation(const WCHAR *path, int system)
{
    if (system) return LoadLibraryW(L"rstrtmgr.dll");
    /* Full path; its own folder first for its dependencies, as an installer's copy would. */
    return LoadLibraryExW(path, NULL, LOAD_WITH_ALTERED_SEARCH_PATH);
}

/* ---- exceptions ----------------------------------------------------------------------------- */
static const struct { DWORD code; const char *name; } exception_names[] = {
    {0xC0000005, "EXCEPTION_ACCESS_VIOLATION"}, {0xC00000FD, "EXCEPTION_STACK_OVERFLOW"},
    {0xC000001D, "EXCEPTION_ILLEGAL_INSTRUCTION"}, {0xC0000096, "EXCEPTION_PRIV_INSTRUCTION"},
    {0xC0000094, "EXCEPTION_INT_DIVIDE_BY_ZERO"}, {0xC0000095, "EXCEPTION_INT_OVERFLOW"},
    {0xC0000006, "EXCEPTION_IN_PAGE_ERROR"}, {0xC0000008, "EXCEPTION_INVALID_HANDLE"},
    {0xC0000025, "EXCEPTION_NONCONTINUABLE_EXCEPTION"}, {0xC0000026, "EXCEPTION_INVALID_DISPOSITION"},
    {0xC000008C, "EXCEPTION_ARRAY_BOUNDS_EXCEEDED"}, {0xC0000409, "STATUS_STACK_BUFFER_OVERRUN"},
    {0xC0000374, "STATUS_HEAP_CORRUPTION"}, {0xC0000135, "STATUS_DLL_NOT_FOUND"},
    {0xC0000142, "STATUS_DLL_INIT_FAILED"}, {0x80000003, "EXCEPTION_BREAKPOINT"},
    {0x80000004, "EXCEPTION_SINGLE_STEP"}, {0x80000002, "EXCEPTION_DATATYPE_MISALIGNMENT"},
    /* Raised by Wine for a function it declares but does not implement. */
    {0x80000100, "unimplemented function (Wine stub exception)"},
    {0xE06D7363, "C++ exception"},
};

const char *exception_name(DWORD code)
{
    for (size_t i = 0; i < sizeof(exception_names) / sizeof(exception_names[0]); i++)
        if (exception_names[i].code == code) return exception_names[i].name;
    return NULL;
}

int looks_like_exception(DWORD code)
{
    return exception_name(code) != NULL || (code & 0xF0000000u) == 0xC0000000u;
}

/* JSON string into a stack buffer: the filter avoids the heap, which may be what broke. */
static void json_into(char *dst, size_t n, const char *src)
{
    size_t o = 0;
    dst[o++] = '"';
    for (; *src && o + 8 < n; src++) {
        unsigned char c = (unsigned char)*src;
        if (c == '"' || c == '\\') { dst[o++] = '\\'; dst[o++] = (char)c; }
        else if (c < 0x20) o += (size_t)sprintf(dst + o, "\\u%04x", c);
        else dst[o++] = (char)c;
    }
    dst[o++] = '"';
    dst[o] = 0;
}

static LONG WINAPI crash_filter(EXCEPTION_POINTERS *ep)
{
    EXCEPTION_RECORD *er = ep->ExceptionRecord;
    char msg[600], json[700], code[16];
    if (er->ExceptionCode == EXCEPTION_ACCESS_VIOLATION && er->NumberParameters >= 2 &&
        guard_describe_fault(er->ExceptionInformation[1], er->ExceptionInformation[0] == 1, msg, sizeof msg)) {
        json_into(json, sizeof json, msg);
        record_line("M", json, NULL);
        record_line("S", "fail", NULL);
        TerminateProcess(GetCurrentProcess(), 0);
    }
    char where[MAX_PATH] = "unknown module";
    HMODULE mod = NULL;
    ULONG_PTR offset = 0;
    if (GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                           (const char *)er->ExceptionAddress, &mod) && mod) {
        char path[MAX_PATH];
        if (GetModuleFileNameA(mod, path, MAX_PATH)) {
            const char *base = strrchr(path, '\\');
            snprintf(where, sizeof where, "%s", base ? base + 1 : path);
        }
        offset = (ULONG_PTR)er->ExceptionAddress - (ULONG_PTR)mod;
    }
    const char *name = exception_name(er->ExceptionCode);
    MEMORY_BASIC_INFORMATION mbi;
    if (er->ExceptionCode == 0x80000100u && er->NumberParameters >= 2 &&
        VirtualQuery((void *)er->ExceptionInformation[1], &mbi, sizeof mbi) && mbi.State == MEM_COMMIT &&
        VirtualQuery((void *)er->ExceptionInformation[0], &mbi, sizeof mbi) && mbi.State == MEM_COMMIT)
        /* Wine's stub exception carries the DLL and function names. */
        snprintf(msg, sizeof msg, "unimplemented function %.64s.%.64s called (exception 0x80000100)",
                 (const char *)er->ExceptionInformation[0], (const char *)er->ExceptionInformation[1]);
    else if (er->ExceptionCode == EXCEPTION_ACCESS_VIOLATION && er->NumberParameters >= 2)
        snprintf(msg, sizeof msg, "%s (0x%08lX): %s of address %p, at %s+0x%llx", name,
                 (unsigned long)er->ExceptionCode,
                 er->ExceptionInformation[0] == 1 ? "write" : er->ExceptionInformation[0] == 8 ? "execution" : "read",
                 (void *)er->ExceptionInformation[1], where, (unsigned long long)offset);
    else
        snprintf(msg, sizeof msg, "%s (0x%08lX) at %s+0x%llx", name ? name : "exception",
                 (unsigned long)er->ExceptionCode, where, (unsigned long long)offset);
    json_into(json, sizeof json, msg);
    snprintf(code, sizeof code, "0x%08lX", (unsigned long)er->ExceptionCode);
    record_line("C", code, json);
    TerminateProcess(GetCurrentProcess(), er->ExceptionCode);
    return EXCEPTION_EXECUTE_HANDLER;
}

/* Wine raises 0x80000100 for a function it declares but does not implement. Nothing can
 * continue from it, and Wine does not always reach the unhandled-exception filter for it (seen
 * with Wine 8: the process hangs after printing its "unimplemented function" line), so it is
 * turned into a crash verdict as soon as it is raised. */
#define EXCEPTION_UNIMPLEMENTED_STUB 0x80000100u

static LONG WINAPI stub_exception_handler(EXCEPTION_POINTERS *ep)
{
    if (ep->ExceptionRecord->ExceptionCode == EXCEPTION_UNIMPLEMENTED_STUB) return crash_filter(ep);
    return EXCEPTION_CONTINUE_SEARCH;
}

static void install_crash_handlers(void)
{
    static int vectored;
    if (!vectored) vectored = AddVectoredExceptionHandler(1, stub_exception_handler) != NULL;
    SetUnhandledExceptionFilter(crash_filter);
}

/* A console control event reaching the case process means something shut the case process down
 * (e.g. an implementation that took it for a user of a registered file). Without this, the
 * default handler ends the process silently; record what happened instead. */
static BOOL WINAPI console_event_handler(DWORD event)
{
    static const char *const names[] = {"CTRL_C_EVENT", "CTRL_BREAK_EVENT", "CTRL_CLOSE_EVENT", "?", "?",
                                        "CTRL_LOGOFF_EVENT", "CTRL_SHUTDOWN_EVENT"};
    char msg[200], json[260];
    snprintf(msg, sizeof msg, "the case process itself received console control event %s (%lu) and was ended",
             event < 7 ? names[event] : "?", (unsigned long)event);
    json_into(json, sizeof json, msg);
    record_line("C", "0xC000013A", json);
    TerminateProcess(GetCurrentProcess(), 0xC000013Au);   /* STATUS_CONTROL_C_EXIT */
    return TRUE;
}

/* ---- one case ------------------------------------------------------------------------------ */
static const rmc_case *running;

static void trampoline(void **state)
{
    install_crash_handlers();
    running->body(state);
}

static int teardown(void **state)
{
    install_crash_handlers();
    run_deferred();
    guard_release_all();
    return 0;
}

int child_main(const rmc_options *o)
{
    SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX | SEM_NOOPENFILEERRORBOX);
    install_crash_handlers();
    if (!o->record) { fputs("rmconform: --child needs --record\n", stderr); return RMC_EXIT_BAD_INPUT; }
    record_open(o->record);
    SetConsoleCtrlHandler(console_event_handler, TRUE);
    char *id = utf8_from_wide(o->child_case);
    running = registry_find(id);
    if (!running) {
        record_line("M", "\"the runner asked for an unknown case\"", NULL);
        record_line("S", "fail", NULL);
        return RMC_EXIT_BAD_INPUT;
    }
    const WCHAR *case_dir = o->case_dir ? o->case_dir : L".";
    make_dirs(case_dir);
    set_case_context(running, o->os, o->system ? L"rstrtmgr.dll" : o->dll, o->system, case_dir,
                     o->run_id, o->caps);

    HMODULE m = load_implementation(o->dll, o->system);
    if (!m) {
        char msg[128];
        rmc_buf b = {0};
        snprintf(msg, sizeof msg, "could not load the implementation in the case process: error %lu",
                 GetLastError());
        buf_json_str(&b, msg);
        record_line("M", b.data, NULL);
        record_line("S", "fail", NULL);
        return 0;
    }
    load_exports(m);

    const struct CMUnitTest test[] = {{running->id, trampoline, NULL, teardown, (void *)running->param}};
    int failed = _cmocka_run_group_tests(running->id, test, 1, NULL, NULL);
    if (!checks_status_written()) record_line("S", failed ? "fail" : "pass", NULL);
    fflush(stdout);
    fflush(stderr);
    unload_watch_arm();
    return 0;
}

/* ---- load probe -------------------------------------------------------------------------- */
int probe_main(const rmc_options *o)
{
    SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX | SEM_NOOPENFILEERRORBOX);
    install_crash_handlers();
    if (!o->record) return RMC_EXIT_BAD_INPUT;
    record_open(o->record);
    HMODULE m = load_implementation(o->dll, o->system);
    char num[32];
    if (!m) {
        snprintf(num, sizeof num, "%lu", GetLastError());
        record_line("K", "load_error", num);
        return 3;
    }
    WCHAR path[MAX_PATH];
    GetModuleFileNameW(m, path, MAX_PATH);
    rmc_buf b = {0};
    buf_json_wstr(&b, path, MAX_PATH);
    record_line("K", "path", b.data);
    b.len = 0;
    snprintf(num, sizeof num, "%u", load_exports(m));
    record_line("K", "exports", num);
    char details[RMC_CAP_COUNT_][256];
    unsigned caps = platform_probe(&b, details);
    record_line("K", "platform", b.data);
    for (int i = 0; i < RMC_CAP_COUNT_; i++) {
        b.len = 0;
        buf_json_str(&b, details[i]);
        record_line("K", rmc_cap_names[i], b.data);
    }
    snprintf(num, sizeof num, "%u", caps);
    record_line("K", "caps", num);
    buf_free(&b);
    unload_watch_arm();
    return 0;
}

/* child.c — the child side: one case in its own process (--child ID), and the load probe
 * (--probe) that checks the DLL initialises and reports its exports and the platform.
 *
 * A crash inside the implementation must become a `crash` verdict with the exception code, not
 * a cmocka failure: cmocka installs its own unhandled-exception filter around each test, so the
 * case body is entered through a trampoline that puts ours back in place. */
#include "internal.h"
#include "crash_report.h"
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
const char *exception_name(DWORD code) { return crash_exception_name(code); }

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
    char msg[1200], json[1400], code[16], during[480];
    if (er->ExceptionCode == EXCEPTION_ACCESS_VIOLATION && er->NumberParameters >= 2 &&
        guard_describe_fault(er->ExceptionInformation[1], er->ExceptionInformation[0] == 1, msg, sizeof msg - sizeof during)) {
        crash_describe_call(during, sizeof during);
        strcat(msg, during);
        json_into(json, sizeof json, msg);
        record_line("M", json, NULL);
        record_line("S", "fail", NULL);
        TerminateProcess(GetCurrentProcess(), 0);
    }
    crash_describe(ep, msg, sizeof msg);
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

/* A stack overflow must leave room for the crash filter. Windows keeps the reserve asked for with
 * SetThreadStackGuarantee; Wine does not, and ends the process with exit code 0 when the stack
 * runs out (docs/wine-notes.md). Where the stack is committed ahead (Wine commits it whole), a
 * tripwire guard page well above its end turns the overflow into an exception with stack to
 * spare. Where it is not committed (Windows), nothing is set: the guarantee does the job. */
#define STACK_TRIPWIRE_SPARE (48 * 1024)
static ULONG_PTR stack_tripwire;

static void set_stack_tripwire(void)
{
    SYSTEM_INFO si;
    GetSystemInfo(&si);
    ULONG_PTR limit = (ULONG_PTR)((NT_TIB *)NtCurrentTeb())->StackLimit;
    ULONG_PTR page = (limit + STACK_TRIPWIRE_SPARE) & ~(ULONG_PTR)(si.dwPageSize - 1);
    MEMORY_BASIC_INFORMATION mbi;
    DWORD old;
    ULONG_PTR here = (ULONG_PTR)&mbi;
    if (page + si.dwPageSize + 64 * 1024 > here) return;   /* a small stack: leave it alone */
    if (!VirtualQuery((void *)page, &mbi, sizeof mbi) || mbi.State != MEM_COMMIT || (mbi.Protect & PAGE_GUARD)) return;
    if (VirtualProtect((void *)page, si.dwPageSize, PAGE_READWRITE | PAGE_GUARD, &old)) stack_tripwire = page;
}

static LONG WINAPI stub_exception_handler(EXCEPTION_POINTERS *ep)
{
    EXCEPTION_RECORD *er = ep->ExceptionRecord;
    if (er->ExceptionCode == EXCEPTION_UNIMPLEMENTED_STUB) return crash_filter(ep);
    if (er->ExceptionCode == STATUS_GUARD_PAGE_VIOLATION && stack_tripwire && er->NumberParameters >= 2 &&
        er->ExceptionInformation[1] - stack_tripwire < 4096) {
        er->ExceptionCode = EXCEPTION_STACK_OVERFLOW;   /* what it is: reported as such */
        return crash_filter(ep);
    }
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

/* ---- what the runner reads after the case process died ---------------------------------------- */

/* The runner made a small shared section for this process (runner.c) before resuming it: the
 * call in progress goes there too, so even a death that skips every filter names the call. */
static void attach_call_board(void)
{
    WCHAR name[64];
    _snwprintf(name, 64, L"Local\\rmconform-board-%lu", (unsigned long)GetCurrentProcessId());
    HANDLE m = OpenFileMappingW(FILE_MAP_WRITE, FALSE, name);
    if (!m) return;
    crash_board *b = MapViewOfFile(m, FILE_MAP_WRITE, 0, 0, sizeof(crash_board));
    CloseHandle(m);   /* the view keeps the section */
    if (b) crash_attach_board(b);
}

/* Heap corruption goes unnoticed under Wine and can go unnoticed on Windows until much later:
 * validate every heap of the process once the case is over. */
static void check_heaps(void)
{
    HANDLE heaps[128];
    DWORD n = GetProcessHeaps(128, heaps);
    for (DWORD i = 0; i < n && i < 128; i++) {
        if (HeapValidate(heaps[i], 0, NULL)) continue;
        char msg[600], json[700];
        const char *last = crash_last_call();
        snprintf(msg, sizeof msg, "STATUS_HEAP_CORRUPTION (0xC0000374): heap %lu of %lu of the case process failed "
                 "HeapValidate after the case; the implementation corrupted the heap (double free, or a write past "
                 "an allocation)%s%s", (unsigned long)i + 1, (unsigned long)n,
                 last ? "; the last call into the implementation was " : "", last ? last : "");
        json_into(json, sizeof json, msg);
        record_line("C", "0xC0000374", json);
        TerminateProcess(GetCurrentProcess(), 0xC0000374u);
    }
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
    /* Stack for the crash filter when the implementation overflows the stack. */
    ULONG reserve = 64 * 1024;
    SetThreadStackGuarantee(&reserve);
    set_stack_tripwire();
    /* Windows ends the process with STATUS_HEAP_CORRUPTION as soon as it notices. */
    HeapSetInformation(NULL, HeapEnableTerminationOnCorruption, NULL, 0);
    attach_call_board();
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
    call_thunks_install(m);
    import_watch_install(m);

    const struct CMUnitTest test[] = {{running->id, trampoline, NULL, teardown, (void *)running->param}};
    int failed = _cmocka_run_group_tests(running->id, test, 1, NULL, NULL);
    check_heaps();
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

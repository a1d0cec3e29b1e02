/* client_run.c — runs a client program against the implementation under test and turns what
 * happened to it into the case's verdict (see client_run.h). The client runs under this case
 * process as its debugger, which is how a crash is seen with its exception, address and module
 * (as a crash reporter sees it) while the client itself stays a plain program. */
#include "client_run.h"
#include "fixture_internal.h"
#include <psapi.h>

/* ---- memory that lives until the end of the case ----------------------------------------------- */

static char **kept;
static size_t nkept;

static void release_kept(void *unused)
{
    (void)unused;
    for (size_t i = 0; i < nkept; i++) free(kept[i]);
    free(kept);
    kept = NULL;
    nkept = 0;
}

static char *keep(char *p)
{
    if (!nkept) rmc_defer(release_kept, NULL);
    char **grown = realloc(kept, (nkept + 1) * sizeof(*kept));
    if (!grown) rmc_fail("out of memory");
    kept = grown;
    kept[nkept++] = p;
    return p;
}

/* ---- placing the client and the implementation ----------------------------------------------- */

static void copy_or_fail(const WCHAR *from, const WCHAR *to, const char *what)
{
    if (!CopyFileW(from, to, FALSE))
        rmc_fail("could not copy %s %s to the case folder: error %lu", what, fx_utf8(from), GetLastError());
}

void client_place(WCHAR out[MAX_PATH], const WCHAR *image)
{
    WCHAR from[MAX_PATH], dll[MAX_PATH];
    _snwprintf(from, MAX_PATH, L"%lsclients\\%ls", rmc_bin_dir(), image);
    from[MAX_PATH - 1] = 0;
    if (GetFileAttributesW(from) == INVALID_FILE_ATTRIBUTES)
        rmc_fail("client %s not found (build the clients: bin\\clients\\)", fx_utf8(from));
    rmc_case_file(out, image, 0);
    copy_or_fail(from, out, "the client");
    rmc_case_file(dll, L"rstrtmgr.dll", 0);
    if (!rmc_impl_is_system() && GetFileAttributesW(dll) == INVALID_FILE_ATTRIBUTES)
        copy_or_fail(rmc_impl_path(), dll, "the implementation");
}

/* ---- the client's JSON -------------------------------------------------------------------------- */

/* End of the JSON value starting at p (a string, object, array or bare word). */
static const char *value_end(const char *p)
{
    int depth = 0, in_string = 0;
    for (; *p; p++) {
        if (in_string) {
            if (*p == '\\' && p[1]) p++;
            else if (*p == '"') { in_string = 0; if (!depth) return p + 1; }
        } else if (*p == '"') in_string = 1;
        else if (*p == '{' || *p == '[') depth++;
        else if (*p == '}' || *p == ']') { if (!depth) return p; if (!--depth) return p + 1; }
        else if (!depth && (*p == ',' || *p == '\n' || *p == '\r')) return p;
    }
    return p;
}

/* The value of a top-level key of the object at json, or NULL. */
static const char *find_value(const char *json, const char *key, const char **end)
{
    const char *p = json ? strchr(json, '{') : NULL;
    size_t klen = strlen(key);
    while (p && *p && *p != '}') {
        p++;                                       /* past '{' or ',' */
        while (*p == ' ') p++;
        if (*p != '"') return NULL;
        const char *name = p + 1, *name_end = value_end(p) - 1;
        if (*name_end != '"' || name_end[1] != ':') return NULL;
        const char *v = name_end + 2, *v_end = value_end(v);
        if ((size_t)(name_end - name) == klen && !strncmp(name, key, klen)) {
            *end = v_end;
            return v;
        }
        p = v_end;
    }
    return NULL;
}

int client_has(const char *json, const char *key)
{
    const char *end;
    return find_value(json, key, &end) != NULL;
}

long long client_num(const char *json, const char *key)
{
    const char *end, *v = find_value(json, key, &end);
    if (v && !strncmp(v, "true", 4)) return 1;
    if (v && !strncmp(v, "false", 5)) return 0;
    if (!v || !(*v == '-' || (*v >= '0' && *v <= '9')))
        rmc_fail("the client did not report \"%s\" (it printed: %.600s)", key, json ? json : "");
    return strtoll(v, NULL, 10);
}

const char *client_value(const char *json, const char *key)
{
    const char *end, *v = find_value(json, key, &end);
    if (!v || !strncmp(v, "null", 4)) return NULL;
    char *copy = fx_calloc((size_t)(end - v) + 1, 1);
    memcpy(copy, v, (size_t)(end - v));
    return keep(copy);
}

size_t client_nums(const char *json, const char *key, long long *out, size_t max)
{
    const char *end, *v = find_value(json, key, &end);
    if (!v || *v != '[') rmc_fail("the client did not report \"%s\" (it printed: %.600s)", key, json ? json : "");
    size_t n = 0;
    for (const char *p = v + 1; p < end && *p != ']';) {
        char *next;
        long long x = strtoll(p, &next, 10);
        if (next == p) break;
        if (n < max) out[n] = x;
        n++;
        p = next + (*next == ',');
    }
    return n;
}

int client_lists(const char *json, const char *key, long long n)
{
    long long items[256];
    size_t count = client_nums(json, key, items, 256);
    for (size_t i = 0; i < count && i < 256; i++)
        if (items[i] == n) return 1;
    return 0;
}

/* ---- running it --------------------------------------------------------------------------------- */

#define EXCEPTION_UNIMPLEMENTED_STUB 0x80000100u   /* Wine: a function declared but not written */
#ifndef STATUS_WX86_BREAKPOINT
#define STATUS_WX86_BREAKPOINT 0x4000001Fu
#endif

static char *read_text(const WCHAR *path)
{
    HANDLE f = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, 0, NULL);
    DWORD size = f == INVALID_HANDLE_VALUE ? 0 : GetFileSize(f, NULL), got = 0;
    if (size > (16u << 20)) size = 16u << 20;
    char *text = fx_calloc(size + 1, 1);
    if (f != INVALID_HANDLE_VALUE) {
        if (!ReadFile(f, text, size, &got, NULL)) got = 0;
        CloseHandle(f);
    }
    text[got] = 0;
    while (got && (text[got - 1] == '\n' || text[got - 1] == '\r')) text[--got] = 0;
    return keep(text);
}

/* "rstrtmgr.dll+0x1a2b" for an address in the (stopped) debuggee. */
static void describe_address(HANDLE process, ULONG_PTR address, char *out, size_t size)
{
    HMODULE mods[512];
    DWORD bytes = 0;
    snprintf(out, size, "address %p (no module)", (void *)address);
    if (!EnumProcessModulesEx(process, mods, sizeof(mods), &bytes, LIST_MODULES_ALL)) return;
    for (DWORD i = 0; i < bytes / sizeof(HMODULE) && i < 512; i++) {
        MODULEINFO mi;
        WCHAR name[MAX_PATH];
        if (!GetModuleInformation(process, mods[i], &mi, sizeof(mi))) continue;
        ULONG_PTR base = (ULONG_PTR)mi.lpBaseOfDll;
        if (address < base || address >= base + mi.SizeOfImage) continue;
        if (!GetModuleBaseNameW(process, mods[i], name, MAX_PATH)) wcscpy(name, L"?");
        snprintf(out, size, "%ls+0x%llx", name, (unsigned long long)(address - base));
        return;
    }
}

static void read_remote_string(HANDLE process, ULONG_PTR at, char *out, size_t size)
{
    SIZE_T got = 0;
    out[0] = 0;
    if (at && ReadProcessMemory(process, (void *)at, out, size - 1, &got)) out[got] = 0;
    out[size - 1] = 0;
}

/* What the exception was, in the runner's crash wording. */
static void describe_exception(HANDLE process, const EXCEPTION_RECORD *er, char *out, size_t size)
{
    char where[MAX_PATH + 32];
    describe_address(process, (ULONG_PTR)er->ExceptionAddress, where, sizeof(where));
    const char *name = exception_name(er->ExceptionCode);
    if (er->ExceptionCode == EXCEPTION_UNIMPLEMENTED_STUB && er->NumberParameters >= 2) {
        char dll[64], fn[64];
        read_remote_string(process, er->ExceptionInformation[0], dll, sizeof(dll));
        read_remote_string(process, er->ExceptionInformation[1], fn, sizeof(fn));
        snprintf(out, size, "unimplemented function %s.%s called (exception 0x80000100)", dll, fn);
    } else if (er->ExceptionCode == EXCEPTION_ACCESS_VIOLATION && er->NumberParameters >= 2) {
        snprintf(out, size, "%s (0x%08lX): %s of address %p, at %s", name, (unsigned long)er->ExceptionCode,
                 er->ExceptionInformation[0] == 1 ? "write" : er->ExceptionInformation[0] == 8 ? "execution" : "read",
                 (void *)er->ExceptionInformation[1], where);
    } else {
        snprintf(out, size, "%s (0x%08lX) at %s", name ? name : "exception", (unsigned long)er->ExceptionCode, where);
    }
}

typedef struct debug_outcome {
    int exited, crashed;
    DWORD exit_code;
    char crash[700];
} debug_outcome;

/* Serves the client's debug events until it exits or the deadline passes. An exception the
 * client does not handle (second chance), or Wine's unimplemented-function exception (which
 * nothing continues from), is its crash: recorded, then the client is ended. */
static void debug_until_exit(PROCESS_INFORMATION *pi, DWORD timeout_ms, debug_outcome *o)
{
    DWORD start = GetTickCount();
    int loader_breakpoints = 0;
    while (!o->exited) {
        DEBUG_EVENT ev;
        DWORD spent = GetTickCount() - start;
        if (spent >= timeout_ms) return;
        if (!WaitForDebugEvent(&ev, timeout_ms - spent < 200 ? timeout_ms - spent : 200)) continue;
        DWORD status = DBG_CONTINUE;
        switch (ev.dwDebugEventCode) {
        case CREATE_PROCESS_DEBUG_EVENT:
            if (ev.u.CreateProcessInfo.hFile) CloseHandle(ev.u.CreateProcessInfo.hFile);
            break;
        case LOAD_DLL_DEBUG_EVENT:
            if (ev.u.LoadDll.hFile) CloseHandle(ev.u.LoadDll.hFile);
            break;
        case EXCEPTION_DEBUG_EVENT: {
            const EXCEPTION_RECORD *er = &ev.u.Exception.ExceptionRecord;
            /* The loader's breakpoint for a new debuggee (under WOW64 also the 32-bit one). */
            if (er->ExceptionCode == EXCEPTION_BREAKPOINT && !(loader_breakpoints & 1)) {
                loader_breakpoints |= 1;
                break;
            }
            if (er->ExceptionCode == STATUS_WX86_BREAKPOINT && !(loader_breakpoints & 2)) {
                loader_breakpoints |= 2;
                break;
            }
            if (!o->crashed && (!ev.u.Exception.dwFirstChance || er->ExceptionCode == EXCEPTION_UNIMPLEMENTED_STUB)) {
                o->crashed = 1;
                describe_exception(pi->hProcess, er, o->crash, sizeof(o->crash));
                o->exit_code = er->ExceptionCode;
                TerminateProcess(pi->hProcess, er->ExceptionCode);
            }
            status = DBG_EXCEPTION_NOT_HANDLED;
            break;
        }
        case EXIT_PROCESS_DEBUG_EVENT:
            if (ev.dwProcessId == pi->dwProcessId) {
                o->exited = 1;
                if (!o->crashed) o->exit_code = ev.u.ExitProcess.dwExitCode;
            }
            break;
        default:
            break;
        }
        ContinueDebugEvent(ev.dwProcessId, ev.dwThreadId, status);
    }
}

void client_crash(DWORD code, const char *fmt, ...)
{
    char msg[1200], hex[16];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    rmc_buf b = {0};
    buf_json_str(&b, msg);
    snprintf(hex, sizeof(hex), "0x%08lX", (unsigned long)code);
    record_line("C", hex, b.data);   /* the runner reports `crash` with this message */
    buf_free(&b);
    rmc_fail("%s", msg);
}

int client_exit_is_exception(DWORD code)
{
    return (code & 0xF0000000u) == 0xC0000000u || code == EXCEPTION_UNIMPLEMENTED_STUB || code == EXCEPTION_BREAKPOINT;
}

/* The same file, whatever way its path was spelled (8.3 names, case). */
static int same_file(const WCHAR *a, const WCHAR *b)
{
    WCHAR la[MAX_PATH], lb[MAX_PATH];
    if (!GetLongPathNameW(a, la, MAX_PATH)) wcsncpy(la, a, MAX_PATH);
    if (!GetLongPathNameW(b, lb, MAX_PATH)) wcsncpy(lb, b, MAX_PATH);
    la[MAX_PATH - 1] = lb[MAX_PATH - 1] = 0;
    return !_wcsicmp(la, lb);
}

/* TimeDateStamp and SizeOfImage from a DLL file's PE header; 0 when unreadable. */
static int pe_identity(const WCHAR *path, DWORD *stamp, DWORD *size)
{
    BYTE head[4096];
    DWORD got = 0;
    HANDLE f = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    if (f == INVALID_HANDLE_VALUE) return 0;
    BOOL ok = ReadFile(f, head, sizeof(head), &got, NULL);
    CloseHandle(f);
    const IMAGE_DOS_HEADER *dos = (const IMAGE_DOS_HEADER *)head;
    if (!ok || got < sizeof(*dos) || dos->e_magic != IMAGE_DOS_SIGNATURE || dos->e_lfanew <= 0 ||
        (DWORD)dos->e_lfanew + sizeof(IMAGE_NT_HEADERS) > got)
        return 0;
    const IMAGE_NT_HEADERS *nt = (const IMAGE_NT_HEADERS *)(head + dos->e_lfanew);
    *stamp = nt->FileHeader.TimeDateStamp;
    *size = nt->OptionalHeader.SizeOfImage;
    return 1;
}

/* Wine's loader reads WINEDLLOVERRIDES from the environment the process starts with. */
static WCHAR *override_rstrtmgr(void)
{
    static const WCHAR name[] = L"WINEDLLOVERRIDES";
    DWORD n = GetEnvironmentVariableW(name, NULL, 0);
    WCHAR *old = n ? fx_calloc(n, sizeof(WCHAR)) : NULL;
    if (old) GetEnvironmentVariableW(name, old, n);
    WCHAR value[1024];
    _snwprintf(value, 1024, L"%ls%lsrstrtmgr=n,b", old ? old : L"", old && *old ? L";" : L"");
    value[1023] = 0;
    SetEnvironmentVariableW(name, value);
    return old;
}

static void restore_overrides(WCHAR *old)
{
    SetEnvironmentVariableW(L"WINEDLLOVERRIDES", old);
    free(old);
}

static const char *run_client(const WCHAR *image, const WCHAR *report, DWORD timeout_ms, DWORD *exit_code,
                              const WCHAR *args_fmt, va_list ap)
{
    WCHAR exe[MAX_PATH], out_path[MAX_PATH], err_path[MAX_PATH], name[MAX_PATH];
    client_place(exe, image);
    _snwprintf(name, MAX_PATH, L"%ls.out", image);
    rmc_case_file(out_path, name, 0);
    _snwprintf(name, MAX_PATH, L"%ls.err", image);
    rmc_case_file(err_path, name, 0);

    WCHAR *args = fx_vformat(args_fmt, ap);
    size_t len = wcslen(exe) + wcslen(args) + 8;
    WCHAR *cmd = fx_calloc(len, sizeof(WCHAR));
    _snwprintf(cmd, len, L"\"%ls\" %ls", exe, args);
    free(args);

    SECURITY_ATTRIBUTES sa = {sizeof(sa), NULL, TRUE};
    /* stdout holds the JSON; stderr (what a crash handler or Wine prints) is kept apart. */
    HANDLE out = CreateFileW(out_path, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, &sa, CREATE_ALWAYS, 0, NULL);
    HANDLE err = CreateFileW(err_path, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, &sa, CREATE_ALWAYS, 0, NULL);
    if (out == INVALID_HANDLE_VALUE || err == INVALID_HANDLE_VALUE)
        rmc_fail("could not create %s: error %lu", fx_utf8(out_path), GetLastError());
    STARTUPINFOW si = {.cb = sizeof(si), .dwFlags = STARTF_USESTDHANDLES, .hStdInput = NULL,
                       .hStdOutput = out, .hStdError = err};
    PROCESS_INFORMATION pi;
    WCHAR *old_overrides = rmc_impl_is_system() ? NULL : override_rstrtmgr();
    fx_spawn(image, cmd, DEBUG_ONLY_THIS_PROCESS | CREATE_NO_WINDOW, &si, TRUE, &pi);
    if (!rmc_impl_is_system()) restore_overrides(old_overrides);
    CloseHandle(out);
    CloseHandle(err);
    free(cmd);

    debug_outcome o = {0};
    debug_until_exit(&pi, timeout_ms, &o);
    int hung = !o.exited;
    if (hung) {
        TerminateProcess(pi.hProcess, 0xF4);
        debug_until_exit(&pi, 5000, &o);
    }
    DebugActiveProcessStop(pi.dwProcessId);
    CloseHandle(pi.hProcess);

    char *text = read_text(report ? report : out_path), key[MAX_PATH];
    char *who = fx_utf8(image);
    snprintf(key, sizeof(key), "client.%s.output", who);
    rmc_obs_str(key, text);
    char *errors = read_text(err_path);
    if (errors[0]) {
        if (strlen(errors) > 1000) strcpy(errors + 990, " [...]");
        snprintf(key, sizeof(key), "client.%s.stderr", who);
        rmc_obs_str(key, errors);
    }
    snprintf(key, sizeof(key), "client.%s.exit_code", who);
    rmc_obs_hex(key, o.exit_code);
    if (exit_code) *exit_code = o.exit_code;

    if (o.crashed)
        client_crash(o.exit_code, "the client %s crashed: %s%s (it printed: %.300s)", who, o.crash,
                     rmc_impl_is_system() ? "" : " (rstrtmgr.dll is the implementation under test)", text);
    if (hung)
        rmc_fail("the client %s did not finish within %lu ms and was killed (it printed: %.400s)", who, timeout_ms, text);
    if (o.exit_code == 0xC0000139 || o.exit_code == 0xC0000135 || o.exit_code == 0xC000007B || !text[0])
        rmc_fail("the client %s could not run against this DLL: exit code 0x%08lX before printing anything "
                 "(0xC0000139: a function it imports is missing; 0xC0000135: a DLL was not found)", who,
                 (unsigned long)o.exit_code);

    const char *dll_end, *dll = find_value(text, "dll", &dll_end);
    WCHAR loaded[MAX_PATH] = L"", expected[MAX_PATH];
    if (dll && *dll == '"') {
        char raw[MAX_PATH * 2] = "";
        size_t n = 0;
        for (const char *p = dll + 1; p < dll_end - 1 && n < sizeof(raw) - 1; p++) raw[n++] = *p == '\\' ? *++p : *p;
        raw[n] = 0;
        MultiByteToWideChar(CP_UTF8, 0, raw, -1, loaded, MAX_PATH);
    }
    if (!rmc_impl_is_system()) {
        rmc_case_file(expected, L"rstrtmgr.dll", 0);
        if (!same_file(loaded, expected))
            rmc_unsupported("the client %s loaded rstrtmgr.dll from '%ls', not the copy of the implementation "
                            "beside it (the loader here will not run a client against this DLL)", who, loaded);
        DWORD stamp, size;
        if (client_has(text, "dll_stamp") && pe_identity(expected, &stamp, &size) &&
            (client_num(text, "dll_stamp") != stamp || client_num(text, "dll_size") != size))
            rmc_unsupported("the client %s loaded a rstrtmgr.dll named after the copy beside it whose PE header "
                            "differs (TimeDateStamp 0x%llx, SizeOfImage 0x%llx; the copy: 0x%lx, 0x%lx): the "
                            "loader here ran another implementation", who, client_num(text, "dll_stamp"),
                            client_num(text, "dll_size"), stamp, size);
    }
    return text;
}

const char *client_run(const WCHAR *image, DWORD timeout_ms, DWORD *exit_code, const WCHAR *args_fmt, ...)
{
    va_list ap;
    va_start(ap, args_fmt);
    const char *text = run_client(image, NULL, timeout_ms, exit_code, args_fmt, ap);
    va_end(ap);
    return text;
}

const char *client_run_report(const WCHAR *image, const WCHAR *report, DWORD timeout_ms, DWORD *exit_code,
                              const WCHAR *args_fmt, ...)
{
    va_list ap;
    va_start(ap, args_fmt);
    const char *text = run_client(image, report, timeout_ms, exit_code, args_fmt, ap);
    va_end(ap);
    return text;
}

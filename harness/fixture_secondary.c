/* fixture_secondary.c — the secondary installer in its own process (rmfx-secondary.exe): start it, read its JSON lines, send it commands.
 *
 * The protocol runs over a pipe pair of its own (--protocol-out/--protocol-in), not over the
 * secondary's stdout: an implementation that prints from its exports must not splice lines into
 * the protocol. The secondary's stdout and stderr go to a file in the case folder; what the
 * implementation printed there becomes an observation. A crash inside the secondary (a line
 * {"event":"crash",...}) is the case's crash, with the secondary's description of it. */
#include "fixture_internal.h"

/* ---- the secondary installer ------------------------------------------------------------------------ */

struct fixture_secondary {
    HANDLE process, out, in;    /* our ends of its protocol pipes */
    WCHAR output[MAX_PATH];     /* its stdout and stderr (the implementation's own printing) */
    int number;                 /* 1 for the case's first secondary, ... */
    int crashed, cleaning;
    char pending[65536];
    size_t npending;
    char **lines;
    size_t count, cap;
    int eof;
};

static const char *secondary_take_line(fixture_secondary *sec);

/* What the secondary (the implementation, in practice) printed on stdout/stderr, as an
 * observation: head only, it can be anything. */
static void secondary_output_obs(fixture_secondary *sec)
{
    HANDLE h = CreateFileW(sec->output, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE) return;
    char head[2049];
    DWORD got = 0;
    LARGE_INTEGER size = {0};
    GetFileSizeEx(h, &size);
    ReadFile(h, head, sizeof head - 1, &got, NULL);
    CloseHandle(h);
    if (!got) return;
    head[got] = 0;
    for (DWORD i = 0; i < got; i++) if (!head[i]) head[i] = ' ';
    char key[48], text[2200];
    if (sec->number > 1) snprintf(key, sizeof key, "secondary_%d_printed", sec->number);
    else snprintf(key, sizeof key, "secondary_printed");
    snprintf(text, sizeof text, "%s%s", head, size.QuadPart > (LONGLONG)got ? " [... cut]" : "");
    rmc_obs_str(key, text);
}

static void secondary_cleanup(void *arg)
{
    fixture_secondary *sec = arg;
    /* A crash the case never read about is still the case's crash. */
    sec->cleaning = 1;
    while (!sec->crashed && fixture_secondary_next(sec, 0)) {}
    if (sec->in) CloseHandle(sec->in);
    if (WaitForSingleObject(sec->process, 0) == WAIT_TIMEOUT) {
        TerminateProcess(sec->process, 0xF5);
        WaitForSingleObject(sec->process, FIXTURE_STOP_WAIT_MS);
    }
    CloseHandle(sec->process);
    CloseHandle(sec->out);
    secondary_output_obs(sec);
    for (size_t i = 0; i < sec->count; i++) free(sec->lines[i]);
    free(sec->lines);
    free(sec);
}

fixture_secondary *fixture_secondary_start(const WCHAR *key, const WCHAR *options_fmt, ...)
{
    static int started;
    fixture_secondary *sec = fx_calloc(1, sizeof(*sec));
    WCHAR exe[MAX_PATH], name[48];
    HANDLE child_out, child_in;
    va_list ap;
    va_start(ap, options_fmt);
    WCHAR *options = fx_vformat(options_fmt, ap);
    va_end(ap);

    sec->number = ++started;
    fx_bin_path(exe, L"rmfx-secondary.exe");
    _snwprintf(name, 48, L"secondary-%d.printed", sec->number);
    rmc_case_file(sec->output, name, 0);
    /* Pipes and the output file are made inheritable only for this CreateProcess, so no other
     * fixture keeps an end open and the end of its output is seen when it exits. */
    if (!CreatePipe(&sec->out, &child_out, NULL, 0) || !CreatePipe(&child_in, &sec->in, NULL, 0))
        rmc_fail("CreatePipe failed: %s", rmc_rc_str(GetLastError()));
    SECURITY_ATTRIBUTES inherit = {sizeof(inherit), NULL, TRUE};
    HANDLE printed = CreateFileW(sec->output, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                                 &inherit, CREATE_ALWAYS, 0, NULL);
    HANDLE nul = CreateFileW(L"NUL", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, &inherit, OPEN_EXISTING, 0, NULL);
    if (printed == INVALID_HANDLE_VALUE || nul == INVALID_HANDLE_VALUE)
        rmc_fail("could not open the secondary's output file: %s", rmc_rc_str(GetLastError()));
    SetHandleInformation(child_out, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
    SetHandleInformation(child_in, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
    size_t len = wcslen(exe) + wcslen(rmc_impl_path()) + wcslen(key) + wcslen(options) + 128;
    WCHAR *cmd = fx_calloc(len, sizeof(WCHAR));
    _snwprintf(cmd, len, L"\"%ls\" --dll \"%ls\" --key \"%ls\" --protocol-out %llu --protocol-in %llu %ls", exe,
               rmc_impl_path(), key, (unsigned long long)(ULONG_PTR)child_out, (unsigned long long)(ULONG_PTR)child_in,
               options);
    free(options);
    STARTUPINFOW si = { .cb = sizeof(si), .dwFlags = STARTF_USESTDHANDLES, .hStdInput = nul,
                        .hStdOutput = printed, .hStdError = printed };
    PROCESS_INFORMATION pi;
    /* No console (its protocol and output go through the handles above): a console would cost
     * a console host process per secondary. */
    fx_spawn(L"rmfx-secondary.exe", cmd, DETACHED_PROCESS, &si, TRUE, &pi);
    free(cmd);
    CloseHandle(child_out);
    CloseHandle(child_in);
    CloseHandle(printed);
    CloseHandle(nul);
    sec->process = pi.hProcess;
    rmc_defer(secondary_cleanup, sec);
    return sec;
}

/* {"event":"crash",...}: the implementation crashed the secondary. Recorded as the case's crash
 * (the record's C line outranks any status), then the case stops unless it is cleaning up. */
static void secondary_crashed(fixture_secondary *sec, const char *line)
{
    char call[64] = "?", code[16] = "0x00000000", detail[1400] = "";
    sec->crashed = 1;
    fixture_json_field(line, "call", call, sizeof call);
    fixture_json_field(line, "exception", code, sizeof code);
    if (!fixture_json_field(line, "detail", detail, sizeof detail)) snprintf(detail, sizeof detail, "exception %s", code);
    /* detail is still JSON-escaped: decode it through a literal. */
    rmc_buf lit = {0}, msg = {0};
    buf_printf(&lit, "\"%s\"", detail);
    char *plain = json_str_decode(lit.data);
    char text[1800];
    const char *what = plain ? plain : detail;
    if (strstr(what, " during ")) snprintf(text, sizeof text, "the implementation crashed rmfx-secondary (the secondary installer): %s", what);
    else snprintf(text, sizeof text, "the implementation crashed rmfx-secondary (the secondary installer) during %s: %s", call, what);
    free(plain);
    buf_json_str(&msg, text);
    unsigned long value = strtoul(code, NULL, 16);
    char code_text[16];
    snprintf(code_text, sizeof code_text, "0x%08lX", value);
    record_line("C", code_text, msg.data);
    buf_free(&lit);
    buf_free(&msg);
    if (!sec->cleaning) rmc_fail("%s", text);
}

static const char *secondary_take_line(fixture_secondary *sec)
{
    char *nl = memchr(sec->pending, '\n', sec->npending);
    if (!nl && !(sec->eof && sec->npending)) return NULL;
    size_t n = nl ? (size_t)(nl - sec->pending) : sec->npending;
    char *line = fx_calloc(n + 1, 1);
    memcpy(line, sec->pending, n);
    if (n && line[n - 1] == '\r') line[n - 1] = 0;
    sec->npending -= nl ? n + 1 : n;
    memmove(sec->pending, sec->pending + (nl ? n + 1 : n), sec->npending);
    if (sec->count == sec->cap) {
        sec->cap = sec->cap ? sec->cap * 2 : 16;
        char **grown = realloc(sec->lines, sec->cap * sizeof(char *));
        if (!grown) rmc_fail("out of memory");
        sec->lines = grown;
    }
    sec->lines[sec->count++] = line;
    if (!sec->crashed && strstr(line, "\"event\":\"crash\"")) secondary_crashed(sec, line);
    return line;
}

const char *fixture_secondary_next(fixture_secondary *sec, DWORD timeout_ms)
{
    DWORD start = GetTickCount();
    for (;;) {
        const char *line = secondary_take_line(sec);
        if (line || sec->eof) return line;
        DWORD avail = 0, got = 0;
        if (!PeekNamedPipe(sec->out, NULL, 0, NULL, &avail, NULL)) { sec->eof = 1; continue; }
        if (avail) {
            size_t room = sizeof(sec->pending) - sec->npending;
            if (!room) rmc_fail("rmfx-secondary printed a line longer than %zu bytes", sizeof(sec->pending));
            if (!ReadFile(sec->out, sec->pending + sec->npending, (DWORD)(avail < room ? avail : room), &got, NULL))
                sec->eof = 1;
            sec->npending += got;
            continue;
        }
        if (GetTickCount() - start >= timeout_ms) return NULL;
        Sleep(10);
    }
}

const char *fixture_secondary_wait_stay(fixture_secondary *sec, DWORD timeout_ms)
{
    DWORD start = GetTickCount();
    for (;;) {
        DWORD spent = GetTickCount() - start;
        const char *line = fixture_secondary_next(sec, spent < timeout_ms ? timeout_ms - spent : 0);
        if (!line || strstr(line, "\"event\":\"stay\"")) return line;
    }
}

void fixture_secondary_send(fixture_secondary *sec, const char *line)
{
    DWORD written;
    if (!sec->in || !WriteFile(sec->in, line, (DWORD)strlen(line), &written, NULL) ||
        !WriteFile(sec->in, "\n", 1, &written, NULL))
        rmc_fail("writing to rmfx-secondary failed: %s", rmc_rc_str(GetLastError()));
}

DWORD fixture_secondary_wait(fixture_secondary *sec, DWORD timeout_ms)
{
    DWORD start = GetTickCount(), code = 0;
    while (!sec->eof) {
        DWORD spent = GetTickCount() - start;
        if (spent >= timeout_ms || (!fixture_secondary_next(sec, timeout_ms - spent) && !sec->eof))
            rmc_fail("rmfx-secondary did not finish within %lu ms (%zu lines so far%s%.300s)", timeout_ms,
                     sec->count, sec->count ? ", last: " : "", sec->count ? sec->lines[sec->count - 1] : "");
    }
    while (fixture_secondary_next(sec, 0)) {}   /* lines still buffered */
    if (WaitForSingleObject(sec->process, FIXTURE_STOP_WAIT_MS) != WAIT_OBJECT_0)
        rmc_fail("rmfx-secondary closed its output but did not exit");
    GetExitCodeProcess(sec->process, &code);
    return code;
}

size_t fixture_secondary_count(const fixture_secondary *sec) { return sec->count; }
const char *fixture_secondary_line(const fixture_secondary *sec, size_t i) { return i < sec->count ? sec->lines[i] : NULL; }

int fixture_json_field(const char *json_line, const char *key, char *out, size_t size)
{
    char pattern[64];
    snprintf(pattern, sizeof(pattern), "\"%s\":", key);
    const char *p = strstr(json_line, pattern);
    if (!p) return 0;
    p += strlen(pattern);
    int quoted = *p == '"';
    p += quoted;
    size_t n = 0;
    while (p[n] && (quoted ? p[n] != '"' : (p[n] != ',' && p[n] != '}'))) n += (quoted && p[n] == '\\' && p[n + 1]) ? 2 : 1;
    if (size) {
        if (n >= size) n = size - 1;
        memcpy(out, p, n);
        out[n] = 0;
    }
    return 1;
}

DWORD fixture_secondary_rc(fixture_secondary *sec, const char *call, unsigned nth)
{
    char name[64], rc[32];
    unsigned seen = 0;
    for (size_t i = 0; i < sec->count; i++) {
        if (!fixture_json_field(sec->lines[i], "call", name, sizeof(name)) || strcmp(name, call)) continue;
        if (++seen < (nth ? nth : 1)) continue;
        if (!fixture_json_field(sec->lines[i], "rc", rc, sizeof(rc)))
            rmc_fail("rmfx-secondary: %s did not return: %.300s", call, sec->lines[i]);
        return (DWORD)strtoul(rc, NULL, 10);
    }
    rmc_fail("rmfx-secondary printed no %u. %s line (%zu lines%s%.300s)", nth ? nth : 1, call, sec->count,
             sec->count ? ", last: " : "", sec->count ? sec->lines[sec->count - 1] : "");
}

void fixture_secondary_obs(fixture_secondary *sec, const char *key)
{
    size_t len = 3;
    for (size_t i = 0; i < sec->count; i++) len += strlen(sec->lines[i]) + 1;
    char *json = fx_calloc(len, 1), *p = json;
    *p++ = '[';
    for (size_t i = 0; i < sec->count; i++) p += sprintf(p, "%s%s", i ? "," : "", sec->lines[i]);
    *p++ = ']';
    rmc_obs_json(key, json);
    free(json);
}

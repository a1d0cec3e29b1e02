/* checks.c — the case-side API: context, observations, checks, and the record channel that
 * carries them to the runner line by line (so nothing is lost if the case then crashes). */
#include "internal.h"
#include "crash_report.h"
#include <stdlib.h>
#include <string.h>

/* ---- record channel ----------------------------------------------------------------------- */
static HANDLE record_handle = INVALID_HANDLE_VALUE;
static int status_written;

void record_open(const WCHAR *path)
{
    record_handle = CreateFileW(path, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                                OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
}

/* One line "tag\ta\tb\n"; a or b may be NULL. WriteFile goes straight to the OS, so a line
 * written before a crash survives the process. Uses no heap for short lines: callable from
 * the crash filter. */
void record_line(const char *tag, const char *a, const char *b)
{
    char small[1024];
    size_t need = strlen(tag) + (a ? strlen(a) + 1 : 0) + (b ? strlen(b) + 1 : 0) + 2;
    char *line = need <= sizeof(small) ? small : malloc(need);
    if (!line || record_handle == INVALID_HANDLE_VALUE) return;
    size_t n = 0;
    n += (size_t)sprintf(line + n, "%s", tag);
    if (a) n += (size_t)sprintf(line + n, "\t%s", a);
    if (b) n += (size_t)sprintf(line + n, "\t%s", b);
    line[n++] = '\n';
    DWORD done;
    if (!WriteFile(record_handle, line, (DWORD)n, &done, NULL) && crash_board_get())
        /* Something in the case process closed or broke the handle: tell the runner another way. */
        crash_board_get()->record_lost = (LONG)GetLastError() ? (LONG)GetLastError() : 1;
    if (line != small) free(line);
    if (!strcmp(tag, "S")) status_written = 1;
}

int checks_status_written(void) { return status_written; }
void checks_reset_for_case(void) { status_written = 0; }

/* ---- context --------------------------------------------------------------------------------- */
static struct {
    const rmc_case *c;
    rmc_profile os;
    const WCHAR *impl;
    int is_system;
    WCHAR case_dir[MAX_PATH];
    const WCHAR *run_id;
    unsigned caps;
} ctx;

void set_case_context(const rmc_case *c, rmc_profile os, const WCHAR *impl, int is_system,
                      const WCHAR *case_dir, const WCHAR *run_id, unsigned caps)
{
    ctx.c = c;
    ctx.os = os;
    ctx.impl = impl;
    ctx.is_system = is_system;
    /* The runner keeps scratch paths short enough (outdir.c); never an unterminated buffer. */
    _snwprintf(ctx.case_dir, MAX_PATH, L"%ls%ls", case_dir,
               case_dir[0] && case_dir[wcslen(case_dir) - 1] != '\\' ? L"\\" : L"");
    ctx.case_dir[MAX_PATH - 1] = 0;
    ctx.run_id = run_id;
    ctx.caps = caps;
}

rmc_profile rmc_os(void) { return ctx.os; }
const rmc_case *rmc_current_case(void) { return ctx.c; }
const WCHAR *rmc_impl_path(void) { return ctx.impl; }
int rmc_impl_is_system(void) { return ctx.is_system; }
const WCHAR *rmc_bin_dir(void) { return self_dir(); }
const WCHAR *rmc_case_dir(void) { return ctx.case_dir; }
const WCHAR *rmc_run_id(void) { return ctx.run_id ? ctx.run_id : L"manual"; }
unsigned rmc_platform_caps(void) { return ctx.caps; }

void rmc_case_file(WCHAR out[MAX_PATH], const WCHAR *name, int create)
{
    int n = _snwprintf(out, MAX_PATH, L"%ls%ls", ctx.case_dir, name);
    out[MAX_PATH - 1] = 0;
    if (n < 0 || n >= MAX_PATH) {
        /* A truncated name would be another file: say so instead of a verdict on the DLL. */
        char *p = utf8_from_wide(ctx.case_dir);
        rmc_unsupported("the scratch file name %s%ls does not fit in MAX_PATH; use a shorter TEMP folder", p, name);
    }
    if (!create) return;
    HANDLE h = CreateFileW(out, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                           NULL, CREATE_ALWAYS, 0, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        char *p = utf8_from_wide(out);
        rmc_fail("could not create the scratch file %s: error %lu", p, GetLastError());
    }
    DWORD done;
    WriteFile(h, "rmconform\r\n", 11, &done, NULL);
    CloseHandle(h);
}

/* ---- deferred cleanups ----------------------------------------------------------------------- */
static struct { void (*fn)(void *); void *arg; } deferred[64];
static int ndeferred;

void rmc_defer(void (*fn)(void *), void *arg)
{
    if (ndeferred == (int)(sizeof(deferred) / sizeof(deferred[0])))
        rmc_fail("too many deferred cleanups in one case");
    deferred[ndeferred].fn = fn;
    deferred[ndeferred].arg = arg;
    ndeferred++;
}

void run_deferred(void)
{
    while (ndeferred > 0) {
        ndeferred--;
        deferred[ndeferred].fn(deferred[ndeferred].arg);
    }
}

/* ---- error names ----------------------------------------------------------------------------- */
static const struct { DWORD code; const char *name; } error_names[] = {
    {0, "ERROR_SUCCESS"}, {1, "ERROR_INVALID_FUNCTION"}, {2, "ERROR_FILE_NOT_FOUND"},
    {3, "ERROR_PATH_NOT_FOUND"}, {5, "ERROR_ACCESS_DENIED"}, {6, "ERROR_INVALID_HANDLE"},
    {8, "ERROR_NOT_ENOUGH_MEMORY"}, {14, "ERROR_OUTOFMEMORY"}, {22, "ERROR_BAD_COMMAND"},
    {29, "ERROR_WRITE_FAULT"}, {32, "ERROR_SHARING_VIOLATION"}, {50, "ERROR_NOT_SUPPORTED"},
    {87, "ERROR_INVALID_PARAMETER"}, {120, "ERROR_CALL_NOT_IMPLEMENTED"},
    {121, "ERROR_SEM_TIMEOUT"}, {122, "ERROR_INSUFFICIENT_BUFFER"}, {160, "ERROR_BAD_ARGUMENTS"},
    {183, "ERROR_ALREADY_EXISTS"}, {234, "ERROR_MORE_DATA"}, {259, "ERROR_NO_MORE_ITEMS"},
    {350, "ERROR_FAIL_NOACTION_REBOOT"}, {351, "ERROR_FAIL_SHUTDOWN"}, {352, "ERROR_FAIL_RESTART"},
    {353, "ERROR_MAX_SESSIONS_REACHED"}, {776, "ERROR_REQUEST_OUT_OF_SEQUENCE"},
    {1051, "ERROR_DEPENDENT_SERVICES_RUNNING"}, {1052, "ERROR_INVALID_SERVICE_CONTROL"},
    {1053, "ERROR_SERVICE_REQUEST_TIMEOUT"}, {1056, "ERROR_SERVICE_ALREADY_RUNNING"},
    {1060, "ERROR_SERVICE_DOES_NOT_EXIST"}, {1061, "ERROR_SERVICE_CANNOT_ACCEPT_CTRL"},
    {1062, "ERROR_SERVICE_NOT_ACTIVE"}, {1072, "ERROR_SERVICE_MARKED_FOR_DELETE"},
    {1114, "ERROR_DLL_INIT_FAILED"}, {1359, "ERROR_INTERNAL_ERROR"}, {1168, "ERROR_NOT_FOUND"},
    {1219, "ERROR_SESSION_CREDENTIAL_CONFLICT"}, {1223, "ERROR_CANCELLED"},
    {1460, "ERROR_TIMEOUT"},
};

const char *rmc_error_name(DWORD code)
{
    for (size_t i = 0; i < sizeof(error_names) / sizeof(error_names[0]); i++)
        if (error_names[i].code == code) return error_names[i].name;
    return "error";
}

const char *rmc_rc_str(DWORD code)
{
    static char ring[8][64];
    static int next;
    char *s = ring[next++ & 7];
    snprintf(s, 64, "%s (%lu)", rmc_error_name(code), (unsigned long)code);
    return s;
}

/* ---- observations ------------------------------------------------------------------------------ */
void rmc_obs_json(const char *key, const char *raw_json) { record_line("O", key, raw_json); }

void rmc_obs_rc(const char *key, DWORD rc)
{
    rmc_buf b = {0};
    buf_json_str(&b, rmc_rc_str(rc));
    rmc_obs_json(key, b.data);
    buf_free(&b);
}

void rmc_obs_int(const char *key, long long v)
{
    char s[32];
    snprintf(s, sizeof s, "%lld", v);
    rmc_obs_json(key, s);
}

void rmc_obs_hex(const char *key, unsigned long long v)
{
    char s[32];
    snprintf(s, sizeof s, "\"0x%llx\"", v);
    rmc_obs_json(key, s);
}

void rmc_obs_bool(const char *key, int v) { rmc_obs_json(key, v ? "true" : "false"); }

void rmc_obs_str(const char *key, const char *utf8)
{
    rmc_buf b = {0};
    buf_json_str(&b, utf8);
    rmc_obs_json(key, b.data);
    buf_free(&b);
}

void rmc_obs_wstr(const char *key, const WCHAR *s, size_t max_chars)
{
    rmc_buf b = {0};
    buf_json_wstr(&b, s, max_chars);
    rmc_obs_json(key, b.data);
    buf_free(&b);
}

void rmc_obs_strs(const char *key, const char *const *items, size_t n)
{
    rmc_buf b = {0};
    buf_puts(&b, "[");
    for (size_t i = 0; i < n; i++) {
        if (i) buf_puts(&b, ", ");
        buf_json_str(&b, items[i]);
    }
    buf_puts(&b, "]");
    rmc_obs_json(key, b.data);
    buf_free(&b);
}

/* ---- checks ---------------------------------------------------------------------------------- */
static void record_message(const char *file, int line, const char *msg)
{
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    rmc_buf b = {0};
    char full[1200];
    snprintf(full, sizeof full, "%s (%s:%d)", msg, base, line);
    buf_json_str(&b, full);
    record_line("M", b.data, NULL);
    buf_free(&b);
}

void rmc_fail_at(const char *file, int line, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    record_message(file, line, msg);
    record_line("S", "fail", NULL);
    fail_msg("%s", msg);
    abort(); /* fail_msg does not return; keeps the noreturn promise for the compiler */
}

void rmc_check_rc_at(const char *file, int line, const char *key, DWORD rc, DWORD want)
{
    rmc_obs_rc(key, rc);
    if (rc != want)
        rmc_fail_at(file, line, "%s returned %s, expected %s", key, rmc_rc_str(rc), rmc_rc_str(want));
}

void rmc_unsupported(const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    rmc_buf b = {0};
    buf_json_str(&b, msg);
    record_line("M", b.data, NULL);
    buf_free(&b);
    record_line("S", "unsupported", NULL);
    skip();
    abort();
}

void rmc_blocked(const char *see_case, const char *fmt, ...)
{
    char msg[1024], full[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (see_case && *see_case) snprintf(full, sizeof full, "blocked: %s (see %s)", msg, see_case);
    else snprintf(full, sizeof full, "blocked: %s", msg);
    rmc_buf b = {0};
    buf_json_str(&b, full);
    record_line("M", b.data, NULL);
    buf_free(&b);
    if (see_case && *see_case) {
        b.len = 0;
        buf_json_str(&b, see_case);
        record_line("B", b.data, NULL);
        buf_free(&b);
    }
    record_line("S", "blocked", NULL);
    skip();
    abort();
}

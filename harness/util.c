/* util.c — strings, JSON/XML escaping, files and folders for the runner. */
#include "internal.h"
#include <stdlib.h>
#include <string.h>

static void buf_grow(rmc_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1) cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) { fputs("rmconform: out of memory\n", stderr); ExitProcess(3); }
    b->data = p;
    b->cap = cap;
}

void buf_put(rmc_buf *b, const char *s, size_t n)
{
    buf_grow(b, n);
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = 0;
}

void buf_puts(rmc_buf *b, const char *s) { buf_put(b, s, strlen(s)); }

void buf_printf(rmc_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    buf_grow(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* ---- UTF-8 ----------------------------------------------------------------------------------
 * Everything the runner writes is UTF-8, whatever it was given: bytes from an implementation's
 * output, a file name in the ANSI code page, a string with a lone surrogate. Invalid sequences
 * become U+FFFD. */

/* Decodes one UTF-8 sequence at p (n bytes left); returns its length (>= 1) and the code point
 * in *cp, or U+FFFD with length 1 for an invalid, overlong, surrogate or truncated sequence. */
static size_t utf8_next(const unsigned char *p, size_t n, unsigned *cp)
{
    unsigned c = p[0];
    size_t len;
    unsigned min;
    if (c < 0x80) { *cp = c; return 1; }
    if (c >= 0xC2 && c <= 0xDF) { len = 2; min = 0x80; c &= 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; min = 0x800; c &= 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; min = 0x10000; c &= 0x07; }
    else { *cp = 0xFFFD; return 1; }
    if (n < len) { *cp = 0xFFFD; return 1; }
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80) { *cp = 0xFFFD; return 1; }
        c = (c << 6) | (p[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) { *cp = 0xFFFD; return 1; }
    *cp = c;
    return len;
}

static void buf_utf8(rmc_buf *b, unsigned cp)
{
    char o[4];
    size_t n;
    if (cp < 0x80) { o[0] = (char)cp; n = 1; }
    else if (cp < 0x800) { o[0] = (char)(0xC0 | (cp >> 6)); o[1] = (char)(0x80 | (cp & 0x3F)); n = 2; }
    else if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12)); o[1] = (char)(0x80 | ((cp >> 6) & 0x3F)); o[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        o[0] = (char)(0xF0 | (cp >> 18)); o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        o[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); o[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    buf_put(b, o, n);
}

/* One code point inside a JSON string literal. */
static void json_char(rmc_buf *b, unsigned cp)
{
    switch (cp) {
    case '"': buf_put(b, "\\\"", 2); break;
    case '\\': buf_put(b, "\\\\", 2); break;
    case '\n': buf_put(b, "\\n", 2); break;
    case '\r': buf_put(b, "\\r", 2); break;
    case '\t': buf_put(b, "\\t", 2); break;
    default:
        /* Controls, and what line-oriented readers take for a line break (NEL, U+2028/9), are
         * escaped, so results.jsonl stays one record per line for every reader. */
        if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || cp == 0x2028 || cp == 0x2029) buf_printf(b, "\\u%04x", cp);
        else buf_utf8(b, cp);
    }
}

void buf_json_str(rmc_buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t n = strlen((const char *)p);
    buf_put(b, "\"", 1);
    while (n) {
        unsigned cp;
        size_t len = utf8_next(p, n, &cp);
        json_char(b, cp);
        p += len;
        n -= len;
    }
    buf_put(b, "\"", 1);
}

/* Bounded: an implementation's string may lack its terminator. Surrogate pairs become the
 * character they encode; a lone surrogate becomes U+FFFD (rmc_wstr_shown spells it for
 * messages). */
void buf_json_wstr(rmc_buf *b, const WCHAR *s, size_t max_chars)
{
    buf_put(b, "\"", 1);
    for (size_t i = 0; s && i < max_chars && s[i]; i++) {
        unsigned c = s[i];
        if (c >= 0xD800 && c <= 0xDBFF && i + 1 < max_chars && s[i + 1] >= 0xDC00 && s[i + 1] <= 0xDFFF) {
            c = 0x10000 + ((c - 0xD800) << 10) + (s[i + 1] - 0xDC00u);
            i++;
        } else if (c >= 0xD800 && c <= 0xDFFF)
            c = 0xFFFD;
        json_char(b, c);
    }
    buf_put(b, "\"", 1);
}

char *rmc_wstr_shown(const WCHAR *s, size_t max_chars)
{
    rmc_buf b = {0};
    buf_puts(&b, "");
    for (size_t i = 0; s && i < max_chars && s[i]; i++) {
        unsigned c = s[i];
        if (c >= 0xD800 && c <= 0xDBFF && i + 1 < max_chars && s[i + 1] >= 0xDC00 && s[i + 1] <= 0xDFFF) {
            buf_utf8(&b, 0x10000 + ((c - 0xD800) << 10) + (s[i + 1] - 0xDC00u));
            i++;
        } else if ((c >= 0xD800 && c <= 0xDFFF) || c < 0x20 || (c >= 0x7F && c < 0xA0) || c == 0xFFFE || c == 0xFFFF)
            buf_printf(&b, "\\u%04x", c);     /* spelled out: the user sees what came back */
        else if (c == '\\')
            buf_puts(&b, "\\\\");
        else
            buf_utf8(&b, c);
    }
    return b.data;
}

/* XML 1.0 allows #x9 #xA #xD [#x20-#xD7FF] [#xE000-#xFFFD] [#x10000-#x10FFFF]; anything else
 * (controls, U+FFFE/U+FFFF, invalid UTF-8) is written as U+FFFD. */
void buf_xml_str(rmc_buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t n = strlen((const char *)p);
    while (n) {
        unsigned cp;
        size_t len = utf8_next(p, n, &cp);
        p += len;
        n -= len;
        switch (cp) {
        case '<': buf_puts(b, "&lt;"); break;
        case '>': buf_puts(b, "&gt;"); break;
        case '&': buf_puts(b, "&amp;"); break;
        case '"': buf_puts(b, "&quot;"); break;
        case '\n': buf_puts(b, "&#10;"); break;
        case '\r': buf_puts(b, "&#13;"); break;
        case '\t': buf_puts(b, "&#9;"); break;
        default:
            if (cp < 0x20 || cp == 0xFFFE || cp == 0xFFFF) cp = 0xFFFD;
            buf_utf8(b, cp);
        }
    }
}

void buf_free(rmc_buf *b) { free(b->data); b->data = NULL; b->len = b->cap = 0; }

static int hex4(const char *s, unsigned *v)
{
    *v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0') : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                   : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16u;
        if (d == 16) return 0;
        *v = *v * 16 + d;
    }
    return 1;
}

/* Decodes a JSON string literal as written by buf_json_str/buf_json_wstr (and the crash
 * filter) into UTF-8 text for a message: escapes and surrogate pairs become characters, a lone
 * surrogate escape stays visible as the text \udXXX, invalid UTF-8 becomes U+FFFD. */
char *json_str_decode(const char *s)
{
    rmc_buf b = {0};
    buf_puts(&b, "");
    if (*s == '"') s++;
    while (*s && *s != '"') {
        if (*s != '\\') {
            unsigned cp;
            size_t len = utf8_next((const unsigned char *)s, strlen(s), &cp);
            buf_utf8(&b, cp);
            s += len;
            continue;
        }
        s++;
        switch (*s) {
        case 'n': buf_put(&b, "\n", 1); break;
        case 'r': buf_put(&b, "\r", 1); break;
        case 't': buf_put(&b, "\t", 1); break;
        case 'b': buf_put(&b, "\b", 1); break;
        case 'f': buf_put(&b, "\f", 1); break;
        case 'u': {
            unsigned v, w;
            if (!hex4(s + 1, &v)) { buf_put(&b, "\\u", 2); break; }
            s += 4;
            if (v >= 0xD800 && v <= 0xDBFF && s[1] == '\\' && s[2] == 'u' && hex4(s + 3, &w) && w >= 0xDC00 &&
                w <= 0xDFFF) {
                buf_utf8(&b, 0x10000 + ((v - 0xD800) << 10) + (w - 0xDC00));
                s += 6;
            } else if (v >= 0xD800 && v <= 0xDFFF)
                buf_printf(&b, "\\u%04x", v);
            else
                buf_utf8(&b, v);
            break;
        }
        case 0: s--; break;
        default: buf_put(&b, s, 1);
        }
        s++;
    }
    return b.data;
}

/* ---- JSON values from the record file (json_value_clean) ---------------------------------- */
static const char *skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
    return p;
}

static const char *clean_value(const char *p, rmc_buf *out, int depth);

static const char *clean_string(const char *p, rmc_buf *out)
{
    if (*p != '"') return NULL;
    buf_put(out, "\"", 1);
    p++;
    for (;;) {
        unsigned char c = (unsigned char)*p;
        if (!c || c < 0x20) return NULL;
        if (c == '"') { buf_put(out, "\"", 1); return p + 1; }
        if (c == '\\') {
            char e = p[1];
            if (e == 'u') {
                unsigned v, w;
                if (!hex4(p + 2, &v)) return NULL;
                if (v >= 0xD800 && v <= 0xDBFF && p[6] == '\\' && p[7] == 'u' && hex4(p + 8, &w) && w >= 0xDC00 &&
                    w <= 0xDFFF) {
                    buf_put(out, p, 12);
                    p += 12;
                } else if (v >= 0xD800 && v <= 0xDFFF) {
                    buf_puts(out, "\\ufffd");
                    p += 6;
                } else {
                    buf_put(out, p, 6);
                    p += 6;
                }
                continue;
            }
            if (!e || !strchr("\"\\/bfnrt", e)) return NULL;
            buf_put(out, p, 2);
            p += 2;
            continue;
        }
        unsigned cp;
        size_t len = utf8_next((const unsigned char *)p, strlen(p), &cp);
        buf_utf8(out, cp);
        p += len;
    }
}

static const char *clean_number(const char *p, rmc_buf *out)
{
    const char *start = p;
    if (*p == '-') p++;
    if (*p == '0') p++;
    else if (*p >= '1' && *p <= '9') while (*p >= '0' && *p <= '9') p++;
    else return NULL;
    if (*p == '.') {
        p++;
        if (!(*p >= '0' && *p <= '9')) return NULL;
        while (*p >= '0' && *p <= '9') p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-') p++;
        if (!(*p >= '0' && *p <= '9')) return NULL;
        while (*p >= '0' && *p <= '9') p++;
    }
    buf_put(out, start, (size_t)(p - start));
    return p;
}

static const char *clean_value(const char *p, rmc_buf *out, int depth)
{
    if (depth > 64) return NULL;
    p = skip_ws(p);
    static const char *const words[] = {"true", "false", "null"};
    for (int i = 0; i < 3; i++)
        if (!strncmp(p, words[i], strlen(words[i]))) {
            buf_puts(out, words[i]);
            return p + strlen(words[i]);
        }
    if (*p == '"') return clean_string(p, out);
    if (*p == '[' || *p == '{') {
        char close = *p == '[' ? ']' : '}';
        int object = *p == '{';
        buf_put(out, p, 1);
        p = skip_ws(p + 1);
        if (*p == close) { buf_put(out, p, 1); return p + 1; }
        for (;;) {
            if (object) {
                p = clean_string(skip_ws(p), out);
                if (!p) return NULL;
                p = skip_ws(p);
                if (*p != ':') return NULL;
                buf_puts(out, ": ");
                p++;
            }
            p = clean_value(p, out, depth + 1);
            if (!p) return NULL;
            p = skip_ws(p);
            if (*p == close) { buf_put(out, p, 1); return p + 1; }
            if (*p != ',') return NULL;
            buf_puts(out, ", ");
            p++;
        }
    }
    return clean_number(p, out);
}

int json_value_clean(const char *text, rmc_buf *out)
{
    out->len = 0;
    buf_puts(out, "");
    const char *p = clean_value(text ? text : "", out, 0);
    return p && !*skip_ws(p);
}

char *utf8_from_wide(const WCHAR *w)
{
    if (!w) w = L"";
    int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
    char *s = malloc(n > 0 ? (size_t)n : 1);
    if (!s) ExitProcess(3);
    if (n <= 0) { s[0] = 0; return s; }
    WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL);
    return s;
}

WCHAR *wide_from_utf8(const char *s)
{
    if (!s) s = "";
    int n = MultiByteToWideChar(CP_UTF8, 0, s, -1, NULL, 0);
    WCHAR *w = malloc(sizeof(WCHAR) * (n > 0 ? (size_t)n : 1));
    if (!w) ExitProcess(3);
    if (n <= 0) { w[0] = 0; return w; }
    MultiByteToWideChar(CP_UTF8, 0, s, -1, w, n);
    return w;
}

void iso_time_now(char out[32])
{
    SYSTEMTIME st;
    GetSystemTime(&st);
    snprintf(out, 32, "%04u-%02u-%02uT%02u:%02u:%02uZ", st.wYear, st.wMonth, st.wDay, st.wHour,
             st.wMinute, st.wSecond);
}

int make_dirs(const WCHAR *path)
{
    WCHAR tmp[2048];
    if (wcslen(path) >= 2048) return 0;
    wcscpy(tmp, path);
    for (WCHAR *p = tmp; *p; p++) {
        if ((*p == '\\' || *p == '/') && p > tmp && p[-1] != ':') {
            WCHAR c = *p;
            *p = 0;
            CreateDirectoryW(tmp, NULL);
            *p = c;
        }
    }
    if (!CreateDirectoryW(tmp, NULL) && GetLastError() != ERROR_ALREADY_EXISTS) return 0;
    return 1;
}

int remove_tree(const WCHAR *path)
{
    WCHAR pat[MAX_PATH * 2];
    WIN32_FIND_DATAW fd;
    _snwprintf(pat, MAX_PATH * 2, L"%ls\\*", path);
    HANDLE h = FindFirstFileW(pat, &fd);
    if (h != INVALID_HANDLE_VALUE) {
        do {
            if (!wcscmp(fd.cFileName, L".") || !wcscmp(fd.cFileName, L"..")) continue;
            WCHAR child[MAX_PATH * 2];
            _snwprintf(child, MAX_PATH * 2, L"%ls\\%ls", path, fd.cFileName);
            if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) remove_tree(child);
            else { SetFileAttributesW(child, FILE_ATTRIBUTE_NORMAL); DeleteFileW(child); }
        } while (FindNextFileW(h, &fd));
        FindClose(h);
    }
    return RemoveDirectoryW(path) != 0;
}

const WCHAR *self_dir(void)
{
    static WCHAR dir[MAX_PATH];
    if (!dir[0]) {
        GetModuleFileNameW(NULL, dir, MAX_PATH);
        WCHAR *slash = wcsrchr(dir, '\\');
        if (slash) slash[1] = 0;
    }
    return dir;
}

int write_text_file(const WCHAR *path, const char *data, size_t n)
{
    HANDLE h = CreateFileW(path, GENERIC_WRITE, FILE_SHARE_READ, NULL, CREATE_ALWAYS, 0, NULL);
    if (h == INVALID_HANDLE_VALUE) return 0;
    DWORD done = 0;
    BOOL ok = WriteFile(h, data, (DWORD)n, &done, NULL) && done == n;
    CloseHandle(h);
    return ok;
}

char *read_text_file(const WCHAR *path, size_t *n)
{
    HANDLE h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                           NULL, OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE) return NULL;
    LARGE_INTEGER size;
    if (!GetFileSizeEx(h, &size) || size.QuadPart > 64 * 1024 * 1024) { CloseHandle(h); return NULL; }
    char *data = malloc((size_t)size.QuadPart + 1);
    DWORD got = 0;
    if (!data || !ReadFile(h, data, (DWORD)size.QuadPart, &got, NULL)) { free(data); CloseHandle(h); return NULL; }
    CloseHandle(h);
    data[got] = 0;
    if (n) *n = got;
    return data;
}

BOOL create_process_retrying(WCHAR *cmdline, BOOL inherit, DWORD flags, STARTUPINFOW *si, PROCESS_INFORMATION *pi)
{
    /* Wine sometimes fails CreateProcess under load with ERROR_INTERNAL_ERROR and succeeds when
     * asked again (docs/wine-notes.md); a case or a fixture must not be lost to that. */
    for (int attempt = 0;; attempt++) {
        if (CreateProcessW(NULL, cmdline, NULL, NULL, inherit, flags, NULL, NULL, si, pi)) return TRUE;
        DWORD err = GetLastError();
        if (err != ERROR_INTERNAL_ERROR || attempt == 3) { SetLastError(err); return FALSE; }
        Sleep(250u * (unsigned)(attempt + 1));
    }
}

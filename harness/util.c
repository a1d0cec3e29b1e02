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

void buf_json_str(rmc_buf *b, const char *s)
{
    buf_put(b, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        switch (*p) {
        case '"': buf_put(b, "\\\"", 2); break;
        case '\\': buf_put(b, "\\\\", 2); break;
        case '\n': buf_put(b, "\\n", 2); break;
        case '\r': buf_put(b, "\\r", 2); break;
        case '\t': buf_put(b, "\\t", 2); break;
        default:
            if (*p < 0x20) buf_printf(b, "\\u%04x", *p);
            else buf_put(b, (const char *)p, 1);
        }
    }
    buf_put(b, "\"", 1);
}

void buf_json_wstr(rmc_buf *b, const WCHAR *s, size_t max_chars)
{
    /* Bounded: an implementation's string may lack its terminator. Lone surrogates and other
     * oddities are escaped so the record stays valid JSON. */
    buf_put(b, "\"", 1);
    for (size_t i = 0; s && i < max_chars && s[i]; i++) {
        WCHAR c = s[i];
        if (c == '"' || c == '\\') { char e[3] = {'\\', (char)c, 0}; buf_puts(b, e); }
        else if (c >= 0x20 && c < 0x7f) { char ch = (char)c; buf_put(b, &ch, 1); }
        else buf_printf(b, "\\u%04x", c);
    }
    buf_put(b, "\"", 1);
}

void buf_xml_str(rmc_buf *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        switch (*p) {
        case '<': buf_puts(b, "&lt;"); break;
        case '>': buf_puts(b, "&gt;"); break;
        case '&': buf_puts(b, "&amp;"); break;
        case '"': buf_puts(b, "&quot;"); break;
        case '\n': buf_puts(b, "&#10;"); break;
        default:
            if (*p < 0x20 && *p != '\t') buf_puts(b, "?");
            else buf_put(b, (const char *)p, 1);
        }
    }
}

void buf_free(rmc_buf *b) { free(b->data); b->data = NULL; b->len = b->cap = 0; }

/* Decodes a JSON string literal as written by buf_json_str/buf_json_wstr (and the crash
 * filter): escapes and \uXXXX (BMP) become UTF-8. */
char *json_str_decode(const char *s)
{
    size_t n = strlen(s);
    char *out = malloc(3 * n + 1), *o = out;
    if (!out) ExitProcess(3);
    if (*s == '"') s++;
    for (; *s && *s != '"'; s++) {
        if (*s != '\\') { *o++ = *s; continue; }
        s++;
        switch (*s) {
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u': {
            unsigned v = 0;
            if (sscanf(s + 1, "%4x", &v) != 1) break;
            s += 4;
            if (v < 0x80) *o++ = (char)v;
            else if (v < 0x800) { *o++ = (char)(0xC0 | (v >> 6)); *o++ = (char)(0x80 | (v & 0x3F)); }
            else { *o++ = (char)(0xE0 | (v >> 12)); *o++ = (char)(0x80 | ((v >> 6) & 0x3F)); *o++ = (char)(0x80 | (v & 0x3F)); }
            break;
        }
        case 0: s--; break;
        default: *o++ = *s;
        }
    }
    *o = 0;
    return out;
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
    WCHAR tmp[MAX_PATH * 2];
    if (wcslen(path) >= MAX_PATH * 2) return 0;
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

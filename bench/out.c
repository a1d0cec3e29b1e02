/* out.c — timing and the raw JSON-lines output of rmbench.exe. */
#include "bench.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double bench_now_ms(void)
{
    static LARGE_INTEGER freq;
    LARGE_INTEGER now;
    if (!freq.QuadPart) QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&now);
    return (double)now.QuadPart * 1000.0 / (double)freq.QuadPart;
}

static void jb_grow(jbuf *b, size_t more)
{
    if (b->len + more + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + more + 1) cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) { fprintf(stderr, "rmbench: out of memory\n"); ExitProcess(3); }
    b->p = p;
    b->cap = cap;
}

void jb_raw(jbuf *b, const char *s)
{
    size_t n = strlen(s);
    jb_grow(b, n);
    memcpy(b->p + b->len, s, n + 1);
    b->len += n;
}

void jb_printf(jbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n <= 0) return;
    jb_grow(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

static void jb_sep(jbuf *b)
{
    if (b->len) jb_raw(b, ", ");
}

static void jb_escaped(jbuf *b, const char *s)
{
    jb_raw(b, "\"");
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') jb_printf(b, "\\%c", c);
        else if (c < 0x20) jb_printf(b, "\\u%04x", c);
        else jb_printf(b, "%c", c);
    }
    jb_raw(b, "\"");
}

void jb_str(jbuf *b, const char *key, const char *value)
{
    jb_sep(b);
    jb_printf(b, "\"%s\": ", key);
    jb_escaped(b, value ? value : "");
}

void jb_wstr(jbuf *b, const char *key, const WCHAR *value)
{
    char utf8[4 * MAX_PATH] = "";
    if (value) WideCharToMultiByte(CP_UTF8, 0, value, -1, utf8, sizeof utf8, NULL, NULL);
    jb_str(b, key, utf8);
}

void jb_num(jbuf *b, const char *key, double value)
{
    jb_sep(b);
    /* whole numbers in full: error and exception codes (0xC0000005) must survive */
    if (value == (double)(long long)value && value < 9e15 && value > -9e15) jb_printf(b, "\"%s\": %lld", key, (long long)value);
    else jb_printf(b, "\"%s\": %.6g", key, value);
}

void jb_samples(jbuf *b, const char *key, const double *v, size_t n)
{
    jb_sep(b);
    jb_printf(b, "\"%s\": [", key);
    for (size_t i = 0; i < n; i++) jb_printf(b, "%s%.4f", i ? ", " : "", v[i]);
    jb_raw(b, "]");
}

int out_line(const WCHAR *path, jbuf *b)
{
    int ok = 0;
    FILE *f = _wfopen(path, L"ab");
    if (f) {
        ok = fprintf(f, "{%s}\n", b->p ? b->p : "") > 0;
        ok = fclose(f) == 0 && ok;
    }
    if (!ok) fprintf(stderr, "rmbench: cannot append to the output file\n");
    free(b->p);
    memset(b, 0, sizeof *b);
    return ok;
}

void bench_log(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("rmbench: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    fflush(stderr);
    va_end(ap);
}

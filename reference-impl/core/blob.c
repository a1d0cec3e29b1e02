/* blob.c — the little-endian binary encoding of store values: u32 and counted UTF-16 strings.
 * A reader marks itself bad instead of reading past the end, so a damaged value (another
 * version of rmref, a half-written value after a crash) degrades to "empty", never to a crash. */
#include "core_internal.h"
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

static void wb_put(rmref_wbuf *b, const void *data, size_t n)
{
    if (b->oom) return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n) cap *= 2;
        unsigned char *p = realloc(b->p, cap);
        if (!p) { b->oom = 1; return; }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, data, n);
    b->len += n;
}

void wb_u32(rmref_wbuf *b, DWORD v)
{
    unsigned char x[4] = { (unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                           (unsigned char)(v >> 24) };
    wb_put(b, x, 4);
}

void wb_str(rmref_wbuf *b, const WCHAR *s)
{
    size_t n = s ? wcslen(s) : 0;
    wb_u32(b, (DWORD)n);
    for (size_t i = 0; i < n; i++) {
        unsigned char x[2] = { (unsigned char)s[i], (unsigned char)(s[i] >> 8) };
        wb_put(b, x, 2);
    }
}

void wb_free(rmref_wbuf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

DWORD rb_u32(rmref_rbuf *b)
{
    if (b->bad || b->len - b->pos < 4) { b->bad = 1; return 0; }
    const unsigned char *x = b->p + b->pos;
    b->pos += 4;
    return (DWORD)x[0] | (DWORD)x[1] << 8 | (DWORD)x[2] << 16 | (DWORD)x[3] << 24;
}

static size_t rb_strlen(rmref_rbuf *b)
{
    DWORD n = rb_u32(b);
    if (b->bad || (b->len - b->pos) / 2 < n) { b->bad = 1; return 0; }
    return n;
}

void rb_str(rmref_rbuf *b, WCHAR *out, size_t cch)
{
    size_t n = rb_strlen(b), k = 0;
    for (size_t i = 0; i < n; i++) {
        WCHAR c = (WCHAR)(b->p[b->pos] | b->p[b->pos + 1] << 8);
        b->pos += 2;
        if (k + 1 < cch) out[k++] = c;
    }
    if (cch) out[k] = 0;
}

WCHAR *rb_strdup(rmref_rbuf *b)
{
    size_t save = b->pos;
    size_t n = rb_strlen(b);
    if (b->bad) return NULL;
    b->pos = save;
    WCHAR *s = malloc((n + 1) * sizeof(WCHAR));
    if (!s) { b->bad = 1; return NULL; }
    rb_str(b, s, n + 1);
    return s;
}

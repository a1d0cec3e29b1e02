/* text.c — session-key text, path normalisation and case-insensitive path sets. */
#include "core_internal.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

WCHAR rmref_fold(WCHAR c)
{
    if (c >= L'a' && c <= L'z') return (WCHAR)(c - 32);
    if (c < 0x80) return c;
    /* Beyond ASCII: the C library's mapping. NTFS uses its own upcase table; the differences
     * are rare letters and do not matter for files an installer registers. */
    return (WCHAR)towupper(c);
}

int rmref_wcsicmp(const WCHAR *a, const WCHAR *b)
{
    for (;; a++, b++) {
        WCHAR ca = rmref_fold(*a), cb = rmref_fold(*b);
        if (ca != cb) return ca < cb ? -1 : 1;
        if (!ca) return 0;
    }
}

ULONG rmref_hash_folded(const WCHAR *s)
{
    ULONG h = 2166136261u;                     /* FNV-1a over folded characters */
    for (; *s; s++) { h ^= rmref_fold(*s); h *= 16777619u; }
    return h;
}

void rmref_wcsncpy0(WCHAR *dst, const WCHAR *src, size_t cch)
{
    size_t i = 0;
    if (!cch) return;
    if (src) for (; i + 1 < cch && src[i]; i++) dst[i] = src[i];
    dst[i] = 0;
}

WCHAR *rmref_wcsdup(const WCHAR *s)
{
    size_t n = wcslen(s) + 1;
    WCHAR *d = malloc(n * sizeof(WCHAR));
    if (d) memcpy(d, s, n * sizeof(WCHAR));
    return d;
}

void rmref_key_from_bytes(const unsigned char bytes[16], WCHAR key[RMREF_KEY_CHARS + 1])
{
    static const WCHAR hex[] = L"0123456789abcdef";
    for (int i = 0; i < 16; i++) {
        key[2 * i] = hex[bytes[i] >> 4];
        key[2 * i + 1] = hex[bytes[i] & 15];
    }
    key[RMREF_KEY_CHARS] = 0;
}

int rmref_key_parse(const WCHAR *in, WCHAR out[RMREF_KEY_CHARS + 1])
{
    for (int i = 0; i < RMREF_KEY_CHARS; i++) {
        WCHAR c = in[i];
        if (c >= L'0' && c <= L'9') out[i] = c;
        else if (c >= L'a' && c <= L'f') out[i] = c;
        else if (c >= L'A' && c <= L'F') out[i] = (WCHAR)(c + 32);
        else return 0;                  /* also stops at an early NUL: never reads past it */
    }
    if (in[RMREF_KEY_CHARS] != 0) return 0;
    out[RMREF_KEY_CHARS] = 0;
    return 1;
}

void rmref_path_normalize(WCHAR *p)
{
    WCHAR *src = p, *dst = p;
    if (!wcsncmp(p, L"\\\\?\\UNC\\", 8) || !wcsncmp(p, L"\\??\\UNC\\", 8)) {
        src = p + 6; *src = L'\\';      /* "\\?\UNC\srv" → "\\srv": keep one '\' of "UNC\" */
        *dst++ = L'\\';
    } else if (!wcsncmp(p, L"\\\\?\\", 4) || !wcsncmp(p, L"\\??\\", 4)) {
        src = p + 4;
    } else if ((p[0] == L'\\' || p[0] == L'/') && (p[1] == L'\\' || p[1] == L'/')) {
        *dst++ = L'\\'; src = p + 1;    /* keep the UNC double separator */
    }
    for (; *src; src++) {
        WCHAR c = *src == L'/' ? L'\\' : *src;
        if (c == L'\\' && dst > p && dst[-1] == L'\\' && !(dst == p + 1 && p[0] == L'\\'))
            continue;
        *dst++ = c;
    }
    *dst = 0;
    size_t n = (size_t)(dst - p);
    /* trailing separator: "C:\dir\" → "C:\dir", but "C:\" stays */
    if (n > 3 && p[n - 1] == L'\\') p[n - 1] = 0;
}

const WCHAR *rmref_path_basename(const WCHAR *path)
{
    const WCHAR *b = path;
    for (const WCHAR *s = path; *s; s++)
        if (*s == L'\\' || *s == L'/' || *s == L':') b = s + 1;
    return b;
}

static int set_rehash(rmref_path_set *s, size_t cap)
{
    size_t *t = calloc(cap, sizeof *t);
    if (!t) return 0;
    for (size_t i = 0; i < s->count; i++) {
        size_t j = s->hashes[i] & (cap - 1);
        while (t[j]) j = (j + 1) & (cap - 1);
        t[j] = i + 1;
    }
    free(s->table);
    s->table = t;
    s->table_cap = cap;
    return 1;
}

size_t rmref_path_set_index(const rmref_path_set *s, const WCHAR *path)
{
    return rmref_path_set_index_hashed(s, path, rmref_hash_folded(path));
}

size_t rmref_path_set_index_hashed(const rmref_path_set *s, const WCHAR *path, ULONG h)
{
    if (!s->table_cap) return SIZE_MAX;
    for (size_t j = h & (s->table_cap - 1); s->table[j]; j = (j + 1) & (s->table_cap - 1)) {
        size_t i = s->table[j] - 1;
        if (s->hashes[i] == h && !rmref_wcsicmp(s->items[i], path)) return i;
    }
    return SIZE_MAX;
}

int rmref_path_set_contains(const rmref_path_set *s, const WCHAR *path)
{
    return rmref_path_set_index(s, path) != SIZE_MAX;
}

int rmref_path_may_be_short(const WCHAR *path)
{
    for (; *path; path++) if (*path == L'~') return 1;
    return 0;
}

DWORD rmref_resolve_path(const rmref_platform *pf, const WCHAR *path, int long_form, WCHAR *out)
{
    if (pf->full_path(pf->ctx, path, out, RMREF_PATH_CHARS)) return ERROR_BAD_ARGUMENTS;
    if (long_form || rmref_path_may_be_short(out)) {
        WCHAR *lng = malloc(RMREF_PATH_CHARS * sizeof(WCHAR));
        if (!lng) return ERROR_OUTOFMEMORY;
        if (!pf->long_path(pf->ctx, out, lng, RMREF_PATH_CHARS)) rmref_wcsncpy0(out, lng, RMREF_PATH_CHARS);
        free(lng);
    }
    rmref_path_normalize(out);
    return 0;
}

int rmref_path_set_add(rmref_path_set *s, const WCHAR *path)
{
    return rmref_path_set_put(s, path) != SIZE_MAX;
}

size_t rmref_path_set_put(rmref_path_set *s, const WCHAR *path)
{
    ULONG h = rmref_hash_folded(path);
    size_t at = rmref_path_set_index_hashed(s, path, h);
    if (at != SIZE_MAX) return at;
    if (s->count == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        WCHAR **items = realloc(s->items, cap * sizeof *items);
        if (!items) return SIZE_MAX;
        s->items = items;
        ULONG *hashes = realloc(s->hashes, cap * sizeof *hashes);
        if (!hashes) return SIZE_MAX;
        s->hashes = hashes;
        s->cap = cap;
    }
    WCHAR *copy = rmref_wcsdup(path);
    if (!copy) return SIZE_MAX;
    s->items[s->count] = copy;
    s->hashes[s->count] = h;
    s->count++;
    if (s->count * 2 > s->table_cap) {
        size_t cap = s->table_cap ? s->table_cap : 32;
        while (s->count * 2 > cap) cap *= 2;
        if (!set_rehash(s, cap)) { free(copy); s->count--; return SIZE_MAX; }
    } else {
        size_t j = s->hashes[s->count - 1] & (s->table_cap - 1);
        while (s->table[j]) j = (j + 1) & (s->table_cap - 1);
        s->table[j] = s->count;
    }
    return s->count - 1;
}

void rmref_path_set_free(rmref_path_set *s)
{
    for (size_t i = 0; i < s->count; i++) free(s->items[i]);
    free(s->items);
    free(s->hashes);
    free(s->table);
    memset(s, 0, sizeof *s);
}

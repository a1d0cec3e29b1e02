/* fileid.c — matching by file identity (spec §8.4): the identities of the registered files as
 * a hash set, and a per-call cache of the identities of the paths the platform reports without
 * one (images and loaded modules: many processes share the same few, so each path is looked
 * at once per RmGetList, and then through the identities kept between calls, idcache.c). */
#include "core_internal.h"
#include <stdlib.h>
#include <string.h>

static size_t id_hash(const rmref_file_id *id)
{
    ULONGLONG h = id->volume * 0x9E3779B97F4A7C15ull ^ id->id_low ^ (id->id_high * 0xC2B2AE3D27D4EB4Full);
    return (size_t)(h ^ (h >> 29));
}

int rmref_id_set_add(rmref_id_set *s, const rmref_file_id *id)
{
    if (rmref_id_set_contains(s, id)) return 1;
    if ((s->count + 1) * 2 > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        rmref_file_id *v = calloc(cap, sizeof *v);
        unsigned char *used = calloc(cap, 1);
        if (!v || !used) { free(v); free(used); return 0; }
        for (size_t i = 0; i < s->cap; i++)
            if (s->used[i]) {
                size_t k = id_hash(&s->v[i]) & (cap - 1);
                while (used[k]) k = (k + 1) & (cap - 1);
                v[k] = s->v[i];
                used[k] = 1;
            }
        free(s->v); free(s->used);
        s->v = v; s->used = used; s->cap = cap;
    }
    size_t k = id_hash(id) & (s->cap - 1);
    while (s->used[k]) k = (k + 1) & (s->cap - 1);
    s->v[k] = *id;
    s->used[k] = 1;
    s->count++;
    return 1;
}

int rmref_id_set_contains(const rmref_id_set *s, const rmref_file_id *id)
{
    if (!s->count) return 0;
    for (size_t k = id_hash(id) & (s->cap - 1); s->used[k]; k = (k + 1) & (s->cap - 1))
        if (rmref_file_id_eq(&s->v[k], id)) return 1;
    return 0;
}

void rmref_id_set_free(rmref_id_set *s)
{
    free(s->v); free(s->used);
    memset(s, 0, sizeof *s);
}

const rmref_file_id *rmref_id_cache_get(rmref_id_cache *c, const rmref_platform *pf, const WCHAR *normalized)
{
    size_t k = rmref_path_set_index(&c->paths, normalized);
    if (k == SIZE_MAX) {
        if (c->paths.count == c->cap) {
            size_t cap = c->cap ? c->cap * 2 : 64;
            rmref_file_id *v = realloc(c->ids, cap * sizeof *v);
            unsigned char *ok = realloc(c->ok, cap);
            if (v) c->ids = v;
            if (ok) c->ok = ok;
            if (!v || !ok) return NULL;
            c->cap = cap;
        }
        if (!rmref_path_set_add(&c->paths, normalized)) return NULL;
        k = c->paths.count - 1;
        c->ok[k] = rmref_idcache_lookup(pf, normalized, &c->ids[k]) == 0;
    }
    return c->ok[k] ? &c->ids[k] : NULL;
}

void rmref_id_cache_free(rmref_id_cache *c)
{
    rmref_path_set_free(&c->paths);
    free(c->ids); free(c->ok);
    memset(c, 0, sizeof *c);
}

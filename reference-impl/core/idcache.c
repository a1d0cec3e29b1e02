/* idcache.c — the identities of paths, kept between RmGetList calls in this process.
 *
 * On the enumeration route (Wine, Vista) every registered file's identity is compared with
 * the identities of the files processes use (spec §8.4). Reading one means opening the file:
 * 5000 registered files cost 5000 opens per RmGetList (~6 s under Wine on a loaded machine,
 * against ~0.1 s for the enumeration itself). So an identity, once read, is kept here, keyed
 * by the normalised path, and asked again only when it matters:
 *   - a path that had no identity (nothing there, or unreadable) is not kept: asked every call,
 *     so a file created after registration is matched by its other names at once;
 *   - a match made with a kept identity is confirmed by reading both paths again (a kept path
 *     whose file was replaced since is corrected here and the match decided on what is there
 *     now), so a stale identity never makes a process a user;
 *   - RmShutdown and RmRestart forget everything (an installer replaces its files between the
 *     two), and so does a cache past RMREF_IDCACHE_MAX paths.
 * What is not noticed: a registered path whose file was replaced since its identity was kept
 * (outside RmShutdown/RmRestart) is still matched by its own name, and by the old file's other
 * names only after confirmation; a user of the *new* file under another name (a hard link, a
 * link or subst path) is found once a confirmation or RmShutdown/RmRestart refreshed it.
 * Handles' identities never come from here: the platform reads them from each handle. */
#include "core_internal.h"
#include <stdlib.h>
#include <string.h>

#define RMREF_IDCACHE_MAX 100000

static rmref_id_cache g_kept;       /* ok[] is always 1: failures are never kept */

int rmref_file_id_eq(const rmref_file_id *a, const rmref_file_id *b)
{
    return a->volume == b->volume && a->id_low == b->id_low && a->id_high == b->id_high;
}

/* Caller holds the local lock. */
static void kept_put(const WCHAR *normalized, const rmref_file_id *id)
{
    size_t k = rmref_path_set_index(&g_kept.paths, normalized);
    if (k != SIZE_MAX) { g_kept.ids[k] = *id; return; }
    if (g_kept.paths.count >= RMREF_IDCACHE_MAX) rmref_id_cache_free(&g_kept);
    if (g_kept.paths.count == g_kept.cap) {
        size_t cap = g_kept.cap ? g_kept.cap * 2 : 256;
        rmref_file_id *v = realloc(g_kept.ids, cap * sizeof *v);
        if (!v) return;                              /* not kept: asked again next time */
        g_kept.ids = v;
        g_kept.cap = cap;
    }
    if (rmref_path_set_add(&g_kept.paths, normalized)) g_kept.ids[g_kept.paths.count - 1] = *id;
}

DWORD rmref_idcache_lookup(const rmref_platform *pf, const WCHAR *normalized, rmref_file_id *out)
{
    pf->local_lock(pf->ctx);
    size_t k = rmref_path_set_index(&g_kept.paths, normalized);
    if (k != SIZE_MAX) *out = g_kept.ids[k];
    pf->local_unlock(pf->ctx);
    if (k != SIZE_MAX) return 0;
    return rmref_idcache_refresh(pf, normalized, out);
}

void rmref_idcache_lookup_set(const rmref_platform *pf, const rmref_path_set *paths, rmref_file_id *ids,
                              unsigned char *ok)
{
    pf->local_lock(pf->ctx);
    for (size_t i = 0; i < paths->count; i++) {
        size_t k = rmref_path_set_index_hashed(&g_kept.paths, paths->items[i], paths->hashes[i]);
        ok[i] = k != SIZE_MAX;
        if (ok[i]) ids[i] = g_kept.ids[k];
    }
    pf->local_unlock(pf->ctx);
    for (size_t i = 0; i < paths->count; i++)
        if (!ok[i]) ok[i] = rmref_idcache_refresh(pf, paths->items[i], &ids[i]) == 0;
}

DWORD rmref_idcache_refresh(const rmref_platform *pf, const WCHAR *normalized, rmref_file_id *out)
{
    DWORD err = pf->file_identity(pf->ctx, normalized, out);    /* never under the lock */
    pf->local_lock(pf->ctx);
    if (!err) kept_put(normalized, out);
    else {
        size_t k = rmref_path_set_index(&g_kept.paths, normalized);
        if (k != SIZE_MAX) rmref_id_cache_free(&g_kept);   /* gone since: no entry can be removed alone */
    }
    pf->local_unlock(pf->ctx);
    return err;
}

void rmref_idcache_forget(const rmref_platform *pf)
{
    pf->local_lock(pf->ctx);
    rmref_id_cache_free(&g_kept);
    pf->local_unlock(pf->ctx);
}

void rmref_idcache_reset(void)
{
    rmref_id_cache_free(&g_kept);
}

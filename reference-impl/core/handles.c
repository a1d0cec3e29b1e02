/* handles.c — the process-local table from session handles to session keys, and the state a
 * long operation shares with RmCancelCurrentTask.
 *
 * Handles are process-local: a handle names one RmStartSession or RmJoinSession call in this
 * process. Values count up from 0 and are never reused within the process lifetime (so a
 * stale handle stays invalid even after other sessions were started), skipping 0xFFFFFFFF,
 * the "no session" sentinel of Microsoft's samples. */
#include "core_internal.h"
#include <stdlib.h>
#include <string.h>

typedef struct slot {
    int used;
    rmref_handle_info info;
    int busy;             /* long operations running on this handle */
    int cancel;           /* RmCancelCurrentTask asked them to stop */
} slot;

static slot *g_slots;
static size_t g_nslots, g_cap;
static DWORD g_next;

void rmcore_reset_local_state(void)
{
    free(g_slots);
    g_slots = NULL;
    g_nslots = g_cap = 0;
    g_next = 0;
    rmref_idcache_reset();
}

static slot *find(DWORD h)
{
    for (size_t i = 0; i < g_nslots; i++)
        if (g_slots[i].used && g_slots[i].info.handle == h) return &g_slots[i];
    return NULL;
}

static int find_other(const slot *self)
{
    for (size_t i = 0; i < g_nslots; i++)
        if (&g_slots[i] != self && g_slots[i].used && g_slots[i].info.handle == self->info.handle)
            return 1;
    return 0;
}

DWORD rmref_handle_alloc(const rmref_platform *pf, const WCHAR *key, int primary, DWORD *out)
{
    DWORD err = 0;
    pf->local_lock(pf->ctx);
    slot *s = NULL;
    size_t live = 0;
    for (size_t i = 0; i < g_nslots; i++) {
        if (g_slots[i].used) live++;
        else if (!s) s = &g_slots[i];
    }
    if (live >= RMREF_MAX_HANDLES) {
        err = ERROR_MAX_SESSIONS_REACHED;
    } else if (!s) {
        if (g_nslots == g_cap) {
            size_t cap = g_cap ? g_cap * 2 : 16;
            slot *n = realloc(g_slots, cap * sizeof *n);
            if (!n) err = ERROR_OUTOFMEMORY;
            else { g_slots = n; g_cap = cap; }
        }
        if (!err) s = &g_slots[g_nslots++];
    }
    if (!err) {
        memset(s, 0, sizeof *s);
        s->used = 1;
        do { s->info.handle = g_next++; } while (s->info.handle == 0xFFFFFFFFu || find_other(s));
        rmref_wcsncpy0(s->info.key, key, RMREF_KEY_CHARS + 1);
        s->info.primary = primary;
        *out = s->info.handle;
    }
    pf->local_unlock(pf->ctx);
    return err;
}

int rmref_handle_get(const rmref_platform *pf, DWORD h, rmref_handle_info *out)
{
    pf->local_lock(pf->ctx);
    slot *s = find(h);
    if (s) *out = s->info;
    pf->local_unlock(pf->ctx);
    return s != NULL;
}

void rmref_handle_free(const rmref_platform *pf, DWORD h)
{
    pf->local_lock(pf->ctx);
    slot *s = find(h);
    if (s) s->used = 0;           /* an operation still running on it sees "cancelled" */
    pf->local_unlock(pf->ctx);
}

void rmref_op_begin(const rmref_platform *pf, DWORD h)
{
    pf->local_lock(pf->ctx);
    slot *s = find(h);
    if (s) {
        if (!s->busy) s->cancel = 0;   /* a cancel with nothing running does not stick */
        s->busy++;
    }
    pf->local_unlock(pf->ctx);
}

void rmref_op_end(const rmref_platform *pf, DWORD h)
{
    pf->local_lock(pf->ctx);
    slot *s = find(h);
    if (s && s->busy) s->busy--;
    pf->local_unlock(pf->ctx);
}

int rmref_op_cancelled(const rmref_platform *pf, DWORD h)
{
    pf->local_lock(pf->ctx);
    slot *s = find(h);
    int c = s ? s->cancel : 1;     /* the handle was ended under the operation */
    pf->local_unlock(pf->ctx);
    return c;
}

int rmref_op_request_cancel(const rmref_platform *pf, DWORD h)
{
    pf->local_lock(pf->ctx);
    slot *s = find(h);
    if (s && s->busy) s->cancel = 1;
    pf->local_unlock(pf->ctx);
    return s != NULL;
}

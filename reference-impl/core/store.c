/* store.c — a session's state in the per-user store, as named binary values:
 *   Owner     RM_UNIQUE_PROCESS of the primary (pid, start low, start high)
 *   State     RMREF_STATE_* bits
 *   ResCount  number of registration batches; Res<n> one batch per RmRegisterResources call,
 *             so registering is one small write however many batches came before; a batch
 *             larger than STORE_PIECE bytes is written as Res<n>.0, Res<n>.1, ... instead
 *   Filters   every filter (RmAddFilter), rewritten on change
 *   History   what RmShutdown/RmRestart did to each application, rewritten on change
 * Everything here runs with the store lock held by the caller, except *_locked. */
#include "core_internal.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int rmref_unique_eq(const RM_UNIQUE_PROCESS *a, const RM_UNIQUE_PROCESS *b)
{
    return a->dwProcessId == b->dwProcessId &&
           a->ProcessStartTime.dwLowDateTime == b->ProcessStartTime.dwLowDateTime &&
           a->ProcessStartTime.dwHighDateTime == b->ProcessStartTime.dwHighDateTime;
}

static DWORD read_value(const rmref_platform *pf, const WCHAR *key, const WCHAR *name, rmref_rbuf *rb)
{
    void *data = NULL;
    DWORD size = 0;
    DWORD err = pf->store_read(pf->ctx, key, name, &data, &size);
    memset(rb, 0, sizeof *rb);
    if (err) return err;
    rb->p = data;
    rb->len = size;
    return 0;
}

/* No registry value is written larger than this: Wine aborts one registry write of more than
 * 64 KiB under load (docs/wine-notes.md), and small values are what the registry is made for.
 * Batch names are never reused, so no piece of an earlier, larger value can be left behind. */
#define STORE_PIECE 49152u

static void batch_name(WCHAR name[40], DWORD n, long piece)
{
    if (piece < 0) swprintf(name, 40, L"Res%lu", (unsigned long)n);
    else swprintf(name, 40, L"Res%lu.%ld", (unsigned long)n, piece);
}

static DWORD write_batch(const rmref_platform *pf, const WCHAR *key, DWORD n, const void *blob, DWORD size)
{
    WCHAR name[40];
    if (size <= STORE_PIECE) {
        batch_name(name, n, -1);
        return pf->store_write(pf->ctx, key, name, blob, size);
    }
    for (DWORD off = 0, piece = 0; off < size; off += STORE_PIECE, piece++) {
        DWORD len = size - off < STORE_PIECE ? size - off : STORE_PIECE;
        batch_name(name, n, (long)piece);
        DWORD err = pf->store_write(pf->ctx, key, name, (const unsigned char *)blob + off, len);
        if (err) return err;
    }
    return 0;
}

/* Res<n>, or its pieces joined; ERROR_FILE_NOT_FOUND when neither is there. */
static DWORD read_batch(const rmref_platform *pf, const WCHAR *key, DWORD n, rmref_rbuf *rb)
{
    WCHAR name[40];
    batch_name(name, n, -1);
    DWORD err = read_value(pf, key, name, rb);
    if (err != ERROR_FILE_NOT_FOUND) return err;
    unsigned char *all = NULL;
    size_t len = 0;
    for (long piece = 0;; piece++) {
        rmref_rbuf part;
        batch_name(name, n, piece);
        err = read_value(pf, key, name, &part);
        if (err == ERROR_FILE_NOT_FOUND) break;
        if (err) { free(all); return err; }
        unsigned char *grown = realloc(all, len + part.len + 1);
        if (!grown) { free((void *)part.p); free(all); return ERROR_OUTOFMEMORY; }
        all = grown;
        memcpy(all + len, part.p, part.len);
        len += part.len;
        free((void *)part.p);
    }
    if (!all) return ERROR_FILE_NOT_FOUND;
    memset(rb, 0, sizeof *rb);
    rb->p = all;
    rb->len = len;
    return 0;
}

static void add_proc(rmref_session_data *d, const RM_UNIQUE_PROCESS *p, size_t *cap, int *oom)
{
    for (size_t i = 0; i < d->nprocs; i++)
        if (rmref_unique_eq(&d->procs[i], p)) return;
    if (d->nprocs == *cap) {
        size_t c = *cap ? *cap * 2 : 8;
        RM_UNIQUE_PROCESS *n = realloc(d->procs, c * sizeof *n);
        if (!n) { *oom = 1; return; }
        d->procs = n;
        *cap = c;
    }
    d->procs[d->nprocs++] = *p;
}

static DWORD load_resources(const rmref_platform *pf, const WCHAR *key, rmref_session_data *d)
{
    rmref_rbuf rb;
    DWORD err = read_value(pf, key, L"ResCount", &rb);
    if (err == ERROR_FILE_NOT_FOUND) return 0;
    if (err) return err;
    DWORD batches = rb_u32(&rb);
    free((void *)rb.p);

    rmref_path_set files = {0}, svcs = {0};
    unsigned char *kinds = NULL;       /* parallel to files.items */
    size_t kinds_cap = 0, *idx = NULL, idx_cap = 0;
    size_t proc_cap = 0;
    int oom = 0;
    WCHAR *s;
    for (DWORD b = 0; b < batches && !oom; b++) {
        err = read_batch(pf, key, b, &rb);
        if (err == ERROR_FILE_NOT_FOUND) continue;     /* a batch lost to a crash mid-write */
        if (err) { rmref_path_set_free(&files); rmref_path_set_free(&svcs); free(kinds); free(idx); return err; }
        DWORD nfiles = rb_u32(&rb), n = nfiles;
        if (n > rb.len / 4) n = (DWORD)(rb.len / 4);   /* a string takes 4 bytes at least */
        if (n > idx_cap) {
            size_t *v = realloc(idx, n * sizeof *v);
            if (!v) { oom = 1; break; }
            idx = v; idx_cap = n;
        }
        for (DWORD i = 0; i < n; i++) idx[i] = SIZE_MAX;
        for (DWORD i = 0; i < n && !rb.bad && !oom; i++)
            if ((s = rb_strdup(&rb))) {
                idx[i] = rmref_path_set_put(&files, s);
                oom |= idx[i] == SIZE_MAX;
                free(s);
            }
        if (files.count > kinds_cap) {
            size_t cap = files.cap;
            unsigned char *v = realloc(kinds, cap ? cap : 1);
            if (!v) { oom = 1; free((void *)rb.p); break; }
            memset(v + kinds_cap, RMREF_KIND_UNKNOWN, cap - kinds_cap);
            kinds = v; kinds_cap = cap;
        }
        n = rb_u32(&rb);
        for (DWORD i = 0; i < n && !rb.bad && !oom; i++) {
            RM_UNIQUE_PROCESS p;
            p.dwProcessId = rb_u32(&rb);
            p.ProcessStartTime.dwLowDateTime = rb_u32(&rb);
            p.ProcessStartTime.dwHighDateTime = rb_u32(&rb);
            if (!rb.bad) add_proc(d, &p, &proc_cap, &oom);
        }
        n = rb_u32(&rb);
        for (DWORD i = 0; i < n && !rb.bad && !oom; i++)
            if ((s = rb_strdup(&rb))) { oom |= !rmref_path_set_add(&svcs, s); free(s); }
        /* what each file was when registered (absent in batches of older writers): the
         * latest registration of a path wins */
        if (!rb.bad && rb.pos < rb.len) {
            n = rb_u32(&rb);
            for (DWORD i = 0; i < n && i < nfiles && !rb.bad; i++) {
                DWORD k = rb_u32(&rb);
                if (!rb.bad && idx[i] != SIZE_MAX && k <= RMREF_KIND_DIRECTORY) kinds[idx[i]] = (unsigned char)k;
            }
        }
        free((void *)rb.p);
    }
    free(idx);
    /* keep the strings and the files' hash table (RmGetList matches against it); drop the
     * services' table */
    d->files = files.items; d->nfiles = files.count;
    d->file_set = files;
    d->file_kinds = kinds;
    d->svcs = svcs.items; d->nsvcs = svcs.count;
    free(svcs.hashes); free(svcs.table);
    return oom ? ERROR_OUTOFMEMORY : 0;
}

static DWORD load_filters(const rmref_platform *pf, const WCHAR *key, rmref_session_data *d)
{
    rmref_rbuf rb;
    DWORD err = read_value(pf, key, L"Filters", &rb);
    if (err == ERROR_FILE_NOT_FOUND) return 0;
    if (err) return err;
    DWORD n = rb_u32(&rb);
    if (!rb.bad && n && n < 1000000) d->filters = calloc(n, sizeof *d->filters);
    for (DWORD i = 0; d->filters && i < n && !rb.bad; i++) {
        rmref_filter *f = &d->filters[d->nfilters];
        f->action = (RM_FILTER_ACTION)rb_u32(&rb);
        f->trigger = (RM_FILTER_TRIGGER)rb_u32(&rb);
        f->text = rb_strdup(&rb);
        f->process.dwProcessId = rb_u32(&rb);
        f->process.ProcessStartTime.dwLowDateTime = rb_u32(&rb);
        f->process.ProcessStartTime.dwHighDateTime = rb_u32(&rb);
        if (rb.bad) { free(f->text); break; }
        d->nfilters++;
    }
    free((void *)rb.p);
    return 0;
}

static DWORD load_history(const rmref_platform *pf, const WCHAR *key, rmref_session_data *d)
{
    rmref_rbuf rb;
    DWORD err = read_value(pf, key, L"History", &rb);
    if (err == ERROR_FILE_NOT_FOUND) return 0;
    if (err) return err;
    DWORD n = rb_u32(&rb);
    d->next_seq = rb_u32(&rb);
    if (!rb.bad && n && n < 100000) d->hist = calloc(n, sizeof *d->hist);
    for (DWORD i = 0; d->hist && i < n && !rb.bad; i++) {
        rmref_history *h = &d->hist[d->nhist];
        RM_PROCESS_INFO *p = &h->info;
        p->Process.dwProcessId = rb_u32(&rb);
        p->Process.ProcessStartTime.dwLowDateTime = rb_u32(&rb);
        p->Process.ProcessStartTime.dwHighDateTime = rb_u32(&rb);
        rb_str(&rb, p->strAppName, CCH_RM_MAX_APP_NAME + 1);
        rb_str(&rb, p->strServiceShortName, CCH_RM_MAX_SVC_NAME + 1);
        p->ApplicationType = (RM_APP_TYPE)rb_u32(&rb);
        p->AppStatus = rb_u32(&rb);
        p->TSSessionId = rb_u32(&rb);
        p->bRestartable = (BOOL)rb_u32(&rb);
        h->seq = rb_u32(&rb);
        h->console = rb_u32(&rb);
        rb_str(&rb, h->image, RMREF_PATH_CHARS);
        rb_str(&rb, h->args, RMREF_CMDLINE_CHARS);
        if (!rb.bad) d->nhist++;
    }
    free((void *)rb.p);
    return 0;
}

DWORD rmref_store_load(const rmref_platform *pf, const WCHAR *key, unsigned parts, rmref_session_data *d)
{
    rmref_rbuf rb;
    memset(d, 0, sizeof *d);
    DWORD err = read_value(pf, key, L"Owner", &rb);
    if (err == ERROR_FILE_NOT_FOUND) err = ERROR_INVALID_HANDLE;   /* half-created: not a session */
    if (err) return err;
    d->owner.dwProcessId = rb_u32(&rb);
    d->owner.ProcessStartTime.dwLowDateTime = rb_u32(&rb);
    d->owner.ProcessStartTime.dwHighDateTime = rb_u32(&rb);
    free((void *)rb.p);
    err = read_value(pf, key, L"State", &rb);
    if (!err) { d->state = rb_u32(&rb); free((void *)rb.p); }
    else if (err != ERROR_FILE_NOT_FOUND) return err;
    err = 0;
    if (!err && (parts & RMREF_LOAD_RES)) err = load_resources(pf, key, d);
    if (!err && (parts & RMREF_LOAD_FILTERS)) err = load_filters(pf, key, d);
    if (!err && (parts & RMREF_LOAD_HISTORY)) err = load_history(pf, key, d);
    if (err) rmref_session_data_free(d);
    return err;
}

DWORD rmref_store_load_locked(const rmref_platform *pf, const WCHAR *key, unsigned parts, rmref_session_data *out)
{
    DWORD err = pf->store_lock(pf->ctx);
    if (err) { memset(out, 0, sizeof *out); return err; }
    err = rmref_store_load(pf, key, parts, out);
    pf->store_unlock(pf->ctx);
    return err;
}

void rmref_session_data_free(rmref_session_data *d)
{
    for (size_t i = 0; i < d->nfiles; i++) free(d->files[i]);
    for (size_t i = 0; i < d->nsvcs; i++) free(d->svcs[i]);
    for (size_t i = 0; i < d->nfilters; i++) free(d->filters[i].text);
    free(d->files); free(d->file_kinds); free(d->svcs); free(d->procs); free(d->filters); free(d->hist);
    free(d->file_set.hashes); free(d->file_set.table);
    memset(d, 0, sizeof *d);
}

static DWORD write_buf(const rmref_platform *pf, const WCHAR *key, const WCHAR *name, rmref_wbuf *wb)
{
    DWORD err = wb->oom ? ERROR_OUTOFMEMORY : pf->store_write(pf->ctx, key, name, wb->p, (DWORD)wb->len);
    wb_free(wb);
    return err;
}

DWORD rmref_store_save_filters(const rmref_platform *pf, const WCHAR *key, const rmref_session_data *d)
{
    rmref_wbuf wb = {0};
    wb_u32(&wb, (DWORD)d->nfilters);
    for (size_t i = 0; i < d->nfilters; i++) {
        const rmref_filter *f = &d->filters[i];
        wb_u32(&wb, f->action);
        wb_u32(&wb, f->trigger);
        wb_str(&wb, f->text);
        wb_u32(&wb, f->process.dwProcessId);
        wb_u32(&wb, f->process.ProcessStartTime.dwLowDateTime);
        wb_u32(&wb, f->process.ProcessStartTime.dwHighDateTime);
    }
    return write_buf(pf, key, L"Filters", &wb);
}

DWORD rmref_store_save_history(const rmref_platform *pf, const WCHAR *key, const rmref_session_data *d)
{
    rmref_wbuf wb = {0};
    wb_u32(&wb, (DWORD)d->nhist);
    wb_u32(&wb, d->next_seq);
    for (size_t i = 0; i < d->nhist; i++) {
        const rmref_history *h = &d->hist[i];
        const RM_PROCESS_INFO *p = &h->info;
        wb_u32(&wb, p->Process.dwProcessId);
        wb_u32(&wb, p->Process.ProcessStartTime.dwLowDateTime);
        wb_u32(&wb, p->Process.ProcessStartTime.dwHighDateTime);
        wb_str(&wb, p->strAppName);
        wb_str(&wb, p->strServiceShortName);
        wb_u32(&wb, (DWORD)p->ApplicationType);
        wb_u32(&wb, p->AppStatus);
        wb_u32(&wb, p->TSSessionId);
        wb_u32(&wb, (DWORD)p->bRestartable);
        wb_u32(&wb, h->seq);
        wb_u32(&wb, h->console);
        wb_str(&wb, h->image);
        wb_str(&wb, h->args);
    }
    return write_buf(pf, key, L"History", &wb);
}

DWORD rmref_store_save_state(const rmref_platform *pf, const WCHAR *key, DWORD state)
{
    rmref_wbuf wb = {0};
    wb_u32(&wb, state);
    return write_buf(pf, key, L"State", &wb);
}

DWORD rmref_store_append_resources(const rmref_platform *pf, const WCHAR *key, const void *blob, DWORD size)
{
    rmref_rbuf rb;
    DWORD n = 0, err = read_value(pf, key, L"ResCount", &rb);
    if (!err) { n = rb_u32(&rb); free((void *)rb.p); }
    else if (err != ERROR_FILE_NOT_FOUND) return err;
    /* the batch first, then the count: a crash in between leaves an unused value, never a
     * count that points at nothing */
    if ((err = write_batch(pf, key, n, blob, size))) return err;
    rmref_wbuf wb = {0};
    wb_u32(&wb, n + 1);
    return write_buf(pf, key, L"ResCount", &wb);
}

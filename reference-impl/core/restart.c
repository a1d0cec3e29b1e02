/* restart.c — RmRestart: bring back, in the reverse of the shutdown order, what RmShutdown
 * stopped and that is restartable: services (SCM start) and applications registered for
 * restart (their image with the registered command line; console applications in a new
 * console; current directory not preserved, as documented).
 *
 * Choices (undocumented): RmRestart is allowed once RmShutdown was called on the session,
 * whatever it returned (so "always call RmRestart after RmShutdown" works even after 350/351);
 * stopped applications that are not restartable are skipped silently (no error bit, no 352),
 * since not restarting them is the documented behaviour, not a failure; a RmNoRestart or
 * RmNoShutdown filter skips and sets RmStatusRestartMasked; the 60-second minimum uptime of
 * Windows Error Reporting restarts is not applied; dwRestartFlags is reserved and ignored.
 * A restarted application's record takes the new process's identity, so a later RmGetList
 * shows one entry for it (AppStatus Stopped|Restarted). */
#include "core_internal.h"
#include <stdlib.h>
#include <string.h>

typedef struct pending { rmref_history *h; } pending;

static int cmp_seq_desc(const void *a, const void *b)
{
    const rmref_history *x = ((const pending *)a)->h, *y = ((const pending *)b)->h;
    return x->seq > y->seq ? -1 : x->seq < y->seq;
}

static DWORD restart_service(const rmref_platform *pf, DWORD handle, rmref_history *h, DWORD timeout)
{
    DWORD err = pf->service_start(pf->ctx, h->info.strServiceShortName);
    if (err && err != ERROR_SERVICE_ALREADY_RUNNING) return err;
    DWORD state = 0, pid = 0;
    ULONGLONG deadline = pf->now_ms(pf->ctx) + timeout;
    for (;;) {
        if ((err = pf->service_query(pf->ctx, h->info.strServiceShortName, &state, &pid))) return err;
        if (state == SERVICE_RUNNING) break;
        if (state == SERVICE_STOPPED) return ERROR_SERVICE_NOT_ACTIVE;
        if (pf->now_ms(pf->ctx) >= deadline || rmref_op_cancelled(pf, handle)) break;  /* still starting */
        pf->sleep_ms(pf->ctx, 50);
    }
    h->info.Process.dwProcessId = pid;
    memset(&h->info.Process.ProcessStartTime, 0, sizeof(FILETIME));
    rmref_proc_facts *f = malloc(sizeof *f);
    if (f && pid && !pf->process_facts(pf->ctx, pid, f)) h->info.Process.ProcessStartTime = f->start;
    free(f);
    return 0;
}

static DWORD do_restart(const rmref_platform *pf, const rmref_handle_info *h, RM_WRITE_STATUS_CALLBACK cb,
                        rmref_session_data *d)
{
    DWORD err = pf->store_lock(pf->ctx);
    if (err) return err;
    err = rmref_store_load(pf, h->key, RMREF_LOAD_FILTERS | RMREF_LOAD_HISTORY, d);
    pf->store_unlock(pf->ctx);
    if (err) return err;
    if (!(d->state & RMREF_STATE_SHUTDOWN_CALLED)) return ERROR_REQUEST_OUT_OF_SEQUENCE;

    pending *todo = calloc(d->nhist ? d->nhist : 1, sizeof *todo);
    if (!todo) return ERROR_OUTOFMEMORY;
    size_t n = 0;
    for (size_t i = 0; i < d->nhist; i++) {
        rmref_history *hr = &d->hist[i];
        ULONG st = hr->info.AppStatus;
        if (!(st & RmStatusStopped) || (st & RmStatusRestarted)) continue;
        rmref_entry e;
        memset(&e, 0, sizeof e);
        e.info = hr->info;
        rmref_wcsncpy0(e.image, hr->image, RMREF_PATH_CHARS);
        RM_FILTER_ACTION a = rmref_filter_for(d, &e);
        if (a == RmNoRestart || a == RmNoShutdown) { hr->info.AppStatus |= RmStatusRestartMasked; continue; }
        if (!hr->info.bRestartable) continue;
        todo[n++].h = hr;
    }
    qsort(todo, n, sizeof *todo, cmp_seq_desc);

    rmref_progress progress;
    rmref_progress_start(&progress, cb, n);
    int failed = 0;
    DWORD svc_timeout = n ? pf->service_timeout_ms(pf->ctx) : 0;
    for (size_t i = 0; i < n; i++) {
        rmref_history *hr = todo[i].h;
        DWORD e2;
        if (hr->info.strServiceShortName[0]) {
            e2 = restart_service(pf, h->handle, hr, svc_timeout);
        } else {
            RM_UNIQUE_PROCESS np;
            e2 = hr->image[0] ? pf->process_launch(pf->ctx, hr->image, hr->args, hr->console != 0, &np)
                              : ERROR_FILE_NOT_FOUND;
            if (!e2) hr->info.Process = np;
        }
        if (e2) { hr->info.AppStatus |= RmStatusErrorOnRestart; failed = 1; }
        else hr->info.AppStatus = (hr->info.AppStatus & ~(ULONG)RmStatusErrorOnRestart) | RmStatusRestarted;
        rmref_progress_step(&progress);
        if (rmref_op_cancelled(pf, h->handle)) { err = ERROR_CANCELLED; break; }
    }
    free(todo);

    DWORD e3 = pf->store_lock(pf->ctx);
    if (!e3) {
        rmref_session_data cur;
        e3 = rmref_store_load(pf, h->key, 0, &cur);
        if (!e3) { e3 = rmref_store_save_history(pf, h->key, d); rmref_session_data_free(&cur); }
        pf->store_unlock(pf->ctx);
    }
    if (!err) err = e3;
    if (!err && failed) err = ERROR_FAIL_RESTART;
    if (!err) rmref_progress_finish(&progress);
    return err;
}

DWORD rmcore_restart(const rmref_platform *pf, DWORD handle, DWORD flags, RM_WRITE_STATUS_CALLBACK cb)
{
    rmref_handle_info h;
    if (!rmref_handle_get(pf, handle, &h)) return ERROR_INVALID_HANDLE;
    DWORD err = rmref_role_check(pf, &h, RMREF_OP_RESTART);
    if (err) return err;
    rmref_session_data d;
    memset(&d, 0, sizeof d);
    rmref_op_begin(pf, handle);
    /* files are replaced between RmShutdown and RmRestart: identities are read afresh by this
     * call and by every later one (idcache.c) */
    rmref_idcache_forget(pf);
    err = do_restart(pf, &h, cb, &d);
    rmref_idcache_forget(pf);
    rmref_op_end(pf, handle);
    rmref_session_data_free(&d);
    return err;
}

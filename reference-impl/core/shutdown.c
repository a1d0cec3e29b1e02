/* shutdown.c — RmShutdown: plan (who, in which order, or nothing at all) and carry it out
 * through the platform's primitive actions.
 *
 * Order (documented): GUI applications → console applications → services → Explorer.
 *   GUI (RmMainWindow, RmOtherWindow; RmUnknownApp has no window and joins this group):
 *     WM_QUERYENDSESSION(ENDSESSION_CLOSEAPP) to every window of every GUI target first; a FALSE
 *     answer stops the whole shutdown with 351 unless RmForceShutdown (those that agreed get
 *     WM_ENDSESSION(FALSE) so they know the session goes on); then WM_ENDSESSION(TRUE,
 *     ENDSESSION_CLOSEAPP); wait half the hung-app timeout; WM_CLOSE to what is left; wait the
 *     other half; RmForceShutdown terminates what is still running.
 *   Console: CTRL_C_EVENT; wait the hung-app timeout; forced: terminate.
 *   Services: each with its running dependents first (SCM stop); wait the service timeout;
 *     forced: terminate the host if the service has its own process.
 * Nothing is touched when a live affected entry carries a reboot reason (350) or, with
 * RmShutdownOnlyRegistered, when one of them is not restartable (351, rmref's choice of code).
 * Entries a RmNoShutdown filter masks are skipped and do not contribute reboot reasons. */
#include "core_internal.h"
#include <stdlib.h>
#include <string.h>

typedef struct target {
    rmref_entry e;
    int rank;          /* 0 GUI, 1 console, 2 service, 3 Explorer */
    int answer;        /* WM_QUERYENDSESSION: 1 agreed, 0 vetoed, -1 no answer / no window */
    int gone;
    size_t order;      /* position in the list, to keep the sort stable */
} target;

typedef struct run {
    const rmref_platform *pf;
    DWORD handle;
    int force;
    DWORD app_timeout, svc_timeout;
    rmref_session_data *d;
    rmref_progress progress;
    int failed;        /* some target could not be stopped */
} run;

static int rank_of(const rmref_entry *e)
{
    switch (e->info.ApplicationType) {
    case RmConsole: return 1;
    case RmService: return 2;
    case RmExplorer: return 3;
    default: return 0;
    }
}

static int cmp_rank(const void *a, const void *b)
{
    const target *x = a, *y = b;
    if (x->rank != y->rank) return x->rank - y->rank;
    return x->order < y->order ? -1 : x->order > y->order;
}

static void record(run *r, target *t, ULONG status)
{
    if (!rmref_history_put(r->d, &t->e, status, r->d->next_seq++)) r->failed = 1;
    rmref_progress_step(&r->progress);
}

/* Wait until every target in [t, t+n) with `polite` contact is gone, or `ms` passed.
 * Returns ERROR_CANCELLED when cancelled meanwhile. */
static DWORD wait_gone(run *r, target *t, size_t n, DWORD ms)
{
    ULONGLONG deadline = r->pf->now_ms(r->pf->ctx) + ms;
    for (;;) {
        int pending = 0;
        for (size_t i = 0; i < n; i++)
            if (!t[i].gone) {
                if (r->pf->process_wait(r->pf->ctx, &t[i].e.info.Process, 0)) t[i].gone = 1;
                else pending = 1;
            }
        if (!pending) return 0;
        if (rmref_op_cancelled(r->pf, r->handle)) return ERROR_CANCELLED;
        ULONGLONG now = r->pf->now_ms(r->pf->ctx);
        if (now >= deadline) return 0;
        ULONGLONG left = deadline - now;
        r->pf->sleep_ms(r->pf->ctx, left < 50 ? (DWORD)left : 50);
    }
}

static DWORD finish_group(run *r, target *t, size_t n)
{
    if (r->force) {
        int any = 0;
        for (size_t i = 0; i < n; i++)
            if (!t[i].gone) { r->pf->process_terminate(r->pf->ctx, &t[i].e.info.Process); any = 1; }
        if (any) {
            DWORD err = wait_gone(r, t, n, 5000);
            if (err) return err;
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (t[i].gone) record(r, &t[i], RmStatusStopped);
        else {
            rmref_history *h = rmref_history_find(r->d, &t[i].e.info);
            record(r, &t[i], (h ? h->info.AppStatus : RmStatusRunning) | RmStatusErrorOnStop);
            r->failed = 1;
        }
    }
    return 0;
}

static DWORD stop_gui(run *r, target *t, size_t n)
{
    if (!n) return 0;
    int veto = 0;
    for (size_t i = 0; i < n; i++) {
        t[i].answer = -1;
        if (t[i].e.info.ApplicationType == RmUnknownApp) continue;   /* no window to ask */
        t[i].answer = r->pf->gui_query_end_session(r->pf->ctx, t[i].e.info.Process.dwProcessId, r->app_timeout);
        if (t[i].answer == 0) veto = 1;
        if (rmref_op_cancelled(r->pf, r->handle)) return ERROR_CANCELLED;
    }
    if (veto && !r->force) {
        for (size_t i = 0; i < n; i++) {
            if (t[i].answer == 1)
                r->pf->gui_end_session(r->pf->ctx, t[i].e.info.Process.dwProcessId, FALSE, r->app_timeout);
            if (t[i].answer == 0) {
                rmref_history *h = rmref_history_find(r->d, &t[i].e.info);
                rmref_history_put(r->d, &t[i].e, (h ? h->info.AppStatus : RmStatusRunning) | RmStatusErrorOnStop,
                                  r->d->next_seq++);
            }
        }
        return ERROR_FAIL_SHUTDOWN;
    }
    for (size_t i = 0; i < n; i++)
        if (t[i].e.info.ApplicationType != RmUnknownApp)
            r->pf->gui_end_session(r->pf->ctx, t[i].e.info.Process.dwProcessId, TRUE, r->app_timeout);
    /* windowless processes: nothing polite reaches them; only the forced path stops them */
    size_t polite = 0;
    for (size_t i = 0; i < n; i++) if (t[i].e.info.ApplicationType != RmUnknownApp) polite++;
    DWORD err = 0;
    if (polite) err = wait_gone(r, t, n, r->app_timeout / 2);
    if (err) return err;
    int any_left = 0;
    for (size_t i = 0; i < n; i++)
        if (!t[i].gone && t[i].e.info.ApplicationType != RmUnknownApp) {
            r->pf->gui_close(r->pf->ctx, t[i].e.info.Process.dwProcessId);
            any_left = 1;
        }
    if (any_left && (err = wait_gone(r, t, n, r->app_timeout - r->app_timeout / 2))) return err;
    if (!polite) {      /* refresh "gone" for windowless ones before deciding */
        for (size_t i = 0; i < n; i++)
            t[i].gone = r->pf->process_wait(r->pf->ctx, &t[i].e.info.Process, 0);
    }
    return finish_group(r, t, n);
}

static DWORD stop_console(run *r, target *t, size_t n)
{
    if (!n) return 0;
    for (size_t i = 0; i < n; i++) r->pf->console_ctrl_c(r->pf->ctx, t[i].e.info.Process.dwProcessId);
    DWORD err = wait_gone(r, t, n, r->app_timeout);
    if (err) return err;
    return finish_group(r, t, n);
}

typedef struct deps { rmref_service_facts *v; size_t n, cap; int oom; } deps;

static int on_dependent(void *cookie, const rmref_service_facts *svc)
{
    deps *d = cookie;
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 8;
        rmref_service_facts *v = realloc(d->v, cap * sizeof *v);
        if (!v) { d->oom = 1; return 1; }
        d->v = v; d->cap = cap;
    }
    d->v[d->n++] = *svc;
    return 0;
}

/* Stop one service and wait for it. Returns 1 when it stopped. */
static int stop_one_service(run *r, rmref_entry *e, DWORD *err)
{
    const rmref_platform *pf = r->pf;
    DWORD state = 0, pid = 0;
    pf->service_stop(pf->ctx, e->info.strServiceShortName);
    ULONGLONG deadline = pf->now_ms(pf->ctx) + r->svc_timeout;
    for (;;) {
        if (pf->service_query(pf->ctx, e->info.strServiceShortName, &state, &pid) || state == SERVICE_STOPPED)
            return 1;
        if (rmref_op_cancelled(pf, r->handle)) { *err = ERROR_CANCELLED; return 0; }
        if (pf->now_ms(pf->ctx) >= deadline) break;
        pf->sleep_ms(pf->ctx, 50);
    }
    if (r->force && e->svc_type == SERVICE_WIN32_OWN_PROCESS) {
        pf->process_terminate(pf->ctx, &e->info.Process);
        if (pf->process_wait(pf->ctx, &e->info.Process, 5000)) return 1;
    }
    return 0;
}

static DWORD stop_services(run *r, target *t, size_t n)
{
    const rmref_platform *pf = r->pf;
    rmref_proc_facts *facts = malloc(sizeof *facts);
    if (!facts) return ERROR_OUTOFMEMORY;
    DWORD err = 0;
    for (size_t i = 0; i < n && !err; i++) {
        /* dependents first (EnumDependentServices order is the stop order) */
        deps dp = {0};
        pf->service_dependents(pf->ctx, t[i].e.info.strServiceShortName, on_dependent, &dp);
        for (size_t k = 0; k < dp.n && !err; k++) {
            if (dp.v[k].state == SERVICE_STOPPED) continue;
            target dep;
            memset(&dep, 0, sizeof dep);
            memset(facts, 0, sizeof *facts);
            if (!dp.v[k].pid || pf->process_facts(pf->ctx, dp.v[k].pid, facts)) facts->ts_session = 0;
            RM_UNIQUE_PROCESS me;
            DWORD ts;
            pf->self(pf->ctx, &me, &ts);
            rmref_classify(facts, dp.v[k].pid, &dp.v[k], &me, ts, &dep.e);
            if (rmref_history_find(r->d, &dep.e.info) &&
                (rmref_history_find(r->d, &dep.e.info)->info.AppStatus & RmStatusStopped))
                continue;   /* already stopped as another service's dependent */
            if (stop_one_service(r, &dep.e, &err)) rmref_history_put(r->d, &dep.e, RmStatusStopped, r->d->next_seq++);
            else if (!err) { rmref_history_put(r->d, &dep.e, RmStatusRunning | RmStatusErrorOnStop, r->d->next_seq++); r->failed = 1; }
        }
        free(dp.v);
        if (err) break;
        if (stop_one_service(r, &t[i].e, &err)) record(r, &t[i], RmStatusStopped);
        else if (!err) { record(r, &t[i], RmStatusRunning | RmStatusErrorOnStop); r->failed = 1; }
        if (!err && rmref_op_cancelled(pf, r->handle)) err = ERROR_CANCELLED;
    }
    free(facts);
    return err;
}

static DWORD save_history(const rmref_platform *pf, const rmref_handle_info *h, rmref_session_data *d,
                          int shutdown_called)
{
    DWORD err = pf->store_lock(pf->ctx);
    if (err) return err;
    rmref_session_data cur;
    err = rmref_store_load(pf, h->key, 0, &cur);       /* still there? keep its state bits */
    if (!err) {
        if (shutdown_called) err = rmref_store_save_state(pf, h->key, cur.state | RMREF_STATE_SHUTDOWN_CALLED);
        if (!err) err = rmref_store_save_history(pf, h->key, d);
        rmref_session_data_free(&cur);
    }
    pf->store_unlock(pf->ctx);
    return err;
}

static DWORD do_shutdown(const rmref_platform *pf, const rmref_handle_info *h, ULONG flags,
                         RM_WRITE_STATUS_CALLBACK cb, rmref_session_data *d)
{
    rmref_list l;
    DWORD err = rmref_compute_list(pf, h, d, &l);
    if (err) return err;

    target *t = calloc(l.n ? l.n : 1, sizeof *t);
    if (!t) { rmref_list_free(&l); return ERROR_OUTOFMEMORY; }
    size_t n = 0;
    DWORD reasons = 0;
    int unrestartable = 0;
    for (size_t i = 0; i < l.n; i++) {
        rmref_entry *e = &l.e[i];
        if (!e->live) continue;
        RM_FILTER_ACTION a = rmref_filter_for(d, e);
        if (a == RmNoShutdown) {
            rmref_history *hr = rmref_history_find(d, &e->info);
            rmref_history_put(d, e, (hr ? hr->info.AppStatus : RmStatusRunning) | RmStatusShutdownMasked,
                              hr ? hr->seq : d->next_seq++);
            continue;
        }
        reasons |= e->reasons;
        if (!e->info.bRestartable || a == RmNoRestart) unrestartable = 1;
        t[n].e = *e;
        t[n].rank = rank_of(e);
        t[n].order = n;
        n++;
    }
    rmref_list_free(&l);

    if (reasons) err = ERROR_FAIL_NOACTION_REBOOT;
    else if ((flags & RmShutdownOnlyRegistered) && unrestartable) err = ERROR_FAIL_SHUTDOWN;
    if (err) {
        DWORD e2 = save_history(pf, h, d, 1);
        free(t);
        return e2 ? e2 : err;
    }

    qsort(t, n, sizeof *t, cmp_rank);
    run r;
    memset(&r, 0, sizeof r);
    r.pf = pf;
    r.handle = h->handle;
    r.force = (flags & RmForceShutdown) != 0;
    r.app_timeout = pf->hung_app_timeout_ms(pf->ctx);
    r.svc_timeout = pf->service_timeout_ms(pf->ctx);
    r.d = d;
    rmref_progress_start(&r.progress, cb, n);

    size_t start[5] = {0};
    for (int g = 0, i = 0; g < 4; g++) {
        while ((size_t)i < n && t[i].rank == g) i++;
        start[g + 1] = (size_t)i;
    }
    err = stop_gui(&r, t + start[0], start[1] - start[0]);
    if (!err) err = stop_console(&r, t + start[1], start[2] - start[1]);
    if (!err) err = stop_services(&r, t + start[2], start[3] - start[2]);
    if (!err) err = stop_gui(&r, t + start[3], start[4] - start[3]);
    free(t);

    DWORD e2 = save_history(pf, h, d, 1);
    if (!err && e2) err = e2;
    if (!err && r.failed) err = ERROR_FAIL_SHUTDOWN;
    if (!err) rmref_progress_finish(&r.progress);    /* 100 only when everything is done */
    return err;
}

DWORD rmcore_shutdown(const rmref_platform *pf, DWORD handle, ULONG flags, RM_WRITE_STATUS_CALLBACK cb)
{
    rmref_handle_info h;
    if (!rmref_handle_get(pf, handle, &h)) return ERROR_INVALID_HANDLE;
    DWORD err = rmref_role_check(pf, &h, RMREF_OP_SHUTDOWN);
    if (err) return err;
    rmref_session_data d;
    memset(&d, 0, sizeof d);
    rmref_op_begin(pf, handle);
    /* files are replaced between RmShutdown and RmRestart: identities are read afresh by this
     * call and by every later one (idcache.c) */
    rmref_idcache_forget(pf);
    err = do_shutdown(pf, &h, flags, cb, &d);
    rmref_idcache_forget(pf);
    rmref_op_end(pf, handle);
    rmref_session_data_free(&d);
    return err;
}

/* getlist.c — RmGetList: one snapshot of the system per call, matched against the session's
 * registrations, classified, merged with what RM already did (history) and with the filters;
 * then the ERROR_MORE_DATA contract (spec §9).
 *
 * The store lock is held only to read the session; the snapshot runs without any lock, so a
 * slow enumeration never blocks other sessions' calls. */
#include "core_internal.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct pidset { DWORD *v; size_t n, cap; int oom; } pidset;

static int pidset_has(const pidset *s, DWORD pid)
{
    for (size_t i = 0; i < s->n; i++) if (s->v[i] == pid) return 1;
    return 0;
}

static void pidset_add(pidset *s, DWORD pid)
{
    if (pidset_has(s, pid)) return;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        DWORD *v = realloc(s->v, cap * sizeof *v);
        if (!v) { s->oom = 1; return; }
        s->v = v; s->cap = cap;
    }
    s->v[s->n++] = pid;
}

typedef struct scan {
    const rmref_platform *pf;
    DWORD handle;
    const rmref_path_set *files;    /* the session's, as the store read them */
    rmref_id_set ids;           /* identities of the registered files that exist */
    rmref_id_set indexes;       /* their indexes (as ids {0, index, 0}): the cheap first test */
    const rmref_session_data *d;
    rmref_file_id *reg_ids;     /* per registered file, as kept (idcache.c), when reg_ok */
    unsigned char *reg_ok;
    rmref_id_cache id_cache;    /* identities of reported paths that came without one */
    pidset pids;
    unsigned ticks;
    WCHAR path[RMREF_PATH_CHARS];
    rmref_service_facts *svcs; size_t nsvcs, svcs_cap; int svc_oom;
} scan;

static int add_index(scan *s, const rmref_file_id *id)
{
    rmref_file_id k = { 0, id->index, 0, 0, 0 };
    return rmref_id_set_add(&s->indexes, &k);
}

static int index_registered(const scan *s, ULONGLONG index)
{
    rmref_file_id k = { 0, index, 0, 0, 0 };
    return rmref_id_set_contains(&s->indexes, &k);
}

/* A match by identity made with kept identities (idcache.c) is decided on what is there now:
 * the registered files kept with that identity, and the reported path when its identity was
 * kept too (a handle's is read from the handle, fresh), are read again. */
static int confirm_identity_match(scan *s, const WCHAR *reported, int reported_fresh, const rmref_file_id *id)
{
    rmref_file_id now = *id, reg;
    if (!reported_fresh && rmref_idcache_refresh(s->pf, reported, &now)) return 0;   /* gone since */
    for (size_t j = 0; j < s->d->nfiles; j++) {
        if (!s->reg_ok[j] || (!rmref_file_id_eq(&s->reg_ids[j], id) && !rmref_file_id_eq(&s->reg_ids[j], &now)))
            continue;
        s->reg_ok[j] = !rmref_idcache_refresh(s->pf, s->d->files[j], &reg);
        if (!s->reg_ok[j]) continue;
        s->reg_ids[j] = reg;                     /* what is there now counts for the rest of the call */
        if (!rmref_id_set_add(&s->ids, &reg) || !add_index(s, &reg)) s->pids.oom = 1;
        if (rmref_file_id_eq(&reg, &now)) return 1;
    }
    return 0;
}

/* A process uses a registered file when the name it uses is a registered name (the cheap
 * test, enough for most) or when it is another name of the same file: its identity is a
 * registered file's (8.3 name, link, subst drive, hard link; spec §8.4). */
static int on_file_user(void *cookie, DWORD pid, const WCHAR *path, const rmref_file_id *id)
{
    scan *s = cookie;
    if (!path || (++s->ticks & 63) == 0)
        if (rmref_op_cancelled(s->pf, s->handle)) return 1;
    if (!path || pidset_has(&s->pids, pid)) return 0;
    rmref_wcsncpy0(s->path, path, RMREF_PATH_CHARS);
    rmref_path_normalize(s->path);
    int hit = rmref_path_set_contains(s->files, s->path);
    if (!hit && s->ids.count) {
        /* A handle's index alone: no registered file has it, so it is none of them; else its
         * whole identity is read through its name (the platform's name for the file itself). */
        if (id && id->index_only) {
            if (!index_registered(s, id->index)) return 0;
            id = NULL;
        }
        int fresh = id != NULL;
        if (!id) id = rmref_id_cache_get(&s->id_cache, s->pf, s->path);
        hit = id && rmref_id_set_contains(&s->ids, id) && confirm_identity_match(s, s->path, fresh, id);
    }
    if (hit) pidset_add(&s->pids, pid);
    return 0;
}

/* The kernel's answer names a user of the file asked about: no matching needed. */
static int on_kernel_user(void *cookie, DWORD pid, const WCHAR *path, const rmref_file_id *id)
{
    scan *s = cookie;
    if (rmref_op_cancelled(s->pf, s->handle)) return 1;
    if (path) pidset_add(&s->pids, pid);
    return 0;
}

/* Who uses the registered files. Preferred: the kernel's per-file list of processes (it
 * knows every handle and mapping of the file, whatever name was used, across bitness and
 * without touching other processes' handles), plus images and loaded modules. When the
 * platform cannot ask the kernel (or cannot for one of the files), every process's handles,
 * images and modules are enumerated and matched by name and by identity. */
static DWORD find_file_users(const rmref_platform *pf, const rmref_session_data *d, scan *s)
{
    int fallback = 0;
    for (size_t i = 0; i < d->nfiles && !fallback; i++) {
        if (rmref_op_cancelled(pf, s->handle)) return ERROR_CANCELLED;
        DWORD err = pf->kernel_file_users(pf->ctx, d->files[i], on_kernel_user, s);
        if (err == ERROR_CANCELLED) return err;
        if (err && err != ERROR_FILE_NOT_FOUND && err != ERROR_PATH_NOT_FOUND) fallback = 1;
    }
    if (!fallback) return pf->enum_module_users(pf->ctx, on_file_user, s);

    s->d = d;
    s->reg_ids = malloc((d->nfiles ? d->nfiles : 1) * sizeof *s->reg_ids);
    s->reg_ok = calloc(d->nfiles ? d->nfiles : 1, 1);
    if (!s->reg_ids || !s->reg_ok) return ERROR_OUTOFMEMORY;
    /* kept from an earlier call, else read now (nothing there now: not matched by identity) */
    rmref_idcache_lookup_set(pf, &d->file_set, s->reg_ids, s->reg_ok);
    if (rmref_op_cancelled(pf, s->handle)) return ERROR_CANCELLED;
    for (size_t i = 0; i < d->nfiles; i++)
        if (s->reg_ok[i] && (!rmref_id_set_add(&s->ids, &s->reg_ids[i]) || !add_index(s, &s->reg_ids[i])))
            return ERROR_OUTOFMEMORY;
    return pf->enum_file_users(pf->ctx, on_file_user, s);
}

static int on_service(void *cookie, const rmref_service_facts *svc)
{
    scan *s = cookie;
    if (svc->state == SERVICE_STOPPED || !svc->pid) return 0;
    if (s->nsvcs == s->svcs_cap) {
        size_t cap = s->svcs_cap ? s->svcs_cap * 2 : 64;
        rmref_service_facts *v = realloc(s->svcs, cap * sizeof *v);
        if (!v) { s->svc_oom = 1; return 1; }
        s->svcs = v; s->svcs_cap = cap;
    }
    s->svcs[s->nsvcs++] = *svc;
    return 0;
}

static rmref_entry *list_push(rmref_list *l)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        rmref_entry *e = realloc(l->e, cap * sizeof *e);
        if (!e) return NULL;
        l->e = e; l->cap = cap;
    }
    return &l->e[l->n++];
}

void rmref_list_free(rmref_list *l)
{
    free(l->e);
    memset(l, 0, sizeof *l);
}

static int same_identity(const RM_PROCESS_INFO *a, const RM_PROCESS_INFO *b)
{
    return rmref_unique_eq(&a->Process, &b->Process) &&
           !rmref_wcsicmp(a->strServiceShortName, b->strServiceShortName);
}

rmref_history *rmref_history_find(rmref_session_data *d, const RM_PROCESS_INFO *info)
{
    for (size_t i = 0; i < d->nhist; i++)
        if (same_identity(&d->hist[i].info, info)) return &d->hist[i];
    return NULL;
}

int rmref_history_put(rmref_session_data *d, const rmref_entry *e, ULONG status, DWORD seq)
{
    rmref_history *h = rmref_history_find(d, &e->info);
    if (!h) {
        rmref_history *v = realloc(d->hist, (d->nhist + 1) * sizeof *v);
        if (!v) return 0;
        d->hist = v;
        h = &d->hist[d->nhist++];
        memset(h, 0, sizeof *h);
    }
    h->info = e->info;
    h->info.AppStatus = status;
    h->seq = seq;
    h->console = e->console;
    rmref_wcsncpy0(h->image, e->image, RMREF_PATH_CHARS);
    rmref_wcsncpy0(h->args, e->args, RMREF_CMDLINE_CHARS);
    return 1;
}

RM_FILTER_ACTION rmref_filter_for(const rmref_session_data *d, const rmref_entry *e)
{
    RM_FILTER_ACTION by_proc = 0, by_svc = 0, by_file = 0;
    for (size_t i = 0; i < d->nfilters; i++) {
        const rmref_filter *f = &d->filters[i];
        if (f->trigger == RmFilterTriggerProcess && rmref_unique_eq(&f->process, &e->info.Process))
            by_proc = f->action;
        else if (f->trigger == RmFilterTriggerService && e->info.strServiceShortName[0] &&
                 !rmref_wcsicmp(f->text, e->info.strServiceShortName))
            by_svc = f->action;
        else if (f->trigger == RmFilterTriggerFile && e->image[0] && !rmref_wcsicmp(f->text, e->image))
            by_file = f->action;
    }
    return by_proc ? by_proc : by_svc ? by_svc : by_file;
}

/* The facts of every process one RmGetList reports, gathered once per process: its own facts
 * first, then what its image says (asked once per image path: many processes of one program
 * share it) and the window flags of all of them in one pass over the windows. */
typedef struct facts_entry { DWORD pid; DWORD err; rmref_proc_facts f; } facts_entry;
typedef struct facts_table { facts_entry *v; size_t n, cap; } facts_table;

static facts_entry *facts_find(const facts_table *t, DWORD pid)
{
    for (size_t i = 0; i < t->n; i++) if (t->v[i].pid == pid) return &t->v[i];
    return NULL;
}

static DWORD facts_add(const rmref_platform *pf, facts_table *t, DWORD pid)
{
    if (facts_find(t, pid)) return 0;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 8;
        facts_entry *v = realloc(t->v, cap * sizeof *v);
        if (!v) return ERROR_OUTOFMEMORY;
        t->v = v; t->cap = cap;
    }
    facts_entry *e = &t->v[t->n++];
    memset(e, 0, sizeof *e);
    e->pid = pid;
    e->err = pf->process_basic_facts(pf->ctx, pid, &e->f);
    if (!e->err) rmref_path_normalize(e->f.image);
    return e->err == ERROR_NOT_FOUND ? 0 : e->err;     /* exited since the enumeration: skipped */
}

static DWORD facts_complete(const rmref_platform *pf, facts_entry *v, size_t n)
{
    rmref_path_set images = {0};
    size_t *first = malloc((n ? n : 1) * sizeof *first);   /* image index → entry asked */
    DWORD *pids = malloc((n ? n : 1) * sizeof *pids);
    unsigned *wflags = calloc(n ? n : 1, sizeof *wflags);
    DWORD err = first && pids && wflags ? 0 : ERROR_OUTOFMEMORY;
    size_t live = 0;
    for (size_t i = 0; i < n && !err; i++) {
        rmref_proc_facts *f = &v[i].f;
        if (v[i].err) continue;
        pids[live++] = v[i].pid;
        if (!f->image[0]) continue;
        size_t k = rmref_path_set_index(&images, f->image);
        if (k != SIZE_MAX) {            /* same image as an earlier process: copy its answer */
            const rmref_proc_facts *g = &v[first[k]].f;
            if (!f->description[0]) rmref_wcsncpy0(f->description, g->description, CCH_RM_MAX_APP_NAME + 1);
            f->flags |= g->flags & RMREF_PF_CONSOLE;
            continue;
        }
        if (!rmref_path_set_add(&images, f->image)) { err = ERROR_OUTOFMEMORY; break; }
        first[images.count - 1] = i;
        int console = 0;
        WCHAR desc[CCH_RM_MAX_APP_NAME + 1] = {0};
        pf->image_facts(pf->ctx, f->image, desc, CCH_RM_MAX_APP_NAME + 1, &console);
        if (!f->description[0]) rmref_wcsncpy0(f->description, desc, CCH_RM_MAX_APP_NAME + 1);
        if (console) f->flags |= RMREF_PF_CONSOLE;
    }
    if (!err && live) {
        pf->window_flags(pf->ctx, pids, live, wflags);
        for (size_t i = 0, k = 0; i < n; i++) {
            if (v[i].err) continue;
            unsigned w = wflags[k++];
            v[i].f.flags |= w & RMREF_PF_MAIN_WINDOW ? RMREF_PF_MAIN_WINDOW : w & RMREF_PF_OTHER_WINDOW;
        }
    }
    rmref_path_set_free(&images);
    free(first); free(pids); free(wflags);
    return err;
}

static DWORD add_process_entries(scan *s, const facts_table *t, DWORD pid, int whole_process,
                                 const WCHAR *only_service,
                                 const RM_UNIQUE_PROCESS *me, DWORD my_ts, rmref_list *out)
{
    facts_entry *fe = facts_find(t, pid);
    if (!fe || fe->err) return 0;                   /* exited since the enumeration */
    const rmref_proc_facts *facts = &fe->f;
    size_t hosted = 0;
    for (size_t i = 0; i < s->nsvcs; i++) {
        const rmref_service_facts *svc = &s->svcs[i];
        if (svc->pid != pid) continue;
        hosted++;
        if (!whole_process && rmref_wcsicmp(svc->name, only_service)) continue;
        int dup = 0;        /* already listed through another route */
        for (size_t k = 0; k < out->n && !dup; k++)
            dup = out->e[k].info.Process.dwProcessId == pid &&
                  !rmref_wcsicmp(out->e[k].info.strServiceShortName, svc->name);
        if (dup) continue;
        rmref_entry *e = list_push(out);
        if (!e) return ERROR_OUTOFMEMORY;
        rmref_classify(facts, pid, svc, me, my_ts, e);
    }
    if (!hosted && whole_process) {
        rmref_entry *e = list_push(out);
        if (!e) return ERROR_OUTOFMEMORY;
        rmref_classify(facts, pid, NULL, me, my_ts, e);
    }
    return 0;
}

DWORD rmref_check_directories(const rmref_platform *pf, const rmref_session_data *d)
{
    for (size_t i = 0; i < d->nfiles; i++) {
        unsigned kind = d->file_kinds ? d->file_kinds[i] : RMREF_KIND_UNKNOWN;
        if (kind == RMREF_KIND_FILE) continue;    /* a plain file when registered */
        if (pf->path_kind(pf->ctx, d->files[i]) == RMREF_KIND_DIRECTORY) return ERROR_ACCESS_DENIED;
    }
    return 0;
}

DWORD rmref_compute_list(const rmref_platform *pf, const rmref_handle_info *h,
                         rmref_session_data *d, rmref_list *out)
{
    memset(out, 0, sizeof *out);
    DWORD err = rmref_store_load_locked(pf, h->key, RMREF_LOAD_ALL, d);
    if (err) return err;

    err = rmref_check_directories(pf, d);
    if (err) return err;

    scan s;
    memset(&s, 0, sizeof s);
    s.pf = pf;
    s.handle = h->handle;
    RM_UNIQUE_PROCESS me;
    DWORD my_ts;
    pf->self(pf->ctx, &me, &my_ts);
    facts_table ft = {0};

    s.files = &d->file_set;
    if (!err && d->nfiles) {
        err = find_file_users(pf, d, &s);
        if (!err && s.pids.oom) err = ERROR_OUTOFMEMORY;
    }
    for (size_t i = 0; i < d->nprocs && !err; i++)
        if (pf->process_alive(pf->ctx, &d->procs[i])) pidset_add(&s.pids, d->procs[i].dwProcessId);
    if (!err && rmref_op_cancelled(pf, h->handle)) err = ERROR_CANCELLED;
    /* The SCM's list is needed for registered services, and to tell which found processes
     * host a service; only a process the SCM started can, so it is not asked otherwise. */
    int need_services = d->nsvcs != 0;
    if (!err && !need_services && s.pids.n) {
        unsigned char *child = calloc(s.pids.n, 1);
        if (!child) err = ERROR_OUTOFMEMORY;
        else {
            pf->scm_children(pf->ctx, s.pids.v, s.pids.n, child);
            for (size_t i = 0; i < s.pids.n; i++) need_services |= child[i];
            free(child);
        }
    }
    if (!err && need_services) {
        DWORD e2 = pf->enum_services(pf->ctx, on_service, &s);
        if (s.svc_oom) err = ERROR_OUTOFMEMORY;
        (void)e2;       /* no SCM access: processes are still reported, as plain processes */
    }
    for (size_t i = 0; i < s.pids.n && !err; i++)
        err = facts_add(pf, &ft, s.pids.v[i]);
    for (size_t i = 0; i < d->nsvcs && !err; i++)
        for (size_t k = 0; k < s.nsvcs && !err; k++)
            if (!rmref_wcsicmp(s.svcs[k].name, d->svcs[i]))
                err = facts_add(pf, &ft, s.svcs[k].pid);
    if (!err) err = facts_complete(pf, ft.v, ft.n);
    for (size_t i = 0; i < s.pids.n && !err; i++)
        err = add_process_entries(&s, &ft, s.pids.v[i], 1, NULL, &me, my_ts, out);
    for (size_t i = 0; i < d->nsvcs && !err; i++)
        for (size_t k = 0; k < s.nsvcs && !err; k++)
            if (!rmref_wcsicmp(s.svcs[k].name, d->svcs[i]))
                err = add_process_entries(&s, &ft, s.svcs[k].pid, 0, s.svcs[k].name, &me, my_ts, out);
    free(ft.v);
    free(s.pids.v);
    free(s.svcs);
    rmref_id_set_free(&s.ids);
    rmref_id_set_free(&s.indexes);
    free(s.reg_ids);
    free(s.reg_ok);
    rmref_id_cache_free(&s.id_cache);
    if (!err && rmref_op_cancelled(pf, h->handle)) err = ERROR_CANCELLED;
    if (err) { rmref_list_free(out); return err; }

    /* History: what RM did stays visible. A live entry takes its history bits; an application
     * RM stopped (no longer running) is still listed, as last seen. */
    size_t nlive = out->n;
    for (size_t i = 0; i < d->nhist; i++) {
        const rmref_history *hr = &d->hist[i];
        rmref_entry *match = NULL;
        for (size_t k = 0; k < nlive && !match; k++)
            if (same_identity(&out->e[k].info, &hr->info)) match = &out->e[k];
        if (match) { match->info.AppStatus = hr->info.AppStatus; continue; }
        rmref_entry *e = list_push(out);
        if (!e) { rmref_list_free(out); return ERROR_OUTOFMEMORY; }
        memset(e, 0, sizeof *e);
        e->info = hr->info;
        e->console = hr->console;
        rmref_wcsncpy0(e->image, hr->image, RMREF_PATH_CHARS);
        rmref_wcsncpy0(e->args, hr->args, RMREF_CMDLINE_CHARS);
    }
    for (size_t i = 0; i < out->n; i++) {
        rmref_entry *e = &out->e[i];
        RM_FILTER_ACTION a = rmref_filter_for(d, e);
        if (a == RmNoShutdown) e->info.AppStatus |= RmStatusShutdownMasked;
        else if (a == RmNoRestart) e->info.AppStatus |= RmStatusRestartMasked;
        /* A RmNoShutdown entry is not acted on by RmShutdown, so its reasons do not stop
         * RmShutdown either; RmGetList reports exactly the reasons RmShutdown will face
         * (README "Reboot reasons and filters"). */
        if (e->live && a != RmNoShutdown) out->reasons |= e->reasons;
    }
    return 0;
}

DWORD rmcore_get_list(const rmref_platform *pf, DWORD handle, UINT *needed, UINT *count,
                      RM_PROCESS_INFO apps[], DWORD *reasons)
{
    if (!needed || !count || !reasons) return ERROR_BAD_ARGUMENTS;
    if (*count && !apps) return ERROR_BAD_ARGUMENTS;
    UINT capacity = *count;
    *needed = 0;
    *count = 0;
    *reasons = RmRebootReasonNone;

    rmref_handle_info h;
    if (!rmref_handle_get(pf, handle, &h)) return ERROR_INVALID_HANDLE;
    DWORD err = rmref_role_check(pf, &h, RMREF_OP_GETLIST);
    if (err) return err;

    rmref_session_data d;
    rmref_list l;
    rmref_op_begin(pf, handle);
    err = rmref_compute_list(pf, &h, &d, &l);
    rmref_op_end(pf, handle);
    rmref_session_data_free(&d);
    if (err) return err;

    *needed = (UINT)l.n;
    *reasons = l.reasons;
    if (l.n > capacity) {
        /* nothing is written to the array and *pnProcInfo says so: 0 entries filled */
        rmref_list_free(&l);
        return ERROR_MORE_DATA;
    }
    for (size_t i = 0; i < l.n; i++) apps[i] = l.e[i].info;
    *count = (UINT)l.n;
    rmref_list_free(&l);
    return 0;
}

void rmref_progress_start(rmref_progress *p, RM_WRITE_STATUS_CALLBACK cb, size_t total)
{
    p->cb = cb;
    p->total = total;
    p->done = 0;
    p->last = 0;
    if (cb) cb(0);
}

void rmref_progress_step(rmref_progress *p)
{
    p->done++;
    if (!p->cb || !p->total) return;
    int pct = (int)(p->done * 100 / p->total);
    if (pct > 100) pct = 100;             /* dependents stopped on the way can exceed the plan */
    if (pct > p->last) { p->last = pct; p->cb((UINT)pct); }
}

void rmref_progress_finish(rmref_progress *p)
{
    if (p->cb && p->last < 100) { p->last = 100; p->cb(100); }
}

/* rmbench.c — the benchmark program of `./rmc bench` (issue 8). It only measures: every timed
 * repetition is written as a raw sample (JSON lines, out.c); bench/report.py computes the
 * medians, ratios, targets, the table and the plot.
 *
 *   rmbench grid   --bin DIR --out FILE [--lockers 1,8,32,128] [--files 1,100,1000,5000]
 *                  [--reps 5] [--batch 100] [--work DIR] [--no-system] [--no-memory] [--no-profile]
 *                  [--dll PATH]...
 *   rmbench memory --dll PATH|--system --name NAME --files M --batch B --work DIR --out FILE  (one child)
 *   rmbench overhead --bin DIR --out FILE [--reps 5] [--work DIR]    (overhead.c)
 *   rmbench load --dll PATH                                           (one child of overhead)
 *   rmbench trial --dll PATH --work DIR                               (one child per --dll, trial.c)
 *
 * grid: RmRegisterResources cost, peak memory (children running `memory`), then for each
 * locker count N (lockers.c) and registered-file count M: the floor (floor.c), rmref.dll's
 * RmGetList and the platform DLL's, interleaved repetition by repetition so that noise from
 * the other users of the machine falls on all three alike. Every --dll is one more
 * implementation timed beside them (named after its file); rmref's step replay (profile.c)
 * reads rmref's own store and so runs for rmref.dll from --bin only. An implementation that
 * cannot be loaded, or crashes or hangs in a trial run in a child process first (trial.c), is
 * recorded ("kind": "impl" with its error) and left out of the timings.
 *
 * The M registered files are the files of min(M, N) lockers plus existing files nobody holds,
 * so a correct detector finds exactly min(M, N) processes; every result records what it found. */
#include "bench.h"
#include "profile.h"
#include <psapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define MAX_POINTS 16
#define MAX_DLLS 8
#define MAX_IMPLS (MAX_DLLS + 2)

typedef struct options {
    const WCHAR *mode, *bin, *out, *work, *dll, *name;
    const WCHAR *dlls[MAX_DLLS];
    size_t ndlls;
    size_t lockers[MAX_POINTS], nlockers;
    size_t files[MAX_POINTS], nfiles;
    size_t reps, batch, memory_files;
    int system, no_system, no_memory, no_profile;
} options;

static int usage(const char *why)
{
    fprintf(stderr, "rmbench: %s\n"
            "usage: rmbench grid --bin DIR --out FILE [--lockers LIST] [--files LIST] [--reps N] [--batch N]\n"
            "                    [--work DIR] [--no-system] [--no-memory] [--no-profile] [--dll PATH]...\n"
            "       rmbench memory (--dll PATH | --system) --name NAME --files M --batch B --work DIR --out FILE\n"
            "       rmbench overhead --bin DIR --out FILE [--reps N] [--work DIR]\n"
            "       rmbench load --dll PATH\n", why);
    return 2;
}

static size_t parse_list(const WCHAR *s, size_t *out)
{
    size_t n = 0;
    while (*s && n < MAX_POINTS) {
        WCHAR *end;
        unsigned long v = wcstoul(s, &end, 10);
        if (end == s || !v) return 0;
        out[n++] = v;
        s = *end == L',' ? end + 1 : end;
        if (*end && *end != L',') return 0;
    }
    return n;
}

static int parse(int argc, WCHAR **argv, options *o)
{
    memset(o, 0, sizeof *o);
    o->reps = 5;
    o->batch = 100;
    o->memory_files = 5000;
    if (argc < 2) return 0;
    o->mode = argv[1];
    for (int i = 2; i < argc; i++) {
        const WCHAR *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!wcscmp(a, L"--no-system")) { o->no_system = 1; continue; }
        if (!wcscmp(a, L"--no-memory")) { o->no_memory = 1; continue; }
        if (!wcscmp(a, L"--no-profile")) { o->no_profile = 1; continue; }
        if (!wcscmp(a, L"--system")) { o->system = 1; continue; }
        if (!v) return 0;
        i++;
        if (!wcscmp(a, L"--bin")) o->bin = v;
        else if (!wcscmp(a, L"--out")) o->out = v;
        else if (!wcscmp(a, L"--work")) o->work = v;
        else if (!wcscmp(a, L"--dll")) {
            if (o->ndlls == MAX_DLLS) return 0;
            o->dll = o->dlls[o->ndlls++] = v;
        }
        else if (!wcscmp(a, L"--name")) o->name = v;
        else if (!wcscmp(a, L"--reps")) o->reps = wcstoul(v, NULL, 10);
        else if (!wcscmp(a, L"--batch")) o->batch = wcstoul(v, NULL, 10);
        else if (!wcscmp(a, L"--lockers")) { if (!(o->nlockers = parse_list(v, o->lockers))) return 0; }
        else if (!wcscmp(a, L"--files")) {
            if (!(o->nfiles = parse_list(v, o->files))) return 0;
            o->memory_files = o->files[o->nfiles - 1];
        }
        else return 0;
    }
    if (!o->nlockers) { size_t d[] = {1, 8, 32, 128}; memcpy(o->lockers, d, sizeof d); o->nlockers = 4; }
    if (!o->nfiles) { size_t d[] = {1, 100, 1000, 5000}; memcpy(o->files, d, sizeof d); o->nfiles = 4; }
    return (o->out || !wcscmp(o->mode, L"load") || !wcscmp(o->mode, L"trial")) && o->reps && o->batch;
}

static size_t max_of(const size_t *v, size_t n)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) if (v[i] > m) m = v[i];
    return m;
}

/* The work folder: given, or a fresh one under the Windows temp folder (a C: path, so the
 * names handle queries report are the names registered). */
static int make_work_dir(const WCHAR *given, WCHAR *out)
{
    WCHAR tmp[MAX_PATH], raw[MAX_PATH];
    if (given) wcsncpy(raw, given, MAX_PATH - 1), raw[MAX_PATH - 1] = 0;
    else {
        GetTempPathW(MAX_PATH, tmp);
        _snwprintf(raw, MAX_PATH, L"%lsrmbench-%lu", tmp, (unsigned long)GetCurrentProcessId());
    }
    CreateDirectoryW(raw, NULL);
    DWORD n = GetLongPathNameW(raw, out, MAX_PATH);
    if (!n || n >= MAX_PATH) wcscpy(out, raw);
    size_t len = wcslen(out);
    if (len && out[len - 1] == L'\\') out[len - 1] = 0;
    return GetFileAttributesW(out) != INVALID_FILE_ATTRIBUTES;
}

/* Work folders of earlier runs that were killed (rmbench-<pid> whose process is gone). */
static void remove_stale_work_dirs(void)
{
    WCHAR tmp[MAX_PATH], pattern[MAX_PATH], dir[MAX_PATH], file[MAX_PATH];
    GetTempPathW(MAX_PATH, tmp);
    _snwprintf(pattern, MAX_PATH, L"%lsrmbench-*", tmp);
    WIN32_FIND_DATAW fd;
    HANDLE f = FindFirstFileW(pattern, &fd);
    for (BOOL ok = f != INVALID_HANDLE_VALUE; ok; ok = FindNextFileW(f, &fd)) {
        DWORD pid = wcstoul(fd.cFileName + 8, NULL, 10);
        HANDLE p = pid ? OpenProcess(SYNCHRONIZE, FALSE, pid) : NULL;
        if (p) { CloseHandle(p); continue; }              /* a run in progress */
        _snwprintf(dir, MAX_PATH, L"%ls%ls", tmp, fd.cFileName);
        _snwprintf(pattern, MAX_PATH, L"%ls\\*", dir);
        WIN32_FIND_DATAW in;
        HANDLE g = FindFirstFileW(pattern, &in);
        for (BOOL more = g != INVALID_HANDLE_VALUE; more; more = FindNextFileW(g, &in)) {
            _snwprintf(file, MAX_PATH, L"%ls\\%ls", dir, in.cFileName);
            if (!(in.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)) DeleteFileW(file);
        }
        if (g != INVALID_HANDLE_VALUE) FindClose(g);
        RemoveDirectoryW(dir);
    }
    if (f != INVALID_HANDLE_VALUE) FindClose(f);
}

/* reg-<i>.dat: existing files nobody holds */
static WCHAR **make_free_files(const WCHAR *work, size_t m, int create)
{
    WCHAR **v = calloc(m ? m : 1, sizeof *v);
    for (size_t i = 0; v && i < m; i++) {
        if (!(v[i] = malloc(MAX_PATH * sizeof(WCHAR)))) return NULL;
        _snwprintf(v[i], MAX_PATH, L"%ls\\reg-%05u.dat", work, (unsigned)i);
        if (!create) continue;
        HANDLE f = CreateFileW(v[i], GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                               CREATE_ALWAYS, 0, NULL);
        if (f == INVALID_HANDLE_VALUE) return NULL;
        CloseHandle(f);
    }
    return v;
}

static void remove_free_files(WCHAR **v, size_t m)
{
    for (size_t i = 0; v && i < m; i++) if (v[i]) { DeleteFileW(v[i]); free(v[i]); }
    free(v);
}

/* ---- RmRegisterResources cost ------------------------------------------------------------- */

static void bench_register(const options *o, impl *im, WCHAR **free_files, size_t m, size_t batch)
{
    double *ms = calloc(o->reps, sizeof *ms);
    DWORD rc = 0;
    for (size_t r = 0; r < o->reps && !rc; r++) {
        DWORD session;
        rc = impl_session_with_files(im, (const WCHAR *const *)free_files, m, batch, &session, &ms[r], NULL);
        if (!rc) im->end(session);
    }
    jbuf b = {0};
    jb_str(&b, "kind", "register");
    jb_str(&b, "impl", im->name);
    jb_num(&b, "files", (double)m);
    jb_num(&b, "batch", (double)batch);
    jb_num(&b, "rc", rc);
    jb_samples(&b, "samples_ms", ms, rc ? 0 : o->reps);
    out_line(o->out, &b);
    bench_log("%s: registering %u files in batches of %u: %s", im->name, (unsigned)m, (unsigned)batch,
              rc ? "failed" : "done");
    free(ms);
}

/* ---- peak memory: a child process per repetition ------------------------------------------ */

static void bench_memory(const options *o, const impl *im, const WCHAR *work)
{
    WCHAR self[MAX_PATH], cmd[4 * MAX_PATH];
    GetModuleFileNameW(NULL, self, MAX_PATH);
    for (size_t r = 0; r < o->reps; r++) {
        if (!strcmp(im->name, "system"))
            _snwprintf(cmd, 4 * MAX_PATH, L"\"%ls\" memory --system --name system --files %u --batch %u --work \"%ls\" --out \"%ls\"",
                       self, (unsigned)o->memory_files, (unsigned)o->batch, work, o->out);
        else
            _snwprintf(cmd, 4 * MAX_PATH, L"\"%ls\" memory --dll \"%ls\" --name %hs --files %u --batch %u --work \"%ls\" --out \"%ls\"",
                       self, im->path, im->name, (unsigned)o->memory_files, (unsigned)o->batch, work, o->out);
        STARTUPINFOW si = { sizeof si };
        PROCESS_INFORMATION pi;
        if (!CreateProcessW(self, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
            bench_log("cannot start the memory child (error %lu)", GetLastError());
            return;
        }
        CloseHandle(pi.hThread);
        if (WaitForSingleObject(pi.hProcess, 120000) != WAIT_OBJECT_0) TerminateProcess(pi.hProcess, 1);
        CloseHandle(pi.hProcess);
    }
    bench_log("%s: peak memory with %u files measured", im->name, (unsigned)o->memory_files);
}

static void memory_fields(jbuf *b, const char *key)
{
    PROCESS_MEMORY_COUNTERS pmc = { sizeof pmc };
    GetProcessMemoryInfo(GetCurrentProcess(), &pmc, sizeof pmc);
    jb_printf(b, ", \"%s\": {\"peak_working_set\": %llu, \"peak_pagefile\": %llu, \"working_set\": %llu}", key,
              (unsigned long long)pmc.PeakWorkingSetSize, (unsigned long long)pmc.PeakPagefileUsage,
              (unsigned long long)pmc.WorkingSetSize);
}

static int memory_child(const options *o)
{
    char name[64];
    impl_name_from(o->system ? L"system" : o->name ? o->name : L"rmref", name, sizeof name);
    jbuf b = {0};
    jb_str(&b, "kind", "memory");
    jb_str(&b, "impl", name);
    jb_num(&b, "files", (double)o->memory_files);
    memory_fields(&b, "before_load");
    WCHAR **files = make_free_files(o->work, o->memory_files, 0);   /* the parent made them */
    impl im;
    DWORD rc = files ? impl_load(&im, name, o->system ? NULL : o->dll) : ERROR_OUTOFMEMORY;
    DWORD session = 0;
    if (!rc) rc = impl_session_with_files(&im, (const WCHAR *const *)files, o->memory_files, o->batch, &session, NULL, NULL);
    if (!rc) {
        memory_fields(&b, "holding_session");
        RM_PROCESS_INFO info[16];
        UINT count;
        double ms;
        DWORD gl = impl_get_list(&im, session, info, 16, &count, &ms);
        jb_num(&b, "getlist_rc", gl);
        memory_fields(&b, "after_getlist");
        im.end(session);
    }
    jb_num(&b, "rc", rc);
    out_line(o->out, &b);
    for (size_t i = 0; files && i < o->memory_files; i++) free(files[i]);
    free(files);
    return rc ? 1 : 0;
}

/* ---- the grid ----------------------------------------------------------------------------- */

typedef struct point_samples {
    double *ms;
    UINT found;
    DWORD rc;
    double register_ms;
    double first_ms;         /* the session's first RmGetList (the warm-up, not in the samples) */
} point_samples;

static void write_getlist(const options *o, const impl *im, size_t n, size_t m, size_t expected,
                          const char *variant, const point_samples *ps)
{
    jbuf b = {0};
    jb_str(&b, "kind", "getlist");
    jb_str(&b, "impl", im->name);
    jb_str(&b, "variant", variant);
    jb_wstr(&b, "path", im->path);
    jb_num(&b, "lockers", (double)n);
    jb_num(&b, "files", (double)m);
    jb_num(&b, "expected", (double)expected);
    jb_num(&b, "found", ps->found);
    jb_num(&b, "rc", ps->rc);
    jb_num(&b, "register_ms", ps->register_ms);
    jb_num(&b, "first_ms", ps->first_ms);
    jb_samples(&b, "samples_ms", ps->ms, ps->rc ? 0 : o->reps);
    out_line(o->out, &b);
}

/* One point of the grid. variant "grid": the files of min(M, N) lockers plus free files;
 * "one_found": the file of one locker plus M-1 free files, so the result has one process
 * whatever N is (separates the cost of enumerating from the cost of reporting). With
 * profile set, rmref's RmGetList steps are replayed and timed afterwards (profile.c). */
static void run_point(const options *o, impl **ims, size_t nims, const lockers *lk, WCHAR **free_files, size_t m,
                      const char *variant, int profile)
{
    size_t n = lk->n, nlocked = !strcmp(variant, "one_found") ? 1 : m < n ? m : n;
    const WCHAR **files = malloc(m * sizeof *files);
    for (size_t i = 0; i < m; i++) files[i] = i < nlocked ? lk->file[i] : free_files[i - nlocked];
    UINT cap = (UINT)(n + 64);
    RM_PROCESS_INFO *info = malloc(cap * sizeof *info);

    point_samples ps[MAX_IMPLS] = {{0}};
    DWORD session[MAX_IMPLS] = {0};
    WCHAR key[MAX_IMPLS][CCH_RM_SESSION_KEY + 1];
    for (size_t k = 0; k < nims; k++) {
        ps[k].ms = calloc(o->reps, sizeof(double));
        ps[k].rc = impl_session_with_files(ims[k], files, m, o->batch, &session[k], &ps[k].register_ms, key[k]);
    }
    floor_result fr;
    double *f_total = calloc(o->reps, sizeof(double)), *f_snap = calloc(o->reps, sizeof(double)),
           *f_mod = calloc(o->reps, sizeof(double)), *f_res = calloc(o->reps, sizeof(double)),
           *f_match = calloc(o->reps, sizeof(double));
    DWORD frc = floor_prepare(files, m);
    if (!frc) frc = floor_run(files, m, &fr);                  /* warm-up, not counted */
    for (size_t k = 0; k < nims; k++)
        if (!ps[k].rc) impl_get_list(ims[k], session[k], info, cap, &ps[k].found, &ps[k].first_ms);
    for (size_t r = 0; r < o->reps; r++) {
        frc = floor_run(files, m, &fr);
        f_total[r] = fr.total_ms; f_snap[r] = fr.snapshot_ms; f_mod[r] = fr.modules_ms;
        f_res[r] = fr.resolve_ms; f_match[r] = fr.match_ms;
        for (size_t k = 0; k < nims; k++) {
            /* rmref (index 0) last: its call is the one nearest the profile's replay */
            size_t kk = nims - 1 - k;
            if (ps[kk].rc) continue;
            DWORD rc = impl_get_list(ims[kk], session[kk], info, cap, &ps[kk].found, &ps[kk].ms[r]);
            if (rc) ps[kk].rc = rc;
        }
    }
    jbuf b = {0};
    jb_str(&b, "kind", "floor");
    jb_str(&b, "variant", variant);
    jb_num(&b, "lockers", (double)n);
    jb_num(&b, "files", (double)m);
    jb_num(&b, "expected", (double)nlocked);
    jb_num(&b, "found", (double)fr.found);
    jb_num(&b, "rc", frc);
    jb_num(&b, "handles", (double)fr.handles);
    jb_num(&b, "candidates", (double)fr.candidates);
    jb_num(&b, "resolved", (double)fr.resolved);
    jb_num(&b, "modules", (double)fr.modules);
    jb_samples(&b, "samples_ms", f_total, o->reps);
    jb_samples(&b, "snapshot_ms", f_snap, o->reps);
    jb_samples(&b, "modules_ms", f_mod, o->reps);
    jb_samples(&b, "resolve_ms", f_res, o->reps);
    jb_samples(&b, "match_ms", f_match, o->reps);
    out_line(o->out, &b);
    for (size_t k = 0; k < nims; k++) write_getlist(o, ims[k], n, m, nlocked, variant, &ps[k]);
    /* the replay reads rmref's store: for rmref.dll (index 0) only, never for another DLL */
    if (profile && !ps[0].rc && !strcmp(ims[0]->name, "rmref")) profile_point(o->out, o->reps, key[0], files, m, ps[0].found, n);
    for (size_t k = 0; k < nims; k++) {
        if (session[k] && !ps[k].rc) ims[k]->end(session[k]);
        free(ps[k].ms);
    }
    bench_log("N=%u M=%u%s: floor found %u, %s found %u (expected %u)", (unsigned)n, (unsigned)m,
              strcmp(variant, "grid") ? " (one found)" : "", (unsigned)fr.found, ims[0]->name, ps[0].found,
              (unsigned)nlocked);
    free(f_total); free(f_snap); free(f_mod); free(f_res); free(f_match);
    free(info);
    free(files);
}

/* Each implementation asked for, loaded or not: the report lists the unusable ones. */
static void write_impl(const options *o, const impl *im, DWORD load_rc, const char *trial)
{
    jbuf b = {0};
    jb_str(&b, "kind", "impl");
    jb_str(&b, "impl", im->name);
    jb_wstr(&b, "path", im->path);
    jb_num(&b, "load_rc", load_rc);
    if (trial) jb_str(&b, "trial", trial);      /* the trial run in a child (trial.c) */
    out_line(o->out, &b);
}

static int name_taken(const impl *loaded, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) if (loaded[i].name && !strcmp(loaded[i].name, name)) return 1;
    return !strcmp(name, "rmref") || !strcmp(name, "system") || !strcmp(name, "floor");
}

static int grid(const options *o)
{
    if (!o->bin) return usage("grid needs --bin");
    WCHAR work[MAX_PATH], rmref_path[MAX_PATH];
    if (!o->work) remove_stale_work_dirs();
    if (!make_work_dir(o->work, work)) { bench_log("cannot create the work folder"); return 3; }
    DWORD err = floor_init(work);
    if (err) { bench_log("the floor cannot enumerate handles here (error %lu)", err); return 3; }
    size_t max_m = max_of(o->files, o->nfiles);
    WCHAR **free_files = make_free_files(work, max_m, 1);
    if (!free_files) { bench_log("cannot create %u files in the work folder", (unsigned)max_m); return 3; }

    static impl loaded[MAX_IMPLS];
    static char names[MAX_DLLS][64];
    impl *ims[MAX_IMPLS], *rmref = &loaded[0], *sys = &loaded[1];
    size_t nims = 0;
    _snwprintf(rmref_path, MAX_PATH, L"%ls\\rmref.dll", o->bin);
    if ((err = impl_load(rmref, "rmref", rmref_path))) { bench_log("cannot load %ls (error %lu)", rmref_path, err); return 3; }
    ims[nims++] = rmref;
    write_impl(o, rmref, 0, NULL);
    if (!o->no_system) {
        if ((err = impl_load(sys, "system", NULL))) bench_log("the platform's rstrtmgr.dll is unusable (error %lu)", err);
        else ims[nims++] = sys;
        write_impl(o, sys, err, NULL);
    }
    for (size_t d = 0; d < o->ndlls; d++) {
        /* named after its file; a second DLL of the same name gets "-2", "-3", ... */
        impl_name_from(o->dlls[d], names[d], sizeof names[d]);
        for (int copy = 2; name_taken(loaded, 2 + d, names[d]); copy++) {
            impl_name_from(o->dlls[d], names[d], sizeof names[d] - 4);
            snprintf(names[d] + strlen(names[d]), 4, "-%d", copy);
        }
        impl *im = &loaded[2 + d];
        const char *trial = "passed";
        err = trial_run(o->dlls[d], work, 30000, &trial);
        if (!err) err = impl_load(im, names[d], o->dlls[d]);
        else memset(im, 0, sizeof *im), im->name = names[d];
        if (err) {
            bench_log("%ls cannot be benchmarked: its trial run %s (%#lx): left out of the timings", o->dlls[d],
                      trial, err);
            wcsncpy(im->path, o->dlls[d], MAX_PATH - 1);
        }
        else ims[nims++] = im;
        write_impl(o, im, err, trial);
    }
    jbuf b = {0};
    jb_str(&b, "kind", "run");
    jb_wstr(&b, "work", work);
    for (size_t k = 0; k < nims; k++)
        if (!strcmp(ims[k]->name, "rmref") || !strcmp(ims[k]->name, "system"))
            jb_wstr(&b, ims[k]->name[0] == 'r' ? "rmref_path" : "system_path", ims[k]->path);
    jb_num(&b, "reps", (double)o->reps);
    jb_num(&b, "batch", (double)o->batch);
    SYSTEM_INFO si;
    GetSystemInfo(&si);
    jb_num(&b, "cpus", si.dwNumberOfProcessors);
    out_line(o->out, &b);

    for (size_t k = 0; k < nims; k++) {
        bench_register(o, ims[k], free_files, max_m, o->batch);
        bench_register(o, ims[k], free_files, max_m < 1000 ? max_m : 1000, max_m < 1000 ? max_m : 1000);
    }
    if (!o->no_memory)
        for (size_t k = 0; k < nims; k++) bench_memory(o, ims[k], work);

    int failed = 0;
    for (size_t i = 0; i < o->nlockers && !failed; i++) {
        lockers lk;
        double t0 = bench_now_ms();
        err = lockers_start(&lk, o->bin, work, o->lockers[i], 300000);
        double start_ms = bench_now_ms() - t0;
        if (err) { bench_log("cannot start %u lockers (error %lu)", (unsigned)o->lockers[i], err); failed = 1; break; }
        for (size_t j = 0; j < o->nfiles; j++)
            run_point(o, ims, nims, &lk, free_files, o->files[j], "grid", o->files[j] == max_m && !o->no_profile);
        /* the largest file count again, with one locker's file among them */
        if (lk.n > 1 && max_m > 1) run_point(o, ims, nims, &lk, free_files, max_m, "one_found", 0);
        size_t left = lockers_stop(&lk);
        b = (jbuf){0};
        jb_str(&b, "kind", "lockers");
        jb_num(&b, "lockers", (double)o->lockers[i]);
        jb_num(&b, "start_ms", start_ms);
        jb_num(&b, "left_alive", (double)left);
        out_line(o->out, &b);
        if (left) bench_log("%u lockers survived their job", (unsigned)left);
    }
    remove_free_files(free_files, max_m);
    floor_done();
    if (!o->work) RemoveDirectoryW(work);
    b = (jbuf){0};
    jb_str(&b, "kind", "end");
    jb_num(&b, "complete", failed ? 0 : 1);
    out_line(o->out, &b);
    return failed ? 1 : 0;
}

int wmain(int argc, WCHAR **argv)
{
    options o;
    if (!parse(argc, argv, &o)) return usage("bad arguments");
    if (!wcscmp(o.mode, L"grid")) return grid(&o);
    if (!wcscmp(o.mode, L"memory")) {
        if (!o.work || (!o.dll && !o.system)) return usage("memory needs --work and --dll or --system");
        return memory_child(&o);
    }
    if (!wcscmp(o.mode, L"overhead")) {
        if (!o.bin) return usage("overhead needs --bin");
        return overhead_run(o.bin, o.out, o.work, o.reps);
    }
    if (!wcscmp(o.mode, L"trial")) {
        if (!o.dll || !o.work) return usage("trial needs --dll and --work");
        return trial_child(o.dll, o.work);
    }
    if (!wcscmp(o.mode, L"load")) {
        if (!o.dll) return usage("load needs --dll");
        return overhead_load_child(o.dll);
    }
    return usage("unknown mode");
}

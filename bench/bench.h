/* bench.h — rmbench.exe: the Restart Manager benchmark (issue 8). Shared declarations of its
 * parts: locker processes (lockers.c), the detection floor (floor.c), the implementation
 * under test loaded by path or by name (impl.c), timing and the JSON-lines output (out.c).
 * The program only measures; bench/report.py turns its raw samples into figures. */
#ifndef RMBENCH_H
#define RMBENCH_H

#include <windows.h>
#include <restartmanager.h>
#include <stddef.h>

/* ---- timing and output (out.c) ----------------------------------------------------------- */

double bench_now_ms(void);

/* The raw output: one JSON object per line, appended (open, write, close) so that a killed run
 * keeps every line already written and a child process can append its own. */
typedef struct jbuf { char *p; size_t len, cap; } jbuf;
void jb_raw(jbuf *b, const char *s);
void jb_printf(jbuf *b, const char *fmt, ...);
void jb_str(jbuf *b, const char *key, const char *value);       /* "key": "value", */
void jb_wstr(jbuf *b, const char *key, const WCHAR *value);
void jb_num(jbuf *b, const char *key, double value);
void jb_samples(jbuf *b, const char *key, const double *v, size_t n);
int out_line(const WCHAR *path, jbuf *b);    /* writes "{" b "}\n" and frees b */

void bench_log(const char *fmt, ...);        /* progress on stderr */

/* ---- lockers (lockers.c) ----------------------------------------------------------------- */

typedef struct lockers {
    HANDLE job;              /* kill-on-close: closing it (or this process dying) ends them */
    size_t n;
    HANDLE *process;
    DWORD *pid;
    WCHAR **file;            /* the file each one holds */
} lockers;

/* Start n rmfx-app.exe --lock work\lock-<i>.dat --window none, all at once, and wait until
 * each has set its ready event. 0 on success; on failure every started locker is ended. */
DWORD lockers_start(lockers *l, const WCHAR *bin_dir, const WCHAR *work_dir, size_t n, DWORD timeout_ms);
/* End them (closing the job) and count those still alive afterwards (should be 0). */
size_t lockers_stop(lockers *l);

/* ---- the floor (floor.c) ----------------------------------------------------------------- */

typedef struct floor_result {
    double total_ms, snapshot_ms, modules_ms, resolve_ms, match_ms;
    size_t handles;          /* entries in the system handle snapshot */
    size_t candidates;       /* File handles that are uses of their file, of every process */
    size_t resolved;         /* of those, disk files named */
    size_t modules;          /* modules looked at */
    size_t found;            /* distinct processes using a registered file */
} floor_result;

DWORD floor_init(const WCHAR *work_dir);
void floor_done(void);
/* The registered files' identities, read once for the calls that follow (not timed). */
DWORD floor_prepare(const WCHAR *const *files, size_t m);
/* One detection: snapshot, module scan, name resolution of every process's File handles that
 * are uses, match against the m registered paths (by name, else by identity). */
DWORD floor_run(const WCHAR *const *files, size_t m, floor_result *out);

/* A case-insensitive set of paths (floor.c; the profile replay uses it too). The paths are
 * borrowed, not copied; a looked-up path may carry a \\?\ prefix. */
typedef struct path_set { const WCHAR **slot; ULONG *hash; size_t cap; } path_set;
int path_set_build(path_set *s, const WCHAR *const *paths, size_t m);
int path_set_has(const path_set *s, const WCHAR *path);
void path_set_free(path_set *s);

/* ---- the implementation under test (impl.c) ---------------------------------------------- */

typedef DWORD (WINAPI *rm_start_session_fn)(DWORD *, DWORD, WCHAR *);
typedef DWORD (WINAPI *rm_end_session_fn)(DWORD);
typedef DWORD (WINAPI *rm_register_resources_fn)(DWORD, UINT, LPCWSTR *, UINT, RM_UNIQUE_PROCESS *, UINT, LPCWSTR *);
typedef DWORD (WINAPI *rm_get_list_fn)(DWORD, UINT *, UINT *, RM_PROCESS_INFO *, DWORD *);

typedef struct impl {
    const char *name;        /* "rmref" or "system" */
    WCHAR path[MAX_PATH];    /* the module actually loaded */
    HMODULE module;
    rm_start_session_fn start;
    rm_end_session_fn end;
    rm_register_resources_fn reg;
    rm_get_list_fn get_list;
} impl;

/* An implementation's name in the outputs: its file name without folder and ".dll", in
 * letters, digits, '-', '_' and '.' (anything else becomes '_'). */
void impl_name_from(const WCHAR *path, char *out, size_t n);
/* dll NULL: the platform's DLL, by name. */
DWORD impl_load(impl *im, const char *name, const WCHAR *dll);
/* The calls benchmarked here are ones Wine's stub implements (it raises only in others). */
DWORD impl_session_with_files(impl *im, const WCHAR *const *files, size_t m, size_t batch, DWORD *session,
                              double *register_ms, WCHAR key[CCH_RM_SESSION_KEY + 1]);
DWORD impl_get_list(impl *im, DWORD session, RM_PROCESS_INFO *buf, UINT cap, UINT *count, double *ms);

/* ---- the trial run of a --dll in a child process (trial.c) ------------------------------ */

/* 0 when the child loaded the DLL and made the four calls; else its exit code (an exception
 * code when it crashed, the load error, ERROR_TIMEOUT when it hung) with *what saying which. */
DWORD trial_run(const WCHAR *dll, const WCHAR *work, DWORD timeout_ms, const char **what);
int trial_child(const WCHAR *dll, const WCHAR *work);

/* ---- the runner's per-case overhead, step by step (overhead.c) -------------------------- */

int overhead_run(const WCHAR *bin_dir, const WCHAR *out, const WCHAR *work, size_t reps);
int overhead_load_child(const WCHAR *dll);   /* exit code: LoadLibrary's time in microseconds */

#endif

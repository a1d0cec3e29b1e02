/* internal.h — what the runner's own files share (not for cases; cases use rmcase.h). */
#ifndef RMC_INTERNAL_H
#define RMC_INTERNAL_H

#include "rmcase.h"
#include <stdio.h>

#define RMC_VERSION "0.1.0"
#if defined(_WIN64)
#define RMC_ARCH "x64"
#define RMC_MACHINE 0x8664
#else
#define RMC_ARCH "x86"
#define RMC_MACHINE 0x014c
#endif

/* Exit codes of rmconform.exe */
enum { RMC_EXIT_OK = 0, RMC_EXIT_FAILURES = 1, RMC_EXIT_BAD_INPUT = 2 };

/* ---- growable string ------------------------------------------------------------------- */
typedef struct rmc_buf { char *data; size_t len, cap; } rmc_buf;
void buf_put(rmc_buf *b, const char *s, size_t n);
void buf_puts(rmc_buf *b, const char *s);
void buf_printf(rmc_buf *b, const char *fmt, ...) __attribute__((format(gnu_printf, 2, 3)));
void buf_json_str(rmc_buf *b, const char *utf8);          /* "..." with escapes */
void buf_json_wstr(rmc_buf *b, const WCHAR *s, size_t max_chars);
void buf_xml_str(rmc_buf *b, const char *utf8);           /* escaped for XML 1.0 attributes/text */
void buf_free(rmc_buf *b);
char *json_str_decode(const char *literal);                /* a JSON string literal → UTF-8, malloc'd */
/* Copies one JSON value (surrounding blanks allowed) into out, with invalid UTF-8 and lone
 * surrogate escapes in its strings replaced by U+FFFD; returns 0 when text is not exactly one
 * JSON value (out then holds garbage). */
int json_value_clean(const char *text, rmc_buf *out);
char *utf8_from_wide(const WCHAR *w);                     /* malloc'd */
WCHAR *wide_from_utf8(const char *s);                     /* malloc'd */

/* ---- options ----------------------------------------------------------------------------- */
typedef struct rmc_options {
    const WCHAR *dll;          /* --dll PATH */
    int system;                /* --system */
    const WCHAR **globs;       /* --case GLOB (repeatable) */
    int nglobs;
    int list;                  /* --list */
    int os_given;              /* --os */
    rmc_profile os;
    unsigned timeout_s;        /* --timeout */
    const WCHAR *out;          /* --out DIR */
    const WCHAR *out_root;     /* --out-root DIR */
    int jobs;                  /* --jobs N */
    int quiet;                 /* --quiet: no per-case lines */
    int remove_leftover_services;   /* --remove-leftover-services */
    int selftest;              /* --selftest: the runner's own checks of its fixtures */
    /* child / probe modes (internal) */
    const WCHAR *child_case;   /* --child ID */
    int probe;                 /* --probe */
    const WCHAR *record;       /* --record FILE */
    const WCHAR *case_dir;     /* --case-dir DIR */
    const WCHAR *run_id;       /* --run-id TAG */
    unsigned caps;             /* --caps N */
} rmc_options;

/* ---- scheduling (schedule.c) ---------------------------------------------------------------- */
/* The default --jobs: RMC_JOBS_PER_CORE per processor, at least 2, at most RMC_JOBS_CAP. */
#define RMC_JOBS_PER_CORE 2
#define RMC_JOBS_CAP 8
int schedule_default_jobs(void);
/* Orders the selected cases for the run: exclusive ones first, then the lowered-timeouts group,
 * then longest first — by previous_ms (may be NULL; SCHEDULE_UNKNOWN for a case it lacks), else
 * by the table's timeout_s hint — table order among equals. */
#define SCHEDULE_UNKNOWN 0xFFFFFFFFu
void schedule_order(const rmc_case **cases, int n, const unsigned *previous_ms);
/* Each case's duration_ms in a previous run's results.jsonl (malloc'd, n entries), or NULL when
 * the file is absent or names none of them. */
unsigned *schedule_previous_durations(const WCHAR *jsonl_path, const rmc_case *const *cases, int n);

/* Fills opts from argv; on error prints one line and returns 0. */
int options_parse(int argc, WCHAR **argv, rmc_options *opts);
void options_usage(FILE *to);
int profile_from_name(const char *name, rmc_profile *out);

/* ---- case registry ---------------------------------------------------------------------- */
size_t registry_count(void);
const rmc_case *registry_get(size_t i);
const rmc_case *registry_find(const char *id);
int glob_match(const char *pattern, const char *text);
/* The area of a case id: the part before the first '.', copied into out. */
void case_area(const char *id, char *out, size_t n);
const char *export_name(int rmx);   /* "RmStartSession" */
/* The runner's self-test checks (selftest_cases.c): found by registry_find, never selected by
 * --case in a conformance run. */
extern const rmc_case rmc_selftest_cases[];
extern const size_t rmc_selftest_cases_count;
int selftest_main(const rmc_options *opts);   /* rmconform --selftest (selftest.c) */

/* ---- child side --------------------------------------------------------------------------- */
int child_main(const rmc_options *opts);
int probe_main(const rmc_options *opts);
/* Record channel from child to runner (one line per item, written through at once). */
void record_open(const WCHAR *path);
void record_line(const char *tag, const char *a, const char *b);
void guard_release_all(void);
/* Looks up addr in the guarded buffers; fills a message when it hits one's no-access tail. */
int guard_describe_fault(ULONG_PTR addr, int write, char *msg, size_t n);
void checks_reset_for_case(void);
int checks_status_written(void);
void set_case_context(const rmc_case *c, rmc_profile os, const WCHAR *impl, int is_system,
                      const WCHAR *case_dir, const WCHAR *run_id, unsigned caps);
void run_deferred(void);
/* Called last before the child or probe exits: marks the unload phase in the record and turns
 * an exception in the implementation's DllMain(DLL_PROCESS_DETACH) into a `U` record. */
void unload_watch_arm(void);

/* ---- platform and OS --------------------------------------------------------------------- */
typedef struct rmc_osinfo {
    DWORD major, minor, build;
    rmc_profile detected;
    char wine[32];             /* "" when not under Wine */
} rmc_osinfo;
void os_detect(rmc_osinfo *os);
/* Probes capabilities in this process; writes a JSON object into out and returns RMC_CAP_* mask. */
unsigned platform_probe(rmc_buf *json, char (*details)[256]);
extern const char *const rmc_cap_names[RMC_CAP_COUNT_];

/* ---- DLL checks (runner side, no loading) ------------------------------------------------ */
/* Returns 1 when path is a loadable-looking PE DLL of this runner's architecture; otherwise
 * writes a one-line reason to why. */
int dll_check_file(const WCHAR *path, char *why, size_t n);
int file_sha256(const WCHAR *path, char hex[65]);
int file_version(const WCHAR *path, char *out, size_t n);

/* ---- exceptions ---------------------------------------------------------------------------- */
const char *exception_name(DWORD code);  /* "EXCEPTION_ACCESS_VIOLATION" or NULL */
int looks_like_exception(DWORD exit_code);
/* Resolves the exports of m into the p* pointers; returns the RMX() mask of those present. */
unsigned load_exports(HMODULE m);
/* Routes each p* pointer through a thunk that records the call in progress (call_thunks.c). */
void call_thunks_install(HMODULE implementation);
/* Watches the implementation's (and its C runtime's) HeapFree, ExitProcess and TerminateProcess
 * imports: a refused HeapFree is a crash naming heap corruption, ending the process is a crash
 * naming the call (import_watch.c). */
void import_watch_install(HMODULE implementation);
HMODULE load_implementation(const WCHAR *path, int system);

/* ---- the runner against its case processes (self_protect.c) ----------------------------------- */
/* Denies everyone, the owner included, the rights to end, suspend, write or inject into the
 * runner's process and threads. Returns 1 when the process DACL was set. */
int runner_protect_self(void);

/* ---- global settings cases may change (settings_guard.c) ------------------------------------ */
enum { RMC_SETTING_HUNG_APP, RMC_SETTING_SERVICE, RMC_SETTING_COUNT };
typedef struct rmc_saved_value {
    int present, spi_present;
    DWORD type, size;
    BYTE data[64];
    UINT spi;
} rmc_saved_value;
typedef struct rmc_saved_settings { rmc_saved_value v[RMC_SETTING_COUNT]; } rmc_saved_settings;
void settings_save(rmc_saved_settings *s);
/* Puts back what differs; returns a mask (1 << RMC_SETTING_*) of the settings it put back. */
int settings_restore(const rmc_saved_settings *s);
const WCHAR *settings_name(int which);          /* the registry value's name */
DWORD settings_current_ms(int which);           /* the registry value, 0 when absent */
/* Writes the registry value (REG_SZ, ms) and, where the platform has it, the live
 * SystemParametersInfo value (*spi_set says whether it took); returns the registry's status. */
DWORD settings_set_ms(int which, DWORD ms, int *spi_set);
/* Sets both to RMC_LOW_HUNG_APP_MS / RMC_LOW_SERVICE_MS (rmcase.h); 1 when both were written. */
int settings_lower(void);

/* ---- utilities ---------------------------------------------------------------------------- */
void iso_time_now(char out[32]);
int make_dirs(const WCHAR *path);        /* mkdir -p; returns 1 on success */
int remove_tree(const WCHAR *path);
const WCHAR *self_dir(void);             /* folder of rmconform.exe with trailing '\' */
int write_text_file(const WCHAR *path, const char *data, size_t n);
/* Starts cmdline suspended and inside job from its first instruction where the platform can
 * (PROC_THREAD_ATTRIBUTE_JOB_LIST), else assigned right after creation (spawn_in_job.c). Returns
 * 0 when no process was made (GetLastError() as CreateProcess); otherwise the process waits
 * suspended for the caller to resume it, and *in_job says whether it is in the job. */
int spawn_in_job(WCHAR *cmdline, BOOL inherit, DWORD flags, const STARTUPINFOW *si, HANDLE job,
                 PROCESS_INFORMATION *pi, int *in_job);
char *read_text_file(const WCHAR *path, size_t *n);   /* malloc'd, NUL-terminated; NULL if absent */

#endif

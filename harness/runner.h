/* runner.h — the runner's view of one run: selected cases, their results, the output folder. */
#ifndef RMC_RUNNER_H
#define RMC_RUNNER_H

#include "internal.h"

/* Results schema 2 (docs/results-format.md). `observed`: a probe that ran to the end (never a
 * pass); `blocked`: a precondition on the implementation did not hold (the case names the case
 * that checks it). */
typedef enum rmc_status {
    ST_PASS, ST_FAIL, ST_CRASH, ST_TIMEOUT, ST_BLOCKED, ST_OBSERVED, ST_UNSUPPORTED, ST_SKIP, ST_COUNT
} rmc_status;
const char *status_name(rmc_status s);

typedef struct observation { char *key; char *json; } observation;

typedef struct case_result {
    const rmc_case *c;
    rmc_status status;
    char *message;               /* UTF-8, malloc'd; "" for pass */
    char *blocked_by;            /* blocked: the case that checks the precondition, or NULL */
    observation *obs;
    int nobs;
    DWORD start_ms;              /* when it started, in ms after the first case of the run started */
    DWORD duration_ms;
} case_result;

/* Longest output-folder path the runner accepts (characters); longer ones are refused with one
 * line. Paths under the output folder that reach MAX_PATH use the \\?\ prefix (main.c). */
#define RMC_PATH_CCH 1024
/* A path as the user gave it: without a \\?\ (or \\?\UNC\) prefix the runner added. */
const WCHAR *shown_path(const WCHAR *path);

typedef struct run_state {
    const rmc_options *o;
    WCHAR out_dir[RMC_PATH_CCH];
    WCHAR scratch_dir[MAX_PATH];  /* per-run scratch under %TEMP% */
    WCHAR run_id[32];
    const WCHAR *impl_path;       /* what the children load: full path or NULL for --system */
    char impl_name[MAX_PATH];
    rmc_profile profile;
    unsigned caps, exports;
    char *cap_detail[RMC_CAP_COUNT_];   /* why each capability is (not) there */
    rmc_buf header;               /* "tool": ..., "implementation": ..., "os": ..., "platform": ... */
    char started[32];
    const rmc_case **selected;
    int nselected;
    case_result *results;         /* in finishing order */
    int nresults;
    int ndone;
    int counts[ST_COUNT];
    HANDLE jsonl;
    DWORD run_started;            /* GetTickCount() when runner_run began */
    unsigned *previous_ms;        /* per selected case: its duration in the previous run here, or NULL */
} run_state;

/* Chooses, checks and creates r->out_dir and r->scratch_dir (outdir.c); impl_path is the full
 * path of the DLL the run loads. Returns 0 after printing one line when it cannot. */
int outdir_setup(run_state *r, const WCHAR *impl_path);

void results_begin(run_state *r);
void results_case(run_state *r, case_result *cr);
void results_end(run_state *r);

/* A case process's output, captured through a pipe into a capped log file (case_log.c). */
typedef struct case_log {
    HANDLE read, file, thread;
    volatile LONG stop;
    DWORD head_written;
    char *tail;
    size_t tail_pos, tail_len;
    unsigned long long total;
} case_log;
/* Opens path and returns the inheritable handle the child writes its stdout/stderr to (the
 * caller closes it once the child has it); case_log_finish completes the file. */
HANDLE case_log_start(case_log *cl, const WCHAR *path);
void case_log_finish(case_log *cl);

/* Decodes a finished case's record file and exit into its verdict (verdict.c). death_detail
 * (may be NULL) is appended to the message of a case process that died without a verdict
 * (e.g. "; it ended during RmGetList", from the runner's view of the child). */
/* Adds one observation to a result (the value is re-encoded as a string unless it is valid JSON). */
void case_result_add_obs(case_result *cr, const char *key, const char *json);
void verdict_collect(const rmc_case *c, const WCHAR *record, const WCHAR *log, case_result *cr, int timed_out,
                     DWORD exit_code, unsigned timeout_s, const char *death_detail);

/* Runs every selected case (children, watchdog, --jobs) and records each result. */
void runner_run(run_state *r);

#endif

/* crash_report.h — turning an exception inside (or caused by) the implementation into one line a
 * developer can act on: the RM call in progress, the faulting module and offset, the first frame
 * inside the implementation, and whether the faulting pointer came from the suite's fill pattern.
 * Shared by the case process (harness/child.c) and rmfx-secondary (fixtures/secondary_main.c);
 * depends on nothing but Windows, and uses no heap (the heap may be what broke). */
#ifndef RMC_CRASH_REPORT_H
#define RMC_CRASH_REPORT_H
#include <windows.h>

/* The byte every guarded out-buffer is filled with before the implementation sees it
 * (RMC_GUARD_FILL in rmcase.h; guard.c). */
#define CRASH_FILL_BYTE 0xA5

/* The implementation's module: frames inside it are "in the implementation". */
void crash_set_implementation(HMODULE m);

/* The call in progress on this thread. crash_call_enter returns the previous one, which the
 * caller hands back to crash_call_leave (calls may nest: a callback calling into the DLL). Both
 * keep the thread's last-error value. */
const char *crash_call_enter(const char *call);
void crash_call_leave(const char *previous);
const char *crash_call_current(void);        /* NULL when no call is in progress on this thread */
const char *crash_last_call(void);           /* the last call started on any thread, or NULL */
/* A label for the calls that follow on this thread ("sizing", or the arguments of a random
 * call); NULL or "" clears it. Kept in a static buffer, truncated to ~400 bytes. */
void crash_call_label(const char *label);
const char *crash_call_label_current(void);  /* "" when none */

/* Optional shared memory the runner reads after the case process died (the "call board"):
 * the last call started, whether it returned, its label. NULL to detach. */
typedef struct crash_board {
    DWORD magic;                   /* CRASH_BOARD_MAGIC once the child wrote to it */
    volatile LONG in_call;         /* calls in progress (all threads) */
    volatile LONG record_lost;     /* the record channel failed (closed by the case process?) */
    volatile LONG calls;           /* calls started so far */
    char call[64];                 /* the last call started */
    char label[256];               /* its label, "" when none */
} crash_board;
#define CRASH_BOARD_MAGIC 0x52434231u   /* "RCB1" */
void crash_attach_board(crash_board *board);
crash_board *crash_board_get(void);

const char *crash_exception_name(DWORD code);
/* Not an exception: the code a verdict shows when the implementation ended the process itself
 * (ExitProcess, exit, abort, TerminateProcess) during a call (import_watch.c). */
#define CRASH_EXIT_DURING_CALL 0xE0455854u   /* "EXCEPTION_ACCESS_VIOLATION", or NULL */

/* Writes the whole description of the exception into msg (UTF-8, no trailing newline). */
void crash_describe(const EXCEPTION_POINTERS *ep, char *msg, size_t n);
/* " during RmGetList (label)" or "" into out. */
void crash_describe_call(char *out, size_t n);

/* Base name of the module holding addr, UTF-8 (never the A-API: non-ASCII names stay valid),
 * and addr's offset in it. Returns 0 (name "unknown module") when addr is in no module. */
int crash_module_of(const void *addr, char *name, size_t n, ULONG_PTR *offset, HMODULE *module);

#endif

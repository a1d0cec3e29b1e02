/* fake_platform.h — an in-memory rmref_platform for the core's unit tests: a store, processes
 * with the files they use and how they react to end-session messages / CTRL+C / termination,
 * services, a clock that only moves when the core sleeps, and a log of the actions taken. */
#ifndef RMREF_FAKE_PLATFORM_H
#define RMREF_FAKE_PLATFORM_H

#include "rmref_core.h"
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#define FAKE_MAX_PROCS 80
#define FAKE_MAX_SVCS 8
#define FAKE_MAX_FILES 4

typedef struct fake_proc {
    int used, alive;
    DWORD pid;
    rmref_proc_facts facts;              /* start, ts_session, flags, image, description, ... */
    const WCHAR *files[FAKE_MAX_FILES];  /* what it has open (handles) */
    const WCHAR *modules[FAKE_MAX_FILES];/* what it has loaded (mapped, no handle) */
    int modules_hidden;                  /* the enumerations cannot read its module list
                                            (a 64-bit process seen from a 32-bit caller) */
    int query_answer;                    /* WM_QUERYENDSESSION: 1 yes, 0 veto, -1 hung */
    int exit_on_endsession, exit_on_close, exit_on_ctrl_c, ignore_terminate;
    DWORD launched_by_restart;           /* 1 when process_launch created it */
    WCHAR launch_args[RMREF_CMDLINE_CHARS];
    BOOL launch_console;
} fake_proc;

typedef struct fake_service {
    int used;
    rmref_service_facts f;
    int stop_ok;                         /* a stop request really stops it */
    int start_fails;
    const WCHAR *dependents[4];          /* running dependents, in stop order */
} fake_service;

typedef struct fake_world {
    fake_proc procs[FAKE_MAX_PROCS];
    fake_service svcs[FAKE_MAX_SVCS];
    RM_UNIQUE_PROCESS self;
    DWORD self_ts;
    DWORD os_major, os_minor;
    ULONGLONG now;
    DWORD hung_timeout, svc_timeout;
    const WCHAR *directories[4];
    const WCHAR *missing[4];             /* paths where nothing exists (others are files) */
    const WCHAR *aliases[4][2];          /* {other name, name}: two names of one file */
    int kernel_query;                    /* kernel_file_users: 0 ERROR_NOT_SUPPORTED, 1 answers */
    int handle_index_only;               /* handles come with their index alone (as on Win32) */
    const WCHAR *kernel_refuses;         /* a path the kernel query fails for (access denied) */
    unsigned kernel_calls, handle_enums, module_enums, identity_calls;
    unsigned path_kind_calls, long_path_calls;
    unsigned basic_facts_calls, image_facts_calls, window_passes, enum_services_calls;
    const WCHAR *image_descriptions[4][2];   /* image path → FileDescription its file holds */
    int store_lock_timeout;              /* store_lock → ERROR_SEM_TIMEOUT */
    int locked;                          /* store lock depth, checked by every store call */
    int max_locked_during_enum;          /* the store lock must never be held while enumerating */
    unsigned char random_seed;
    DWORD next_pid;
    int launch_fails;
    /* called while the core waits (sleep_ms) or enumerates: to act like another thread */
    void (*on_tick)(void);
    char log[4096];                      /* "query:101 end:101 ..." */
} fake_world;

extern fake_world W;

void fake_reset(void);
const rmref_platform *fake_platform(void);
fake_proc *fake_proc_add(DWORD pid, const WCHAR *image, unsigned flags);
fake_service *fake_service_add(const WCHAR *name, const WCHAR *display, DWORD pid);
fake_proc *fake_proc_find(DWORD pid);
RM_UNIQUE_PROCESS fake_unique(DWORD pid);
size_t fake_store_session_count(void);

/* Start a primary session; asserts success. */
DWORD fake_start(WCHAR key[RMREF_KEY_CHARS + 1]);
/* Two names of one file (a junction or subst drive on the way), and a cmocka setup that
 * resets the world with FAKE_LIB_LINK as another name of FAKE_LIB. */
#define FAKE_LIB L"C:\\lib\\common.dll"
#define FAKE_LIB_LINK L"C:\\Link\\lib\\common.dll"
int fake_setup_alias(void **state);
/* A primary session with file a (and b, when not NULL) registered; asserts success. */
DWORD fake_session_with(const WCHAR *a, const WCHAR *b);
/* Does RmGetList on h (asserted to succeed) list pid? */
int fake_listed(DWORD h, DWORD pid);

#endif

/* rmref_core.h — the portable core of rmref (the reference Restart Manager).
 *
 * The core holds every decision the API makes: argument rules, the session table and its
 * cross-process store format, key generation, path normalisation and matching, classification,
 * RmGetList filling, shutdown/restart planning and ordering, filters, status percentages,
 * cancellation. It makes no OS call of its own: everything it needs from the system goes through
 * `rmref_platform` (a struct of function pointers), implemented for Win32 in ../win32/ and by a
 * fake in ../tests/ for the cmocka unit tests. Windows headers are included for types and
 * constants only. */
#ifndef RMREF_CORE_H
#define RMREF_CORE_H

#include <windows.h>
#include <restartmanager.h>
#include <stddef.h>

#include "rmc_errors.h"    /* RM error codes older mingw-w64 headers lack (shared, include/) */

#define RMREF_KEY_CHARS       32      /* CCH_RM_SESSION_KEY, parenthesised */
#define RMREF_MAX_SESSIONS    64      /* per user (spec §2, §7.5) */
#define RMREF_MAX_HANDLES     4096    /* per process: joined + started handles */
#define RMREF_PATH_CHARS      1024    /* longest path the core keeps for images / registrations */
#define RMREF_SVC_CHARS       257     /* service names are at most 256 characters */
#define RMREF_CMDLINE_CHARS   1025    /* RESTART_MAX_CMD_LINE + 1 */

/* Process facts the platform reports (flags). */
enum rmref_proc_flags {
    RMREF_PF_OPEN_DENIED     = 1u << 0, /* the caller cannot open it to terminate it */
    RMREF_PF_CONSOLE         = 1u << 1, /* console-subsystem image */
    RMREF_PF_MAIN_WINDOW     = 1u << 2, /* owns a visible, unowned top-level window */
    RMREF_PF_OTHER_WINDOW    = 1u << 3, /* owns top-level windows, none visible and unowned */
    RMREF_PF_CRITICAL        = 1u << 4, /* the OS marks it critical */
    RMREF_PF_RESTART_REG     = 1u << 5, /* registered with RegisterApplicationRestart */
    RMREF_PF_ELEVATED        = 1u << 6, /* runs elevated (its token says so) */
    RMREF_PF_OTHER_USER      = 1u << 7, /* runs as another user than the caller, or unknown */
};

/* What a registered path is (platform path_kind; also kept per registered file in the store). */
enum rmref_path_kind {
    RMREF_KIND_UNKNOWN   = 0,   /* not looked at (a batch written before kinds were stored) */
    RMREF_KIND_MISSING   = 1,   /* nothing there */
    RMREF_KIND_FILE      = 2,   /* something that is not a directory */
    RMREF_KIND_DIRECTORY = 3,
};

typedef struct rmref_proc_facts {
    FILETIME start;                              /* creation time (GetProcessTimes) */
    DWORD ts_session;                            /* RM_INVALID_TS_SESSION when unknown */
    unsigned flags;                              /* RMREF_PF_* */
    DWORD restart_flags;                         /* RESTART_NO_* from the registration */
    WCHAR image[RMREF_PATH_CHARS];               /* full image path, "" when unknown */
    WCHAR description[CCH_RM_MAX_APP_NAME + 1];  /* version-resource FileDescription or "" */
    WCHAR restart_args[RMREF_CMDLINE_CHARS];     /* registered restart command line */
} rmref_proc_facts;

typedef struct rmref_service_facts {
    WCHAR name[RMREF_SVC_CHARS];
    WCHAR display[RMREF_SVC_CHARS];
    DWORD pid;        /* 0 when not running */
    DWORD state;      /* SERVICE_RUNNING, SERVICE_STOPPED, ... */
    DWORD type;       /* SERVICE_WIN32_OWN_PROCESS / SERVICE_WIN32_SHARE_PROCESS */
} rmref_service_facts;

/* A file's identity: its volume's serial number and its file ID on that volume (128 bits; a
 * 64-bit ID is zero-extended). Two names denote the same file exactly when their identities
 * are equal, whatever the text: an 8.3 short name, a junction or symbolic link on the way, a
 * subst drive, another case, a hard link (spec §8.4). */
typedef struct rmref_file_id {
    ULONGLONG volume;
    ULONGLONG id_low, id_high;
    /* The file's index within its volume (FileInternalInformation), read with every identity
     * from the same handle. It costs nothing to read where the volume serial number costs a
     * query of the volume (~0.3 ms under Wine), so a handle's identity may come as its index
     * alone (index_only): a file whose index no registered file has cannot be one of them, and
     * the full identity is read only when the index matches. Not part of equality. */
    ULONGLONG index;
    int index_only;
} rmref_file_id;

/* Callback of the file-user enumerations: a process `pid` has `path` open or mapped (image,
 * module); `id` is the file's identity when the platform knows it without another look (a
 * handle it holds; possibly its index alone, index_only), else NULL. The platform also calls
 * it with path == NULL now and then so the core can poll for cancellation. A non-zero return
 * stops the enumeration (the platform then returns ERROR_CANCELLED). */
typedef int (*rmref_file_user_fn)(void *cookie, DWORD pid, const WCHAR *path, const rmref_file_id *id);
typedef int (*rmref_service_fn)(void *cookie, const rmref_service_facts *svc);

typedef struct rmref_platform {
    void *ctx;

    /* identity and environment */
    void  (*self)(void *ctx, RM_UNIQUE_PROCESS *me, DWORD *ts_session);
    void  (*os_version)(void *ctx, DWORD *major, DWORD *minor);
    DWORD (*random_bytes)(void *ctx, unsigned char *buf, unsigned n);
    ULONGLONG (*now_ms)(void *ctx);
    void  (*sleep_ms)(void *ctx, DWORD ms);
    void  (*local_lock)(void *ctx);     /* guards the process-local handle table */
    void  (*local_unlock)(void *ctx);

    /* the per-user session store: named sessions (the key) holding named binary values.
     * store_lock → 0 or ERROR_SEM_TIMEOUT. store_read/store_write → ERROR_INVALID_HANDLE when
     * the session does not exist, ERROR_FILE_NOT_FOUND when the value does not; any other
     * failure is reported as ERROR_WRITE_FAULT. store_read allocates *data with malloc. */
    DWORD (*store_lock)(void *ctx);
    void  (*store_unlock)(void *ctx);
    DWORD (*store_list)(void *ctx, WCHAR (*keys)[RMREF_KEY_CHARS + 1], UINT cap, UINT *count);
    DWORD (*store_create)(void *ctx, const WCHAR *key);   /* ERROR_ALREADY_EXISTS if present */
    DWORD (*store_delete)(void *ctx, const WCHAR *key);
    DWORD (*store_read)(void *ctx, const WCHAR *key, const WCHAR *name, void **data, DWORD *size);
    DWORD (*store_write)(void *ctx, const WCHAR *key, const WCHAR *name, const void *data, DWORD size);

    /* paths: full_path makes a path absolute (GetFullPathName: text only, no file-system
     * access); long_path expands 8.3 components (GetLongPathName: a file-system lookup per
     * component), non-zero when it cannot (then the caller keeps the full path). path_kind
     * says what is there now (RMREF_KIND_*). */
    DWORD (*full_path)(void *ctx, const WCHAR *path, WCHAR *out, DWORD cch);
    DWORD (*long_path)(void *ctx, const WCHAR *path, WCHAR *out, DWORD cch);
    int   (*path_kind)(void *ctx, const WCHAR *path);

    /* identity of the file a path names now (following links); ERROR_FILE_NOT_FOUND or
     * another error when there is none or it cannot be read */
    DWORD (*file_identity)(void *ctx, const WCHAR *path, rmref_file_id *out);

    /* detection (one snapshot per call; never under the store lock). Two routes:
     * - the kernel's own list of the processes using one file (Windows 7 and later:
     *   FileProcessIdsUsingFileInformation): kernel_file_users calls fn once per process using
     *   `path` (path and id as given), and returns 0, ERROR_FILE_NOT_FOUND / ERROR_PATH_NOT_FOUND
     *   (nothing there: nobody uses it), ERROR_NOT_SUPPORTED (the platform cannot ask: use the
     *   other route), another error (this file could not be asked: use the other route), or
     *   ERROR_CANCELLED. With it, enum_module_users adds the images and loaded modules.
     * - enum_file_users: every process's open handles, images and loaded modules. */
    DWORD (*kernel_file_users)(void *ctx, const WCHAR *path, rmref_file_user_fn fn, void *cookie);
    DWORD (*enum_module_users)(void *ctx, rmref_file_user_fn fn, void *cookie);
    DWORD (*enum_file_users)(void *ctx, rmref_file_user_fn fn, void *cookie);
    int   (*process_alive)(void *ctx, const RM_UNIQUE_PROCESS *p);  /* pid alive with that start */
    DWORD (*process_facts)(void *ctx, DWORD pid, rmref_proc_facts *out); /* ERROR_NOT_FOUND if gone */
    /* RmGetList's cheaper route to the same facts, in parts the core combines: the process's
     * own facts (no description, console or window flags; ERROR_NOT_FOUND if gone); what the
     * image file says (version FileDescription, console subsystem), which the core asks once
     * per image path; the window flags of many processes in one pass over the windows; and
     * which of them the service control manager started (only those can host a service). */
    DWORD (*process_basic_facts)(void *ctx, DWORD pid, rmref_proc_facts *out);
    void  (*image_facts)(void *ctx, const WCHAR *image, WCHAR *description, size_t cch, int *console);
    void  (*window_flags)(void *ctx, const DWORD *pids, size_t n, unsigned *flags);
    void  (*scm_children)(void *ctx, const DWORD *pids, size_t n, unsigned char *is_child);
    DWORD (*enum_services)(void *ctx, rmref_service_fn fn, void *cookie);  /* Win32 services */
    DWORD (*service_dependents)(void *ctx, const WCHAR *name, rmref_service_fn fn, void *cookie);

    /* actions */
    int   (*gui_query_end_session)(void *ctx, DWORD pid, DWORD timeout_ms); /* 1 ok, 0 veto, -1 no answer */
    void  (*gui_end_session)(void *ctx, DWORD pid, BOOL ending, DWORD timeout_ms);
    void  (*gui_close)(void *ctx, DWORD pid);
    DWORD (*console_ctrl_c)(void *ctx, DWORD pid);
    int   (*process_wait)(void *ctx, const RM_UNIQUE_PROCESS *p, DWORD timeout_ms); /* 1 = gone */
    DWORD (*process_terminate)(void *ctx, const RM_UNIQUE_PROCESS *p);
    DWORD (*service_stop)(void *ctx, const WCHAR *name);
    DWORD (*service_query)(void *ctx, const WCHAR *name, DWORD *state, DWORD *pid);
    DWORD (*service_start)(void *ctx, const WCHAR *name);
    DWORD (*process_launch)(void *ctx, const WCHAR *image, const WCHAR *args, BOOL new_console,
                            RM_UNIQUE_PROCESS *out);
    DWORD (*hung_app_timeout_ms)(void *ctx);
    DWORD (*service_timeout_ms)(void *ctx);
} rmref_platform;

/* ---- the API, one function per export (../win32/exports.c forwards to these) ------------- */
DWORD rmcore_start_session(const rmref_platform *pf, DWORD *handle, DWORD flags, WCHAR key[]);
DWORD rmcore_join_session(const rmref_platform *pf, DWORD *handle, const WCHAR key[]);
DWORD rmcore_end_session(const rmref_platform *pf, DWORD handle);
DWORD rmcore_register_resources(const rmref_platform *pf, DWORD handle,
                                UINT nfiles, LPCWSTR files[], UINT napps, RM_UNIQUE_PROCESS apps[],
                                UINT nsvcs, LPCWSTR svcs[]);
DWORD rmcore_get_list(const rmref_platform *pf, DWORD handle, UINT *needed, UINT *count,
                      RM_PROCESS_INFO apps[], DWORD *reasons);
DWORD rmcore_shutdown(const rmref_platform *pf, DWORD handle, ULONG flags, RM_WRITE_STATUS_CALLBACK cb);
DWORD rmcore_restart(const rmref_platform *pf, DWORD handle, DWORD flags, RM_WRITE_STATUS_CALLBACK cb);
DWORD rmcore_cancel_current_task(const rmref_platform *pf, DWORD handle);
DWORD rmcore_add_filter(const rmref_platform *pf, DWORD handle, LPCWSTR module,
                        const RM_UNIQUE_PROCESS *process, LPCWSTR service, RM_FILTER_ACTION action);
DWORD rmcore_remove_filter(const rmref_platform *pf, DWORD handle, LPCWSTR module,
                           const RM_UNIQUE_PROCESS *process, LPCWSTR service);
DWORD rmcore_get_filter_list(const rmref_platform *pf, DWORD handle, BYTE *buf, DWORD cb, DWORD *needed);

/* Forget every process-local handle (unit tests start each test from a clean table). */
void rmcore_reset_local_state(void);

#endif

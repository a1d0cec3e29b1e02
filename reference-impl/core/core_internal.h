/* core_internal.h — what the core's files share: text helpers, the blob format of the store,
 * the session data model, the process-local handle table and the affected-application list. */
#ifndef RMREF_CORE_INTERNAL_H
#define RMREF_CORE_INTERNAL_H

#include "rmref_core.h"

/* ---- text (text.c) ----------------------------------------------------------------------- */
WCHAR rmref_fold(WCHAR c);                               /* case folding used for matching */
int   rmref_wcsicmp(const WCHAR *a, const WCHAR *b);
ULONG rmref_hash_folded(const WCHAR *s);
void  rmref_wcsncpy0(WCHAR *dst, const WCHAR *src, size_t cch); /* truncating, always terminated */
WCHAR *rmref_wcsdup(const WCHAR *s);
/* Key text: 32 lower-case hex digits from 16 random bytes. */
void  rmref_key_from_bytes(const unsigned char bytes[16], WCHAR key[RMREF_KEY_CHARS + 1]);
/* Validate a caller's key (reads at most 33 characters): 32 hex digits then NUL. On success
 * writes the canonical (lower-case) form. */
int   rmref_key_parse(const WCHAR *in, WCHAR out[RMREF_KEY_CHARS + 1]);
/* Normalise an absolute path for comparison: strips \\?\ and \??\ prefixes (\\?\UNC\x → \\x),
 * turns '/' into '\', collapses repeated separators, removes a trailing separator except at
 * a drive root. In place. */
void  rmref_path_normalize(WCHAR *path);
const WCHAR *rmref_path_basename(const WCHAR *path);

/* A set of normalised paths (case-insensitive), for matching what the platform reports. */
typedef struct rmref_path_set {
    WCHAR **items;      /* owned */
    ULONG  *hashes;
    size_t  count, cap;
    size_t *table;      /* open addressing: index+1, 0 = empty */
    size_t  table_cap;
} rmref_path_set;
int  rmref_path_set_add(rmref_path_set *s, const WCHAR *normalized);  /* 0 on OOM */
int  rmref_path_set_contains(const rmref_path_set *s, const WCHAR *normalized);
size_t rmref_path_set_index(const rmref_path_set *s, const WCHAR *normalized); /* SIZE_MAX if absent */
size_t rmref_path_set_index_hashed(const rmref_path_set *s, const WCHAR *normalized, ULONG hash_folded);
size_t rmref_path_set_put(rmref_path_set *s, const WCHAR *normalized);  /* its index; SIZE_MAX on OOM */
/* Can this absolute path hold an 8.3 short component that GetLongPathName would expand?
 * Names Windows generates for long names always contain '~' (NAME~1.EXT); a path without
 * one is already in long form and needs no file-system lookup. */
int  rmref_path_may_be_short(const WCHAR *path);
/* Absolute, long-form, normalised path of a caller's file name; long_form: 1 always expand
 * 8.3 components, 0 only when rmref_path_may_be_short says there can be one. */
DWORD rmref_resolve_path(const rmref_platform *pf, const WCHAR *path, int long_form, WCHAR *out);
void rmref_path_set_free(rmref_path_set *s);

/* ---- file identities (fileid.c) ----------------------------------------------------------- */
typedef struct rmref_id_set { rmref_file_id *v; unsigned char *used; size_t count, cap; } rmref_id_set;
int  rmref_id_set_add(rmref_id_set *s, const rmref_file_id *id);       /* 0 on OOM */
int  rmref_id_set_contains(const rmref_id_set *s, const rmref_file_id *id);
void rmref_id_set_free(rmref_id_set *s);
/* Identity of a normalised path, asked of the platform once per path; NULL when it has none. */
typedef struct rmref_id_cache { rmref_path_set paths; rmref_file_id *ids; unsigned char *ok; size_t cap; } rmref_id_cache;
const rmref_file_id *rmref_id_cache_get(rmref_id_cache *c, const rmref_platform *pf, const WCHAR *normalized);
void rmref_id_cache_free(rmref_id_cache *c);
int  rmref_file_id_eq(const rmref_file_id *a, const rmref_file_id *b);

/* ---- identities kept between calls in this process (idcache.c) ------------------------------ */
/* The identity of a normalised path: the one kept from an earlier call, else read now (and
 * kept when there is one). */
DWORD rmref_idcache_lookup(const rmref_platform *pf, const WCHAR *normalized, rmref_file_id *out);
/* The same for every path of a set at once (one lock for the kept ones): ok[i] when paths
 * item i has an identity, in ids[i]. */
void  rmref_idcache_lookup_set(const rmref_platform *pf, const rmref_path_set *paths, rmref_file_id *ids,
                               unsigned char *ok);
/* Read again now, whatever is kept; the kept entry is corrected. */
DWORD rmref_idcache_refresh(const rmref_platform *pf, const WCHAR *normalized, rmref_file_id *out);
/* Forget every kept identity (RmShutdown, RmRestart: files are replaced between them). */
void  rmref_idcache_forget(const rmref_platform *pf);
void  rmref_idcache_reset(void);     /* rmcore_reset_local_state */

/* ---- blobs (blob.c): the binary format of store values ------------------------------------ */
typedef struct rmref_wbuf { unsigned char *p; size_t len, cap; int oom; } rmref_wbuf;
typedef struct rmref_rbuf { const unsigned char *p; size_t len, pos; int bad; } rmref_rbuf;
void  wb_u32(rmref_wbuf *b, DWORD v);
void  wb_str(rmref_wbuf *b, const WCHAR *s);
void  wb_free(rmref_wbuf *b);
DWORD rb_u32(rmref_rbuf *b);
void  rb_str(rmref_rbuf *b, WCHAR *out, size_t cch);   /* truncates to cch-1 */
WCHAR *rb_strdup(rmref_rbuf *b);                       /* malloc'd, NULL when bad */

/* ---- the session as stored (store.c) ------------------------------------------------------ */
#define RMREF_STATE_SHUTDOWN_CALLED 0x1u

typedef struct rmref_filter {
    RM_FILTER_ACTION action;
    RM_FILTER_TRIGGER trigger;
    WCHAR *text;                 /* file (normalised) or service name */
    RM_UNIQUE_PROCESS process;
} rmref_filter;

/* What RM did to an application, kept so later RmGetList / RmRestart see it. */
typedef struct rmref_history {
    RM_PROCESS_INFO info;        /* as last reported; AppStatus is the history bits */
    DWORD seq;                   /* shutdown order (restart goes in reverse) */
    DWORD console;               /* restart in a new console */
    WCHAR image[RMREF_PATH_CHARS];
    WCHAR args[RMREF_CMDLINE_CHARS];
} rmref_history;

typedef struct rmref_session_data {
    RM_UNIQUE_PROCESS owner;
    DWORD state;                 /* RMREF_STATE_* */
    WCHAR **files; size_t nfiles;              /* normalised, deduplicated */
    rmref_path_set file_set;                   /* files as a set: items is files (read only) */
    unsigned char *file_kinds;                 /* per file: RMREF_KIND_* at its latest registration */
    RM_UNIQUE_PROCESS *procs; size_t nprocs;   /* deduplicated */
    WCHAR **svcs; size_t nsvcs;                /* deduplicated (case-insensitive) */
    rmref_filter *filters; size_t nfilters;
    rmref_history *hist; size_t nhist;
    DWORD next_seq;
} rmref_session_data;

enum rmref_load_parts { RMREF_LOAD_RES = 1, RMREF_LOAD_FILTERS = 2, RMREF_LOAD_HISTORY = 4,
                        RMREF_LOAD_ALL = 7 };
/* Read a session (caller holds the store lock). ERROR_INVALID_HANDLE when it is gone. */
DWORD rmref_store_load(const rmref_platform *pf, const WCHAR *key, unsigned parts, rmref_session_data *out);
void  rmref_session_data_free(rmref_session_data *d);
DWORD rmref_store_save_filters(const rmref_platform *pf, const WCHAR *key, const rmref_session_data *d);
DWORD rmref_store_save_history(const rmref_platform *pf, const WCHAR *key, const rmref_session_data *d);
DWORD rmref_store_save_state(const rmref_platform *pf, const WCHAR *key, DWORD state);
DWORD rmref_store_append_resources(const rmref_platform *pf, const WCHAR *key, const void *blob, DWORD size);
int   rmref_unique_eq(const RM_UNIQUE_PROCESS *a, const RM_UNIQUE_PROCESS *b);
/* Load with the store lock taken and released around it. */
DWORD rmref_store_load_locked(const rmref_platform *pf, const WCHAR *key, unsigned parts, rmref_session_data *out);

/* ---- process-local handles (handles.c) ----------------------------------------------------- */
typedef struct rmref_handle_info {
    DWORD handle;
    WCHAR key[RMREF_KEY_CHARS + 1];
    int primary;
} rmref_handle_info;

DWORD rmref_handle_alloc(const rmref_platform *pf, const WCHAR *key, int primary, DWORD *out);
int   rmref_handle_get(const rmref_platform *pf, DWORD handle, rmref_handle_info *out);
void  rmref_handle_free(const rmref_platform *pf, DWORD handle);
/* Long operations: begin clears the cancel request, end ends the window in which a cancel
 * counts; cancelled() polls. */
void  rmref_op_begin(const rmref_platform *pf, DWORD handle);
void  rmref_op_end(const rmref_platform *pf, DWORD handle);
int   rmref_op_cancelled(const rmref_platform *pf, DWORD handle);
int   rmref_op_request_cancel(const rmref_platform *pf, DWORD handle);

/* Is the caller's role allowed to do this? (roles.c) */
enum rmref_op { RMREF_OP_GETLIST, RMREF_OP_SHUTDOWN, RMREF_OP_RESTART, RMREF_OP_CANCEL,
                RMREF_OP_FILTER };
DWORD rmref_role_check(const rmref_platform *pf, const rmref_handle_info *h, enum rmref_op op);

/* ---- the affected-application list (getlist.c, classify.c) -------------------------------- */
typedef struct rmref_entry {
    RM_PROCESS_INFO info;
    DWORD reasons;               /* reboot reasons this entry contributes */
    int live;                    /* found running in this snapshot */
    DWORD console;
    WCHAR image[RMREF_PATH_CHARS];
    WCHAR args[RMREF_CMDLINE_CHARS];
    DWORD svc_type;              /* for services: own / shared process */
} rmref_entry;

typedef struct rmref_list {
    rmref_entry *e; size_t n, cap;
    DWORD reasons;
} rmref_list;

/* Classify one process (service may be NULL). */
void rmref_classify(const rmref_proc_facts *facts, DWORD pid, const rmref_service_facts *service,
                    const RM_UNIQUE_PROCESS *self, DWORD self_ts, rmref_entry *out);
int  rmref_is_critical_image(const WCHAR *image);
int  rmref_is_critical_service(const WCHAR *name);

/* Documented (§8.5): a registered directory makes RmGetList fail with ERROR_ACCESS_DENIED.
 * Each file's kind is decided when it is registered; only paths that were not a plain file
 * then (missing, a directory, or an older batch without kinds) are looked at again. A path
 * that was a file at registration and is replaced by a directory later is not noticed. */
DWORD rmref_check_directories(const rmref_platform *pf, const rmref_session_data *d);
/* Compute the list for a session: snapshot, classify, merge history, apply filter masks.
 * `data` receives the loaded session (resources, filters, history) for the caller's use. */
DWORD rmref_compute_list(const rmref_platform *pf, const rmref_handle_info *h,
                         rmref_session_data *data, rmref_list *out);
void  rmref_list_free(rmref_list *l);
/* The filter action that applies to an entry (0 = none). Precedence: process, service, file. */
RM_FILTER_ACTION rmref_filter_for(const rmref_session_data *d, const rmref_entry *e);
/* History record matching an entry's identity, or NULL. */
rmref_history *rmref_history_find(rmref_session_data *d, const RM_PROCESS_INFO *info);
/* Add or update a history record from an entry. 0 on OOM. */
int rmref_history_put(rmref_session_data *d, const rmref_entry *e, ULONG status, DWORD seq);

/* Progress for the status callback: strictly increasing, 0..100. */
typedef struct rmref_progress { RM_WRITE_STATUS_CALLBACK cb; int last; size_t total, done; } rmref_progress;
void rmref_progress_start(rmref_progress *p, RM_WRITE_STATUS_CALLBACK cb, size_t total);
void rmref_progress_step(rmref_progress *p);
void rmref_progress_finish(rmref_progress *p);

#endif

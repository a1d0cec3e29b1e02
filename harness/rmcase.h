/* rmcase.h — what a conformance case sees: the case model, the implementation's entry points,
 * checks that record what they saw, observations, guarded buffers and per-case scratch space.
 *
 * A case is a cmocka test body run alone in its own child process (see harness/child.c).
 * Case files live in cases/, one per area; each exports a table `rmc_cases_<area>` and is
 * listed in cases/areas.def. */
#ifndef RMCASE_H
#define RMCASE_H

#include <windows.h>
#include <restartmanager.h>
#include "rmc_errors.h"
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

/* ---- OS profiles: the Windows version whose expectations apply ------------------------- */
typedef enum rmc_profile {
    RMC_PROFILE_VISTA, RMC_PROFILE_WIN7, RMC_PROFILE_WIN8, RMC_PROFILE_WIN10, RMC_PROFILE_WIN11,
    RMC_PROFILE_COUNT
} rmc_profile;

#define RMC_OS(p)      (1u << RMC_PROFILE_##p)
#define RMC_OS_ALL     0x1fu
#define RMC_OS_WIN7UP  (RMC_OS_ALL & ~RMC_OS(VISTA))

/* ---- platform capabilities a case may need (probed at start; see harness/probe.c) ------- */
enum rmc_capability {
    RMC_CAP_WINDOWS = 1u << 0,        /* top-level windows can be created and get messages */
    RMC_CAP_SERVICES = 1u << 1,       /* the SCM lets us create, start, stop, delete services */
    RMC_CAP_RESTART_READ = 1u << 2,   /* GetApplicationRestartSettings reports registrations */
    RMC_CAP_HANDLE_ENUM = 1u << 3,    /* system handle enumeration works */
    RMC_CAP_ADMIN = 1u << 4,          /* the runner is elevated */
    /* The runner is NOT elevated, so the fixtures it starts are not either. RmRestart never
     * restarts elevated applications (§8.7, §10.7): a case that expects an application to come
     * back needs this, or on an elevated runner (a CI image's admin) it would blame the DLL for
     * following the documentation. */
    RMC_CAP_UNELEVATED = 1u << 5,
    RMC_CAP_COUNT_ = 6
};

/* ---- the implementation's exports ------------------------------------------------------- */
enum rmc_export {
    RMX_StartSession, RMX_JoinSession, RMX_EndSession, RMX_RegisterResources, RMX_GetList,
    RMX_Shutdown, RMX_Restart, RMX_CancelCurrentTask, RMX_AddFilter, RMX_RemoveFilter,
    RMX_GetFilterList, RMX_ReserveHeap, RMX_COUNT
};
#define RMX(name) (1u << RMX_##name)

typedef DWORD (WINAPI *rm_start_session_fn)(DWORD *, DWORD, WCHAR[]);
typedef DWORD (WINAPI *rm_join_session_fn)(DWORD *, const WCHAR[]);
typedef DWORD (WINAPI *rm_end_session_fn)(DWORD);
typedef DWORD (WINAPI *rm_register_resources_fn)(DWORD, UINT, LPCWSTR[], UINT, RM_UNIQUE_PROCESS[], UINT, LPCWSTR[]);
typedef DWORD (WINAPI *rm_get_list_fn)(DWORD, UINT *, UINT *, RM_PROCESS_INFO[], LPDWORD);
typedef DWORD (WINAPI *rm_shutdown_fn)(DWORD, ULONG, RM_WRITE_STATUS_CALLBACK);
typedef DWORD (WINAPI *rm_restart_fn)(DWORD, DWORD, RM_WRITE_STATUS_CALLBACK);
typedef DWORD (WINAPI *rm_cancel_current_task_fn)(DWORD);
typedef DWORD (WINAPI *rm_add_filter_fn)(DWORD, LPCWSTR, RM_UNIQUE_PROCESS *, LPCWSTR, RM_FILTER_ACTION);
typedef DWORD (WINAPI *rm_remove_filter_fn)(DWORD, LPCWSTR, RM_UNIQUE_PROCESS *, LPCWSTR);
typedef DWORD (WINAPI *rm_get_filter_list_fn)(DWORD, PBYTE, DWORD, LPDWORD);
typedef DWORD (WINAPI *rm_reserve_heap_fn)(DWORD);

/* Resolved in the child before the case body runs; a case only runs when every export it
 * declared in `exports` is present. Named like Wine's tests name dynamically loaded calls. */
extern rm_start_session_fn pRmStartSession;
extern rm_join_session_fn pRmJoinSession;
extern rm_end_session_fn pRmEndSession;
extern rm_register_resources_fn pRmRegisterResources;
extern rm_get_list_fn pRmGetList;
extern rm_shutdown_fn pRmShutdown;
extern rm_restart_fn pRmRestart;
extern rm_cancel_current_task_fn pRmCancelCurrentTask;
extern rm_add_filter_fn pRmAddFilter;
extern rm_remove_filter_fn pRmRemoveFilter;
extern rm_get_filter_list_fn pRmGetFilterList;
extern rm_reserve_heap_fn pRmReserveHeap;

/* ---- the case model ---------------------------------------------------------------------- */
enum rmc_case_flags {
    RMC_EXCLUSIVE = 1u << 0,  /* never runs beside another case (e.g. it fills the session limit) */
    /* Runs with the global force timeouts lowered (RMC_LOW_*_MS below): never beside a case
     * without this flag (its RmShutdown would see them), but beside others that have it. The
     * runner lowers them for the group and puts them back after; the case calls
     * rmc_lowered_timeouts() first, which also lowers them when it runs on its own. */
    RMC_LOWERED_TIMEOUTS = 1u << 1,
};

/* The force timeouts of the RMC_LOWERED_TIMEOUTS cases (§10.6: configurable; §2, §15: where). */
#define RMC_LOW_HUNG_APP_MS 1000u     /* HungAppTimeout / SPI_GETHUNGAPPTIMEOUT (default 30 s doc) */
#define RMC_LOW_SERVICE_MS 1000u      /* WaitToKillServiceTimeout / SPI_GETWAITTOKILLSERVICETIMEOUT (20 s doc) */
/* For an RMC_LOWERED_TIMEOUTS case, first thing: makes sure both timeouts are lowered (when
 * they are not — the case runs on its own — it lowers them and puts them back after the case),
 * and records them as observations. Fails the case when they cannot be set. */
void rmc_lowered_timeouts(void);

typedef struct rmc_case {
    const char *id;          /* "area.what_is_checked", stable */
    const char *title;       /* one line */
    const char *spec;        /* spec section, e.g. "§8.1" */
    const char *provenance;  /* "doc", "obs" or "probe" (probe never fails on the probed value) */
    unsigned os;             /* RMC_OS_* mask of profiles it applies to */
    unsigned needs;          /* RMC_CAP_* it needs; missing → unsupported */
    unsigned exports;        /* RMX(...) it calls; missing → fail "missing export RmX" */
    unsigned flags;          /* RMC_EXCLUSIVE, ... */
    unsigned timeout_s;      /* least watchdog time it needs (0: the runner's default) */
    void (*body)(void **state);  /* *state is `param` when the body starts */
    const void *param;       /* lets one body serve a table of cases */
} rmc_case;

/* RMC_CASE(id, title, spec, provenance, .exports = ..., .body = fn, [.os = ..., .needs = ...]) */
#define RMC_CASE(id_, title_, spec_, prov_, ...) \
    { .id = id_, .title = title_, .spec = spec_, .provenance = prov_, .os = RMC_OS_ALL, __VA_ARGS__ }
#define RMC_AREA_COUNT(area) \
    const size_t rmc_cases_##area##_count = sizeof(rmc_cases_##area) / sizeof(rmc_cases_##area[0])

/* ---- context of the running case (child side) --------------------------------------------- */
rmc_profile rmc_os(void);                 /* profile whose expectations apply */
const char *rmc_os_name(rmc_profile p);   /* "vista", "win7", ... */
const rmc_case *rmc_current_case(void);
const WCHAR *rmc_impl_path(void);         /* the DLL under test: full path, or L"rstrtmgr.dll" for --system */
int rmc_impl_is_system(void);
const WCHAR *rmc_bin_dir(void);           /* folder of rmconform.exe (fixtures live there), with trailing '\' */
/* CreateProcessW (no application name, no environment or directory of its own), retried a few
 * times when it fails with the transient ERROR_INTERNAL_ERROR (Wine under load:
 * docs/wine-notes.md); GetLastError() as CreateProcess. For a case that starts processes itself. */
BOOL create_process_retrying(WCHAR *cmdline, BOOL inherit, DWORD flags, STARTUPINFOW *si, PROCESS_INFORMATION *pi);
const WCHAR *rmc_case_dir(void);          /* scratch folder of this case, with trailing '\'; removed afterwards */
const WCHAR *rmc_run_id(void);            /* short per-run tag, for names that must not collide (services) */
unsigned rmc_platform_caps(void);         /* RMC_CAP_* available here */

/* Builds rmc_case_dir() + name into out (MAX_PATH WCHARs); when create is non-zero, creates the
 * file with a few bytes in it. Fails the case when that does not work. */
void rmc_case_file(WCHAR out[MAX_PATH], const WCHAR *name, int create);

/* A label for the RM calls this thread makes next, shown in a crash verdict ("during RmGetList
 * (sizing)"); printf-style; NULL clears it. Every p* export call is already named without it. */
void rmc_call_label(const char *fmt, ...) __attribute__((format(gnu_printf, 1, 2)));

/* Runs fn(arg) after the body, also when it failed (cmocka teardown), last registered first. */
void rmc_defer(void (*fn)(void *), void *arg);

/* ---- sessions for cases that need one as a precondition ------------------------------------ */
/* A guarded buffer of CCH_RM_SESSION_KEY + 1 WCHARs, zeroed (§7.2: pre-zero it): the only kind of
 * key buffer a case hands to RmStartSession, so a write past the 33rd WCHAR is reported as such. */
#define RMC_KEY_BYTES (sizeof(WCHAR) * (CCH_RM_SESSION_KEY + 1))
WCHAR *rmc_key_alloc(void);
int rmc_key_written(const WCHAR *key);         /* a zeroed key buffer is no longer all zeros */
/* Whether the implementation wrote any byte of a guarded out-parameter (rmc_guard_alloc). */
int rmc_written(const void *p, size_t size);
/* Calls RmStartSession with a guarded handle and a guarded, zeroed key buffer and ends the session
 * after the case. A precondition: unless it returns ERROR_SUCCESS and writes the handle (and the
 * key, when key is not NULL; it is copied there), the case is `blocked` (see
 * session.start_returns_key). key may be NULL. */
DWORD rmc_session_start(WCHAR key[CCH_RM_SESSION_KEY + 1]);
/* A session (rmc_session_start) with one file, or one service by short name, registered;
 * `blocked` unless RmRegisterResources returns ERROR_SUCCESS. */
DWORD rmc_session_with_file(const WCHAR *path);
DWORD rmc_session_with_service(const WCHAR *name);
/* Ends the session after the case (RmEndSession; the return code is not checked). */
void rmc_session_end_later(DWORD handle);

/* ---- RmGetList the way installers call it (§9) --------------------------------------------------
 * The documented retry loop: size with (0, NULL), then fetch into a guarded buffer of the size
 * reported, up to 5 rounds while the list grows. Every out-parameter is guarded, and one the spec
 * requires is never read unless written: *pnProcInfoNeeded after 0 or ERROR_MORE_DATA, and
 * *lpdwRebootReasons after 0 when reasons is not NULL ("RmGetList returned ERROR_SUCCESS (0) and
 * left *lpdwRebootReasons unwritten" fails the case). */
/* The most entries the harness allocates for: a larger *pnProcInfoNeeded fails the case with
 * "RmGetList claims N entries". */
#define RMC_MAX_LIST_ENTRIES 65536u
void rmc_check_list_claim(UINT needed);
/* Returns RmGetList's last code; on ERROR_SUCCESS *apps (a guarded buffer, released after the
 * case or with rmc_guard_free) holds *count entries and *reasons (when not NULL) the reboot
 * reasons. Pass reasons = NULL when the case does not use them. */
DWORD rmc_get_list_all(DWORD h, RM_PROCESS_INFO **apps, UINT *count, DWORD *reasons);
/* Same, but fails the case unless it ends in ERROR_SUCCESS (recorded as "<what>.RmGetList") and
 * keeps the list as "the last list" until the next call; returns its length. */
UINT rmc_list(DWORD h, const char *what);
UINT rmc_listed_count(void);
const RM_PROCESS_INFO *rmc_listed_pid(DWORD pid);              /* in the last list, or NULL */
const RM_PROCESS_INFO *rmc_listed_service(const WCHAR *name);  /* by service short name, or NULL */

/* ---- preconditions on the implementation ----------------------------------------------------------
 * Called when a case's own result would blame something else (its fixture is not listed, its
 * RmShutdown stopped nothing): each checks the precondition directly, with a fresh fixture and
 * session, and ends the case `blocked` naming the case that tests it when it does not hold;
 * otherwise it returns and the case goes on to its own verdict. */
enum rmc_detection {
    RMC_DETECT_LOCKED_FILE,   /* a process holding a registered file with no sharing: detect.locked_file */
    RMC_DETECT_OPEN_FILE,     /* ... open with full sharing: detect.shared_open_file (after the above) */
    RMC_DETECT_PROCESS,       /* a process registered by RM_UNIQUE_PROCESS: detect.registered_process */
};
void rmc_require_detection(enum rmc_detection what);
/* RmShutdown(0) returns 0 and a cooperative window application holding a registered file exits
 * (shutdown.gui_query_then_endsession; checks RMC_DETECT_LOCKED_FILE first). Needs RMC_CAP_WINDOWS. */
void rmc_require_shutdown_stops(void);

/* ---- error names ---------------------------------------------------------------------------- */
const char *rmc_error_name(DWORD code);   /* "ERROR_MORE_DATA", or "error" when unknown */
/* "ERROR_MORE_DATA (234)"; uses a rotating static buffer (several may appear in one printf). */
const char *rmc_rc_str(DWORD code);

/* ---- observations: what the case saw, kept even if it then crashes ----------------------- */
void rmc_obs_rc(const char *key, DWORD rc);
void rmc_obs_int(const char *key, long long value);
void rmc_obs_hex(const char *key, unsigned long long value);
void rmc_obs_bool(const char *key, int value);
void rmc_obs_str(const char *key, const char *utf8);
void rmc_obs_wstr(const char *key, const WCHAR *s, size_t max_chars);
/* A returned string as UTF-8 text for a message (malloc'd): a lone surrogate or a control
 * character is spelled as \\uXXXX, so the message shows what came back. */
char *rmc_wstr_shown(const WCHAR *s, size_t max_chars);
void rmc_obs_json(const char *key, const char *raw_json);   /* value already JSON */
void rmc_obs_strs(const char *key, const char *const *items, size_t n);  /* JSON array */

/* ---- checks (Wine's ok() spirit: the call is visible, the message prints what was wrong) -- */
/* Fails the case with a formatted message (recorded, then cmocka's fail_msg). */
void rmc_fail_at(const char *file, int line, const char *fmt, ...) __attribute__((format(gnu_printf, 3, 4), noreturn));
#define rmc_fail(...) rmc_fail_at(__FILE__, __LINE__, __VA_ARGS__)
/* check(cond, "format", ...): fails with the message when cond is false. */
#define check(cond_, ...) do { if (!(cond_)) rmc_fail(__VA_ARGS__); } while (0)
/* Records `rc` under key and fails unless it equals `want`:
 * "RmEndSession(second) returned ERROR_SUCCESS (0), expected ERROR_INVALID_HANDLE (6)". */
#define check_rc(what_, rc_, want_) rmc_check_rc_at(__FILE__, __LINE__, what_, (DWORD)(rc_), (DWORD)(want_))
void rmc_check_rc_at(const char *file, int line, const char *key, DWORD rc, DWORD want);
/* Ends the case as `unsupported` with the reason (the platform lacks something). */
void rmc_unsupported(const char *fmt, ...) __attribute__((format(gnu_printf, 1, 2), noreturn));
/* Ends the case as `blocked`: a precondition on the implementation did not hold, so the case
 * cannot judge what it is about. `see_case` is the id of the case that checks that precondition
 * directly (the blame goes there); the message reads
 * "blocked: <fmt...> (see <see_case>)". */
void rmc_blocked(const char *see_case, const char *fmt, ...) __attribute__((format(gnu_printf, 2, 3), noreturn));
/* require(cond, see_case, "format", ...): rmc_blocked unless cond holds. */
#define require(cond_, see_, ...) do { if (!(cond_)) rmc_blocked(see_, __VA_ARGS__); } while (0)
/* require_rc(key, rc, want, see_case): records rc under key; `blocked` unless it equals want
 * (a set-up call whose result the case is not about). */
#define require_rc(key_, rc_, want_, see_) do { DWORD r_ = (DWORD)(rc_); rmc_obs_rc(key_, r_); \
        require(r_ == (DWORD)(want_), see_, "precondition: %s returned %s, expected %s", key_, rmc_rc_str(r_), \
                rmc_rc_str((DWORD)(want_))); } while (0)

/* ---- guarded buffers: every out-parameter handed to the implementation --------------------- */
/* The buffer's last byte sits just before a no-access region, so any write past `size` bytes
 * faults and the case is reported as "wrote past the end of <what>". The buffer and the slack
 * before it are filled with RMC_GUARD_FILL so untouched bytes and writes before the start show. */
#define RMC_GUARD_FILL 0xA5
void *rmc_guard_alloc(size_t size, const char *what);
void rmc_guard_check(const void *p);        /* fails if the slack before the buffer changed */
void rmc_guard_free(void *p);               /* checks, then releases */
int rmc_guard_untouched(const void *p, size_t offset, size_t len);  /* still all RMC_GUARD_FILL */
/* Freed automatically after the case (a guarded buffer the case forgot is still checked). */

#endif

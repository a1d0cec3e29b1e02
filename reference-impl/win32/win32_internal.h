/* win32_internal.h — the Win32 implementation of rmref_platform, split by responsibility:
 * platform_win32.c (identity, time, randomness, paths, timeouts), store_win32.c (the registry
 * store and its mutex), detect_win32.c (handle/module enumeration, process and service facts),
 * actions_win32.c (end-session messages, console control, services, launching). */
#ifndef RMREF_WIN32_INTERNAL_H
#define RMREF_WIN32_INTERNAL_H

#include "../core/rmref_core.h"

const rmref_platform *rmwin_platform(void);
HMODULE rmwin_module(void);

/* user32_lazy.c: user32 entry points, loaded on first use; NULL when unavailable */
typedef struct rmwin_user32 {
    int ok;
    BOOL (WINAPI *enum_windows)(WNDENUMPROC, LPARAM);
    DWORD (WINAPI *get_window_thread_process_id)(HWND, LPDWORD);
    BOOL (WINAPI *is_window_visible)(HWND);
    HWND (WINAPI *get_window)(HWND, UINT);
    LONG_PTR (WINAPI *get_window_long_ptr)(HWND, int);
    LRESULT (WINAPI *send_message_timeout)(HWND, UINT, WPARAM, LPARAM, UINT, UINT, PDWORD_PTR);
    BOOL (WINAPI *post_message)(HWND, UINT, WPARAM, LPARAM);
    BOOL (WINAPI *system_parameters_info)(UINT, UINT, PVOID, UINT);
    int (WINAPI *get_class_name)(HWND, LPWSTR, int);
} rmwin_user32;
/* Input-method windows every GUI thread gets (classes "IME", "MSCTFIME UI"): top-level but the
 * system's, not the application's; never counted or messaged. */
int rmwin_is_system_window(HWND hwnd);
const rmwin_user32 *rmwin_user32_api(void);

/* store_win32.c */
DWORD rmwin_store_lock(void *ctx);
void  rmwin_store_unlock(void *ctx);
DWORD rmwin_store_list(void *ctx, WCHAR (*keys)[RMREF_KEY_CHARS + 1], UINT cap, UINT *count);
DWORD rmwin_store_create(void *ctx, const WCHAR *key);
DWORD rmwin_store_delete(void *ctx, const WCHAR *key);
DWORD rmwin_store_read(void *ctx, const WCHAR *key, const WCHAR *name, void **data, DWORD *size);
DWORD rmwin_store_write(void *ctx, const WCHAR *key, const WCHAR *name, const void *data, DWORD size);

/* detect_win32.c */
DWORD rmwin_enum_file_users(void *ctx, rmref_file_user_fn fn, void *cookie);
DWORD rmwin_enum_module_users(void *ctx, rmref_file_user_fn fn, void *cookie);
int   rmwin_process_alive(void *ctx, const RM_UNIQUE_PROCESS *p);
DWORD rmwin_process_facts(void *ctx, DWORD pid, rmref_proc_facts *out);
DWORD rmwin_process_basic_facts(void *ctx, DWORD pid, rmref_proc_facts *out);
void  rmwin_image_facts(void *ctx, const WCHAR *image, WCHAR *description, size_t cch, int *console);
void  rmwin_window_flags(void *ctx, const DWORD *pids, size_t n, unsigned *flags);
void  rmwin_scm_children(void *ctx, const DWORD *pids, size_t n, unsigned char *is_child);
DWORD rmwin_enum_services(void *ctx, rmref_service_fn fn, void *cookie);
DWORD rmwin_service_dependents(void *ctx, const WCHAR *name, rmref_service_fn fn, void *cookie);
/* Open a process only if it is still the instance `p` names (PID and start time). */
HANDLE rmwin_open_unique(const RM_UNIQUE_PROCESS *p, DWORD access);

/* fileid_win32.c: file identities and the kernel's per-file list of users */
DWORD rmwin_handle_identity(HANDLE file, rmref_file_id *out);
DWORD rmwin_handle_index(HANDLE file, rmref_file_id *out);     /* the index alone (index_only) */
DWORD rmwin_file_identity(void *ctx, const WCHAR *path, rmref_file_id *out);
DWORD rmwin_kernel_file_users(void *ctx, const WCHAR *path, rmref_file_user_fn fn, void *cookie);

/* token_win32.c: RMREF_PF_ELEVATED / RMREF_PF_OTHER_USER of a process (handle with
 * PROCESS_QUERY_LIMITED_INFORMATION); OTHER_USER when its token cannot be read */
unsigned rmwin_token_flags(HANDLE process);

/* actions_win32.c */
int   rmwin_gui_query_end_session(void *ctx, DWORD pid, DWORD timeout_ms);
void  rmwin_gui_end_session(void *ctx, DWORD pid, BOOL ending, DWORD timeout_ms);
void  rmwin_gui_close(void *ctx, DWORD pid);
DWORD rmwin_console_ctrl_c(void *ctx, DWORD pid);
int   rmwin_process_wait(void *ctx, const RM_UNIQUE_PROCESS *p, DWORD timeout_ms);
DWORD rmwin_process_terminate(void *ctx, const RM_UNIQUE_PROCESS *p);
DWORD rmwin_service_stop(void *ctx, const WCHAR *name);
DWORD rmwin_service_query(void *ctx, const WCHAR *name, DWORD *state, DWORD *pid);
DWORD rmwin_service_start(void *ctx, const WCHAR *name);
DWORD rmwin_process_launch(void *ctx, const WCHAR *image, const WCHAR *args, BOOL new_console,
                           RM_UNIQUE_PROCESS *out);

#endif

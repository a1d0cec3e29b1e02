/* actions_win32.c — what RmShutdown and RmRestart do to other processes: end-session messages
 * to top-level windows, CTRL_C_EVENT to console applications, SCM stop/start, terminate,
 * launch. (CTRL_C_EVENT: console_ctrl_win32.c.) */
#include "win32_internal.h"
#include <stdlib.h>
#include <wchar.h>

typedef struct window_list { DWORD pid; HWND *v; size_t n, cap; } window_list;

static BOOL CALLBACK collect_window(HWND hwnd, LPARAM lp)
{
    window_list *w = (window_list *)lp;
    DWORD pid = 0;
    rmwin_user32_api()->get_window_thread_process_id(hwnd, &pid);
    if (pid != w->pid || rmwin_is_system_window(hwnd)) return TRUE;
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 8;
        HWND *v = realloc(w->v, cap * sizeof *v);
        if (!v) return FALSE;
        w->v = v; w->cap = cap;
    }
    w->v[w->n++] = hwnd;
    return TRUE;
}

/* Every top-level window of the process, hidden ones included (tray applications keep a
 * hidden top-level window for exactly this). Message-only windows are not top-level. */
static void windows_of(DWORD pid, window_list *w)
{
    w->pid = pid;
    w->v = NULL;
    w->n = w->cap = 0;
    const rmwin_user32 *u = rmwin_user32_api();
    if (u) u->enum_windows(collect_window, (LPARAM)w);
}

/* Threads that did not answer within the timeout in this round: their other windows are
 * skipped (a thread that is not pumping messages answers none of them). */
typedef struct hung_threads { DWORD v[16]; int n; } hung_threads;

static int send_or_skip(hung_threads *hung, HWND hwnd, UINT msg, WPARAM wp, LPARAM lp, DWORD timeout_ms,
                        DWORD_PTR *answer)
{
    const rmwin_user32 *u = rmwin_user32_api();
    DWORD tid = u->get_window_thread_process_id(hwnd, NULL);
    for (int i = 0; i < hung->n; i++) if (hung->v[i] == tid) return 0;
    if (u->send_message_timeout(hwnd, msg, wp, lp, SMTO_ABORTIFHUNG, timeout_ms, answer)) return 1;
    if (hung->n < 16) hung->v[hung->n++] = tid;
    return 0;
}

int rmwin_gui_query_end_session(void *ctx, DWORD pid, DWORD timeout_ms)
{
    window_list w;
    hung_threads hung = { { 0 }, 0 };
    windows_of(pid, &w);
    int result = w.n ? 1 : -1;
    for (size_t i = 0; i < w.n; i++) {
        DWORD_PTR answer = 0;
        if (!send_or_skip(&hung, w.v[i], WM_QUERYENDSESSION, 0, ENDSESSION_CLOSEAPP, timeout_ms, &answer)) {
            if (result == 1) result = -1;     /* hung or gone: no answer */
        } else if (!answer) {
            result = 0;
        }
    }
    free(w.v);
    return result;
}

void rmwin_gui_end_session(void *ctx, DWORD pid, BOOL ending, DWORD timeout_ms)
{
    window_list w;
    hung_threads hung = { { 0 }, 0 };
    windows_of(pid, &w);
    for (size_t i = 0; i < w.n; i++) {
        DWORD_PTR ignored;
        send_or_skip(&hung, w.v[i], WM_ENDSESSION, (WPARAM)ending, ENDSESSION_CLOSEAPP, timeout_ms, &ignored);
    }
    free(w.v);
}

void rmwin_gui_close(void *ctx, DWORD pid)
{
    window_list w;
    windows_of(pid, &w);
    for (size_t i = 0; i < w.n; i++) rmwin_user32_api()->post_message(w.v[i], WM_CLOSE, 0, 0);
    free(w.v);
}

/* ---- console control through the helper ------------------------------------------------- */

/* ---- processes -------------------------------------------------------------------------- */

int rmwin_process_wait(void *ctx, const RM_UNIQUE_PROCESS *p, DWORD timeout_ms)
{
    HANDLE h = rmwin_open_unique(p, SYNCHRONIZE);
    if (!h) return 1;                   /* gone (or its PID now names another process) */
    int gone = WaitForSingleObject(h, timeout_ms) == WAIT_OBJECT_0;
    CloseHandle(h);
    return gone;
}

DWORD rmwin_process_terminate(void *ctx, const RM_UNIQUE_PROCESS *p)
{
    HANDLE h = rmwin_open_unique(p, PROCESS_TERMINATE);
    if (!h) return ERROR_NOT_FOUND;
    DWORD err = TerminateProcess(h, ERROR_FAIL_SHUTDOWN) ? 0 : GetLastError();
    CloseHandle(h);
    return err;
}

DWORD rmwin_process_launch(void *ctx, const WCHAR *image, const WCHAR *args, BOOL new_console,
                           RM_UNIQUE_PROCESS *out)
{
    size_t n = wcslen(image) + (args ? wcslen(args) : 0) + 4;
    WCHAR *cmd = malloc(n * sizeof(WCHAR));
    if (!cmd) return ERROR_OUTOFMEMORY;
    swprintf(cmd, n, args && args[0] ? L"\"%ls\" %ls" : L"\"%ls\"", image, args ? args : L"");
    STARTUPINFOW si = { sizeof si };
    PROCESS_INFORMATION pi;
    BOOL ok = CreateProcessW(image, cmd, NULL, NULL, FALSE, new_console ? CREATE_NEW_CONSOLE : 0, NULL, NULL,
                             &si, &pi);
    DWORD err = ok ? 0 : GetLastError();
    free(cmd);
    if (err) return err;
    FILETIME exit_, kernel, user;
    out->dwProcessId = pi.dwProcessId;
    GetProcessTimes(pi.hProcess, &out->ProcessStartTime, &exit_, &kernel, &user);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    return 0;
}

/* ---- services --------------------------------------------------------------------------- */

static SC_HANDLE open_service(const WCHAR *name, DWORD access, SC_HANDLE *scm)
{
    *scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
    if (!*scm) return NULL;
    SC_HANDLE s = OpenServiceW(*scm, name, access);
    if (!s) { DWORD e = GetLastError(); CloseServiceHandle(*scm); SetLastError(e); }
    return s;
}

DWORD rmwin_service_stop(void *ctx, const WCHAR *name)
{
    SC_HANDLE scm, s = open_service(name, SERVICE_STOP, &scm);
    if (!s) return GetLastError();
    SERVICE_STATUS st;
    DWORD err = ControlService(s, SERVICE_CONTROL_STOP, &st) ? 0 : GetLastError();
    CloseServiceHandle(s);
    CloseServiceHandle(scm);
    return err == ERROR_SERVICE_NOT_ACTIVE ? 0 : err;
}

DWORD rmwin_service_query(void *ctx, const WCHAR *name, DWORD *state, DWORD *pid)
{
    SC_HANDLE scm, s = open_service(name, SERVICE_QUERY_STATUS, &scm);
    if (!s) return GetLastError();
    SERVICE_STATUS_PROCESS ssp;
    DWORD got, err = QueryServiceStatusEx(s, SC_STATUS_PROCESS_INFO, (BYTE *)&ssp, sizeof ssp, &got) ? 0 : GetLastError();
    if (!err) { *state = ssp.dwCurrentState; *pid = ssp.dwProcessId; }
    CloseServiceHandle(s);
    CloseServiceHandle(scm);
    return err;
}

DWORD rmwin_service_start(void *ctx, const WCHAR *name)
{
    SC_HANDLE scm, s = open_service(name, SERVICE_START, &scm);
    if (!s) return GetLastError();
    DWORD err = StartServiceW(s, 0, NULL) ? 0 : GetLastError();
    CloseServiceHandle(s);
    CloseServiceHandle(scm);
    return err;
}

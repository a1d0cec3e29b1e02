/* console_ctrl_win32.c — CTRL_C_EVENT to one console application, and to no one else (spec
 * §10.2: RM sends CTRL_C_EVENT to the console applications it must close).
 *
 * GenerateConsoleCtrlEvent(CTRL_C_EVENT) reaches every process attached to a console: an
 * unrelated program sharing the target's console (or the installer itself) would be told to
 * quit too. So rmref does what the console itself does to deliver a control event to a
 * process: it starts a thread in that process at the system's CtrlRoutine (exported by
 * kernelbase.dll on Windows 8 and later and by Wine; kernel32.dll forwards it), with the event
 * as its parameter. That thread runs the process's handlers (or the default one, which ends the
 * process) exactly as for a keyboard CTRL+C, honours a process that ignores CTRL+C, and
 * reaches that process alone. System DLLs are mapped at the same address in every process of
 * one bitness, which is checked before the thread is started.
 *
 * When that is not possible (the target has another bitness than the caller, a system without
 * the export, kernelbase at another address), a helper process attaches to the target's
 * console and raises the event there, but only when nothing else shares that console: it lists
 * the console's processes first and refuses (ERROR_SHARING_VIOLATION, so the application is
 * reported not stopped, or terminated under RmForceShutdown) when anyone but the target is on
 * it. The helper writes no executable: it is rundll32.exe running this DLL's export
 * RmrefConsoleCtrl, so application-control policies that allow the installer's DLL allow it. */
#include "win32_internal.h"
#include <tlhelp32.h>
#include <stdlib.h>
#include <wchar.h>

typedef DWORD (WINAPI *ctrl_routine_fn)(void *);

static ctrl_routine_fn ctrl_routine(HMODULE *owner)
{
    static const WCHAR *const dlls[] = { L"kernelbase.dll", L"kernel32.dll" };
    for (size_t i = 0; i < 2; i++) {
        HMODULE m = GetModuleHandleW(dlls[i]);
        FARPROC f = m ? GetProcAddress(m, "CtrlRoutine") : NULL;
        if (!f) continue;
        /* kernel32's export may forward to kernelbase: the owner is the module holding it */
        if (!GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                                (LPCWSTR)(void *)f, owner))
            continue;
        return (ctrl_routine_fn)(void *)f;
    }
    return NULL;
}

/* Is `module` (one of ours) mapped at the same base in process pid? */
static int same_base_in(DWORD pid, HMODULE module)
{
    WCHAR name[MAX_PATH];
    if (!GetModuleFileNameW(module, name, MAX_PATH)) return 0;
    const WCHAR *base = wcsrchr(name, L'\\') ? wcsrchr(name, L'\\') + 1 : name;
    HANDLE snap = INVALID_HANDLE_VALUE;
    for (int tries = 0; tries < 3 && snap == INVALID_HANDLE_VALUE; tries++) {
        snap = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE, pid);
        if (snap == INVALID_HANDLE_VALUE && GetLastError() != ERROR_BAD_LENGTH) break;
    }
    if (snap == INVALID_HANDLE_VALUE) return 0;
    int same = 0;
    MODULEENTRY32W me = { sizeof me };
    for (BOOL ok = Module32FirstW(snap, &me); ok; ok = Module32NextW(snap, &me))
        if (!_wcsicmp(me.szModule, base)) { same = me.modBaseAddr == (BYTE *)module; break; }
    CloseHandle(snap);
    return same;
}

static int same_bitness(HANDLE process)
{
    BOOL a = FALSE, b = FALSE;
    if (!IsWow64Process(GetCurrentProcess(), &a) || !IsWow64Process(process, &b)) return 0;
    return a == b;
}

/* The event as the console delivers it: a thread at CtrlRoutine in the target. */
static DWORD ctrl_c_by_thread(DWORD pid)
{
    HMODULE owner = NULL;
    ctrl_routine_fn routine = ctrl_routine(&owner);
    if (!routine) return ERROR_NOT_SUPPORTED;
    HANDLE p = OpenProcess(PROCESS_CREATE_THREAD | PROCESS_QUERY_INFORMATION | PROCESS_VM_OPERATION |
                           PROCESS_VM_WRITE | PROCESS_VM_READ, FALSE, pid);
    if (!p) return GetLastError();
    DWORD err = 0;
    if (!same_bitness(p) || !same_base_in(pid, owner)) err = ERROR_NOT_SUPPORTED;
    HANDLE t = err ? NULL : CreateRemoteThread(p, NULL, 0, (LPTHREAD_START_ROUTINE)routine,
                                               (void *)(ULONG_PTR)CTRL_C_EVENT, 0, NULL);
    if (!err && !t) err = GetLastError();
    if (t) CloseHandle(t);
    CloseHandle(p);
    return err;
}

/* rundll32.exe "<this DLL>",RmrefConsoleCtrl <pid>; its exit code is the helper's answer. */
static DWORD ctrl_c_by_helper(DWORD pid)
{
    WCHAR dll[MAX_PATH], sys[MAX_PATH], exe[MAX_PATH + 32], cmd[2 * MAX_PATH + 96];
    if (!GetModuleFileNameW(rmwin_module(), dll, MAX_PATH) || !GetSystemDirectoryW(sys, MAX_PATH))
        return ERROR_NOT_SUPPORTED;
    /* from a 32-bit process on 64-bit Windows, System32 is redirected to the 32-bit rundll32 */
    swprintf(exe, MAX_PATH + 32, L"%ls\\rundll32.exe", sys);
    swprintf(cmd, 2 * MAX_PATH + 96, L"\"%ls\" \"%ls\",RmrefConsoleCtrl %lu", exe, dll, (unsigned long)pid);
    STARTUPINFOW si = { sizeof si };
    PROCESS_INFORMATION pi;
    if (!CreateProcessW(exe, cmd, NULL, NULL, FALSE, DETACHED_PROCESS, NULL, NULL, &si, &pi))
        return GetLastError();
    DWORD code = ERROR_TIMEOUT;
    if (WaitForSingleObject(pi.hProcess, 10000) == WAIT_OBJECT_0) GetExitCodeProcess(pi.hProcess, &code);
    else TerminateProcess(pi.hProcess, ERROR_TIMEOUT);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    return code;
}

DWORD rmwin_console_ctrl_c(void *ctx, DWORD pid)
{
    DWORD err = ctrl_c_by_thread(pid);
    if (err == ERROR_NOT_SUPPORTED) err = ctrl_c_by_helper(pid);
    return err;
}

/* The helper, in rundll32.exe (no console of its own): attach to pid's console, make sure the
 * target is the only other process on it, raise CTRL_C_EVENT, ignoring it here. */
static DWORD helper_ctrl_c(DWORD pid)
{
    FreeConsole();
    if (!AttachConsole(pid)) return GetLastError();
    DWORD list[64], self = GetCurrentProcessId();
    DWORD n = GetConsoleProcessList(list, 64);
    DWORD err = n ? 0 : GetLastError();
    if (n > 64) err = ERROR_SHARING_VIOLATION;
    for (DWORD i = 0; !err && i < n; i++)
        if (list[i] != pid && list[i] != self) err = ERROR_SHARING_VIOLATION;
    if (!err) {
        SetConsoleCtrlHandler(NULL, TRUE);
        if (!GenerateConsoleCtrlEvent(CTRL_C_EVENT, 0)) err = GetLastError();
    }
    FreeConsole();
    return err;
}

void CALLBACK RmrefConsoleCtrl(HWND hwnd, HINSTANCE inst, LPSTR args, int show)
{
    DWORD pid = args ? (DWORD)strtoul(args, NULL, 10) : 0;
    ExitProcess(pid ? helper_ctrl_c(pid) : ERROR_BAD_ARGUMENTS);
}

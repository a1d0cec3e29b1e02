/* trial.c — a trial run of an implementation given with --dll, in a child process, before the
 * bench loads it into its own: LoadLibrary (DllMain), RmStartSession, RmRegisterResources of
 * one file, RmGetList, RmEndSession. A DLL that crashes or hangs there would end or stall the
 * whole bench; in the child it only ends the child, and the bench records it as unusable (as
 * the runner isolates a case) instead of timing it. What the calls return is not judged here. */
#include "bench.h"
#include <stdio.h>
#include <wchar.h>

int trial_child(const WCHAR *dll, const WCHAR *work)
{
    impl im;
    DWORD err = impl_load(&im, "trial", dll);
    if (err) return (int)err;                         /* the parent reports it as a load error */
    WCHAR file[MAX_PATH];
    _snwprintf(file, MAX_PATH, L"%ls\\trial-%lu.dat", work, (unsigned long)GetCurrentProcessId());
    HANDLE f = CreateFileW(file, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           CREATE_ALWAYS, FILE_FLAG_DELETE_ON_CLOSE, NULL);
    const WCHAR *files[1] = { file };
    DWORD session;
    if (!impl_session_with_files(&im, files, 1, 1, &session, NULL, NULL)) {
        RM_PROCESS_INFO info[8];
        UINT count;
        double ms;
        impl_get_list(&im, session, info, 8, &count, &ms);
        im.end(session);
    }
    if (f != INVALID_HANDLE_VALUE) CloseHandle(f);
    return 0;
}

DWORD trial_run(const WCHAR *dll, const WCHAR *work, DWORD timeout_ms, const char **what)
{
    WCHAR self[MAX_PATH], cmd[4 * MAX_PATH];
    GetModuleFileNameW(NULL, self, MAX_PATH);
    _snwprintf(cmd, 4 * MAX_PATH, L"\"%ls\" trial --dll \"%ls\" --work \"%ls\"", self, dll, work);
    HANDLE job = CreateJobObjectW(NULL, NULL);
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION lim = {0};
    lim.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE | JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION;
    if (job) SetInformationJobObject(job, JobObjectExtendedLimitInformation, &lim, sizeof lim);
    STARTUPINFOW si = { sizeof si };
    PROCESS_INFORMATION pi;
    /* no error dialog for a crash in the child */
    UINT old_mode = SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
    BOOL started = CreateProcessW(self, cmd, NULL, NULL, FALSE, CREATE_SUSPENDED, NULL, NULL, &si, &pi);
    SetErrorMode(old_mode);
    if (!started) { *what = "could not be started"; if (job) CloseHandle(job); return GetLastError(); }
    if (job) AssignProcessToJobObject(job, pi.hProcess);
    ResumeThread(pi.hThread);
    CloseHandle(pi.hThread);
    DWORD code = 0;
    if (WaitForSingleObject(pi.hProcess, timeout_ms) != WAIT_OBJECT_0) {
        TerminateProcess(pi.hProcess, ERROR_TIMEOUT);
        WaitForSingleObject(pi.hProcess, 5000);
        *what = "hung";
        code = ERROR_TIMEOUT;
    }
    else {
        GetExitCodeProcess(pi.hProcess, &code);
        *what = !code ? "passed" : code >= 0x80000000u ? "crashed" : "could not be loaded";
    }
    CloseHandle(pi.hProcess);
    if (job) CloseHandle(job);
    return code;
}

/* lockers.c — N processes that each hold one file open without sharing: rmfx-app.exe
 * --lock FILE --window none --ready-event NAME (fixtures/README.md).
 *
 * Under Wine on two cores, starting 128 of them one after the other (each waiting for the
 * previous to be ready) takes minutes; they are all created first and waited for afterwards.
 * Every locker is created suspended and put in a kill-on-close job before it runs a single
 * instruction, so none can outlive this process: not when the bench ends, not when it is
 * killed (the job handle closes with the process). */
#include "bench.h"
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

static void lockers_free(lockers *l)
{
    for (size_t i = 0; i < l->n; i++) {
        if (l->process && l->process[i]) CloseHandle(l->process[i]);
        if (l->file) free(l->file[i]);
    }
    free(l->process); free(l->pid); free(l->file);
    if (l->job) CloseHandle(l->job);
    memset(l, 0, sizeof *l);
}

DWORD lockers_start(lockers *l, const WCHAR *bin_dir, const WCHAR *work_dir, size_t n, DWORD timeout_ms)
{
    memset(l, 0, sizeof *l);
    l->job = CreateJobObjectW(NULL, NULL);
    if (!l->job) return GetLastError();
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION lim = {0};
    lim.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
    if (!SetInformationJobObject(l->job, JobObjectExtendedLimitInformation, &lim, sizeof lim)) {
        DWORD err = GetLastError();
        lockers_free(l);
        return err;
    }
    l->process = calloc(n ? n : 1, sizeof *l->process);
    l->pid = calloc(n ? n : 1, sizeof *l->pid);
    l->file = calloc(n ? n : 1, sizeof *l->file);
    HANDLE *ready = calloc(n ? n : 1, sizeof *ready);
    if (!l->process || !l->pid || !l->file || !ready) { free(ready); lockers_free(l); return ERROR_OUTOFMEMORY; }

    WCHAR image[MAX_PATH], cmd[3 * MAX_PATH], event[96];
    _snwprintf(image, MAX_PATH, L"%ls\\rmfx-app.exe", bin_dir);
    DWORD err = 0;
    double t0 = bench_now_ms();
    for (size_t i = 0; i < n && !err; i++) {
        l->file[i] = malloc(MAX_PATH * sizeof(WCHAR));
        if (!l->file[i]) { err = ERROR_OUTOFMEMORY; break; }
        l->n = i + 1;
        _snwprintf(l->file[i], MAX_PATH, L"%ls\\lock-%04u.dat", work_dir, (unsigned)i);
        _snwprintf(event, 96, L"Local\\rmbench-%lu-%u", (unsigned long)GetCurrentProcessId(), (unsigned)i);
        ready[i] = CreateEventW(NULL, TRUE, FALSE, event);
        if (!ready[i]) { err = GetLastError(); break; }
        _snwprintf(cmd, 3 * MAX_PATH, L"\"%ls\" --lock \"%ls\" --window none --ready-event %ls", image, l->file[i], event);
        STARTUPINFOW si = { sizeof si };
        PROCESS_INFORMATION pi;
        if (!CreateProcessW(image, cmd, NULL, NULL, FALSE, CREATE_SUSPENDED, NULL, NULL, &si, &pi)) {
            err = GetLastError();
            break;
        }
        if (!AssignProcessToJobObject(l->job, pi.hProcess)) {
            err = GetLastError();
            TerminateProcess(pi.hProcess, 1);
            CloseHandle(pi.hProcess); CloseHandle(pi.hThread);
            break;
        }
        ResumeThread(pi.hThread);
        CloseHandle(pi.hThread);
        l->process[i] = pi.hProcess;
        l->pid[i] = pi.dwProcessId;
    }
    /* All are running (or starting): wait for each to hold its file, or to die. */
    ULONGLONG deadline = GetTickCount64() + timeout_ms;
    for (size_t i = 0; i < l->n && !err; i++) {
        HANDLE both[2] = { ready[i], l->process[i] };
        ULONGLONG now = GetTickCount64();
        DWORD left = now < deadline ? (DWORD)(deadline - now) : 0;
        DWORD w = WaitForMultipleObjects(2, both, FALSE, left);
        if (w == WAIT_OBJECT_0) continue;
        DWORD code = 0;
        if (w == WAIT_OBJECT_0 + 1) GetExitCodeProcess(l->process[i], &code);
        bench_log("locker %u of %u %s (exit code %lu)", (unsigned)i + 1, (unsigned)n,
                  w == WAIT_TIMEOUT ? "not ready in time" : "died before it was ready", (unsigned long)code);
        err = w == WAIT_TIMEOUT ? ERROR_TIMEOUT : ERROR_PROCESS_ABORTED;
    }
    for (size_t i = 0; i < n; i++) if (ready[i]) CloseHandle(ready[i]);
    free(ready);
    if (err) {
        lockers_stop(l);
        return err;
    }
    bench_log("%u lockers ready in %.0f ms", (unsigned)n, bench_now_ms() - t0);
    return 0;
}

size_t lockers_stop(lockers *l)
{
    size_t alive = 0;
    if (l->job) {
        TerminateJobObject(l->job, 0);
        CloseHandle(l->job);
        l->job = NULL;
    }
    for (size_t i = 0; i < l->n; i++)
        if (l->process[i] && WaitForSingleObject(l->process[i], 10000) != WAIT_OBJECT_0) alive++;
    /* the files they held can go now */
    for (size_t i = 0; i < l->n; i++) if (l->file[i]) DeleteFileW(l->file[i]);
    lockers_free(l);
    return alive;
}

/* spawn_in_job.c — starting a process that is inside a job object from its first instruction.
 *
 * CreateProcess(CREATE_SUSPENDED) followed by AssignProcessToJobObject leaves a window: a
 * runner (or case process) killed between the two leaves the new process outside every job
 * that would have ended it — suspended forever, or running if it was resumed by someone else.
 * Where the platform offers PROC_THREAD_ATTRIBUTE_JOB_LIST (Windows 10; Wine 8 honours it too,
 * docs/wine-notes.md) the process is created in the job, so there is no window. Elsewhere the
 * old way is the fallback. Either way the process is created suspended and checked to be in the
 * job before the caller resumes it. */
#include "internal.h"
#include <stdlib.h>

#ifndef PROC_THREAD_ATTRIBUTE_JOB_LIST
#define PROC_THREAD_ATTRIBUTE_JOB_LIST 0x2000d
#endif

/* A one-entry attribute list naming job, or NULL when the platform cannot make one. */
static LPPROC_THREAD_ATTRIBUTE_LIST job_list(HANDLE *job)
{
    SIZE_T size = 0;
    InitializeProcThreadAttributeList(NULL, 1, 0, &size);
    LPPROC_THREAD_ATTRIBUTE_LIST list = size ? malloc(size) : NULL;
    if (!list) return NULL;
    if (!InitializeProcThreadAttributeList(list, 1, 0, &size)) {
        free(list);
        return NULL;
    }
    if (!UpdateProcThreadAttribute(list, 0, PROC_THREAD_ATTRIBUTE_JOB_LIST, job, sizeof(*job), NULL, NULL)) {
        DeleteProcThreadAttributeList(list);
        free(list);
        return NULL;
    }
    return list;
}

/* Test-only (tests/fixtures/test_spawn_window.py): RMC_TEST_SPAWN_PAUSE=<ms>[,plain] holds every
 * new process between its creation and the job check for that long, saying so on stderr, so a
 * test can kill the creator right there; ",plain" leaves the attribute list out, as on a
 * platform without it, to show the window the list closes. */
static DWORD test_pause_ms(int *plain)
{
    WCHAR v[32];
    DWORD n = GetEnvironmentVariableW(L"RMC_TEST_SPAWN_PAUSE", v, 32);
    *plain = n && n < 32 && wcsstr(v, L",plain") != NULL;
    return n && n < 32 ? wcstoul(v, NULL, 10) : 0;
}

int spawn_in_job(WCHAR *cmdline, BOOL inherit, DWORD flags, const STARTUPINFOW *si, HANDLE job,
                 PROCESS_INFORMATION *pi, int *in_job)
{
    *in_job = 0;
    int plain = 0;
    DWORD pause = test_pause_ms(&plain);
    HANDLE jobs[1] = { job };
    LPPROC_THREAD_ATTRIBUTE_LIST list = job && !plain ? job_list(jobs) : NULL;
    BOOL ok = FALSE;
    DWORD err = 0;
    if (list) {
        STARTUPINFOEXW sx;
        memset(&sx, 0, sizeof sx);
        sx.StartupInfo = *si;
        sx.StartupInfo.cb = sizeof sx;
        sx.lpAttributeList = list;
        ok = create_process_retrying(cmdline, inherit, flags | CREATE_SUSPENDED | EXTENDED_STARTUPINFO_PRESENT,
                                     &sx.StartupInfo, pi);
        err = GetLastError();
        DeleteProcThreadAttributeList(list);
        free(list);
    }
    int via_list = ok;
    if (!ok) {
        /* No attribute list here, or CreateProcess refused it (e.g. a job it cannot nest):
         * the old way. */
        STARTUPINFOW plain = *si;
        plain.cb = sizeof plain;
        ok = create_process_retrying(cmdline, inherit, flags | CREATE_SUSPENDED, &plain, pi);
        err = GetLastError();
    }
    if (!ok) {
        SetLastError(err);
        return 0;
    }
    if (pause) {
        fprintf(stderr, "rmconform: test: created pid %lu suspended, %s; pausing %lu ms\n", (unsigned long)pi->dwProcessId,
                via_list ? "in the job from creation" : "not yet in the job", (unsigned long)pause);
        fflush(stderr);
        Sleep(pause);
    }
    BOOL member = FALSE;
    if (job && (!IsProcessInJob(pi->hProcess, job, &member) || !member)) member = AssignProcessToJobObject(job, pi->hProcess);
    *in_job = member != FALSE;
    if (!*in_job) err = GetLastError();
    SetLastError(*in_job ? ERROR_SUCCESS : err);
    return 1;
}

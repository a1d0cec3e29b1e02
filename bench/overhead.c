/* overhead.c — `rmbench overhead`: the runner's per-case overhead, step by step (issue 16).
 * The suite costs ~280 ms per case beyond the cases' own durations; this times each step the
 * runner and the fixtures take around a case, on its own, the way they take it:
 *
 *   case_process     rmconform.exe started (create_process_retrying from harness/util.c, as the
 *                    runner starts a case) in a kill-on-close job, std handles to NUL, until it
 *                    has exited: `--help` parses the options and exits, so this is process
 *                    creation, loader, C runtime and exit of the runner's own image
 *   dll_load         LoadLibraryW of rmref.dll in a fresh process (`rmbench load`, whose exit
 *                    code carries the time), as a case child loads the implementation
 *   fixture_ready    one rmfx-app.exe --lock started and waited for until its ready event
 *                    (lockers.c: what fixture_app does for a locking application)
 *   fixture_stop     ending it through its job and waiting for its end
 *   scratch_setup    a case's scratch folder made (make_dirs from harness/util.c) and 4 files
 *                    created in it
 *   scratch_remove   removed again (remove_tree from harness/util.c, as the runner does)
 *   service_install  `rmfx-svc.exe --install NAME --journal PATH --owner PID` run to its end,
 *                    as harness/fixture_service.c installs a fixture service
 *   service_start    StartServiceW, then polled every 50 ms until SERVICE_RUNNING (the
 *                    fixture's wait)
 *   service_remove   svc_remove() from fixtures/svc_remove.c: stop, wait, delete
 *
 * One "overhead" line per step with every repetition's milliseconds; a step that cannot be
 * taken here (no right to install services, say) is recorded with its error and no samples. */
#include "bench.h"
#include "harness_util.h"   /* harness/util.c: create_process_retrying, make_dirs, remove_tree */
#include "svc_remove.h"      /* fixtures/svc_remove.c */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define MAX_REPS 64

typedef struct step {
    const char *name;
    double ms[MAX_REPS];
    size_t n;
    DWORD rc;
} step;

static void step_write(const WCHAR *out, const step *s)
{
    jbuf b = {0};
    jb_str(&b, "kind", "overhead");
    jb_str(&b, "step", s->name);
    jb_num(&b, "rc", s->rc);
    jb_samples(&b, "samples_ms", s->ms, s->rc ? 0 : s->n);
    out_line(out, &b);
    bench_log("overhead: %s %s", s->name, s->rc ? "could not be measured" : "measured");
}

/* Starts cmd in a kill-on-close job with its std handles on NUL and no console (as the runner
 * starts case processes and the cases start service installs: DETACHED_PROCESS) and waits for
 * its end. The time is from before the creation to the end; the exit code is returned in *code. */
static DWORD run_to_end(WCHAR *cmd, double *ms, DWORD *code)
{
    SECURITY_ATTRIBUTES sa = { sizeof sa, NULL, TRUE };
    HANDLE nul = CreateFileW(L"NUL", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, &sa,
                             OPEN_EXISTING, 0, NULL);
    HANDLE job = CreateJobObjectW(NULL, NULL);
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION lim = {0};
    lim.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
    if (job) SetInformationJobObject(job, JobObjectExtendedLimitInformation, &lim, sizeof lim);
    STARTUPINFOW si = { .cb = sizeof si, .dwFlags = STARTF_USESTDHANDLES, .hStdInput = nul, .hStdOutput = nul,
                        .hStdError = nul };
    PROCESS_INFORMATION pi;
    DWORD err = 0;
    double t0 = bench_now_ms();
    if (!create_process_retrying(cmd, TRUE, CREATE_SUSPENDED | DETACHED_PROCESS, &si, &pi)) err = GetLastError();
    else {
        if (job) AssignProcessToJobObject(job, pi.hProcess);
        ResumeThread(pi.hThread);
        if (WaitForSingleObject(pi.hProcess, 60000) != WAIT_OBJECT_0) {
            TerminateProcess(pi.hProcess, 1);
            err = ERROR_TIMEOUT;
        }
        *ms = bench_now_ms() - t0;
        GetExitCodeProcess(pi.hProcess, code);
        CloseHandle(pi.hProcess);
        CloseHandle(pi.hThread);
    }
    if (job) CloseHandle(job);
    if (nul != INVALID_HANDLE_VALUE) CloseHandle(nul);
    return err;
}

int overhead_load_child(const WCHAR *dll)
{
    double t0 = bench_now_ms();
    HMODULE m = LoadLibraryW(dll);
    double us = (bench_now_ms() - t0) * 1000.0;
    if (!m) return 0;                                /* 0 µs cannot be a load: the parent sees a failure */
    return us < 1 ? 1 : (int)us;
}

static void time_case_process(const WCHAR *bin, size_t reps, step *s)
{
    WCHAR cmd[2 * MAX_PATH];
    for (size_t r = 0; r < reps && !s->rc; r++) {
        _snwprintf(cmd, 2 * MAX_PATH, L"\"%ls\\rmconform.exe\" --help", bin);
        DWORD code = 0;
        s->rc = run_to_end(cmd, &s->ms[r], &code);
        if (!s->rc && code) s->rc = code;
        s->n = r + 1;
    }
}

static void time_dll_load(const WCHAR *bin, size_t reps, step *s)
{
    WCHAR self[MAX_PATH], cmd[3 * MAX_PATH];
    GetModuleFileNameW(NULL, self, MAX_PATH);
    for (size_t r = 0; r < reps && !s->rc; r++) {
        _snwprintf(cmd, 3 * MAX_PATH, L"\"%ls\" load --dll \"%ls\\rmref.dll\"", self, bin);
        DWORD code = 0;
        double whole;
        s->rc = run_to_end(cmd, &whole, &code);
        if (!s->rc && !code) s->rc = ERROR_MOD_NOT_FOUND;
        s->ms[r] = code / 1000.0;
        s->n = r + 1;
    }
}

static void time_fixture(const WCHAR *bin, const WCHAR *work, size_t reps, step *ready, step *stop)
{
    for (size_t r = 0; r < reps && !ready->rc; r++) {
        lockers lk;
        double t0 = bench_now_ms();
        ready->rc = lockers_start(&lk, bin, work, 1, 60000);
        ready->ms[r] = bench_now_ms() - t0;
        if (ready->rc) break;
        t0 = bench_now_ms();
        size_t left = lockers_stop(&lk);
        stop->ms[r] = bench_now_ms() - t0;
        if (left) stop->rc = ERROR_PROCESS_ABORTED;
        ready->n = stop->n = r + 1;
    }
    if (ready->rc) stop->rc = ready->rc;
}

static void time_scratch(const WCHAR *work, size_t reps, step *setup, step *removal)
{
    WCHAR dir[MAX_PATH], file[MAX_PATH];
    for (size_t r = 0; r < reps && !setup->rc && !removal->rc; r++) {
        _snwprintf(dir, MAX_PATH, L"%ls\\scratch\\overhead.case_%u", work, (unsigned)r);
        double t0 = bench_now_ms();
        if (!make_dirs(dir)) { setup->rc = GetLastError() ? GetLastError() : ERROR_PATH_NOT_FOUND; break; }
        for (int i = 0; i < 4 && !setup->rc; i++) {
            _snwprintf(file, MAX_PATH, L"%ls\\file-%d.dat", dir, i);
            if (!write_text_file(file, "rmbench", 7)) setup->rc = GetLastError();
        }
        setup->ms[r] = bench_now_ms() - t0;
        t0 = bench_now_ms();
        if (!remove_tree(dir)) removal->rc = GetLastError() ? GetLastError() : ERROR_DIR_NOT_EMPTY;
        removal->ms[r] = bench_now_ms() - t0;
        setup->n = removal->n = r + 1;
    }
    _snwprintf(dir, MAX_PATH, L"%ls\\scratch", work);
    remove_tree(dir);
}

static DWORD wait_running(SC_HANDLE svc, DWORD timeout_ms)
{
    ULONGLONG end = GetTickCount64() + timeout_ms;
    for (;;) {
        SERVICE_STATUS_PROCESS st;
        DWORD got;
        if (!QueryServiceStatusEx(svc, SC_STATUS_PROCESS_INFO, (BYTE *)&st, sizeof st, &got)) return GetLastError();
        if (st.dwCurrentState == SERVICE_RUNNING) return 0;
        if (GetTickCount64() >= end) return ERROR_SERVICE_REQUEST_TIMEOUT;
        Sleep(50);
    }
}

static void time_services(const WCHAR *bin, const WCHAR *work, size_t reps, step *install, step *start, step *removal)
{
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
    if (!scm) { install->rc = start->rc = removal->rc = GetLastError(); return; }
    WCHAR name[96], cmd[4 * MAX_PATH], journal[MAX_PATH];
    for (size_t r = 0; r < reps && !install->rc && !removal->rc; r++) {
        _snwprintf(name, 96, L"rmbench-overhead-%lx-%u", (unsigned long)GetCurrentProcessId(), (unsigned)r);
        _snwprintf(journal, MAX_PATH, L"%ls\\svc-%u.journal", work, (unsigned)r);
        _snwprintf(cmd, 4 * MAX_PATH, L"\"%ls\\rmfx-svc.exe\" --install %ls --journal \"%ls\" --owner %lu", bin, name,
                   journal, (unsigned long)GetCurrentProcessId());
        DWORD code = 0;
        install->rc = run_to_end(cmd, &install->ms[r], &code);
        if (!install->rc && code) install->rc = code;
        install->n = r + 1;
        if (!install->rc && !start->rc) {
            SC_HANDLE svc = OpenServiceW(scm, name, SERVICE_START | SERVICE_QUERY_STATUS);
            double t0 = bench_now_ms();
            if (!svc || !StartServiceW(svc, 0, NULL)) start->rc = GetLastError();
            else start->rc = wait_running(svc, 30000);
            start->ms[r] = bench_now_ms() - t0;
            start->n = r + 1;
            if (svc) CloseServiceHandle(svc);
        }
        double t0 = bench_now_ms();
        DWORD err = svc_remove(scm, name, 0xF4);
        removal->ms[r] = bench_now_ms() - t0;
        removal->n = r + 1;
        if (err && !install->rc) removal->rc = err;
        DeleteFileW(journal);
    }
    if (install->rc) start->rc = removal->rc = install->rc;
    CloseServiceHandle(scm);
}

int overhead_run(const WCHAR *bin, const WCHAR *out, const WCHAR *work_given, size_t reps)
{
    WCHAR work[MAX_PATH], tmp[MAX_PATH];
    if (reps > MAX_REPS) reps = MAX_REPS;
    if (work_given) wcsncpy(work, work_given, MAX_PATH - 1), work[MAX_PATH - 1] = 0;
    else {
        GetTempPathW(MAX_PATH, tmp);
        _snwprintf(work, MAX_PATH, L"%lsrmbench-%lu", tmp, (unsigned long)GetCurrentProcessId());
    }
    if (!make_dirs(work)) { bench_log("cannot create the work folder"); return 3; }
    static step s[9] = {
        {"case_process"}, {"dll_load"}, {"fixture_ready"}, {"fixture_stop"}, {"scratch_setup"},
        {"scratch_remove"}, {"service_install"}, {"service_start"}, {"service_remove"},
    };
    time_case_process(bin, reps, &s[0]);
    time_dll_load(bin, reps, &s[1]);
    time_fixture(bin, work, reps, &s[2], &s[3]);
    time_scratch(work, reps, &s[4], &s[5]);
    time_services(bin, work, reps, &s[6], &s[7], &s[8]);
    int failed = 0;
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
        step_write(out, &s[i]);
        failed |= s[i].rc != 0;
    }
    if (!work_given) remove_tree(work);
    return failed ? 1 : 0;
}

/* runner.c — runs each selected case in its own child process under a watchdog.
 *
 * Every child is created suspended inside its own job object (kill on close; spawn_in_job.c)
 * and then resumed, so the child and everything it starts (fixtures) die with the job: on a
 * timeout, after a crash, and if the runner itself is killed — also at the moment it was created. The child reports through a record file written line by
 * line (child.c); whatever it wrote before dying is kept. */
#include "runner.h"
#include "fixture.h"
#include "crash_report.h"
#include "service_watch.h"
#include <stdlib.h>
#include <string.h>

typedef struct slot {
    int busy;
    const rmc_case *c;
    HANDLE process, job;
    DWORD pid;
    DWORD start_error;          /* CreateProcess's error when the case could not start */
    DWORD started, timeout_ms;
    WCHAR record[RMC_PATH_CCH], log[RMC_PATH_CCH], case_dir[MAX_PATH];
    case_log capture;           /* the child's stdout/stderr, capped (case_log.c) */
    HANDLE board_map;           /* the call board the child writes its call in progress to */
    crash_board *board;
} slot;

/* Each case's job may commit this much memory (the case process and its fixtures together). */
#define CASE_JOB_MEMORY_LIMIT ((SIZE_T)1 << 30)

/* What the call board says about a case process that died without a verdict: the call in
 * progress, and whether the record channel broke. The child can write anything there: read it
 * as untrusted text. */
static void describe_death(const slot *s, DWORD exit_code, char *out, size_t n)
{
    size_t o = 0;
    out[0] = 0;
    const crash_board *b = s->board;
    if (!b || b->magic != CRASH_BOARD_MAGIC) return;
    char call[sizeof b->call + 1], label[sizeof b->label + 1];
    memcpy(call, b->call, sizeof b->call);
    call[sizeof b->call] = 0;
    memcpy(label, b->label, sizeof b->label);
    label[sizeof b->label] = 0;
    for (char *p = call; *p; p++) if ((unsigned char)*p < 0x20) *p = '?';
    for (char *p = label; *p; p++) if ((unsigned char)*p < 0x20) *p = '?';
    if (b->record_lost)
        o += (size_t)snprintf(out + o, n - o, "; the record channel was closed by the case process (writing to it "
                              "failed with error %ld), so what it recorded after that was lost", (long)b->record_lost);
    if (b->in_call > 0 && call[0]) {
        o += (size_t)snprintf(out + o, n - o, "; it ended during %s%s%s%s", call, label[0] ? " (" : "", label,
                              label[0] ? ")" : "");
        if (o < n && exit_code == 0)
            o += (size_t)snprintf(out + o, n - o, ": the process ended without running the crash filter and without "
                                  "the implementation calling ExitProcess or TerminateProcess itself — a stack overflow "
                                  "is likely (Wine ends a process whose stack overflows with exit code 0), all the more "
                                  "when the call recursed without bound");
        else if (o < n && exit_code == EXCEPTION_STACK_OVERFLOW)
            o += (size_t)snprintf(out + o, n - o, ": the call overflowed the stack");
    } else if (b->calls > 0 && call[0] && o < n)
        o += (size_t)snprintf(out + o, n - o, "; the last call into the implementation, %s, had returned", call);
}

/* ---- starting a child ---------------------------------------------------------------------------- */

static void append_arg(WCHAR *cmd, size_t n, const WCHAR *arg)
{
    size_t len = wcslen(cmd);
    _snwprintf(cmd + len, n - len, wcschr(arg, ' ') || !*arg ? L" \"%ls\"" : L" %ls", arg);
    cmd[n - 1] = 0;
}

static int start_child(run_state *r, slot *s, const rmc_case *c)
{
    WCHAR *id = wide_from_utf8(c->id), caps[16], self[MAX_PATH];
    /* outdir.c checked that these fit (the out folder carries \\?\ when they reach MAX_PATH). */
    _snwprintf(s->record, RMC_PATH_CCH, L"%ls\\cases\\%ls.rec", r->out_dir, id);
    s->record[RMC_PATH_CCH - 1] = 0;
    _snwprintf(s->log, RMC_PATH_CCH, L"%ls\\cases\\%ls.log", r->out_dir, id);
    s->log[RMC_PATH_CCH - 1] = 0;
    _snwprintf(s->case_dir, MAX_PATH, L"%ls\\%ls", r->scratch_dir, id);
    s->case_dir[MAX_PATH - 1] = 0;
    DeleteFileW(s->record);
    _snwprintf(caps, 16, L"%u", r->caps);
    GetModuleFileNameW(NULL, self, MAX_PATH);

    size_t n = 8 * MAX_PATH + 2 * RMC_PATH_CCH;
    WCHAR *cmd = calloc(n, sizeof(WCHAR));
    _snwprintf(cmd, n, L"\"%ls\"", self);
    append_arg(cmd, n, L"--child"); append_arg(cmd, n, id);
    if (r->impl_path) { append_arg(cmd, n, L"--dll"); append_arg(cmd, n, r->impl_path); }
    else append_arg(cmd, n, L"--system");
    WCHAR *os = wide_from_utf8(rmc_os_name(r->profile));
    append_arg(cmd, n, L"--os"); append_arg(cmd, n, os);
    append_arg(cmd, n, L"--caps"); append_arg(cmd, n, caps);
    append_arg(cmd, n, L"--run-id"); append_arg(cmd, n, r->run_id);
    append_arg(cmd, n, L"--record"); append_arg(cmd, n, s->record);
    append_arg(cmd, n, L"--case-dir"); append_arg(cmd, n, s->case_dir);

    SECURITY_ATTRIBUTES inherit = {sizeof(inherit), NULL, TRUE};
    HANDLE log = case_log_start(&s->capture, s->log);
    HANDLE nul = CreateFileW(L"NUL", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, &inherit, OPEN_EXISTING, 0, NULL);
    STARTUPINFOW si = {sizeof(si)};
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = nul;
    si.hStdOutput = log;
    si.hStdError = log;
    PROCESS_INFORMATION pi;
    s->job = CreateJobObjectW(NULL, NULL);
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION lim = {0};
    lim.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE | JOB_OBJECT_LIMIT_JOB_MEMORY;
    lim.JobMemoryLimit = CASE_JOB_MEMORY_LIMIT;
    SetInformationJobObject(s->job, JobObjectExtendedLimitInformation, &lim, sizeof lim);
    /* DETACHED_PROCESS: no console at all, so console control events a case generates for its
     * fixtures (it attaches to theirs for a moment) never reach the runner's console, and no
     * console host process is started for it (CREATE_NO_WINDOW gave every case one: conhost.exe,
     * under Wine ~60 ms of CPU per case). The standard handles are the log, as before. */
    int in_job = 0;
    BOOL ok = spawn_in_job(cmd, TRUE, DETACHED_PROCESS, &si, s->job, &pi, &in_job);
    DWORD err = GetLastError();
    CloseHandle(log);
    CloseHandle(nul);
    free(cmd);
    free(id);
    free(os);
    if (!ok) {
        case_log_finish(&s->capture);
        CloseHandle(s->job);
        fprintf(stderr, "rmconform: error: cannot start a case process (error %lu)\n", err);
        s->start_error = err;
        return 0;
    }
    if (!in_job)
        fprintf(stderr, "rmconform: warning: case process not in a job (error %lu); its fixtures may outlive it\n", err);
    /* The call board (child.c opens it by the process id) exists before the child runs. */
    WCHAR board_name[64];
    _snwprintf(board_name, 64, L"Local\\rmconform-board-%lu", (unsigned long)pi.dwProcessId);
    s->board_map = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, sizeof(crash_board), board_name);
    s->board = s->board_map ? MapViewOfFile(s->board_map, FILE_MAP_READ | FILE_MAP_WRITE, 0, 0, sizeof(crash_board)) : NULL;
    ResumeThread(pi.hThread);
    CloseHandle(pi.hThread);
    s->process = pi.hProcess;
    s->pid = pi.dwProcessId;
    s->c = c;
    s->busy = 1;
    s->started = GetTickCount();
    unsigned t = c->timeout_s > r->o->timeout_s ? c->timeout_s : r->o->timeout_s;
    s->timeout_ms = t * 1000;
    return 1;
}

/* Appends to a verdict's message (malloc'd). */
static void append_message(case_result *cr, const char *text)
{
    size_t a = cr->message ? strlen(cr->message) : 0, b = strlen(text);
    char *m = malloc(a + b + 3);
    if (!m) return;
    memcpy(m, cr->message ? cr->message : "", a);
    memcpy(m + a, a ? "; " : "", a ? 2 : 0);
    memcpy(m + a + (a ? 2 : 0), text, b + 1);
    free(cr->message);
    cr->message = m;
}

/* A case that did not pass while its job hit the memory limit: say so, it explains the rest. */
static void note_memory_limit(slot *s, case_result *cr)
{
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION info;
    if (cr->status == ST_PASS || cr->status == ST_OBSERVED ||
        !QueryInformationJobObject(s->job, JobObjectExtendedLimitInformation, &info, sizeof info, NULL))
        return;
    if (info.PeakJobMemoryUsed + (16u << 20) < CASE_JOB_MEMORY_LIMIT) return;
    char text[200];
    snprintf(text, sizeof text, "out of memory: the case process and its fixtures reached the job's limit of %u MiB "
             "(peak %llu MiB); an allocation failed", (unsigned)(CASE_JOB_MEMORY_LIMIT >> 20),
             (unsigned long long)(info.PeakJobMemoryUsed >> 20));
    append_message(cr, text);
}

/* Services installed while the case ran (other than this run's fixtures): a case that leaves
 * the machine changed for good does not pass, whatever its checks said. */
static service_set known_services;

static void note_leftover_services(run_state *r, case_result *cr)
{
    rmc_buf text = {0}, obs = {0};
    /* The suite's fixture services (this case's are removed below; other runs' by those runs)
     * are not news. */
    /* The scratch folders of every run on this machine: %TEMP%\rmconform\<run id>. */
    WCHAR scratch_root[MAX_PATH];
    wcscpy(scratch_root, r->scratch_dir);
    WCHAR *last = wcsrchr(scratch_root, L'\\');
    if (last) *last = 0;
    if (!services_report_new(&known_services, L"rmfx-", scratch_root, r->o->remove_leftover_services, &text, &obs)) {
        buf_free(&text);
        buf_free(&obs);
        return;
    }
    char *msg = malloc(text.len + 96);
    if (msg) {
        sprintf(msg, "services left installed after the case: %s", text.data);
        if (cr->status == ST_PASS || cr->status == ST_OBSERVED) {
            cr->status = ST_FAIL;
            free(cr->message);
            cr->message = msg;
        } else {
            append_message(cr, msg);
            free(msg);
        }
    }
    case_result_add_obs(cr, "services_left_installed", obs.data);
    buf_free(&text);
    buf_free(&obs);
}

static void finish_child(run_state *r, slot *s, int timed_out)
{
    DWORD exit_code = 0;
    if (timed_out) {
        TerminateJobObject(s->job, 0xDEAD);
        WaitForSingleObject(s->process, 5000);
    }
    GetExitCodeProcess(s->process, &exit_code);
    case_result *cr = &r->results[r->nresults++];
    memset(cr, 0, sizeof(*cr));
    cr->c = s->c;
    cr->start_ms = s->started - r->run_started;
    cr->duration_ms = GetTickCount() - s->started;
    unsigned t = s->timeout_ms / 1000;
    case_log_finish(&s->capture);
    char death[900];
    describe_death(s, exit_code, death, sizeof death);
    verdict_collect(s->c, s->record, s->log, cr, timed_out, exit_code, t, death);
    note_memory_limit(s, cr);
    note_leftover_services(r, cr);
    if (s->board) UnmapViewOfFile(s->board);
    if (s->board_map) CloseHandle(s->board_map);
    s->board = NULL;
    s->board_map = NULL;
    /* Closing the job kills whatever the case left running. */
    TerminateJobObject(s->job, 0);
    CloseHandle(s->job);
    CloseHandle(s->process);
    remove_tree(s->case_dir);
    /* Services are not in the job: delete whatever this case left installed. Their names carry
     * the run id and the case process's PID (fixture.c), so cases running beside it keep theirs. */
    WCHAR tag[48];
    _snwprintf(tag, 48, L"%ls-%lx", r->run_id, (unsigned long)s->pid);
    fixture_services_cleanup(tag);
    s->busy = 0;
    results_case(r, cr);
}

/* ---- verdicts decided without a child --------------------------------------------------------- */

static int decide_without_child(run_state *r, const rmc_case *c)
{
    case_result *cr = &r->results[r->nresults];
    memset(cr, 0, sizeof(*cr));
    cr->c = c;
    char msg[512] = "";
    if (!(c->os & (1u << r->profile))) {
        cr->status = ST_SKIP;
        snprintf(msg, sizeof msg, "does not apply to %s", rmc_os_name(r->profile));
    } else if (c->needs & ~r->caps) {
        cr->status = ST_UNSUPPORTED;
        size_t n = (size_t)snprintf(msg, sizeof msg, "the platform lacks");
        for (int i = 0; i < RMC_CAP_COUNT_; i++)
            if (c->needs & ~r->caps & (1u << i))
                n += (size_t)snprintf(msg + n, sizeof msg - n, " %s (%s)", rmc_cap_names[i],
                                      r->cap_detail[i] ? r->cap_detail[i] : "not available");
    } else if (c->exports & ~r->exports) {
        cr->status = ST_FAIL;
        size_t n = (size_t)snprintf(msg, sizeof msg, "missing export");
        for (int i = 0; i < RMX_COUNT; i++)
            if (c->exports & ~r->exports & (1u << i)) n += (size_t)snprintf(msg + n, sizeof msg - n, " %s", export_name(i));
    } else
        return 0;
    cr->message = _strdup(msg);
    cr->start_ms = GetTickCount() - r->run_started;
    r->nresults++;
    results_case(r, cr);
    return 1;
}

/* Each run keeps a lock file open in its scratch folder for as long as it runs. A folder whose
 * lock can be deleted belongs to a run that was killed: remove it. A folder without a lock is
 * removed only once it is a minute old (a run that just started may not have made its lock). */
static HANDLE claim_scratch(const WCHAR *dir)
{
    WCHAR lock[MAX_PATH];
    _snwprintf(lock, MAX_PATH, L"%ls\\.lock", dir);
    return CreateFileW(lock, GENERIC_WRITE, FILE_SHARE_READ, NULL, CREATE_ALWAYS, FILE_FLAG_DELETE_ON_CLOSE, NULL);
}

static void remove_stale_scratch(const WCHAR *own)
{
    WCHAR parent[MAX_PATH], pattern[MAX_PATH];
    wcscpy(parent, own);
    WCHAR *slash = wcsrchr(parent, '\\');
    if (!slash) return;
    *slash = 0;
    _snwprintf(pattern, MAX_PATH, L"%ls\\*", parent);
    WIN32_FIND_DATAW fd;
    HANDLE find = FindFirstFileW(pattern, &fd);
    if (find == INVALID_HANDLE_VALUE) return;
    FILETIME now_ft;
    GetSystemTimeAsFileTime(&now_ft);
    ULONGLONG now = ((ULONGLONG)now_ft.dwHighDateTime << 32) | now_ft.dwLowDateTime;
    do {
        if (!(fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) || fd.cFileName[0] == '.') continue;
        WCHAR dir[MAX_PATH], lock[MAX_PATH];
        _snwprintf(dir, MAX_PATH, L"%ls\\%ls", parent, fd.cFileName);
        if (!_wcsicmp(dir, own)) continue;
        _snwprintf(lock, MAX_PATH, L"%ls\\.lock", dir);
        ULONGLONG written = ((ULONGLONG)fd.ftLastWriteTime.dwHighDateTime << 32) | fd.ftLastWriteTime.dwLowDateTime;
        if (DeleteFileW(lock) || (GetLastError() == ERROR_FILE_NOT_FOUND && now - written > 60ull * 10000000ull))
            remove_tree(dir);
    } while (FindNextFileW(find, &fd));
    FindClose(find);
}

/* ---- who may run beside whom ----------------------------------------------------------------
 * An RMC_EXCLUSIVE case runs alone. RMC_LOWERED_TIMEOUTS cases run beside each other but beside
 * no other case: the runner lowers the global force timeouts when the first of them starts and
 * puts the settings back when the last has ended. Either kind may change global settings (or
 * die before putting them back), so they are saved before and restored after. */
typedef struct sched_state {
    int exclusive;               /* an RMC_EXCLUSIVE case runs */
    int lowered;                 /* RMC_LOWERED_TIMEOUTS cases running */
    int saved_for;               /* settings saved (for an exclusive case or the lowered group) */
    rmc_saved_settings saved;
} sched_state;

static int may_start(const sched_state *st, const rmc_case *c, int running)
{
    if (st->exclusive) return 0;
    if (c->flags & RMC_EXCLUSIVE) return running == 0;
    if (c->flags & RMC_LOWERED_TIMEOUTS) return running == st->lowered;
    return st->lowered == 0;
}

static void case_starting(sched_state *st, const rmc_case *c)
{
    if (!(c->flags & (RMC_EXCLUSIVE | RMC_LOWERED_TIMEOUTS))) return;
    if (!st->saved_for) {
        settings_save(&st->saved);
        st->saved_for = 1;
    }
    if (c->flags & RMC_EXCLUSIVE) st->exclusive = 1;
    else if (st->lowered++ == 0 && !settings_lower())
        fputs("rmconform: warning: could not lower the force timeouts for the cases that wait them out; "
              "they lower them themselves\n", stderr);
}

static void case_ended(sched_state *st, const rmc_case *c)
{
    if (c->flags & RMC_EXCLUSIVE) st->exclusive = 0;
    else if (c->flags & RMC_LOWERED_TIMEOUTS) st->lowered--;
    else return;
    if (st->exclusive || st->lowered || !st->saved_for) return;
    int restored = settings_restore(&st->saved);
    st->saved_for = 0;
    /* After the lowered group the runner's own change is put back; after an exclusive case
     * anything that differs was left by the case. */
    if (restored && (c->flags & RMC_EXCLUSIVE)) {
        for (int i = 0; i < RMC_SETTING_COUNT; i++)
            if (restored & (1 << i)) fprintf(stderr, "rmconform: restored %ls, which a case left changed\n", settings_name(i));
    }
}

void runner_run(run_state *r)
{
    int nslots = r->o->jobs < 1 ? 1 : r->o->jobs > 32 ? 32 : r->o->jobs;
    slot *slots = calloc((size_t)nslots, sizeof(*slots));
    WCHAR cases_dir[RMC_PATH_CCH];
    _snwprintf(cases_dir, RMC_PATH_CCH, L"%ls\\cases", r->out_dir);
    cases_dir[RMC_PATH_CCH - 1] = 0;
    make_dirs(cases_dir);
    make_dirs(r->scratch_dir);
    HANDLE scratch_lock = claim_scratch(r->scratch_dir);
    remove_stale_scratch(r->scratch_dir);
    r->results = calloc((size_t)r->nselected + 1, sizeof(*r->results));
    schedule_order(r->selected, r->nselected, r->previous_ms);   /* exclusive first, then longest first (schedule.c) */
    r->run_started = GetTickCount();
    /* Fixture services left by an earlier run that was killed (their owner is gone). */
    fixture_services_cleanup(NULL);
    services_snapshot(&known_services);
    runner_protect_self();

    int next = 0, running = 0;
    sched_state st = {0};
    while (next < r->nselected || running > 0) {
        /* Start what may start now. */
        while (next < r->nselected && running < nslots) {
            const rmc_case *c = r->selected[next];
            if (decide_without_child(r, c)) { next++; continue; }
            if (!may_start(&st, c, running)) break;
            slot *s = NULL;
            for (int i = 0; i < nslots; i++) if (!slots[i].busy) { s = &slots[i]; break; }
            next++;
            case_starting(&st, c);
            if (!start_child(r, s, c)) {
                case_result *cr = &r->results[r->nresults++];
                memset(cr, 0, sizeof(*cr));
                cr->c = c;
                cr->status = ST_CRASH;
                cr->start_ms = GetTickCount() - r->run_started;
                char msg[128];
                snprintf(msg, sizeof msg, "the runner could not start the case process: %s", rmc_rc_str(s->start_error));
                cr->message = _strdup(msg);
                results_case(r, cr);
                case_ended(&st, c);
                continue;
            }
            running++;
        }
        if (!running) continue;

        /* Wait for the first child to end or the nearest deadline. */
        HANDLE handles[32];
        int map[32], nh = 0;
        DWORD now = GetTickCount(), wait = INFINITE;
        for (int i = 0; i < nslots; i++) {
            if (!slots[i].busy) continue;
            DWORD used = now - slots[i].started;
            DWORD left = used >= slots[i].timeout_ms ? 0 : slots[i].timeout_ms - used;
            if (left < wait) wait = left;
            handles[nh] = slots[i].process;
            map[nh++] = i;
        }
        DWORD w = WaitForMultipleObjects((DWORD)nh, handles, FALSE, wait);
        if (w < WAIT_OBJECT_0 + (DWORD)nh) {
            slot *s = &slots[map[w - WAIT_OBJECT_0]];
            const rmc_case *c = s->c;
            finish_child(r, s, 0);
            case_ended(&st, c);
            running--;
        } else {
            now = GetTickCount();
            for (int i = 0; i < nslots; i++) {
                if (!slots[i].busy || now - slots[i].started < slots[i].timeout_ms) continue;
                const rmc_case *c = slots[i].c;
                finish_child(r, &slots[i], WaitForSingleObject(slots[i].process, 0) != WAIT_OBJECT_0);
                case_ended(&st, c);
                running--;
            }
        }
    }
    if (st.saved_for) settings_restore(&st.saved);
    CloseHandle(scratch_lock);
    remove_tree(r->scratch_dir);
    services_free(&known_services);
    free(slots);
}

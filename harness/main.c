/* main.c — rmconform.exe: checks the input, probes the implementation and the platform, runs
 * the selected cases (runner.c) and writes the results (results.c). */
#include "runner.h"
#include "preflight.h"
#include <stdlib.h>
#include <string.h>

static int fatal(const char *msg)
{
    fprintf(stderr, "rmconform: error: %s\n", msg);
    return RMC_EXIT_BAD_INPUT;
}

static int select_cases(run_state *r, const rmc_options *o)
{
    size_t n = registry_count();
    r->selected = calloc(n + 1, sizeof(*r->selected));
    char **globs = calloc((size_t)o->nglobs + 1, sizeof(char *));
    for (int g = 0; g < o->nglobs; g++) globs[g] = utf8_from_wide(o->globs[g]);
    for (int g = 0; g < o->nglobs; g++) {
        int hit = 0;
        for (size_t i = 0; i < n && !hit; i++) hit = glob_match(globs[g], registry_get(i)->id);
        if (!hit) {
            char msg[300];
            snprintf(msg, sizeof msg, "no case matches '%s' (rmconform --list shows the case ids)", globs[g]);
            return fatal(msg);
        }
    }
    for (size_t i = 0; i < n; i++) {
        const rmc_case *c = registry_get(i);
        int take = o->nglobs == 0;
        for (int g = 0; g < o->nglobs && !take; g++) take = glob_match(globs[g], c->id);
        if (take) r->selected[r->nselected++] = c;
    }
    return 0;
}

/* ---- the load probe: a child that loads the DLL, so a crash or hang in DllMain is a clear
 * bad-input error, not the end of the runner. ---------------------------------------------------- */
typedef struct probe_result {
    DWORD load_error;
    int loaded, timed_out;
    int unloading;              /* it wrote all it found and was exiting (unload_watch.c) */
    char *unload_crash;         /* an exception in DllMain(DLL_PROCESS_DETACH) */
    DWORD exit_code;
    WCHAR path[MAX_PATH];
    unsigned exports, caps;
    char *platform_json;
    char *details[RMC_CAP_COUNT_];
    char *crash;
} probe_result;

static void run_probe(const rmc_options *o, const WCHAR *impl, probe_result *p)
{
    memset(p, 0, sizeof(*p));
    WCHAR tmp[MAX_PATH], record[MAX_PATH], self[MAX_PATH];
    GetTempPathW(MAX_PATH, tmp);
    _snwprintf(record, MAX_PATH, L"%lsrmconform-probe-%lu.rec", tmp, GetCurrentProcessId());
    record[MAX_PATH - 1] = 0;
    DeleteFileW(record);
    GetModuleFileNameW(NULL, self, MAX_PATH);
    WCHAR cmd[4 * MAX_PATH];
    if (impl) _snwprintf(cmd, 4 * MAX_PATH, L"\"%ls\" --probe --dll \"%ls\" --record \"%ls\"", self, impl, record);
    else _snwprintf(cmd, 4 * MAX_PATH, L"\"%ls\" --probe --system --record \"%ls\"", self, record);
    cmd[4 * MAX_PATH - 1] = 0;
    STARTUPINFOW si = {sizeof(si)};
    PROCESS_INFORMATION pi;
    HANDLE job = CreateJobObjectW(NULL, NULL);
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION lim = {0};
    lim.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
    SetInformationJobObject(job, JobObjectExtendedLimitInformation, &lim, sizeof lim);
    int in_job;
    if (!spawn_in_job(cmd, FALSE, DETACHED_PROCESS, &si, job, &pi, &in_job)) {
        p->exit_code = GetLastError();
        CloseHandle(job);
        return;
    }
    ResumeThread(pi.hThread);
    /* 60 s to load and probe; once the probe has written everything and is unloading the
     * DLL, 10 s more to exit (a DllMain(DLL_PROCESS_DETACH) that hangs is reported, not waited
     * out for the full minute). */
    DWORD start = GetTickCount(), unload_seen = 0;
    for (;;) {
        if (WaitForSingleObject(pi.hProcess, 250) != WAIT_TIMEOUT) break;
        DWORD now = GetTickCount();
        if (!unload_seen) {
            char *text = read_text_file(record, NULL);
            if (text && strstr(text, "\nP\tunloading")) unload_seen = now;
            free(text);
        }
        if (now - start >= 60000 || (unload_seen && now - unload_seen >= 10000)) {
            p->timed_out = 1;
            TerminateJobObject(job, 0);
            WaitForSingleObject(pi.hProcess, 5000);
            break;
        }
    }
    GetExitCodeProcess(pi.hProcess, &p->exit_code);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    CloseHandle(job);

    char *text = read_text_file(record, NULL);
    DeleteFileW(record);
    for (char *line = text; line && *line;) {
        char *end = strchr(line, '\n');
        if (end) *end = 0;
        char *key = strchr(line, '\t');
        char *val = key ? strchr(key + 1, '\t') : NULL;
        if (key && val) {
            *val++ = 0;
            key++;
            if (line[0] == 'K') {
                if (!strcmp(key, "load_error")) p->load_error = (DWORD)strtoul(val, NULL, 10);
                else if (!strcmp(key, "path")) {
                    char *s = json_str_decode(val);
                    MultiByteToWideChar(CP_UTF8, 0, s, -1, p->path, MAX_PATH);
                    free(s);
                    p->loaded = 1;
                } else if (!strcmp(key, "exports")) p->exports = (unsigned)strtoul(val, NULL, 10);
                else if (!strcmp(key, "caps")) p->caps = (unsigned)strtoul(val, NULL, 10);
                else if (!strcmp(key, "platform")) p->platform_json = _strdup(val);
                else
                    for (int i = 0; i < RMC_CAP_COUNT_; i++)
                        if (!strcmp(key, rmc_cap_names[i])) p->details[i] = json_str_decode(val);
            } else if (line[0] == 'C') p->crash = json_str_decode(val);
            else if (line[0] == 'U') p->unload_crash = json_str_decode(val);
        } else if (key && line[0] == 'P' && !strcmp(key + 1, "unloading")) {
            p->unloading = 1;
        }
        if (!end) break;
        line = end + 1;
    }
    free(text);
}

static int probe_failure(const probe_result *p, const char *what)
{
    char msg[700];
    /* It loaded and told everything; only its unload went wrong. The cases will meet the same
     * at their own exit and say so in their verdicts: warn and run them. */
    if (p->unloading && p->loaded && (p->timed_out || p->unload_crash || p->exit_code)) {
        if (p->timed_out)
            fprintf(stderr, "rmconform: warning: the load probe loaded %s and read its exports, then hung while unloading "
                            "it (DllMain(DLL_PROCESS_DETACH) did not return within 10 s); the cases will show the same\n",
                    what);
        else
            fprintf(stderr, "rmconform: warning: the load probe loaded %s and read its exports, then %s%s; the cases "
                            "will show the same\n", what, p->unload_crash ? "" : "died while unloading it",
                    p->unload_crash ? p->unload_crash : "");
        return 0;
    }
    if (p->timed_out)
        snprintf(msg, sizeof msg, "loading %s did not finish within 60 s (its DllMain hangs?)", what);
    else if (p->crash)
        snprintf(msg, sizeof msg, "loading %s crashed: %s", what, p->crash);
    else if (p->load_error == ERROR_DLL_INIT_FAILED)
        snprintf(msg, sizeof msg, "%s failed to initialise: its DllMain returned FALSE (ERROR_DLL_INIT_FAILED, 1114)", what);
    else if (p->load_error == ERROR_MOD_NOT_FOUND)
        snprintf(msg, sizeof msg, "%s cannot be loaded: it or a DLL it depends on was not found (ERROR_MOD_NOT_FOUND, 126)", what);
    else if (p->load_error == ERROR_BAD_EXE_FORMAT)
        snprintf(msg, sizeof msg, "%s is not a valid DLL for this system (ERROR_BAD_EXE_FORMAT, 193)", what);
    else if (p->load_error)
        snprintf(msg, sizeof msg, "%s cannot be loaded: LoadLibrary failed with error %lu", what, (unsigned long)p->load_error);
    else if (!p->loaded && looks_like_exception(p->exit_code))
        snprintf(msg, sizeof msg, "loading %s crashed: exception 0x%08lX", what, (unsigned long)p->exit_code);
    else if (!p->loaded)
        snprintf(msg, sizeof msg, "loading %s failed: the probe process ended with code %lu", what, (unsigned long)p->exit_code);
    else
        return 0;
    return fatal(msg);
}

static void header_json(run_state *r, const probe_result *p, const rmc_osinfo *os)
{
    rmc_buf *b = &r->header;
    char sha[65] = "", ver[64] = "";
    buf_printf(b, "\"tool\": {\"name\": \"rmconform\", \"version\": \"%s\", \"arch\": \"%s\"}, ", RMC_VERSION, RMC_ARCH);
    buf_puts(b, "\"implementation\": {\"name\": ");
    buf_json_str(b, r->impl_name);
    buf_puts(b, ", \"path\": ");
    buf_json_wstr(b, p->path, MAX_PATH);
    buf_puts(b, ", \"sha256\": ");
    if (file_sha256(p->path, sha)) buf_json_str(b, sha); else buf_puts(b, "null");
    buf_printf(b, ", \"arch\": \"%s\", \"file_version\": ", RMC_ARCH);
    if (file_version(p->path, ver, sizeof ver)) buf_json_str(b, ver); else buf_puts(b, "null");
    buf_puts(b, "}, \"os\": {\"name\": ");
    buf_json_str(b, rmc_os_name(r->profile));
    buf_printf(b, ", \"major\": %lu, \"minor\": %lu, \"build\": %lu, \"wine\": ", (unsigned long)os->major,
               (unsigned long)os->minor, (unsigned long)os->build);
    if (os->wine[0]) buf_json_str(b, os->wine); else buf_puts(b, "null");
    buf_puts(b, ", \"detected\": ");
    buf_json_str(b, rmc_os_name(os->detected));
    buf_puts(b, "}, \"platform\": ");
    buf_puts(b, p->platform_json ? p->platform_json : "{}");
}

static void print_list(const run_state *r)
{
    for (int i = 0; i < r->nselected; i++) {
        const rmc_case *c = r->selected[i];
        printf("%-52s %-6s %-7s %s\n", c->id, c->provenance, c->spec, c->title);
    }
    printf("%d cases\n", r->nselected);
}

int wmain(int argc, WCHAR **argv)
{
    rmc_options o;
    if (!options_parse(argc, argv, &o)) return RMC_EXIT_BAD_INPUT;
    if (o.child_case) return child_main(&o);
    if (o.probe) return probe_main(&o);
    if (o.selftest) return selftest_main(&o);
    SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX | SEM_NOOPENFILEERRORBOX);

    run_state r = {0};
    r.o = &o;
    if (select_cases(&r, &o)) return RMC_EXIT_BAD_INPUT;
    if (o.list) { print_list(&r); return RMC_EXIT_OK; }

    /* The implementation: checked as a file before any process loads it. */
    WCHAR full[RMC_PATH_CCH];
    char why[RMC_PATH_CCH * 3 + 200];
    if (o.dll) {
        DWORD n = GetFullPathNameW(o.dll, RMC_PATH_CCH, full, NULL);
        if (!n) return fatal("the --dll path is not valid");
        if (n >= MAX_PATH) {
            /* LoadLibrary takes at most MAX_PATH characters; refuse plainly, never a wrong name. */
            char *shown = utf8_from_wide(o.dll);
            snprintf(why, sizeof why, "the --dll path is %lu characters long; Windows loads a DLL by a path of at most "
                     "%d characters: copy it to a shorter folder (%.300s%s)", (unsigned long)(n >= RMC_PATH_CCH ? n - 1 : n),
                     MAX_PATH - 1, shown, strlen(shown) > 300 ? "..." : "");
            return fatal(why);
        }
        if (!dll_check_file(full, why, sizeof why)) return fatal(why);
        r.impl_path = full;
    }
    probe_result p;
    char *shown = o.dll ? utf8_from_wide(full) : _strdup("rstrtmgr.dll (system)");
    run_probe(&o, r.impl_path, &p);
    if (probe_failure(&p, shown)) return RMC_EXIT_BAD_INPUT;
    if (!o.dll && !dll_check_file(p.path, why, sizeof why)) return fatal(why);

    if (o.system) strcpy(r.impl_name, "system");
    else {
        char *path8 = utf8_from_wide(full);
        char *base = strrchr(path8, '\\');
        snprintf(r.impl_name, sizeof r.impl_name, "%s", base ? base + 1 : path8);
        char *dot = strrchr(r.impl_name, '.');
        if (dot) *dot = 0;
        free(path8);
    }
    r.exports = p.exports;
    r.caps = p.caps;
    for (int i = 0; i < RMC_CAP_COUNT_; i++) r.cap_detail[i] = p.details[i];

    rmc_osinfo os;
    os_detect(&os);
    r.profile = o.os_given ? o.os : os.detected;

    /* Output and scratch folders. */
    _snwprintf(r.run_id, 32, L"%lx%04lx", (unsigned long)GetCurrentProcessId(), (unsigned long)(GetTickCount() & 0xffff));
    if (!outdir_setup(&r, o.dll ? full : p.path)) return RMC_EXIT_BAD_INPUT;

    /* The fixtures' preflight: one that fails makes the cases needing it unsupported (preflight.c). */
    p.platform_json = preflight_add_to_platform(p.platform_json, preflight_run(r.caps, r.run_id, 0, NULL));
    header_json(&r, &p, &os);
    iso_time_now(r.started);
    char *out8 = utf8_from_wide(shown_path(r.out_dir));
    /* The second line names the folder, so a caller (./rmc conform) finds a run it must gate even
     * when the run never finishes. */
    printf("rmconform %s: %d cases against %s on %s%s%s%s\nresults in %s\n", RMC_VERSION, r.nselected, shown,
           rmc_os_name(r.profile), os.wine[0] ? " (Wine " : "", os.wine, os.wine[0] ? ")" : "", out8);
    free(out8);
    fflush(stdout);
    results_begin(&r);
    runner_run(&r);
    results_end(&r);
    int bad = r.counts[ST_FAIL] + r.counts[ST_CRASH] + r.counts[ST_TIMEOUT] + r.counts[ST_BLOCKED];
    return bad ? RMC_EXIT_FAILURES : RMC_EXIT_OK;
}

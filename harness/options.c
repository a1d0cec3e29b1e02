/* options.c — the command line of rmconform.exe. */
#include "internal.h"
#include <stdlib.h>
#include <string.h>

static const char *const profile_names[RMC_PROFILE_COUNT] = {"vista", "win7", "win8", "win10", "win11"};

const char *rmc_os_name(rmc_profile p)
{
    return (unsigned)p < RMC_PROFILE_COUNT ? profile_names[p] : "unknown";
}

int profile_from_name(const char *name, rmc_profile *out)
{
    for (int i = 0; i < RMC_PROFILE_COUNT; i++)
        if (!_stricmp(name, profile_names[i])) { *out = (rmc_profile)i; return 1; }
    return 0;
}

void options_usage(FILE *to)
{
    fputs("usage: rmconform (--dll PATH | --system) [--case GLOB]... [--os vista|win7|win8|win10|win11]\n"
          "                 [--timeout SECONDS] [--out DIR | --out-root DIR] [--jobs N] [--quiet]\n"
          "       rmconform --list [--case GLOB]...\n"
          "       rmconform --selftest [--dll PATH] [--case GLOB]... [--out DIR] [--jobs N]\n"
          "\n"
          "  --dll PATH      load the implementation from this file (full path)\n"
          "  --system        load rstrtmgr.dll by name, as an installer would\n"
          "  --case GLOB     run only cases whose id matches (* and ?); repeatable\n"
          "  --list          list the cases (id, provenance, spec, title) and exit\n"
          "  --os P          use the expectations of Windows profile P (default: detected)\n"
          "  --timeout S     watchdog per case in seconds (default 30; some cases need more)\n"
          "  --out DIR       write results.jsonl, results.json, junit.xml there\n"
          "  --out-root DIR  write into DIR/<implementation>-<os>-<arch>/\n"
          "  --jobs N        run up to N cases at once (default: 2 per processor, at least 2, at most 8;\n"
          "                  most cases wait rather than compute); cases that need the machine alone run\n"
          "                  alone, first; the others start longest first\n"
          "  --remove-leftover-services  delete services a case installed whose binary lies outside\n"
          "                  the system folders (they are always reported)\n"
          "  --selftest      check the fixtures themselves (no verdict on any implementation; the\n"
          "                  secondary installer's checks drive rmref.dll, or --dll PATH)\n"
          "\n"
          "exit status: 0 every case pass/unsupported/skip; 1 any fail/crash/timeout; 2 bad input\n",
          to);
}

static int bad(const char *fmt, const char *arg)
{
    fputs("rmconform: error: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs(" (see rmconform --help)\n", stderr);
    return 0;
}

static int parse_uint(const WCHAR *s, unsigned lo, unsigned hi, unsigned *out)
{
    WCHAR *end;
    if (!s || !*s) return 0;
    unsigned long v = wcstoul(s, &end, 10);
    if (*end || v < lo || v > hi) return 0;
    *out = (unsigned)v;
    return 1;
}

int options_parse(int argc, WCHAR **argv, rmc_options *o)
{
    memset(o, 0, sizeof(*o));
    o->timeout_s = 30;
    o->jobs = 0;   /* 0 until parsed: schedule_default_jobs() */
    o->globs = calloc((size_t)argc + 1, sizeof(*o->globs));
    for (int i = 1; i < argc; i++) {
        const WCHAR *a = argv[i];
        char *a8 = utf8_from_wide(a);
#define NEED_VALUE() do { if (i + 1 >= argc) return bad("%s needs a value", a8); } while (0)
        if (!wcscmp(a, L"--dll")) { NEED_VALUE(); o->dll = argv[++i]; }
        else if (!wcscmp(a, L"--system")) o->system = 1;
        else if (!wcscmp(a, L"--case")) { NEED_VALUE(); o->globs[o->nglobs++] = argv[++i]; }
        else if (!wcscmp(a, L"--list")) o->list = 1;
        else if (!wcscmp(a, L"--quiet")) o->quiet = 1;
        else if (!wcscmp(a, L"--remove-leftover-services")) o->remove_leftover_services = 1;
        else if (!wcscmp(a, L"--selftest")) o->selftest = 1;
        else if (!wcscmp(a, L"--os")) {
            NEED_VALUE();
            char *v = utf8_from_wide(argv[++i]);
            if (!profile_from_name(v, &o->os))
                return bad("unknown --os profile '%s' (vista, win7, win8, win10, win11)", v);
            o->os_given = 1;
        }
        else if (!wcscmp(a, L"--timeout")) {
            NEED_VALUE();
            if (!parse_uint(argv[++i], 1, 86400, &o->timeout_s))
                return bad("--timeout takes whole seconds from 1 to 86400, not '%s'", utf8_from_wide(argv[i]));
        }
        else if (!wcscmp(a, L"--out")) { NEED_VALUE(); o->out = argv[++i]; }
        else if (!wcscmp(a, L"--out-root")) { NEED_VALUE(); o->out_root = argv[++i]; }
        else if (!wcscmp(a, L"--jobs")) {
            unsigned j;
            NEED_VALUE();
            if (!parse_uint(argv[++i], 1, 32, &j))
                return bad("--jobs takes a number from 1 to 32, not '%s'", utf8_from_wide(argv[i]));
            o->jobs = (int)j;
        }
        /* internal: the runner starting itself for one case or for the load probe */
        else if (!wcscmp(a, L"--child")) { NEED_VALUE(); o->child_case = argv[++i]; }
        else if (!wcscmp(a, L"--probe")) o->probe = 1;
        else if (!wcscmp(a, L"--record")) { NEED_VALUE(); o->record = argv[++i]; }
        else if (!wcscmp(a, L"--case-dir")) { NEED_VALUE(); o->case_dir = argv[++i]; }
        else if (!wcscmp(a, L"--run-id")) { NEED_VALUE(); o->run_id = argv[++i]; }
        else if (!wcscmp(a, L"--caps")) { NEED_VALUE(); parse_uint(argv[++i], 0, 0xffff, &o->caps); }
        else if (!wcscmp(a, L"-h") || !wcscmp(a, L"--help")) { options_usage(stdout); exit(0); }
        else return bad("unknown option '%s'", a8);
#undef NEED_VALUE
        free(a8);
    }
    if (!o->jobs) o->jobs = schedule_default_jobs();
    if (o->child_case || o->probe) return 1;
    if (o->list) return 1;
    if (o->selftest) return o->system ? bad("%s", "--selftest drives rmref.dll or --dll PATH, not --system") : 1;
    if (!o->dll && !o->system) return bad("%s", "name the implementation: --dll PATH or --system");
    if (o->dll && o->system) return bad("%s", "--dll and --system exclude each other");
    if (o->out && o->out_root) return bad("%s", "--out and --out-root exclude each other");
    return 1;
}

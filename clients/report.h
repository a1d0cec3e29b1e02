/* report.h — how every client says what it saw: one JSON object on stdout, written as the
 * client goes (so a client that crashes half-way still leaves what it did). Real clients log to
 * a file or a message box; ours print where the case reads them. Not part of any pattern. */
#ifndef CLIENT_REPORT_H
#define CLIENT_REPORT_H

#include <windows.h>
#include <restartmanager.h>
#include <stdio.h>

static int report_fields;

static inline void report_key(const char *key)
{
    printf("%s\"%s\":", report_fields++ ? "," : "{", key);
}

static inline void report_num(const char *key, long long value)
{
    report_key(key);
    printf("%lld", value);
}

static inline void report_bool(const char *key, int value)
{
    report_key(key);
    printf(value ? "true" : "false");
}

static inline void report_wstr_value(const WCHAR *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') printf("\\%c", (char)*s);
        else if (*s < 0x20 || *s > 0x7e) printf("\\u%04x", (unsigned)*s);
        else putchar((char)*s);
    }
    putchar('"');
}

static inline void report_wstr(const char *key, const WCHAR *s)
{
    report_key(key);
    report_wstr_value(s);
}

/* The rstrtmgr.dll this process really loaded: which implementation answered. Its path, and
 * its PE header's TimeDateStamp and SizeOfImage as mapped (a path alone can mislead: Wine names
 * a builtin after the file it chose not to load). */
static inline void report_dll(void)
{
    WCHAR path[MAX_PATH] = L"";
    HMODULE dll = GetModuleHandleW(L"rstrtmgr.dll");
    GetModuleFileNameW(dll, path, MAX_PATH);
    report_wstr("dll", path);
    if (!dll) return;
    const IMAGE_DOS_HEADER *dos = (const IMAGE_DOS_HEADER *)dll;
    const IMAGE_NT_HEADERS *nt = (const IMAGE_NT_HEADERS *)((const BYTE *)dll + dos->e_lfanew);
    report_num("dll_stamp", nt->FileHeader.TimeDateStamp);
    report_num("dll_size", nt->OptionalHeader.SizeOfImage);
}

/* The processes of a list, as "pids":[..] and "names":[..]. */
static inline void report_apps(const RM_PROCESS_INFO *apps, UINT count)
{
    report_key("pids");
    putchar('[');
    for (UINT i = 0; i < count; i++) printf("%s%lu", i ? "," : "", apps[i].Process.dwProcessId);
    printf("]");
    report_key("names");
    putchar('[');
    for (UINT i = 0; i < count; i++) {
        if (i) putchar(',');
        report_wstr_value(apps[i].strAppName);
    }
    putchar(']');
}

/* A nested object: report_object_begin("holding"); report_num(...); report_object_end(); */
static inline void report_object_begin(const char *key)
{
    report_key(key);
    report_fields = 0;
}

static inline void report_object_end(void)
{
    printf("}");
    report_fields = 1;
}

static inline void report_end(void)
{
    printf(report_fields ? "}\n" : "{}\n");
    fflush(stdout);
}

/* Unbuffered, so what was printed survives a crash. */
static inline void report_begin(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
}

#endif
